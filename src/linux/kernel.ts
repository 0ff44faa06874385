// The Linux user-mode kernel: one process, its threads (each with its own Cpu over the shared Memory), the run loop
// with deterministic round-robin scheduling, blocking and waking, signal delivery, native regions, snapshots.
//
// Scheduling (documented contract): threads are kept in creation order. The running thread keeps the CPU for at
// most `quantum` instructions (QUANTUM = 10 000 by default), then the next runnable thread in creation order
// (wrapping around) runs. A thread that blocks, exits or calls sched_yield ends its quantum early. Syscalls and
// native steps count as one instruction. Virtual time advances NS_PER_INSTRUCTION ns per instruction; when every
// thread is blocked it jumps to the earliest deadline. run(a) followed by run(b) behaves exactly like run(a + b):
// how the caller slices its budget never changes the interleaving, which is what makes replay exact.
import { Cpu } from '../cpu/cpu';
import { Memory, MemoryError } from '../cpu/memory';
import { PROT_READ, Reg, type CpuFault, type CpuState } from '../cpu/types';
import { ETIMEDOUT } from './errno';
import { newFileTable, installFd, addDesc, type FileTable } from './files';
import { FileImage } from './fileImage';
import { loadImage, type LoadedImage } from './loader';
import { popSignalFrame, pushSignalFrame } from './sigframe';
import { SIG, signalName, defaultAction } from './signals';
import { performSyscall } from './syscalls';
import { describeSyscall } from './decode';
import { syscallName } from './sysnames';
import { Thread, type PendingSignal } from './thread';
import { SandboxFs, type FsState } from './vfs';
import type { GoIdentity, SyscallEvent, TraceEventBody, TraceSink } from './trace';
import {
  BOOT_MONOTONIC_NS, NS_PER_INSTRUCTION, QUANTUM, type KernelOptions, type KernelStop, type NativeHandler,
  type RunHooks, type Wait,
} from './types';

export interface SigAction { handler: number; flags: number; restorer: number; mask: bigint }

/** Everything the kernel owns besides threads and memory: plain data, cloned whole by snapshot(). */
export interface KernelState {
  pid: number;
  nextTid: number;
  /** Virtual CLOCK_MONOTONIC, ns. */
  clockNs: number;
  /** Instructions retired by all threads (SYSCALLs and native steps included). */
  instructions: number;
  files: FileTable;
  fs: FsState;
  sigactions: Record<number, SigAction>;
  cwd: string;
  brkStart: number;
  brk: number;
  stdin: Uint8Array;
  stdinPos: number;
  rng: number;
  /** Index in threads of the thread holding the CPU, and what is left of its quantum. */
  cur: number;
  quantumLeft: number;
  waitSeq: number;
  exit: { code: number; signal?: number } | null;
  exePath: string;
  umask: number;
  warned: Record<string, true>;
}

export interface KernelSnapshot {
  state: KernelState;
  threads: { fields: Record<string, unknown>; cpu: CpuState }[];
  memory: Memory;
}

/** Threads a process may have at once; clone beyond it fails with EAGAIN, as RLIMIT_NPROC makes it on Linux. */
export const MAX_THREADS = 10_000;

export class Kernel {
  memory: Memory;
  threads: Thread[] = [];
  st: KernelState;
  readonly fs: SandboxFs;
  readonly quantum: number;
  readonly ncpu: number;
  /** Installed by the scheduler source (Go-runtime model or memory reader) so syscall events carry m/p/g. */
  identify: (thread: Thread) => GoIdentity = (t) => ({ m: t.index, p: null, g: null });
  /** Called for every thread the guest (or createThread) creates, e.g. to copy breakpoints. */
  onThreadCreated?: (thread: Thread) => void;
  readonly sink?: TraceSink;
  readonly traceSyscalls: boolean;
  stdout: (b: Uint8Array) => void;
  stderr: (b: Uint8Array) => void;
  image?: LoadedImage;
  private natives: { start: number; end: number; handler: NativeHandler }[] = [];
  private breakpoints = new Set<number>();

