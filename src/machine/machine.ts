// Machine = cpu + linux + goruntime behind one event emitter (like mock-debug's runtime): load a program, run,
// pause, step, step back, breakpoints, exception filters, the trace, snapshots and deterministic replay.
// The adapter and the CLI only ever talk to this class.
import { EventEmitter } from 'node:events';
import { Reg, type CpuFault } from '../cpu/types';
import { Kernel } from '../linux/kernel';
import type { KernelStop, RunHooks } from '../linux/types';
import type { KernelSnapshot } from '../linux/kernel';
import type { Thread } from '../linux/thread';
import type { SyscallEvent, TraceEvent, TraceEventBody } from '../linux/trace';
import type { SchedSnapshot } from '../goruntime/snapshot';
import { syscallName } from '../linux/sysnames';
import { describeSyscallEntry } from '../linux/decode';
import { Breakpoints, setFilters, type FilterState } from './breakpoints';
import { DebugInfo } from './debugInfo';
import { evaluate, type EvalContext, type EvalResult } from './expression';
import { unwind, type RawFrame } from './frames';
import { GPR_ORDER, plan9Name as p9, registerRef, viewOf, withView, type RegisterSet } from './registers';
import { describeArgs, describeCall, describeResult } from './syscallDesc';
import { buildTimeline } from './timeline';
import { TraceLog } from './traceLog';
import { loadProgram, type LoadedProgram } from './loader';
import { History } from './history';
import { Disassembler } from './disasm';
import { nowMs } from './clock';
import {
  machineError, hex, type BreakpointResult, type BreakpointSpec, type DisasmLine, type ExceptionFilterId, type FrameInfo,
  type FunctionBreakpointSpec, type Granularity, type InstructionBreakpointSpec, type LaunchOptions, type SourceRef,
  type StepKind, type StoppedEvent, type ThreadInfo,
} from './types';
import { GPR_NAMES } from '../cpu/types';
import type { RealTracer } from './realTracer';
import { DataBreakpoints, parseDataId, type DataBreakpointInfo } from './dataBreakpoints';
import { gStatusName, pStatusName } from '../goruntime/snapshot';

/** Instructions per run slice (between checks for pause and snapshot points). */
const SLICE = 200_000;
/** Target wall time of one run slice. */
const SLICE_MS = 8;
/** Wall time the run loop may hold the event loop before yielding (pause must answer within 50 ms). */
const YIELD_MS = 15;
/** Instruction steps a line step may take before it gives up and stops where it is. */
const MAX_LINE_STEPS = 2_000_000;
/** Slice size for replays that only need to reach a position. */
const SCAN_CHUNK = 4096;

type Mode =
  | { kind: 'continue' }
  | { kind: 'step'; tid: number; step: StepKind; gran: Granularity }
  | { kind: 'replay' };

interface StopInfo {
  reason: StoppedEvent['reason'];
  tid: number;
  filter?: ExceptionFilterId;
  fault?: CpuFault;
  /** At a SYSCALL (entry) or just after one (return). */
  syscall?: { nr: number; args: bigint[]; pc: number; phase: 'entry' | 'return'; ret?: number; event?: SyscallEvent };
  description: string;
}

export interface RunResult { exitCode: number; message?: string }

/** Step over/out: stop when the thread (or, in a real Go program, the goroutine) is back at addr above sp. */
interface TempBreakpoint { tid: number; addr: number; sp: number; goid?: number; hiOff?: number }

interface MachineSnap {
  pos: number;
  kernel: KernelSnapshot;
  model: unknown;
  traceLen: number;
  hits: Map<number, number>;
  entryAt: Map<number, { pos: number; t: number }>;
  suppress?: { tid: number; pos: number };
  tracer?: unknown;
}

export class Machine extends EventEmitter {
  kind: 'model' | 'elf' = 'elf';
  running = false;
  exited = false;
  exitCode?: number;
  kernel!: Kernel;
  info = new DebugInfo([], [], []);
  private prog?: LoadedProgram;
  private bps = new Breakpoints(this.info, () => false);
  private filters: FilterState = { enabled: new Set(['fault']) };
  private readonly trace: TraceLog;
  private opts: LaunchOptions = {};
  private readonly headless: boolean;
  private last?: StopInfo;
  private pauseRequested = false;
  private terminated = false;
  private history?: History<MachineSnap>;
  private disasm?: Disassembler;
  /** Where each thread's syscall in progress entered (position, virtual time), for travelTo and the timeline. */
  private entryAt = new Map<number, { pos: number; t: number }>();
  private syscallStart = new Map<number, { pos: number; t: number; tid: number }>();
  /** A syscall-entry stop already reported at this (tid, position): resuming performs the call. */
  private suppressEntry?: { tid: number; pos: number };
  /** Filter stops requested by trace events (entersyscall, exitsyscall, handoff): stop before the next step. */
  private pendingFilterStop?: { filter: ExceptionFilterId; description: string; tid?: number };
  /** A temporary breakpoint for step over / step out: thread tid back at addr with SP above sp. */
  private temp?: TempBreakpoint;
  private mode: Mode = { kind: 'continue' };
  private traceListener?: (ev: TraceEvent) => void;
  private outputHighWater = 0;
  private frameCache = new Map<number, { tid: number; frame: FrameInfo; raw: RawFrame }>();
  private sourceRefs = new Map<string, number>();
  private readonly sourceRefCache = new Map<string, SourceRef>();
  /** Every reported stop by position: reverse continue comes back to them (snapshots sit exactly there). */
  private stopLog = new Map<number, StopInfo>();
  /** Replaying for reverse continue: stops are collected, log points and output stay silent. */
  private quiet = false;
  /** Real programs: scheduler events from the runtime's memory (while tracing or debugging). */
  private tracer?: RealTracer;
  /** The thread on which the last temporary breakpoint (step over/out) was reached. */
  private tempHitTid?: number;
  private readonly data = new DataBreakpoints(() => this.kernel?.memory, () => this.mode.kind !== 'replay');

  constructor(o: { headless?: boolean } = {}) {
    super();
    this.headless = !!o.headless;
    this.trace = new TraceLog(() => this.kernel?.elapsedNs ?? 0);
    this.trace.keep = !this.headless;
    this.trace.listener = (ev) => this.onTrace(ev);
    this.trace.decorate = (b) => (b.ev === 'handoff' ? this.withEmitter(b) : b);
  }

  // ------------------------------------------------------------------------------------------------ loading

  /** Load a .s model program, an ELF, or a .go file/package (built first). Throws an Error with a clear message. */
  async load(program: string, opts: LaunchOptions, progress: (msg: string) => void = () => {}): Promise<void> {
    this.opts = opts;
    this.sourceRefCache.clear();
    const prog = await loadProgram(program, opts, {
      trace: this.trace,
      stdout: (b) => this.guestOutput('stdout', b),
      stderr: (b) => this.guestOutput('stderr', b),
      // A headless run nobody listens to (gosyscall run) keeps no trace: skip building syscall events.
      traceSyscalls: !this.headless || this.traceListener !== undefined,
    }, progress);
    this.prog = prog;
    this.kind = prog.kind;
    this.kernel = prog.kernel;
    this.info = prog.info;
    this.bps = new Breakpoints(this.info, (a) => this.isCode(a));
    this.disasm = new Disassembler(this.info, (a, n) => this.peek(a, n), (a) => this.isNative(a), (a) => prog.nativeText?.(a));
    if (!this.headless && (opts.snapshotInterval ?? 1) > 0) {
      this.history = new History<MachineSnap>(opts.snapshotInterval ?? 100_000);
    }
    this.kernel.onThreadCreated = undefined;
    // the scheduler events of a real program cost run time (write watches): only for a trace or a debugger
    if (!this.headless || this.traceListener) this.tracer = prog.tracer?.();
    if (this.tracer) {
      const tr = this.tracer;
      tr.shouldStop = () => this.pendingFilterStop !== undefined && this.mode.kind !== 'replay';
      tr.onHooksChanged = () => this.syncBreakpoints();
      tr.enable();
      this.syncTracerStops();
      this.syncBreakpoints();
    }
    for (const w of prog.warnings) this.warn(w);
    if (!this.headless) for (const n of prog.notes ?? []) this.emit('output', { category: 'console', text: `${n}\n` });
    if (!this.headless) prog.lateNotes?.((n) => this.emit('output', { category: 'console', text: `${n}\n` }));
  }

  copyBreakpointsFrom(old: Machine): void {
    for (const [path, specs] of old.bps.requests.sources) this.bps.setSource(path, specs);
    this.bps.setFunctions(old.bps.requests.functions);
    this.bps.setInstructions(old.bps.requests.instructions);
    this.filters = old.filters;
    this.syncTracerStops();
    this.syncBreakpoints();
  }

  /** After configurationDone: stop at the entry or run. */
  start(stopOnEntry: boolean): void {
    this.history?.take(this.capture());
    const main = this.kind === 'model' ? this.info.lookup('main.main') : undefined;
    if (stopOnEntry && main) {
      // a model program's entry is main·main (runtime.main, the model's code, runs first)
      void this.runToEntry(main.addr);
    } else if (stopOnEntry) {
      const t = this.firstThread();
      if (!t) return this.finish(0);
      this.report({ reason: 'entry', tid: t.tid, description: `entry at ${this.where(t.cpu.rip)}` });
    } else {
      this.run();
    }
  }

