// A syscall as a person reads it: `write(1, "hello\n", 6)`. Used for the `syscall` stop (before the call runs)
// and the Syscall scope. Argument kinds for the calls Go programs make most; others print as numbers/hex.
import { syscallName } from '../linux/sysnames';
import { errnoName } from '../linux/errno';

type Kind = 'int' | 'hex' | 'fd' | 'buf' | 'outbuf' | 'str' | 'ptr' | 'size';
/** Argument names and kinds; `buf` takes its length from the next `size` argument. */
const SIGS: Record<string, [string, Kind][]> = {
  read: [['fd', 'fd'], ['buf', 'outbuf'], ['count', 'size']],
  write: [['fd', 'fd'], ['buf', 'buf'], ['count', 'size']],
  pread64: [['fd', 'fd'], ['buf', 'outbuf'], ['count', 'size'], ['offset', 'int']],
  pwrite64: [['fd', 'fd'], ['buf', 'buf'], ['count', 'size'], ['offset', 'int']],
  open: [['pathname', 'str'], ['flags', 'hex'], ['mode', 'hex']],
  openat: [['dirfd', 'fd'], ['pathname', 'str'], ['flags', 'hex'], ['mode', 'hex']],
  close: [['fd', 'fd']],
  lseek: [['fd', 'fd'], ['offset', 'int'], ['whence', 'int']],
  mmap: [['addr', 'ptr'], ['length', 'size'], ['prot', 'hex'], ['flags', 'hex'], ['fd', 'fd'], ['offset', 'hex']],
  munmap: [['addr', 'ptr'], ['length', 'size']],
  mprotect: [['addr', 'ptr'], ['length', 'size'], ['prot', 'hex']],
  exit: [['status', 'int']],
  exit_group: [['status', 'int']],
  nanosleep: [['req', 'ptr'], ['rem', 'ptr']],
  futex: [['uaddr', 'ptr'], ['futex_op', 'int'], ['val', 'int'], ['timeout', 'ptr'], ['uaddr2', 'ptr'], ['val3', 'int']],
  getpid: [], gettid: [], sched_yield: [],
  pipe2: [['pipefd', 'ptr'], ['flags', 'hex']],
  fstat: [['fd', 'fd'], ['statbuf', 'ptr']],
  newfstatat: [['dirfd', 'fd'], ['pathname', 'str'], ['statbuf', 'ptr'], ['flags', 'hex']],
  clock_gettime: [['clockid', 'int'], ['tp', 'ptr']],
  epoll_pwait: [['epfd', 'fd'], ['events', 'ptr'], ['maxevents', 'int'], ['timeout', 'int'], ['sigmask', 'ptr'], ['sigsetsize', 'size']],
  getrandom: [['buf', 'ptr'], ['buflen', 'size'], ['flags', 'hex']],
  kill: [['pid', 'int'], ['sig', 'int']],
  tgkill: [['tgid', 'int'], ['tid', 'int'], ['sig', 'int']],
  rt_sigaction: [['signum', 'int'], ['act', 'ptr'], ['oldact', 'ptr'], ['sigsetsize', 'size']],
  rt_sigprocmask: [['how', 'int'], ['set', 'ptr'], ['oldset', 'ptr'], ['sigsetsize', 'size']],
  clone: [['flags', 'hex'], ['stack', 'ptr'], ['parent_tid', 'ptr'], ['child_tid', 'ptr'], ['tls', 'ptr']],
  arch_prctl: [['code', 'hex'], ['addr', 'ptr']],
  sigaltstack: [['ss', 'ptr'], ['old_ss', 'ptr']],
  madvise: [['addr', 'ptr'], ['length', 'size'], ['advice', 'int']],
};

export const ARG_REGS = ['DI', 'SI', 'DX', 'R10', 'R8', 'R9'];

export interface SyscallArgView { name: string; reg: string; raw: bigint; text: string; addr?: number }

export function quoteBytes(b: Uint8Array, max = 32): string {
  let s = '"';
  for (let i = 0; i < Math.min(b.length, max); i++) {
    const c = b[i];
    if (c === 0x0a) s += '\\n'; else if (c === 0x09) s += '\\t'; else if (c === 0x22) s += '\\"'; else if (c === 0x5c) s += '\\\\';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\x' + c.toString(16).padStart(2, '0');
  }
  return s + '"' + (b.length > max ? '...' : '');
}

/** Decode the arguments of syscall nr. `read` returns undefined for unreadable memory. */
export function describeArgs(nr: number, args: bigint[], read: (addr: number, len: number) => Uint8Array | undefined,
  cstr: (addr: number) => string | undefined, result?: number): SyscallArgView[] {
  const name = syscallName(nr);
  const sig = SIGS[name];
  const n = sig ? sig.length : 6;
  const out: SyscallArgView[] = [];
  for (let i = 0; i < n; i++) {
    const raw = args[i] ?? 0n;
    const [argName, kind] = sig ? sig[i] : [`a${i + 1}`, 'hex' as Kind];
    const signed = BigInt.asIntN(64, raw);
    let text: string;
    let addr: number | undefined;
    switch (kind) {
      case 'int': case 'fd': case 'size': text = signed.toString(); break;
      case 'str': { addr = Number(raw); const s = raw === 0n ? undefined : cstr(addr); text = s === undefined ? '0x' + raw.toString(16) : JSON.stringify(s); break; }
      case 'buf': case 'outbuf': {
        addr = Number(raw);
        const lenArg = sig![i + 1] ? Number(BigInt.asIntN(64, args[i + 1] ?? 0n)) : 0;
        // an output buffer is only meaningful after the call: show what it received
        const len = kind === 'outbuf' ? (result !== undefined && result > 0 ? result : -1) : lenArg;
        const b = len >= 0 ? read(addr, Math.min(Math.max(len, 0), 64)) : undefined;
        text = b ? quoteBytes(b) + (len > 64 ? '...' : '') : '0x' + raw.toString(16);
        break;
      }
      default: text = '0x' + raw.toString(16);
    }
    out.push({ name: argName, reg: ARG_REGS[i], raw, text, addr });
  }
  return out;
}

export function describeCall(nr: number, args: SyscallArgView[]): string {
  return `${syscallName(nr)}(${args.map((a) => a.text).join(', ')})`;
}

export function describeResult(ret: number): string {
  if (ret < 0 && ret >= -4095) return `-1 ${errnoName(-ret)}`;
  return String(ret);
}
