import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codePart, isModelProgram, keepAsmMessage, looksLikeGoAsm, parseAsmErrors, registerAt, registersOnLine, syscallHintAt } from '../../../src/extension/asmText';

test('registers on a line: operands only, once each, not in comments or strings', () => {
  assert.deepEqual(registersOnLine('\tMOVQ\ta1+8(FP), DI // AX').map(r => r.word), ['DI']);
  assert.deepEqual(registersOnLine('loop:\tADDQ AX, BX; MOVQ (AX)(CX*8), X0').map(r => r.word), ['AX', 'BX', 'CX', 'X0']);
  assert.deepEqual(registersOnLine('\tMOVQ $1, AX').map(r => [r.word, r.start, r.end]), [['AX', 10, 12]]);
  assert.deepEqual(registersOnLine('#define X AX'), []);
  assert.equal(codePart('MOVQ $"a//b", AX // c').includes('//'), false);
});

test('registerAt accepts Plan 9 and x86 names', () => {
  assert.equal(registerAt('\tMOVQ $1, AX', 11)?.word, 'AX');
  assert.equal(registerAt('\tMOVQ $1, AX', 2), undefined, 'the mnemonic is no register');
  assert.equal(registerAt('rax = rdi', 1)?.word, 'rax');
});

const hello = [
  '#define SYS_exit 60',
  'TEXT main·main(SB), $0-0',
  '\tMOVQ $1, AX          // write',
  '\tMOVQ $1, DI',
  '\tSYSCALL',
  '\tMOVL $SYS_exit, AX',
  '\tSYSCALL',
  '\tMOVQ $1, AX',
  '\tRET',
  '\tMOVQ $0, 0(SP)',
  '\tCALL syscall·Syscall(SB)',
];

test('hover on a syscall number: MOVQ $1, AX before SYSCALL is write', () => {
  const h = syscallHintAt(hello, 2, 7)!;
  assert.deepEqual([h.nr, h.name, h.via], [1, 'write', 'AX']);
  assert.equal(hello[2].slice(h.start, h.end), '$1');
});

test('hover on SYSCALL names the call; #define names resolve', () => {
  assert.equal(syscallHintAt(hello, 4, 3)?.name, 'write');
  assert.equal(syscallHintAt(hello, 6, 3)?.name, 'exit');
  assert.equal(syscallHintAt(hello, 5, 8)?.name, 'exit');
});

test('no hint when no SYSCALL follows, nor off the number; syscall·Syscall trap works', () => {
  assert.equal(syscallHintAt(hello, 7, 7), undefined, 'RET before any SYSCALL');
  assert.equal(syscallHintAt(hello, 3, 7), undefined, 'DI is not the number');
  assert.equal(syscallHintAt(hello, 2, 1), undefined);
  assert.equal(syscallHintAt(hello, 9, 7)?.name, 'read');
});

test('Go asm vs other assemblers', () => {
  assert.equal(looksLikeGoAsm('#include "textflag.h"\nTEXT ·f(SB),NOSPLIT,$0\n\tRET\n'), true);
  assert.equal(looksLikeGoAsm('\t.globl _start\n_start:\n\tmov $60, %eax\n\tsyscall\n'), false);
  assert.equal(looksLikeGoAsm('section .text\nglobal _start\n_start: mov rax, 60\n'), false);
  assert.equal(looksLikeGoAsm('; just a comment\n'), false);
});

test('assembler error lines parse; other output is ignored', () => {
  assert.deepEqual(parseAsmErrors('/w/a.s:3:5: unknown instruction FOO\ngosyscall: b.s:7: bad\nsome noise\n'), [
    { file: '/w/a.s', line: 3, col: 5, message: 'unknown instruction FOO' },
    { file: 'b.s', line: 7, col: 1, message: 'bad' },
  ]);
});

test('package asm files show syntax errors only; model programs everything', () => {
  assert.equal(isModelProgram('TEXT ·main(SB), $56-0\n'), true);
  assert.equal(isModelProgram('TEXT main·main(SB),NOSPLIT,$0\n'), true);
  assert.equal(isModelProgram('TEXT ·Add(SB),NOSPLIT,$0-24\n'), false);
  assert.equal(keepAsmMessage('undefined symbol ·helper', false), false);
  assert.equal(keepAsmMessage('unknown instruction FOOBAR', false), true);
  assert.equal(keepAsmMessage('undefined symbol ·helper', true), true);
});