  constructor(readonly options: KernelOptions = {}) {
    this.memory = new Memory({ capBytes: options.memoryCap ?? 2 * 2 ** 30 });
    this.quantum = Math.max(1, Math.floor(options.quantum ?? QUANTUM));
    this.ncpu = Math.max(1, Math.min(64, Math.floor(options.ncpu ?? 2)));
    this.fs = new SandboxFs(options.root, this.ncpu);
    this.sink = options.trace;
    this.traceSyscalls = options.traceSyscalls ?? true;
    this.stdout = options.stdout ?? (() => {});
    this.stderr = options.stderr ?? (() => {});
    const stdin = typeof options.stdin === 'string' ? new Uint8Array(Buffer.from(options.stdin, 'utf8')) : options.stdin ?? new Uint8Array(0);
    this.st = {
      pid: 1000, nextTid: 1000, clockNs: BOOT_MONOTONIC_NS, instructions: 0, files: newFileTable(), fs: this.fs.state,
      sigactions: {}, cwd: options.cwd ?? '/', brkStart: 0, brk: 0, stdin, stdinPos: 0,
      rng: ((options.seed ?? 1) >>> 0) || 1, cur: 0, quantumLeft: this.quantum, waitSeq: 0, exit: null, exePath: '',
      umask: 0o22, warned: {},
    };
    const ft = this.st.files;
    installFd(ft, 0, addDesc(ft, { kind: 'dev', dev: 'stdin', flags: 0, path: '/dev/stdin' }), false);
    installFd(ft, 1, addDesc(ft, { kind: 'dev', dev: 'stdout', flags: 1, path: '/dev/stdout' }), false);
    installFd(ft, 2, addDesc(ft, { kind: 'dev', dev: 'stderr', flags: 1, path: '/dev/stderr' }), false);
  }

  // ------------------------------------------------------------------------------------------------ loading

  /**
   * Loads a static ELF executable (its bytes, or a FileImage read as the program touches it) and creates the main
   * thread at its entry point (RSP at argc, other registers zero, as Linux starts a process). Throws LoadError with
   * a clear message for anything it refuses.
   */
  load(file: Uint8Array | FileImage, opts: { argv: string[]; env: string[]; path?: string }): LoadedImage {
    const name = opts.path ?? opts.argv[0] ?? 'program';
    const random = (n: number) => this.random(n);
    const img = file instanceof FileImage
      ? loadImage(this.memory, file.bytes, name, { ...opts, random }, file)
      : loadImage(this.memory, file, name, { ...opts, random });
    this.image = img;
    this.st.brkStart = this.st.brk = img.brk;
    this.st.exePath = opts.path ?? opts.argv[0] ?? '';
    this.createThread({ rip: img.entry, rsp: img.sp, fsBase: 0, name: 'main' });
    return img;
  }

  // ------------------------------------------------------------------------------------------------ threads

  /** Creates a runnable thread with zeroed registers except RIP/RSP/FS_BASE. It runs after the current ones. */
  createThread(o: { rip: number; rsp: number; fsBase?: number; name?: string; from?: CpuState }): Thread {
    const cpu = new Cpu(this.memory);
    if (o.from) cpu.loadState(o.from);
    cpu.rip = o.rip;
    cpu.setRegNum(Reg.RSP, o.rsp);
    cpu.fsBase = o.fsBase ?? cpu.fsBase;
    for (const a of this.breakpoints) cpu.addBreakpoint(a);
    const tid = this.st.nextTid++;
    const t = new Thread(tid, cpu, tid - this.st.pid, o.name ?? '');
    this.threads.push(t);
    if (this.threads.length > 1) this.emit({ ev: 'thread', m: this.eventM(t), action: 'create', tid });
    this.onThreadCreated?.(t);
    return t;
  }

  thread(tid: number): Thread | undefined { return this.threads.find((t) => t.tid === tid); }

