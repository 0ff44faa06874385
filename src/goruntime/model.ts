// The Go-runtime model's engine: the native handler that runs one model line per call. It finds the line for RIP,
// keeps the model call stack of the goroutine (or g0) the M is on, runs the line and applies what the line asks
// for: fall through, jump, a nested model call (a real return address pushed on the guest stack), a call into
// guest code, a return, mcall (switch to g0) or gogo (switch to a goroutine's saved SP/PC/BP).

import type { GoIdentity } from '../linux/trace';
import { Ctx, Throw } from './ctx';
import type { ModelHost } from './host';
import { Ctl, ModelFunc, ModelProgram, ModelSource, StepInfo } from './program';
import { modelProgram } from './functions';
import { G0STACK_SIZE, GSTACK_SIZE, STACK_BASE } from './limits';
import { gStatusName, pStatusName, SchedSnapshot, SchedulerSource } from './snapshot';
import {
  _Gdead, _Grunning, _Pidle, _Prunning, _Psyscall, Frame, G, M, ModelState, newG, newM, newP, newSchedt, Val,
} from './state';

export interface ModelOptions {
  gomaxprocs: number;
  /** Address of main·main (G1 calls it from runtime.main). */
  mainPC: number;
  /** Base of the goroutine stacks (Go's heap arena hint). */
  stackBase?: number;
}


const hex = (n: number): string => '0x' + n.toString(16);
/** GOSYSCALL_MODEL_DEBUG=1 prints every model step to stderr (for working on the model itself). */
const DEBUG = typeof process !== 'undefined' && !!process.env.GOSYSCALL_MODEL_DEBUG;

export class Model implements SchedulerSource {
  st: ModelState;
  readonly prog: ModelProgram;
  readonly mainPC: number;
  private pendingM: number | null = null;

  constructor(private readonly host: ModelHost, opts: ModelOptions) {
    this.prog = modelProgram();
    this.mainPC = opts.mainPC;
    const n = opts.gomaxprocs;
    if (!Number.isInteger(n) || n < 1 || n > 256) {
      throw new RangeError(`GOMAXPROCS must be an integer from 1 to 256, got ${String(n)}`);
    }
    this.st = {
      gomaxprocs: n, mainStarted: false, allgs: [], allm: [], allp: [], sched: newSchedt(), sema: {},
      stackNext: opts.stackBase ?? STACK_BASE, exited: null,
    };
  }

  /**
   * rt0_go → schedinit → newproc(runtime.main) → mstart, done at once (no trace events): M0 on thread tid0 holds
   * P0 and runs G1 at runtime.main on G1's own stack; the other Ps are idle. Returns G1's starting registers.
   */
  boot(tid0: number): { rsp: number; rip: number } {
    const st = this.st;
    for (let i = 0; i < st.gomaxprocs; i++) st.allp.push(newP(i));
    const ctx0 = this.ctx(null, tid0);
    const m0 = newM(0, tid0, ctx0.allocStack(G0STACK_SIZE));
    st.allm.push(m0);
    st.sched.mnext = 1;
    const p0 = st.allp[0];
    p0.status = _Prunning;
    p0.m = 0;
    m0.p = 0;
    for (let i = st.gomaxprocs - 1; i >= 1; i--) { st.sched.pidle.unshift(i); st.sched.npidle++; }
    st.sched.pidle.sort((a, b) => a - b);
    const g1 = newG(0);
    g1.stack = ctx0.allocStack(GSTACK_SIZE);
    const c = this.ctx(m0, tid0);
    g1.goid = c.newgoid(p0);
    g1.atomicstatus = _Grunning;
    g1.m = 0;
    g1.startpc = this.prog.entry('runtime.main');
    g1.stackguard0 = hex(g1.stack.lo + 928);
    st.allgs.push(g1);
    m0.curg = g1.goid;
    m0.ong0 = false;
    p0.schedtick = 1;
    // G1 starts in runtime.main; its "caller" is goexit, as for every goroutine.
    const rsp = g1.stack.hi - 32 - 8;
    this.host.write64(rsp, this.prog.byName.get('runtime.goexit')!.steps[1].addr);
    g1.frames.push({ fn: 'runtime.main', locals: {}, assign: null, started: false, via: 'start' });
    return { rsp, rip: g1.startpc };
  }

