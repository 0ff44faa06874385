// Bad input: each case ends with one clear message (Go's own where Go has one), never a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kernel } from '../../../src/linux/kernel';
import { loadModelProgram, modelProgram } from '../../../src/goruntime';
import { runModel, story } from './harness';

const prog = (body: string, extra = '') => [{ path: 'bad.s', text: `#include "textflag.h"\n${extra}\nTEXT ·main(SB), $56-0\n${body}\n\tRET\n` }];

test('every goroutine blocked forever: Go\'s deadlock message and exit status 2', () => {
  const r = runModel(prog('\tCALL\truntime·block(SB)'));
  assert.deepEqual(r.exit, { code: 2 });
  const line = (fn: string, text: string) => modelProgram().byName.get(fn)!.steps.find((st) => st.text.startsWith(text))!.line;
  assert.equal(r.stderr, [
    'fatal error: all goroutines are asleep - deadlock!',
    '',
    'goroutine 1 [select (no cases)]:',
    'runtime.gopark(...)',
    `\truntime/proc.go (model):${line('runtime.gopark', 'mcall(park_m)')}`,
    'runtime.block(...)',
    `\truntime/select.go (model):${line('runtime.block', 'gopark(')}`,
    'main.main()',
    '\tbad.s:4',
    '',
  ].join('\n'));
  assert.deepEqual(story(r.events), ['thread M1 create', 'G1 _Grunning->_Gwaiting M0', 'P0 _Prunning->_Pidle M0', 'exit 2']);
});

test('exitsyscall without entersyscall: Go\'s throw, naming the calling line', () => {
  const r = runModel(prog('\tCALL\truntime·exitsyscall(SB)'));
  assert.deepEqual(r.exit, { code: 2 });
  const lines = r.stderr.split('\n');
  assert.equal(lines[0], 'fatal error: exitsyscall: syscall frame is no longer valid');
  assert.equal(lines[1], '(runtime·exitsyscall called without runtime·entersyscall from main.main() at bad.s:4)');
  assert.ok(lines.includes('goroutine 1 [running]:'));
});

test('entersyscall twice: casgstatus refuses the second one', () => {
  const r = runModel(prog('\tCALL\truntime·entersyscall(SB)\n\tCALL\truntime·entersyscall(SB)'));
  assert.deepEqual(r.exit, { code: 2 });
  assert.match(r.stderr, /^fatal error: casgstatus: bad incoming values \(goroutine 1: _Gsyscall, expected _Grunning -> _Gsyscall\)\n/);
  assert.match(r.stderr, /runtime\.reentersyscall\(\.\.\.\)\n\truntime\/proc\.go \(model\):\d+\nruntime\.entersyscall\(\.\.\.\)\n\truntime\/proc\.go \(model\):\d+\nmain\.main\(\)\n\tbad\.s:5\n/);
});

test('a goroutine whose function returns ends in goexit (_Gdead) and the program goes on', () => {
  const extra = 'DATA\t·fPC+0(SB)/8, $·f(SB)\nGLOBL\t·fPC(SB), RODATA, $8\nTEXT ·f(SB), NOSPLIT, $0-0\n\tRET\n';
  const r = runModel(prog('\tLEAQ\t·fPC(SB), AX\n\tMOVQ\tAX, 0(SP)\n\tCALL\truntime·newproc(SB)\n\tCALL\truntime·Gosched(SB)', extra), { gomaxprocs: 1 });
  assert.deepEqual(r.exit, { code: 0 });
  assert.deepEqual(story(r.events), [
    'thread M1 create',
    'G2 _Gdead->_Grunnable M0',
    'G1 _Grunning->_Grunnable M0', // Gosched: G1 to the global queue
    'G2 _Grunnable->_Grunning M0', // runnext first
    'G2 _Grunning->_Gdead M0', // f returns into goexit
    'G1 _Grunnable->_Grunning M0',
    'exit 0',
  ]);
});

test('a call to a runtime function the model lacks: one diagnostic naming function and line', () => {
  const r = runModel(prog('\tNOP\n\tCALL\truntime·LockOSThread(SB)'));
  assert.equal(r.load.ok, false);
  assert.equal(r.load.diagnostics.length, 1);
  const d = r.load.diagnostics[0];
  assert.deepEqual([d.file, d.line, d.col], ['bad.s', 5, 7]);
  assert.match(d.message, /^runtime·LockOSThread is not part of the Go runtime model \(it has: .*entersyscall, .*exitsyscall.*\)$/);
});

test('GOMAXPROCS < 1: a diagnostic, nothing loaded', () => {
  const k = new Kernel({});
  const res = loadModelProgram(k, prog(''), { gomaxprocs: 0 });
  assert.equal(res.ok, false);
  assert.equal(res.diagnostics[0].message, 'GOMAXPROCS must be an integer from 1 to 256, got 0');
  assert.equal(k.threads.length, 0);
});

test('assembler errors come back as diagnostics; a program without main·main is refused', () => {
  const r = runModel([{ path: 'x.s', text: 'TEXT ·main(SB), $0-0\n\tMOVQ\t$1, NOTAREG\n\tRET\n' }]);
  assert.equal(r.load.ok, false);
  assert.equal(r.load.diagnostics[0].file, 'x.s');
  assert.equal(r.load.diagnostics[0].line, 2);
  const r2 = runModel([{ path: 'y.s', text: 'TEXT ·other(SB), $0-0\n\tRET\n' }]);
  assert.equal(r2.load.ok, false);
  assert.match(r2.load.diagnostics[0].message, /main/);
});

test('newproc with a code address instead of a funcval: a clear fatal error', () => {
  const extra = 'TEXT ·f(SB), NOSPLIT, $0-0\n\tRET\n';
  const r = runModel(prog('\tLEAQ\t·f(SB), AX\n\tMOVQ\tAX, 0(SP)\n\tCALL\truntime·newproc(SB)', extra));
  assert.deepEqual(r.exit, { code: 2 });
  assert.match(r.stderr, /^fatal error: go of invalid func value 0x[0-9a-f]+: newproc takes a funcval/);
  assert.match(r.stderr, /main\.main\(\)\n\tbad\.s:8\n/);
});

test('a program whose only data is .bss (GLOBL without DATA) loads and runs', () => {
  const r = runModel(prog('\tMOVQ\t$7, ·x(SB)\n\tMOVQ\t·x(SB), AX', 'GLOBL\t·x(SB), NOPTR, $8'));
  assert.deepEqual(r.load.diagnostics, []);
  assert.deepEqual(r.exit, { code: 0 });
});
