// The JSON trace (DESIGN.md §4 contract): one event type per line. Emitted by the Linux layer (syscall, thread,
// signal, warning, exit) and the scheduler sources (gstatus, pstatus, handoff, exitsyscall) into one TraceSink.
// The sink (src/machine) stamps `seq` and `t`; emitters leave them out.

/** Which Go M/P/G a thread is running as, null where unknown (a non-Go program, or before the runtime set up). */
export interface GoIdentity { m: number | null; p: number | null; g: number | null }

/** 64-bit values and addresses are "0x..." strings in the trace. */
export type Hex = string;

export interface SyscallEvent extends GoIdentity {
  ev: 'syscall';
  /** Address of the SYSCALL instruction. */
  pc: Hex;
  nr: number;
  name: string;
  args: Hex[];
  /** Signed result (RAX as int64, as a JS number; values beyond 2^53 are rounded, as they are never results). */
  ret: number;
  /** Errno name such as "EAGAIN" when ret is in -4095..-1, else null. */
  errno: string | null;
  /** True when the thread blocked in the kernel during the call. */
  blocked: boolean;
  /** Human-readable decoded call, e.g. `write(1, "hi\n", 3)`; not part of the contract, used by the text trace. */
  text?: string;
}

export type GStatusName = '_Gidle' | '_Grunnable' | '_Grunning' | '_Gsyscall' | '_Gwaiting' | '_Gdead' |
  '_Gcopystack' | '_Gpreempted' | string;
export type PStatusName = '_Pidle' | '_Prunning' | '_Psyscall' | '_Pgcstop' | '_Pdead' | string;

export interface GStatusEvent { ev: 'gstatus'; g: number; from: GStatusName; to: GStatusName; m: number | null; p: number | null }
export interface PStatusEvent { ev: 'pstatus'; p: number; from: PStatusName; to: PStatusName; m: number | null }
export interface HandoffEvent { ev: 'handoff'; p: number; fromM: number | null; toM: number | null; reason: string }
export interface ExitsyscallEvent { ev: 'exitsyscall'; g: number; m: number | null; path: 'fast' | 'fast-idle-p' | 'slow' }
export interface ThreadEvent { ev: 'thread'; m: number; action: 'create' | 'exit'; tid?: number }
export interface SignalEvent { ev: 'signal'; m: number | null; sig: string; tid?: number }
export interface WarningEvent { ev: 'warning'; m: number | null; message: string }
export interface ExitEvent { ev: 'exit'; code: number; instructions: number }

export type TraceEventBody = SyscallEvent | GStatusEvent | PStatusEvent | HandoffEvent | ExitsyscallEvent |
  ThreadEvent | SignalEvent | WarningEvent | ExitEvent;

/** An event as written: body plus the sink's sequence number and virtual time (ns). */
export type TraceEvent = TraceEventBody & { seq: number; t: number };

export interface TraceSink { emit(ev: TraceEventBody): void }
