// Human-readable syscall text for the trace and the debugger (`write(1, "hello\n", 6) = 6`), strace style:
// strings and buffers quoted (truncated at 32 bytes), flag sets by name, small structs summarised.
// Reads guest memory with host accesses; anything unreadable is shown as its address.
import { Reg } from '../cpu/types';
import { errnoName } from './errno';
import type { Kernel } from './kernel';
import { signalName } from './signals';
import { syscallName } from './sysnames';

type Kind = 'fd' | 'int' | 'hex' | 'uint' | 'str' | 'wbuf' | 'rbuf' | 'oflags' | 'mode' | 'prot' | 'mapflags' | 'sig' |
  'sigset' | 'sigaction' | 'how' | 'futexop' | 'clock' | 'ts' | 'epollop' | 'epollev' | 'cloneflags' | 'whence' |
  'dirfd' | 'pipefds' | 'arch' | 'stack' | 'iov' | 'madv' | 'fcntl' | 'atflags';

const SIGS: Record<string, Kind[]> = {
  read: ['fd', 'rbuf', 'uint'], write: ['fd', 'wbuf', 'uint'], pread64: ['fd', 'rbuf', 'uint', 'int'],
  pwrite64: ['fd', 'wbuf', 'uint', 'int'], readv: ['fd', 'iov', 'int'], writev: ['fd', 'iov', 'int'],
  open: ['str', 'oflags', 'mode'], openat: ['dirfd', 'str', 'oflags', 'mode'], close: ['fd'],
  lseek: ['fd', 'int', 'whence'], fstat: ['fd', 'hex'], stat: ['str', 'hex'], lstat: ['str', 'hex'],
  newfstatat: ['dirfd', 'str', 'hex', 'atflags'], getdents64: ['fd', 'hex', 'uint'], getcwd: ['hex', 'uint'],
  chdir: ['str'], mkdirat: ['dirfd', 'str', 'mode'], unlinkat: ['dirfd', 'str', 'atflags'], readlinkat: ['dirfd', 'str', 'hex', 'uint'],
  renameat: ['dirfd', 'str', 'dirfd', 'str'], faccessat: ['dirfd', 'str', 'int'], access: ['str', 'int'],
  mmap: ['hex', 'uint', 'prot', 'mapflags', 'fd', 'hex'], munmap: ['hex', 'uint'], mprotect: ['hex', 'uint', 'prot'],
  madvise: ['hex', 'uint', 'madv'], brk: ['hex'], rt_sigaction: ['sig', 'sigaction', 'hex', 'uint'],
  rt_sigprocmask: ['how', 'sigset', 'hex', 'uint'], sigaltstack: ['stack', 'hex'], tgkill: ['int', 'int', 'sig'],
  tkill: ['int', 'sig'], kill: ['int', 'sig'], futex: ['hex', 'futexop', 'int', 'ts', 'hex', 'int'],
  clone: ['cloneflags', 'hex', 'hex', 'hex', 'hex'], nanosleep: ['ts', 'hex'], clock_gettime: ['clock', 'hex'],
  clock_nanosleep: ['clock', 'int', 'ts', 'hex'], epoll_ctl: ['fd', 'epollop', 'fd', 'epollev'],
  epoll_pwait: ['fd', 'hex', 'int', 'int', 'hex', 'uint'], epoll_wait: ['fd', 'hex', 'int', 'int'],
  epoll_create1: ['oflags'], eventfd2: ['uint', 'oflags'], pipe2: ['pipefds', 'oflags'], pipe: ['pipefds'],
  dup: ['fd'], dup2: ['fd', 'fd'], dup3: ['fd', 'fd', 'oflags'], fcntl: ['fd', 'fcntl', 'hex'], ioctl: ['fd', 'hex', 'hex'],
  arch_prctl: ['arch', 'hex'], exit: ['int'], exit_group: ['int'], sched_getaffinity: ['int', 'uint', 'hex'],
  getrandom: ['hex', 'uint', 'hex'], prlimit64: ['int', 'int', 'hex', 'hex'], set_tid_address: ['hex'],
  gettid: [], getpid: [], sched_yield: [], rt_sigreturn: [], uname: ['hex'],
};

