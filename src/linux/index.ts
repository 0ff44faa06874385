// The Linux user-mode layer (src/linux): run static linux/amd64 executables deterministically in a sandbox.
//
// Typical use (what src/machine does):
//
//   const k = new Kernel({ root, stdin, stdout, stderr, trace: sink, ncpu: 2 });
//   k.load(elfBytes, { argv: ['prog'], env: ['GOMAXPROCS=2'], path: '/prog' });  // throws LoadError
//   (or k.load(FileImage.open(file), ...): the program's pages are read from the file as it touches them)
//   for (;;) {
//     const s = k.run(1_000_000, { stopAtSyscallEntry: (t, nr) => wanted(nr) });
//     if (s.kind === 'exit' || s.kind === 'deadlock') break;
//     ... s.kind === 'syscall-entry' | 'syscall-return' | 'breakpoint' | 'watch' | 'fault' | 'native' | 'budget'
//   }
//
// Guarantees:
// - Determinism: same binary, argv, env, stdin, root and options ⇒ same instructions, interleaving, trace.
//   run(a); run(b) ≡ run(a + b) (the caller's budget slicing never changes anything).
// - Scheduling: round-robin over runnable threads in creation order, QUANTUM (10 000) instructions each;
//   blocking, exiting and sched_yield end a quantum early. SYSCALL and each native step count as one instruction.
// - Virtual time: NS_PER_INSTRUCTION (1) ns per instruction over all threads; when every thread is blocked the
//   clock jumps to the earliest deadline. CLOCK_MONOTONIC starts at 1 s, CLOCK_REALTIME at 2026-01-01T00:00:00Z.
// - Syscall entry stops are free: the Cpu returns {kind:'syscall'} with RIP AT the SYSCALL; the kernel asks
//   hooks.stopAtSyscallEntry and, if it says stop, returns with nothing of the call done. The next run performs it.
// - Signals use real Linux rt_sigframes (siginfo, ucontext, FXSAVE fpstate) on the sigaltstack when SA_ONSTACK;
//   Go's async preemption (SIGURG via tgkill) works. A handled signal interrupts a thread blocked in a kernel wait:
//   sleeps and epoll waits fail with EINTR, futex and pipe/eventfd waits restart after the handler (SA_RESTART).
// - Sandbox: `root` is read-only, writes land in an in-memory overlay (part of snapshots); `..` and symlinks are
//   resolved inside the sandbox; sockets fail with EACCES; fork/execve are refused.
// - snapshot()/restore(): all kernel state (plain data, deep-copied), every thread's CpuState, Memory (COW clone).
//
// For the Go-runtime model: registerNative(start, end, handler), block/wake/sleepUntil, createThread, exitThread,
// exitGroup, identify. For the debugger: RunHooks, KernelStop, describeSyscallEntry, syscallName/syscallNumber,
// addBreakpoint/removeBreakpoint (every thread's Cpu, present and future), clockNs/elapsedNs, instructions.
// Unimplemented syscalls return ENOSYS with a `warning` event naming them (a few, like rseq and membarrier, are
// ENOSYS on purpose, quietly). Guest memory is capped (memoryCap, default 2 GiB): mmap then fails with ENOMEM and a
// warning names the cap.

export { Kernel, type KernelState, type KernelSnapshot, type SigAction } from './kernel';
export { Thread, type ThreadState, type PendingSyscall, type PendingSignal, type AltStack } from './thread';
export {
  QUANTUM, NS_PER_INSTRUCTION, BOOT_MONOTONIC_NS, BOOT_REALTIME_SEC,
  type KernelOptions, type KernelStop, type RunHooks, type NativeHandler, type Wait,
} from './types';
export { LoadError, parseElf, type ElfInfo, type ProgramHeader } from './elf';
export { loadImage, STACK_TOP, type LoadedImage } from './loader';
export { FileImage } from './fileImage';
export { syscallName, syscallNumber } from './sysnames';
export { errnoName } from './errno';
export { signalName, SIG } from './signals';
export { describeSyscall, describeSyscallEntry } from './decode';
export type {
  TraceSink, TraceEventBody, TraceEvent, SyscallEvent, GoIdentity, ThreadEvent, SignalEvent, WarningEvent, ExitEvent,
} from './trace';
