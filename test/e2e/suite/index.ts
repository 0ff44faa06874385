// The extension's own tests, run inside a real VS Code (code-server + Chromium, test/e2e/runE2E.mjs) through the
// standard run() contract: throw = failure. Screenshots, report lines and UI actions (clicks, keys, DOM reads) go
// to the harness over HTTP (README.md); without the harness the same steps run through the API.
import * as vscode from 'vscode';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { GoSyscallApi } from '../../../src/extension/extension';
import { report, screenshot, screenshotBothThemes, setTheme, sleep, stopSession, Traffic, ui, until } from './harness';
import { addWatch, clearNotifications, collapsePane, expandPane, SEL, setExceptionFilter, setScopeExpanded, settledToasts, toastMessages } from './workbench';

const EXT_ID = 'gosyscall.go-syscall-stepper';
/** The adapter's exception filter labels (src/machine/types.ts): what the Breakpoints view shows. */
const FILTER_SYSCALL = 'Syscall (before SYSCALL)';
const FILTER_HANDOFF = 'P handoff / retake';
const FILTER_EXITSYSCALL = 'runtime·exitsyscall';

function workspaceDir(): string | undefined {
  return process.env.GOSYSCALL_E2E_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function samplePath(name: string, extPath: string): string | undefined {
  const ws = workspaceDir();
  for (const p of [ws && join(ws, name), ws && join(ws, 'samples', name), join(extPath, 'samples', name)]) if (p && existsSync(p)) return p;
  return undefined;
}

/** Programs a person might point a launch at by mistake (issue 2's bad input), written into the workspace. */
function writeBadPrograms(): Record<'text' | 'folder' | 'arm64' | 'broken', string> {
  const dir = join(workspaceDir() ?? join(tmpdir(), 'gosyscall-e2e-bad'), 'bad-input');
  mkdirSync(join(dir, 'no-go-here'), { recursive: true });
  writeFileSync(join(dir, 'notes.txt'), 'not a program\n');
  writeFileSync(join(dir, 'no-go-here', 'README.md'), 'a folder without .go files\n');
  // an ELF64 header for linux/arm64 (e_machine 183): a real binary's first bytes, built for another CPU
  const elf = Buffer.alloc(64);
  elf.write('\x7fELF', 0, 'latin1');
  elf[4] = 2; elf[5] = 1; elf[6] = 1;
  elf.writeUInt16LE(2, 16);     // ET_EXEC
  elf.writeUInt16LE(183, 18);   // EM_AARCH64
  writeFileSync(join(dir, 'hello-arm64'), elf);
  writeFileSync(join(dir, 'broken.s'), '#include "textflag.h"\n\nTEXT ·main(SB), NOSPLIT, $0-0\n\tMOVQ\t$1, AX BX CX\n\tNOTANINSTRUCTION\n\tRET\n');
  return { text: join(dir, 'notes.txt'), folder: join(dir, 'no-go-here'), arm64: join(dir, 'hello-arm64'), broken: join(dir, 'broken.s') };
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
  const folder = vscode.workspace.workspaceFolders?.[0];
  let api: GoSyscallApi | undefined;
  let session: vscode.DebugSession | undefined;
  let threadId = 0;
  let hello: string | undefined;

  const topFrame = async () => (await session!.customRequest('stackTrace', { threadId, startFrame: 0, levels: 1 })).stackFrames[0];
  /** Continues (the toolbar's Continue) and returns the next stop. */
  const continueToStop = async () => {
    const from = traffic.mark();
    await vscode.commands.executeCommand('workbench.action.debug.continue');
    const stop = await traffic.waitEvent(from, 'stopped');
    threadId = stop.body.threadId;
    return stop.body as { reason: string; description?: string; threadId: number };
  };
  /** Turns an exception filter on or off the way a person does (Breakpoints view), or through DAP without the harness. */
  const useFilters = async (on: string[], off: string[], ids: string[]) => {
    if (ui.available) {
      for (const label of off) await setExceptionFilter(label, false);
      for (const label of on) await setExceptionFilter(label, true);
      // VS Code tells the adapter: the last setExceptionBreakpoints this session got carries exactly the wanted
      // filters (a box already ticked was sent when the session started)
      await until(`setExceptionBreakpoints with ${ids.join(', ')}`, () => {
        const sent = traffic.requests(0, 'setExceptionBreakpoints', session).pop()?.arguments;
        const f = [...(sent?.filters ?? []), ...(sent?.filterOptions ?? []).map((o: { filterId: string }) => o.filterId)];
        return sent && ids.every(id => f.includes(id)) && !f.some(id => !ids.includes(id) && id !== 'fault');
      }, 10_000);
    } else {
      await session!.customRequest('setExceptionBreakpoints', { filters: [...ids, 'fault'] });
    }
  };

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

  await t('a mistake typed into hello.s shows in Problems before saving, and goes when undone', async () => {
    const doc = await vscode.workspace.openTextDocument(hello!);
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc.getText().split(/\r?\n/).findIndex(l => /^\s*(SYSCALL\b|CALL\s)/.test(l));
    if (line < 0) throw new Error('hello.s has no CALL or SYSCALL line');
    const ours = () => vscode.languages.getDiagnostics(doc.uri).filter(d => d.source === 'gosyscall asm');
    if (ours().length) throw new Error(`hello.s has diagnostics before the edit: ${ours().map(d => d.message).join('; ')}`);
    await editor.edit(e => e.insert(new vscode.Position(line, 0), '\tMOVQ $1\n'));
    if (!doc.isDirty) throw new Error('the edit did not make hello.s dirty');
    try {
      await until('a diagnostic on the typed line', () => ours().some(d => d.range.start.line === line), 20_000);
      // `undo` goes to the editor that has the keyboard focus
      await vscode.window.showTextDocument(doc, { preserveFocus: false });
      await vscode.commands.executeCommand('undo');
      await until('the diagnostic gone after undo', () => !doc.isDirty && ours().length === 0, 20_000);
    } finally {
      // a failure here must not leave the mistake in hello.s for the debugging steps below (F5 saves dirty files)
      if (doc.isDirty) {
        await vscode.window.showTextDocument(doc, { preserveFocus: false });
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
    }
  });

  await t('Open Samples opens hello.s', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('gosyscall.openSamples');
    await until('hello.s in the editor', () => vscode.window.activeTextEditor?.document.uri.path.endsWith('/hello.s'), 10_000);
  });

  // ---- issue 2, bad input: the session ends at once with one clear message, never a hung session ----
  const bad = writeBadPrograms();
  /**
   * A launch of `program` is refused: no session, no adapter left running, exactly one message saying `want`.
   * The configuration provider refuses before any adapter starts (a notification); a launch the adapter fails
   * (a .s that does not assemble) ends in VS Code's modal error dialog, which test mode refuses to show: its
   * text comes back as startDebugging's error.
   */
  const refused = async (program: string, want: RegExp) => {
    await clearNotifications();
    const from = traffic.mark();
    const t0 = Date.now();
    let ok: boolean;
    let dialog: string | undefined;
    try {
      ok = await vscode.debug.startDebugging(folder, { type: 'gosyscall', request: 'launch', name: 'bad input', program });
    } catch (e) {
      const m = /^DialogService: refused to show dialog in tests\. Contents: ([\s\S]*)$/.exec((e as Error).message);
      if (!m) throw e;
      ok = false;
      dialog = m[1];
    }
    if (ok) throw new Error(`startDebugging accepted ${program}`);
    const started = traffic.messages.slice(from).map(m => m.session).filter((s, i, a) => a.indexOf(s) === i);
    // an adapter that was started for it (the launch failed there) must be gone quickly
    for (const s of started) await until(`the adapter of ${s.name} to exit`, () => traffic.exits.some(e => e.session === s), 15_000);
    if (vscode.debug.activeDebugSession) throw new Error(`a session (${vscode.debug.activeDebugSession.name}) is running after the refused launch`);
    const ms = Date.now() - t0;
    if (ms > 20_000) throw new Error(`refusing ${program} took ${ms} ms`);
    if (dialog !== undefined) {
      if (!want.test(dialog)) throw new Error(`the error dialog says ${JSON.stringify(dialog)}, want ${want}`);
      // test mode turns the refused dialog into one notification of the same text: nothing else may be shown
      const others = ui.available ? (await toastMessages()).filter(x => !x.includes('refused to show dialog in tests')) : [];
      if (others.length) throw new Error(`notifications besides the error dialog: ${JSON.stringify(others)}`);
      await report(`# the error dialog for ${program.split('/').pop()}: ${JSON.stringify(dialog)}`);
    } else if (ui.available) {
      const msgs = await settledToasts();
      if (msgs.length !== 1) throw new Error(`${msgs.length} notifications, want one: ${JSON.stringify(msgs)}`);
      if (!want.test(msgs[0])) throw new Error(`the message ${JSON.stringify(msgs[0])} does not match ${want}`);
    }
  };
  await t('bad input: a missing program is refused with one message, no session', async () => {
    await refused('/nonexistent/prog.s', /^Go Syscall Stepper cannot run prog\.s: the file does not exist/);
  });
  await t('bad input: an unknown kind of program (a .txt file) is refused with one message', async () => {
    await refused(bad.text, /^Go Syscall Stepper cannot run notes\.txt: it is not a program/);
  });
  await t('bad input: a folder without Go files is refused with one message', async () => {
    await refused(bad.folder, /^Go Syscall Stepper cannot run no-go-here: the folder holds no \.go files/);
  });
  await t('bad input: a linux/arm64 binary is refused with one message', async () => {
    await refused(bad.arm64, /^Go Syscall Stepper cannot run hello-arm64: it is not an amd64 binary \(arm64/);
    await screenshot('bad-04-arm64');
  });
  await t('bad input: a .s file that does not assemble: the adapter ends the session at once with one message', async () => {
    await refused(bad.broken, /broken\.s:4:\d+: /);
    await clearNotifications();
  });

  await t('F5 on hello.s without a launch.json starts a session that stops on entry', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(hello!));
    const from = traffic.mark();
    await vscode.commands.executeCommand('workbench.action.debug.start');
    const stop = await traffic.waitEvent(from, 'stopped');
    if (stop.body.reason !== 'entry') throw new Error(`stopped with reason ${stop.body.reason}, want entry`);
    const cfg = stop.session.configuration;
    if (cfg.type !== 'gosyscall' || !String(cfg.program).endsWith('hello.s')) throw new Error(`configuration ${JSON.stringify(cfg)}`);
    await stopSession(stop.session);
  });

  await t('startDebugging on hello.s stops on entry', async () => {
    const from = traffic.mark();
    const started = await vscode.debug.startDebugging(folder,
      { type: 'gosyscall', request: 'launch', name: 'e2e hello.s', program: hello, stopOnEntry: true });
    if (!started) throw new Error(`startDebugging returned false; the adapter said: ${traffic.describe(from)}`);
    const stop = await traffic.waitEvent(from, 'stopped');
    session = stop.session;
    threadId = stop.body.threadId;
    if (stop.body.reason !== 'entry') throw new Error(`stopped with reason ${stop.body.reason}, want entry`);
    await screenshot('01-stopped-on-entry');
  }, true);

  await t('the call stack shows a frame in the .s file', async () => {
    const top = await topFrame();
    if (!top?.source?.path?.endsWith('.s')) throw new Error(`top frame ${JSON.stringify(top)} is not in a .s file`);
  });

  await t('ticking "Syscall" in the Breakpoints view, Continue stops before a SYSCALL with a P in _Psyscall', async () => {
    await useFilters([FILTER_SYSCALL], [], ['syscall']);
    await screenshot('02-syscall-filter-ticked');
    // the first stops may be raw runtime calls: continue until one has a P in _Psyscall
    for (let i = 0; ; i++) {
      const stop = await continueToStop();
      if (stop.reason !== 'syscall') throw new Error(`stopped with reason ${stop.reason} (${stop.description ?? ''}), want syscall`);
      const snap = await session!.customRequest('scheduler');
      if (snap?.ps?.some((p: { status: string }) => p.status === '_Psyscall')) break;
      if (i === 6) throw new Error('no SYSCALL stop with a P in _Psyscall');
    }
  }, true);

  await t('the Variables view shows RAX in Registers and the Syscall scope', async () => {
    const st = await topFrame();
    const scopes = (await session!.customRequest('scopes', { frameId: st.id })).scopes as { name: string; variablesReference: number }[];
    const regs = scopes.find(s => s.name === 'Registers');
    if (!regs) throw new Error(`no Registers scope: ${scopes.map(s => s.name).join(', ')}`);
    const vars = await session!.customRequest('variables', { variablesReference: regs.variablesReference });
    const rax = vars.variables.find((v: { name: string }) => v.name === 'RAX');
    if (!rax || !/^0x[0-9a-f]+$/i.test(rax.value)) throw new Error(`RAX missing or not hex: ${JSON.stringify(rax)}`);
    if (!scopes.some(s => s.name === 'Syscall')) throw new Error(`no Syscall scope at a SYSCALL stop: ${scopes.map(s => s.name).join(', ')}`);
    await vscode.commands.executeCommand('workbench.debug.action.focusVariablesView').then(undefined, () => undefined);
    if (!ui.available) return;
    await expandPane('Variables');
    // what a person sees: the RAX row with the value the adapter gave
    // (the view may still show the previous stop's value for a moment: wait for this stop's)
    await ui.textsUntil(`RAX = ${rax.value} in the Variables view`, SEL.variablesRows,
      r => r.some(x => new RegExp(`^RAX\\s*[=:]\\s*${rax.value}$`, 'i').test(x.trim())));
    await screenshot('03-variables-rax');
  });

  await t('the SYSCALL line is decorated', async () => {
    const d = await until('the SYSCALL line decoration', () => api!.syscallLine(), 10_000);
    const doc = vscode.workspace.textDocuments.find(x => x.uri.toString() === d.uri);
    if (!doc) throw new Error(`the decorated document ${d.uri} is not open (open: ${vscode.workspace.textDocuments.map(x => x.uri.toString()).join(', ')})`);
    if (!vscode.window.visibleTextEditors.some(e => e.document === doc)) throw new Error('the decorated document is not visible');
    if (!/SYSCALL/.test(doc.lineAt(d.line).text)) throw new Error(`decorated line ${d.line + 1} is not a SYSCALL: ${doc.lineAt(d.line).text}`);
  });

  await t('README view: a SYSCALL stop in hello.s with Registers and the Syscall scope', async () => {
    if (!ui.available) return;
    await readmeLayoutDebug();
    await readmeShot('readme-hello-syscall');
  });

  await t('the Scheduler view shows a P in _Psyscall', async () => {
    await vscode.commands.executeCommand('gosyscall.scheduler.focus');
    const ps = await until('a P in _Psyscall in the Scheduler view', () => {
      const p = api!.schedulerNodes().find(x => x.id === 'Ps')?.children ?? [];
      return p.some(x => x.description?.startsWith('_Psyscall')) && p;
    });
    if (!ps.length) throw new Error('no Ps');
    if (ui.available) await ui.textsUntil('a P row in _Psyscall', SEL.sidebarRows, r => r.some(x => /^P\d+\s*●?\s*_Psyscall/.test(x)));
    await screenshot('04-scheduler-psyscall');
  });

  await t('the timeline renders its lanes', async () => {
    await vscode.commands.executeCommand('gosyscall.showTimeline');
    const r = await until('the timeline to draw lanes', () => (api!.timeline.rendered?.lanes ?? 0) > 0 && api!.timeline.rendered, 20_000);
    if (r.intervals < 1) throw new Error(`timeline drew ${r.lanes} lanes but no intervals`);
    if (ui.available) {
      const names = await ui.textsUntil('lanes in the timeline webview', '.lane .name', x => x.length > 0, 15_000, { frames: SEL.webviewFrames });
      if (!names.includes('P0') || !names.some(x => /^G\d+/.test(x))) throw new Error(`the timeline shows lanes ${JSON.stringify(names)}`);
    }
    await screenshot('06-timeline');
  });

  await t('the Disassembly view opens; F10 there steps one instruction (over the SYSCALL)', async () => {
    const before = await topFrame();
    await vscode.commands.executeCommand('debug.action.openDisassemblyView');
    if (ui.available) await ui.textsUntil('instructions in the Disassembly view', SEL.disassemblyRows, r => r.some(x => /SYSCALL/.test(x)), 20_000);
    const from = traffic.mark();
    if (ui.available) await ui.press('F10');
    else await session!.customRequest('next', { threadId, granularity: 'instruction' });
    const stop = await traffic.waitEvent(from, 'stopped');
    threadId = stop.body.threadId;
    const next = traffic.requests(from, 'next')[0];
    if (next?.arguments?.granularity !== 'instruction') throw new Error(`F10 in the Disassembly view sent ${JSON.stringify(next)}, want granularity instruction`);
    const after = await topFrame();
    const ip = (f: { instructionPointerReference?: string }) => BigInt(f.instructionPointerReference ?? '0');
    if (ip(after) - ip(before) !== 2n) throw new Error(`the instruction step went from ${before.instructionPointerReference} to ${after.instructionPointerReference}, want the 2 bytes of SYSCALL`);
    if (ui.available) {
      const hexIp = `0x${ip(after).toString(16)}`;
      await ui.textsUntil(`the Disassembly view's arrow at ${hexIp}`, SEL.disassemblyCurrent, r => r.length === 1 && r[0].toLowerCase().includes(hexIp), 10_000);
      await readmeLayoutDisassembly();
      await readmeShot('08-disassembly-step');
      await vscode.commands.executeCommand('workbench.action.toggleMaximizeEditorGroup');
    }
    // close it: a Disassembly view left open keeps asking the next session for instructions while it runs
    await vscode.window.tabGroups.close(vscode.window.tabGroups.all.flatMap(g => g.tabs).filter(x => x.label === 'Disassembly'));
  });

  await t('the Syscalls view lists the log and reveals a syscall\'s line', async () => {
    await vscode.commands.executeCommand('gosyscall.syscalls.focus');
    const first = await until('a syscall in the log', () => api!.syscalls()[0]);
    if (ui.available) await ui.textsUntil('the write in the Syscalls view', SEL.sidebarRows, r => r.some(x => /^write\(1, "hello, world\\n", 13\) = 13/.test(x)));
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
    const top = await topFrame();
    if (BigInt(top.instructionPointerReference ?? 0) !== BigInt(first.pc)) throw new Error(`travelled to ${top.instructionPointerReference}, the SYSCALL is at ${first.pc}`);
    await screenshot('09-travelled');
  });

  await t('the session ends cleanly and the views empty', async () => {
    await stopSession(session!);
    await until('the Scheduler view to empty', () => api!.schedulerNodes().length === 0);
    if (api!.syscalls().length) throw new Error('Syscalls view still has entries');
    await until('the timeline to show its empty state', () => api!.timeline.rendered?.lanes === 0, 5000);
    await screenshot('10-after-session');
  });

  await t('blocking.s: Continue with "Syscall" ticked stops before the blocking read; P0 is in _Psyscall', async () => {
    const blocking = samplePath('blocking.s', ext!.extensionPath);
    if (!blocking) throw new Error('samples/blocking.s not found');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(blocking));
    const from = traffic.mark();
    if (!await vscode.debug.startDebugging(folder,
      { type: 'gosyscall', request: 'launch', name: 'e2e blocking.s', program: blocking, stopOnEntry: true, gomaxprocs: 2 })) throw new Error(`startDebugging returned false; the adapter said: ${traffic.describe(from)}`);
    const entry = await traffic.waitEvent(from, 'stopped');
    session = entry.session;
    threadId = entry.body.threadId;
    await useFilters([FILTER_SYSCALL], [], ['syscall']);   // still ticked from hello.s: VS Code keeps it per debug type
    for (let i = 0; ; i++) {
      const stop = await continueToStop();
      if (stop.reason === 'syscall' && /^read\(/.test(stop.description ?? '')) break;
      if (i === 12) throw new Error(`no stop before read; the last was ${stop.reason} ${stop.description ?? ''}`);
    }
    await until('P0 in _Psyscall in the Scheduler view', () => api!.schedulerNodes().find(x => x.id === 'Ps')?.children?.some(p => p.label === 'P0' && p.description?.startsWith('_Psyscall')), 10_000);
    await vscode.commands.executeCommand('gosyscall.showTimeline');
    await until('the timeline lanes of blocking.s', () => (api!.timeline.rendered?.lanes ?? 0) >= 5, 20_000)
      .catch(e => { throw new Error(`${(e as Error).message}; rendered ${JSON.stringify(api!.timeline.rendered)}`); });
    if (ui.available) {
      await readmeLayoutScheduler(api!);
      await ui.textsUntil('P0 _Psyscall in the Scheduler view', SEL.sidebarRows, r => r.some(x => /^P0\s*●?\s*_Psyscall/.test(x)));
      await readmeShot('readme-blocking-psyscall');
    }
  }, true);

  await t('blocking.s: with "P handoff / retake" ticked instead, Continue stops when sysmon retakes P0; the timeline marks it', async () => {
    await useFilters([FILTER_HANDOFF], [FILTER_SYSCALL], ['handoff']);
    const stop = await continueToStop();
    if (!/handoff|retake/i.test(String(stop.description ?? ''))) throw new Error(`stopped (${stop.reason}) with description ${JSON.stringify(stop.description)}, want a handoff`);
    await until('a handoff mark in the timeline', () => (api!.timeline.rendered?.marks ?? 0) > 0, 20_000)
      .catch(e => { throw new Error(`${(e as Error).message}; rendered ${JSON.stringify(api!.timeline.rendered)}, hub stop ${JSON.stringify(api!.hub.stop)}`); });
    if (ui.available) {
      await vscode.commands.executeCommand('gosyscall.scheduler.focus');
      await ui.textsUntil('P0 retaken (_Pidle) in the Scheduler view', SEL.sidebarRows, r => r.some(x => /^P0\s*●?\s*_Pidle/.test(x)));
      await ui.wait('.mark.handoff', { frames: SEL.webviewFrames, state: 'attached' });
      await readmeShot('11-blocking-handoff');
    }
  }, true);

  await t('blocking.s: with "runtime·exitsyscall" ticked, Continue reaches G1 leaving its read on the slow path', async () => {
    await useFilters([FILTER_EXITSYSCALL], [FILTER_HANDOFF], ['exitsyscall']);
    let stop;
    for (let i = 0; ; i++) {
      stop = await continueToStop();
      if (/slow/i.test(stop.description ?? '')) break;
      if (i === 8) throw new Error(`no exitsyscall on the slow path; the last stop was ${stop.reason} ${JSON.stringify(stop.description)}`);
    }
    await until('an exitsyscall mark in the timeline', async () => {
      const r = api!.timeline.rendered;
      return r && r.marks >= 2;
    }, 20_000).catch(e => { throw new Error(`${(e as Error).message}; rendered ${JSON.stringify(api!.timeline.rendered)}`); });
    if (ui.available) {
      await vscode.commands.executeCommand('gosyscall.scheduler.focus');
      await revealStopLine(api!);
      await readmeShot('12-blocking-exitsyscall-slow');
      await vscode.commands.executeCommand('workbench.action.toggleEditorGroupLayout');
    }
    await stopSession(session!);
    if (ui.available) await setExceptionFilter(FILTER_EXITSYSCALL, false);
  });

  for (const d of disposables) d.dispose();
  await report(`${n - failures.length}/${n} passed`);
  if (failures.length) throw new Error(`${failures.length} e2e test(s) failed: ${failures.join('; ')}`);
}

