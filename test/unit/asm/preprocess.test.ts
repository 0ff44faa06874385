// The preprocessor and the syntax of item 1 of the issue: #include, #define (object-like, function-like,
// multi-line), #undef, #ifdef/#ifndef/#else/#endif, ·/∕/<> symbols, expressions, character constants.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assemble, formatDiagnostic } from '../../../src/asm';
import { BUILTIN_HEADERS } from '../../../src/asm/include/headers';
import { REPO } from './goroot';

function textBytes(files: { path: string; text: string }[], defines?: Record<string, string>): string {
  const r = assemble(files, { defines });
  assert.deepEqual(r.diagnostics.map(formatDiagnostic), []);
  return Buffer.from(r.image!.segments[0].bytes).toString('hex').replace(/(cc)+$/, '');
}

test('built-in headers are the .h files shipped in src/asm/include', () => {
  for (const [name, text] of Object.entries(BUILTIN_HEADERS)) {
    assert.equal(text, fs.readFileSync(path.join(REPO, 'src/asm/include', name), 'utf8'), name);
  }
  assert.ok(BUILTIN_HEADERS['textflag.h'].includes('#define NOSPLIT\t4'));
});

test('#include of the built-in textflag.h/funcdata.h/go_asm.h and of a neighbour file', () => {
  const hex = textBytes([
    { path: '/p/main.s', text: '#include "textflag.h"\n#include "funcdata.h"\n#include "go_asm.h"\n#include "consts.h"\nTEXT ·f(SB), NOSPLIT|NOFRAME, $0-8\n\tNO_LOCAL_POINTERS\n\tMOVQ $MAGIC, AX\n\tRET\n' },
    { path: '/p/consts.h', text: '#define MAGIC 0x2a\n' },
  ]);
  assert.equal(hex, '48c7c02a000000c3');
});

test('function-like and multi-line macros, #undef, nested expansion, ; as statement separator', () => {
  const hex = textBytes([{ path: 'm.s', text: [
    '#define LOAD(off, reg) \\',
    '\tMOVQ off(SP), reg',
    '#define TWICE(x) x; x',
    '#define ZERO(r) XORL r, r',
    'TEXT ·f(SB),4,$0',
    '\tLOAD(8, AX)',
    '\tTWICE(ZERO(BX))',
    '#undef ZERO',
    '#define ZERO(r) MOVL $0, r',
    '\tZERO(CX)',
    '\tRET',
  ].join('\n') }]);
  assert.equal(hex, '488b442408' + '31db31db' + 'b900000000' + 'c3');
});

test('#ifdef / #ifndef / #else / #endif, and -D style defines', () => {
  const src = '#ifdef FAST\n#define N 1\n#else\n#define N 2\n#endif\n#ifndef FAST\n#define M 3\n#else\n#define M 4\n#endif\nTEXT ·f(SB),4,$0\n\tMOVL $N, AX\n\tMOVL $M, BX\n\tRET\n';
  assert.equal(textBytes([{ path: 'c.s', text: src }]), 'b802000000bb03000000c3');
  assert.equal(textBytes([{ path: 'c.s', text: src }], { FAST: '' }), 'b801000000bb04000000c3');
});

test('expressions: precedence, shifts, unary, parentheses, character constants', () => {
  const hex = textBytes([{ path: 'e.s', text: "TEXT ·f(SB),4,$0\n\tMOVQ $(1<<4|3), AX\n\tMOVQ $-2*3+1, BX\n\tMOVQ $~0, CX\n\tMOVQ $'A'+1, DX\n\tMOVQ $(7%4)*(9/2), SI\n\tMOVQ $0x10>>2&0xff^1, DI\n\tRET\n" }]);
  assert.equal(hex, [
    '48c7c013000000', '48c7c3fbffffff', '48c7c1ffffffff', '48c7c242000000', '48c7c60c000000', '48c7c705000000', 'c3'].join(''));
});

test('symbols: · and ∕ in names, <> file-local, sym+off(SB), ABI selectors', () => {
  const r = assemble([{ path: 's.s', text: 'DATA a∕b·tab<>+8(SB)/8, $1\nGLOBL a∕b·tab<>(SB), $16\nTEXT a∕b·F<ABIInternal>(SB),4,$0\n\tMOVQ a∕b·tab<>+8(SB), AX\n\tCALL ·g(SB)\n\tRET\nTEXT ·g(SB),4,$0\n\tRET\n' }]);
  assert.deepEqual(r.diagnostics, []);
  const names = r.image!.symbols.map(s => s.name);
  assert.deepEqual(names, ['a∕b·F', 'main·g', 'a∕b·tab<>']);
});

test('preprocessor errors carry FILE:LINE:COL', () => {
  const r = assemble([{ path: 'p.s', text: '#include "nope.h"\n#define F(a) a\n#ifdef X\n#bogus\nTEXT ·f(SB),4,$0\n\tF(1, 2)\n\tRET\n' }]);
  const msgs = r.diagnostics.map(formatDiagnostic);
  assert.ok(msgs.includes('p.s:1:2: #include: cannot find nope.h'), msgs.join('\n'));
  assert.ok(msgs.includes('p.s:3:2: missing #endif'), msgs.join('\n'));
});
