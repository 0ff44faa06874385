// Where the model puts things in the guest's address space, and how big.

/** Base of the native region holding the model functions (below Go's usual 0x401000 text start). */
export const MODEL_TEXT_BASE = 0x200000;
/** Goroutine stacks: larger than Go's 8 KiB start (the model does not grow stacks). */
export const GSTACK_SIZE = 64 * 1024;
/** g0 (scheduler) stacks of the Ms. */
export const G0STACK_SIZE = 32 * 1024;
/** Stacks go where Go's heap arena starts (0xc000000000), one after another with an unmapped page between. */
export const STACK_BASE = 0xc000000000;
/** stackGuard on linux/amd64: stackguard0 = stack.lo + 928. */
export const stackGuard = 928;
