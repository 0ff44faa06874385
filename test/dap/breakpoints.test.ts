// Source, function and instruction breakpoints; conditions, hit counts and log points.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { withClient, launchAndStop, nextStop, registers, topFrame, sample, ROOT, expectError } from './client';

const COUNT = join(ROOT, 'test', 'dap', 'fixtures', 'count.s');
const LIB = join(ROOT, 'samples', 'lib', 'syscall_linux_amd64.s');

test('source breakpoints: a line without code is unverified with a reason, the TEXT line moves to the next code line', () => withClient(async (dc) => {
  await Promise.all([dc.waitForEvent('initialized'), dc.launch({ program: COUNT } as any)]);
  const r = await dc.setBreakpointsRequest({ source: { path: COUNT }, breakpoints: [{ line: 2 }, { line: 5 }, { line: 6 }] });
  const [b2, b5, b6] = r.body.breakpoints;
  assert.equal(b2.verified, false);
  assert.match(b2.message ?? '', /line 2 of count\.s has no code/);
  assert.equal(b5.verified, true);
  assert.equal(b5.line, 6);
  assert.equal(b6.verified, true);
  assert.match(b6.instructionReference ?? '', /^0x[0-9a-f]+$/);
  const bad = await dc.setBreakpointsRequest({ source: { path: COUNT }, breakpoints: [{ line: 6, condition: 'CX ==' }] });
  assert.equal(bad.body.breakpoints[0].verified, false);
  assert.match(bad.body.breakpoints[0].message ?? '', /bad condition/);
}));

test('hit count 3 stops on the third call; a1+0(FP) names the argument', () => withClient(async (dc) => {
  const stop = await launchAndStop(dc, { program: COUNT }, { filters: [] }, async () => {
    await dc.setBreakpointsRequest({ source: { path: COUNT }, breakpoints: [{ line: 6, hitCondition: '3' }] });
  });
  assert.equal(stop.body.reason, 'breakpoint');
  const f = await topFrame(dc, stop.body.threadId!);
  assert.equal(f.line, 6);
  assert.equal(f.name, 'main.add');
  const ev = await dc.evaluateRequest({ expression: 'a+0(FP)', frameId: f.id, context: 'watch' });
  assert.match(ev.body.result, /^0x2\b/);
  const sc = await dc.scopesRequest({ frameId: f.id });
  const args = sc.body.scopes.find((s) => s.name.startsWith('Arguments'));
  assert.ok(args, 'asm frame arguments scope');
  const vars = await dc.variablesRequest({ variablesReference: args!.variablesReference });
  const byName = new Map(vars.body.variables.map((v) => [v.name, v.value]));
  assert.equal(byName.get('a+0(FP)'), '0x2');
  assert.equal(byName.get('b+8(FP)'), '0x64');
}));

test('a condition on a register stops only when it holds', () => withClient(async (dc) => {
  const stop = await launchAndStop(dc, { program: COUNT }, { filters: [] }, async () => {
    await dc.setBreakpointsRequest({ source: { path: COUNT }, breakpoints: [{ line: 6, condition: 'CX == 5' }] });
  });
  assert.equal(stop.body.reason, 'breakpoint');
  const regs = await registers(dc, stop.body.threadId!);
  assert.equal(regs.get('RCX')!.value, '0x5');
  const exited = dc.waitForEvent('exited');
  await dc.continueRequest({ threadId: stop.body.threadId! });
  assert.equal((await exited).body.exitCode, 0);
}));

test('a log point prints without stopping', () => withClient(async (dc) => {
  const lines: string[] = [];
  dc.on('output', (e) => { if (/^add a=/.test(e.body.output)) lines.push(e.body.output.trim()); });
  const exited = dc.waitForEvent('exited');
  await Promise.all([dc.waitForEvent('initialized'), dc.launch({ program: COUNT } as any)]);
  await dc.setBreakpointsRequest({ source: { path: COUNT }, breakpoints: [{ line: 6, logMessage: 'add a={a+0(FP)} b={b+8(FP)}' }] });
  await dc.configurationDoneRequest();
  await exited;
  assert.equal(lines.length, 10);
  assert.equal(lines[0], 'add a=0x0 b=0x64');
  assert.equal(lines[9], 'add a=0x9 b=0x64');
}));

test('function breakpoints in any spelling: runtime·entersyscall, syscall.Syscall, main.main', () => withClient(async (dc) => {
  let fb: any;
  const stop = await launchAndStop(dc, { program: sample('hello.s') }, { filters: [] }, async () => {
    fb = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'runtime·entersyscall' }, { name: 'syscall.Syscall' }, { name: 'no.such' }] });
  });
  assert.deepEqual(fb.body.breakpoints.map((b: any) => b.verified), [true, true, false]);
  assert.match(fb.body.breakpoints[2].message, /no function no\.such/);
  assert.equal(stop.body.reason, 'function breakpoint');
  let f = await topFrame(dc, stop.body.threadId!);
  assert.equal(f.name, 'syscall.Syscall');
  assert.equal(f.source?.path, LIB);
  const s2 = await nextStop(dc, () => dc.continueRequest({ threadId: stop.body.threadId! }));
  assert.equal(s2.body.reason, 'function breakpoint');
  f = await topFrame(dc, s2.body.threadId!);
  assert.equal(f.name, 'runtime.entersyscall');
  assert.ok((f.source?.sourceReference ?? 0) > 0, 'model source is a virtual document');
}));

test('function breakpoint main.main and an instruction breakpoint on the SYSCALL', () => withClient(async (dc) => {
  const stop = await launchAndStop(dc, { program: sample('hello.s') }, { filters: [] }, async () => {
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main.main' }] });
  });
  assert.equal(stop.body.reason, 'function breakpoint');
  const tid = stop.body.threadId!;
  // find the SYSCALL in syscall·Syscall through evaluate + disassemble
  const sym = await dc.evaluateRequest({ expression: 'syscall·Syscall', context: 'repl' });
  const addr = sym.body.result.split(' ')[0];
  const dis = await dc.disassembleRequest({ memoryReference: addr, instructionCount: 12 });
  const sc = dis.body!.instructions.find((i) => /^SYSCALL/.test(i.instruction));
  assert.ok(sc, 'SYSCALL in syscall·Syscall');
  const ib = await setInstructionBreakpoints(dc, { breakpoints: [{ instructionReference: sc!.address }] });
  assert.equal(ib.body.breakpoints[0].verified, true);
  const bad = await setInstructionBreakpoints(dc, { breakpoints: [{ instructionReference: sc!.address }, { instructionReference: '0x10' }] });
  assert.equal(bad.body.breakpoints[1].verified, false);
  const s2 = await nextStop(dc, () => dc.continueRequest({ threadId: tid }));
  assert.equal(s2.body.reason, 'instruction breakpoint');
  const regs = await registers(dc, s2.body.threadId!);
  assert.equal(regs.get('RIP')!.value, sc!.address);
  await expectError(dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main.main', hitCondition: 'often' }] }).then((r) => {
    if (!r.body.breakpoints[0].verified) throw new Error(r.body.breakpoints[0].message);
  }), /bad hit count/);
}));

function setInstructionBreakpoints(dc: DebugClient, args: DebugProtocol.SetInstructionBreakpointsArguments): Promise<DebugProtocol.SetInstructionBreakpointsResponse> {
  return dc.send('setInstructionBreakpoints', args) as Promise<DebugProtocol.SetInstructionBreakpointsResponse>;
}
