// The `syscall` exception filter with a condition, the Registers and Syscall scopes at the stop, and stepping
// over the SYSCALL instruction with granularity `instruction`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withClient, launchAndStop, nextStop, registers, scopeVars, topFrame, sample } from './client';

test('syscall filter with condition write stops before SYSCALL: RAX=0x1, Syscall scope decodes write(1, "hello…", 13)', () => withClient(async (dc) => {
  const stop = await launchAndStop(dc, { program: sample('hello.s'), stopOnEntry: false }, { filters: [], filterOptions: [{ filterId: 'syscall', condition: 'write' }] });
  assert.equal(stop.body.reason, 'syscall');
  assert.match(stop.body.description ?? '', /^write\(1, "hello, world\\n", 13\)/);
  const tid = stop.body.threadId!;
  const regs = await registers(dc, tid);
  assert.equal(regs.get('RAX')?.value, '0x1');
  assert.equal(regs.get('RAX')?.type, 'AX');
  assert.equal(regs.get('RDI')?.value, '0x1');
  assert.equal(regs.get('RDX')?.value, '0xd');
  for (const n of ['RBX', 'RCX', 'RSI', 'RBP', 'RSP', 'R8', 'R15', 'RIP', 'RFLAGS', 'FS_BASE', 'XMM0', 'XMM15']) assert.ok(regs.has(n), n);
  const f = await topFrame(dc, tid);
  const sys = await scopeVars(dc, f.id, 'Syscall');
  assert.match(sys.get('call')!.value, /^write\(1, "hello, world\\n", 13\)$/);
  assert.equal(sys.get('name')!.value, 'write');
  assert.equal(sys.get('number')!.value, '1');
  assert.equal(sys.get('fd')!.value, '1');
  // the instruction at RIP is the SYSCALL
  const dis = await dc.disassembleRequest({ memoryReference: regs.get('RIP')!.value, instructionCount: 1 });
  assert.match(dis.body!.instructions[0].instruction, /^SYSCALL/);
  assert.equal(dis.body!.instructions[0].instructionBytes?.replace(/ /g, ''), '0f05');
}));

test('a syscall condition that does not match never stops; the program runs to its end', () => withClient(async (dc) => {
  const exited = dc.waitForEvent('exited');
  await Promise.all([dc.waitForEvent('initialized'), dc.launch({ program: sample('hello.s') } as any)]);
  await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall', condition: 'openat, 9999' }] });
  await dc.configurationDoneRequest();
  const ev = await exited;
  assert.equal(ev.body.exitCode, 0);
}));

test('an unknown syscall name in the condition is reported as unverified', () => withClient(async (dc) => {
  await Promise.all([dc.waitForEvent('initialized'), dc.launch({ program: sample('hello.s') } as any)]);
  const r = await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall', condition: 'wrte' }] });
  assert.equal(r.body?.breakpoints?.[0].verified, false);
  assert.match(r.body?.breakpoints?.[0].message ?? '', /unknown syscall 'wrte'/);
}));

test('instruction step over SYSCALL shows RAX = bytes written; the output reaches the Debug Console', () => withClient(async (dc) => {
  const stop = await launchAndStop(dc, { program: sample('hello.s') }, { filters: [], filterOptions: [{ filterId: 'syscall', condition: '1' }] });
  const tid = stop.body.threadId!;
  const rip0 = BigInt((await registers(dc, tid)).get('RIP')!.value);
  const out = dc.assertOutput('stdout', 'hello, world');
  const s = await nextStop(dc, () => dc.nextRequest({ threadId: tid, granularity: 'instruction' }));
  assert.equal(s.body.reason, 'step');
  const regs = await registers(dc, tid);
  assert.equal(regs.get('RAX')!.value, '0xd');
  assert.equal(BigInt(regs.get('RIP')!.value), rip0 + 2n);
  await out;
}));

test('syscall-return filter stops after the kernel returned, RAX = result, description carries the result', () => withClient(async (dc) => {
  const stop = await launchAndStop(dc, { program: sample('hello.s') }, { filters: ['syscall-return'] });
  assert.equal(stop.body.reason, 'syscall');
  assert.match(stop.body.description ?? '', /^write\(1, .*\) = 13$/);
  const regs = await registers(dc, stop.body.threadId!);
  assert.equal(regs.get('RAX')!.value, '0xd');
  const f = await topFrame(dc, stop.body.threadId!);
  const sys = await scopeVars(dc, f.id, 'Syscall');
  assert.match(sys.get('result')!.value, /^13 /);
  assert.equal(sys.get('errno')!.value, 'none');
  const info = await dc.exceptionInfoRequest({ threadId: stop.body.threadId! });
  assert.equal(info.body.exceptionId, 'syscall-return');
}));
