// The scheduler source for real programs: reads the Go runtime's own G/M/P state out of guest memory
// (runtime.allgs/allglen, allp, allm, sched; the current g at [FS_base-8]) using the binary's symbols and its
// runtime layout (DWARF, or the built-in table for its Go version). What it reads is checked for plausibility
// (P ids match their allp slot, statuses are known values) so a wrong layout yields an error, never a wrong view.
import { ByteView } from '../../debuginfo/bytes';
import { DebugInfoError, hex } from '../../debuginfo/errors';
import type { GoBinary, ReadMemory } from '../../debuginfo/goBinary';
import type { RuntimeLayout } from '../../debuginfo/runtimeLayout';
import { G_SCAN, gStatusName, pStatusName, type GSnap, type MSnap, type PSnap, type SchedSnapshot, type SchedulerSource } from '../snapshot';
import { StructView, structLayout } from './structView';

export interface MemoryReaderOptions {
  /** Virtual time for SchedSnapshot.t (ns). */
  now?: () => number;
  /** The syscall an M's thread is in (by the M's OS thread id, m.procid), e.g. "read", or null. */
  syscallOf?: (tid: number) => string | null;
  /** Live registers of the thread running an M (the saved gobuf is stale for running Gs). */
  liveRegs?: (tid: number) => { pc: number; sp: number } | undefined;
}

export interface Identity {
  m: number | null;
  p: number | null;
  g: number | null;
  /** Addresses behind the ids (0 when absent). */
  gAddr: number;
  mAddr: number;
  pAddr: number;
  /** True when the thread runs on its M's g0 (system stack) or gsignal. */
  onSystemStack: boolean;
}

/** What the real-mode tracer watches: status words of Gs and Ps, and where the lists of them live. */
export interface WatchTargets {
  gStatusOffset: number;
  gStatusSize: number;
  pStatusOffset: number;
  pStatusSize: number;
  gs: { goid: number; addr: number; statusAddr: number }[];
  ps: { id: number; addr: number; statusAddr: number }[];
  /** runtime.allglen and runtime.allp (slice header): re-read watches when these change. */
  allglenAddr: number;
  allpAddr: number;
  /** allp's backing array (procresize stores the P pointers after growing the slice). */
  allpArray: { addr: number; len: number };
}

interface Symbols { allgs: number; allglen: number; allp: number; allm: number; sched: number }

const MAX_GS = 1_000_000, MAX_MS = 10_000, MAX_PS = 1_024;
const KNOWN_G = new Set([0, 1, 2, 3, 4, 6, 8, 9]);

export class MemoryReader implements SchedulerSource {
  /** Error of the last snapshot() (then it returned an empty snapshot), or undefined. */
  lastError: string | undefined;

  private constructor(readonly binary: GoBinary, readonly layout: RuntimeLayout, private readonly read: ReadMemory,
    private readonly syms: Symbols, private readonly opts: MemoryReaderOptions) {}

  /** A reader for `binary`, or an error naming what is missing (symbols, layout). */
  static create(binary: GoBinary, read: ReadMemory, opts: MemoryReaderOptions = {}): { reader: MemoryReader; error?: undefined } | { reader?: undefined; error: string } {
    const l = binary.runtimeLayout();
    if (!l.layout) return { error: l.error ?? 'no runtime layout' };
    const syms: Partial<Symbols> = {};
    const missing: string[] = [];
    for (const k of ['allgs', 'allglen', 'allp', 'allm', 'sched'] as const) {
      const s = binary.symbol('runtime.' + k);
      if (s) syms[k] = s.addr; else missing.push('runtime.' + k);
    }
    if (missing.length) {
      return { error: `${binary.name}: ${missing.join(', ')} not found${binary.stripped ? ' (stripped binary without symbols or DWARF)' : ''}: the scheduler view is unavailable` };
    }
    return { reader: new MemoryReader(binary, l.layout, read, syms as Symbols, opts) };
  }

  /** The layout's provenance, for the Debug Console. */
  get note(): string { return this.layout.note; }