  private async runToEntry(addr: number): Promise<void> {
    this.running = true;
    this.temp = { tid: -1, addr, sp: -1 };
    this.syncBreakpoints();
    let r: StopInfo | undefined;
    try { r = await this.continueLoop(); } finally {
      this.running = false;
      this.temp = undefined;
      this.syncBreakpoints();
    }
    if (this.terminated || !r) return;
    if (r.reason === 'step') r = { ...r, reason: 'entry', description: `entry at ${this.where(addr)}` };
    this.report(r);
  }

  // ------------------------------------------------------------------------------------------------ events

  setTraceListener(l: (ev: TraceEvent) => void): void { this.traceListener = l; }

  private onTrace(ev: TraceEvent): void {
    this.traceListener?.(ev);
    if (ev.ev === 'warning') this.warn(ev.message);
    if (ev.ev === 'syscall') {
      // remember where this call entered (thread: the one the kernel is running)
      const cur = this.kernel?.current;
      if (cur) {
        const e = this.entryAt.get(cur.tid);
        if (e) { this.syscallStart.set(ev.seq, { ...e, tid: cur.tid }); this.entryAt.delete(cur.tid); }
      }
    }
    if (this.mode.kind === 'replay') return;
    const f = this.filters.enabled;
    if (ev.ev === 'gstatus' && ev.to === '_Gsyscall' && f.has('entersyscall') && this.kind === 'model') {
      this.pendingFilterStop = { filter: 'entersyscall', description: `entersyscall: G${ev.g} ${ev.from} → ${ev.to} (M${ev.m ?? '?'}, P${ev.p ?? '?'})` };
    } else if (ev.ev === 'exitsyscall' && f.has('exitsyscall')) {
      this.pendingFilterStop = { filter: 'exitsyscall', description: `exitsyscall: G${ev.g} on M${ev.m ?? '?'}, ${ev.path} path` };
    } else if (ev.ev === 'handoff' && f.has('handoff')) {
      const by = (ev as { m?: number | null }).m;
      this.pendingFilterStop = { filter: 'handoff', description: `handoff: P${ev.p} M${ev.fromM ?? '?'} → M${ev.toM ?? '?'} (${ev.reason})${by !== undefined && by !== null && by !== ev.fromM ? `, done by M${by}` : ''}` };
    }
  }

  /**
   * A handoff is done by a thread other than the two Ms it names (sysmon's for a retake): `m` says which M (JSON),
   * `who` its whole Go identity (the text trace's prefix; not part of the JSON).
   */
  /**
   * The tracer's status watches may stop the CPU only while a filter stops at its events (exitsyscall, handoff);
   * otherwise they only observe and the CPU keeps its fast path. Data breakpoints' watches always may stop.
   */
  private syncTracerStops(): void {
    const f = this.filters.enabled;
    this.tracer?.setMayStop(f.has('exitsyscall') || f.has('handoff'));
  }

  private withEmitter(b: TraceEventBody): TraceEventBody {
    const t = this.kernel?.current;
    if (!t) return b;
    const id = this.kernel.identify(t);
    return { ...b, m: (b as { m?: number | null }).m ?? id.m, who: { m: id.m, p: id.p, g: id.g } } as unknown as TraceEventBody;
  }

  private guestOutput(category: 'stdout' | 'stderr', bytes: Uint8Array): void {
    // replayed output was shown already
    if (this.mode.kind === 'replay' || this.quiet || (this.kernel && this.kernel.instructions < this.outputHighWater)) return;
    this.emit('output', { category, text: Buffer.from(bytes).toString('utf8'), bytes: Buffer.from(bytes) });
  }

  private warn(message: string): void {
    if (this.mode.kind === 'replay' || this.quiet) return;
    this.emit('output', { category: this.headless ? 'stderr' : 'console', text: `warning: ${message}\n` });
  }

  // ------------------------------------------------------------------------------------------------ hooks

  private readonly hooks: RunHooks = {
    stopAtSyscallEntry: (t, nr) => {
      const pos = this.kernel.instructions;
      this.entryAt.set(t.tid, { pos, t: this.kernel.elapsedNs });
      if (this.suppressEntry && this.suppressEntry.tid === t.tid && this.suppressEntry.pos === pos) {
        this.suppressEntry = undefined;
        return false;
      }
      if (this.mode.kind === 'replay' || !this.filters.enabled.has('syscall')) return false;
      if (this.mode.kind === 'step' && this.mode.tid === t.tid && this.stepStartPos === pos) return false;
      return !this.filters.syscallNrs || this.filters.syscallNrs.has(nr);
    },
    stopAtSyscallReturn: (_t, ev) => {
      if (this.mode.kind === 'replay') return false;
      if (ev.errno === 'ENOSYS' && this.filters.enabled.has('fault')) return true; // an unimplemented syscall
      if (!this.filters.enabled.has('syscall-return')) return false;
      return !this.filters.returnNrs || this.filters.returnNrs.has(ev.nr);
    },
    stopAtNative: (t, rip) => {
      if (this.mode.kind === 'replay') return false;
      if (this.pendingFilterStop) return true;
      if (this.tempMatches(t, rip)) return true;
      if (this.mode.kind === 'step' && this.mode.tid === t.tid) return false;
      return this.bps.has(rip);
    },
    stopOnFault: () => this.mode.kind !== 'replay' && this.filters.enabled.has('fault'),
  };
  private stepStartPos = -1;
  private slice = SLICE;

  // ------------------------------------------------------------------------------------------------ breakpoints

  setSourceBreakpoints(path: string, specs: BreakpointSpec[]): BreakpointResult[] {
    const r = this.bps.setSource(this.prog?.sourcePathFor(path) ?? path, specs);
    this.syncBreakpoints();
    return r.map((x) => ({ ...x, source: x.source ? path : undefined }));
  }
  setFunctionBreakpoints(specs: FunctionBreakpointSpec[]): BreakpointResult[] {
    const r = this.bps.setFunctions(specs);
    this.syncBreakpoints();
    return r;
  }
  setInstructionBreakpoints(specs: InstructionBreakpointSpec[]): BreakpointResult[] {
    const r = this.bps.setInstructions(specs);
    this.syncBreakpoints();
    return r;
  }
  setExceptionFilters(filters: { id: string; condition?: string }[]): { verified: boolean; message?: string }[] {
    const { state, results } = setFilters(filters);
    this.filters = state;
    this.syncTracerStops();
    this.syncBreakpoints();
    return results;
  }

  /**
   * What a data breakpoint on `name` would watch: `P0.status`, `G1.atomicstatus` (or `G1.status`), `M0.curg` — a
   * runtime field read by the real program's layout — or an expression whose value is an address (`0xc000012000`,
   * `*(SP+8)` watches the word read). `goid`: the Goroutine scope's `status` / `pstatus` variables.
   */
  dataBreakpointInfo(name: string, tid?: number): DataBreakpointInfo | { error: string } {
    const field = /^\s*([PGM])(\d+)\.(\w+)\s*$/i.exec(name);
    if (field) return this.runtimeField(field[1].toLowerCase() as 'p' | 'g' | 'm', Number(field[2]), field[3]);
    if (tid !== undefined && (name === 'status' || name === 'pstatus')) {
      const snap = this.scheduler();
      const m = snap?.ms.find((x) => x.tid === tid);
      const g = m && m.curg !== null ? snap!.gs.find((x) => x.goid === m.curg) : undefined;
      if (!g) return { error: 'no goroutine runs on this thread' };
      if (name === 'status') return this.runtimeField('g', g.goid, 'atomicstatus');
      if (g.p === null) return { error: `G${g.goid} has no P` };
      return this.runtimeField('p', g.p, 'status');
    }
    let r: EvalResult;
    try { r = this.evaluate(name, tid); } catch (e) { return { error: `${name}: ${(e as Error).message}` }; }
    if (r.kind === 'register') return { error: `${name} is a register: only memory can be watched` };
    const addr = r.addr ?? Number(BigInt.asUintN(64, r.value));
    if (!this.peek(addr, 8)) return { error: `${name}: ${hex(addr)} is not mapped` };
    return { dataId: `${hex(addr)}/8|${name.trim()}`, addr, size: 8, label: name.trim() };
  }

  private runtimeField(kind: 'p' | 'g' | 'm', id: number, field: string): DataBreakpointInfo | { error: string } {
    const reader = this.prog?.reader?.();
    if (!reader) return { error: this.kind === 'model' ? 'runtime fields can be watched in real Go programs (the model keeps its state outside guest memory)' : 'the Go runtime cannot be read in this program' };
    if (kind === 'g' && field === 'status') field = 'atomicstatus';
    const base = reader.addressOf(kind, id);
    if (base === undefined) return { error: `there is no ${kind.toUpperCase()}${id}` };
    const f = reader.fieldAddress(kind, base, field);
    if ('error' in f) return f;
    if (f.size < 1 || f.size > 8) return { error: `${kind}.${field} is ${f.size} bytes: only fields up to 8 bytes can be watched` };
    const label = `${kind.toUpperCase()}${id}.${field}`;
    const format = kind === 'p' && field === 'status' ? (v: bigint) => pStatusName(Number(v))
      : kind === 'g' && field === 'atomicstatus' ? (v: bigint) => gStatusName(Number(v)) : undefined;
    return { dataId: `${hex(f.addr)}/${f.size}|${label}`, addr: f.addr, size: f.size, label, format };
  }

