// The scheduler model's state: G, M, P and schedt with the field names of Go's runtime/runtime2.go. Everything is
// plain data (numbers, strings, arrays, records) referring to other objects by id, so a snapshot is structuredClone.

export const _Gidle = 0, _Grunnable = 1, _Grunning = 2, _Gsyscall = 3, _Gwaiting = 4, _Gdead = 6;
export const _Pidle = 0, _Prunning = 1, _Psyscall = 2, _Pgcstop = 3, _Pdead = 4;

/** Go's stackPreempt (uintptr(-1314)): a stackguard0 that makes every stack check fail. */
export const stackPreempt = '0xfffffffffffffade';
/** Go's _GoidCacheBatch: a P takes goids from sched.goidgen 16 at a time. */
export const GoidCacheBatch = 16;
/** Local run queue length (p.runq is [256]guintptr). */
export const RunqSize = 256;

/** One activation of a model function (the model's own bookkeeping, not Go's). */
export interface Frame {
  fn: string;
  locals: Record<string, Val>;
  /** Local of this frame that receives the result of the model call in progress. */
  assign: string | string[] | null;
  /** When the call in progress returns a false/nil/0 result, continue at this label (a call in an `if`). */
  elseLabel?: string | null;
  /** Address of the line this activation continues at (a jump to the first line is not a new call). */
  resume?: number;
  /** False between a model call pushing the frame and the callee's first step. */
  started: boolean;
  /** How the frame was entered: from guest code (asm CALL), from a model call, by mcall, or as a thread's start. */
  via: 'asm' | 'model' | 'mcall' | 'start';
}
export type Val = number | boolean | string | null;

export interface Gobuf { sp: number; pc: number; bp: number }

export interface G {
  goid: number;
  atomicstatus: number;
  /** M running this G (id), null when none. */
  m: number | null;
  sched: Gobuf;
  syscallsp: number;
  syscallpc: number;
  syscallbp: number;
  stack: { lo: number; hi: number };
  stackguard0: string;
  throwsplit: boolean;
  preempt: boolean;
  /** Entry PC of the goroutine's function, and the PC of the `go` statement that created it. */
  startpc: number;
  gopc: number;
  parentGoid: number;
  waitreason: string;
  waitsince: number;
  /** Model call stack of the model functions active on this G's stack. */
  frames: Frame[];
}

export interface M {
  id: number;
  /** Emulated thread id (m.procid in Go). */
  procid: number;
  /** The M's scheduling stack (g0): its stack bounds and the model frames running on it. */
  g0: { stack: { lo: number; hi: number }; frames: Frame[] };
  /** True while the M runs on g0 (getg() == m.g0). */
  ong0: boolean;
  curg: number | null;
  p: number | null;
  nextp: number | null;
  oldp: number | null;
  spinning: boolean;
  /** Parked in mPark (notesleep(&m.park)). */
  blocked: boolean;
  locks: number;
  syscalltick: number;
  mstartfn: string | null;
  /** m.park: the note stopm sleeps on (set by notewakeup, possibly before the M sleeps). */
  parknote: boolean;
  /** gopark's unlock function and its argument (the model's only one queues the G on a semaphore). */
  waitunlockf: string | null;
  waitlock: number | null;
  /** Name of the model function this M started with (sysmon for the sysmon M). */
  startfn: string;
  exited: boolean;
}

export interface Sysmontick { schedtick: number; syscalltick: number; schedwhen: number; syscallwhen: number }

export interface P {
  id: number;
  status: number;
  m: number | null;
  /** Local run queue, head first (runqhead..runqtail in Go). */
  runq: number[];
  runnext: number | null;
  schedtick: number;
  syscalltick: number;
  sysmontick: Sysmontick;
  goidcache: number;
  goidcacheend: number;
  gFree: number[];
}

export interface Schedt {
  goidgen: number;
  /** Idle Ms, most recently parked first (sched.midle is a LIFO list). */
  midle: number[];
  nmidle: number;
  nmidlelocked: number;
  mnext: number;
  nmsys: number;
  /** Idle Ps, most recently put first (sched.pidle is a LIFO list). */
  pidle: number[];
  npidle: number;
  nmspinning: number;
  needspinning: number;
  /** Global run queue, head first. */
  runq: number[];
  runqsize: number;
  sysmonwait: boolean;
  /** sched.sysmonnote, and the M that runs sysmon (the model's way to find the note's sleeper). */
  sysmonnote: boolean;
  sysmonm: number | null;
  /** sched.lock: the M holding it and the Ms blocked waiting for it (Go's lock_futex sleeps the same way). */
  lockOwner: number | null;
  lockWaiters: number[];
  lastpoll: number;
  gFree: number[];
}

/** Semaphore waiters (runtime/sema.go's semaRoot, reduced to a FIFO per address). */
export interface SemaWaiters { [addr: string]: number[] }

export interface ModelState {
  gomaxprocs: number;
  mainStarted: boolean;
  allgs: G[];
  allm: M[];
  allp: P[];
  sched: Schedt;
  sema: SemaWaiters;
  /** Bump pointer for goroutine and g0 stacks (guest addresses). */
  stackNext: number;
  /** Set once the program has exited (exit code), for the snapshot and for steps after exit. */
  exited: number | null;
}

export function newSchedt(): Schedt {
  return {
    goidgen: 0, midle: [], nmidle: 0, nmidlelocked: 0, mnext: 0, nmsys: 0, pidle: [], npidle: 0, nmspinning: 0,
    needspinning: 0, runq: [], runqsize: 0, sysmonwait: false, sysmonnote: false, sysmonm: null,
    lockOwner: null, lockWaiters: [], lastpoll: 1, gFree: [],
  };
}

export function newP(id: number): P {
  return {
    id, status: _Pidle, m: null, runq: [], runnext: null, schedtick: 0, syscalltick: 0,
    sysmontick: { schedtick: 0, syscalltick: 0, schedwhen: 0, syscallwhen: 0 }, goidcache: 0, goidcacheend: 0, gFree: [],
  };
}

export function newG(goid: number): G {
  return {
    goid, atomicstatus: _Gidle, m: null, sched: { sp: 0, pc: 0, bp: 0 }, syscallsp: 0, syscallpc: 0, syscallbp: 0,
    stack: { lo: 0, hi: 0 }, stackguard0: '0x0', throwsplit: false, preempt: false, startpc: 0, gopc: 0, parentGoid: 0,
    waitreason: '', waitsince: 0, frames: [],
  };
}

export function newM(id: number, procid: number, g0stack: { lo: number; hi: number }): M {
  return {
    id, procid, g0: { stack: g0stack, frames: [] }, ong0: true, curg: null, p: null, nextp: null, oldp: null,
    spinning: false, blocked: false, locks: 0, syscalltick: 0, mstartfn: null, parknote: false,
    waitunlockf: null, waitlock: null, startfn: 'mstart', exited: false,
  };
}

export function runqempty(pp: P): boolean { return pp.runnext === null && pp.runq.length === 0; }