  // ------------------------------------------------------------------------------------------ the native handler

  /** Runs the model line at rip on thread tid (kernel.registerNative's handler). Never throws. */
  step(tid: number, rip: number): void {
    if (this.st.exited !== null) return;
    const info = this.prog.stepAt(rip);
    const m = this.st.allm.find((x) => x.procid === tid && !x.exited);
    if (!info) {
      const f = this.prog.funcAt(rip);
      this.modelFault(tid, `RIP ${hex(rip)} is not a line of the Go runtime model${f ? ` (inside ${f.def.name})` : ''}`);
      return;
    }
    if (!m) {
      this.modelFault(tid, `thread ${tid} called ${info.fn.def.name} (${this.where(info)}) but is not an M of the Go runtime model`);
      return;
    }
    const r = this.host.regs(tid);
    const regs = { rsp: r.rsp, rip, rbp: r.rbp };
    const frames = this.stackOf(m);
    let top = frames[frames.length - 1] as Frame | undefined;
    const fn = info.fn;
    if (top && top.fn === fn.def.name && top.started && top.resume === rip) {
      // The activation continues (also when a loop jumps back to the first line).
    } else if (info.index === 0 || fn.def.landing?.includes(info.index)) {
      if (top && top.fn === fn.def.name && !top.started) {
        top.started = true;
      } else {
        // Called from guest code: a new activation, with its ABI0 arguments read from the caller's frame.
        const locals: Record<string, Val> = {};
        for (const [name, off] of fn.def.abi0Args ?? []) locals[name] = this.host.read64(regs.rsp + 8 + off);
        top = { fn: fn.def.name, locals, assign: null, started: true, via: 'asm' };
        frames.push(top);
      }
      top.locals.__sp = regs.rsp;
    } else {
      this.modelFault(tid, `RIP ${hex(rip)} jumped into the middle of ${fn.def.name} (${this.where(info)}; model frames: ${frames.map((f) => f.fn).join(' > ') || 'none'})`);
      return;
    }
    if (DEBUG) console.error(`[M${m.id}] ${fn.def.name}:${info.line} ${info.text}  {${frames.map((f) => f.fn.replace('runtime.', '')).join('>')}}`);
    const c = this.ctx(m, tid, top.locals, regs);
    let ctl: Ctl | void;
    try {
      ctl = info.run(c);
    } catch (e) {
      if (e instanceof Throw) { this.fatal(tid, e.msg, info); return; }
      this.modelFault(tid, `${(e as Error).message} (${fn.def.name}, ${this.where(info)})`);
      return;
    }
    if (this.st.exited !== null) return;
    try {
      this.apply(m, tid, info, frames, top, regs, ctl);
    } catch (e) {
      if (e instanceof Throw) { this.fatal(tid, e.msg, info); return; }
      this.modelFault(tid, `${(e as Error).message} (${fn.def.name}, ${this.where(info)})`);
    }
  }

