// Reverse execution needs kernel.run(n) to be independent of how a run is sliced (one run of 1000 = ten runs of
// 100). The kernel also checks timers whenever a run() loop iteration starts at an instruction count that is a
// multiple of 1024; a slice boundary (a single step, a pause) creates such iterations where one long run has none,
// so a timer could fire earlier and the interleaving change. Until src/linux drops that check, the Machine skips
// exactly those extra checks: timers still fire at every quantum start and whenever no thread can run.
import type { Kernel } from '../linux/kernel';

export function makeSliceIndependent(kernel: Kernel): void {
  const k = kernel as unknown as { fireTimers(): number; st: Kernel['st']; quantum: number; current?: { state: string } };
  const fire = k.fireTimers;
  if (typeof fire !== 'function') return;
  k.fireTimers = function (this: typeof k): number {
    const st = this.st;
    const cur = this.current;
    if ((st.instructions & 0x3ff) === 0 && st.quantumLeft !== this.quantum && st.quantumLeft > 0 && cur && cur.state === 'runnable') {
      return Infinity; // the extra check at a slice boundary: the unsliced run would not make it here
    }
    return fire.call(this);
  };
}
