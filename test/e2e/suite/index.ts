// The extension's own tests, run inside a real VS Code (code-server + Chromium, test/e2e/runE2E.mjs) through the
// standard run() contract: throw = failure. Screenshots and report lines go to the harness over HTTP (README.md).
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GoSyscallApi } from '../../../src/extension/extension';

const SHOT_URL = process.env.GOSYSCALL_E2E_SCREENSHOT_URL;
const EXT_ID = 'gosyscall.go-syscall-stepper';
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function report(line: string): Promise<void> {
  console.log(`[e2e] ${line}`);
  if (!SHOT_URL) return;
  try { await fetch(`${new URL('log', SHOT_URL)}?line=${encodeURIComponent(line)}`); } catch { /* harness gone: console only */ }
}

async function screenshot(name: string): Promise<void> {
  if (!SHOT_URL) return;
  await sleep(700);
  try { await fetch(`${SHOT_URL}?name=${encodeURIComponent(name)}`); } catch (e) { await report(`# screenshot ${name} failed: ${(e as Error).message}`); }
}

interface DapMessage { type: string; event?: string; body?: any; command?: string }

/** Every message the gosyscall adapter sends, for waiting on events. */
class Traffic {
  readonly messages: { session: vscode.DebugSession; msg: DapMessage }[] = [];
  constructor(ctx: vscode.Disposable[]) {
    ctx.push(vscode.debug.registerDebugAdapterTrackerFactory('gosyscall', {
      createDebugAdapterTracker: session => ({ onDidSendMessage: (msg: DapMessage) => { this.messages.push({ session, msg }); } }),
    }));
  }
  mark(): number { return this.messages.length; }
  async waitEvent(from: number, event: string, pred: (body: any) => boolean = () => true, ms = 60_000): Promise<{ session: vscode.DebugSession; body: any }> {
    const end = Date.now() + ms;
    for (let i = from; ; ) {
      for (; i < this.messages.length; i++) {
        const { session, msg } = this.messages[i];
        if (msg.type === 'event' && msg.event === event && pred(msg.body ?? {})) return { session, body: msg.body ?? {} };
      }
      if (Date.now() > end) {
        const seen = this.messages.slice(from).filter(m => m.msg.type === 'event').map(m => `${m.msg.event}${m.msg.body?.reason ? `(${m.msg.body.reason})` : ''}${m.msg.event === 'output' ? `:${String(m.msg.body?.output).trim().slice(0, 120)}` : ''}`);
        throw new Error(`no '${event}' event within ${ms} ms; events seen: ${seen.slice(-12).join(', ') || 'none'}`);
      }
      await sleep(50);
    }
  }
}

/** Sets the colour theme where it wins: the harness puts one in the workspace settings. */
async function setTheme(name: string): Promise<void> {
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration('workbench').update('colorTheme', name, target).then(undefined, () => undefined);
  await sleep(1000);
}

