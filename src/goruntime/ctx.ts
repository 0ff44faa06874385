// What a model step sees: the current M, its frame's locals, and the small helpers Go's runtime implements as
// one-liners (run queues, idle lists, acquirep/releasep, casgstatus). Each helper runs inside one step; the
// functions a person wants to watch (entersyscall, handoffp, schedule, ...) are model functions with their own
// lines. Every status change emits its trace event here, so no step can forget one.

import { gStatusName, pStatusName } from './snapshot';
import type { ModelHost } from './host';
import {
  _Pidle, _Prunning, G, GoidCacheBatch, M, ModelState, P, RunqSize, Val, newG,
} from './state';
import type { Ctl } from './program';
import type { Model } from './model';

/** A Go `throw`: the engine turns it into a call of runtime.throw (fatal error, exit 2). */
export class Throw extends Error {
  constructor(readonly msg: string) { super(msg); }
}

export class Ctx {
  constructor(
    readonly st: ModelState,
    readonly host: ModelHost,
    readonly m: M,
    readonly l: Record<string, Val>,
    readonly regs: { rsp: number; rip: number; rbp: number },
    readonly model: Model,
  ) {}

  // ------------------------------------------------------------------ lookups
  g(goid: Val): G {
    const g = this.st.allgs.find((x) => x.goid === goid);
    if (!g) throw new Error(`model: no goroutine ${String(goid)}`);
    return g;
  }
  p(id: Val): P {
    const p = typeof id === 'number' ? this.st.allp[id] : undefined;
    if (!p) throw new Error(`model: no P ${String(id)}`);
    return p;
  }
  mm(id: Val): M {
    const m = this.st.allm.find((x) => x.id === id);
    if (!m) throw new Error(`model: no M ${String(id)}`);
    return m;
  }
  /** getg(): the user goroutine this M runs (the model keeps g0 implicit). */
  curg(): G { return this.g(this.m.curg); }
  num(name: string): number { const v = this.l[name]; return typeof v === 'number' ? v : 0; }
  now(): number { return this.host.now(); }

  // ------------------------------------------------------------------ control
  goto(label: string): Ctl { return { k: 'goto', label }; }
  call(fn: string, args?: Record<string, Val>, assign?: string | string[], elseLabel?: string): Ctl {
    return { k: 'call', fn, args, assign, elseLabel };
  }
  /** `if cond {`: fall into the block, or jump to the label after it. */
  when(cond: boolean, elseLabel: string): Ctl { return cond ? undefined : { k: 'goto', label: elseLabel }; }
  ret(value?: Val | Val[]): Ctl { return { k: 'ret', value }; }
  throw(msg: string): never { throw new Throw(msg); }

  // ------------------------------------------------------------------ status changes (trace events)
  casgstatus(gp: G, from: number, to: number): void {
    if (gp.atomicstatus !== from) {
      this.throw(`casgstatus: bad incoming values (goroutine ${gp.goid}: ${gStatusName(gp.atomicstatus)}, expected ${gStatusName(from)} -> ${gStatusName(to)})`);
    }
    gp.atomicstatus = to;
    // A G under construction (goid 0, not yet numbered) is not visible yet: no event.
    if (gp.goid !== 0) this.host.emit({ ev: 'gstatus', g: gp.goid, from: gStatusName(from), to: gStatusName(to), m: this.m.id, p: this.m.p });
  }
  setpstatus(pp: P, to: number): void {
    const from = pp.status;
    if (from === to) return;
    pp.status = to;
    this.host.emit({ ev: 'pstatus', p: pp.id, from: pStatusName(from), to: pStatusName(to), m: this.m.id });
  }

  // ------------------------------------------------------------------ P ownership (proc.go acquirep/wirep/releasep)
  /** wirep: this M takes pp, which becomes _Prunning. */
  wirep(pp: P): void {
    if (this.m.p !== null) this.throw('wirep: already in go');
    if (pp.m !== null || pp.status !== _Pidle) {
      this.throw(`wirep: p->m=${pp.m ?? 0} p->status=${pStatusName(pp.status)}`);
    }
    this.m.p = pp.id;
    pp.m = this.m.id;
    this.setpstatus(pp, _Prunning);
  }
  acquirep(pp: P): void { this.wirep(pp); }
  releasep(): P {
    if (this.m.p === null) this.throw('releasep: invalid arg');
    const pp = this.p(this.m.p);
    if (pp.m !== this.m.id || pp.status !== _Prunning) this.throw(`releasep: invalid p state ${pStatusName(pp.status)}`);
    this.m.p = null;
    pp.m = null;
    this.setpstatus(pp, _Pidle);
    return pp;
  }

  // ------------------------------------------------------------------ idle lists (pidleput/pidleget, mput/mget)
  pidleput(pp: P): void {
    if (pp.runq.length || pp.runnext !== null) this.throw('pidleput: P has non-empty run queue');
    this.st.sched.pidle.unshift(pp.id);
    this.st.sched.npidle++;
  }
  pidleget(): P | null {
    const id = this.st.sched.pidle.shift();
    if (id === undefined) return null;
    this.st.sched.npidle--;
    return this.p(id);
  }
  mput(mp: M): void { this.st.sched.midle.unshift(mp.id); this.st.sched.nmidle++; }
  mget(): M | null {
    const id = this.st.sched.midle.shift();
    if (id === undefined) return null;
    this.st.sched.nmidle--;
    return this.mm(id);
  }

