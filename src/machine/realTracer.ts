// The real runtime's scheduler events, seen from outside: gstatus/pstatus transitions as the runtime writes
// g.atomicstatus and p.status (write watches on just those words), the exitsyscall path from entry into
// runtime.exitsyscallfast / exitsyscall0, and handoffs from runtime.handoffp (who called it: sysmon's retake,
// entersyscallblock, ...). The entry hooks are address breakpoints the Machine installs; it calls onHook() when
// a thread reaches one. Everything the tracer remembers between events is plain data (snapshot/restore).
import { Reg } from '../cpu/types';
import type { Kernel } from '../linux/kernel';
import type { Thread } from '../linux/thread';
import type { TraceEventBody } from '../linux/trace';
import type { GoBinary, RuntimeHooks } from '../debuginfo/goBinary';
import type { MemoryReader } from '../goruntime/reader/memoryReader';
import { G_SCAN, gStatusName, pStatusName } from '../goruntime/snapshot';

const G_DEAD = 6, G_RUNNING = 2, G_SYSCALL = 3, P_IDLE = 0, P_SYSCALL = 2;

/** Pending work of one thread between a hook and the event it leads to (plain data: part of snapshots). */
interface ExitPending { g: number; gAddr: number; oldp: number; reacquired: boolean }
interface HandoffPending { pAddr: number; p: number; fromM: number | null; reason: string; ret: number; sp: number }
interface TracerState { exits: [number, ExitPending][]; handoffs: [number, HandoffPending][] }

export class RealTracer {
  private watchIds: number[] = [];
  /** The watches on G and P status words: the ones that may stop (see setMayStop). */
  private statusWatchIds: number[] = [];
  /** A filter stops at the tracer's events: its status watches may stop the CPU (else they only observe). */
  private mayStop = false;
  /** Last status seen per watched word (G: without _Gscan), by address of the G / P. */
  private gs = new Map<number, number>();
  private ps = new Map<number, { id: number; status: number }>();
  private exits = new Map<number, ExitPending>();
  private handoffs = new Map<number, HandoffPending>();
  /** Return addresses of handoffp calls seen so far: breakpoints that end a pending handoff. */
  private readonly returnHooks = new Set<number>();
  private readonly entryHooks = new Map<number, 'exitsyscallfast' | 'exitsyscall0' | 'handoffp'>();
  private readonly watchedLists = new Set<number>();
  enabled = false;
  /** The Machine asks to stop at the event just emitted (an exception filter): a watch then stops the CPU. */
  shouldStop: () => boolean = () => false;
  /** New hook addresses (a handoffp return address): the Machine re-syncs its breakpoints. */
  onHooksChanged: () => void = () => {};

  /** The runtime's memory reader, once made (it reads DWARF: ~50 ms, so not before there is something to read). */
  private madeReader: MemoryReader | undefined;

  constructor(private readonly kernel: Kernel, private readonly readerOf: () => MemoryReader | undefined, private readonly bin: GoBinary,
    hooks: RuntimeHooks, private readonly emit: (ev: TraceEventBody) => void) {
    if (hooks.exitsyscallfast) this.entryHooks.set(hooks.exitsyscallfast, 'exitsyscallfast');
    if (hooks.exitsyscall0) this.entryHooks.set(hooks.exitsyscall0, 'exitsyscall0');
    if (hooks.handoffp) this.entryHooks.set(hooks.handoffp, 'handoffp');
  }

  private get reader(): MemoryReader {
    const r = (this.madeReader ??= this.readerOf());
    if (!r) throw new Error('the Go runtime cannot be read in this program');
    return r;
  }

  /** Start watching (the status words of the Gs and Ps that exist, and the lists, to follow new ones). */
  enable(): void {
    this.enabled = true;
    this.attach();
  }

  /** Breakpoint addresses the tracer needs (empty while disabled). */
  hookAddrs(): number[] { return this.enabled ? [...this.entryHooks.keys(), ...this.returnHooks] : []; }
  isHook(addr: number): boolean { return this.enabled && (this.entryHooks.has(addr) || this.returnHooks.has(addr)); }

  /** After kernel.restore (a new Memory without watches): watch again, statuses as memory has them now. */
  reattach(state?: unknown): void {
    if (state) {
      const s = state as TracerState;
      this.exits = new Map(s.exits.map(([k, v]) => [k, { ...v }]));
      this.handoffs = new Map(s.handoffs.map(([k, v]) => [k, { ...v }]));
    }
    if (this.enabled) this.attach();
  }

