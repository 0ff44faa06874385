import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sanitizeSyscallLog, syscallCall, syscallItem, syscallResult, type SyscallEntry } from '../../../src/extension/syscallFormat';
import { formatTime } from '../../../src/extension/format';

const base: SyscallEntry = { ev: 'syscall', seq: 12, t: 1_500_000, m: 1, p: 0, g: 7, pc: '0x401020', nr: 1, name: 'write',
  args: ['0x1', '0xc000010000', '0x6', '0x0', '0x0', '0x0'], ret: 6, errno: null, blocked: false };

test('name(args) = result with the syscall arity', () => {
  assert.equal(syscallCall(base), 'write(1, 0xc000010000, 6)');
  assert.equal(syscallItem(base).label, 'write(1, 0xc000010000, 6) = 6');
});

test('the decoded text is used when the trace has it', () => {
  assert.equal(syscallItem({ ...base, text: 'write(1, "hello\\n", 6)' }).label, 'write(1, "hello\\n", 6) = 6');
});

test('a decoded text that already has its result is not given a second one', () => {
  assert.equal(syscallItem({ ...base, name: 'pipe2', ret: 0, text: 'pipe2([3, 4], O_RDONLY) = 0' }).label, 'pipe2([3, 4], O_RDONLY) = 0');
});

test('errors show the errno name; unknown syscalls drop trailing zero args', () => {
  const e = { ...base, nr: 0, name: 'read', ret: -11, errno: 'EAGAIN', blocked: true };
  assert.equal(syscallResult(e), '-11 EAGAIN');
  const item = syscallItem(e);
  assert.equal(item.failed, true);
  assert.match(item.description, /^\+1\.5ms · M1 P0 G7 · blocked$/);
  assert.match(syscallItem(e, 1_000_000).description, /^\+500µs /, 'times are offsets from the origin');
  assert.equal(syscallCall({ ...base, name: 'weird', nr: 999, args: ['0x5', '0x0', '0x0'] }), 'weird(5)');
});

test('virtual time formatting', () => {
  assert.equal(formatTime(950), '950ns');
  assert.equal(formatTime(12_500), '12.5µs');
  assert.equal(formatTime(3_250_000), '3.25ms');
  assert.equal(formatTime(1_500_000_000), '1.5s');
  assert.equal(formatTime(500_000_000), '500ms', 'integer zeros stay');
  assert.equal(formatTime(10_000), '10µs');
  assert.equal(formatTime(2_000_000), '2ms');
});

test('sanitizeSyscallLog keeps only entries with seq and name', () => {
  assert.deepEqual(sanitizeSyscallLog(null), []);
  assert.equal(sanitizeSyscallLog({ entries: [base, { seq: 'x' }, null] }).length, 1);
});
