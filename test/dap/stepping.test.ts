// stopOnEntry at main·main, line steps, step into syscall·Syscall and into the model's entersyscall source
// (watching the scheduler change), step out, and the stack through model, library and program frames.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { withClient, launchAndStop, nextStop, topFrame, sample, ROOT } from './client';

const LIB = join(ROOT, 'samples', 'lib', 'syscall_linux_amd64.s');

test('stopOnEntry stops at main·main; next goes line by line', () => withClient(async (dc) => {
  const stop = await launchAndStop(dc, { program: sample('hello.s'), stopOnEntry: true });
  assert.equal(stop.body.reason, 'entry');
  const tid = stop.body.threadId!;
  let f = await topFrame(dc, tid);
  assert.equal(f.name, 'main.main');
  assert.equal(f.source?.path, sample('hello.s'));
  assert.equal(f.line, 20); // the TEXT line: the prologue's instructions
  assert.match(f.instructionPointerReference ?? '', /^0x/);
  const s = await nextStop(dc, () => dc.nextRequest({ threadId: tid }));
  assert.equal(s.body.reason, 'step');
  f = await topFrame(dc, tid);
  assert.equal(f.line, 21);
}));

test('step into syscall·Syscall, into the model entersyscall source, scheduler changes, step out', () => withClient(async (dc) => {
  const events: any[] = [];
  dc.on('scheduler', (e) => events.push(e.body));
  const stop = await launchAndStop(dc, { program: sample('hello.s'), stopOnEntry: true });
  const tid = stop.body.threadId!;
  assert.ok(events.length >= 1, 'scheduler event on the entry stop');
  // run to line 26 (CALL syscall·Syscall)
  for (let i = 0; i < 10 && (await topFrame(dc, tid)).line !== 26; i++) await nextStop(dc, () => dc.nextRequest({ threadId: tid }));
  assert.equal((await topFrame(dc, tid)).line, 26);
  await nextStop(dc, () => dc.stepInRequest({ threadId: tid }));
  let f = await topFrame(dc, tid);
  assert.equal(f.source?.path, LIB);
  assert.equal(f.line, 14);
  assert.equal(f.name, 'syscall.Syscall');
  await nextStop(dc, () => dc.stepInRequest({ threadId: tid }));
  assert.equal((await topFrame(dc, tid)).line, 15);
  await nextStop(dc, () => dc.stepInRequest({ threadId: tid }));
  f = await topFrame(dc, tid);
  assert.equal(f.name, 'runtime.entersyscall');
  const ref = f.source?.sourceReference ?? 0;
  assert.ok(ref > 0);
  const src = await dc.sourceRequest({ sourceReference: ref, source: f.source });
  assert.match(src.body.content, /func entersyscall\(\)/);
  // the Disassembly view shows the model line a native address runs
  const dis = await dc.disassembleRequest({ memoryReference: f.instructionPointerReference!, instructionCount: 2 });
  assert.match(dis.body!.instructions[0].instruction, /^MODEL\t\S/);
  const st = await dc.stackTraceRequest({ threadId: tid });
  assert.deepEqual(st.body.stackFrames.slice(0, 3).map((x) => x.name), ['runtime.entersyscall', 'syscall.Syscall', 'main.main']);
  assert.equal(st.body.stackFrames[2].line, 26);
  const g1 = async () => ((await dc.customRequest('scheduler')).body.gs as any[]).find((g) => g.goid === 1);
  assert.equal((await g1()).status, '_Grunning');
  let status = '_Grunning';
  for (let i = 0; i < 30 && status !== '_Gsyscall'; i++) {
    await nextStop(dc, () => dc.nextRequest({ threadId: tid }));
    status = (await g1()).status;
  }
  assert.equal(status, '_Gsyscall');
  assert.equal(events[events.length - 1].gs.find((g: any) => g.goid === 1).status, '_Gsyscall');
  await nextStop(dc, () => dc.stepOutRequest({ threadId: tid }));
  f = await topFrame(dc, tid);
  assert.equal(f.name, 'syscall.Syscall');
  assert.equal(f.source?.path, LIB);
}));

test('next over CALL syscall·Syscall runs the whole call (the write happens) and stops on the next line', () => withClient(async (dc) => {
  const stop = await launchAndStop(dc, { program: sample('hello.s'), stopOnEntry: true });
  const tid = stop.body.threadId!;
  for (let i = 0; i < 10 && (await topFrame(dc, tid)).line !== 26; i++) await nextStop(dc, () => dc.nextRequest({ threadId: tid }));
  const out = dc.assertOutput('stdout', 'hello, world');
  await nextStop(dc, () => dc.nextRequest({ threadId: tid }));
  await out;
  const f = await topFrame(dc, tid);
  assert.equal(f.line, 28);
}));