  private apply(m: M, tid: number, info: StepInfo, frames: Frame[], top: Frame, regs: { rsp: number; rip: number; rbp: number }, ctl: Ctl | void): void {
    const fn = info.fn;
    const nextAddr = (): number => {
      const s = fn.steps[info.index + 1];
      if (!s) throw new Error(`${fn.def.name} ran past its last line`);
      return s.addr;
    };
    if (ctl === undefined) {
      regs.rip = nextAddr();
    } else {
      switch (ctl.k) {
        case 'stay': break;
        case 'halt': return;
        case 'goto': {
          const i = fn.labels.get(ctl.label);
          if (i === undefined) throw new Error(`no label ${ctl.label} in ${fn.def.name}`);
          regs.rip = fn.steps[i].addr;
          break;
        }
        case 'call': {
          const callee = this.func(ctl.fn);
          regs.rsp -= 8;
          this.host.write64(regs.rsp, nextAddr());
          top.assign = ctl.assign ?? null;
          top.resume = nextAddr();
          top.elseLabel = ctl.elseLabel ?? null;
          frames.push({ fn: callee.def.name, locals: { ...(ctl.args ?? {}) }, assign: null, started: false, via: 'model' });
          regs.rip = callee.addr;
          break;
        }
        case 'callAsm': {
          regs.rsp -= 8;
          this.host.write64(regs.rsp, nextAddr());
          top.resume = nextAddr();
          regs.rip = ctl.addr;
          break;
        }
        case 'ret': {
          frames.pop();
          if (top.via === 'mcall') throw new Throw('runtime: mcall function returned');
          if (top.via === 'start' && fn.def.name !== 'runtime.main') throw new Throw(`runtime: ${fn.def.name} returned`);
          const caller = frames[frames.length - 1];
          regs.rip = this.host.read64(regs.rsp);
          regs.rsp += 8;
          if (top.via === 'model' && caller) {
            const v = ctl.value ?? null;
            if (Array.isArray(caller.assign)) {
              caller.assign.forEach((name, i) => { caller.locals[name] = Array.isArray(v) ? v[i] ?? null : i === 0 ? v : null; });
            } else if (caller.assign) caller.locals[caller.assign] = Array.isArray(v) ? v[0] ?? null : v;
            const first = Array.isArray(v) ? v[0] : v;
            if (caller.elseLabel && (first === null || first === false || first === 0)) {
              const cf = this.func(caller.fn);
              const i = cf.labels.get(caller.elseLabel);
              if (i === undefined) throw new Error(`no label ${caller.elseLabel} in ${caller.fn}`);
              regs.rip = cf.steps[i].addr;
            }
            caller.resume = regs.rip;
            caller.assign = null;
            caller.elseLabel = null;
          }
          break;
        }
        case 'mcall': {
          // mcall(fn): save the goroutine's context, switch to g0's stack and call fn(gp) there (never returns).
          const gp = this.g(ctl.gp);
          gp.sched = { sp: regs.rsp, pc: nextAddr(), bp: regs.rbp };
          top.resume = gp.sched.pc;
          m.ong0 = true;
          m.g0.frames = [{ fn: ctl.fn, locals: { gp: gp.goid }, assign: null, started: false, via: 'mcall' }];
          regs.rsp = m.g0.stack.hi - 16;
          this.host.write64(regs.rsp, 0);
          regs.rip = this.func(ctl.fn).addr;
          break;
        }
        case 'gogo': {
          const gp = this.g(ctl.goid);
          m.ong0 = false;
          m.g0.frames = [];
          regs.rsp = gp.sched.sp;
          regs.rip = gp.sched.pc;
          regs.rbp = gp.sched.bp;
          gp.sched = { sp: 0, pc: 0, bp: 0 };
          break;
        }
      }
    }
    if (ctl === undefined || ctl.k === 'goto' || ctl.k === 'stay') top.resume = regs.rip;
    this.host.setRegs(tid, regs);
  }

  // ------------------------------------------------------------------------------------------ errors

