// One place that follows the gosyscall debug session: it watches the DAP traffic (a tracker), keeps the last
// scheduler snapshot, syscall log and stop, and tells the views when to refresh. Everything is dropped when the
// session ends, and answers that arrive after their stop (or after the end) are ignored: no stale views.
import * as vscode from 'vscode';
import type { SchedSnapshot } from '../goruntime/snapshot';
import { sanitizeSnapshot } from './schedulerModel';
import { sanitizeSyscallLog, type SyscallEntry } from './syscallFormat';
import { originOf } from './timelineTypes';

export interface StopInfo { threadId: number | undefined; reason: string; description?: string; text?: string }

export type HubChange = 'stopped' | 'scheduler' | 'syscalls' | 'running' | 'ended';

const RUNNING_COMMANDS = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'goto', 'restart', 'travelTo']);

export class SessionHub implements vscode.Disposable {
  session: vscode.DebugSession | undefined;
  stop: StopInfo | undefined;
  snapshot: SchedSnapshot | null = null;
  previous: SchedSnapshot | null = null;
  syscalls: SyscallEntry[] = [];
  /** The session's first known virtual time (ns): views show times as +offsets from it. */
  origin: number | undefined;
  /** Bumped on every stop, run and end: a late answer carries an old generation and is dropped. */
  generation = 0;
  private snapshotGeneration = -1;
  private pendingSnapshot: { session: vscode.DebugSession; body: unknown } | undefined;
  private readonly emitter = new vscode.EventEmitter<HubChange>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(
      vscode.debug.registerDebugAdapterTrackerFactory('gosyscall', { createDebugAdapterTracker: s => this.tracker(s) }),
      vscode.debug.onDidTerminateDebugSession(s => { if (s === this.session || (!this.session && s.type === 'gosyscall')) this.clear(); }),
      this.emitter,
    );
  }

  dispose(): void { for (const d of this.disposables) d.dispose(); }

  get stopped(): boolean { return !!this.session && !!this.stop; }

  private tracker(session: vscode.DebugSession): vscode.DebugAdapterTracker {
    // requests that resume the program, by seq, with the generation they were sent in: a response that comes
    // after a newer stop must not mark the program running again
    const pending = new Map<number, number>();
    return {
      onWillReceiveMessage: (msg: { type?: string; command?: string; seq?: number }) => {
        if (msg.type === 'request' && RUNNING_COMMANDS.has(msg.command ?? '') && typeof msg.seq === 'number') pending.set(msg.seq, this.generation);
      },
      onDidSendMessage: (msg: { type?: string; event?: string; command?: string; success?: boolean; body?: any; request_seq?: number }) => {
        try {
          if (msg.type === 'event' && msg.event === 'stopped') this.onStopped(session, msg.body ?? {});
          else if (msg.type === 'event' && msg.event === 'scheduler') {
            // this adapter sends it just before `stopped`: it belongs to the coming stop (every stop also asks
            // for the snapshot, so an adapter that sends it after the stop is served too)
            this.pendingSnapshot = { session, body: msg.body };
          }
          else if (msg.type === 'event' && msg.event === 'continued') this.onRunning(session);
          else if (msg.type === 'response' && RUNNING_COMMANDS.has(msg.command ?? '')) {
            const gen = pending.get(msg.request_seq ?? -1);
            pending.delete(msg.request_seq ?? -1);
            if (msg.success && gen === this.generation) this.onRunning(session);
          }
          else if (msg.type === 'event' && (msg.event === 'terminated' || msg.event === 'exited')) {
            if (session === this.session) { this.stop = undefined; this.generation++; this.emitter.fire('running'); }
          }
        } catch { /* a malformed message never breaks the views */ }
      },
      onExit: () => { if (session === this.session) this.clear(); },
    };
  }

  private onStopped(session: vscode.DebugSession, body: { threadId?: number; reason?: string; description?: string; text?: string }): void {
    if (this.session !== session) { this.session = session; this.snapshot = null; this.previous = null; this.syscalls = []; this.origin = undefined; }
    this.generation++;
    this.stop = { threadId: body.threadId, reason: String(body.reason ?? ''), description: body.description, text: body.text };
    const pending = this.pendingSnapshot;
    this.pendingSnapshot = undefined;
    if (pending?.session === session) this.setSnapshot(session, pending.body);
    this.emitter.fire('stopped');
    const gen = this.generation;
    void this.request<unknown>('scheduler', {}, gen).then(s => { if (s !== undefined) this.setSnapshot(session, s); });
    void this.refreshSyscalls(gen);
  }

  private onRunning(session: vscode.DebugSession): void {
    if (session !== this.session || !this.stop) return;
    this.stop = undefined;
    this.generation++;
    this.emitter.fire('running');
  }

  private setSnapshot(session: vscode.DebugSession, raw: unknown): void {
    if (this.session !== session) return;
    const snap = sanitizeSnapshot(raw);
    if (!snap) return;
    // `previous` is the snapshot of the previous stop, however often this stop's snapshot arrives
    if (this.snapshotGeneration !== this.generation) { this.previous = this.snapshot; this.snapshotGeneration = this.generation; }
    this.snapshot = snap;
    this.noteTime(snap.t);
    this.emitter.fire('scheduler');
  }

  private noteTime(t: number): void {
    if (Number.isFinite(t) && t > 0 && (this.origin === undefined || t < this.origin)) this.origin = originOf(t);
  }

  private async refreshSyscalls(gen: number): Promise<void> {
    const log = await this.request<unknown>('syscallLog', {}, gen);
    if (log === undefined) return;
    this.syscalls = sanitizeSyscallLog(log);
    for (const e of this.syscalls) this.noteTime(e.t);
    this.emitter.fire('syscalls');
  }

  /** A request to the current session; undefined when it fails or when its answer is stale. */
  async request<T>(command: string, args: object = {}, gen = this.generation): Promise<T | undefined> {
    const session = this.session;
    if (!session) return undefined;
    try {
      const r = await session.customRequest(command, args) as T;
      return gen === this.generation && session === this.session ? r : undefined;
    } catch {
      return undefined;
    }
  }

  private clear(): void {
    this.session = undefined;
    this.stop = undefined;
    this.snapshot = null;
    this.previous = null;
    this.syscalls = [];
    this.origin = undefined;
    this.pendingSnapshot = undefined;
    this.generation++;
    this.emitter.fire('ended');
  }
}