// ---- layouts for the README's screenshots (a person arranges the workbench the same way) ----

/**
 * Run and Debug side bar for a SYSCALL stop: the Syscall and Goroutine scopes open, the registers the syscall
 * reads (RAX the number, RDI RSI RDX its arguments) in Watch, the bottom panel closed.
 */
async function readmeLayoutDebug(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closePanel');
  await widenSidebar();
  await vscode.commands.executeCommand('workbench.view.debug');
  await collapsePane('Breakpoints');
  await expandPane('Variables');
  await expandPane('Watch');
  await setScopeExpanded('Arguments', false);
  await setScopeExpanded('Registers', false);
  await setScopeExpanded('Syscall', true);
  await setScopeExpanded('Goroutine', true);
  for (const r of ['RAX', 'RDI', 'RSI', 'RDX']) await addWatch(r);
  await ui.textsUntil('the registers in Watch', SEL.watchRows, w => w.filter(x => /^R(AX|DI|SI|DX)\s*[:=]\s*0x/.test(x)).length === 4, 10_000);
}

/** The Disassembly view alone in the editor area (the timeline's group hidden), the panel closed. */
async function readmeLayoutDisassembly(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closePanel');
  await vscode.commands.executeCommand('workbench.action.toggleMaximizeEditorGroup');
}

