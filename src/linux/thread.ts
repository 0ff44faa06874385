// One guest thread: its own Cpu (registers) over the process's shared Memory, plus the per-thread kernel state
// (signal mask, pending signals, alternate stack, the syscall it is in). Fields other than `cpu` are plain data.
import type { Cpu } from '../cpu/cpu';
import type { Wait } from './types';

export type ThreadState = 'runnable' | 'blocked' | 'exited';

/** A syscall in progress on a thread (entered, maybe blocked, not yet returned). */
export interface PendingSyscall {
  nr: number;
  args: bigint[];
  pc: number;
  /** The debugger stopped at its entry already (do not ask the hook again). */
  entryStopped: boolean;
  /** The thread blocked at least once during the call (trace `blocked`). */
  blocked: boolean;
  /** Result delivered by a waker (futex wake, timeout); undefined: re-run the call when the thread runs. */
  result?: number;
  /** Deadline fixed by the first run of a call with a timeout (re-runs keep it). */
  deadline?: number;
  /** The SYSCALL instruction was counted (it is counted once, however often the call re-runs). */
  counted?: boolean;
  /** exit / exit_group: performed after the call's trace event. */
  exit?: { group: boolean; code: number };
}

export interface AltStack { sp: number; size: number; flags: number }

export interface PendingSignal { sig: number; code: number; addr: number; pid: number; fault?: { trapno: number; err: number } }

export class Thread {
  state: ThreadState = 'runnable';
  wait?: Wait;
  /** Blocked-since order, so wakers pick waiters first-in first-out. */
  waitSeq = 0;
  sigmask = 0n;
  pending: PendingSignal[] = [];
  altstack: AltStack = { sp: 0, size: 0, flags: 2 /* SS_DISABLE */ };
  /** CLONE_CHILD_CLEARTID / set_tid_address: cleared and futex-woken at exit. */
  clearChildTid = 0;
  sys?: PendingSyscall;
  /** A native handler stop was reported at this rip (resuming runs the handler without asking again). */
  nativeStopAt = -1;
  /** A fault stop was reported for this rip (resuming delivers the signal). */
  faultStopAt = -1;
  /** A breakpoint stop was reported at this rip: the next run starts by executing it. */
  skipBpAt = -1;
  exitCode = 0;

  constructor(
    /** Linux thread id (the main thread's tid is the pid). */
    readonly tid: number,
    /** This thread's registers and execution engine; all threads share one Memory. */
    public cpu: Cpu,
    /** Creation order (tid - pid, never reused): 0 for the main thread. The default M id in trace events. */
    readonly index: number,
    public name = '',
  ) {}
}
