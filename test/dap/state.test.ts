// Inspecting and changing state at a stop: threads named by M/P/G, Goroutine scope, evaluate (registers in any
// spelling, Go operands, dereference, symbols, arithmetic, hover), setVariable, readMemory/writeMemory,
// disassemble with negative offsets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withClient, launchAndStop, registers, scopeVars, topFrame, sample, expectError } from './client';

const atWrite = (dc: any) => launchAndStop(dc, { program: sample('hello.s') }, { filters: [], filterOptions: [{ filterId: 'syscall', condition: 'write' }] });

test('threads are Ms named M · P · G; the Goroutine scope shows G1 in _Gsyscall', () => withClient(async (dc) => {
  const stop = await atWrite(dc);
  const th = await dc.threadsRequest();
  const names = th.body.threads.map((t) => t.name);
  assert.ok(names.some((n) => /^M0 · P\d+ · G1 \S+/.test(n)), names.join(' | '));
  assert.ok(names.some((n) => /^M1\b/.test(n)), 'sysmon M1 is a thread: ' + names.join(' | '));
  const f = await topFrame(dc, stop.body.threadId!);
  const g = await scopeVars(dc, f.id, 'Goroutine');
  assert.equal(g.get('goid')!.value, '1');
  assert.equal(g.get('status')!.value, '_Gsyscall');
  assert.equal(g.get('m')!.value, 'M0');
  assert.match(g.get('syscallsp')!.value, /^0x[1-9a-f]/);
}));

test('evaluate: RAX, rax and AX alike; 8(SP) = *(SP+8); symbols; arithmetic; errors are DAP errors', () => withClient(async (dc) => {
  const stop = await atWrite(dc);
  const f = await topFrame(dc, stop.body.threadId!);
  const ev = async (expression: string, context = 'repl') => (await dc.evaluateRequest({ expression, frameId: f.id, context })).body;
  for (const e of ['RAX', 'rax', 'AX']) assert.equal((await ev(e)).result, '0x1', e);
  assert.equal((await ev('AX', 'hover')).type, 'AX');
  const a = (await ev('8(SP)')).result, b = (await ev('*(SP+8)')).result;
  assert.equal(a, b);
  assert.match((await ev('RAX + RDI*2')).result, /^0x3 /);
  assert.equal((await ev('main·main')).result.split(' ')[0], (await ev('main.main')).result.split(' ')[0]);
  assert.match((await ev('RDX == 13')).result, /^0x1 /);
  await expectError(dc.evaluateRequest({ expression: 'RAX +', frameId: f.id, context: 'repl' }), /unexpected end|expected/);
  await expectError(dc.evaluateRequest({ expression: 'nosuchthing', frameId: f.id, context: 'repl' }), /unknown register or symbol 'nosuchthing'/);
  await expectError(dc.evaluateRequest({ expression: '*0x10', frameId: f.id, context: 'repl' }), /cannot read 8 bytes at 0x10/);
}));

test('setVariable on a register and on a flag bit', () => withClient(async (dc) => {
  const stop = await atWrite(dc);
  const tid = stop.body.threadId!;
  const f = await topFrame(dc, tid);
  const sc = await dc.scopesRequest({ frameId: f.id });
  const regsRef = sc.body.scopes.find((s) => s.name === 'Registers')!.variablesReference;
  const r = await dc.setVariableRequest({ variablesReference: regsRef, name: 'RBX', value: '0x2a' });
  assert.equal(r.body.value, '0x2a');
  const regs = await registers(dc, tid);
  assert.equal(regs.get('RBX')!.value, '0x2a');
  const flagsRef = regs.get('RFLAGS')!.variablesReference;
  const flags = await dc.variablesRequest({ variablesReference: flagsRef });
  assert.deepEqual(flags.body.variables.map((v) => v.name), ['CF', 'PF', 'AF', 'ZF', 'SF', 'TF', 'IF', 'DF', 'OF']);
  await dc.setVariableRequest({ variablesReference: flagsRef, name: 'CF', value: '1' });
  const after = await registers(dc, tid);
  assert.equal(BigInt(after.get('RFLAGS')!.value) & 1n, 1n);
  await expectError(dc.setVariableRequest({ variablesReference: flagsRef, name: 'CF', value: '7' }), /one bit/);
  await expectError(dc.setVariableRequest({ variablesReference: regsRef, name: 'RBX', value: 'bogus(' }), /setVariable RBX/);
}));

test('readMemory / writeMemory change what the guest writes; unmapped memory is unreadable', () => withClient(async (dc) => {
  const stop = await atWrite(dc);
  const tid = stop.body.threadId!;
  const buf = (await registers(dc, tid)).get('RSI')!.value;
  const rd = await dc.send('readMemory', { memoryReference: buf, count: 13 }) as any;
  assert.equal(Buffer.from(rd.body.data, 'base64').toString(), 'hello, world\n');
  const wr = await dc.send('writeMemory', { memoryReference: buf, data: Buffer.from('J').toString('base64') }) as any;
  assert.equal(wr.body.bytesWritten, 1);
  const none = await dc.send('readMemory', { memoryReference: '0x10', count: 16 }) as any;
  assert.equal(none.body.unreadableBytes, 16);
  await expectError(dc.send('writeMemory', { memoryReference: '0x10', data: 'AA==' }), /not mapped/);
  await expectError(dc.send('readMemory', { memoryReference: 'nope', count: 1 }), /bad memoryReference/);
  const out = dc.assertOutput('stdout', 'Jello, world');
  await dc.continueRequest({ threadId: tid });
  await out;
}));

test('disassemble in Plan 9 syntax with bytes, source locations and negative offsets', () => withClient(async (dc) => {
  const stop = await atWrite(dc);
  const tid = stop.body.threadId!;
  const rip = (await registers(dc, tid)).get('RIP')!.value;
  const d = await dc.disassembleRequest({ memoryReference: rip, instructionOffset: -4, instructionCount: 8, resolveSymbols: true });
  const ins = d.body!.instructions;
  assert.equal(ins.length, 8);
  assert.equal(ins[4].address, rip);
  assert.match(ins[4].instruction, /^SYSCALL/);
  assert.match(ins[3].instruction, /^MOVQ /);
  for (const i of ins) assert.match(i.instructionBytes ?? '', /^[0-9a-f]{2}( [0-9a-f]{2})*$/);
  assert.ok(ins[0].location?.path?.endsWith('syscall_linux_amd64.s'));
  assert.ok(ins.some((i) => i.line === 20));
  const st = await dc.stackTraceRequest({ threadId: tid });
  assert.equal(st.body.stackFrames[0].instructionPointerReference, rip);
}));
