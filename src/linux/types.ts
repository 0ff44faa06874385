// The Linux layer's public vocabulary: options, why a run stopped, what a blocked thread waits for, run hooks.
import type { CpuFault } from '../cpu/types';
import type { GoIdentity, SyscallEvent, TraceSink } from './trace';
import type { Thread } from './thread';

export interface KernelOptions {
  /** Host folder the guest sees as `/`, read-only; writes go to an in-memory overlay. Undefined: an empty root. */
  root?: string;
  /** Guest working directory (a sandbox path). Default `/`. */
  cwd?: string;
  /** Standard input contents; EOF after them. */
  stdin?: string | Uint8Array;
  /** Guest writes to fd 1 / fd 2 (and their dups). Default: discarded. */
  stdout?: (bytes: Uint8Array) => void;
  stderr?: (bytes: Uint8Array) => void;
  /** Where syscall/thread/signal/warning/exit events go. The sink stamps seq and t (kernel.clockNs). */
  trace?: TraceSink;
  /** CPUs the guest sees (sched_getaffinity, /proc/cpuinfo). Default 2. */
  ncpu?: number;
  /** Instructions per scheduling quantum (round-robin between runnable threads). Default QUANTUM. */
  quantum?: number;
  /** Cap on committed guest memory in bytes. Default 2 GiB. */
  memoryCap?: number;
  /** Seed for AT_RANDOM, getrandom and /dev/urandom (deterministic). Default 1. */
  seed?: number;
  /**
   * Emit a `syscall` trace event per syscall. Default true (set false for pure speed runs: then other events
   * carry the thread index as `m` instead of asking `identify`).
   */
  traceSyscalls?: boolean;
}

/** Default scheduling quantum: 10 000 instructions = 10 µs of virtual time. */
export const QUANTUM = 10_000;
/** Virtual clock rate: every retired instruction (SYSCALL and native steps included) advances time by 1 ns. */
export const NS_PER_INSTRUCTION = 1;
/** Virtual wall clock at boot (CLOCK_REALTIME), seconds: 2026-01-01T00:00:00Z. CLOCK_MONOTONIC starts at BOOT_MONOTONIC_NS. */
export const BOOT_REALTIME_SEC = 1_767_225_600;
export const BOOT_MONOTONIC_NS = 1_000_000_000;

/**
 * What a blocked thread waits for. Plain data (snapshots clone it). Kernel waits:
 * - `futex` {addr}: FUTEX_WAIT; woken by FUTEX_WAKE with result 0, or by the deadline with -ETIMEDOUT.
 * - `io` {key}: a read/write/epoll_pwait that would block; woken by the object named by key, the syscall re-runs.
 * - `sleep`: nanosleep/clock_nanosleep until the deadline.
 * Others (the Go-runtime model's `kernel.block(thread, {reason: 'park', ...})`) are opaque to the kernel and end
 * only with kernel.wake(thread) or their deadline.
 */
export interface Wait {
  reason: string;
  /** Virtual ns (kernel.clockNs scale) at which the wait ends by itself. */
  deadline?: number;
  /** Futex word address. */
  addr?: number;
  /** Wake key of an io wait, e.g. `pipe:3`, `epoll:7`, `eventfd:4`. */
  key?: string;
  /** Syscall result to use when the deadline passes (a kernel wait inside a syscall). */
  timeoutResult?: number;
  [extra: string]: unknown;
}

/** Why kernel.run returned. RIP and all registers are exactly where the stop says. */
export type KernelStop =
  /** A thread is AT a SYSCALL (nothing executed yet) and hooks.stopAtSyscallEntry asked to stop. Resuming performs it. */
  | { kind: 'syscall-entry'; thread: Thread; nr: number }
  /** A syscall just completed (RAX = result, RIP after the SYSCALL) and hooks.stopAtSyscallReturn asked to stop. */
  | { kind: 'syscall-return'; thread: Thread; event: SyscallEvent }
  /** An address breakpoint (Cpu breakpoints) was reached; the instruction is not executed yet. */
  | { kind: 'breakpoint'; thread: Thread; addr: number }
  /** A Cpu write watch fired (the instruction completed). */
  | { kind: 'watch'; thread: Thread; id: number; addr: number; len: number }
  /** A guest fault that hooks.stopOnFault asked to see before the signal is delivered, or one no handler takes. */
  | { kind: 'fault'; thread: Thread; fault: CpuFault; signal: number }
  /** A native region's handler is about to run at rip and hooks.stopAtNative asked to stop first. */
  | { kind: 'native'; thread: Thread; rip: number }
  /** The instruction budget of this run() ran out. */
  | { kind: 'budget' }
  /** The process exited (exit_group, last thread exit, or a fatal signal: then signal is set, code = 128+signal). */
  | { kind: 'exit'; code: number; signal?: number }
  /** Every thread is blocked and no timer can wake one. */
  | { kind: 'deadlock' };

export interface RunHooks {
  /** Called with RIP at a SYSCALL, before it runs. Return true to stop (once) before performing it. */
  stopAtSyscallEntry?(thread: Thread, nr: number): boolean;
  /** Called after a syscall completed and its trace event was emitted. Return true to stop. */
  stopAtSyscallReturn?(thread: Thread, event: SyscallEvent): boolean;
  /** Called before a native handler runs. Return true to stop there (once); resuming runs the handler. */
  stopAtNative?(thread: Thread, rip: number): boolean;
  /** Called on a guest fault before it becomes a signal. Return true to stop (once); resuming delivers the signal. */
  stopOnFault?(thread: Thread, fault: CpuFault): boolean;
}

/**
 * A native code region's step function (the Go-runtime model). Runs on `thread` with RIP = rip; performs one step
 * (may set registers and RIP, touch memory, block/wake/create threads) and returns. Counts as one instruction.
 */
export type NativeHandler = (thread: Thread, rip: number) => void;

export type { GoIdentity };
