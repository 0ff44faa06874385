// GoSyscallSession: translates DAP requests to Machine calls and Machine events to DAP events. It holds no
// emulator state: everything it shows is asked of the Machine at the time of the request.
import {
  LoggingDebugSession, InitializedEvent, StoppedEvent, OutputEvent, TerminatedEvent, ExitedEvent, Event,
  Handles, Scope, Thread, ProgressStartEvent, ProgressEndEvent, ProgressUpdateEvent, InvalidatedEvent, MemoryEvent,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { Machine } from '../machine/machine';
import { EXCEPTION_FILTERS, hex, type LaunchOptions, type Granularity, type SourceRef, type StoppedEvent as MStopped } from '../machine/types';
import { registerVariables, flagVariables, parseRegisterValue } from './registers';

export interface LaunchArgs extends DebugProtocol.LaunchRequestArguments, LaunchOptions {
  program?: string;
  /** Internal (tests, benchmarks): snapshot interval for reverse execution. */
  snapshotInterval?: number;
}

type VarRef =
  | { kind: 'registers'; threadId: number }
  | { kind: 'rflags'; threadId: number }
  | { kind: 'syscall'; threadId: number }
  | { kind: 'goroutine'; threadId: number }
  | { kind: 'args'; threadId: number; frameId: number };

const ERR = 1000;

export class GoSyscallSession extends LoggingDebugSession {
  private machine?: Machine;
  private launchArgs?: LaunchArgs;
  private vars = new Handles<VarRef>();
  private progressId = 0;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsInstructionBreakpoints: true,
      supportsDataBreakpoints: true,
      supportsExceptionFilterOptions: true,
      supportsExceptionInfoRequest: true,
      supportsSteppingGranularity: true,
      supportsDisassembleRequest: true,
      supportsReadMemoryRequest: true,
      supportsWriteMemoryRequest: true,
      supportsSetVariable: true,
      supportsStepBack: true,
      supportsRestartRequest: true,
      supportsTerminateRequest: true,
      supportsEvaluateForHovers: true,
      supportsValueFormattingOptions: false,
      supportsBreakpointLocationsRequest: false,
      supportsCancelRequest: false,
      exceptionBreakpointFilters: EXCEPTION_FILTERS.map((f) => ({
        filter: f.id, label: f.label, description: f.description, default: f.default,
        supportsCondition: f.condition, conditionDescription: f.condition ? 'syscall names or numbers, e.g. write,read or 1,0' : undefined,
      })),
    };
    this.sendResponse(response);
  }

  // ---- launch / lifecycle ----

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, rawArgs: LaunchArgs): Promise<void> {
    try { await this.launch(response, rawArgs ?? {}); } catch (e) { this.fail(response, `launch: ${errText(e)}`); }
  }

  private async launch(response: DebugProtocol.LaunchResponse, args: LaunchArgs): Promise<void> {
    const bad = validateLaunch(args);
    if (bad) return this.fail(response, bad);
    args = { ...args, program: resolvePath(args.program!) };
    this.launchArgs = args;
    const m = new Machine();
    this.attachMachine(m);
    const progressId = `build-${++this.progressId}`;
    let progressStarted = false;
    try {
      await m.load(args.program!, args, (msg) => {
        if (!progressStarted) { this.sendEvent(new ProgressStartEvent(progressId, 'Go Syscall Stepper', msg)); progressStarted = true; }
        else this.sendEvent(new ProgressUpdateEvent(progressId, msg));
        this.sendEvent(new OutputEvent(msg + '\n', 'console'));
      });
    } catch (e) {
      if (progressStarted) this.sendEvent(new ProgressEndEvent(progressId));
      this.machine = undefined;
      return this.fail(response, errText(e));
    } finally {
      if (progressStarted) this.sendEvent(new ProgressEndEvent(progressId));
    }
    this.machine = m;
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  private attachMachine(m: Machine): void {
    m.on('stopped', (s: MStopped) => this.onStopped(s));
    m.on('output', (o: { category: string; text: string }) => this.sendEvent(new OutputEvent(o.text, o.category)));
    m.on('exited', (code: number) => {
      this.sendEvent(new ExitedEvent(code));
      this.sendEvent(new TerminatedEvent());
    });
    m.on('memory', (addr: number, count: number) => this.sendEvent(new MemoryEvent(hex(addr), 0, count)));
  }

  private onStopped(s: MStopped): void {
    this.vars.reset();
    const ev = new StoppedEvent(s.reason, s.threadId) as DebugProtocol.StoppedEvent;
    ev.body.description = s.description;
    if (s.text) ev.body.text = s.text;
    ev.body.allThreadsStopped = true;
    if (s.hitBreakpointIds?.length) ev.body.hitBreakpointIds = s.hitBreakpointIds;
    // the scheduler view updates with the stop: its event goes out first
    const snap = this.machine?.scheduler();
    if (snap) this.sendEvent(new Event('scheduler', snap));
    this.sendEvent(ev);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    this.machine?.start(!!this.launchArgs?.stopOnEntry);
  }

  protected override async restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): Promise<void> {
    try { await this.restart(response, args ?? {}); } catch (e) { this.fail(response, `restart: ${errText(e)}`); }
  }

  private async restart(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): Promise<void> {
    const launch = (args.arguments as LaunchArgs | undefined) ?? this.launchArgs;
    if (!launch || !this.machine) return this.fail(response, 'restart: nothing was launched');
    const old = this.machine;
    const m = new Machine();
    try {
      await m.load(launch.program!, launch, (msg) => this.sendEvent(new OutputEvent(msg + '\n', 'console')));
    } catch (e) { return this.fail(response, errText(e)); }
    m.copyBreakpointsFrom(old);
    old.terminate();
    old.removeAllListeners();
    this.machine = m;
    this.launchArgs = launch;
    this.attachMachine(m);
    this.sendResponse(response);
    this.sendEvent(new InvalidatedEvent(['all']));
    m.start(!!launch.stopOnEntry);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.sendResponse(response);
    if (this.machine) { this.machine.terminate(); this.sendEvent(new TerminatedEvent()); }
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.machine?.terminate();
    this.machine?.removeAllListeners();
    this.sendResponse(response);
  }

  // ---- breakpoints ----

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const m = this.machine;
    const specs = (args.breakpoints ?? (args.lines ?? []).map((line) => ({ line })));
    if (!m) return this.fail(response, 'setBreakpoints before launch');
    const path = args.source.path ?? (args.source.sourceReference ? m.sourcePathOf(args.source.sourceReference) : undefined);
    if (!path) return this.fail(response, 'setBreakpoints: the source has no path');
    const results = m.setSourceBreakpoints(path, specs);
    response.body = {
      breakpoints: results.map((r) => ({
        id: r.id, verified: r.verified, message: r.message, line: r.line,
        source: r.verified ? this.source(m.sourceRefFor(path)) : args.source,
        instructionReference: r.instructionReference,
      })),
    };
    this.sendResponse(response);
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    const m = this.machine;
    if (!m) return this.fail(response, 'setFunctionBreakpoints before launch');
    response.body = { breakpoints: m.setFunctionBreakpoints(args.breakpoints).map((r) => ({
      id: r.id, verified: r.verified, message: r.message, line: r.line, instructionReference: r.instructionReference,
      source: r.source ? this.source(m.sourceRefFor(r.source)) : undefined,
    })) };
    this.sendResponse(response);
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    const m = this.machine;
    if (!m) return this.fail(response, 'setInstructionBreakpoints before launch');
    response.body = { breakpoints: m.setInstructionBreakpoints(args.breakpoints).map((r) => ({
      id: r.id, verified: r.verified, message: r.message, instructionReference: r.instructionReference,
    })) };
    this.sendResponse(response);
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    const m = this.machine;
    if (!m) return this.fail(response, 'dataBreakpointInfo before launch');
    const ref = args.variablesReference ? this.vars.get(args.variablesReference) : undefined;
    let threadId = args.frameId !== undefined ? m.frame(args.frameId)?.threadId : undefined;
    let name = args.name;
    if (ref) {
      threadId = ref.threadId;
      // the Goroutine scope: its status word, or its P's status
      if (ref.kind === 'goroutine') name = name === 'p' ? 'pstatus' : name;
      else if (ref.kind === 'registers' || ref.kind === 'rflags') name = `register ${name}`;
    }
    const r = name.startsWith('register ') ? { error: `${args.name} is a register: only memory can be watched` } : m.dataBreakpointInfo(name, threadId);
    response.body = 'error' in r
      ? { dataId: null, description: r.error }
      : { dataId: r.dataId, description: `${r.label} (${r.size} bytes at ${hex(r.addr)}): stop when it changes`, accessTypes: ['write'], canPersist: false };
    this.sendResponse(response);
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    const m = this.machine;
    if (!m) return this.fail(response, 'setDataBreakpoints before launch');
    const res = m.setDataBreakpoints((args.breakpoints ?? []).map((b) => b.dataId));
    response.body = { breakpoints: res.map((r) => ({ id: r.id || undefined, verified: r.verified, message: r.message })) };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    const m = this.machine;
    if (!m) return this.fail(response, 'setExceptionBreakpoints before launch');
    const filters = [
      ...(args.filters ?? []).map((id) => ({ id, condition: undefined as string | undefined })),
      ...(args.filterOptions ?? []).map((o) => ({ id: o.filterId, condition: o.condition })),
    ];
    response.body = { breakpoints: m.setExceptionFilters(filters) };
    this.sendResponse(response);
  }

  // ---- execution control ----

  private stoppedMachine(response: DebugProtocol.Response, what: string, quiet = false): Machine | undefined {
    const m = this.machine;
    if (!m) { this.fail(response, `${what}: no program is running`, quiet); return undefined; }
    if (m.running) { this.fail(response, `${what}: the program is running (pause it first)`, quiet); return undefined; }
    if (m.exited) { this.fail(response, `${what}: the program has exited`, quiet); return undefined; }
    return m;
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    const m = this.stoppedMachine(response, 'continue');
    if (!m) return;
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    m.run();
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    const m = this.machine;
    if (!m) return this.fail(response, 'pause: no program is running');
    this.sendResponse(response);
    m.pause();
  }

  private stepRequest(response: DebugProtocol.Response, threadId: number, kind: 'in' | 'over' | 'out', granularity?: string): void {
    const m = this.stoppedMachine(response, 'step');
    if (!m) return;
    const err = m.checkThread(threadId);
    if (err) return this.fail(response, err);
    this.sendResponse(response);
    m.step(threadId, kind, gran(granularity));
  }

  protected override nextRequest(r: DebugProtocol.NextResponse, a: DebugProtocol.NextArguments): void { this.stepRequest(r, a.threadId, 'over', a.granularity); }
  protected override stepInRequest(r: DebugProtocol.StepInResponse, a: DebugProtocol.StepInArguments): void { this.stepRequest(r, a.threadId, 'in', a.granularity); }
  protected override stepOutRequest(r: DebugProtocol.StepOutResponse, a: DebugProtocol.StepOutArguments): void { this.stepRequest(r, a.threadId, 'out', a.granularity); }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse, args: DebugProtocol.StepBackArguments): void {
    const m = this.stoppedMachine(response, 'stepBack');
    if (!m) return;
    const err = m.checkThread(args.threadId);
    if (err) return this.fail(response, err);
    this.sendResponse(response);
    m.stepBack(args.threadId, gran(args.granularity));
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse, args: DebugProtocol.ReverseContinueArguments): void {
    const m = this.stoppedMachine(response, 'reverseContinue');
    if (!m) return;
    this.sendResponse(response);
    m.reverseContinue(args.threadId);
  }

  // ---- state ----

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const m = this.machine;
    response.body = { threads: m ? m.threads().map((t) => new Thread(t.id, t.name)) : [] };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const m = this.stoppedMachine(response, 'stackTrace');
    if (!m) return;
    const err = m.checkThread(args.threadId);
    if (err) return this.fail(response, err);
    const frames = m.stackTrace(args.threadId);
    const start = args.startFrame ?? 0;
    const levels = args.levels || frames.length;
    response.body = {
      totalFrames: frames.length,
      stackFrames: frames.slice(start, start + levels).map((f) => ({
        id: f.id, name: f.name, line: f.line ?? 0, column: f.line ? 1 : 0,
        source: f.source ? this.source(f.source) : undefined,
        instructionPointerReference: hex(f.pc),
        presentationHint: f.source ? 'normal' : 'subtle',
      })),
    };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const m = this.stoppedMachine(response, 'scopes');
    if (!m) return;
    const f = m.frame(args.frameId);
    if (!f) return this.fail(response, `scopes: unknown frame ${args.frameId}`);
    const scopes: DebugProtocol.Scope[] = [];
    if (f.args.length) scopes.push(new Scope(`Arguments (${f.frame.fn ?? '?'})`, this.vars.create({ kind: 'args', threadId: f.threadId, frameId: args.frameId }), false));
    const regs = new Scope('Registers', this.vars.create({ kind: 'registers', threadId: f.threadId }), false) as DebugProtocol.Scope;
    regs.presentationHint = 'registers';
    scopes.push(regs);
    if (m.syscallInfo(f.threadId)) scopes.push(new Scope('Syscall', this.vars.create({ kind: 'syscall', threadId: f.threadId }), false));
    if (m.goroutineInfo(f.threadId)) scopes.push(new Scope('Goroutine', this.vars.create({ kind: 'goroutine', threadId: f.threadId }), false));
    response.body = { scopes };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const m = this.machine;
    const ref = this.vars.get(args.variablesReference);
    // The UI asks by itself, also for references of an earlier stop: answer without a notification.
    if (!m || !ref) return this.fail(response, `variables: unknown reference ${args.variablesReference}`, true);
    if (m.running) return this.fail(response, 'variables: the program is running', true);
    let variables: DebugProtocol.Variable[] = [];
    switch (ref.kind) {
      case 'registers':
        variables = registerVariables(m.registers(ref.threadId), this.vars.create({ kind: 'rflags', threadId: ref.threadId }));
        break;
      case 'rflags':
        variables = flagVariables(m.registers(ref.threadId).rflags);
        break;
      case 'syscall': {
        const s = m.syscallInfo(ref.threadId);
        variables = s ? s.map((v) => ({ name: v.name, value: v.value, type: v.type, variablesReference: 0, memoryReference: v.memoryReference })) : [];
        break;
      }
      case 'goroutine': {
        const g = m.goroutineInfo(ref.threadId);
        variables = g ? g.map((v) => ({ name: v.name, value: v.value, variablesReference: 0 })) : [];
        break;
      }
      case 'args': {
        const f = m.frame(ref.frameId);
        variables = (f?.args ?? []).map((a) => ({ name: a.name, value: a.value, type: a.type, variablesReference: 0, memoryReference: a.memoryReference, evaluateName: a.name }));
        break;
      }
    }
    response.body = { variables };
    this.sendResponse(response);
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    const m = this.stoppedMachine(response, 'setVariable');
    if (!m) return;
    const ref = this.vars.get(args.variablesReference);
    if (!ref || (ref.kind !== 'registers' && ref.kind !== 'rflags')) return this.fail(response, `setVariable: only registers and flag bits can be set`);
    const value = parseRegisterValue(args.value, (e) => m.evaluate(e, ref.threadId).value);
    if (typeof value === 'string') return this.fail(response, `setVariable ${args.name}: ${value}`);
    const res = m.setRegister(ref.threadId, args.name, value, ref.kind === 'rflags');
    if ('error' in res) return this.fail(response, `setVariable ${args.name}: ${res.error}`);
    response.body = { value: res.value };
    this.sendResponse(response);
    this.sendEvent(new InvalidatedEvent(['variables']));
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const m = this.machine;
    if (!m) return this.fail(response, 'evaluate: no program is running');
    if (m.running) return this.fail(response, 'evaluate: the program is running');
    const threadId = args.frameId !== undefined ? m.frame(args.frameId)?.threadId : undefined;
    try {
      const r = m.evaluate(args.expression, threadId, args.frameId);
      const v = BigInt.asIntN(64, r.value);
      const text = r.register ? `${hex(r.value)}` : `${hex(r.value)} (${v})`;
      response.body = { result: text, variablesReference: 0, type: r.register ? m.plan9Name(r.register) : r.kind,
        memoryReference: r.addr !== undefined ? hex(r.addr) : r.kind === 'register' ? hex(r.value) : undefined };
      this.sendResponse(response);
    } catch (e) {
      // a hover over something that is not an expression shows nothing; the console shows the reason
      this.fail(response, `${args.context === 'hover' ? '' : 'evaluate: '}${errText(e)}`);
    }
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse, args: DebugProtocol.ExceptionInfoArguments): void {
    const m = this.machine;
    const info = m?.exceptionInfo(args.threadId);
    if (!info) return this.fail(response, 'exceptionInfo: the thread did not stop on an exception');
    response.body = { exceptionId: info.id, description: info.description, breakMode: info.breakMode,
      details: { message: info.description, typeName: info.id, stackTrace: info.details } };
    this.sendResponse(response);
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    const m = this.stoppedMachine(response, 'readMemory');
    if (!m) return;
    const base = parseAddr(args.memoryReference);
    if (base === undefined) return this.fail(response, `readMemory: bad memoryReference '${args.memoryReference}'`);
    const addr = base + (args.offset ?? 0);
    const count = Math.max(0, Math.min(args.count, 1 << 20));
    const r = m.readMemory(addr, count);
    if (r.data.length === 0 && count > 0) {
      response.body = { address: hex(addr), unreadableBytes: count };
    } else {
      response.body = { address: hex(addr), data: Buffer.from(r.data).toString('base64'), unreadableBytes: count - r.data.length };
    }
    this.sendResponse(response);
  }

  protected override writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    const m = this.stoppedMachine(response, 'writeMemory');
    if (!m) return;
    const base = parseAddr(args.memoryReference);
    if (base === undefined) return this.fail(response, `writeMemory: bad memoryReference '${args.memoryReference}'`);
    const addr = base + (args.offset ?? 0);
    const data = Buffer.from(args.data, 'base64');
    const r = m.writeMemory(addr, data, !!args.allowPartial);
    if (typeof r === 'string') return this.fail(response, r);
    response.body = { bytesWritten: r, offset: 0 };
    this.sendResponse(response);
    this.sendEvent(new InvalidatedEvent(['variables']));
  }

  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    // VS Code's Disassembly view asks on its own (while running too): its errors are answered quietly, never as
    // a notification
    const m = this.stoppedMachine(response, 'disassemble', true);
    if (!m) return;
    const base = parseAddr(args.memoryReference);
    if (base === undefined) return this.fail(response, `disassemble: bad memoryReference '${args.memoryReference}'`, true);
    const lines = m.disassemble(base + (args.offset ?? 0), args.instructionOffset ?? 0, Math.max(0, Math.min(args.instructionCount, 10000)));
    let lastSrc: string | undefined, lastLine: number | undefined;
    response.body = {
      instructions: lines.map((l) => {
        const ins: DebugProtocol.DisassembledInstruction = {
          address: hex(l.address),
          instructionBytes: Buffer.from(l.bytes).toString('hex').replace(/(..)(?!$)/g, '$1 '),
          instruction: l.text,
          symbol: l.symbol,
        };
        if (l.source && l.line !== undefined && (l.source.path !== lastSrc || l.line !== lastLine)) {
          ins.location = this.source(l.source);
          ins.line = l.line;
        }
        if (l.source) { lastSrc = l.source.path; lastLine = l.line; }
        if (l.invalid) ins.presentationHint = 'invalid';
        return ins;
      }),
    };
    this.sendResponse(response);
  }

  protected override sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    const m = this.machine;
    const ref = args.source?.sourceReference || args.sourceReference;
    const content = m?.sourceContent(ref);
    if (content === undefined) return this.fail(response, `source: unknown source reference ${ref}`);
    response.body = { content, mimeType: 'text/x-go' };
    this.sendResponse(response);
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: any): void {
    const m = this.machine;
    if (!m) return this.fail(response, `${command}: no program is running`);
    switch (command) {
      case 'scheduler':
        response.body = m.scheduler() ?? { gs: [], ms: [], ps: [], sched: { runq: [], npidle: 0, nmidle: 0, nmspinning: 0 }, t: m.virtualTime(), source: m.kind === 'model' ? 'model' : 'memory' };
        break;
      case 'syscallLog':
        response.body = { entries: m.syscallLog() };
        break;
      case 'timeline':
        response.body = m.timeline();
        break;
      case 'travelTo': {
        const seq = Number(args?.seq);
        if (!Number.isInteger(seq) || seq < 1) return this.fail(response, 'travelTo: seq must be a trace sequence number');
        if (m.running) return this.fail(response, 'travelTo: the program is running');
        this.sendResponse(response);
        m.travelTo(seq);
        return;
      }
      case 'machineState':
        if (m.running) return this.fail(response, 'machineState: the program is running');
        response.body = { dump: m.dumpState() };
        break;
      default:
        return this.fail(response, `unknown request '${command}'`);
    }
    this.sendResponse(response);
  }

  // ---- helpers ----

  private source(s: SourceRef): DebugProtocol.Source {
    if (s.reference) return { name: s.name, path: s.path, sourceReference: s.reference, presentationHint: 'deemphasize', origin: 'Go runtime model (read-only)' };
    return { name: s.name, path: s.path };
  }

  /** quiet: an error the UI asked for by itself (no notification pops up). */
  private fail(response: DebugProtocol.Response, message: string, quiet = false): void {
    this.sendErrorResponse(response, { id: ERR, format: message, showUser: !quiet });
  }

  protected override dispatchRequest(request: DebugProtocol.Request): void {
    // the adapter never dies because of its own error: answer with an error response instead
    try {
      super.dispatchRequest(request);
    } catch (e) {
      const response: DebugProtocol.Response = { type: 'response', seq: 0, request_seq: request.seq, command: request.command, success: false };
      this.fail(response, `${request.command}: internal error: ${errText(e)}`);
    }
  }
}

