// What the scheduler model needs from the machine below it (threads, registers, guest memory, the kernel's
// blocking primitives, the trace). The Linux kernel provides it through kernelHost.ts; unit tests use a fake.
// Threads are named by tid so the model's state stays plain data.

import type { TraceEventBody } from '../linux/trace';

export interface ThreadRegs { rsp: number; rip: number; rbp: number }

export interface ModelHost {
  /** Virtual time in ns. */
  now(): number;
  regs(tid: number): ThreadRegs;
  setRegs(tid: number, r: Partial<ThreadRegs>): void;
  read64(addr: number): number;
  write64(addr: number, v: number): void;
  read32(addr: number): number;
  write32(addr: number, v: number): void;
  /** Maps fresh read/write memory at addr (page-aligned) for a stack; false when it cannot. */
  mapStack(addr: number, len: number): boolean;
  /** Starts a new thread at rip with rsp; returns its tid. `name` is e.g. "M2". */
  createThread(opts: { rip: number; rsp: number; name: string }): number;
  /** Parks the thread until wake(); the thread resumes at its current RIP. */
  block(tid: number, reason: string): void;
  wake(tid: number): void;
  /** Parks the thread until virtual time tNs. */
  sleepUntil(tid: number, tNs: number): void;
  exitThread(tid: number): void;
  /** Writes to the process's file descriptor (stderr for fatal errors), as write(2) would. */
  writeFd(fd: number, bytes: Uint8Array): void;
  exitGroup(code: number): void;
  /** Stops the machine with a fault naming the problem (bad model input that Go would not survive either). */
  fault(tid: number, message: string): void;
  emit(ev: TraceEventBody): void;
  /** True while the thread is blocked in the kernel (a syscall, a park, a sleep). */
  threadBlocked?(tid: number): boolean;
  /** The name of the syscall the thread is in (blocked in the kernel), or null. */
  threadSyscall?(tid: number): string | null;
  /** `file:line` of a guest address, for messages. */
  describePc?(pc: number): string | null;
}
