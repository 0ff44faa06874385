// Bad input never throws, never hangs: random bytes, huge files, recursive #include, self-referential and
// exponential macros, absurd constants and sizes all end in diagnostics within seconds.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { assemble, disassemble } from '../../../src/asm';
import type { AssembleResult, SourceFile } from '../../../src/asm';

// Generous bounds: the machine is shared, so these catch hangs and blow-ups, not small slowdowns.
function timed(files: SourceFile[], limitMs: number): AssembleResult {
  const t0 = process.hrtime.bigint();
  const r = assemble(files);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.ok(ms < limitMs, `took ${ms.toFixed(0)} ms`);
  for (const d of r.diagnostics) {
    assert.equal(typeof d.file, 'string');
    assert.ok(Number.isInteger(d.line) && Number.isInteger(d.col) && d.message.length > 0);
  }
  return r;
}

function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

test('random bytes: diagnostics, no exception', () => {
  const rnd = lcg(42);
  for (let k = 0; k < 3; k++) {
    const b = Buffer.alloc(30000);
    for (let i = 0; i < b.length; i++) b[i] = Math.floor(rnd() * 256);
    const r = timed([{ path: `rand${k}.s`, text: b.toString(k % 2 ? 'utf8' : 'latin1') }], 20000);
    assert.equal(r.ok, false);
    assert.ok(r.diagnostics.length > 0 && r.diagnostics.length <= 1001);
  }
});

test('random token soup built from assembler vocabulary', () => {
  const rnd = lcg(7);
  const words = ['TEXT', 'DATA', 'GLOBL', 'MOVQ', 'JMP', '·f', '(SB)', '(FP)', '(SP)', 'AX', '$', '1', '-', '+', ',', '(', ')', ':', ';', '\n', '#define', '#include', '"x"', 'x', '<>', '/', '*', '$"s"', 'CALL', 'RET', '#ifdef', '#endif', '\\\n', '/*', '*/', "'a'"];
  for (let k = 0; k < 10; k++) {
    let s = 'TEXT ·f(SB),4,$0\n';
    for (let i = 0; i < 1000; i++) s += words[Math.floor(rnd() * words.length)] + (rnd() < 0.3 ? ' ' : '');
    timed([{ path: `soup${k}.s`, text: s }], 20000);
  }
});

test('a 200,000-line file assembles', () => {
  const lines = ['TEXT ·f(SB),4,$0'];
  for (let i = 0; i < 200000; i++) {
    lines.push(i % 3 === 0 ? `\tADDQ $${i}, AX` : i % 3 === 1 ? `\tMOVQ ${i * 8}(SP), BX` : `l${i}:\tJMP l${i}`);
  }
  lines.push('\tRET');
  const r = timed([{ path: 'big.s', text: lines.join('\n') + '\n' }], 90000);
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.image!.lines.length, 200001);
});

test('recursive #include is reported, not followed forever', () => {
  const r = timed([
    { path: '/w/a.s', text: '#include "b.h"\nTEXT f(SB),4,$0\n\tRET\n' },
    { path: '/w/b.h', text: '#include "c.h"\n' },
    { path: '/w/c.h', text: '#include "b.h"\n' },
  ], 5000);
  assert.ok(r.diagnostics.some(d => d.file === '/w/c.h' && d.line === 1 && /recursive #include/.test(d.message)));
});

test('self-referential and exponential macros end with a diagnostic', () => {
  let ex = '#define M0 NOP\n';
  for (let i = 0; i < 40; i++) ex += `#define M${i + 1} M${i} M${i}\n`;
  const r = timed([{ path: 'exp.s', text: ex + 'TEXT f(SB),4,$0\n\tM40\n\tRET\n' }], 30000);
  assert.ok(r.diagnostics.some(d => /expansion too large/.test(d.message) && d.line === 43));
  const self = timed([{ path: 's.s', text: '#define A A B\n#define B A\n#define F(x) F(x x)\nTEXT f(SB),4,$0\n\tA\n\tF(1)\n\tRET\n' }], 5000);
  assert.equal(self.ok, false);
  const deep = timed([{ path: 'd.s', text: Array.from({ length: 200 }, (_, i) => `#define D${i} D${i + 1}`).join('\n') + '\nTEXT f(SB),4,$0\n\tD0\n\tRET\n' }], 5000);
  assert.ok(deep.diagnostics.some(d => /nested too deeply/.test(d.message)));
});

test('absurd constants, sizes and nesting', () => {
  const r = timed([{ path: 'a.s', text: [
    'TEXT f(SB),4,$99999999999999-8',
    '\tMOVQ $99999999999999999999999999999999999999999, AX',
    '\tMOVQ $(1<<99999999999), AX',
    '\tMOVQ $' + '('.repeat(100000),
    '\tMOVQ $' + '-'.repeat(100000) + '1, AX',
    '\tMOVQ 99999999999(AX), AX',
    '\tMOVQ $1/0, AX',
    'GLOBL x(SB), $999999999999',
    'DATA y(SB)/99999999, $1',
    '\tRET',
  ].join('\n') }], 10000);
  const lines = new Set(r.diagnostics.map(d => d.line));
  for (const l of [1, 2, 4, 5, 6, 7, 8, 9]) assert.ok(lines.has(l), `no diagnostic on line ${l}: ${JSON.stringify(r.diagnostics)}`);
});

test('disassembling random bytes never throws and covers every byte', () => {
  const rnd = lcg(99);
  const b = new Uint8Array(30000);
  for (let i = 0; i < b.length; i++) b[i] = Math.floor(rnd() * 256);
  for (const syntax of ['plan9', 'intel', 'gnu'] as const) {
    const lines = disassemble(b, 0x401000, { syntax });
    assert.equal(lines.reduce((n, l) => n + l.length, 0), b.length);
    assert.ok(lines.every(l => l.text.length > 0));
  }
});