  /** DAP setDataBreakpoints: replaces every data breakpoint. */
  setDataBreakpoints(dataIds: string[]): BreakpointResult[] {
    const infos: (DataBreakpointInfo | undefined)[] = dataIds.map((id) => {
      const d = parseDataId(id);
      if (!d) return undefined;
      const again = /^[PGM]\d+\.\w+$/.test(d.label) ? this.dataBreakpointInfo(d.label) : undefined;
      return again && !('error' in again) && again.addr === d.addr ? again : { dataId: id, ...d };
    });
    const ok = infos.filter((i): i is DataBreakpointInfo => i !== undefined);
    const ids = this.data.set(ok);
    let k = 0;
    return infos.map((i, n) => i ? { id: ids[k++], verified: true, message: `watching ${i.label} (${i.size} bytes at ${hex(i.addr)})` }
      : { id: 0, verified: false, message: `bad data breakpoint id '${dataIds[n]}'` });
  }

  private installed = new Set<number>();
  /** Mirror the breakpoint addresses (and the temporary one) into the kernel's per-thread Cpu breakpoints. */
  private syncBreakpoints(): void {
    if (!this.kernel) return;
    const want = new Set(this.bps.addresses().filter((a) => !this.isNative(a)));
    for (const a of this.runtimeFilterAddrs().keys()) want.add(a);
    for (const a of this.tracer?.hookAddrs() ?? []) want.add(a);
    if (this.temp && !this.isNative(this.temp.addr)) want.add(this.temp.addr);
    for (const a of this.installed) if (!want.has(a)) this.kernel.removeBreakpoint(a);
    for (const a of want) if (!this.installed.has(a)) this.kernel.addBreakpoint(a);
    this.installed = want;
  }

  // ------------------------------------------------------------------------------------------------ running

  run(): void { void this.drive({ kind: 'continue' }); }

  pause(): void {
    if (this.running) this.pauseRequested = true;
  }

  step(tid: number, step: StepKind, gran: Granularity): void { void this.drive({ kind: 'step', tid, step, gran }); }

  terminate(): void {
    this.terminated = true;
    this.pauseRequested = true;
  }

  checkThread(tid: number): string | undefined {
    const t = this.kernel?.thread(tid);
    if (!t || t.state === 'exited') return `unknown thread ${tid}`;
    return undefined;
  }

  /** The CLI: run to the end without snapshots or yields. */
  runToCompletion(): RunResult {
    const max = this.opts.maxInstructions ?? 0;
    this.mode = { kind: 'continue' };
    for (;;) {
      let budget = 5_000_000;
      if (max > 0) {
        const left = max - this.kernel.instructions;
        if (left <= 0) {
          const t = this.kernel.current ?? this.firstThread();
          return { exitCode: 2, message: `stopped after ${this.kernel.instructions} instructions (--max-instructions)${t ? ` at ${this.where(t.cpu.rip)}` : ''}` };
        }
        budget = Math.min(budget, left);
      }
      const s = this.krun(budget, this.cliHooks);
      if (s.kind === 'exit') return { exitCode: s.code };
      if (s.kind === 'deadlock') {
        return { exitCode: 2, message: 'deadlock: every thread is blocked and no timer can wake one' };
      }
      if (s.kind === 'budget' || s.kind === 'watch' || s.kind === 'breakpoint') continue;
    }
  }
  private readonly cliHooks: RunHooks = {};

  private async drive(mode: Mode): Promise<void> {
    if (this.running || this.exited) return;
    this.running = true;
    this.pauseRequested = false;
    this.mode = mode;
    this.frameCache.clear();
    let stop: StopInfo | undefined;
    try {
      if (mode.kind === 'step') stop = await this.doStep(mode.tid, mode.step, mode.gran);
      else stop = await this.continueLoop();
    } catch (e) {
      const t = this.kernel.current ?? this.firstThread();
      stop = { reason: 'exception', tid: t?.tid ?? 0, description: `emulator error: ${(e as Error).message}` };
    } finally {
      this.running = false;
      this.mode = { kind: 'continue' };
      this.temp = undefined;
      this.syncBreakpoints();
    }
    if (this.terminated) return;
    if (stop) this.report(stop);
  }

  /** Run until something stops the machine. Yields to the event loop every YIELD_MS so pause is answered. */
  private async continueLoop(stopWhen?: (s: KernelStop) => StopInfo | undefined | 'continue'): Promise<StopInfo | undefined> {
    let t0 = nowMs();
    for (;;) {
      if (this.pauseRequested) {
        this.pauseRequested = false;
        if (this.terminated) return undefined;
        const t = this.kernel.current ?? this.firstThread();
        if (!t) return undefined;
        return { reason: 'pause', tid: t.tid, description: `paused at ${this.where(t.cpu.rip)}` };
      }
      const w0 = nowMs();
      const s = this.runSlice(this.slice);
      // keep each slice near SLICE_MS of wall time, so pause is answered quickly on slow code too
      const dt = nowMs() - w0;
      if (s.kind === 'budget') this.slice = Math.max(1000, Math.min(2_000_000, Math.round(this.slice * (dt > 0 ? Math.min(2, SLICE_MS / dt) : 2))));
      if (s.kind === 'budget') {
        const lim = this.limitStop();
        if (lim) return lim;
        if (nowMs() - t0 > YIELD_MS) {
          await new Promise((r) => setImmediate(r));
          t0 = nowMs();
        }
        continue;
      }
      if (stopWhen) {
        const r = stopWhen(s);
        if (r === 'continue') continue;
        if (r) return r;
      }
      const r = this.interpret(s);
      if (r === 'exit') return undefined;
      if (r) return r;
    }
  }

  private limitStop(): StopInfo | undefined {
    const max = this.opts.maxInstructions ?? 0;
    if (max > 0 && this.kernel.instructions >= max) {
      const t = this.kernel.current ?? this.firstThread();
      this.emit('output', { category: 'console', text: `Stopped after ${this.kernel.instructions} instructions (maxInstructions).\n` });
      return { reason: 'pause', tid: t?.tid ?? 0, description: `maxInstructions (${max}) reached` };
    }
    return undefined;
  }

  /** One kernel.run call, bounded by the next snapshot point and maxInstructions; takes due snapshots. */
  private runSlice(want = SLICE): KernelStop {
    const pos = this.kernel.instructions;
    if (this.history && this.history.due(pos)) this.history.take(this.capture());
    let budget = want;
    if (this.history) budget = Math.max(1, Math.min(budget, this.history.nextAt(pos) - pos));
    const max = this.opts.maxInstructions ?? 0;
    if (max > 0) budget = Math.max(1, Math.min(budget, max - pos));
    const s = this.krun(budget, this.hooks);
    this.outputHighWater = Math.max(this.outputHighWater, this.kernel.instructions);
    return s;
  }

  /**
   * kernel.run with the real-program tracer's hooks handled on the way: reaching one runs the tracer and goes on,
   * unless a breakpoint of the person's is there too or the tracer's event asks a filter to stop. Data breakpoints
   * that fired on a kernel write (no Cpu stop) come back as a watch stop.
   */
  private krun(budget: number, hooks: RunHooks): KernelStop {
    const end = this.kernel.instructions + budget;
    for (;;) {
      const s = this.kernel.run(Math.max(0, end - this.kernel.instructions), hooks);
      if (s.kind === 'budget' && this.data.hit) {
        const t = this.kernel.current ?? this.firstThread();
        if (t) return { kind: 'watch', thread: t, id: this.data.hit.watchId, addr: this.data.hit.addr, len: this.data.hit.size };
      }
      if (s.kind !== 'breakpoint' || !this.tracer?.isHook(s.addr)) return s;
      this.tracer.onHook(s.thread, s.addr);
      if (this.pendingFilterStop && this.mode.kind !== 'replay') return s;
      if (this.bps.has(s.addr) || this.runtimeFilterAddrs().has(s.addr) || this.temp?.addr === s.addr) return s;
      if (this.kernel.instructions >= end) return { kind: 'budget' };
    }
  }