  snapshot(): SchedSnapshot {
    const r = this.trySnapshot();
    this.lastError = r.error;
    return r.snapshot ?? { gs: [], ms: [], ps: [], sched: { runq: [], npidle: 0, nmidle: 0, nmspinning: 0 }, t: this.opts.now?.() ?? 0, source: 'memory' };
  }

  /** Like snapshot(), with the reason when memory does not read as a consistent runtime state. */
  trySnapshot(): { snapshot: SchedSnapshot; error?: undefined } | { snapshot?: undefined; error: string } {
    try {
      return { snapshot: this.readSnapshot() };
    } catch (e) {
      return { error: e instanceof DebugInfoError ? e.message : `reading the Go runtime: ${(e as Error).message}` };
    }
  }

  // ---- memory access ----

  private bytes(addr: number, len: number, what: string): Uint8Array {
    let b: Uint8Array | undefined | null;
    try { b = this.read(addr, len); } catch { b = undefined; }
    if (!b || b.length < len) throw new DebugInfoError(`cannot read ${len} bytes of ${what} at ${hex(addr)}`);
    return b;
  }
  private word(addr: number, what: string): number { return new ByteView(this.bytes(addr, 8, what), what).u64(0); }
  private struct(kind: string, addr: number): StructView {
    const s = structLayout(this.layout, kind);
    // Read only up to the last field used (a P is ~9 KB, most of it beyond runnext).
    let span = this.spans.get(kind);
    if (span === undefined) {
      span = Math.min(s.size, Math.max(...Object.values(s.fields).map((f) => f.offset + Math.max(f.size, 8))));
      this.spans.set(kind, span);
    }
    return new StructView(kind, addr, this.bytes(addr, span, `runtime.${kind}`), s);
  }
  private readonly spans = new Map<string, number>();
  /** One integer field of the structure at addr (identify's few reads). */
  private field(kind: string, addr: number, field: string): number {
    const f = structLayout(this.layout, kind).fields[field];
    if (!f) throw new DebugInfoError(`the runtime layout has no ${kind}.${field}`);
    const n = f.size === 4 ? 4 : 8;
    const v = new ByteView(this.bytes(addr + f.offset, n, `${kind}.${field}`), field);
    return n === 4 ? v.i32(0) : v.u64(0);
  }
  private slice(addr: number, what: string): { ptr: number; len: number } {
    const v = new ByteView(this.bytes(addr, 24, what), what);
    const ptr = v.u64(0), len = v.u64(8), cap = v.u64(16);
    if (len > cap || (len > 0 && ptr === 0)) throw new DebugInfoError(`${what} at ${hex(addr)} is not a valid slice (len ${len}, cap ${cap}): the runtime layout may not match this binary`);
    return { ptr, len };
  }
  private off(kind: string, field: string): number {
    const f = structLayout(this.layout, kind).fields[field];
    if (!f) throw new DebugInfoError(`the runtime layout has no ${kind}.${field}`);
    return f.offset;
  }

  // ---- the lists ----

  private allgAddrs(): number[] {
    const glen = this.word(this.syms.allglen, 'runtime.allglen');
    const s = this.slice(this.syms.allgs, 'runtime.allgs');
    if (glen > MAX_GS || glen > s.len) throw new DebugInfoError(`runtime.allglen is ${glen} but allgs holds ${s.len}: inconsistent runtime state`);
    const v = glen ? new ByteView(this.bytes(s.ptr, 8 * glen, 'allgs array'), 'allgs') : undefined;
    const out: number[] = [];
    for (let i = 0; i < glen; i++) out.push(v!.u64(8 * i));
    return out;
  }

  private allpAddrs(): number[] {
    const s = this.slice(this.syms.allp, 'runtime.allp');
    if (s.len > MAX_PS) throw new DebugInfoError(`runtime.allp has ${s.len} entries: inconsistent runtime state`);
    const v = s.len ? new ByteView(this.bytes(s.ptr, 8 * s.len, 'allp array'), 'allp') : undefined;
    const out: number[] = [];
    for (let i = 0; i < s.len; i++) out.push(v!.u64(8 * i));
    return out;
  }

