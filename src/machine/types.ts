// The Machine's public vocabulary: what the adapter and the CLI see. No DAP types here (the adapter translates).

export type Granularity = 'instruction' | 'line';
export type StepKind = 'in' | 'over' | 'out';

export interface LaunchOptions {
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  stdin?: string;
  stopOnEntry?: boolean;
  gomaxprocs?: number;
  root?: string;
  maxInstructions?: number;
  goBuildFlags?: string[];
  /** Go toolchain to use for .go programs (default: `go` on PATH). */
  goBinary?: string;
  /** Snapshot interval for reverse execution, in executed instructions (0 disables snapshots). */
  snapshotInterval?: number;
}

export type StopReason = 'entry' | 'breakpoint' | 'function breakpoint' | 'instruction breakpoint' | 'step' |
  'pause' | 'syscall' | 'exception' | 'goto' | 'data breakpoint';

export interface StoppedEvent {
  reason: StopReason;
  /** Thread (M) id the stop belongs to (DAP thread id). */
  threadId: number;
  description: string;
  /** Short text for the UI (exception name, syscall filter id). */
  text?: string;
  hitBreakpointIds?: number[];
  /** Set for the exception filters: which filter stopped. */
  filter?: ExceptionFilterId;
}

export type ExceptionFilterId = 'syscall' | 'syscall-return' | 'entersyscall' | 'exitsyscall' | 'handoff' | 'fault';
export const EXCEPTION_FILTERS: { id: ExceptionFilterId; label: string; description: string; default: boolean; condition: boolean }[] = [
  { id: 'syscall', label: 'Syscall (before SYSCALL)', description: 'Stop before a SYSCALL instruction executes. Condition: syscall names or numbers, e.g. write,read', default: false, condition: true },
  { id: 'syscall-return', label: 'Syscall return', description: 'Stop right after the kernel returns (RAX = result). Condition: syscall names or numbers', default: false, condition: true },
  { id: 'entersyscall', label: 'runtime·entersyscall', description: 'Stop when a goroutine enters a syscall (_Grunning → _Gsyscall)', default: false, condition: false },
  { id: 'exitsyscall', label: 'runtime·exitsyscall', description: 'Stop when a goroutine leaves a syscall (fast, fast-idle-p or slow path)', default: false, condition: false },
  { id: 'handoff', label: 'P handoff / retake', description: 'Stop when a P in _Psyscall is retaken by sysmon or handed off', default: false, condition: false },
  { id: 'fault', label: 'Fault', description: 'Guest fault, unimplemented instruction or syscall', default: true, condition: false },
];

export interface BreakpointSpec { line: number; column?: number; condition?: string; hitCondition?: string; logMessage?: string }
export interface FunctionBreakpointSpec { name: string; condition?: string; hitCondition?: string }
export interface InstructionBreakpointSpec { instructionReference: string; offset?: number; condition?: string; hitCondition?: string }

export interface BreakpointResult {
  id: number;
  verified: boolean;
  message?: string;
  line?: number;
  source?: string;
  instructionReference?: string;
}

export interface ThreadInfo { id: number; name: string }

export interface SourceRef {
  /** A file path on disk, or a virtual name (model source) with `reference` set. */
  path: string;
  name: string;
  /** Non-zero for documents that only exist in the adapter (model source). */
  reference?: number;
}

export interface FrameInfo {
  id: number;
  name: string;
  pc: number;
  sp: number;
  source?: SourceRef;
  line?: number;
  /** Function of the frame (for its named arguments). */
  fn?: string;
  /** FP of the frame (address of the first argument minus 0) for asm frames, when known. */
  argp?: number;
}

export interface DisasmLine {
  address: number;
  bytes: Uint8Array;
  text: string;
  symbol?: string;
  source?: SourceRef;
  line?: number;
}

export interface MachineError extends Error { machineError: true }
export function machineError(message: string): MachineError {
  const e = new Error(message) as MachineError;
  e.machineError = true;
  return e;
}

export function hex(v: number | bigint): string {
  if (typeof v === 'number' && v < 0) v = BigInt.asUintN(64, BigInt(v));
  return '0x' + v.toString(16);
}

/** A program that cannot be loaded; for asm sources, `diagnostics` are `FILE:LINE:COL: message` lines. */
export class ProgramError extends Error {
  constructor(message: string, readonly diagnostics: string[] = []) { super(message); }
}
