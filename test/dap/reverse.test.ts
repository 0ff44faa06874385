// Reverse execution: stepBack restores RIP and RAX; back-then-forward brings the whole machine state back
// exactly (full state dump); reverseContinue returns to the previous breakpoint hit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { withClient, launchAndStop, nextStop, registers, topFrame, sample, ROOT } from './client';

const COUNT = join(ROOT, 'test', 'dap', 'fixtures', 'count.s');
const dump = async (dc: any): Promise<string> => (await dc.customRequest('machineState')).body.dump;

test('stepBack over a SYSCALL restores RIP and RAX', () => withClient(async (dc) => {
  const stop = await launchAndStop(dc, { program: sample('hello.s') }, { filters: [], filterOptions: [{ filterId: 'syscall', condition: 'write' }] });
  const tid = stop.body.threadId!;
  const before = await registers(dc, tid);
  await nextStop(dc, () => dc.nextRequest({ threadId: tid, granularity: 'instruction' }));
  assert.equal((await registers(dc, tid)).get('RAX')!.value, '0xd');
  const back = await nextStop(dc, () => dc.stepBackRequest({ threadId: tid, granularity: 'instruction' }));
  assert.equal(back.body.reason, 'step');
  const after = await registers(dc, tid);
  assert.equal(after.get('RIP')!.value, before.get('RIP')!.value);
  assert.equal(after.get('RAX')!.value, '0x1');
}));

test('back then forward: the full machine state (CPU, memory pages, kernel, model, trace) is identical', () => withClient(async (dc) => {
  const stop = await launchAndStop(dc, { program: sample('blocking.s'), snapshotInterval: 20000 }, { filters: [], filterOptions: [{ filterId: 'syscall', condition: 'read' }] });
  assert.equal(stop.body.reason, 'syscall');
  const tid = stop.body.threadId!;
  const atRead = await dump(dc);
  // forward through the blocking read (threads, sysmon handoff, the writer) to the next write
  await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-return', condition: 'read' }] });
  const s2 = await nextStop(dc, () => dc.continueRequest({ threadId: tid }));
  assert.equal(s2.body.reason, 'syscall');
  assert.match(s2.body.description ?? '', /^read\(/);
  const atReturn = await dump(dc);
  assert.notEqual(atReturn, atRead);
  // back to the read's entry stop
  await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall', condition: 'read' }] });
  const s3 = await nextStop(dc, () => dc.reverseContinueRequest({ threadId: s2.body.threadId! }));
  assert.equal(s3.body.reason, 'syscall');
  assert.match(s3.body.description ?? '', /^read\(/);
  assert.equal(await dump(dc), atRead);
  // and forward again to the same return
  await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-return', condition: 'read' }] });
  await nextStop(dc, () => dc.continueRequest({ threadId: s3.body.threadId! }));
  assert.equal(await dump(dc), atReturn);
}));

test('reverseContinue goes back to the previous breakpoint hit, with its registers', () => withClient(async (dc) => {
  const stop = await launchAndStop(dc, { program: COUNT }, { filters: [] }, async () => {
    await dc.setBreakpointsRequest({ source: { path: COUNT }, breakpoints: [{ line: 6 }] });
  });
  const tid = stop.body.threadId!;
  assert.equal((await registers(dc, tid)).get('RCX')!.value, '0x0');
  await nextStop(dc, () => dc.continueRequest({ threadId: tid }));
  await nextStop(dc, () => dc.continueRequest({ threadId: tid }));
  assert.equal((await registers(dc, tid)).get('RCX')!.value, '0x2');
  const back = await nextStop(dc, () => dc.reverseContinueRequest({ threadId: tid }));
  assert.equal(back.body.reason, 'breakpoint');
  assert.equal((await registers(dc, tid)).get('RCX')!.value, '0x1');
  assert.equal((await topFrame(dc, tid)).line, 6);
  // line-granularity step back from line 7 returns to line 6
  await nextStop(dc, () => dc.nextRequest({ threadId: tid }));
  assert.equal((await topFrame(dc, tid)).line, 7);
  await nextStop(dc, () => dc.stepBackRequest({ threadId: tid }));
  assert.equal((await topFrame(dc, tid)).line, 6);
  assert.equal((await registers(dc, tid)).get('RCX')!.value, '0x1');
}));