  /** Turn a kernel stop into a machine stop, or undefined to keep running; 'exit' when the process ended. */
  private interpret(s: KernelStop): StopInfo | undefined | 'exit' {
    // real programs: a filter event (exitsyscall path, handoff) seen by the tracer stops where it was seen
    if (this.kind === 'elf' && this.pendingFilterStop && s.kind !== 'exit' && s.kind !== 'deadlock' && this.mode.kind !== 'replay') {
      const p = this.pendingFilterStop;
      this.pendingFilterStop = undefined;
      const t = 'thread' in s ? s.thread : this.kernel.current ?? this.firstThread();
      if (t) return { reason: 'syscall', tid: t.tid, filter: p.filter, description: p.description };
    }
    switch (s.kind) {
      case 'budget': return undefined;
      case 'watch': {
        const hit = this.data.take();
        if (!hit) return undefined;
        return { reason: 'data breakpoint', tid: s.thread.tid, description: hit.description, hitIds: [hit.id] } as StopInfo;
      }
      case 'exit': this.finish(s.code, s.signal); return 'exit';
      case 'deadlock': {
        const t = this.firstThread();
        return { reason: 'exception', tid: t?.tid ?? 0, description: 'deadlock: every thread is blocked and no timer can wake one' };
      }
      case 'syscall-entry': {
        const t = s.thread;
        const args = t.sys?.args ?? this.argRegs(t);
        return { reason: 'syscall', tid: t.tid, filter: 'syscall', syscall: { nr: s.nr, args, pc: t.cpu.rip, phase: 'entry' },
          description: this.describeEntry(s.nr, args, t) };
      }
      case 'syscall-return': {
        const ev = s.event;
        const args = ev.args.map((a) => BigInt(a));
        if (ev.errno === 'ENOSYS' && this.filters.enabled.has('fault') && !this.filters.enabled.has('syscall-return')) {
          return { reason: 'exception', tid: s.thread.tid, filter: 'fault',
            syscall: { nr: ev.nr, args, pc: Number(ev.pc), phase: 'return', ret: ev.ret, event: ev },
            description: `unimplemented syscall ${ev.name} (${ev.nr}): the guest got ENOSYS` };
        }
        return { reason: 'syscall', tid: s.thread.tid, filter: 'syscall-return',
          syscall: { nr: ev.nr, args, pc: Number(ev.pc), phase: 'return', ret: ev.ret, event: ev },
          description: ev.text ?? `${this.describeEntry(ev.nr, args)} = ${describeResult(ev.ret)}` };
      }
      case 'fault': {
        const f = s.fault;
        return { reason: 'exception', tid: s.thread.tid, filter: 'fault', fault: f, description: `${f.kind}: ${f.message}` };
      }
      case 'breakpoint': return this.atBreakpoint(s.thread, s.addr);
      case 'native': {
        if (this.pendingFilterStop) {
          const p = this.pendingFilterStop;
          this.pendingFilterStop = undefined;
          return { reason: 'syscall', tid: s.thread.tid, filter: p.filter, description: p.description };
        }
        return this.atBreakpoint(s.thread, s.rip);
      }
    }
  }

  /** Real programs: runtime function entries that stand for the Go filters (the model reports them itself). */
  private runtimeFilterAddrs(): Map<number, ExceptionFilterId> {
    const m = new Map<number, ExceptionFilterId>();
    const h = this.prog?.runtimeHooks;
    if (!h) return m;
    const f = this.filters.enabled;
    if (f.has('entersyscall') && h.entersyscall) m.set(h.entersyscall, 'entersyscall');
    if (f.has('entersyscall') && h.entersyscallblock) m.set(h.entersyscallblock, 'entersyscall');
    // with the tracer these two stop at its events, which know the path and the reason
    if (!this.tracer && f.has('exitsyscall') && h.exitsyscall) m.set(h.exitsyscall, 'exitsyscall');
    if (!this.tracer && f.has('handoff') && h.handoffp) m.set(h.handoffp, 'handoff');
    return m;
  }

  private atBreakpoint(t: Thread, addr: number): StopInfo | undefined {
    const rf = this.runtimeFilterAddrs().get(addr);
    if (rf) {
      const id = this.kernel.identify(t);
      const who = `G${id.g ?? '?'} on M${id.m ?? '?'}${id.p !== null ? `, P${id.p}` : ''}`;
      const block = addr === this.prog?.runtimeHooks?.entersyscallblock;
      const what = rf === 'entersyscall' ? (block
        ? `entersyscall: ${who} enters a blocking syscall (runtime.entersyscallblock): its P is handed off at once`
        : `entersyscall: ${who} enters a syscall (runtime.entersyscall): G → _Gsyscall, its P → _Psyscall until it returns or sysmon retakes it`)
        : rf === 'exitsyscall' ? `exitsyscall: ${who} returns from a syscall (runtime.exitsyscall)`
        : `handoff: runtime.handoffp on M${id.m ?? '?'} hands a P to another M`;
      return { reason: 'syscall', tid: t.tid, filter: rf, description: what, addr } as StopInfo;
    }
    if (this.tempMatches(t, addr)) {
      this.tempHitTid = t.tid;
      return { reason: 'step', tid: t.tid, description: `step to ${this.where(addr)}` };
    }
    if (!this.bps.has(addr)) return undefined;
    const hit = this.bps.hit(addr, this.evalContext(t));
    if (!this.quiet) for (const l of hit.logs) this.emit('output', { category: 'console', text: l });
    if (!hit.stop) return undefined;
    return { reason: hit.reason, tid: t.tid, description: `${hit.reason} at ${this.where(addr)}`, hitIds: hit.ids, addr } as StopInfo;
  }

  private report(s: StopInfo): void {
    this.last = s;
    if (this.kernel) this.stopLog.set(this.kernel.instructions, s);
    this.frameCache.clear();
    // snapshot at every stop: stepping back to here replays nothing
    this.history?.take(this.capture());
    this.emit('flush');
    const ev: StoppedEvent = { reason: s.reason, threadId: s.tid, description: s.description, filter: s.filter,
      hitBreakpointIds: (s as StopInfo & { hitIds?: number[] }).hitIds, text: s.filter ?? s.fault?.kind };
    this.emit('stopped', ev);
  }

  private finish(code: number, signal?: number): void {
    if (this.exited) return;
    this.exited = true;
    this.exitCode = code;
    this.emit('flush');
    if (signal) this.emit('output', { category: 'console', text: `Program killed by signal ${signal} (exit code ${code}).\n` });
    else this.emit('output', { category: 'console', text: `Program exited with code ${code}.\n` });
    this.emit('exited', code);
  }

  // ------------------------------------------------------------------------------------------------ stepping

  /** Execute exactly one instruction of thread tid (other threads run as the kernel schedules them). */
  private stepInstruction(t: Thread): StopInfo | undefined | 'exit' {
    const c0 = t.cpu.icount, rip0 = t.cpu.rip, sys0 = t.sys;
    this.stepStartPos = this.kernel.instructions;
    for (let n = 0; ; n++) {
      const s = this.runSlice(1);
      if (s.kind !== 'budget') {
        if (s.kind === 'native' && s.thread === t && !this.pendingFilterStop) continue; // our own step: run it
        if (s.kind === 'breakpoint' && s.thread === t) continue;
        const r = this.interpret(s);
        if (r) return r;
      }
      if (t.state === 'exited') return undefined;
      if (t.cpu.icount !== c0 || t.cpu.rip !== rip0 || (sys0 && !t.sys)) return undefined;
      if (this.pauseRequested) return undefined;
      if (n > 50_000_000) return undefined;
    }
  }

  private async doStep(tid: number, kind: StepKind, gran: Granularity): Promise<StopInfo | undefined> {
    let t = this.kernel.thread(tid);
    if (!t) return undefined;
    // a goroutine may come back from a call on another M (thread): the step ends on the thread it is on then
    const done = (th: Thread = t!): StopInfo => ({ reason: 'step', tid: th.tid, description: `step to ${this.where(th.cpu.rip)}` });
    if (kind === 'out') {
      const frames = this.rawFrames(t);
      // out of an inlined call: on until the code is no longer that call's (its frames share the caller's SP)
      const depth = this.prog?.inlineDepth?.(t.cpu.rip) ?? 0;
      if (depth > 1 && frames.length > 1 && frames[1].sp === frames[0].sp) return this.stepOutOfInlined(t, depth, frames[0].name, done);
      const caller = frames.find((f, i) => i > 0 && (frames[0].argp !== undefined || f.sp !== frames[0].sp));
      if (!caller) return this.finishStep(this.stepInstruction(t), done);
      return this.runToReturn(t, caller.pc, frames[0].argp !== undefined ? frames[0].argp - 8 : t.cpu.getRegNum(Reg.RSP), done);
    }
    if (gran === 'instruction') {
      const rsp0 = t.cpu.getRegNum(Reg.RSP), rip0 = t.cpu.rip;
      const r = this.stepInstruction(t);
      if (r !== undefined) return this.finishStep(r, done);
      if (kind === 'over' && this.calledFrom(t, rip0, rsp0)) return this.runToReturn(t, this.read64(t.cpu.getRegNum(Reg.RSP)) ?? 0, t.cpu.getRegNum(Reg.RSP), done);
      return done();
    }
    // line granularity
    const startLine = this.info.stepLineAt(t.cpu.rip);
    const startFn = this.info.functionAt(t.cpu.rip);
    const startSp = t.cpu.getRegNum(Reg.RSP);
    // step in descends into inlined calls too (as Delve does): their code is the caller's, one inline level deeper
    const depth0 = this.prog?.inlineDepth?.(t.cpu.rip) ?? 0;
    const startDepth = kind === 'in' ? depth0 : 0;
    // a step from inside an inlined body goes by that body's own lines (innermost), not its caller's
    const startInner = depth0 > 1 ? this.info.lineAt(t.cpu.rip) : undefined;
    let t0 = nowMs();
    for (let n = 0; n < MAX_LINE_STEPS; n++) {
      const one = await this.stepOne(t, kind === 'over', done);
      if ('stop' in one) return one.stop;
      t = one.thread;
      const rip = t.cpu.rip;
      const line = this.info.stepLineAt(rip);
      // Go's autogenerated wrappers (<autogenerated>:1) are stepped through, as Delve does
      if (line && line.file === '<autogenerated>') continue;
      if (!line) {
        // no line table here (runtime code of a real binary, or returned into the unknown): stop at once
        if (kind === 'in' || !startLine) return done();
        continue;
      }
      const fn = this.info.functionAt(rip);
      if (startDepth > 0 && fn === startFn && (this.prog?.inlineDepth?.(rip) ?? 0) > startDepth) return done();
      if (startInner && fn === startFn && t.cpu.getRegNum(Reg.RSP) === startSp) {
        const d = this.prog?.inlineDepth?.(rip) ?? 0;
        if (d > depth0) continue; // a deeper inlined call (step in stopped above): stepped over
        const inner = this.info.lineAt(rip);
        if (d === depth0 && inner && (inner.line !== startInner.line || inner.file !== startInner.file) && this.info.isLineStart(rip)) return done();
        // out of the inlined body: the next line start of its caller, itself maybe inlined (its own lines, not the
        // physical function's), and not a mark of an outer inlined call
        if (d < depth0 && this.atInlineMark(t)) continue;
        if (d < depth0 && this.info.isLineStart(rip)) return done();
        continue;
      }
      if (!this.info.isStepLineStart(rip)) continue;
      const sameLine = startLine && line.line === startLine.line && line.file === startLine.file;
      if (!sameLine || fn !== startFn || t.cpu.getRegNum(Reg.RSP) > startSp) return done();
      if (nowMs() - t0 > YIELD_MS) { await new Promise((r2) => setImmediate(r2)); t0 = nowMs(); }
    }
    return done();
  }

