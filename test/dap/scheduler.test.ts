// The Go-runtime filters (entersyscall, exitsyscall, handoff), the custom requests scheduler / syscallLog /
// timeline, and travelTo from the timeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withClient, launchAndStop, nextStop, registers, sample } from './client';

test('entersyscall filter: G1 _Grunning → _Gsyscall, scheduler request agrees', () => withClient(async (dc) => {
  const stop = await launchAndStop(dc, { program: sample('hello.s') }, { filters: ['entersyscall'] });
  assert.equal(stop.body.reason, 'syscall');
  assert.match(stop.body.description ?? '', /^entersyscall: G1 _Grunning → _Gsyscall/);
  const info = await dc.exceptionInfoRequest({ threadId: stop.body.threadId! });
  assert.equal(info.body.exceptionId, 'entersyscall');
  const s = (await dc.customRequest('scheduler')).body;
  assert.equal(s.source, 'model');
  assert.equal(s.gs.find((g: any) => g.goid === 1).status, '_Gsyscall');
  assert.ok(Array.isArray(s.ms) && Array.isArray(s.ps) && typeof s.sched.npidle === 'number' && typeof s.t === 'number');
}));

test('exitsyscall filter says which path', () => withClient(async (dc) => {
  const stop = await launchAndStop(dc, { program: sample('hello.s') }, { filters: ['exitsyscall'] });
  assert.equal(stop.body.reason, 'syscall');
  assert.match(stop.body.description ?? '', /^exitsyscall: G1 on M0, fast path/);
}));

test('handoff filter: sysmon retakes P0 from the blocked read; timeline and syscallLog show it', () => withClient(async (dc) => {
  const stop = await launchAndStop(dc, { program: sample('blocking.s') }, { filters: ['handoff'] });
  assert.equal(stop.body.reason, 'syscall');
  assert.match(stop.body.description ?? '', /^handoff: P0 M0 → M\d+ \(sysmon retake\)/);
  const sched = (await dc.customRequest('scheduler')).body;
  const g1 = sched.gs.find((g: any) => g.goid === 1);
  assert.equal(g1.status, '_Gsyscall');
  const tl = (await dc.customRequest('timeline')).body;
  assert.ok(tl.marks.some((m: any) => m.kind === 'handoff' && m.lane === 'P0'));
  assert.ok(tl.intervals.some((iv: any) => iv.lane === 'P0' && iv.state === '_Psyscall'));
  assert.ok(tl.intervals.some((iv: any) => iv.lane === 'G1' && iv.state === '_Grunning'));
  assert.ok(tl.intervals.every((iv: any) => iv.end >= iv.start && iv.end <= tl.t));
  const log = (await dc.customRequest('syscallLog')).body.entries;
  assert.ok(log.length >= 1);
  assert.equal(log[0].ev, 'syscall');
  assert.equal(log[0].name, 'pipe2');
  assert.match(log[0].pc, /^0x/);
}));

test('travelTo a syscall of the log goes back to just before it', () => withClient(async (dc) => {
  const stop = await launchAndStop(dc, { program: sample('hello.s') }, { filters: ['syscall-return'] });
  const tid = stop.body.threadId!;
  const log = (await dc.customRequest('syscallLog')).body.entries;
  const write = log.find((e: any) => e.name === 'write');
  assert.ok(write);
  const tl = (await dc.customRequest('timeline')).body;
  assert.ok(tl.intervals.some((iv: any) => iv.seq === write.seq && iv.state === 'syscall'));
  const back = await nextStop(dc, () => dc.customRequest('travelTo', { seq: write.seq }));
  assert.equal(back.body.reason, 'syscall');
  assert.match(back.body.description ?? '', /^write\(1, /);
  const regs = await registers(dc, tid);
  assert.equal(regs.get('RAX')!.value, '0x1');
  assert.equal(regs.get('RIP')!.value, write.pc);
  // continuing performs the write once more (output is not repeated) and reaches the same return
  const again = await nextStop(dc, () => dc.continueRequest({ threadId: tid }));
  assert.match(again.body.description ?? '', /^write\(1, .*\) = 13$/);
}));