  private allmAddrs(): number[] {
    const out: number[] = [];
    const seen = new Set<number>();
    const link = this.off('m', 'alllink');
    for (let m = this.word(this.syms.allm, 'runtime.allm'); m !== 0; m = this.word(m + link, 'm.alllink')) {
      if (seen.has(m) || out.length >= MAX_MS) throw new DebugInfoError(`runtime.allm list loops or is too long at ${hex(m)}`);
      seen.add(m);
      out.push(m);
    }
    return out;
  }

  private readSnapshot(): SchedSnapshot {
    const L = this.layout;
    const gAddrs = this.allgAddrs(), pAddrs = this.allpAddrs(), mAddrs = this.allmAddrs();
    const gs = gAddrs.map((a) => this.struct('g', a));
    const ms = mAddrs.map((a) => this.struct('m', a));
    const ps = pAddrs.map((a) => (a ? this.struct('p', a) : undefined));
    const goidAt = new Map<number, number>(), mIdAt = new Map<number, number>(), pIdAt = new Map<number, number>();
    for (const g of gs) goidAt.set(g.addr, g.u('goid'));
    for (const m of ms) mIdAt.set(m.addr, m.i('id'));
    ps.forEach((p, i) => {
      if (!p) return;
      const id = p.i('id');
      if (id !== i) throw new DebugInfoError(`allp[${i}] at ${hex(p.addr)} has id ${id}: the runtime layout (${L.source}, ${L.goVersion}) does not match this binary`);
      const st = p.u('status');
      if (P_STATUS_MAX < st) throw new DebugInfoError(`P ${i} has status ${st}, not a _P* value: the runtime layout does not match`);
      pIdAt.set(p.addr, id);
    });
    const idOr = (map: Map<number, number>, addr: number, what: string): number | null => {
      if (addr === 0) return null;
      const id = map.get(addr);
      if (id === undefined) throw new DebugInfoError(`${what} points at ${hex(addr)}, which is not in the runtime's lists`);
      return id;
    };
    const pStatus = new Map<number, number>();
    for (const p of ps) if (p) pStatus.set(p.addr, p.u('status'));

    // Gs
    const gobufPC = this.off('g', 'sched') + this.off('gobuf', 'pc'), gobufSP = this.off('g', 'sched') + this.off('gobuf', 'sp');
    const stackLo = this.off('g', 'stack') + this.off('stack', 'lo'), stackHi = this.off('g', 'stack') + this.off('stack', 'hi');
    const curgOf = new Map<number, StructView>();
    for (const m of ms) { const c = m.u('curg'); if (c) curgOf.set(c, m); }
    const gsnaps: GSnap[] = [];
    for (const g of gs) {
      const raw = g.u('atomicstatus');
      const st = raw & ~G_SCAN;
      if (!KNOWN_G.has(st)) throw new DebugInfoError(`g at ${hex(g.addr)} has status ${raw}: the runtime layout does not match`);
      if (st === 6 /* _Gdead */) continue;
      const mAddr = g.u('m');
      const m = mAddr ? ms.find((x) => x.addr === mAddr) : undefined;
      let p: number | null = null;
      if (m) {
        const mp = m.u('p'), oldp = m.u('oldp');
        if (mp) p = idOr(pIdAt, mp, `m.p of M${m.i('id')}`);
        else if (st === 3 && oldp && pStatus.get(oldp) === 2) p = idOr(pIdAt, oldp, 'm.oldp');
      }
      let pc = g.u('sched', gobufPC - g.offset('sched'), 8), sp = g.u('sched', gobufSP - g.offset('sched'), 8);
      if (m && curgOf.get(g.addr) === m && (st === 2 || st === 3)) {
        const live = this.opts.liveRegs?.(m.u('procid'));
        if (live) ({ pc, sp } = live);
      }
      const wr = g.u('waitreason');
      const startpc = g.u('startpc');
      gsnaps.push({
        goid: g.u('goid'), status: gStatusName(raw), m: m ? m.i('id') : null, p,
        pc: hex(pc), syscallpc: hex(st === 3 ? g.u('syscallpc') : 0), syscallsp: hex(st === 3 ? g.u('syscallsp') : 0),
        waitreason: st === 4 ? L.waitReasons[wr] ?? `waitReason(${wr})` : '',
        startfn: startpc ? this.binary.funcForPC(startpc)?.name ?? hex(startpc) : undefined,
        stacklo: hex(g.u('stack', stackLo - g.offset('stack'), 8)), stackhi: hex(g.u('stack', stackHi - g.offset('stack'), 8)), sp: hex(sp),
      });
    }

    // Ms
    const msnaps: MSnap[] = ms.map((m) => {
      const tid = m.u('procid');
      const curg = m.u('curg');
      return {
        id: m.i('id'), p: idOr(pIdAt, m.u('p'), 'm.p'), curg: curg ? goidAt.get(curg) ?? null : null,
        oldp: idOr(pIdAt, m.u('oldp'), 'm.oldp'), blocked: m.bool('blocked'), spinning: m.bool('spinning'),
        syscall: this.opts.syscallOf?.(tid) ?? null, tid: tid || undefined,
      };
    });

    // Ps
    const psnaps: PSnap[] = [];
    for (const p of ps) {
      if (!p) continue;
      const runq: number[] = [];
      const next = p.u('runnext');
      if (next) runq.push(this.goid(goidAt, next));
      const head = p.u('runqhead'), tail = p.u('runqtail');
      const ringLen = structLayout(L, 'p').fields.runq.size / 8;
      const n = (tail - head) >>> 0;
      if (n > ringLen) throw new DebugInfoError(`P ${p.i('id')} run queue head ${head} tail ${tail} exceeds its ${ringLen} slots`);
      for (let i = 0; i < n; i++) runq.push(this.goid(goidAt, p.u('runq', 8 * ((head + i) % ringLen), 8)));
      psnaps.push({ id: p.i('id'), status: pStatusName(pStatus.get(p.addr)!), m: idOr(mIdAt, p.u('m'), 'p.m'), runq, syscalltick: p.u('syscalltick'), schedtick: p.u('schedtick') });
    }

    // sched
    const sched = this.struct('schedt', this.syms.sched);
    const runq: number[] = [];
    const qhead = this.off('schedt', 'runq') + this.off('gQueue', 'head');
    const link = this.off('g', 'schedlink');
    const size = sched.i('runqsize');
    for (let g = sched.u('runq', qhead - sched.offset('runq'), 8); g !== 0; g = this.word(g + link, 'g.schedlink')) {
      if (runq.length > Math.max(size, 0) + 1 || runq.length > MAX_GS) throw new DebugInfoError(`the global run queue is longer than sched.runqsize (${size})`);
      runq.push(this.goid(goidAt, g));
    }
    return {
      gs: gsnaps, ms: msnaps, ps: psnaps,
      sched: { runq, npidle: sched.i('npidle'), nmidle: sched.i('nmidle'), nmspinning: sched.i('nmspinning') },
      t: this.opts.now?.() ?? 0, source: 'memory',
    };
  }