  /**
   * The temporary breakpoint of a step over/out: thread t back at addr with SP above sp. In a real Go program it
   * follows the goroutine (it may return on another M) and measures SP from its stack's top (stacks move).
   */
  private tempFor(t: Thread, addr: number, sp: number): TempBreakpoint {
    const g = this.prog?.goroutineOf?.(t);
    if (g) return { tid: t.tid, addr, sp, goid: g.goid, hiOff: g.stackHi - sp };
    return { tid: t.tid, addr, sp };
  }

  private tempMatches(t: Thread, addr: number): boolean {
    const temp = this.temp;
    if (!temp || temp.addr !== addr) return false;
    if (temp.tid === -1) return true;
    if (temp.goid !== undefined) {
      const g = this.prog?.goroutineOf?.(t);
      return !!g && g.goid === temp.goid && g.stackHi - t.cpu.getRegNum(Reg.RSP) < temp.hiOff!;
    }
    return temp.tid === t.tid && (temp.sp < 0 || t.cpu.getRegNum(Reg.RSP) > temp.sp);
  }

  /** Step (over calls) until the pc leaves the inlined call of `name` at inline depth `depth`. */
  private async stepOutOfInlined(t: Thread, depth: number, name: string | undefined, done: (th?: Thread) => StopInfo): Promise<StopInfo | undefined> {
    const sp0 = t.cpu.getRegNum(Reg.RSP);
    let t0 = nowMs();
    for (let n = 0; n < MAX_LINE_STEPS; n++) {
      const one = await this.stepOne(t, true, done);
      if ('stop' in one) return one.stop;
      t = one.thread;
      const d = this.prog?.inlineDepth?.(t.cpu.rip) ?? 0;
      if (d < depth && t.cpu.getRegNum(Reg.RSP) === sp0 && this.atInlineMark(t)) continue;
      if (d < depth || t.cpu.getRegNum(Reg.RSP) > sp0) return done(t);
      if (d === depth && this.rawFrames(t)[0]?.name !== name) return done(t);
      if (nowMs() - t0 > YIELD_MS) { await new Promise((r3) => setImmediate(r3)); t0 = nowMs(); }
    }
    return done(t);
  }

  /**
   * One instruction of a line step on t; with overCalls a CALL runs through to its return. `stop` when the step ends
   * here (what to report; undefined after an exit), else the thread the goroutine is on now (it may return on
   * another M).
   */
  private async stepOne(t: Thread, overCalls: boolean, done: (th?: Thread) => StopInfo): Promise<{ stop: StopInfo | undefined } | { thread: Thread }> {
    const rsp0 = t.cpu.getRegNum(Reg.RSP), rip0 = t.cpu.rip;
    const r = this.stepInstruction(t);
    if (r !== undefined) return { stop: this.finishStep(r, done) };
    if (t.state === 'exited' || this.pauseRequested) return { stop: this.finishStep(undefined, done) };
    if (overCalls && this.calledFrom(t, rip0, rsp0)) {
      const sp = t.cpu.getRegNum(Reg.RSP);
      const r2 = await this.runToReturn(t, this.read64(sp) ?? 0, sp, () => undefined as unknown as StopInfo);
      if (r2) return { stop: r2 };
      if (this.exited) return { stop: undefined };
      return { thread: this.kernel.thread(this.tempHitTid ?? t.tid) ?? t };
    }
    return { thread: t };
  }

  /**
   * t is at a one-byte NOP: how Go marks an inlined call at its call site (the caller's line). The scheduler moves
   * the callee's code around such marks (Go 1.23 puts part of the innermost body before them), so a step out of an
   * inlined body passes over them instead of stopping in an outer function whose call has not finished.
   */
  private atInlineMark(t: Thread): boolean { return this.peek(t.cpu.rip, 1)?.[0] === 0x90; }

  private finishStep(r: StopInfo | undefined | 'exit', done: () => StopInfo): StopInfo | undefined {
    if (r === 'exit' || this.exited) return undefined;
    if (r) return r;
    if (this.pauseRequested) { this.pauseRequested = false; }
    return done();
  }

  /** The last instruction of t was a CALL: SP went down by 8 and [SP] returns right after the old RIP. */
  private calledFrom(t: Thread, rip0: number, rsp0: number): boolean {
    const sp = t.cpu.getRegNum(Reg.RSP);
    if (sp !== rsp0 - 8) return false;
    const ra = this.read64(sp);
    return ra !== undefined && ra > rip0 && ra <= rip0 + 15;
  }

  /** Run (at full speed, breakpoints active) until t is back at addr with SP above sp. */
  private async runToReturn(t: Thread, addr: number, sp: number, done: (th?: Thread) => StopInfo): Promise<StopInfo | undefined> {
    this.temp = this.tempFor(t, addr, sp);
    this.tempHitTid = undefined;
    this.syncBreakpoints();
    const saveMode = this.mode;
    this.mode = { kind: 'continue' };
    try {
      const r = await this.continueLoop();
      if (r && r.reason === 'step') return done(this.kernel.thread(r.tid) ?? t);
      return r;
    } finally {
      this.mode = saveMode;
      this.temp = undefined;
      this.syncBreakpoints();
    }
  }

  // ------------------------------------------------------------------------------------------------ reverse

  /** Machine state to come back to: kernel (threads, memory COW), model, trace length, breakpoint hit counts. */
  private capture(): MachineSnap {
    return {
      pos: this.kernel.instructions,
      kernel: this.kernel.snapshot(),
      model: this.prog?.model?.snapshot(),
      traceLen: this.trace.length,
      hits: this.bps.saveHits(),
      entryAt: new Map(this.entryAt),
      suppress: this.suppressEntry,
      tracer: this.tracer?.snapshot(),
    };
  }

  private restoreFrom(s: MachineSnap): void {
    this.schedCache = undefined;
    this.kernel.restore(s.kernel);
    if (s.model !== undefined) this.prog?.model?.restore(s.model);
    this.trace.truncate(s.traceLen);
    this.bps.restoreHits(s.hits);
    this.entryAt = new Map(s.entryAt);
    this.suppressEntry = s.suppress;
    this.pendingFilterStop = undefined;
    this.installed = new Set(this.installed); // Cpu breakpoints survive restore (threads keep their Cpu)
    // write watches belong to a Memory, and restore brings a new one
    this.tracer?.reattach(s.tracer);
    this.data.reattach();
    this.syncTracerStops();
  }

  /** Bring the whole machine to global position pos (instructions executed), replaying from a snapshot. */
  private goTo(pos: number): void {
    const snap = this.history!.before(pos);
    this.restoreFrom(snap);
    this.mode = { kind: 'replay' };
    try {
      while (this.kernel.instructions < pos) {
        const s = this.krun(pos - this.kernel.instructions, this.hooks);
        if (s.kind === 'exit' || s.kind === 'deadlock') break;
      }
    } finally { this.mode = { kind: 'continue' }; }
  }

  /**
   * Replay [from, to) instruction by instruction and call visit(pos, thread) before each instruction of a thread
   * runs (pos = position at that moment). Used to find where to step back to.
   */
  private scan(fromSnap: MachineSnap, from: number, to: number, visit: (pos: number, t: Thread) => void): void {
    this.restoreFrom(fromSnap);
    this.mode = { kind: 'replay' };
    try {
      this.fastForward(from);
      while (this.kernel.instructions < to) {
        const cur = this.peekNext();
        if (cur) visit(this.kernel.instructions, cur);
        const s = this.krun(1, this.hooks);
        if (s.kind === 'exit' || s.kind === 'deadlock') break;
      }
    } finally { this.mode = { kind: 'continue' }; }
  }

  /** Run (replay mode, no stops) to position pos in large slices. */
  private fastForward(pos: number, each?: () => boolean): void {
    while (this.kernel.instructions < pos) {
      const s = this.krun(Math.min(SCAN_CHUNK, pos - this.kernel.instructions), this.hooks);
      if (s.kind === 'exit' || s.kind === 'deadlock') break;
      if (each && each()) break;
    }
  }