  /**
   * Whether the status watches may stop the CPU right after a write (an exitsyscall/handoff filter is on). While
   * they only observe, the CPU keeps its fast path; the watches see every write either way.
   */
  setMayStop(mayStop: boolean): void {
    if (mayStop === this.mayStop) return;
    this.mayStop = mayStop;
    const mem = this.kernel.memory;
    for (const id of this.statusWatchIds) mem.setWatchObserve(id, !mayStop);
  }

  snapshot(): TracerState {
    return { exits: [...this.exits].map(([k, v]) => [k, { ...v }]), handoffs: [...this.handoffs].map(([k, v]) => [k, { ...v }]) };
  }

  // ---------------------------------------------------------------------------------------------- watches

  private attach(): void {
    const mem = this.kernel.memory;
    for (const id of this.watchIds) mem.removeWriteWatch(id);
    this.watchIds = [];
    this.statusWatchIds = [];
    this.gs.clear();
    this.ps.clear();
    this.watchedLists.clear();
    this.follow();
  }

  /**
   * Watch what is new in the runtime's lists of Gs and Ps. Only adds: it runs inside a watch callback (the Memory
   * is iterating its watches), Gs are never freed, and a P dropped by procresize still reports its _Pdead.
   */
  private follow(): void {
    const mem = this.kernel.memory;
    // the lists' own addresses come from the symbol table: watching them needs no DWARF
    const allglen = this.bin.symbol('runtime.allglen')?.addr;
    const allp = this.bin.symbol('runtime.allp')?.addr;
    const list = (addr: number | undefined, len: number) => {
      if (!addr || !len || this.watchedLists.has(addr)) return;
      this.watchedLists.add(addr);
      this.watchIds.push(mem.addWriteWatch(addr, len, () => { this.follow(); return false; }, { observe: true }));
    };
    list(allglen, 8);
    list(allp, 24);
    // Until the runtime has a G or a P there is nothing else to watch, and the reader (DWARF) can wait: a program
    // stopped at its entry point is ready sooner.
    if (!this.madeReader && !this.nonZero(allglen) && !this.nonZero(allp !== undefined ? allp + 8 : undefined)) return;
    const reader = this.madeReader ?? this.readerOf();
    if (!reader) return; // no layout for this runtime: no scheduler events (the Debug Console says why)
    this.madeReader = reader;
    const t = reader.watchTargets().targets;
    if (!t) return; // before the runtime set its lists up
    list(t.allpArray.addr, t.allpArray.len);
    for (const g of t.gs) {
      if (this.gs.has(g.addr)) continue;
      this.gs.set(g.addr, this.readG(g.addr));
      this.statusWatch(mem.addWriteWatch(g.statusAddr, t.gStatusSize, () => this.onG(g.addr), { observe: !this.mayStop }));
    }
    for (const p of t.ps) {
      if (this.ps.has(p.addr)) continue;
      this.ps.set(p.addr, { id: p.id, status: this.readP(p.addr) });
      this.statusWatch(mem.addWriteWatch(p.statusAddr, t.pStatusSize, () => this.onP(p.addr), { observe: !this.mayStop }));
    }
  }

  /** The 8-byte word at addr is not zero (an unmapped or unknown address counts as zero). */
  private nonZero(addr: number | undefined): boolean {
    if (addr === undefined) return false;
    try { return this.kernel.memory.peekBytes(addr, 8).some((b) => b !== 0); } catch { return false; }
  }

  private statusWatch(id: number): void {
    this.watchIds.push(id);
    this.statusWatchIds.push(id);
  }

  private readG(gAddr: number): number { return (this.reader.fieldOf('g', gAddr, 'atomicstatus') ?? G_DEAD) & ~G_SCAN; }
  private readP(pAddr: number): number { return this.reader.fieldOf('p', pAddr, 'status') ?? 0; }

  private onG(gAddr: number): boolean {
    const from = this.gs.get(gAddr);
    const to = this.readG(gAddr);
    if (from === undefined || from === to) return false;
    this.gs.set(gAddr, to);
    const goid = this.reader.fieldOf('g', gAddr, 'goid') ?? 0;
    if (goid === 0) return false;
    const t = this.kernel.current;
    const id = t ? this.reader.identify(t.cpu.fsBase) : undefined;
    // the exitsyscall path is known once the G runs again (exitsyscallfast got a P): its old P, taken back from
    // _Psyscall, or an idle one (which may be the old P too, if it was retaken and went idle)
    const ex = t ? this.exits.get(t.tid) : undefined;
    if (ex && ex.gAddr === gAddr && from === G_SYSCALL && to === G_RUNNING) {
      this.exits.delete(t!.tid);
      this.emit({ ev: 'exitsyscall', g: goid, m: id?.m ?? null, path: ex.reacquired ? 'fast' : 'fast-idle-p' });
    }
    this.emit({ ev: 'gstatus', g: goid, from: gStatusName(from), to: gStatusName(to), m: id?.m ?? null, p: id?.p ?? null });
    return this.shouldStop();
  }

