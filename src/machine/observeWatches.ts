// Write watches that only observe (the real-program tracer's: they never stop the CPU) need not cost the CPU its
// fast path. The Cpu runs its generated block functions only while `memory.watchCount` is 0, because a watch
// that stops must stop right after the writing instruction; writes to watched pages still go through the
// Memory's checked path (which calls the watches) either way. So the Machine tells the Cpu how many watches may
// stop — data breakpoints, and the tracer while a filter may stop at its events — and 0 otherwise.
// TODO(cpu): an `observe` option of Memory.addWriteWatch would make this adapter unnecessary.
import { Memory } from '../cpu/memory';

const getter = Object.getOwnPropertyDescriptor(Memory.prototype, 'watchCount')?.get;

/** Make `memory.watchCount` report stoppingWatches() instead of every watch (no-op if Memory changed shape). */
export function countOnlyStoppingWatches(memory: Memory, stoppingWatches: () => number): void {
  if (typeof getter !== 'function' || Object.prototype.hasOwnProperty.call(memory, 'watchCount')) return;
  Object.defineProperty(memory, 'watchCount', {
    configurable: true,
    get(this: Memory) { return stoppingWatches() > 0 ? getter.call(this) : 0; },
  });
}