  /**
   * A snapshot in [snap.pos, end) from which thread tid still executes at least w of its own instructions before
   * end (so scanning from there finds its last w instructions); `snap` itself when the segment is shorter. The
   * snapshot joins the history, so going to a position after it replays little.
   */
  private windowStart(snap: MachineSnap, end: number, tid: number, endCount: number, w: number): MachineSnap {
    this.restoreFrom(snap);
    const t = this.kernel.thread(tid);
    if (!t || t.cpu.icount >= endCount - w) return snap;
    let before = snap;
    this.mode = { kind: 'replay' };
    try {
      let candidate = snap;
      this.fastForward(end, () => {
        if (t.cpu.icount >= endCount - w) return true;
        before = candidate;
        candidate = this.capture();
        return false;
      });
    } finally { this.mode = { kind: 'continue' }; }
    if (before !== snap) this.history!.take(before);
    return before;
  }

  /** The thread's instruction count at a snapshot (its Cpu state), or at the present. */
  private countAt(snap: MachineSnap | undefined, tid: number): number {
    if (!snap) return this.kernel.thread(tid)?.cpu.icount ?? 0;
    const th = snap.kernel.threads.find((x) => x.fields.tid === tid);
    return th ? th.cpu.icount : 0;
  }

  /** The last position before `now` where pred holds for thread tid about to run, searching backwards. */
  private findBack(tid: number, now: number, pred: (t: Thread) => boolean): number | undefined {
    let end = now;
    let endSnap: MachineSnap | undefined;
    for (;;) {
      const snap = this.history!.before(end - 1);
      const endCount = this.countAt(endSnap, tid);
      for (let w = 256; ; w *= 16) {
        const start = this.windowStart(snap, end, tid, endCount, w);
        let found = -1;
        this.scan(start, start.pos, end, (pos, th) => { if (th.tid === tid && pred(th)) found = pos; });
        if (found >= 0) return found;
        if (start === snap) break;
      }
      if (snap.pos === 0 || snap.pos >= end) return undefined;
      end = snap.pos;
      endSnap = snap;
    }
  }

  /** The thread the kernel will run next (the current one while its quantum lasts). */
  private peekNext(): Thread | undefined {
    const k = this.kernel;
    const cur = k.current;
    if (cur && cur.state === 'runnable' && k.st.quantumLeft > 0) return cur;
    const ts = k.threads;
    for (let i = 1; i <= ts.length; i++) {
      const t = ts[(k.st.cur + i) % ts.length];
      if (t.state === 'runnable') return t;
    }
    return undefined;
  }

  stepBack(tid: number, gran: Granularity): void {
    void this.reverse(async () => {
      const now = this.kernel.instructions;
      const t = this.kernel.thread(tid);
      if (!t) return undefined;
      const curLine = this.info.stepLineAt(t.cpu.rip);
      const curFn = this.info.functionAt(t.cpu.rip);
      const curSp = t.cpu.getRegNum(Reg.RSP);
      const stackFns = new Set(this.rawFrames(t).map((f) => f.fn?.addr ?? this.info.functionAt(f.pc)?.addr).filter((a): a is number => a !== undefined));
      // the last position where tid was about to execute an instruction (instruction granularity) or the start
      // of a different line (line granularity)
      const target = this.findBack(tid, now, (th) => {
        if (gran === 'instruction') return true;
        const rip = th.cpu.rip;
        if (!this.info.isStepLineStart(rip)) return false;
        // the reverse of step over: lines of functions this one called do not count
        // (nor code of other goroutines the thread ran meanwhile): only this function and its callers
        const fn = this.info.functionAt(rip);
        if (fn !== curFn && (!fn || !stackFns.has(fn.addr) || th.cpu.getRegNum(Reg.RSP) <= curSp)) return false;
        const l = this.info.stepLineAt(rip);
        return !curLine || !l || l.line !== curLine.line || l.file !== curLine.file || this.info.functionAt(rip) !== curFn;
      });
      this.goTo(target ?? 0);
      const th = this.kernel.thread(tid) ?? this.firstThread();
      return { reason: 'step', tid: th?.tid ?? tid, description: `stepped back to ${this.where(th?.cpu.rip ?? 0)}` };
    });
  }

  reverseContinue(tid: number): void {
    void this.reverse(async () => {
      const now = this.kernel.instructions;
      let end = now;
      for (;;) {
        const snap = this.history!.before(end - 1);
        // replay the segment with breakpoints and filters live, remembering every stop before `end`
        this.restoreFrom(snap);
        let found: { pos: number; info: StopInfo; suppress?: { tid: number; pos: number } } | undefined;
        // a stop reported exactly at the snapshot (the snapshot was taken there): resuming from it would not
        // report it again, so it counts here when its breakpoint or filter is still set
        const atStart = this.stopLog.get(snap.pos);
        if (atStart && snap.pos < end && this.stillStops(atStart)) found = { pos: snap.pos, info: atStart };
        const hits = this.bps.saveHits();
        this.quiet = true;
        try {
        for (;;) {
          const left = end - this.kernel.instructions;
          if (left <= 0) break;
          const s = this.krun(left, this.hooks);
          if (s.kind === 'budget' || s.kind === 'watch') continue;
          if (s.kind === 'exit' || s.kind === 'deadlock') break;
          const r = this.interpret(s);
          if (r && r !== 'exit' && this.kernel.instructions < end) {
            found = { pos: this.kernel.instructions, info: r, suppress: s.kind === 'syscall-entry' ? { tid: s.thread.tid, pos: this.kernel.instructions } : undefined };
          }
        }
        } finally { this.quiet = false; }
        if (found) {
          this.bps.restoreHits(hits);
          this.goTo(found.pos);
          if (found.suppress) this.suppressEntry = found.suppress;
          return found.info;
        }
        if (snap.pos === 0) {
          this.goTo(0);
          const t = this.firstThread();
          return { reason: 'entry', tid: t?.tid ?? tid, description: 'reverse continue reached the start of the program' };
        }
        end = snap.pos;
      }
    });
  }

  private stillStops(s: StopInfo): boolean {
    const addr = (s as StopInfo & { addr?: number }).addr;
    if (addr !== undefined && !s.filter) return this.bps.has(addr);
    if (s.filter) {
      if (!this.filters.enabled.has(s.filter)) return false;
      const nrs = s.filter === 'syscall' ? this.filters.syscallNrs : s.filter === 'syscall-return' ? this.filters.returnNrs : undefined;
      return !nrs || !s.syscall || nrs.has(s.syscall.nr);
    }
    return false;
  }

  /** Travel to just before the syscall with trace sequence number seq (the timeline's "travel"). */
  travelTo(seq: number): void {
    void this.reverse(async () => {
      const start = this.syscallStart.get(seq);
      if (!start) {
        const t = this.firstThread();
        this.emit('output', { category: 'console', text: `travelTo: no syscall with seq ${seq} in this run's history.\n` });
        return t ? { reason: 'pause', tid: t.tid, description: 'travelTo: unknown syscall' } : undefined;
      }
      this.goTo(start.pos);
      this.suppressEntry = { tid: start.tid, pos: start.pos };
      const t = this.kernel.thread(start.tid) ?? this.firstThread()!;
      const args = this.argRegs(t);
      const nr = t.cpu.getRegNum(Reg.RAX);
      return { reason: 'syscall', tid: t.tid, filter: 'syscall', syscall: { nr, args, pc: t.cpu.rip, phase: 'entry' },
        description: this.describeEntry(nr, args, t) };
    });
  }

  private async reverse(fn: () => Promise<StopInfo | undefined>): Promise<void> {
    if (this.running) return;
    if (!this.history) {
      const t = this.firstThread();
      this.emit('output', { category: 'console', text: 'Reverse execution is off for this session.\n' });
      if (t) this.report({ reason: 'step', tid: t.tid, description: 'reverse execution is off' });
      return;
    }
    this.running = true;
    this.frameCache.clear();
    let r: StopInfo | undefined;
    try { r = await fn(); } catch (e) {
      const t = this.firstThread();
      r = { reason: 'exception', tid: t?.tid ?? 0, description: `reverse execution failed: ${(e as Error).message}` };
    } finally {
      this.running = false;
      this.mode = { kind: 'continue' };
      this.syncBreakpoints();
    }
    if (this.exited && this.kernel.exited === null) { this.exited = false; this.exitCode = undefined; }
    if (r) this.report(r);
  }

  // ------------------------------------------------------------------------------------------------ state

  /** Virtual ns since the program started (the trace's and the snapshots' `t`). */
  virtualTime(): number { return this.kernel?.elapsedNs ?? 0; }
  stats(): { instructions: number; virtualNs: number } { return { instructions: this.kernel.instructions, virtualNs: this.kernel.elapsedNs }; }

  threads(): ThreadInfo[] {
    if (!this.kernel) return [];
    const snap = this.scheduler();
    return this.kernel.threads.filter((t) => t.state !== 'exited').map((t) => ({ id: t.tid, name: this.threadName(t, snap) }));
  }

