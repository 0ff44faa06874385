// Determinism: the same program twice gives byte-identical JSON traces; slicing the run budget differently
// changes nothing; a snapshot restored and re-run reproduces the same future.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Kernel, type TraceEventBody } from '../../../src/linux';
import { buildPrograms, runEmu, tempDir } from './goFixtures';

test('two runs of a multi-threaded Go program give byte-identical traces', () => {
  const bin = buildPrograms();
  const a = runEmu(bin, ['goroutines'], { root: tempDir('gs-det-'), env: ['GOMAXPROCS=2'] });
  const b = runEmu(bin, ['goroutines'], { root: tempDir('gs-det-'), env: ['GOMAXPROCS=2'] });
  assert.equal(a.code, 0);
  const ja = a.events.map((e) => JSON.stringify(e)).join('\n');
  const jb = b.events.map((e) => JSON.stringify(e)).join('\n');
  assert.ok(a.events.filter((e) => e.ev === 'syscall').length > 100, 'a real trace');
  assert.ok(a.events.some((e) => e.ev === 'thread' && e.action === 'create'), 'threads were created');
  assert.equal(ja, jb);
  assert.equal(a.instructions, b.instructions);
});

function collect(bin: string, slices: number[]): { trace: string; out: string; instructions: number } {
  const events: string[] = [];
  let out = '';
  const k: Kernel = new Kernel({ stdout: (b) => { out += Buffer.from(b).toString(); }, trace: { emit: (e: TraceEventBody) => events.push(JSON.stringify({ ...e, t: k.clockNs })) } });
  k.load(new Uint8Array(fs.readFileSync(bin)), { argv: ['programs', 'ospipe'], env: [], path: '/programs' });
  for (let i = 0; ; i++) {
    const s = k.run(slices[i % slices.length]);
    if (s.kind === 'exit' || s.kind === 'deadlock') break;
  }
  return { trace: events.join('\n'), out, instructions: k.instructions };
}

test('run(a) then run(b) behaves like run(a + b)', () => {
  const bin = buildPrograms();
  const big = collect(bin, [50_000_000]);
  const small = collect(bin, [1, 7777, 123_457, 3]);
  assert.equal(big.out, 'got "through the pipe\\n" err=<nil>\n');
  assert.equal(small.instructions, big.instructions);
  assert.equal(small.trace, big.trace);
});

test('snapshot, run to the end, restore, run again: the same future', () => {
  const bin = buildPrograms();
  let out = '';
  const events: string[] = [];
  const k: Kernel = new Kernel({ stdout: (b) => { out += Buffer.from(b).toString(); }, trace: { emit: (e) => events.push(JSON.stringify({ ...e, t: k.clockNs })) } });
  k.load(new Uint8Array(fs.readFileSync(bin)), { argv: ['programs', 'files'], env: [], path: '/programs' });
  k.run(150_000);
  const snap = k.snapshot();
  const mark = events.length;
  const runToEnd = () => { for (;;) { const s = k.run(1_000_000); if (s.kind === 'exit' || s.kind === 'deadlock') return s; } };
  const s1 = runToEnd();
  const first = { out, trace: events.slice(mark).join('\n'), instructions: k.instructions };
  out = '';
  events.length = mark;
  k.restore(snap);
  const s2 = runToEnd();
  assert.deepEqual(s2, s1);
  assert.equal(k.instructions, first.instructions);
  assert.equal(out, first.out);
  assert.equal(events.slice(mark).join('\n'), first.trace);
  assert.match(first.out, /appended 42/);
});
