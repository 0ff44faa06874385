// Each sample tells one part of Go's syscall story; these tests pin the exact sequence of G/P transitions,
// handoffs and exitsyscall paths it produces, as a person reading about Go's syscall path expects them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSample, story } from './harness';

test('hello.s: entersyscall, write, exitsyscall fast path', () => {
  const r = runSample('hello.s');
  assert.equal(r.stdout, 'hello, world\n');
  assert.deepEqual(r.exit, { code: 0 });
  assert.deepEqual(story(r.events), [
    'thread M1 create', // sysmon
    'G1 _Grunning->_Gsyscall M0',
    'P0 _Prunning->_Psyscall M0',
    'syscall M0 G1 write',
    'P0 _Psyscall->_Prunning M0',
    'exitsyscall G1 M0 fast',
    'G1 _Gsyscall->_Grunning M0',
    'exit 0',
  ]);
  // The write is attributed to M0, G1 and (while it sits in _Psyscall) P0.
  const w = r.events.find((e) => e.ev === 'syscall');
  assert.ok(w && w.ev === 'syscall');
  assert.deepEqual([w.m, w.p, w.g, w.nr, w.ret], [0, 0, 1, 1, 13]);
});

test('syscall6.s: mmap through Syscall6 with six arguments, then a write', () => {
  const r = runSample('syscall6.s');
  assert.equal(r.stdout, 'mmap: page ok\n');
  assert.deepEqual(r.exit, { code: 0 });
  assert.deepEqual(story(r.events), [
    'thread M1 create',
    'G1 _Grunning->_Gsyscall M0',
    'P0 _Prunning->_Psyscall M0',
    'syscall M0 G1 mmap',
    'P0 _Psyscall->_Prunning M0',
    'exitsyscall G1 M0 fast',
    'G1 _Gsyscall->_Grunning M0',
    'G1 _Grunning->_Gsyscall M0',
    'P0 _Prunning->_Psyscall M0',
    'syscall M0 G1 write',
    'P0 _Psyscall->_Prunning M0',
    'exitsyscall G1 M0 fast',
    'G1 _Gsyscall->_Grunning M0',
    'exit 0',
  ]);
  const mmap = r.events.find((e) => e.ev === 'syscall' && e.name === 'mmap');
  assert.ok(mmap && mmap.ev === 'syscall');
  // DI, SI, DX, R10, R8, R9 = 0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0
  assert.deepEqual(mmap.args, ['0x0', '0x1000', '0x3', '0x22', '0xffffffffffffffff', '0x0']);
  assert.ok(mmap.ret > 0);
});

test('raw.s: RawSyscall and runtime·write1 change no scheduler state', () => {
  const r = runSample('raw.s');
  assert.equal(r.stderr, 'raw write, no scheduler\n');
  assert.deepEqual(r.exit, { code: 0 });
  assert.deepEqual(story(r.events), ['thread M1 create', 'syscall M0 G1 getpid', 'syscall M0 G1 write', 'exit 0']);
  for (const e of r.events) if (e.ev === 'syscall') assert.deepEqual([e.m, e.p, e.g], [0, 0, 1]);
});

test('blocking.s (GOMAXPROCS=2): sysmon retakes the blocked P, exitsyscall takes the slow path', () => {
  const r = runSample('blocking.s', { gomaxprocs: 2 });
  assert.equal(r.stdout, 'main: read the byte the writer wrote\n');
  assert.deepEqual(r.exit, { code: 0 });
  assert.deepEqual(story(r.events), [
    'thread M1 create', // sysmon
    'syscall M0 G1 pipe2', // RawSyscall: no state change
    'G2 _Gdead->_Grunnable M0', // go worker()
    'thread M2 create', // wakep: a spinning M for idle P1
    'G3 _Gdead->_Grunnable M0', // go writer()
    'G1 _Grunning->_Gsyscall M0', // read: entersyscall
    'P0 _Prunning->_Psyscall M0',
    'P1 _Pidle->_Prunning M2', // M2 starts, steals the worker
    'G2 _Grunnable->_Grunning M2',
    'P0 _Psyscall->_Pidle M1', // sysmon: retake
    'handoff P0 M0->M3 sysmon retake', // handoffp → startm → newm
    'thread M3 create',
    'P0 _Pidle->_Prunning M3',
    'G3 _Grunnable->_Grunning M3', // the writer runs on the handed-off P
    'G3 _Grunning->_Gsyscall M3',
    'P0 _Prunning->_Psyscall M3',
    'syscall M3 G3 write',
    'P0 _Psyscall->_Prunning M3',
    'exitsyscall G3 M3 fast',
    'G3 _Gsyscall->_Grunning M3',
    'syscall M0 G1 read blocked', // the read returns on M0
    'exitsyscall G1 M0 slow', // P0 is M3's, no P idle
    'G1 _Gsyscall->_Grunnable M0', // exitsyscall0: global run queue, stopm
    'G3 _Grunning->_Gdead M3', // the writer returns into goexit
    'G1 _Grunnable->_Grunning M3', // M3's scheduler takes G1 from the global queue
    'G1 _Grunning->_Gsyscall M3',
    'P0 _Prunning->_Psyscall M3',
    'syscall M3 G1 write',
    'P0 _Psyscall->_Prunning M3',
    'exitsyscall G1 M3 fast',
    'G1 _Gsyscall->_Grunning M3',
    'exit 0',
  ]);
});

test('block-known.s (GOMAXPROCS=1): entersyscallblock hands the P off at once', () => {
  const r = runSample('block-known.s', { gomaxprocs: 1 });
  assert.equal(r.stdout, 'goroutine ran while main slept\nmain woke up\n');
  assert.deepEqual(r.exit, { code: 0 });
  assert.deepEqual(story(r.events), [
    'thread M1 create',
    'G2 _Gdead->_Grunnable M0',
    'G1 _Grunning->_Gsyscall M0', // entersyscallblock
    'P0 _Prunning->_Pidle M0', // releasep: no _Psyscall at all
    'handoff P0 M0->M2 entersyscallblock',
    'thread M2 create',
    'P0 _Pidle->_Prunning M2',
    'G2 _Grunnable->_Grunning M2',
    'G2 _Grunning->_Gsyscall M2',
    'P0 _Prunning->_Psyscall M2',
    'syscall M2 G2 write',
    'P0 _Psyscall->_Prunning M2',
    'exitsyscall G2 M2 fast',
    'G2 _Gsyscall->_Grunning M2',
    'G2 _Grunning->_Gdead M2',
    'P0 _Prunning->_Pidle M2', // M2 finds nothing: releases P0, stopm
    'syscall M0 G1 nanosleep blocked',
    'P0 _Pidle->_Prunning M0', // exitsyscall: no old P, takes the idle one
    'exitsyscall G1 M0 fast-idle-p',
    'G1 _Gsyscall->_Grunning M0',
    'syscall M0 G1 write',
    'exit 0',
  ]);
});