  private threadName(t: Thread, snap?: SchedSnapshot): string {
    const m = snap?.ms.find((x) => x.tid === t.tid);
    if (!m) return `Thread ${t.tid}${t.name ? ` (${t.name})` : ''}`;
    const parts = [`M${m.id}`];
    // an M in a syscall keeps its P as oldp (the P is _Psyscall until retaken)
    const p = m.p ?? m.oldp;
    if (p !== null) parts.push(`P${p}`);
    if (m.curg !== null) {
      const g = snap!.gs.find((x) => x.goid === m.curg);
      let fn = g?.startfn ?? this.info.functionAt(t.cpu.rip)?.name;
      if (fn && displayName(fn) === 'runtime.main') fn = 'main.main'; // G1's user code, as Go names it
      parts.push(`G${m.curg}${fn ? ' ' + displayName(fn) : ''}`);
    }
    let name = parts.join(' · ');
    if (m.syscall) name += ` [${m.syscall}]`;
    else if (m.id !== 0 && m.p === null && m.curg === null && m.spinning === false && m.blocked) name += ' [idle]';
    return name;
  }

  scheduler(): SchedSnapshot | undefined {
    // one snapshot per stop (views ask for it several times); while running always a fresh one
    if (!this.running && this.schedCache && this.schedCache.pos === this.kernel.instructions) return this.schedCache.snap;
    let snap: SchedSnapshot | undefined;
    try { snap = this.prog?.sched?.snapshot(); } catch { snap = undefined; }
    if (snap && this.kernel) snap = { ...snap, t: this.kernel.elapsedNs };
    if (!this.running && snap && this.kernel) this.schedCache = { pos: this.kernel.instructions, snap };
    return snap;
  }
  private schedCache?: { pos: number; snap: SchedSnapshot };

  syscallLog(): TraceEvent[] { return this.trace.syscalls(); }

  timeline() {
    // Ms blocked in a syscall now: a slice from its entry to the present
    const open: { m: number; start: number; label: string }[] = [];
    for (const t of this.kernel?.threads ?? []) {
      const e = this.entryAt.get(t.tid);
      if (!t.sys || !e || t.state === 'exited') continue;
      const m = this.kernel.identify(t).m;
      if (m !== null) open.push({ m, start: e.t, label: syscallName(t.sys.nr) });
    }
    return buildTimeline(this.trace.events, (seq) => this.syscallStart.get(seq)?.t, this.virtualTime(), open);
  }

  registers(tid: number): RegisterSet {
    const t = this.kernel.thread(tid);
    if (!t) throw machineError(`unknown thread ${tid}`);
    const c = t.cpu;
    return {
      gprs: GPR_ORDER.map((i) => ({ name: GPR_NAMES[i], plan9: p9(GPR_NAMES[i]), index: i, value: c.getReg(i) })),
      rip: BigInt(c.rip), rflags: BigInt(c.getRflags()), fsBase: BigInt(c.fsBase),
      xmm: Array.from({ length: 16 }, (_, i) => {
        const b = c.getXmm(i);
        let v = 0n;
        for (let k = 15; k >= 0; k--) v = (v << 8n) | BigInt(b[k]);
        return v;
      }),
    };
  }

  plan9Name(reg: string): string { return p9(registerRef(reg)?.canonical ?? reg); }

  /** Set a register (or flag bit) by name; returns the new value's text or an error message. */
  setRegister(tid: number, name: string, value: bigint, flagScope = false): { value: string } | { error: string } {
    const r = this.setRegisterText(tid, name, value, flagScope);
    return r.startsWith('!') ? { error: r.slice(1) } : { value: r };
  }

  private setRegisterText(tid: number, name: string, value: bigint, flagScope: boolean): string {
    const t = this.kernel.thread(tid);
    if (!t) return `!unknown thread ${tid}`;
    const ref = registerRef(name);
    if (!ref || (flagScope && ref.kind !== 'flag')) return `!${name} is not a register`;
    const c = t.cpu;
    this.edited();
    switch (ref.kind) {
      case 'gpr': c.setReg(ref.index, withView(ref, c.getReg(ref.index), value)); return hex(viewOf(ref, c.getReg(ref.index)));
      case 'rip': c.rip = Number(BigInt.asUintN(64, value)); return hex(c.rip);
      case 'rflags': c.setRflags(Number(BigInt.asUintN(32, value))); return hex(c.getRflags());
      case 'flag': {
        if (value !== 0n && value !== 1n) return `!${name} is one bit: 0 or 1`;
        const f = c.getRflags();
        c.setRflags(value ? f | (1 << ref.bit) : f & ~(1 << ref.bit));
        return String((c.getRflags() >> ref.bit) & 1);
      }
      case 'fsbase': c.fsBase = Number(BigInt.asUintN(64, value)); return hex(c.fsBase);
      case 'xmm': {
        const b = new Uint8Array(16);
        let v = BigInt.asUintN(128, value);
        for (let k = 0; k < 16; k++) { b[k] = Number(v & 0xffn); v >>= 8n; }
        c.setXmm(ref.index, b);
        return hex(BigInt.asUintN(128, value));
      }
    }
  }

  evalContext(t: Thread | undefined, frame?: RawFrame): EvalContext {
    return {
      register: (name) => {
        const ref = registerRef(name);
        if (!ref || !t) return undefined;
        const c = t.cpu;
        switch (ref.kind) {
          case 'gpr': return viewOf(ref, c.getReg(ref.index));
          case 'rip': return BigInt(frame?.pc ?? c.rip);
          case 'rflags': return BigInt(c.getRflags());
          case 'flag': return BigInt((c.getRflags() >> ref.bit) & 1);
          case 'fsbase': return BigInt(c.fsBase);
          case 'xmm': return this.registers(t.tid).xmm[ref.index];
        }
      },
      symbol: (name) => this.info.lookup(name)?.addr,
      read: (addr, size) => {
        const b = this.peek(addr, size);
        if (!b) throw new Error(`cannot read ${size} bytes at ${hex(addr)} (unmapped)`);
        let v = 0n;
        for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(b[k]);
        return v;
      },
      fp: () => (frame ? frame.argp : t ? this.rawFrames(t)[0]?.argp : undefined),
    };
  }

  evaluate(expr: string, tid?: number, frameId?: number): EvalResult {
    const cached = frameId !== undefined ? this.frameCache.get(frameId) : undefined;
    const t = this.kernel?.thread(cached?.tid ?? tid ?? this.last?.tid ?? -1) ?? this.firstThread();
    return evaluate(expr, this.evalContext(t, cached?.raw));
  }

  // ---- stack ----

  private rawFrames(t: Thread): RawFrame[] {
    const c = t.cpu;
    const real = this.prog?.unwind?.(c.rip, c.getRegNum(Reg.RSP), c.getRegNum(Reg.RBP));
    if (real) return real;
    return unwind({
      info: this.info,
      read64: (a) => this.read64(a),
      isRet: (pc) => this.disasm?.isRet(pc) ?? false,
      isReturnAddress: (pc) => this.disasm?.followsCall(pc) ?? false,
    }, c.rip, c.getRegNum(Reg.RSP), c.getRegNum(Reg.RBP));
  }

  stackTrace(tid: number): FrameInfo[] {
    const t = this.kernel.thread(tid);
    if (!t) return [];
    return this.rawFrames(t).map((raw, i) => {
      const id = tid * 1000 + i + 1;
      const line = raw.line !== undefined && raw.file ? { file: raw.file, line: raw.line } : this.info.lineAt(i === 0 ? raw.pc : raw.pc - 1);
      const fn = raw.fn;
      const name = raw.name ?? (fn ? displayName(fn.name) : this.info.symbolAt(raw.pc)?.name ?? hex(raw.pc));
      const frame: FrameInfo = { id, name: displayName(name), pc: raw.pc, sp: raw.sp, fn: fn?.name, argp: raw.argp,
        source: line ? this.sourceRef(line.file) : undefined, line: line?.line };
      this.frameCache.set(id, { tid, frame, raw });
      return frame;
    });
  }

  frame(frameId: number): { threadId: number; frame: FrameInfo; args: { name: string; value: string; type?: string; memoryReference?: string }[] } | undefined {
    let f = this.frameCache.get(frameId);
    if (!f) {
      const tid = Math.floor((frameId - 1) / 1000);
      if (this.kernel?.thread(tid)) { this.stackTrace(tid); f = this.frameCache.get(frameId); }
    }
    if (!f) return undefined;
    const fn = f.raw.fn;
    const args: { name: string; value: string; type?: string; memoryReference?: string }[] = [];
    if (fn && f.raw.argp !== undefined) {
      for (const a of fn.args) {
        const addr = f.raw.argp + a.offset;
        const b = this.peek(addr, a.size);
        let v = 0n;
        if (b) for (let k = b.length - 1; k >= 0; k--) v = (v << 8n) | BigInt(b[k]);
        args.push({ name: `${a.name}+${a.offset}(FP)`, value: b ? hex(v) : '<unreadable>', type: `${a.size} bytes at ${hex(addr)}`, memoryReference: hex(addr) });
      }
    }
    return { threadId: f.tid, frame: f.frame, args };
  }

  // ---- sources ----

