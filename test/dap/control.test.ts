// Execution control: pause while running, maxInstructions, a guest fault, restart, terminate, requests while
// running, and .go programs (build errors, no toolchain).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { withClient, launchAndStop, nextStop, topFrame, sample, expectError, ROOT, ADAPTER } from './client';

const FIX = join(ROOT, 'test', 'dap', 'fixtures');

test('pause answers while a runaway loop runs; requests while running are errors', () => withClient(async (dc) => {
  await Promise.all([dc.waitForEvent('initialized'), dc.launch({ program: join(FIX, 'loop.s') } as any)]);
  await dc.configurationDoneRequest();
  await new Promise((r) => setTimeout(r, 300));
  await expectError(dc.stackTraceRequest({ threadId: 1 }), /running/);
  const th = await dc.threadsRequest();
  const t0 = Date.now();
  const s = await nextStop(dc, () => dc.pauseRequest({ threadId: th.body.threads[0]?.id ?? 1 }));
  const ms = Date.now() - t0;
  assert.equal(s.body.reason, 'pause');
  assert.ok(ms < 500, `pause took ${ms} ms`);
  const f = await topFrame(dc, s.body.threadId!);
  assert.equal(f.name, 'main.main');
}));

test('maxInstructions stops a runaway loop with a message', () => withClient(async (dc) => {
  const s = await launchAndStop(dc, { program: join(FIX, 'loop.s'), maxInstructions: 100000 });
  assert.equal(s.body.reason, 'pause');
  assert.match(s.body.description ?? '', /maxInstructions \(100000\)/);
}));

test('a guest page fault stops with reason exception; continuing kills the guest with SIGSEGV (139)', () => withClient(async (dc) => {
  const s = await launchAndStop(dc, { program: join(FIX, 'fault.s') }, { filters: ['fault'] });
  assert.equal(s.body.reason, 'exception');
  assert.match(s.body.description ?? '', /#PF/);
  const info = await dc.exceptionInfoRequest({ threadId: s.body.threadId! });
  assert.equal(info.body.exceptionId, '#PF');
  assert.match(info.body.description ?? '', /0x8/);
  const exited = dc.waitForEvent('exited');
  await dc.continueRequest({ threadId: s.body.threadId! });
  assert.equal((await exited).body.exitCode, 139);
}));

test('restart starts the program again with the same breakpoints; terminate ends the session', () => withClient(async (dc) => {
  const s = await launchAndStop(dc, { program: sample('hello.s') }, { filters: [] }, async () => {
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'syscall.Syscall' }] });
  });
  assert.equal(s.body.reason, 'function breakpoint');
  const again = await nextStop(dc, () => dc.restartRequest({}));
  assert.equal(again.body.reason, 'function breakpoint');
  assert.equal((await topFrame(dc, again.body.threadId!)).name, 'syscall.Syscall');
  const term = dc.waitForEvent('terminated');
  await dc.terminateRequest({});
  await term;
}));

test('a .go program with a compile error: launch fails with the compiler message', () => withClient(async (dc) => {
  await expectError(dc.launch({ program: join(FIX, 'badgo') } as any), /go build failed[\s\S]*main\.go:\d+/);
}));

test('no Go toolchain: launch says how to get one', async () => {
  const dc = new DebugClient(process.execPath, ADAPTER, 'gosyscall', { env: { PATH: '/nonexistent', HOME: process.env.HOME ?? '/tmp' } } as any, true);
  await dc.start();
  try {
    await dc.initializeRequest();
    await expectError(dc.launch({ program: join(FIX, 'badgo') } as any), /no Go toolchain found: install Go from https:\/\/go\.dev\/dl\//);
  } finally { await dc.stop(); }
});

test('with the fault filter off a fault ends the program (exit 139) without stopping', () => withClient(async (dc) => {
  const exited = dc.waitForEvent('exited');
  await Promise.all([dc.waitForEvent('initialized'), dc.launch({ program: join(FIX, 'fault.s') } as any)]);
  await dc.setExceptionBreakpointsRequest({ filters: [] });
  await dc.configurationDoneRequest();
  assert.equal((await exited).body.exitCode, 139);
}));