/** How many arguments a syscall takes, where the decoder knows it (for views that print calls from the trace). */
export function syscallArity(name: string): number | undefined { return SIGS[name]?.length; }

const OFLAGS: [number, string][] = [[0o100, 'O_CREAT'], [0o200, 'O_EXCL'], [0o1000, 'O_TRUNC'], [0o2000, 'O_APPEND'],
  [0o4000, 'O_NONBLOCK'], [0o200000, 'O_DIRECTORY'], [0o400000, 'O_NOFOLLOW'], [0o2000000, 'O_CLOEXEC'], [0o10000000, 'O_PATH']];
const PROT: [number, string][] = [[1, 'PROT_READ'], [2, 'PROT_WRITE'], [4, 'PROT_EXEC']];
const MAPF: [number, string][] = [[1, 'MAP_SHARED'], [2, 'MAP_PRIVATE'], [0x10, 'MAP_FIXED'], [0x20, 'MAP_ANONYMOUS'],
  [0x100, 'MAP_GROWSDOWN'], [0x4000, 'MAP_NORESERVE'], [0x8000, 'MAP_POPULATE'], [0x20000, 'MAP_STACK'], [0x100000, 'MAP_FIXED_NOREPLACE']];
const CLONEF: [number, string][] = [[0x100, 'CLONE_VM'], [0x200, 'CLONE_FS'], [0x400, 'CLONE_FILES'], [0x800, 'CLONE_SIGHAND'],
  [0x4000, 'CLONE_VFORK'], [0x10000, 'CLONE_THREAD'], [0x40000, 'CLONE_SYSVSEM'], [0x80000, 'CLONE_SETTLS'],
  [0x100000, 'CLONE_PARENT_SETTID'], [0x200000, 'CLONE_CHILD_CLEARTID'], [0x1000000, 'CLONE_CHILD_SETTID']];
const SAF: [number, string][] = [[4, 'SA_SIGINFO'], [0x04000000, 'SA_RESTORER'], [0x08000000, 'SA_ONSTACK'],
  [0x10000000, 'SA_RESTART'], [0x40000000, 'SA_NODEFER'], [0x80000000, 'SA_RESETHAND']];
const FUTEX_OPS = ['FUTEX_WAIT', 'FUTEX_WAKE', 'FUTEX_FD', 'FUTEX_REQUEUE', 'FUTEX_CMP_REQUEUE', 'FUTEX_WAKE_OP',
  'FUTEX_LOCK_PI', 'FUTEX_UNLOCK_PI', 'FUTEX_TRYLOCK_PI', 'FUTEX_WAIT_BITSET', 'FUTEX_WAKE_BITSET'];
const CLOCKS = ['CLOCK_REALTIME', 'CLOCK_MONOTONIC', 'CLOCK_PROCESS_CPUTIME_ID', 'CLOCK_THREAD_CPUTIME_ID',
  'CLOCK_MONOTONIC_RAW', 'CLOCK_REALTIME_COARSE', 'CLOCK_MONOTONIC_COARSE', 'CLOCK_BOOTTIME'];
const EPOLLEV: [number, string][] = [[1, 'EPOLLIN'], [2, 'EPOLLPRI'], [4, 'EPOLLOUT'], [8, 'EPOLLERR'], [0x10, 'EPOLLHUP'],
  [0x2000, 'EPOLLRDHUP'], [0x80000000, 'EPOLLET']];
const FCNTL: Record<number, string> = { 0: 'F_DUPFD', 1: 'F_GETFD', 2: 'F_SETFD', 3: 'F_GETFL', 4: 'F_SETFL', 1030: 'F_DUPFD_CLOEXEC' };
const MADV: Record<number, string> = { 0: 'MADV_NORMAL', 4: 'MADV_DONTNEED', 8: 'MADV_FREE', 14: 'MADV_HUGEPAGE', 15: 'MADV_NOHUGEPAGE', 25: 'MADV_COLLAPSE' };