  sourceRef(file: string): SourceRef {
    // asked for every instruction of a Disassembly view and every frame: made once per file
    let r = this.sourceRefCache.get(file);
    if (r) return r;
    const doc = this.prog?.virtualSources.get(file);
    if (doc) {
      let ref = this.sourceRefs.get(file);
      if (!ref) { ref = this.sourceRefs.size + 1; this.sourceRefs.set(file, ref); }
      r = Object.freeze({ path: file, name: file.split('/').pop() ?? file, reference: ref });
    } else {
      r = Object.freeze({ path: file, name: file.replace(/\\/g, '/').split('/').pop() ?? file });
    }
    this.sourceRefCache.set(file, r);
    return r;
  }
  sourceRefFor(path: string): SourceRef { return this.sourceRef(this.prog?.sourcePathFor(path) ?? path); }
  sourcePathOf(ref: number): string | undefined {
    for (const [p, r] of this.sourceRefs) if (r === ref) return p;
    return undefined;
  }
  sourceContent(ref: number | undefined): string | undefined {
    if (!ref) return undefined;
    const p = this.sourcePathOf(ref);
    return p ? this.prog?.virtualSources.get(p) : undefined;
  }

  // ---- scopes ----

  syscallInfo(tid: number): { name: string; value: string; type?: string; memoryReference?: string }[] | undefined {
    const t = this.kernel?.thread(tid);
    if (!t) return undefined;
    let sc = this.last && this.last.tid === tid ? this.last.syscall : undefined;
    if (!sc && t.sys) sc = { nr: t.sys.nr, args: t.sys.args, pc: t.sys.pc, phase: 'entry' };
    if (!sc && this.isSyscallAt(t.cpu.rip)) sc = { nr: t.cpu.getRegNum(Reg.RAX), args: this.argRegs(t), pc: t.cpu.rip, phase: 'entry' };
    if (!sc) return undefined;
    const views = describeArgs(sc.nr, sc.args, (a, n) => this.peek(a, n), (a) => this.cstr(a), sc.ret);
    const out = [
      { name: 'call', value: describeCall(sc.nr, views) + (sc.ret !== undefined ? ` = ${describeResult(sc.ret)}` : '') },
      { name: 'name', value: syscallName(sc.nr) },
      { name: 'number', value: String(sc.nr), type: 'AX' },
      ...views.map((v) => ({ name: v.name, value: v.text, type: `${v.reg} = ${hex(v.raw)}`, memoryReference: v.addr !== undefined ? hex(v.addr) : undefined })),
    ];
    if (sc.phase === 'return' && sc.ret !== undefined) {
      out.push({ name: 'result', value: `${sc.ret} (${hex(BigInt.asUintN(64, BigInt(sc.ret)))})`, type: 'AX' });
      out.push({ name: 'errno', value: sc.ret < 0 && sc.ret >= -4095 ? describeResult(sc.ret).replace('-1 ', '') : 'none' });
      if (sc.event) out.push({ name: 'blocked', value: String(sc.event.blocked) });
    } else {
      out.push({ name: 'pc', value: hex(sc.pc), type: 'address of SYSCALL' });
    }
    return out;
  }

  goroutineInfo(tid: number): { name: string; value: string }[] | undefined {
    const snap = this.scheduler();
    const m = snap?.ms.find((x) => x.tid === tid);
    if (!snap || !m || m.curg === null) return undefined;
    const g = snap.gs.find((x) => x.goid === m.curg);
    if (!g) return undefined;
    return [
      { name: 'goid', value: String(g.goid) },
      { name: 'status', value: g.status },
      { name: 'm', value: g.m === null ? 'nil' : `M${g.m}` },
      { name: 'p', value: g.p === null ? 'nil' : `P${g.p}` },
      { name: 'pc', value: g.pc },
      { name: 'syscallsp', value: g.syscallsp },
      { name: 'syscallpc', value: g.syscallpc },
      { name: 'stack', value: g.stacklo && g.stackhi ? `[${g.stacklo}, ${g.stackhi})` : 'unknown' },
      { name: 'waitreason', value: g.waitreason || '""' },
      ...(g.startfn ? [{ name: 'startfn', value: displayName(g.startfn) }] : []),
    ];
  }

  exceptionInfo(tid: number): { id: string; description: string; breakMode: 'always' | 'unhandled'; details?: string } | undefined {
    const l = this.last;
    if (!l || l.tid !== tid || (l.reason !== 'exception' && l.reason !== 'syscall')) return undefined;
    if (l.fault) return { id: l.fault.kind, description: l.description, breakMode: 'always', details: `at ${this.where(l.fault.rip)}` };
    return { id: l.filter ?? l.reason, description: l.description, breakMode: 'always' };
  }

  // ---- memory ----

  private peek(addr: number, len: number): Uint8Array | undefined {
    const mem = this.kernel.memory;
    // asked first: the Disassembly view reads around code and often past a mapping, and a thrown error is slow
    if (!mem.isMapped(addr, len)) return undefined;
    try { return mem.peekBytes(addr, len); } catch { return undefined; }
  }
  private read64(addr: number): number | undefined {
    const b = this.peek(addr, 8);
    if (!b) return undefined;
    return (b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24)) * 2 ** 32 + ((b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0);
  }
  private cstr(addr: number): string | undefined {
    try { return this.kernel.memory.peekCString(addr, 256); } catch { return undefined; }
  }

  readMemory(addr: number, count: number): { data: Uint8Array } {
    // read up to the first unmapped page
    const out: Uint8Array[] = [];
    let got = 0;
    while (got < count) {
      const a = addr + got;
      const n = Math.min(count - got, 4096 - (a % 4096));
      const b = this.peek(a, n);
      if (!b) break;
      out.push(b);
      got += n;
    }
    return { data: Buffer.concat(out) };
  }

  writeMemory(addr: number, data: Uint8Array, allowPartial: boolean): number | string {
    let written = 0;
    while (written < data.length) {
      const a = addr + written;
      const n = Math.min(data.length - written, 4096 - (a % 4096));
      try { this.kernel.memory.pokeBytes(a, data.subarray(written, written + n)); } catch (e) {
        if (allowPartial && written > 0) break;
        return `writeMemory: ${hex(a)} is not mapped`;
      }
      written += n;
    }
    this.edited();
    return written;
  }

  disassemble(addr: number, instructionOffset: number, count: number): (DisasmLine & { invalid?: boolean })[] {
    if (!this.disasm) return [];
    return this.disasm.around(addr, instructionOffset, count).map((l) => {
      const line = this.info.lineAt(l.address);
      return { ...l, source: line ? this.sourceRef(line.file) : undefined, line: line?.line };
    });
  }

  // ---- helpers ----

  /** Registers or memory changed by hand: the recorded future is void; the edited state is the new present. */
  private edited(): void {
    this.frameCache.clear();
    this.schedCache = undefined;
    const pos = this.kernel.instructions;
    this.history?.dropAfter(pos);
    for (const p of [...this.stopLog.keys()]) if (p >= pos) this.stopLog.delete(p);
    this.history?.take(this.capture());
  }

  private isNative(addr: number): boolean { return this.prog?.isNative(addr) ?? false; }
  private isCode(addr: number): boolean {
    if (this.isNative(addr)) return true;
    try { const p = this.kernel.memory.protOf(addr); return p > 0 && (p & 4) !== 0; } catch { return false; }
  }
  private isSyscallAt(rip: number): boolean {
    const b = this.peek(rip, 2);
    return !!b && b[0] === 0x0f && b[1] === 0x05;
  }
  private argRegs(t: Thread): bigint[] {
    const c = t.cpu;
    return [Reg.RDI, Reg.RSI, Reg.RDX, Reg.R10, Reg.R8, Reg.R9].map((r) => c.getReg(r));
  }
  private describeEntry(nr: number, args: bigint[], t?: Thread): string {
    if (t) { try { return describeSyscallEntry(this.kernel, t.cpu); } catch { /* fall back to our own */ } }
    return describeCall(nr, describeArgs(nr, args, (a, n) => this.peek(a, n), (a) => this.cstr(a)));
  }
  private firstThread(): Thread | undefined {
    return this.kernel?.threads.find((t) => t.state !== 'exited');
  }
  where(addr: number): string {
    const fn = this.info.functionAt(addr) ?? this.info.symbolAt(addr);
    const line = this.info.lineAt(addr);
    const at = fn ? `${displayName(fn.name)}${addr !== fn.addr ? `+${addr - fn.addr}` : ''}` : hex(addr);
    return line ? `${at} (${line.file.replace(/\\/g, '/').split('/').pop()}:${line.line})` : `${at} (${hex(addr)})`;
  }

  /** Every piece of state reverse execution must bring back, as one comparable text (tests). */
  dumpState(): string {
    const k = this.kernel;
    const threads = k.threads.map((t) => {
      const { cpu, ...fields } = t;
      return { fields, cpu: cpu.saveState() };
    });
    const mem: string[] = [];
    for (const r of k.memory.mappings()) {
      const h = (require('node:crypto') as typeof import('node:crypto')).createHash('sha1'); // tests only: not loaded at start-up
      for (let a = r.start; a < r.end; a += 4096) {
        try { h.update(k.memory.peekBytes(a, 4096)); } catch { h.update('-'); }
      }
      mem.push(`${hex(r.start)}-${hex(r.end)} ${r.prot} ${h.digest('hex')}`);
    }
    return JSON.stringify({ st: k.st, threads, mem, model: this.prog?.model?.snapshot(), trace: this.trace.length }, (_k, v) =>
      typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v instanceof Map ? [...v] : v);
  }

}

/** `runtime·entersyscall` → `runtime.entersyscall` for frames and thread names. */
export function displayName(name: string): string {
  return name.replace(/\u00b7/g, '.').replace(/\u2215/g, '/').replace(/^\./, 'main.');
}
