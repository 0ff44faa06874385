// The real scheduler of unmodified Go binaries built by Go 1.19, 1.21 and 1.23 (samples/go/blocking, GOMAXPROCS=2):
// the blocking read seen from the runtime's memory (G _Gsyscall, P _Psyscall), a data breakpoint on the P's status
// that sysmon's retake trips, the handoff and exitsyscall filters naming reason and path, the timeline; Go source
// breakpoints (main.go and GOROOT's runtime/proc.go), line steps, the call stack, the goroutine list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { withClient, launchAndStop, nextStop, topFrame, scopeVars } from './client';
import { blockingBinary, reentersyscallCasLine, BLOCKING_SRC, TOOLCHAINS } from './realgoBuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { ElfFile } from '../../src/debuginfo/elf';

const cont = (dc: DebugClient, tid: number) => nextStop(dc, () => dc.continueRequest({ threadId: tid }));
const sched = async (dc: DebugClient) => (await dc.customRequest('scheduler')).body;

/** Continue over `read` syscall stops until the one whose goroutine is G1 in a Go syscall (syscall.Read). */
async function toBlockingRead(dc: DebugClient, first: DebugProtocol.StoppedEvent): Promise<DebugProtocol.StoppedEvent> {
  let stop = first;
  for (let i = 0; i < 10; i++) {
    assert.equal(stop.body.reason, 'syscall', stop.body.description);
    assert.match(stop.body.description ?? '', /^read\(/);
    const s = await sched(dc);
    const m = s.ms.find((x: any) => x.tid === stop.body.threadId);
    if (m?.curg === 1 && s.gs.find((g: any) => g.goid === 1)?.status === '_Gsyscall') return stop;
    stop = await cont(dc, stop.body.threadId!);
  }
  throw new Error('no read by G1 in a syscall');
}

for (const { version } of TOOLCHAINS) {
  test(`go${version}: the blocking read: G1 _Gsyscall, P _Psyscall; a data breakpoint on the P's status; handoff by sysmon; exitsyscall path`, () => withClient(async (dc) => {
    const bin = blockingBinary(version);
    const out: string[] = [];
    dc.on('output', (e) => out.push(e.body.output));
    let stop = await launchAndStop(dc, { program: bin }, { filters: [], filterOptions: [{ filterId: 'syscall', condition: 'read' }] });
    stop = await toBlockingRead(dc, stop);
    const tid = stop.body.threadId!;
    let s = await sched(dc);
    assert.equal(s.source, 'memory');
    const g1 = s.gs.find((g: any) => g.goid === 1);
    const m = s.ms.find((x: any) => x.tid === tid);
    assert.equal(g1.status, '_Gsyscall');
    assert.notEqual(g1.syscallsp, '0x0');
    const pid = m.oldp ?? m.p;
    assert.equal(s.ps.find((p: any) => p.id === pid).status, '_Psyscall', JSON.stringify(s.ps));
    // the Goroutine scope, from memory
    const gv = await scopeVars(dc, (await topFrame(dc, tid)).id, 'Goroutine');
    assert.equal(gv.get('goid')?.value, '1');
    assert.equal(gv.get('status')?.value, '_Gsyscall');
    // the timeline: the M blocked in read shows as a syscall slice up to now; times start at 0
    let tl = (await dc.customRequest('timeline')).body;
    const open = tl.intervals.find((iv: any) => iv.kind === 'M' && iv.id === m.id && iv.state === 'syscall' && iv.label === 'read' && iv.end === tl.t);
    assert.ok(open, JSON.stringify(tl.intervals.filter((iv: any) => iv.kind === 'M')));
    assert.ok(tl.t < 100_000_000 && tl.intervals.some((iv: any) => iv.start === 0), `t=${tl.t}`);
    assert.ok(tl.intervals.some((iv: any) => iv.lane === 'G1' && iv.state === '_Gsyscall'));

    // watch the P's status: sysmon's retake takes it (_Psyscall → _Pidle)
    const info = await dc.customRequest('dataBreakpointInfo', { name: `P${pid}.status` });
    assert.ok(info.body.dataId, info.body.description);
    const set = await dc.customRequest('setDataBreakpoints', { breakpoints: [{ dataId: info.body.dataId, accessType: 'write' }] });
    assert.equal(set.body.breakpoints[0].verified, true);
    await dc.setExceptionBreakpointsRequest({ filters: ['handoff', 'exitsyscall'] });
    stop = await cont(dc, tid);
    assert.equal(stop.body.reason, 'data breakpoint');
    assert.equal(stop.body.description, `P${pid}.status changed: _Psyscall → _Pidle`);
    const st = await dc.stackTraceRequest({ threadId: stop.body.threadId! });
    assert.ok(st.body.stackFrames.some((f) => f.name === 'runtime.retake'), st.body.stackFrames.map((f) => f.name).join(' <- '));
    assert.ok(st.body.stackFrames.some((f) => f.name === 'runtime.sysmon'));
    await dc.customRequest('setDataBreakpoints', { breakpoints: [] });

    // the handoff by sysmon, then G1's exitsyscall with the path Go took
    stop = await cont(dc, stop.body.threadId!);
    assert.equal(stop.body.reason, 'syscall');
    assert.match(stop.body.description ?? '', new RegExp(`^handoff: P${pid} M${m.id} → M(\\d+|\\?) \\(sysmon retake\\), done by M\\d+`));
    let exit = '';
    for (let i = 0; i < 6 && !exit; i++) {
      stop = await cont(dc, stop.body.threadId!);
      assert.equal(stop.body.reason, 'syscall', stop.body.description);
      if (/^exitsyscall: G1 /.test(stop.body.description ?? '')) exit = stop.body.description!;
    }
    assert.match(exit, /^exitsyscall: G1 on M\d+, (fast-idle-p|slow) path/);
    s = await sched(dc);
    assert.equal(s.source, 'memory');
    tl = (await dc.customRequest('timeline')).body;
    assert.ok(tl.marks.some((k: any) => k.kind === 'handoff' && /sysmon retake/.test(k.label)));
    assert.ok(tl.marks.some((k: any) => k.kind === 'exitsyscall' && k.lane === 'G1'));
    assert.ok(tl.intervals.some((iv: any) => iv.kind === 'P' && iv.state === '_Psyscall'));
    const log = (await dc.customRequest('syscallLog')).body.entries;
    assert.ok(log.some((e: any) => e.name === 'read' && e.g === 1 && e.blocked), 'the blocking read is in the log');
    await dc.setExceptionBreakpointsRequest({ filters: [] });
    await Promise.all([dc.waitForEvent('terminated'), dc.continueRequest({ threadId: stop.body.threadId! })]);
    assert.match(out.join(''), /read 4 bytes "ping" err=<nil>/);
  }));

  test(`go${version}: breakpoints in main.go and in GOROOT's proc.go, line steps, call stack, goroutines as the program counts them`, () => withClient(async (dc) => {
    const bin = blockingBinary(version);
    const out: string[] = [];
    dc.on('output', (e) => out.push(e.body.output));
    let bp: DebugProtocol.SetBreakpointsResponse | undefined;
    let stop = await launchAndStop(dc, { program: bin }, { filters: [] }, async () => {
      bp = await dc.setBreakpointsRequest({ source: { path: BLOCKING_SRC }, breakpoints: [{ line: 32 }, { line: 36 }] });
    });
    assert.deepEqual(bp!.body.breakpoints.map((b) => b.verified), [true, true]);
    assert.equal(stop.body.reason, 'breakpoint');
    let tid = stop.body.threadId!;
    let st = (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames;
    assert.equal(st[0].name, 'main.main');
    assert.equal(st[0].line, 32);
    assert.equal(st[0].source?.path, BLOCKING_SRC);
    assert.ok(st.some((f) => f.name === 'runtime.main'), st.map((f) => f.name).join(' <- '));
    // the goroutines the runtime counts (runtime.NumGoroutine, printed by the program on this line)
    const users = (s: any) => s.gs.filter((g: any) => !g.startfn || !g.startfn.startsWith('runtime.') || g.startfn === 'runtime.main');
    const before = users(await sched(dc)).length;
    // next by line follows the source; the GOROOT breakpoint inside reentersyscall stops the Read on line 34
    const cas = reentersyscallCasLine(TOOLCHAINS.find((t) => t.version === version)!.goroot);
    stop = await nextStop(dc, () => dc.nextRequest({ threadId: tid }));
    tid = stop.body.threadId!;
    assert.equal((await topFrame(dc, tid)).line, 33);
    assert.match(out.join(''), new RegExp(`goroutines before read: ${before}\\n`));
    stop = await nextStop(dc, () => dc.nextRequest({ threadId: tid }));
    tid = stop.body.threadId!;
    assert.equal((await topFrame(dc, tid)).line, 34);
    const rb = await dc.setBreakpointsRequest({ source: { path: cas.file }, breakpoints: [{ line: cas.line }] });
    assert.equal(rb.body.breakpoints[0].verified, true, rb.body.breakpoints[0].message);
    stop = await nextStop(dc, () => dc.nextRequest({ threadId: tid }));
    assert.equal(stop.body.reason, 'breakpoint');
    st = (await dc.stackTraceRequest({ threadId: stop.body.threadId! })).body.stackFrames;
    assert.equal(st[0].name, 'runtime.reentersyscall');
    assert.equal(st[0].line, cas.line);
    assert.equal(st[0].source?.path, cas.file);
    const names = st.map((f) => f.name);
    assert.ok(names.includes('syscall.Read') && names.includes('main.main'), names.join(' <- '));
    await dc.setBreakpointsRequest({ source: { path: cas.file }, breakpoints: [] });
    // step out frame by frame back to main.main: over the blocking read, which G1 may finish on another M
    for (let i = 0; i < 8 && (await topFrame(dc, stop.body.threadId!)).name !== 'main.main'; i++) {
      stop = await nextStop(dc, () => dc.stepOutRequest({ threadId: stop.body.threadId! }));
      assert.equal(stop.body.reason, 'step');
    }
    tid = stop.body.threadId!;
    const back = await topFrame(dc, tid);
    assert.equal(back.name, 'main.main');
    // the return address ends line 34 or already belongs to line 35 (as the compiler placed it)
    assert.ok(back.line === 34 || back.line === 35, `line ${back.line}`);
    assert.equal((await sched(dc)).gs.find((g: any) => g.goid === 1).status, '_Grunning');
    stop = await nextStop(dc, () => dc.nextRequest({ threadId: tid }));
    tid = stop.body.threadId!;
    assert.equal((await topFrame(dc, tid)).line, back.line + 1);
    // on to the breakpoint after the read
    if (back.line + 1 < 36) {
      stop = await cont(dc, tid);
      tid = stop.body.threadId!;
    }
    assert.equal((await topFrame(dc, tid)).line, 36);
    const after = users(await sched(dc)).length;
    stop = await nextStop(dc, () => dc.nextRequest({ threadId: tid }));
    assert.match(out.join(''), new RegExp(`goroutines after read: ${after}\\n`));
    assert.equal(before, 2);
    assert.equal(after, 1);
  }));
}

test('go1.23 stripped (-s -w): function breakpoint by Go name, names and lines from .gopclntab; stepIn and stepOut', () => withClient(async (dc) => {
  const bin = blockingBinary('1.23', 'stripped');
  const out: string[] = [];
  dc.on('output', (e) => out.push(e.body.output));
  let fb: DebugProtocol.SetFunctionBreakpointsResponse | undefined;
  let stop = await launchAndStop(dc, { program: bin }, { filters: [] }, async () => {
    fb = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main.main' }] });
  });
  assert.equal(fb!.body.breakpoints[0].verified, true);
  assert.equal(stop.body.reason, 'function breakpoint');
  const tid = stop.body.threadId!;
  let f = await topFrame(dc, tid);
  assert.equal(f.name, 'main.main');
  assert.equal(f.source?.path, BLOCKING_SRC);
  assert.ok(f.line >= 19 && f.line <= 20, `line ${f.line}`);
  assert.match(out.join(''), /scheduler view is unavailable/);
  // step in to runtime.GOMAXPROCS (line 20), out again
  await dc.setBreakpointsRequest({ source: { path: BLOCKING_SRC }, breakpoints: [{ line: 20 }] });
  if (f.line !== 20) stop = await cont(dc, tid);
  stop = await nextStop(dc, () => dc.stepInRequest({ threadId: tid }));
  f = await topFrame(dc, stop.body.threadId!);
  assert.equal(f.name, 'runtime.GOMAXPROCS');
  assert.match(f.source?.path ?? '', /runtime\/debug\.go$/);
  stop = await nextStop(dc, () => dc.stepOutRequest({ threadId: stop.body.threadId! }));
  f = await topFrame(dc, stop.body.threadId!);
  assert.equal(f.name, 'main.main');
  assert.ok(f.line === 20 || f.line === 21, `back in main.main at the return address (line ${f.line})`);
}));

test('go1.23 without DWARF (-w): the Debug Console says the runtime layout is the built-in table; the scheduler still reads', () => withClient(async (dc) => {
  const bin = blockingBinary('1.23', 'nodwarf');
  const out: string[] = [];
  dc.on('output', (e) => out.push(e.body.output));
  const stop = await launchAndStop(dc, { program: bin }, { filters: ['entersyscall'] });
  assert.match(stop.body.description ?? '', /^entersyscall: G\d+ on M\d+, P\d+ enters a syscall \(runtime\.entersyscall\)/);
  assert.match(out.join(''), /no DWARF in the binary \(built with -w\?\): using the built-in runtime layout for go1\.23/);
  const s = await sched(dc);
  assert.equal(s.source, 'memory');
  assert.ok(s.ps.length === 2 && s.gs.some((g: any) => g.goid === 1 && g.status === '_Grunning'), JSON.stringify(s.gs));
}));

test('go1.23 with DWARF that cannot be read: the note about the built-in layout comes when DWARF is first read, not at load', () => withClient(async (dc) => {
  // a copy of the binary with the middle of its (zlib-compressed) .debug_info overwritten
  const bytes = new Uint8Array(readFileSync(blockingBinary('1.23', 'plain')));
  const info = new ElfFile(bytes, 'blocking').section('.debug_info');
  assert.ok(info && info.size > 1000, 'the binary has .debug_info');
  bytes.fill(0x5a, info.offset + (info.size >> 1), info.offset + (info.size >> 1) + 256);
  const bin = `${blockingBinary('1.23', 'plain')}-baddwarf`;
  writeFileSync(bin, bytes, { mode: 0o755 });
  const out: string[] = [];
  dc.on('output', (e) => out.push(e.body.output));
  const entry = await launchAndStop(dc, { program: bin, stopOnEntry: true }, { filters: [] });
  assert.doesNotMatch(out.join(''), /built-in runtime layout/, 'nothing is said at the entry point: DWARF was not read yet');
  await dc.setExceptionBreakpointsRequest({ filters: ['entersyscall'] });
  const stop = await nextStop(dc, () => dc.continueRequest({ threadId: entry.body.threadId! }));
  assert.match(stop.body.description ?? '', /^entersyscall: /);
  assert.match(out.join(''), /using the built-in runtime layout for go1\.23/);
  const s = await sched(dc);
  assert.equal(s.source, 'memory');
}));