/** Argument kinds; futex's fourth argument is a timeout only for the WAIT operations (WAKE passes a count). */
function kindsFor(name: string, args: bigint[]): Kind[] | undefined {
  if (name === 'futex') {
    const op = Number(args[1] & 0x7fn);
    if (op !== 0 && op !== 9) return ['hex', 'futexop', 'int', 'uint', 'hex', 'int'];
  }
  return SIGS[name];
}

function flagNames(v: number, table: [number, string][], zero = '0'): string {
  const parts: string[] = [];
  let rest = v >>> 0;
  for (const [bit, name] of table) if ((rest & bit) >>> 0 === bit >>> 0) { parts.push(name); rest = (rest & ~bit) >>> 0; }
  if (rest) parts.push('0x' + rest.toString(16));
  return parts.length ? parts.join('|') : zero;
}

/** A quoted C-like string of at most 32 bytes (then "..."). */
export function quoteBytes(b: Uint8Array, more: boolean): string {
  let s = '"';
  for (const c of b.subarray(0, 32)) {
    if (c === 0x22) s += '\\"'; else if (c === 0x5c) s += '\\\\'; else if (c === 10) s += '\\n';
    else if (c === 9) s += '\\t'; else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\x' + c.toString(16).padStart(2, '0');
  }
  return s + '"' + (more || b.length > 32 ? '...' : '');
}

function sigset(m: bigint): string {
  if (m === 0n) return '[]';
  if (m === 0xffffffffffffffffn || m === 0xfffffffffffbfeffn) return '~[]';
  const names: string[] = [];
  for (let i = 1; i <= 64; i++) if (m & (1n << BigInt(i - 1))) names.push(signalName(i).replace(/^SIG/, ''));
  return '[' + names.join(' ') + ']';
}