  /**
   * The M of a thread, signal or warning event. Asking `identify` can be costly (the memory reader parses the
   * binary's DWARF on first use), so runs without syscall tracing (pure speed runs) use the thread index.
   */
  private eventM(t: Thread): number { return this.traceSyscalls ? this.identify(t).m ?? t.index : t.index; }

  /** The thread that holds (or last held) the CPU. */
  get current(): Thread | undefined { return this.threads[this.st.cur]; }

  /** Marks a thread blocked. `wait.deadline` (virtual ns) ends the wait by itself. */
  block(t: Thread, wait: Wait): void {
    if (t.state === 'exited') return;
    t.state = 'blocked';
    t.wait = wait;
    t.waitSeq = ++this.st.waitSeq;
    if (t === this.current) this.st.quantumLeft = 0;
  }

  /**
   * Makes a blocked thread runnable. For a thread blocked inside a syscall, `result` is that syscall's return
   * value; without it the syscall runs again (io waits re-check their object).
   */
  wake(t: Thread, result?: number): void {
    if (t.state !== 'blocked') return;
    t.state = 'runnable';
    t.wait = undefined;
    if (t.sys && result !== undefined) t.sys.result = result;
  }

  /** Blocks t until virtual time tNs (what nanosleep does). */
  sleepUntil(t: Thread, tNs: number): void { this.block(t, { reason: 'sleep', deadline: tNs, timeoutResult: 0 }); }

  /** Wakes every thread in an io wait on `key` (their syscalls re-run), in blocking order. */
  wakeKey(key: string): void {
    for (const t of this.waitersBy((w) => w.key === key)) this.wake(t);
  }

  /** Blocked threads whose wait matches, in the order they blocked (FIFO). */
  waitersBy(pred: (w: Wait) => boolean): Thread[] {
    return this.threads.filter((t) => t.state === 'blocked' && t.wait && pred(t.wait)).sort((a, b) => a.waitSeq - b.waitSeq);
  }

  /** Ends one thread (exit(2)); the last one ends the process with its code. */
  exitThread(t: Thread, code = 0): void {
    if (t.state === 'exited') return;
    t.state = 'exited';
    t.wait = undefined;
    t.sys = undefined;
    t.exitCode = code;
    if (t.clearChildTid) {
      try { this.memory.poke32(t.clearChildTid, 0); } catch { /* unmapped: Linux ignores it too */ }
      this.futexWake(t.clearChildTid, 1);
    }
    if (t === this.current) this.st.quantumLeft = 0;
    this.emit({ ev: 'thread', m: this.eventM(t), action: 'exit', tid: t.tid });
    if (this.threads.every((x) => x.state === 'exited')) this.exitGroup(code);
  }

  /** Ends the process (exit_group(2)); with `signal`, it was killed by that signal (code 128+signal). */
  exitGroup(code: number, signal?: number): void {
    if (this.st.exit) return;
    this.st.exit = signal ? { code: 128 + signal, signal } : { code: code & 0xff };
    for (const t of this.threads) { t.state = 'exited'; t.wait = undefined; t.sys = undefined; }
    this.emit({ ev: 'exit', code: this.st.exit.code, instructions: this.st.instructions });
  }

  get exited(): { code: number; signal?: number } | null { return this.st.exit; }
  /** Virtual CLOCK_MONOTONIC in ns (starts at BOOT_MONOTONIC_NS = 1 s). */
  get clockNs(): number { return this.st.clockNs; }
  /** Virtual ns since the process started (clockNs - BOOT_MONOTONIC_NS): the trace's `t`. */
  get elapsedNs(): number { return this.st.clockNs - BOOT_MONOTONIC_NS; }
  get instructions(): number { return this.st.instructions; }

  futexWake(addr: number, n: number): number {
    let woken = 0;
    for (const w of this.waitersBy((x) => x.reason === 'futex' && x.addr === addr)) {
      if (woken >= n) break;
      this.wake(w, 0);
      woken++;
    }
    return woken;
  }

  // ------------------------------------------------------------------------------------------------ natives