  /** Go's throw/fatal: "fatal error: msg", then each goroutine's model frames and calling line; exit status 2. */
  fatal(tid: number, msg: string, at?: StepInfo): void {
    const lines = [`fatal error: ${msg}`];
    const cur = this.st.allm.find((x) => x.procid === tid);
    if (at && msg.startsWith('exitsyscall:')) {
      const f = cur && cur.curg !== null ? this.g(cur.curg).frames.at(-1) : undefined;
      const caller = f && typeof f.locals.__sp === 'number' ? this.host.describePc?.(this.host.read64(f.locals.__sp) - 1) : null;
      lines.push(`(runtime·exitsyscall called without runtime·entersyscall${caller ? ` from ${caller.replace(/\n\t*/g, ' at ')}` : ''})`);
    }
    for (const g of this.st.allgs) {
      if (g.goid === 0 || g.atomicstatus === _Gdead) continue;
      const state = g.atomicstatus === 4 && g.waitreason ? g.waitreason : gStatusName(g.atomicstatus).replace(/^_G/, '').toLowerCase();
      lines.push('', `goroutine ${g.goid} [${state}]:`);
      const onCpu = cur && cur.curg === g.goid && !cur.ong0;
      for (let i = g.frames.length - 1; i >= 0; i--) {
        const f = g.frames[i];
        // A frame waits at its return address; the call is on the line before (as unwinders show it).
        const pc = i === g.frames.length - 1 && onCpu && at ? at.addr : f.resume !== undefined ? f.resume - 1 : undefined;
        const st = pc !== undefined ? this.prog.stepAt(pc) : undefined;
        lines.push(`${f.fn}(...)`, `\t${st ? `${st.fn.path}:${st.line}` : '?'}`);
        if (f.via === 'asm' && typeof f.locals.__sp === 'number') {
          const d = this.host.describePc?.(this.host.read64(f.locals.__sp) - 1);
          if (d) lines.push(d.replace(/\n\t\t/, '\n\t'));
          break;
        }
      }
    }
    this.host.writeFd(2, new TextEncoder().encode(lines.join('\n') + '\n'));
    this.exit(2);
  }

  private modelFault(tid: number, message: string): void {
    this.host.fault(tid, `runtime model: ${message}`);
    this.st.exited = 2;
  }

  exit(code: number): void {
    this.st.exited = code;
    this.host.exitGroup(code);
  }

  private where(info: StepInfo): string { return `${info.fn.path}:${info.line}`; }

  /** `function (file:line)` for a guest or model address. */
  describe(pc: number): string | null {
    const s = this.prog.stepAt(pc) ?? this.prog.stepAt(pc - 1);
    if (s) return `${s.fn.def.name}()\n\t\t${s.fn.path}:${s.line}`;
    return this.host.describePc?.(pc) ?? null;
  }

  // ------------------------------------------------------------------------------------------ helpers

  ctx(m: M | null, tid: number, locals: Record<string, Val> = {}, regs = { rsp: 0, rip: 0, rbp: 0 }): Ctx {
    return new Ctx(this.st, this.host, m as M, locals, regs, this);
  }
  func(name: string): ModelFunc {
    const f = this.prog.byName.get(name);
    if (!f) throw new Error(`the model has no function ${name}`);
    return f;
  }
  g(goid: number): G {
    const g = this.st.allgs.find((x) => x.goid === goid);
    if (!g) throw new Error(`no goroutine ${goid}`);
    return g;
  }
  private stackOf(m: M): Frame[] {
    if (m.ong0 || m.curg === null) return m.g0.frames;
    return this.g(m.curg).frames;
  }
  /** newm announces the M id of the thread it is about to create (the kernel's thread event asks identify). */
  setPendingM(id: number | null): void { this.pendingM = id; }

  // ------------------------------------------------------------------------------------------ views

  identify(tid: number): GoIdentity {
    const m = this.st.allm.find((x) => x.procid === tid && !x.exited);
    if (!m) return { m: this.pendingM, p: null, g: null };
    let p = m.p;
    if (p === null && m.oldp !== null && this.st.allp[m.oldp]?.status === _Psyscall && this.st.allp[m.oldp].m === null) p = m.oldp;
    return { m: m.id, p, g: m.curg };
  }