function argText(k: Kernel, kind: Kind, v: bigint, all: bigint[], ret: number): string {
  const mem = k.memory;
  const n = Number(BigInt.asUintN(64, v));
  const i = Number(BigInt.asIntN(32, v));
  const hex = '0x' + v.toString(16);
  try {
    switch (kind) {
      case 'fd': case 'int': return String(i);
      case 'dirfd': return i === -100 ? 'AT_FDCWD' : String(i);
      case 'uint': return String(n);
      case 'hex': return v === 0n ? 'NULL' : hex;
      case 'str': return n === 0 ? 'NULL' : quoteBytes(new Uint8Array(Buffer.from(mem.peekCString(n, 256))), false);
      case 'wbuf': { const len = Number(all[2]); return quoteBytes(mem.peekBytes(n, Math.min(len, 32)), len > 32); }
      case 'rbuf': return ret > 0 ? quoteBytes(mem.peekBytes(n, Math.min(ret, 32)), ret > 32) : hex;
      case 'oflags': {
        const acc = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', '3'][i & 3];
        const rest = flagNames(i & ~3, OFLAGS, '');
        return rest ? `${acc}|${rest}` : acc;
      }
      case 'atflags': return flagNames(i, [[0x100, 'AT_SYMLINK_NOFOLLOW'], [0x200, 'AT_REMOVEDIR'], [0x1000, 'AT_EMPTY_PATH']]);
      case 'mode': return '0' + (i & 0o7777).toString(8);
      case 'prot': return flagNames(i, PROT, 'PROT_NONE');
      case 'mapflags': return flagNames(i, MAPF);
      case 'cloneflags': return flagNames(n & 0xffffffff, CLONEF);
      case 'sig': return i > 0 && i <= 64 ? signalName(i) : String(i);
      case 'sigset': return n === 0 ? 'NULL' : sigset(mem.peek64(n));
      case 'how': return ['SIG_BLOCK', 'SIG_UNBLOCK', 'SIG_SETMASK'][i] ?? String(i);
      case 'sigaction': {
        if (n === 0) return 'NULL';
        const h = mem.peek64(n), fl = mem.peek32(n + 8);
        const hs = h === 0n ? 'SIG_DFL' : h === 1n ? 'SIG_IGN' : '0x' + h.toString(16);
        return `{sa_handler=${hs}, sa_mask=${sigset(mem.peek64(n + 24))}, sa_flags=${flagNames(fl, SAF)}}`;
      }
      case 'futexop': {
        const base = FUTEX_OPS[i & 0x7f] ?? String(i & 0x7f);
        return base + (i & 128 ? '_PRIVATE' : '') + (i & 256 ? '|FUTEX_CLOCK_REALTIME' : '');
      }
      case 'clock': return CLOCKS[i] ?? String(i);
      case 'ts': {
        if (n === 0) return 'NULL';
        return `{tv_sec=${mem.peek64(n)}, tv_nsec=${mem.peek64(n + 8)}}`;
      }
      case 'epollop': return ['', 'EPOLL_CTL_ADD', 'EPOLL_CTL_DEL', 'EPOLL_CTL_MOD'][i] ?? String(i);
      case 'epollev': return n === 0 ? 'NULL' : `{events=${flagNames(mem.peek32(n), EPOLLEV)}, data=0x${mem.peek64(n + 4).toString(16)}}`;
      case 'whence': return ['SEEK_SET', 'SEEK_CUR', 'SEEK_END'][i] ?? String(i);
      case 'pipefds': return ret === 0 ? `[${mem.peek32(n) | 0}, ${mem.peek32(n + 4) | 0}]` : hex;
      case 'arch': return ({ 0x1001: 'ARCH_SET_GS', 0x1002: 'ARCH_SET_FS', 0x1003: 'ARCH_GET_FS', 0x1004: 'ARCH_GET_GS' } as Record<number, string>)[i] ?? String(i);
      case 'stack': return n === 0 ? 'NULL' : `{ss_sp=0x${mem.peek64(n).toString(16)}, ss_flags=${mem.peek32(n + 8) | 0}, ss_size=${mem.peek64(n + 16)}}`;
      case 'iov': return n === 0 ? 'NULL' : `[{iov_base=0x${mem.peek64(n).toString(16)}, iov_len=${mem.peek64(n + 8)}}, ...]`;
      case 'madv': return MADV[i] ?? String(i);
      case 'fcntl': return FCNTL[i] ?? String(i);
    }
  } catch {
    return hex;
  }
  return hex;
}

/** `name(args) = ret` for a completed syscall. */
export function describeSyscall(k: Kernel, nr: number, args: bigint[], ret: number): string {
  const name = syscallName(nr);
  const kinds = kindsFor(name, args);
  const shown = kinds ? kinds.map((kind, i) => argText(k, kind, args[i], args, ret))
    : args.slice(0, 3).map((a) => '0x' + a.toString(16));
  let r: string;
  if (ret < 0 && ret >= -4095) r = `-1 ${errnoName(-ret)}`;
  else if (name === 'mmap' || name === 'brk') r = '0x' + ret.toString(16);
  else r = String(ret);
  return `${name}(${shown.join(', ')}) = ${r}`;
}

/** The call as it is about to run (RIP at SYSCALL): `write(1, "hello\n", 6)` — for the debugger's stop text. */
export function describeSyscallEntry(k: Kernel, regs: { getReg(r: Reg): bigint }): string {
  const nr = Number(regs.getReg(Reg.RAX));
  const args = [Reg.RDI, Reg.RSI, Reg.RDX, Reg.R10, Reg.R8, Reg.R9].map((r) => regs.getReg(r));
  const name = syscallName(nr);
  const kinds = kindsFor(name, args);
  const shown = kinds ? kinds.map((kind, i) => argText(k, kind === 'rbuf' ? 'hex' : kind === 'pipefds' ? 'hex' : kind, args[i], args, -1))
    : args.slice(0, 3).map((a) => '0x' + a.toString(16));
  return `${name}(${shown.join(', ')})`;
}
