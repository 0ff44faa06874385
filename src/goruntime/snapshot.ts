// The scheduler snapshot (DESIGN.md §4, body of the `scheduler` request and event). One type for both sources:
// the Model (model programs) and the MemoryReader (real programs). Status fields are Go's constant names.

export interface GSnap {
  goid: number;
  status: string;            // '_Grunning', ... (without _Gscan; a scan bit shows as e.g. '_Gscan|_Grunning')
  m: number | null;
  p: number | null;
  pc: string;                // "0x..." current or saved PC
  syscallpc: string;         // "0x0" when not in a syscall
  syscallsp: string;
  waitreason: string;        // '' when not waiting
  startfn?: string;          // the goroutine's start function
  stacklo?: string;
  stackhi?: string;
  sp?: string;
}

export interface MSnap {
  id: number;
  p: number | null;
  curg: number | null;
  oldp: number | null;
  blocked: boolean;
  spinning: boolean;
  /** The syscall this M is in, e.g. "read", or null. */
  syscall: string | null;
  /** The emulated thread id (tid) of this M. */
  tid?: number;
}

export interface PSnap {
  id: number;
  status: string;            // '_Pidle', ...
  m: number | null;
  runq: number[];            // goids, runnext first
  syscalltick: number;
  schedtick: number;
}

export interface SchedSnap {
  runq: number[];
  npidle: number;
  nmidle: number;
  nmspinning: number;
}

export interface SchedSnapshot {
  gs: GSnap[];
  ms: MSnap[];
  ps: PSnap[];
  sched: SchedSnap;
  /** Virtual time, ns. */
  t: number;
  source: 'model' | 'memory';
}

/** Implemented by the Model and by the MemoryReader. */
export interface SchedulerSource {
  snapshot(): SchedSnapshot;
}

export const G_STATUS: Record<number, string> = {
  0: '_Gidle', 1: '_Grunnable', 2: '_Grunning', 3: '_Gsyscall', 4: '_Gwaiting', 5: '_Gmoribund_unused', 6: '_Gdead',
  7: '_Genqueue_unused', 8: '_Gcopystack', 9: '_Gpreempted',
};
export const P_STATUS: Record<number, string> = { 0: '_Pidle', 1: '_Prunning', 2: '_Psyscall', 3: '_Pgcstop', 4: '_Pdead' };
export const G_SCAN = 0x1000;

export function gStatusName(v: number): string {
  const base = G_STATUS[v & ~G_SCAN] ?? `status(${v & ~G_SCAN})`;
  return v & G_SCAN ? `_Gscan|${base}` : base;
}
export function pStatusName(v: number): string { return P_STATUS[v] ?? `status(${v})`; }