  snapshot(): SchedSnapshot {
    const st = this.st;
    return {
      gs: st.allgs.filter((g) => g.goid !== 0).map((g) => ({
        goid: g.goid, status: gStatusName(g.atomicstatus), m: g.m, p: g.m !== null ? st.allm.find((m) => m.id === g.m)?.p ?? null : null,
        pc: hex(this.gpc(g)), syscallpc: hex(g.syscallpc), syscallsp: hex(g.syscallsp), waitreason: g.waitreason,
        startfn: this.host.describePc?.(g.startpc)?.split('\n')[0].replace(/\(\)$/, '') ?? this.prog.funcAt(g.startpc)?.def.name ?? hex(g.startpc),
        stacklo: hex(g.stack.lo), stackhi: hex(g.stack.hi), sp: hex(this.gsp(g)),
      })),
      ms: st.allm.filter((m) => !m.exited).map((m) => ({
        id: m.id, p: m.p, curg: m.curg, oldp: m.oldp, blocked: m.blocked || (this.host.threadBlocked?.(m.procid) ?? false), spinning: m.spinning,
        syscall: this.host.threadSyscall?.(m.procid) ?? null, tid: m.procid,
      })),
      ps: st.allp.map((p) => ({
        id: p.id, status: pStatusName(p.status), m: p.m, runq: p.runnext !== null ? [p.runnext, ...p.runq] : [...p.runq],
        syscalltick: p.syscalltick, schedtick: p.schedtick,
      })),
      sched: { runq: [...st.sched.runq], npidle: st.sched.npidle, nmidle: st.sched.nmidle, nmspinning: st.sched.nmspinning },
      t: this.host.now(),
      source: 'model',
    };
  }

  /** The G's current PC: live RIP when it runs, else its saved context. */
  private gpc(g: G): number { return this.live(g)?.rip ?? (g.sched.pc || g.startpc); }
  private gsp(g: G): number { return this.live(g)?.rsp ?? g.sched.sp; }
  /** Registers of the thread running g right now (on its own stack), if any. */
  private live(g: G): { rip: number; rsp: number } | undefined {
    if (g.atomicstatus !== _Grunning && g.atomicstatus !== 3) return undefined;
    const m = this.st.allm.find((x) => x.id === g.m && !x.exited);
    if (!m || m.ong0 || m.curg !== g.goid) return undefined;
    try { return this.host.regs(m.procid); } catch { return undefined; }
  }

  /** Plain-data copy of the model's state (for machine snapshots). */
  saveState(): ModelState { return structuredClone(this.st); }
  restoreState(s: ModelState): void { this.st = structuredClone(s); this.pendingM = null; }

  sources(): ModelSource[] { return this.prog.sources; }

  /** Names guest code may call, with both spellings (`runtime·entersyscall`, `runtime.entersyscall`). */
  externs(): Map<string, number> {
    const m = new Map<string, number>();
    for (const f of this.prog.funcs) {
      if (!f.def.exported) continue;
      m.set(f.def.name.replace('.', '\u00b7'), f.addr);
      m.set(f.def.name, f.addr);
    }
    return m;
  }

  /** Function table for the debugger (model functions are frameless: the return address is at [SP]). */
  functions(): { name: string; addr: number; size: number; frameSize: number; argsSize: number; file: string; line: number; args: { name: string; offset: number; size: number }[]; model: true }[] {
    return this.prog.funcs.map((f) => ({
      name: f.def.name.replace('.', '\u00b7'), addr: f.addr, size: f.size, frameSize: 0,
      argsSize: (f.def.abi0Args?.length ?? 0) * 8, file: f.path, line: f.line,
      args: (f.def.abi0Args ?? []).map(([name, offset]) => ({ name, offset, size: 8 })), model: true,
    }));
  }

  /** One entry per model line: addr ↔ (document, line). */
  lines(): { addr: number; size: number; file: string; line: number }[] {
    const out: { addr: number; size: number; file: string; line: number }[] = [];
    for (const f of this.prog.funcs) for (const s of f.steps) out.push({ addr: s.addr, size: 1, file: f.path, line: s.line });
    return out.sort((a, b) => a.addr - b.addr);
  }
}

