// Threads, process identity, futexes, time, signals, system information, and the (absent) network.
import { Reg } from '../cpu/types';
import * as E from './errno';
import { MAX_THREADS, type Kernel } from './kernel';
import { GID, UID } from './loader';
import { SIG } from './signals';
import type { PendingSyscall, Thread } from './thread';
import { BOOT_MONOTONIC_NS, BOOT_REALTIME_SEC } from './types';
import {
  i32, u32, i64, n64, readU64, writeU64, copyOut, timespecNs, writeTimespec, CLONE_VM, CLONE_FS, CLONE_FILES,
  CLONE_SIGHAND, CLONE_THREAD, CLONE_SETTLS, CLONE_PARENT_SETTID, CLONE_CHILD_CLEARTID, CLONE_CHILD_SETTID,
  CLONE_VFORK, FUTEX_WAIT, FUTEX_WAKE, FUTEX_WAIT_BITSET, FUTEX_WAKE_BITSET, type Handler, type SysResult,
} from './sysutil';

export const PROCESS_SYSCALLS: Record<string, Handler> = {
  // threads and processes
  clone: (k, t, a) => clone(k, t, a),
  fork: (k, t) => { k.warnOnce('fork', 'fork is not supported (one process per sandbox): EAGAIN', t); return -E.EAGAIN; },
  vfork: (k, t) => { k.warnOnce('fork', 'vfork is not supported (one process per sandbox): EAGAIN', t); return -E.EAGAIN; },
  execve: (k, t) => { k.warnOnce('execve', 'execve is not supported in the sandbox: EACCES', t); return -E.EACCES; },
  wait4: () => -E.ECHILD,
  waitid: () => -E.ECHILD,
  exit: (k, t, a, sys) => { sys.exit = { group: false, code: i32(a[0]) & 0xff }; return 0; },
  exit_group: (k, t, a, sys) => { sys.exit = { group: true, code: i32(a[0]) & 0xff }; return 0; },
  gettid: (k, t) => t.tid,
  getpid: (k) => k.st.pid,
  getppid: (k) => k.st.pid - 1,
  getuid: () => UID, geteuid: () => UID, getgid: () => GID, getegid: () => GID,
  getresuid: (k, t, a) => { for (const p of a.slice(0, 3)) k.memory.poke32(n64(p), UID); return 0; },
  getresgid: (k, t, a) => { for (const p of a.slice(0, 3)) k.memory.poke32(n64(p), GID); return 0; },
  getgroups: () => 0,
  getpgrp: (k) => k.st.pid, getpgid: (k) => k.st.pid, getsid: (k) => k.st.pid, setpgid: () => 0, setsid: (k) => k.st.pid,
  set_tid_address: (k, t, a) => { t.clearChildTid = n64(a[0]); return t.tid; },
  set_robust_list: () => 0,
  get_robust_list: () => -E.ENOSYS,
  arch_prctl: (k, t, a) => {
    const code = i32(a[0]), addr = n64(a[1]);
    switch (code) {
      case 0x1001: t.cpu.gsBase = addr; return 0; // ARCH_SET_GS
      case 0x1002: t.cpu.fsBase = addr; return 0; // ARCH_SET_FS
      case 0x1003: writeU64(k, addr, t.cpu.fsBase); return 0;
      case 0x1004: writeU64(k, addr, t.cpu.gsBase); return 0;
      default: return -E.EINVAL;
    }
  },
  prctl: () => 0,
  sched_yield: (k) => { k.st.quantumLeft = 0; return 0; },
  sched_getaffinity: (k, t, a) => {
    const len = n64(a[1]);
    if (len < 8 || len & 7) return -E.EINVAL;
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, (1n << BigInt(k.ncpu)) - 1n, true);
    return copyOut(k, n64(a[2]), b) || 8;
  },
  sched_setaffinity: () => 0,
  sched_getparam: () => 0, sched_getscheduler: () => 0,
  getcpu: (k, t, a) => { if (a[0]) k.memory.poke32(n64(a[0]), 0); if (a[1]) k.memory.poke32(n64(a[1]), 0); return 0; },
  getpriority: () => 20, setpriority: () => 0,
  futex: (k, t, a, sys) => futex(k, t, a, sys),

  // time
  nanosleep: (k, t, a, sys) => {
    if (sys.deadline === undefined) {
      const ns = timespecNs(k, n64(a[0]));
      if (ns < 0) return -E.EINVAL;
      sys.deadline = k.st.clockNs + ns;
    }
    if (k.st.clockNs >= sys.deadline) return 0;
    k.block(t, { reason: 'sleep', deadline: sys.deadline, timeoutResult: 0 });
    return 'block';
  },
  clock_nanosleep: (k, t, a, sys) => {
    const clock = i32(a[0]), flags = i32(a[1]);
    if (sys.deadline === undefined) {
      const ns = timespecNs(k, n64(a[2]));
      if (ns < 0) return -E.EINVAL;
      if (flags & 1) sys.deadline = clock === 0 ? ns - BOOT_REALTIME_SEC * 1e9 : ns; // TIMER_ABSTIME
      else sys.deadline = k.st.clockNs + ns;
    }
    if (k.st.clockNs >= sys.deadline) return 0;
    k.block(t, { reason: 'sleep', deadline: sys.deadline, timeoutResult: 0 });
    return 'block';
  },
  clock_gettime: (k, t, a) => {
    const c = i32(a[0]);
    if (c < 0 || c > 11) return -E.EINVAL;
    const realtime = c === 0 || c === 5 || c === 8 || c === 11;
    const ns = c === 2 || c === 3 ? k.st.clockNs - BOOT_MONOTONIC_NS : k.st.clockNs;
    return writeTimespec(k, n64(a[1]), ns, realtime);
  },
  clock_getres: (k, t, a) => (a[1] ? writeTimespec(k, n64(a[1]), 1, false) : 0),
  gettimeofday: (k, t, a) => {
    if (!a[0]) return 0;
    const b = new Uint8Array(16);
    const v = new DataView(b.buffer);
    v.setBigInt64(0, BigInt(Math.floor(k.st.clockNs / 1e9) + BOOT_REALTIME_SEC), true);
    v.setBigInt64(8, BigInt(Math.floor((k.st.clockNs % 1e9) / 1000)), true);
    return copyOut(k, n64(a[0]), b);
  },
  time: (k, t, a) => {
    const s = Math.floor(k.st.clockNs / 1e9) + BOOT_REALTIME_SEC;
    if (a[0]) writeU64(k, n64(a[0]), s);
    return s;
  },

  // signals
  rt_sigaction: (k, t, a) => {
    const sig = i32(a[0]), act = n64(a[1]), oact = n64(a[2]);
    if (sig < 1 || sig > 64 || i64(a[3]) !== 8) return -E.EINVAL;
    if (act && (sig === SIG.SIGKILL || sig === SIG.SIGSTOP)) return -E.EINVAL;
    const cur = k.st.sigactions[sig] ?? { handler: 0, flags: 0, restorer: 0, mask: 0n };
    if (oact) {
      const b = new Uint8Array(32);
      const v = new DataView(b.buffer);
      v.setBigUint64(0, BigInt(cur.handler), true);
      v.setBigUint64(8, BigInt(cur.flags >>> 0), true);
      v.setBigUint64(16, BigInt(cur.restorer), true);
      v.setBigUint64(24, cur.mask, true);
      const e = copyOut(k, oact, b);
      if (e) return e;
    }
    if (act) {
      const v = new DataView(k.memory.peekBytes(act, 32).buffer);
      k.st.sigactions[sig] = {
        handler: Number(v.getBigUint64(0, true)), flags: v.getUint32(8, true), restorer: Number(v.getBigUint64(16, true)),
        mask: v.getBigUint64(24, true) & ~((1n << 8n) | (1n << 18n)),
      };
    }
    return 0;
  },
  rt_sigprocmask: (k, t, a) => {
    const how = i32(a[0]), set = n64(a[1]), oset = n64(a[2]);
    if (i64(a[3]) !== 8) return -E.EINVAL;
    const old = t.sigmask;
    if (set) {
      const m = k.memory.peek64(set);
      if (how === 0) t.sigmask |= m;
      else if (how === 1) t.sigmask &= ~m;
      else if (how === 2) t.sigmask = m;
      else return -E.EINVAL;
      t.sigmask &= ~((1n << 8n) | (1n << 18n));
    }
    if (oset) writeU64(k, oset, old);
    return 0;
  },
  rt_sigreturn: (k, t) => { k.sigreturn(t); return 'noreturn'; },
  sigaltstack: (k, t, a) => {
    const ss = n64(a[0]), oss = n64(a[1]);
    const rsp = t.cpu.getRegNum(Reg.RSP);
    const on = t.altstack.flags !== 2 && rsp > t.altstack.sp && rsp <= t.altstack.sp + t.altstack.size;
    if (oss) {
      const b = new Uint8Array(24);
      const v = new DataView(b.buffer);
      v.setBigUint64(0, BigInt(t.altstack.sp), true);
      v.setInt32(8, on ? 1 : t.altstack.flags, true);
      v.setBigUint64(16, BigInt(t.altstack.size), true);
      const e = copyOut(k, oss, b);
      if (e) return e;
    }
    if (ss) {
      if (on) return -E.EPERM;
      const sp = readU64(k, ss), flags = k.memory.peek32(ss + 8) | 0, size = readU64(k, ss + 16);
      if (flags & 2) t.altstack = { sp: 0, size: 0, flags: 2 };
      else {
        if (flags & ~(1 | 0x80000000)) return -E.EINVAL;
        if (size < 2048) return -E.ENOMEM;
        t.altstack = { sp, size, flags: 0 };
      }
    }
    return 0;
  },
  rt_sigpending: (k, t, a) => { writeU64(k, n64(a[0]), t.pending.reduce((m, p) => m | (1n << BigInt(p.sig - 1)), 0n)); return 0; },
  tgkill: (k, t, a) => killThread(k, t, i32(a[0]), i32(a[1]), i32(a[2])),
  tkill: (k, t, a) => killThread(k, t, k.st.pid, i32(a[0]), i32(a[1])),
  kill: (k, t, a) => {
    const pid = i32(a[0]), sig = i32(a[1]);
    if (pid !== k.st.pid && pid !== 0 && pid !== -1) return -E.ESRCH;
    if (sig < 0 || sig > 64) return -E.EINVAL;
    if (sig === 0) return 0;
    if (sig === SIG.SIGKILL) { k.exitGroup(0, SIG.SIGKILL); return 0; }
    // A process-directed signal goes to the first thread not blocking it (the caller first, as Linux prefers).
    const bit = 1n << BigInt(sig - 1);
    const target = !(t.sigmask & bit) ? t : k.threads.find((x) => x.state !== 'exited' && !(x.sigmask & bit)) ?? t;
    k.sendSignal(target, { sig, code: 0, addr: 0, pid: k.st.pid });
    return 0;
  },

  // system information
  uname: (k, t, a) => {
    const b = new Uint8Array(6 * 65);
    ['Linux', 'gosyscall', '6.1.0-gosyscall', '#1 SMP PREEMPT_DYNAMIC', 'x86_64', '(none)']
      .forEach((s, i) => b.set(Buffer.from(s), 65 * i));
    return copyOut(k, n64(a[0]), b);
  },
  getrandom: (k, t, a) => {
    const len = Math.min(n64(a[1]), 1 << 25);
    return copyOut(k, n64(a[0]), k.random(len)) || len;
  },
  getrlimit: (k, t, a) => rlimit(k, i32(a[0]), 0, n64(a[1])),
  setrlimit: () => 0,
  prlimit64: (k, t, a) => {
    const pid = i32(a[0]);
    if (pid !== 0 && pid !== k.st.pid) return -E.ESRCH;
    return rlimit(k, i32(a[1]), n64(a[2]), n64(a[3]));
  },
  getrusage: (k, t, a) => copyOut(k, n64(a[1]), new Uint8Array(144)),
  sysinfo: (k, t, a) => {
    const b = new Uint8Array(112);
    const v = new DataView(b.buffer);
    v.setBigInt64(0, BigInt(Math.floor(k.st.clockNs / 1e9)), true);
    v.setBigUint64(32, BigInt(k.memory.capBytes), true);
    v.setBigUint64(40, BigInt(Math.max(0, k.memory.capBytes - k.memory.committedBytes)), true);
    v.setUint16(80, k.threads.length, true);
    v.setUint32(104, 1, true);
    return copyOut(k, n64(a[0]), b);
  },

  // network: the sandbox has none
  socket: (k, t) => { k.warnOnce('socket', 'sockets are not available in the sandbox: socket() fails with EACCES', t); return -E.EACCES; },
  socketpair: () => -E.EACCES,
  connect: () => -E.ENOTSOCK, bind: () => -E.ENOTSOCK, listen: () => -E.ENOTSOCK, accept: () => -E.ENOTSOCK,
  accept4: () => -E.ENOTSOCK, sendto: () => -E.ENOTSOCK, recvfrom: () => -E.ENOTSOCK, sendmsg: () => -E.ENOTSOCK,
  recvmsg: () => -E.ENOTSOCK, shutdown: () => -E.ENOTSOCK, getsockname: () => -E.ENOTSOCK,
  getpeername: () => -E.ENOTSOCK, setsockopt: () => -E.ENOTSOCK, getsockopt: () => -E.ENOTSOCK,
};