  /**
   * Binds [start, end) to a native handler (the Go-runtime model). The range is mapped PROT_READ if unmapped (never
   * executable), so fetching an instruction there faults; the kernel then calls handler(thread, rip) instead of
   * raising SIGSEGV, counting one instruction.
   */
  registerNative(start: number, end: number, handler: NativeHandler): void {
    const s = Math.floor(start / 4096) * 4096, e = Math.ceil(end / 4096) * 4096;
    if (!this.memory.isMapped(s, e - s)) this.memory.map(s, e - s, PROT_READ);
    this.natives.push({ start, end, handler });
  }

  private nativeAt(rip: number): NativeHandler | undefined {
    for (const n of this.natives) if (rip >= n.start && rip < n.end) return n.handler;
    return undefined;
  }

  /** Address breakpoints on every thread's Cpu, present and future. */
  addBreakpoint(addr: number): void { this.breakpoints.add(addr); for (const t of this.threads) t.cpu.addBreakpoint(addr); }
  removeBreakpoint(addr: number): void { this.breakpoints.delete(addr); for (const t of this.threads) t.cpu.removeBreakpoint(addr); }

  // ------------------------------------------------------------------------------------------------ events

  emit(ev: TraceEventBody): void { this.sink?.emit(ev); }

  /** Emits a warning event once per distinct key. */
  warnOnce(key: string, message: string, t?: Thread): void {
    if (this.st.warned[key]) return;
    this.st.warned[key] = true;
    this.emit({ ev: 'warning', m: t ? this.eventM(t) : null, message });
  }

