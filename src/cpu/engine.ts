// V8 tiering for an emulator made of many small closures. By default V8 optimises a function after ~66 KB of
// bytecode has run in it; with tens of thousands of fresh per-instruction closures (a Go program's start-up
// touches ~22k instructions once or a few times) that tiers up, and deoptimises, code that is about to go cold
// and costs more than it saves (Go hello world: ~950 → ~600 ms in-process). A larger budget optimises only what
// stays hot, which also helps long runs slightly. Set once, when the first Cpu is created; it only changes when
// V8 optimises, never what the code computes.
import * as v8 from 'node:v8';

/** Bytecode budget before V8 considers a function for optimisation (V8's default in Node 20 is 67584). */
export const INTERRUPT_BUDGET = 1_000_000;

let tuned = false;

export function tuneEngine(): void {
  if (tuned) return;
  tuned = true;
  try { v8.setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`); } catch { /* not V8: nothing to tune */ }
}