function futex(k: Kernel, t: Thread, a: bigint[], sys: PendingSyscall): SysResult {
  const addr = n64(a[0]), op = i32(a[1]) & 0x7f, val = u32(a[2]);
  if (addr & 3) return -E.EINVAL;
  switch (op) {
    case FUTEX_WAIT: case FUTEX_WAIT_BITSET: {
      const cur = k.memory.peek32(addr);
      if (cur !== val) return -E.EAGAIN;
      let deadline: number | undefined;
      if (a[3]) {
        const ns = timespecNs(k, n64(a[3]));
        if (ns < 0) return -E.EINVAL;
        deadline = op === FUTEX_WAIT ? k.st.clockNs + ns : ((i32(a[1]) & 256) ? ns - BOOT_REALTIME_SEC * 1e9 : ns);
        if (deadline <= k.st.clockNs) return -E.ETIMEDOUT;
      }
      sys.deadline = deadline;
      k.block(t, { reason: 'futex', addr, deadline, timeoutResult: -E.ETIMEDOUT });
      return 'block';
    }
    case FUTEX_WAKE: case FUTEX_WAKE_BITSET:
      return k.futexWake(addr, Math.max(0, i32(a[2])));
    default:
      k.warnOnce(`futex:${op}`, `futex operation ${op} is not implemented: ENOSYS`, t);
      return -E.ENOSYS;
  }
}

