// A real Go program: a package folder built with the person's Go toolchain, run on the emulator. Function and
// source breakpoints from the binary's own tables, a line step in main.go, the scheduler read from memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { withClient, launchAndStop, nextStop, topFrame, ROOT } from './client';

const PKG = join(ROOT, 'samples', 'go', 'blocking');
const MAIN = join(PKG, 'main.go');

test('a Go package: build progress, breakpoint in main.go, next, Goroutine scope and the scheduler from memory', () => withClient(async (dc) => {
  const progress: string[] = [];
  dc.on('output', (e) => { if (/Building|Built/.test(e.body.output)) progress.push(e.body.output); });
  let bp: any;
  const stop = await launchAndStop(dc, { program: PKG }, { filters: [] }, async () => {
    bp = await dc.setBreakpointsRequest({ source: { path: MAIN }, breakpoints: [{ line: 33 }, { line: 27 }] });
  });
  assert.ok(progress.some((p) => /CGO_ENABLED=0 GOOS=linux GOARCH=amd64 GOAMD64=v1/.test(p)), progress.join(''));
  assert.equal(bp.body.breakpoints[0].verified, true);
  assert.equal(bp.body.breakpoints[1].line, 29, 'a comment line moves to the next line with code');
  assert.equal(stop.body.reason, 'breakpoint');
  const tid = stop.body.threadId!;
  let f = await topFrame(dc, tid);
  assert.equal(f.name, 'main.main');
  assert.equal(f.line, 33);
  assert.equal(f.source?.path, MAIN);
  await nextStop(dc, () => dc.nextRequest({ threadId: tid }));
  f = await topFrame(dc, tid);
  assert.equal(f.line, 34);
  const sc = await dc.scopesRequest({ frameId: f.id });
  const g = sc.body.scopes.find((s) => s.name === 'Goroutine');
  assert.ok(g);
  const vars = new Map((await dc.variablesRequest({ variablesReference: g!.variablesReference })).body.variables.map((v) => [v.name, v.value]));
  assert.equal(vars.get('goid'), '1');
  assert.equal(vars.get('status'), '_Grunning');
  const sched = (await dc.customRequest('scheduler')).body;
  assert.equal(sched.source, 'memory');
  assert.ok(sched.ps.length >= 2);
  const th = await dc.threadsRequest();
  assert.ok(th.body.threads.some((t) => /^M0 · P\d · G1 main\.main$/.test(t.name)), th.body.threads.map((t) => t.name).join(' | '));
}));

test('a Go package: the entersyscall filter stops at runtime.entersyscall with the G/M/P read from memory', () => withClient(async (dc) => {
  const stop = await launchAndStop(dc, { program: PKG }, { filters: ['entersyscall'] });
  assert.equal(stop.body.reason, 'syscall');
  assert.match(stop.body.description ?? '', /^entersyscall: G\d+ on M\d+/);
  const f = await topFrame(dc, stop.body.threadId!);
  assert.equal(f.name, 'runtime.entersyscall');
  const st = await dc.stackTraceRequest({ threadId: stop.body.threadId! });
  assert.ok(st.body.stackFrames.length >= 2);
  assert.ok(st.body.stackFrames.some((x) => x.name.startsWith('syscall.')), st.body.stackFrames.map((x) => x.name).join(' <- '));
}));

test('a Go package: next then stepBack returns to the same line with the whole machine state identical', () => withClient(async (dc) => {
  const stop = await launchAndStop(dc, { program: PKG }, { filters: [] }, async () => {
    await dc.setBreakpointsRequest({ source: { path: MAIN }, breakpoints: [{ line: 32 }] });
  });
  const tid = stop.body.threadId!;
  const dump = async () => (await dc.customRequest('machineState')).body.dump as string;
  const before = await dump();
  await nextStop(dc, () => dc.nextRequest({ threadId: tid }));
  assert.equal((await topFrame(dc, tid)).line, 33);
  assert.notEqual(await dump(), before);
  const back = await nextStop(dc, () => dc.stepBackRequest({ threadId: tid }));
  assert.equal(back.body.reason, 'step');
  assert.equal((await topFrame(dc, tid)).line, 32);
  assert.equal(await dump(), before);
}));