async function until<T>(what: string, get: () => T | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function samplePath(name: string, extPath: string): string | undefined {
  const ws = process.env.GOSYSCALL_E2E_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  for (const p of [ws && join(ws, name), ws && join(ws, 'samples', name), join(extPath, 'samples', name)]) if (p && existsSync(p)) return p;
  return undefined;
}

export async function run(): Promise<void> {
  const disposables: vscode.Disposable[] = [];
  const traffic = new Traffic(disposables);
  const failures: string[] = [];
  let skipRest = false;
  let n = 0;
  const t = async (name: string, fn: () => Promise<void>, critical = false) => {
    n++;
    if (skipRest) { failures.push(name); await report(`not ok ${n} - ${name} # not run: an earlier step failed`); return; }
    const t0 = Date.now();
    try {
      await fn();
      await report(`ok ${n} - ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failures.push(name);
      await report(`not ok ${n} - ${name}: ${(e as Error).message}`);
      await screenshot(`fail-${String(n).padStart(2, '0')}`);
      if (critical) skipRest = true;
    }
  };

  // the web workbench ignores the theme in settings at start: screenshots name their theme, so set it
  await setTheme('Default Dark Modern');
  const ext = vscode.extensions.getExtension<GoSyscallApi>(EXT_ID);
  let api: GoSyscallApi | undefined;
  let session: vscode.DebugSession | undefined;
  let threadId = 0;
  let hello: string | undefined;

  await t('the extension activates', async () => {
    if (!ext) throw new Error(`extension ${EXT_ID} is not installed`);
    api = await ext.activate();
    if (typeof api?.schedulerNodes !== 'function') throw new Error('activate() did not return the API');
    hello = samplePath('hello.s', ext.extensionPath);
    if (!hello) throw new Error('samples/hello.s not found');
  }, true);

  await t('hello.s opens as Go assembly and the views are empty without a session', async () => {
    const doc = await vscode.workspace.openTextDocument(hello!);
    await vscode.window.showTextDocument(doc);
    if (doc.languageId !== 'go.asm') throw new Error(`languageId ${doc.languageId}, want go.asm`);
    if (api!.schedulerNodes().length) throw new Error('scheduler view has items before any session');
    await vscode.commands.executeCommand('gosyscall.scheduler.focus');
    await screenshot('00-no-session');
  });

  await t('hovering the syscall number before a syscall names it, without a session', async () => {
    const doc = await vscode.workspace.openTextDocument(hello!);
    const line = doc.getText().split(/\r?\n/).findIndex(l => /^\s*MOV[LQ]\s+\$\w+,\s*(?:AX|0\(SP\))/.test(l));
    if (line < 0) throw new Error('hello.s has no MOVQ $N, AX / 0(SP) line');
    const col = doc.lineAt(line).text.indexOf('$') + 1;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, col));
    const text = hovers.flatMap(h => h.contents.map(c => (typeof c === 'string' ? c : c.value))).join('\n');
    if (!/\*\*write\*\*/.test(text)) throw new Error(`hover on line ${line + 1} says ${JSON.stringify(text)}, want write`);
  });

  await t('Open Samples opens hello.s', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('gosyscall.openSamples');
    await until('hello.s in the editor', () => vscode.window.activeTextEditor?.document.uri.path.endsWith('/hello.s'), 5000);
  });

  await t('a bad program gives an error and no session', async () => {
    const ok = await vscode.debug.startDebugging(undefined, { type: 'gosyscall', request: 'launch', name: 'bad', program: '/nonexistent/prog.s' });
    if (ok) throw new Error('startDebugging accepted a missing program');
    await sleep(300);
    if (vscode.debug.activeDebugSession) throw new Error('a session is running after a bad launch');
    await vscode.commands.executeCommand('notifications.clearAll').then(undefined, () => undefined);
  });

  await t('F5 on hello.s without a launch.json starts a session that stops on entry', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(hello!));
    const from = traffic.mark();
    await vscode.commands.executeCommand('workbench.action.debug.start');
    const stop = await traffic.waitEvent(from, 'stopped');
    if (stop.body.reason !== 'entry') throw new Error(`stopped with reason ${stop.body.reason}, want entry`);
    const cfg = stop.session.configuration;
    if (cfg.type !== 'gosyscall' || !String(cfg.program).endsWith('hello.s')) throw new Error(`configuration ${JSON.stringify(cfg)}`);
    const ended = new Promise<void>(r => { const d = vscode.debug.onDidTerminateDebugSession(x => { if (x === stop.session) { d.dispose(); r(); } }); });
    await vscode.debug.stopDebugging(stop.session);
    await Promise.race([ended, sleep(15_000)]);
  });

  await t('startDebugging on hello.s stops on entry', async () => {
    const from = traffic.mark();
    const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0],
      { type: 'gosyscall', request: 'launch', name: 'e2e hello.s', program: hello, stopOnEntry: true });
    if (!started) throw new Error('startDebugging returned false');
    const stop = await traffic.waitEvent(from, 'stopped');
    session = stop.session;
    threadId = stop.body.threadId;
    if (stop.body.reason !== 'entry') throw new Error(`stopped with reason ${stop.body.reason}, want entry`);
    await screenshot('01-stopped-on-entry');
  }, true);

  await t('the call stack shows a frame in the .s file', async () => {
    const st = await session!.customRequest('stackTrace', { threadId, startFrame: 0, levels: 20 });
    const top = st.stackFrames?.[0];
    if (!top?.source?.path?.endsWith('.s')) throw new Error(`top frame ${JSON.stringify(top)} is not in a .s file`);
    await vscode.commands.executeCommand('workbench.debug.action.focusCallStackView').then(undefined, () => undefined);
  });

  const syscallWithPsyscall = async () => {
    // Continue to SYSCALL stops until one has a P in _Psyscall (the first may be a raw runtime call).
    for (let i = 0; i < 6; i++) {
      const from = traffic.mark();
      await vscode.commands.executeCommand('workbench.action.debug.continue');
      const stop = await traffic.waitEvent(from, 'stopped');
      threadId = stop.body.threadId;
      if (stop.body.reason !== 'syscall') throw new Error(`stopped with reason ${stop.body.reason} (${stop.body.description ?? ''}), want syscall`);
      const snap = await session!.customRequest('scheduler');
      if (snap?.ps?.some((p: { status: string }) => p.status === '_Psyscall')) return stop.body;
    }
    throw new Error('no SYSCALL stop with a P in _Psyscall');
  };

  await t('with the syscall filter on, continue stops before a SYSCALL', async () => {
    await session!.customRequest('setExceptionBreakpoints', { filters: ['syscall', 'fault'] });
    await syscallWithPsyscall();
    await screenshot('02-stopped-at-syscall');
  }, true);

  await t('Variables shows RAX in the Registers scope', async () => {
    const st = await session!.customRequest('stackTrace', { threadId, startFrame: 0, levels: 1 });
    const scopes = await session!.customRequest('scopes', { frameId: st.stackFrames[0].id });
    const regs = scopes.scopes.find((s: { name: string }) => s.name === 'Registers');
    if (!regs) throw new Error(`no Registers scope: ${scopes.scopes.map((s: { name: string }) => s.name).join(', ')}`);
    const vars = await session!.customRequest('variables', { variablesReference: regs.variablesReference });
    const rax = vars.variables.find((v: { name: string }) => v.name === 'RAX');
    if (!rax || !/^0x[0-9a-f]+$/i.test(rax.value)) throw new Error(`RAX missing or not hex: ${JSON.stringify(rax)}`);
    await vscode.commands.executeCommand('workbench.debug.action.focusVariablesView').then(undefined, () => undefined);
    await screenshot('03-variables-rax');
  });

  await t('the SYSCALL line is decorated', async () => {
    const d = await until('the SYSCALL line decoration', () => api!.syscallLine(), 10_000);
    const doc = vscode.workspace.textDocuments.find(x => x.uri.toString() === d.uri);
    if (!doc) throw new Error(`the decorated document ${d.uri} is not open (open: ${vscode.workspace.textDocuments.map(x => x.uri.toString()).join(', ')})`);
    if (!vscode.window.visibleTextEditors.some(e => e.document === doc)) throw new Error('the decorated document is not visible');
    if (!/SYSCALL/.test(doc.lineAt(d.line).text)) throw new Error(`decorated line ${d.line + 1} is not a SYSCALL: ${doc.lineAt(d.line).text}`);
  });

  await t('the Scheduler view shows a P in _Psyscall', async () => {
    await vscode.commands.executeCommand('gosyscall.scheduler.focus');
    const nodes = await until('a P in _Psyscall in the Scheduler view', () => {
      const ps = api!.schedulerNodes().find(n => n.id === 'Ps')?.children ?? [];
      return ps.some(p => p.description?.startsWith('_Psyscall')) && ps;
    });
    if (!nodes.length) throw new Error('no Ps');
    await screenshot('04-scheduler-psyscall');
  });

  await t('the timeline renders its lanes', async () => {
    await vscode.commands.executeCommand('gosyscall.showTimeline');
    const r = await until('the timeline to draw lanes', () => (api!.timeline.rendered?.lanes ?? 0) > 0 && api!.timeline.rendered, 20_000);
    if (r.intervals < 1) throw new Error(`timeline drew ${r.lanes} lanes but no intervals`);
    await screenshot('06-timeline-dark');
    await setTheme('Default Light Modern');
    await screenshot('07-timeline-light');
    await setTheme('Default Dark Modern');
  });

  await t('the Disassembly view opens and steps an instruction', async () => {
    await vscode.commands.executeCommand('debug.action.openDisassemblyView');
    await sleep(1000);
    const from = traffic.mark();
    await session!.customRequest('next', { threadId, granularity: 'instruction' });
    const stop = await traffic.waitEvent(from, 'stopped');
    threadId = stop.body.threadId;
    await sleep(500);
    await screenshot('08-disassembly-step');
    // close it: a Disassembly view left open keeps asking the next session for instructions while it runs
    await vscode.window.tabGroups.close(vscode.window.tabGroups.all.flatMap(g => g.tabs).filter(x => x.label === 'Disassembly'));
  });

  await t('the Syscalls view lists the log and reveals a syscall\'s line', async () => {
    await vscode.commands.executeCommand('gosyscall.syscalls.focus');
    const first = await until('a syscall in the log', () => api!.syscalls()[0]);
    await vscode.commands.executeCommand('gosyscall.revealSyscall', first);
    await until('an editor on the syscall\'s source', () => vscode.window.activeTextEditor?.document.uri.path.endsWith('.s'));
    await screenshot('05-syscalls');
  });

  await t('Travel Here runs back to a stop before that SYSCALL', async () => {
    const first = api!.syscalls()[0];
    if (!first) throw new Error('no syscall in the log');
    const from = traffic.mark();
    await vscode.commands.executeCommand('gosyscall.travelHere', first);
    const stop = await traffic.waitEvent(from, 'stopped');
    threadId = stop.body.threadId;
    await until('the hub to see the stop', () => api!.hub.stopped);
    await screenshot('09-travelled');
  });

  await t('the session ends cleanly and the views empty', async () => {
    const s = session!;
    const ended = new Promise<void>(r => { const d = vscode.debug.onDidTerminateDebugSession(x => { if (x === s) { d.dispose(); r(); } }); });
    await vscode.debug.stopDebugging(s);
    await Promise.race([ended, sleep(15_000).then(() => { throw new Error('session did not terminate'); })]);
    await until('the Scheduler view to empty', () => api!.schedulerNodes().length === 0);
    if (api!.syscalls().length) throw new Error('Syscalls view still has entries');
    await until('the timeline to show its empty state', () => api!.timeline.rendered?.lanes === 0, 5000);
    await screenshot('10-after-session');
  });

  await t('blocking.s: the handoff filter stops when sysmon retakes the P; the timeline marks it', async () => {
    const blocking = samplePath('blocking.s', ext!.extensionPath);
    if (!blocking) throw new Error('samples/blocking.s not found');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(blocking));
    let from = traffic.mark();
    if (!await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0],
      { type: 'gosyscall', request: 'launch', name: 'e2e blocking.s', program: blocking, stopOnEntry: true, gomaxprocs: 2 })) throw new Error('startDebugging returned false');
    const entry = await traffic.waitEvent(from, 'stopped');
    session = entry.session;
    await session.customRequest('setExceptionBreakpoints', { filters: ['handoff', 'fault'] });
    from = traffic.mark();
    await vscode.commands.executeCommand('workbench.action.debug.continue');
    const stop = await traffic.waitEvent(from, 'stopped');
    if (!/handoff/i.test(String(stop.body.description ?? ''))) throw new Error(`stopped (${stop.body.reason}) with description ${JSON.stringify(stop.body.description)}, want a handoff`);
    await vscode.commands.executeCommand('gosyscall.showTimeline');
    await until('a handoff mark in the timeline', () => (api!.timeline.rendered?.marks ?? 0) > 0, 20_000)
      .catch(e => { throw new Error(`${(e as Error).message}; rendered ${JSON.stringify(api!.timeline.rendered)}, hub stop ${JSON.stringify(api!.hub.stop)}`); });
    await vscode.commands.executeCommand('gosyscall.scheduler.focus');
    await screenshot('11-blocking-handoff-dark');
    await setTheme('Default Light Modern');
    await screenshot('12-blocking-handoff-light');
    await setTheme('Default Dark Modern');
    const s = session;
    const ended = new Promise<void>(r => { const d = vscode.debug.onDidTerminateDebugSession(x => { if (x === s) { d.dispose(); r(); } }); });
    await vscode.debug.stopDebugging(s);
    await Promise.race([ended, sleep(15_000)]);
  });

  for (const d of disposables) d.dispose();
  await report(`${n - failures.length}/${n} passed`);
  if (failures.length) throw new Error(`${failures.length} e2e test(s) failed: ${failures.join('; ')}`);
}