function gran(g?: string): Granularity { return g === 'instruction' ? 'instruction' : 'line'; }

function parseAddr(ref: string): number | undefined {
  const s = String(ref).trim();
  if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function errText(e: unknown): string { return e instanceof Error ? e.message : String(e); }

/** Launch attribute checks: one message naming the bad attribute. */
export function validateLaunch(a: LaunchArgs): string | undefined {
  if (typeof a.program !== 'string' || !a.program) return 'launch: "program" is required (a .s model program, a linux/amd64 ELF, a .go file or a package folder)';
  if (!existsSync(a.program)) return `launch: program ${a.program} does not exist`;
  if (a.args !== undefined && (!Array.isArray(a.args) || a.args.some((x) => typeof x !== 'string'))) return 'launch: "args" must be an array of strings';
  if (a.env !== undefined && (typeof a.env !== 'object' || a.env === null || Array.isArray(a.env) || Object.values(a.env).some((v) => typeof v !== 'string'))) return 'launch: "env" must be an object of strings';
  if (a.cwd !== undefined && typeof a.cwd !== 'string') return 'launch: "cwd" must be a string';
  if (a.stdin !== undefined && typeof a.stdin !== 'string') return 'launch: "stdin" must be a string';
  if (a.stopOnEntry !== undefined && typeof a.stopOnEntry !== 'boolean') return 'launch: "stopOnEntry" must be true or false';
  if (a.gomaxprocs !== undefined && (!Number.isInteger(a.gomaxprocs) || a.gomaxprocs < 1 || a.gomaxprocs > 256)) return 'launch: "gomaxprocs" must be an integer from 1 to 256';
  if (a.root !== undefined && (typeof a.root !== 'string' || !existsSync(a.root))) return `launch: "root" ${a.root} is not an existing folder`;
  if (a.maxInstructions !== undefined && (!Number.isInteger(a.maxInstructions) || a.maxInstructions < 0)) return 'launch: "maxInstructions" must be a non-negative integer';
  if (a.goBuildFlags !== undefined && (!Array.isArray(a.goBuildFlags) || a.goBuildFlags.some((x) => typeof x !== 'string'))) return 'launch: "goBuildFlags" must be an array of strings';
  return undefined;
}
