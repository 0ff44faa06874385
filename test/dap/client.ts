// A fresh DebugClient per test, talking DAP over stdio to dist/debugAdapter.js (as VS Code does).
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const ADAPTER = join(ROOT, 'dist', 'debugAdapter.js');
export const SAMPLES = join(ROOT, 'samples');
export const sample = (name: string) => join(SAMPLES, name);

export async function withClient(fn: (dc: DebugClient) => Promise<void>): Promise<void> {
  const dc = new DebugClient('node', ADAPTER, 'gosyscall', { stdio: 'pipe' } as any, true);
  dc.defaultTimeout = 15000;
  await dc.start();
  try {
    await dc.initializeRequest({ adapterID: 'gosyscall', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsMemoryReferences: true } as DebugProtocol.InitializeRequestArguments);
    await fn(dc);
  } finally {
    await dc.stop().catch(() => undefined);
  }
}

/** launch + exception filters + configurationDone; resolves with the first stopped event. */
export async function launchAndStop(dc: DebugClient, args: Record<string, unknown>, filters: DebugProtocol.SetExceptionBreakpointsArguments = { filters: [] },
  before?: () => Promise<void>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped');
  await Promise.all([dc.waitForEvent('initialized'), dc.launch(args as any)]);
  await dc.setExceptionBreakpointsRequest(filters);
  if (before) await before();
  await dc.configurationDoneRequest();
  return (await stopped) as DebugProtocol.StoppedEvent;
}

export async function nextStop(dc: DebugClient, action: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped');
  await action();
  return (await stopped) as DebugProtocol.StoppedEvent;
}

export async function topFrame(dc: DebugClient, threadId: number): Promise<DebugProtocol.StackFrame> {
  const st = await dc.stackTraceRequest({ threadId });
  return st.body.stackFrames[0];
}

export async function scopeVars(dc: DebugClient, frameId: number, scopeName: string): Promise<Map<string, DebugProtocol.Variable>> {
  const sc = await dc.scopesRequest({ frameId });
  const s = sc.body.scopes.find((x) => x.name === scopeName);
  if (!s) throw new Error(`no ${scopeName} scope (have ${sc.body.scopes.map((x) => x.name).join(', ')})`);
  const v = await dc.variablesRequest({ variablesReference: s.variablesReference });
  return new Map(v.body.variables.map((x) => [x.name, x]));
}

export async function registers(dc: DebugClient, threadId: number): Promise<Map<string, DebugProtocol.Variable>> {
  const f = await topFrame(dc, threadId);
  return scopeVars(dc, f.id, 'Registers');
}

export async function expectError(p: Promise<unknown>, re: RegExp): Promise<string> {
  try { await p; } catch (e) {
    const msg = (e as Error).message;
    if (!re.test(msg)) throw new Error(`error '${msg}' does not match ${re}`);
    return msg;
  }
  throw new Error(`expected an error matching ${re}`);
}