  private goid(map: Map<number, number>, gAddr: number): number {
    const id = map.get(gAddr);
    return id ?? this.struct('g', gAddr).u('goid'); // a G not (yet) in allgs: read it directly
  }

  /**
   * Which M, P and G a thread is running, from its FS base: the runtime keeps the current g at [FS_base-8].
   * Ids are null where unknown (before the runtime set up TLS, or on a thread it does not know).
   */
  identify(fsBase: number): Identity {
    const none: Identity = { m: null, p: null, g: null, gAddr: 0, mAddr: 0, pAddr: 0, onSystemStack: false };
    try {
      if (!fsBase) return none;
      // A handful of word reads: this runs for every traced syscall.
      const gAddr = this.word(fsBase - 8, 'TLS g');
      if (!gAddr) return none;
      const mAddr = this.field('g', gAddr, 'm');
      const out: Identity = { ...none, gAddr, mAddr };
      if (!mAddr) return { ...out, g: this.field('g', gAddr, 'goid') };
      out.m = this.field('m', mAddr, 'id');
      const onG0 = this.field('m', mAddr, 'g0') === gAddr || this.field('m', mAddr, 'gsignal') === gAddr;
      out.onSystemStack = onG0;
      out.g = onG0 ? null : this.field('g', gAddr, 'goid');
      const pAddr = this.field('m', mAddr, 'p');
      if (pAddr) {
        out.pAddr = pAddr;
        out.p = this.field('p', pAddr, 'id');
      }
      return out;
    } catch {
      return none;
    }
  }

