// The syscall table: one function per implemented x86-64 syscall, grouped by subject (sysfiles, sysmemory,
// sysprocess). Each returns the result (negative errno on failure), 'block' after blocking the thread (the call
// re-runs or gets its result from a waker), or 'noreturn' when it set the registers itself (rt_sigreturn).
// Guest pointers are read and written with host accesses that throw MemoryError on unmapped memory; the kernel
// turns that into EFAULT.
import * as E from './errno';
import type { Kernel } from './kernel';
import { syscallName } from './sysnames';
import { FILE_SYSCALLS } from './sysfiles';
import { MEMORY_SYSCALLS } from './sysmemory';
import { PROCESS_SYSCALLS } from './sysprocess';
import type { PendingSyscall, Thread } from './thread';
import type { Handler, SysResult } from './sysutil';

export type { SysResult };

/** Calls that are deliberately ENOSYS (Go and libc fall back); no warning for them. */
export const QUIET_ENOSYS = new Set(['rseq', 'membarrier', 'statx', 'copy_file_range', 'splice', 'sendfile', 'clone3',
  'close_range', 'io_uring_setup', 'epoll_pwait2', 'pidfd_open', 'pidfd_send_signal', 'faccessat2', 'openat2',
  'mremap', 'statfs', 'fstatfs', 'timerfd_create', 'signalfd4', 'inotify_init1', 'poll', 'ppoll', 'select',
  'pselect6', 'memfd_create', 'userfaultfd', 'perf_event_open', 'bpf', 'seccomp']);

const TABLE: Record<string, Handler> = { ...FILE_SYSCALLS, ...MEMORY_SYSCALLS, ...PROCESS_SYSCALLS };
const BY_NUMBER: (Handler | undefined)[] = [];
for (let nr = 0; nr < 460; nr++) BY_NUMBER[nr] = TABLE[syscallName(nr)];

/** Performs syscall `sys` for thread t. */
export function performSyscall(k: Kernel, t: Thread, sys: PendingSyscall): SysResult {
  const h = sys.nr < BY_NUMBER.length ? BY_NUMBER[sys.nr] : undefined;
  if (!h) {
    const name = syscallName(sys.nr);
    if (!QUIET_ENOSYS.has(name)) k.warnOnce(`enosys:${sys.nr}`, `unimplemented syscall ${name} (${sys.nr}): returning ENOSYS`, t);
    return -E.ENOSYS;
  }
  return h(k, t, sys.args, sys);
}