  // ------------------------------------------------------------------ run queues (proc.go runqput/runqget/glob*)
  runqput(pp: P, goid: number, next: boolean): void {
    if (next) {
      const old = pp.runnext;
      pp.runnext = goid;
      if (old === null) return;
      goid = old;
    }
    if (pp.runq.length < RunqSize) { pp.runq.push(goid); return; }
    // runqputslow: half of the local queue plus gp go to the global queue.
    const moved = pp.runq.splice(0, RunqSize / 2);
    for (const id of [...moved, goid]) this.globrunqput(id);
  }
  /** runqget: runnext first (inheriting the time slice), then the queue head. */
  runqget(pp: P): [number | null, boolean] {
    if (pp.runnext !== null) { const id = pp.runnext; pp.runnext = null; return [id, true]; }
    const id = pp.runq.shift();
    return [id ?? null, false];
  }
  globrunqput(goid: number): void { this.st.sched.runq.push(goid); this.st.sched.runqsize++; }
  globrunqget(pp: P, max: number): number | null {
    const s = this.st.sched;
    if (s.runqsize === 0) return null;
    let n = Math.min(s.runqsize, Math.floor(s.runqsize / this.st.gomaxprocs) + 1);
    if (max > 0 && n > max) n = max;
    if (n > RunqSize / 2) n = RunqSize / 2;
    s.runqsize -= n;
    const gp = s.runq.shift()!;
    for (n--; n > 0; n--) this.runqput(pp, s.runq.shift()!, false);
    return gp;
  }
  /** runqsteal/runqgrab: take half of p2's queue (runnext too when asked), return one to run. */
  runqsteal(pp: P, p2: P, stealRunNextG: boolean): number | null {
    const batch: number[] = [];
    const n = p2.runq.length - Math.floor(p2.runq.length / 2);
    batch.push(...p2.runq.splice(0, n));
    if (batch.length === 0 && stealRunNextG && p2.runnext !== null) {
      batch.push(p2.runnext);
      p2.runnext = null;
    }
    if (batch.length === 0) return null;
    const gp = batch.pop()!;
    for (const id of batch) this.runqput(pp, id, false);
    return gp;
  }

  // ------------------------------------------------------------------ goroutines
  /** gfget: a dead G from the P's free list, else malg(stackMin) with a fresh stack. */
  gfget(pp: P): G | null {
    const id = pp.gFree.shift() ?? this.st.sched.gFree.shift();
    return id === undefined ? null : this.g(id);
  }
  gfput(pp: P, gp: G): void { pp.gFree.unshift(gp.goid); }
  /** newproc1's goid: from the P's cache, refilled 16 at a time from sched.goidgen. */
  newgoid(pp: P): number {
    if (pp.goidcache === pp.goidcacheend) {
      this.st.sched.goidgen += GoidCacheBatch;
      pp.goidcache = this.st.sched.goidgen - GoidCacheBatch + 1;
      pp.goidcacheend = this.st.sched.goidgen + 1;
    }
    return pp.goidcache++;
  }
  malg(stackSize: number): G {
    const gp = newG(0);
    gp.stack = this.allocStack(stackSize);
    return gp;
  }
  allocStack(size: number): { lo: number; hi: number } {
    const lo = this.st.stackNext;
    // Leave an unmapped guard page below the next stack so an overflow faults instead of corrupting a neighbour.
    this.st.stackNext = lo + size + 0x1000;
    if (!this.host.mapStack(lo, size)) this.throw(`runtime: cannot allocate ${size}-byte stack at 0x${lo.toString(16)}`);
    return { lo, hi: lo + size };
  }

  // ------------------------------------------------------------------ locks and notes
  /** lock(&sched.lock): take it, or sleep until its holder unlocks (then this line runs again). */
  lock(): Ctl {
    const s = this.st.sched;
    if (s.lockOwner === null || s.lockOwner === this.m.id) { s.lockOwner = this.m.id; return undefined; }
    if (!s.lockWaiters.includes(this.m.id)) s.lockWaiters.push(this.m.id);
    this.host.block(this.m.procid, 'sched.lock');
    return { k: 'stay' };
  }
  unlock(): void {
    const s = this.st.sched;
    if (s.lockOwner !== this.m.id) this.throw('unlock of unlocked lock');
    s.lockOwner = null;
    for (const id of s.lockWaiters.splice(0)) this.host.wake(this.mm(id).procid);
  }
  /** notesleep(&mp.park): return at once if notewakeup came first, else sleep (and run this line again on wakeup). */
  notesleepPark(): Ctl {
    const m = this.m;
    if (m.parknote) { m.parknote = false; m.blocked = false; return undefined; }
    m.blocked = true;
    this.host.block(m.procid, 'mPark');
    return { k: 'stay' };
  }
  notewakeupPark(mp: M): void {
    mp.parknote = true;
    if (mp.blocked) this.host.wake(mp.procid);
  }
  /** notewakeup(&sched.sysmonnote). */
  wakeSysmon(): void {
    const s = this.st.sched;
    s.sysmonnote = true;
    if (s.sysmonm !== null) this.host.wake(this.mm(s.sysmonm).procid);
  }
  becomeSpinning(): void {
    this.m.spinning = true;
    this.st.sched.nmspinning++;
  }

  push64(v: number): void {
    this.regs.rsp -= 8;
    this.host.write64(this.regs.rsp, v);
  }
}