  private onP(pAddr: number): boolean {
    const cur = this.ps.get(pAddr);
    const to = this.readP(pAddr);
    if (!cur || cur.status === to) return false;
    const from = cur.status;
    cur.status = to;
    const t = this.kernel.current;
    // exitsyscallfast's CAS of the old P from _Psyscall: the fast path
    const ex = t ? this.exits.get(t.tid) : undefined;
    if (ex && ex.oldp === pAddr && from === P_SYSCALL && to === P_IDLE) ex.reacquired = true;
    const id = t ? this.reader.identify(t.cpu.fsBase) : undefined;
    this.emit({ ev: 'pstatus', p: cur.id, from: pStatusName(from), to: pStatusName(to), m: id?.m ?? null });
    return this.shouldStop();
  }

  // ---------------------------------------------------------------------------------------------- hooks

  /** Thread t is at addr, one of hookAddrs(), before executing it. */
  onHook(t: Thread, addr: number): void {
    if (!(this.madeReader ??= this.readerOf())) return; // no layout for this runtime: no events
    const kind = this.entryHooks.get(addr);
    const c = t.cpu;
    // Go's register ABI: the first pointer argument is in AX
    const arg0 = c.getRegNum(Reg.RAX);
    if (kind === 'exitsyscallfast') {
      const id = this.reader.identify(c.fsBase);
      if (id.g !== null) this.exits.set(t.tid, { g: id.g, gAddr: id.gAddr, oldp: arg0, reacquired: false });
    } else if (kind === 'exitsyscall0') {
      // mcall(exitsyscall0): no P for the G, which goes to the global run queue (or an idle P found late)
      const ex = this.exits.get(t.tid);
      this.exits.delete(t.tid);
      const goid = ex?.g ?? this.reader.fieldOf('g', arg0, 'goid');
      const id = this.reader.identify(c.fsBase);
      if (goid !== undefined) this.emit({ ev: 'exitsyscall', g: goid, m: id.m, path: 'slow' });
    } else if (kind === 'handoffp') {
      this.handoffStart(t, arg0);
    }
    if (this.returnHooks.has(addr)) this.handoffEnd(t, addr);
  }

  private handoffStart(t: Thread, pAddr: number): void {
    const c = t.cpu;
    const sp = c.getRegNum(Reg.RSP);
    const ret = this.read64(sp);
    if (!ret || !pAddr) return;
    const id = this.reader.identify(c.fsBase);
    const caller = this.bin.lookupPC(ret - 1)?.frames[0]?.function ?? this.bin.funcForPC(ret)?.name ?? '?';
    const reason = caller === 'runtime.retake' ? 'sysmon retake'
      : caller === 'runtime.entersyscallblock_handoff' || caller.startsWith('runtime.entersyscallblock') ? 'entersyscallblock'
        : `handoffp from ${caller.replace(/^runtime\./, '')}`;
    // the M the P came from: the one in a syscall that still names it as oldp, else the caller's own M
    const ms = this.reader.mLinks();
    const from = ms.find((m) => m.oldp === pAddr) ?? ms.find((m) => m.addr === id.mAddr);
    const p = this.reader.fieldOf('p', pAddr, 'id') ?? -1;
    this.handoffs.set(t.tid, { pAddr, p, fromM: from?.id ?? null, reason, ret, sp });
    if (!this.returnHooks.has(ret)) { this.returnHooks.add(ret); this.onHooksChanged(); }
  }

  private handoffEnd(t: Thread, addr: number): void {
    const h = this.handoffs.get(t.tid);
    if (!h || h.ret !== addr || t.cpu.getRegNum(Reg.RSP) <= h.sp) return;
    this.handoffs.delete(t.tid);
    // startm gave the P to an M (m.nextp, or already m.p); pidleput left it idle (no M)
    const to = this.reader.mLinks().find((m) => m.nextp === h.pAddr || m.p === h.pAddr);
    this.emit({ ev: 'handoff', p: h.p, fromM: h.fromM, toM: to?.id ?? null, reason: h.reason });
  }

  private read64(addr: number): number | undefined {
    try {
      const b = this.kernel.memory.peekBytes(addr, 8);
      return (b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24)) * 2 ** 32 + ((b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0);
    } catch { return undefined; }
  }
}
