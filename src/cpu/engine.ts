// V8 tiering for an emulator made of many small closures. By default V8 optimises a function after ~66 KB of
// bytecode has run in it; with tens of thousands of fresh per-instruction closures (a Go program's start-up
// touches ~22k instructions once or a few times) that tiers up, and deoptimises, code that is about to go cold
// and costs more than it saves (Go hello world: ~950 → ~600 ms in-process). A larger budget optimises only what
// stays hot, which also helps long runs slightly. Set once, when the first Cpu is created; it only changes when
// V8 optimises, never what the code computes.
//
// A block's generated function calls its ops' closures; V8 inlines them only within a cumulative bytecode
// budget (920 by default), so a 10-instruction block loses most of its inlining, and every call that passes an
// address above 2^31 (Go's heap and stacks) boxes it in a heap number: garbage per memory access. A larger
// cumulative budget lets whole blocks (and their memory accessors) inline.
//
// The young generation: V8 doubles it (up to 32 MiB) when many objects survive a scavenge, and translated code
// does survive. Every fresh MiB costs page faults, and a larger young generation copies more per scavenge: a
// growth factor of 1 keeps it at its initial size (Go hello world: 108 → 89 MB peak RSS, ~10% faster). V8 reads
// this factor each time it would grow the space, so setting it at run time is safe (unlike most heap flags).
//
// iced-x86's WebAssembly: V8 compiles each function with its baseline compiler (Liftoff) on first call, then
// recompiles hot ones with TurboFan in the background. For a Go start-up (~23k decodes, ~10 ms in all) the
// recompilation saves nothing and its compiler memory costs ~2,700 page faults (Go hello world: 8,850 instead of
// 11,600 faults, ~30 ms faster). A tiering budget no run reaches keeps Liftoff's code; V8 reads it when the module
// is compiled, so it must be set before iced-x86 is loaded (the boot loaders call tuneEngine first).
import v8 = require('node:v8');

/** Bytecode budget before V8 considers a function for optimisation (V8's default in Node 20 is 67584). */
export const INTERRUPT_BUDGET = 1_000_000;
/** Bytecode V8 may inline into one optimised function (default 920). */
export const INLINE_CUMULATIVE = 5_000;
/** Factor by which V8 grows the young generation (default 2). */
export const SEMI_SPACE_GROWTH = 1;
/** Work a WebAssembly function does before V8 recompiles it with TurboFan (default 1,800,000; int32 maximum). */
export const WASM_TIERING_BUDGET = 2_000_000_000;

let tuned = false;

export function tuneEngine(): void {
  if (tuned) return;
  tuned = true;
  try {
    v8.setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
    v8.setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${INLINE_CUMULATIVE}`);
    v8.setFlagsFromString(`--semi-space-growth-factor=${SEMI_SPACE_GROWTH}`);
    v8.setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
  } catch { /* not V8: nothing to tune */ }
}

/**
 * Runs `run` (a bundle's top level: each module's set-up, run once) without V8's baseline compiler (Sparkplug).
 * The top level of a bundle is one function with hundreds of KB of bytecode; run once, it still gets baseline code
 * part way through, and the code cache records that it had some: every later start then compiled it again as soon
 * as the cached bundle was instantiated (~6 ms, and ~130–220 page faults, of each start of the CLI). Afterwards the
 * compiler is as it was: on, unless node was started with it off.
 */
export function withoutBaselineCompiler(run: () => void): void {
  let off = false;
  if (baselineCompilerOn()) {
    try { v8.setFlagsFromString('--no-sparkplug'); off = true; } catch { /* not V8 */ }
  }
  try { run(); } finally { if (off) v8.setFlagsFromString('--sparkplug'); }
}

/**
 * Whether V8 runs with Sparkplug, as node's command line set it (V8 has no reader for its flags; NODE_OPTIONS may
 * not carry V8 flags). The last of --sparkplug and --no-sparkplug wins; --jitless turns it off.
 */
export function baselineCompilerOn(execArgv: readonly string[] = process.execArgv): boolean {
  let on = true;
  for (const a of execArgv) {
    const f = a.replace(/_/g, '-');
    if (f === '--sparkplug') on = true;
    else if (f === '--no-sparkplug' || f === '--jitless') on = false;
  }
  return on;
}