  /** Deterministic pseudo-random bytes (xorshift32): AT_RANDOM, getrandom, /dev/urandom. */
  random(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let x = this.st.rng;
    for (let i = 0; i < n; i++) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      out[i] = x & 0xff;
    }
    this.st.rng = x || 1;
    return out;
  }

  // ------------------------------------------------------------------------------------------------ signals

  /** Queues a signal for one thread (tgkill); delivered when that thread next runs with it unblocked. */
  sendSignal(t: Thread, sig: PendingSignal): void {
    if (t.state === 'exited') return;
    if (!sig.fault && t.pending.some((p) => p.sig === sig.sig && !p.fault)) return; // standard signals don't queue
    t.pending.push(sig);
    this.interruptForSignal(t, sig.sig);
  }

  /**
   * A handled, unblocked signal for a thread blocked in a kernel wait interrupts it, as Linux does (signal(7)):
   * sleeps and epoll waits fail with EINTR; futex waits and pipe/eventfd reads and writes restart after the
   * handler when it has SA_RESTART (RIP back at the SYSCALL, RAX = the number), else fail with EINTR.
   * Waits of native code (the model) are not interrupted.
   */
  private interruptForSignal(t: Thread, sig: number): void {
    const sys = t.sys, w = t.wait;
    if (t.state !== 'blocked' || !sys || !w || (t.sigmask & (1n << BigInt(sig - 1)))) return;
    const act = this.st.sigactions[sig];
    if (!act || act.handler === 0 || act.handler === 1) return;
    const SA_RESTART = 0x10000000;
    const restartable = w.reason === 'futex' || (w.reason === 'io' && !(w.key ?? '').startsWith('epoll:'));
    if (restartable && (act.flags & SA_RESTART)) {
      t.state = 'runnable';
      t.wait = undefined;
      t.sys = undefined;
      t.cpu.rip = sys.pc;
      t.cpu.setRegNum(Reg.RAX, sys.nr);
      this.syscallEvent(t, sys.nr, sys.args, sys.pc, -512 /* ERESTARTSYS */, true);
    } else if (w.reason === 'futex' || w.reason === 'io' || w.reason === 'sleep') {
      this.wake(t, -4 /* EINTR */);
    }
  }

  /** Delivers the first deliverable pending signal of t. Returns false when the process died of it. */
  private deliverSignal(t: Thread): boolean {
    const i = t.pending.findIndex((p) => p.fault !== undefined || !(t.sigmask & (1n << BigInt(p.sig - 1))));
    if (i < 0) return true;
    const sig = t.pending.splice(i, 1)[0];
    const act = this.st.sigactions[sig.sig];
    const handler = act?.handler ?? 0;
    const blockedFault = sig.fault !== undefined && (t.sigmask & (1n << BigInt(sig.sig - 1))) !== 0n;
    if (handler === 1 /* SIG_IGN */ && !sig.fault) return true;
    if (handler === 0 || handler === 1 || blockedFault) {
      if (defaultAction(sig.sig) === 'ignore' && !sig.fault) return true;
      this.emit({ ev: 'signal', m: this.eventM(t), sig: signalName(sig.sig), tid: t.tid });
      this.warnOnce(`fatal:${sig.sig}`, `killed by ${signalName(sig.sig)} at pc 0x${t.cpu.rip.toString(16)}`, t);
      this.exitGroup(0, sig.sig);
      return false;
    }
    this.emit({ ev: 'signal', m: this.eventM(t), sig: signalName(sig.sig), tid: t.tid });
    const SA_ONSTACK = 0x08000000, SA_NODEFER = 0x40000000, SA_RESETHAND = 0x80000000;
    const state = t.cpu.saveState();
    try {
      const f = pushSignalFrame(this.memory, {
        state, sig, handler, restorer: act.restorer, oldmask: t.sigmask, altstack: t.altstack,
        useAltstack: (act.flags & SA_ONSTACK) !== 0 && t.altstack.flags !== 2,
      });
      t.cpu.setRegNum(Reg.RSP, f.rsp);
      t.cpu.setRegNum(Reg.RDI, sig.sig);
      t.cpu.setRegNum(Reg.RSI, f.siginfo);
      t.cpu.setRegNum(Reg.RDX, f.uc);
      t.cpu.setRegNum(Reg.RAX, 0);
      t.cpu.rip = handler;
      t.cpu.setRflags(t.cpu.getRflags() & ~((1 << 8) | (1 << 10))); // TF and DF clear in the handler
    } catch (e) {
      if (!(e instanceof MemoryError)) throw e;
      this.warnOnce('sigframe', `cannot push the ${signalName(sig.sig)} frame (stack unmapped): killed by SIGSEGV`, t);
      this.exitGroup(0, SIG.SIGSEGV);
      return false;
    }
    let mask = t.sigmask | act.mask;
    if (!(act.flags & SA_NODEFER)) mask |= 1n << BigInt(sig.sig - 1);
    t.sigmask = mask & ~((1n << 8n) | (1n << 18n)); // SIGKILL, SIGSTOP
    if (act.flags & SA_RESETHAND) this.st.sigactions[sig.sig] = { handler: 0, flags: 0, restorer: 0, mask: 0n };
    return true;
  }

  /** rt_sigreturn for t: restores the context saved by deliverSignal. */
  sigreturn(t: Thread): boolean {
    try {
      const r = popSignalFrame(this.memory, t.cpu.getRegNum(Reg.RSP), t.cpu.saveState());
      const icount = t.cpu.icount;
      t.cpu.loadState({ ...r.state, icount });
      t.sigmask = r.mask & ~((1n << 8n) | (1n << 18n));
      return true;
    } catch (e) {
      if (!(e instanceof MemoryError)) throw e;
      this.sendSignal(t, { sig: SIG.SIGSEGV, code: 0x80, addr: 0, pid: 0, fault: { trapno: 13, err: 0 } });
      return false;
    }
  }

  private faultSignal(f: CpuFault): PendingSignal {
    switch (f.kind) {
      case '#PF': {
        const err = (f.protection ? 1 : 0) | (f.access === 'write' ? 2 : 0) | 4 | (f.access === 'exec' ? 16 : 0);
        return { sig: SIG.SIGSEGV, code: f.protection ? 2 : 1, addr: f.addr ?? 0, pid: 0, fault: { trapno: 14, err } };
      }
      case '#GP': return { sig: SIG.SIGSEGV, code: 0x80, addr: 0, pid: 0, fault: { trapno: 13, err: 0 } };
      case '#DE': return { sig: SIG.SIGFPE, code: 1, addr: f.rip, pid: 0, fault: { trapno: 0, err: 0 } };
      case '#XM': return { sig: SIG.SIGFPE, code: 0, addr: f.rip, pid: 0, fault: { trapno: 19, err: 0 } };
      case '#BP': return { sig: SIG.SIGTRAP, code: 0x80, addr: 0, pid: 0, fault: { trapno: 3, err: 0 } };
      default: return { sig: SIG.SIGILL, code: 2, addr: f.rip, pid: 0, fault: { trapno: 6, err: 0 } };
    }
  }

  // ------------------------------------------------------------------------------------------------ running

  /** Fires expired deadlines; returns the earliest deadline still pending (Infinity if none). */
  private fireTimers(): number {
    let next = Infinity;
    for (const t of this.threads) {
      if (t.state !== 'blocked' || !t.wait || t.wait.deadline === undefined) continue;
      if (t.wait.deadline <= this.st.clockNs) {
        const r = t.wait.timeoutResult ?? (t.wait.reason === 'futex' ? -ETIMEDOUT : undefined);
        this.wake(t, t.sys ? (r ?? 0) : undefined);
      } else next = Math.min(next, t.wait.deadline);
    }
    return next;
  }

  /** Picks the thread to run: the current one while its quantum lasts, else the next runnable in order. */
  private pick(): Thread | undefined {
    const ts = this.threads;
    const cur = ts[this.st.cur];
    if (cur && cur.state === 'runnable' && this.st.quantumLeft > 0) return cur;
    for (let k = 1; k <= ts.length; k++) {
      const i = (this.st.cur + k) % ts.length;
      if (ts[i].state === 'runnable') {
        this.st.cur = i;
        this.st.quantumLeft = this.quantum;
        return ts[i];
      }
    }
    return undefined;
  }

  private account(n: number): void {
    this.st.instructions += n;
    this.st.clockNs += n * NS_PER_INSTRUCTION;
    this.st.quantumLeft -= n;
  }

  /** Drops exited threads from the list (keeping the current index right), so scans stay short. */
  private reap(): void {
    if (!this.threads.some((t) => t.state === 'exited') || this.st.exit) return;
    const cur = this.threads[this.st.cur];
    this.threads = this.threads.filter((t) => t.state !== 'exited');
    const i = cur ? this.threads.indexOf(cur) : -1;
    if (i >= 0) this.st.cur = i;
    else { this.st.cur = Math.max(0, Math.min(this.st.cur, this.threads.length) - 1); this.st.quantumLeft = 0; }
  }

  /**
   * Runs threads for at most `budget` instructions (all threads together) or until a hook asks to stop, the
   * process exits, or every thread is blocked for good. Never throws for anything the guest does.
   */
  run(budget: number, hooks: RunHooks = {}): KernelStop {
    const end = this.st.instructions + Math.max(0, Math.floor(budget));
    for (;;) {
      const left = end - this.st.instructions;
      if (this.st.exit) return { kind: 'exit', code: this.st.exit.code, signal: this.st.exit.signal };
      if (this.threads.length > 0 && this.threads.some((t) => t.state === 'exited')) this.reap();
      let t = this.pick();
      if (!t) {
        const next = this.fireTimers();
        t = this.pick();
        if (!t) {
          if (next === Infinity) return { kind: 'deadlock' };
          this.st.clockNs = Math.max(this.st.clockNs, next);
          continue;
        }
      } else if (this.st.quantumLeft === this.quantum) {
        // Timers fire at quantum starts only: a check tied to the instruction count would make a run depend on how
        // it is sliced (one run of 1000 vs ten of 100), and reverse execution replays in other slices.
        this.fireTimers();
      }
      if (left <= 0) return { kind: 'budget' };

      // A syscall in progress: re-run it (woken io wait, or after a syscall-entry stop) or complete it.
      if (t.sys) {
        const s = this.continueSyscall(t, hooks);
        if (s) return s;
        continue;
      }
      if (t.pending.length > 0) {
        if (!this.deliverSignal(t)) continue;
      }

      const n = Math.min(left, this.st.quantumLeft);
      const before = t.cpu.icount;
      const stop = t.skipBpAt === t.cpu.rip ? t.cpu.run(n) : t.cpu.runFrom(n);
      t.skipBpAt = -1;
      this.account(t.cpu.icount - before);
      switch (stop.kind) {
        case 'budget':
          break;
        case 'syscall': {
          const pc = t.cpu.rip;
          const nr = t.cpu.getRegNum(Reg.RAX);
          const c = t.cpu;
          t.sys = {
            nr, pc, entryStopped: false, blocked: false,
            args: [c.getReg(Reg.RDI), c.getReg(Reg.RSI), c.getReg(Reg.RDX), c.getReg(Reg.R10), c.getReg(Reg.R8), c.getReg(Reg.R9)],
          };
          if (hooks.stopAtSyscallEntry?.(t, nr)) {
            t.sys.entryStopped = true;
            return { kind: 'syscall-entry', thread: t, nr };
          }
          const s = this.continueSyscall(t, hooks);
          if (s) return s;
          break;
        }
        case 'breakpoint':
          t.skipBpAt = stop.addr;
          return { kind: 'breakpoint', thread: t, addr: stop.addr };
        case 'watch':
          return { kind: 'watch', thread: t, id: stop.id, addr: stop.addr, len: stop.len };
        case 'halt': {
          // HLT is privileged in user mode: #GP → SIGSEGV (RIP back at the HLT).
          t.cpu.rip -= 1;
          const f: CpuFault = { kind: '#GP', rip: t.cpu.rip, message: `privileged instruction HLT at 0x${t.cpu.rip.toString(16)}` };
          const s = this.fault(t, f, hooks);
          if (s) return s;
          break;
        }
        case 'fault': {
          const f = stop.fault;
          if (f.kind === '#PF' && f.access === 'exec' && f.addr === f.rip) {
            const h = this.nativeAt(f.rip);
            if (h) {
              if (t.nativeStopAt !== f.rip && hooks.stopAtNative?.(t, f.rip)) {
                t.nativeStopAt = f.rip;
                return { kind: 'native', thread: t, rip: f.rip };
              }
              t.nativeStopAt = -1;
              try {
                h(t, f.rip);
              } catch (e) {
                const msg = `native handler at 0x${f.rip.toString(16)} failed: ${e instanceof Error ? e.message : String(e)}`;
                this.warnOnce(`native:${f.rip}`, msg, t);
                return { kind: 'fault', thread: t, fault: { kind: '#UD', rip: f.rip, message: msg }, signal: SIG.SIGILL };
              }
              this.account(1);
              break;
            }
          }
          const s = this.fault(t, f, hooks);
          if (s) return s;
          break;
        }
      }
    }
  }

  private fault(t: Thread, f: CpuFault, hooks: RunHooks): KernelStop | undefined {
    const sig = this.faultSignal(f);
    if (f.kind === '#UD') {
      this.warnOnce(`ud:${f.rip}`, `invalid or unimplemented instruction at 0x${f.rip.toString(16)}${f.text ? ` (${f.text})` : ''}: ${f.message}`, t);
    }
    if (t.faultStopAt !== f.rip && hooks.stopOnFault?.(t, f)) {
      t.faultStopAt = f.rip;
      return { kind: 'fault', thread: t, fault: f, signal: sig.sig };
    }
    t.faultStopAt = -1;
    this.sendSignal(t, sig);
    if (!this.deliverSignal(t)) return { kind: 'exit', code: this.st.exit!.code, signal: this.st.exit!.signal };
    return undefined;
  }

  /** Runs or finishes t's pending syscall. Returns a stop when a hook asks for one. */
  private continueSyscall(t: Thread, hooks: RunHooks): KernelStop | undefined {
    const sys = t.sys!;
    let r: number | 'block' | 'noreturn';
    if (sys.result !== undefined) r = sys.result;
    else {
      try {
        r = performSyscall(this, t, sys);
      } catch (e) {
        if (e instanceof MemoryError) r = -14; // EFAULT: a bad guest pointer
        else {
          // A kernel bug must not take the debugger down: the call fails and a warning names it.
          this.warnOnce(`internal:${sys.nr}`, `internal error in syscall ${syscallName(sys.nr)}: ${e instanceof Error ? e.message : String(e)}`, t);
          r = -22; // EINVAL
        }
      }
    }
    if (!sys.counted) { sys.counted = true; this.account(1); }
    if (r === 'block') {
      sys.blocked = true;
      if (t.state === 'runnable') this.block(t, { reason: 'io' });
      return undefined;
    }
    t.sys = undefined;
    const c = t.cpu;
    if (r !== 'noreturn') {
      c.setRegNum(Reg.RAX, r);
      c.rip = sys.pc + 2;
      c.setRegNum(Reg.RCX, sys.pc + 2);
      c.setRegNum(Reg.R11, c.getRflags());
    }
    const ev = this.syscallEvent(t, sys.nr, sys.args, sys.pc, r === 'noreturn' ? c.getRegSigned(Reg.RAX) : r, sys.blocked,
      hooks.stopAtSyscallReturn !== undefined);
    if (sys.exit) {
      if (sys.exit.group) this.exitGroup(sys.exit.code); else this.exitThread(t, sys.exit.code);
    }
    if (ev && hooks.stopAtSyscallReturn?.(t, ev)) return { kind: 'syscall-return', thread: t, event: ev };
    if (this.st.exit) return { kind: 'exit', code: this.st.exit.code, signal: this.st.exit.signal };
    return undefined;
  }

  /** Builds the syscall's trace event; emits it when tracing. `wanted`: build it even when not tracing (a hook needs it). */
  private syscallEvent(t: Thread, nr: number, args: bigint[], pc: number, ret: number, blocked: boolean, wanted = false): SyscallEvent | undefined {
    const emit = this.traceSyscalls && this.sink !== undefined;
    if (!emit && !wanted) return undefined;
    const id = this.identify(t);
    const ev: SyscallEvent = {
      ev: 'syscall', m: id.m, p: id.p, g: id.g, pc: '0x' + pc.toString(16), nr, name: syscallName(nr),
      args: args.map((a) => '0x' + a.toString(16)), ret, errno: ret < 0 && ret >= -4095 ? errnoOf(ret) : null, blocked,
    };
    ev.text = describeSyscall(this, nr, args, ret);
    if (emit) this.emit(ev);
    return ev;
  }

  // ------------------------------------------------------------------------------------------------ snapshots

  /** Everything needed to come back here: kernel state (deep copy), every thread's registers, memory (COW clone). */
  snapshot(): KernelSnapshot {
    return {
      state: structuredClone(this.st),
      threads: this.threads.map((t) => {
        const { cpu, ...fields } = t;
        return { fields: structuredClone(fields) as unknown as Record<string, unknown>, cpu: cpu.saveState() };
      }),
      memory: this.memory.clone(),
    };
  }

  /** Returns to a snapshot (which stays reusable). Thread objects with the same tid are kept and updated. */
  restore(s: KernelSnapshot): void {
    this.memory = s.memory.clone();
    this.st = structuredClone(s.state);
    this.fs.state = this.st.fs;
    const old = new Map(this.threads.map((t) => [t.tid, t]));
    this.threads = s.threads.map(({ fields, cpu }) => {
      const tid = fields.tid as number;
      let t = old.get(tid);
      if (!t) {
        const c = new Cpu(this.memory);
        for (const a of this.breakpoints) c.addBreakpoint(a);
        t = new Thread(tid, c, fields.index as number);
      }
      Object.assign(t, structuredClone(fields));
      t.cpu.memory = this.memory;
      t.cpu.loadState(cpu);
      return t;
    });
  }
}

import { errnoName } from './errno';
function errnoOf(ret: number): string { return errnoName(-ret); }