function clone(k: Kernel, t: Thread, a: bigint[]): number {
  const flags = n64(a[0]) & 0xffffffff, stack = n64(a[1]), ptid = n64(a[2]), ctid = n64(a[3]), tls = n64(a[4]);
  const need = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD;
  if ((flags & need) !== need || (flags & CLONE_VFORK)) {
    k.warnOnce('clone-process', `clone with flags 0x${flags.toString(16)} (a new process) is not supported: EAGAIN`, t);
    return -E.EAGAIN;
  }
  if (k.threads.filter((x) => x.state !== 'exited').length >= MAX_THREADS) return -E.EAGAIN;
  const state = t.cpu.saveState();
  const child = k.createThread({ rip: t.sys!.pc + 2, rsp: stack || t.cpu.getRegNum(Reg.RSP), fsBase: flags & CLONE_SETTLS ? tls : state.fsBase, from: state });
  child.cpu.setRegNum(Reg.RAX, 0);
  child.cpu.setRegNum(Reg.RCX, t.sys!.pc + 2);
  child.cpu.setRegNum(Reg.R11, t.cpu.getRflags());
  child.sigmask = t.sigmask;
  if (flags & CLONE_PARENT_SETTID) k.memory.poke32(ptid, child.tid);
  if (flags & CLONE_CHILD_SETTID) k.memory.poke32(ctid, child.tid);
  if (flags & CLONE_CHILD_CLEARTID) child.clearChildTid = ctid;
  return child.tid;
}

function killThread(k: Kernel, t: Thread, tgid: number, tid: number, sig: number): number {
  if (tgid !== k.st.pid) return -E.ESRCH;
  const target = k.thread(tid);
  if (!target || target.state === 'exited') return -E.ESRCH;
  if (sig < 0 || sig > 64) return -E.EINVAL;
  if (sig === 0) return 0;
  if (sig === SIG.SIGKILL) { k.exitGroup(0, SIG.SIGKILL); return 0; }
  k.sendSignal(target, { sig, code: -6 /* SI_TKILL */, addr: 0, pid: k.st.pid });
  return 0;
}

function rlimit(k: Kernel, res: number, newA: number, oldA: number): number {
  if (res < 0 || res > 15) return -E.EINVAL;
  if (oldA) {
    const INF = 0xffffffffffffffffn;
    const lim: [bigint, bigint] = res === 7 ? [1024n, 4096n] : res === 3 ? [8n << 20n, INF] : [INF, INF];
    const b = new Uint8Array(16);
    const v = new DataView(b.buffer);
    v.setBigUint64(0, lim[0], true);
    v.setBigUint64(8, lim[1], true);
    const e = copyOut(k, oldA, b);
    if (e) return e;
  }
  void newA;
  return 0;
}
