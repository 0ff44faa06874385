// Step in on a real Go program descends into a call the compiler inlined (as Delve does): the stop is on the
// inlined function's first body line and the stack shows the inlined frame above its caller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withClient, launchAndStop, nextStop, ROOT } from './client';
import { TOOLCHAINS } from './realgoBuild';
import type { DebugClient } from '@vscode/debugadapter-testsupport';

const PKG = join(ROOT, 'test', 'dap', 'fixtures', 'inline');
const MAIN = join(PKG, 'main.go');
const lineOf = (re: RegExp): number => readFileSync(MAIN, 'utf8').split('\n').findIndex((l) => re.test(l)) + 1;

test('a Go program: stepIn at a call the compiler inlined stops in the inlined body; stepOut comes back', () => withClient(async (dc) => {
  const before = lineOf(/n := len\(os\.Args\)/), call = lineOf(/r := double\(n\)/), body = lineOf(/calls\+\+/), after = lineOf(/os\.Exit\(r\)/);
  const stop = await launchAndStop(dc, { program: PKG }, { filters: [] }, async () => {
    await dc.setBreakpointsRequest({ source: { path: MAIN }, breakpoints: [{ line: before }] });
  });
  const tid = stop.body.threadId!;
  const stack = async () => (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames;
  let st = await stack();
  assert.equal(st[0].name, 'main.main');
  assert.equal(st[0].line, before);
  // a line without an inlined call: step in goes to the next line as before
  await nextStop(dc, () => dc.stepInRequest({ threadId: tid }));
  st = await stack();
  assert.deepEqual([st[0].name, st[0].line], ['main.main', call]);
  // the call line: into double's body, with main.main (at the call line) as its caller
  const s = await nextStop(dc, () => dc.stepInRequest({ threadId: tid }));
  assert.equal(s.body.reason, 'step');
  st = await stack();
  assert.deepEqual([st[0].name, st[0].line, st[0].source?.path], ['main.double', body, MAIN], st.map((f) => `${f.name}:${f.line}`).join(' <- '));
  assert.deepEqual([st[1].name, st[1].line], ['main.main', call]);
  // next inside the inlined body goes by its own lines
  await nextStop(dc, () => dc.nextRequest({ threadId: tid }));
  st = await stack();
  assert.deepEqual([st[0].name, st[0].line], ['main.double', lineOf(/return x\*2 \+ calls/)]);
  // out of the inlined call: back in main.main past the call
  await nextStop(dc, () => dc.stepOutRequest({ threadId: tid }));
  st = await stack();
  assert.equal(st[0].name, 'main.main');
  assert.ok(st[0].line === call || st[0].line === after, `${st[0].name}:${st[0].line}`);
}));

test('a Go program: next at the last line of an inlined body comes back to the next line of the caller', () => withClient(async (dc) => {
  const call = lineOf(/r := double\(n\)/), last = lineOf(/return x\*2 \+ calls/), after = lineOf(/os\.Exit\(r\)/);
  const stop = await launchAndStop(dc, { program: PKG }, { filters: [] }, async () => {
    await dc.setBreakpointsRequest({ source: { path: MAIN }, breakpoints: [{ line: call }] });
  });
  const tid = stop.body.threadId!;
  const top = async () => { const f = (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames[0]; return [f.name, f.line]; };
  assert.deepEqual(await top(), ['main.main', call]);
  await nextStop(dc, () => dc.stepInRequest({ threadId: tid }));
  await nextStop(dc, () => dc.nextRequest({ threadId: tid }));
  assert.deepEqual(await top(), ['main.double', last]);
  await nextStop(dc, () => dc.nextRequest({ threadId: tid }));
  assert.deepEqual(await top(), ['main.main', after]);
}));

// Go 1.23 schedules part of the innermost body before the one-byte NOPs that mark the inlined calls (Go 1.19 puts
// the marks first): stepping out must step over those marks, not stop at them in main.
/** inline3/main.go built with Go 1.23, stopped at a breakpoint on the line `line` matches; `at` finds other lines. */
async function stopInInline3(dc: DebugClient, line: RegExp): Promise<{ tid: number; at: (re: RegExp) => number }> {
  const go123 = TOOLCHAINS.find((t) => t.version === '1.23')!.go;
  const pkg = join(ROOT, 'test', 'dap', 'fixtures', 'inline3');
  const main = join(pkg, 'main.go');
  const src = readFileSync(main, 'utf8').split('\n');
  const at = (re: RegExp): number => src.findIndex((l) => re.test(l)) + 1;
  const stop = await launchAndStop(dc, { program: pkg, goBinary: go123 }, { filters: [] }, async () => {
    await dc.setBreakpointsRequest({ source: { path: main }, breakpoints: [{ line: at(line) }] });
  });
  return { tid: stop.body.threadId!, at };
}

test('a Go 1.23 program: stepping out of the innermost of three inlined calls stops in the middle one, then the outer, then main', () => withClient(async (dc) => {
  const { tid, at } = await stopInInline3(dc, /calls\+\+/);
  const frames = async () => (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames.map((f) => `${f.name}:${f.line}`);
  let st = await frames();
  assert.deepEqual(st.slice(0, 4).map((f) => f.split(':')[0]), ['main.inner', 'main.middle', 'main.outer', 'main.main'], st.join(' <- '));
  const middleAfter = [at(/trail \+= y/), at(/return y \+ trail/)];
  const outerAfter = [at(/trail \^= z/), at(/return z - trail/)];
  const mainAfter = [at(/os\.Exit\(r & 1\)/)];
  for (const [name, lines] of [['main.middle', middleAfter], ['main.outer', outerAfter], ['main.main', mainAfter]] as const) {
    await nextStop(dc, () => dc.stepOutRequest({ threadId: tid }));
    st = await frames();
    const [fn, line] = st[0].split(':');
    assert.equal(fn, name, `stepOut stopped in ${st.join(' <- ')}`);
    assert.ok(lines.includes(Number(line)), `${name} at line ${line}, want one of ${lines.join(', ')}`);
  }
}));

test('a Go 1.23 program: next from the innermost of three inlined calls walks the lines of each caller in turn', () => withClient(async (dc) => {
  const { tid, at } = await stopInInline3(dc, /return x\*3 \+ calls/);
  const top = async () => { const f = (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames[0]; return `${f.name}:${f.line}`; };
  const seen = [await top()];
  for (let i = 0; i < 5; i++) {
    await nextStop(dc, () => dc.nextRequest({ threadId: tid }));
    seen.push(await top());
  }
  assert.deepEqual(seen, [
    `main.inner:${at(/return x\*3 \+ calls/)}`,
    `main.middle:${at(/trail \+= y/)}`, `main.middle:${at(/return y \+ trail/)}`,
    `main.outer:${at(/trail \^= z/)}`, `main.outer:${at(/return z - trail/)}`,
    `main.main:${at(/os\.Exit\(r & 1\)/)}`,
  ]);
}));
