// launch: invalid configurations answer with a DAP error naming the attribute; the adapter stays alive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withClient, expectError, ROOT } from './client';

test('launch without program is a DAP error, adapter keeps answering', () => withClient(async (dc) => {
  await expectError(dc.launch({} as any), /"program" is required/);
  const th = await dc.threadsRequest();
  assert.deepEqual(th.body.threads, []);
}));

test('launch with a missing program names the file', () => withClient(async (dc) => {
  await expectError(dc.launch({ program: '/nonexistent/x.s' } as any), /\/nonexistent\/x\.s does not exist/);
}));

test('launch with bad attribute types names the attribute', () => withClient(async (dc) => {
  await expectError(dc.launch({ program: ROOT, gomaxprocs: 0 } as any), /gomaxprocs/);
  await expectError(dc.launch({ program: ROOT, args: 'x' } as any), /"args"/);
  await expectError(dc.launch({ program: ROOT, stopOnEntry: 'yes' } as any), /stopOnEntry/);
}));

test('launch of a file that is neither .s, ELF nor Go is a clear error', () => withClient(async (dc) => {
  await expectError(dc.launch({ program: `${ROOT}/package.json` } as any), /not a .s model program, an ELF binary or Go source/);
}));

test('initialize advertises the exception filters and capabilities of DESIGN §4', () => withClient(async (dc) => {
  const r = await dc.initializeRequest();
  const ids = (r.body?.exceptionBreakpointFilters ?? []).map((f) => f.filter);
  assert.deepEqual(ids, ['syscall', 'syscall-return', 'entersyscall', 'exitsyscall', 'handoff', 'fault']);
  const c = r.body!;
  for (const k of ['supportsConfigurationDoneRequest', 'supportsFunctionBreakpoints', 'supportsConditionalBreakpoints',
    'supportsHitConditionalBreakpoints', 'supportsLogPoints', 'supportsInstructionBreakpoints', 'supportsExceptionFilterOptions',
    'supportsExceptionInfoRequest', 'supportsSteppingGranularity', 'supportsDisassembleRequest', 'supportsReadMemoryRequest',
    'supportsWriteMemoryRequest', 'supportsSetVariable', 'supportsStepBack', 'supportsRestartRequest', 'supportsTerminateRequest'] as const) {
    assert.equal(c[k], true, k);
  }
  assert.equal(r.body?.exceptionBreakpointFilters?.find((f) => f.filter === 'fault')?.default, true);
}));

test('requests before launch and unknown custom requests are error responses', () => withClient(async (dc) => {
  await expectError(dc.continueRequest({ threadId: 1 }), /no program/);
  await expectError(dc.customRequest('scheduler'), /no program/);
  await expectError(dc.stackTraceRequest({ threadId: 1 }), /no program/);
}));