/** The Scheduler view beside the source (top) and the timeline (bottom, full width), the panel closed. */
async function readmeLayoutScheduler(api: GoSyscallApi): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closePanel');
  await vscode.commands.executeCommand('workbench.action.toggleEditorGroupLayout');
  await vscode.commands.executeCommand('gosyscall.scheduler.focus');
  await revealStopLine(api);
}

/** Centres the decorated SYSCALL line (or the top frame's line) in its editor: a layout change may hide it. */
async function revealStopLine(api: GoSyscallApi): Promise<void> {
  await sleep(300);
  const d = api.syscallLine();
  const editor = d ? vscode.window.visibleTextEditors.find(e => e.document.uri.toString() === d.uri) : vscode.window.activeTextEditor;
  const line = d?.line ?? editor?.selection.active.line;
  if (editor && line !== undefined) editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.InCenter);
}

/** A README candidate in both themes, without notifications over it (reported, then cleared). */
async function readmeShot(name: string): Promise<void> {
  const toasts = await toastMessages();
  if (toasts.length) await report(`# notifications on screen before ${name} (cleared for the picture): ${JSON.stringify(toasts)}`);
  await clearNotifications();
  await screenshotBothThemes(name);
}

/** A wider side bar, so the Scheduler's and Variables' rows are read whole (it stays for every container). */
async function widenSidebar(): Promise<void> {
  await vscode.commands.executeCommand('workbench.view.debug');
  for (let i = 0; i < 2; i++) await vscode.commands.executeCommand('workbench.action.increaseViewSize');
}