  /** One integer field of a runtime structure (g, m, p, schedt) at addr, or undefined when unreadable. */
  fieldOf(kind: string, addr: number, field: string): number | undefined {
    try { return this.field(kind, addr, field); } catch { return undefined; }
  }

  /** Where a field lives (data breakpoints): its address and width, or an error naming what is missing. */
  fieldAddress(kind: string, addr: number, field: string): { addr: number; size: number } | { error: string } {
    const f = this.layout.structs[kind]?.fields[field];
    if (!f) return { error: `the runtime layout (${this.layout.source}) has no ${kind}.${field}` };
    return { addr: addr + f.offset, size: f.size };
  }

  /** The Ms with the links the tracer follows (by address), or [] when the list is unreadable. */
  mLinks(): { id: number; addr: number; p: number; nextp: number; oldp: number; curg: number }[] {
    try {
      return this.allmAddrs().map((addr) => ({
        id: this.field('m', addr, 'id'), addr, p: this.field('m', addr, 'p'), nextp: this.field('m', addr, 'nextp'),
        oldp: this.field('m', addr, 'oldp'), curg: this.field('m', addr, 'curg'),
      }));
    } catch { return []; }
  }

  /** Address of P id (allp[id]) or of the G with goid, or of M id; undefined when there is none. */
  addressOf(kind: 'g' | 'm' | 'p', id: number): number | undefined {
    try {
      if (kind === 'p') { const a = this.allpAddrs()[id]; return a || undefined; }
      if (kind === 'm') return this.allmAddrs().find((a) => this.field('m', a, 'id') === id);
      return this.allgAddrs().find((a) => this.field('g', a, 'goid') === id && (this.field('g', a, 'atomicstatus') & ~G_SCAN) !== 6);
    } catch { return undefined; }
  }

  /** Addresses the tracer watches for G and P status transitions. */
  watchTargets(): { targets?: WatchTargets; error?: string } {
    try {
      const gf = structLayout(this.layout, 'g').fields.atomicstatus, pf = structLayout(this.layout, 'p').fields.status;
      const gs = this.allgAddrs().map((addr) => ({ goid: this.struct('g', addr).u('goid'), addr, statusAddr: addr + gf.offset }));
      const ps = this.allpAddrs().map((addr, i) => ({ id: i, addr, statusAddr: addr + pf.offset })).filter((p) => p.addr);
      const arr = this.slice(this.syms.allp, 'runtime.allp');
      return { targets: { gStatusOffset: gf.offset, gStatusSize: gf.size, pStatusOffset: pf.offset, pStatusSize: pf.size, gs, ps,
        allglenAddr: this.syms.allglen, allpAddr: this.syms.allp, allpArray: { addr: arr.ptr, len: 8 * arr.len } } };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }
}

const P_STATUS_MAX = 4;

/** Adapts src/cpu's Memory (host-side peekBytes, which throws on unmapped pages) to a ReadMemory. */
export function readMemoryOf(mem: { peekBytes(addr: number, len: number): Uint8Array }): ReadMemory {
  return (addr, len) => {
    try { return mem.peekBytes(addr, len); } catch { return undefined; }
  };
}

/** Goroutines runtime.NumGoroutine counts: not dead, not the runtime's own (system goroutines). */
export function userGoroutines(s: SchedSnapshot): GSnap[] {
  return s.gs.filter((g) => g.startfn === undefined || !g.startfn.startsWith('runtime.') || g.startfn === 'runtime.main');
}
