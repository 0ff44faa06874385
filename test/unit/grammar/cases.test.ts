// Hand-written cases: one or more per scope root of DESIGN.md §4, checked token by token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize, hasScope, Token } from './tokenize';

/** Asserts that the token whose text is exactly `text` (the n-th such on line `line`) carries `scope`. */
function expectScope(lines: Token[][], line: number, text: string, scope: string, nth = 0): void {
  const hits = lines[line].filter(t => t.text === text);
  assert.ok(hits[nth], `line ${line}: no token ${JSON.stringify(text)} in ${JSON.stringify(lines[line].map(t => t.text))}`);
  assert.ok(hasScope(hits[nth].scopes, scope), `line ${line}: ${JSON.stringify(text)} has ${hits[nth].scopes.join(' ')}, want ${scope}`);
}

test('TEXT line: symbol, ABI, flags, frame-args', async () => {
  const l = await tokenize('TEXT runtime·rt0_go<ABIInternal>(SB),NOSPLIT|NOFRAME|TOPFRAME,$16-8\nTEXT ·Syscall(SB),NOSPLIT,$0-56');
  expectScope(l, 0, 'TEXT', 'keyword.other');
  expectScope(l, 0, 'runtime·rt0_go', 'entity.name.function');
  expectScope(l, 0, '<ABIInternal>', 'storage.modifier');
  expectScope(l, 0, 'SB', 'variable.language');
  for (const f of ['NOSPLIT', 'NOFRAME', 'TOPFRAME']) expectScope(l, 0, f, 'storage.modifier');
  expectScope(l, 0, '16', 'constant.numeric');
  expectScope(l, 0, '8', 'constant.numeric');
  expectScope(l, 1, '·Syscall', 'entity.name.function');
  expectScope(l, 1, '56', 'constant.numeric');
});

test('every storage modifier flag', async () => {
  const flags = ['NOSPLIT', 'NOFRAME', 'DUPOK', 'RODATA', 'NOPTR', 'WRAPPER', 'NEEDCTXT', 'TLSBSS', 'TOPFRAME', 'ABIWRAPPER'];
  const l = await tokenize(`GLOBL x<>(SB), ${flags.join('|')}, $8`);
  for (const f of flags) expectScope(l, 0, f, 'storage.modifier');
  expectScope(l, 0, 'GLOBL', 'keyword.other');
});

test('DATA with offset, width and a $"string"', async () => {
  const l = await tokenize('DATA msg<>+0x08(SB)/8, $"hi\\n\\x00"\nDATA runtime·mainPC+0(SB)/8,$runtime·main<ABIInternal>(SB)');
  expectScope(l, 0, 'DATA', 'keyword.other');
  expectScope(l, 0, 'msg', 'entity.name');
  expectScope(l, 0, '0x08', 'constant.numeric');
  expectScope(l, 0, '8', 'constant.numeric');
  expectScope(l, 0, '$"', 'string.quoted');
  expectScope(l, 0, 'hi', 'string.quoted');
  expectScope(l, 0, '\\n', 'constant.character.escape');
  expectScope(l, 1, 'runtime·main', 'variable.other');
});

test('registers of every class', async () => {
  const regs = ['AX', 'CX', 'DX', 'BX', 'BP', 'SI', 'DI', 'R8', 'R15', 'AL', 'BL', 'AH', 'SIB', 'DIB', 'SPB', 'BPB', 'R8B', 'R15B',
    'X0', 'X15', 'X31', 'Y0', 'Y15', 'Z0', 'Z31', 'K0', 'K7', 'F0', 'M7', 'CR3', 'DR7', 'FS', 'GS'];
  const l = await tokenize(regs.map(r => `\tMOVQ ${r}, ${r}`).join('\n'));
  regs.forEach((r, i) => { expectScope(l, i, r, 'variable.other.register'); expectScope(l, i, r, 'variable.other.register', 1); });
});

test('pseudo-registers SB FP SP PC, named arguments and locals', async () => {
  const l = await tokenize('\tMOVQ a1+8(FP), DI\n\tMOVQ x-8(SP), AX\n\tJNE 2(PC)\n\tMOVQ $runtime·g0(SB), DI\n\tMOVQ TLS, BX');
  expectScope(l, 0, 'FP', 'variable.language');
  expectScope(l, 0, 'a1', 'variable.parameter');
  expectScope(l, 0, '8', 'constant.numeric');
  expectScope(l, 1, 'SP', 'variable.language');
  expectScope(l, 1, 'x', 'variable.parameter');
  expectScope(l, 1, '8', 'constant.numeric');
  expectScope(l, 2, 'PC', 'variable.language');
  expectScope(l, 2, '2', 'constant.numeric');
  expectScope(l, 3, 'SB', 'variable.language');
  expectScope(l, 4, 'TLS', 'variable.language');
});

test('numbers in every form and position', async () => {
  const l = await tokenize("\tMOVQ $16, AX\n\tMOVQ $0x7f, -8(SP)\n\tMOVL $'a', AX\n\tMOVQ $~0, AX\n\tMOVQ $-1, 16(AX)(BX*8)\n\tMOVQ $(1<<63), AX\n\tMOVSD $1.5, X0\n\tMOVQ $0b101, AX");
  expectScope(l, 0, '$16', 'constant.numeric');
  expectScope(l, 1, '$0x7f', 'constant.numeric');
  expectScope(l, 1, '-8', 'constant.numeric');
  expectScope(l, 2, "$'a'", 'constant.numeric');
  expectScope(l, 3, '$~0', 'constant.numeric');
  expectScope(l, 4, '$-1', 'constant.numeric');
  expectScope(l, 4, '16', 'constant.numeric');
  expectScope(l, 4, '8', 'constant.numeric');
  expectScope(l, 4, '*', 'keyword.operator');
  expectScope(l, 5, '1', 'constant.numeric');
  expectScope(l, 5, '63', 'constant.numeric');
  expectScope(l, 5, '<<', 'keyword.operator');
  expectScope(l, 6, '$1.5', 'constant.numeric');
  expectScope(l, 7, '$0b101', 'constant.numeric');
});

test('mnemonics: control flow vs others, suffixes, SYSCALL', async () => {
  const l = await tokenize('\tCALL runtime·entersyscall(SB)\n\tJMP ·foo<>(SB)\n\tJEQ done\n\tRET\n\tVMOVDQU64.Z (SI), K1, Z1\n\tSYSCALL\n\tMOVQ AX, BX; RET\n\tJMP AX');
  expectScope(l, 0, 'CALL', 'keyword.control');
  expectScope(l, 0, 'runtime·entersyscall', 'entity.name.function');
  expectScope(l, 1, 'JMP', 'keyword.control');
  expectScope(l, 1, '·foo', 'entity.name.function');
  expectScope(l, 2, 'JEQ', 'keyword.control');
  expectScope(l, 2, 'done', 'entity.name.label');
  expectScope(l, 3, 'RET', 'keyword.control');
  expectScope(l, 4, 'VMOVDQU64.Z', 'keyword.other');
  expectScope(l, 5, 'SYSCALL', 'keyword.other');
  expectScope(l, 6, 'MOVQ', 'keyword.other');
  expectScope(l, 6, 'RET', 'keyword.control');
  expectScope(l, 7, 'AX', 'variable.other.register');
});

test('labels, alone and before an instruction', async () => {
  const l = await tokenize('loop:\n again:\tMOVQ AX, BX\nDONE: RET');
  expectScope(l, 0, 'loop', 'entity.name.label');
  expectScope(l, 1, 'again', 'entity.name.label');
  expectScope(l, 1, 'MOVQ', 'keyword.other');
  expectScope(l, 2, 'DONE', 'entity.name.label');
  expectScope(l, 2, 'RET', 'keyword.control');
});

test('Go pseudo-instructions', async () => {
  const l = await tokenize('\tFUNCDATA $0, ·gcargs(SB)\n\tPCDATA $1, $0\n\tPCALIGN $16\n\tNO_LOCAL_POINTERS\n\tget_tls(CX)');
  expectScope(l, 0, 'FUNCDATA', 'keyword.other');
  expectScope(l, 1, 'PCDATA', 'keyword.other');
  expectScope(l, 2, 'PCALIGN', 'keyword.other');
  expectScope(l, 2, '$16', 'constant.numeric');
  expectScope(l, 3, 'NO_LOCAL_POINTERS', 'entity.name.function');
  expectScope(l, 4, 'get_tls', 'entity.name.function');
  expectScope(l, 4, 'CX', 'variable.other.register');
});

test('comments: line, block across lines, and code after a block', async () => {
  const l = await tokenize('// line\n\tMOVQ AX, BX // trailing\n/* block\n   MOVQ AX, BX\n*/ MOVQ CX, DX');
  expectScope(l, 0, '//', 'comment.line');
  expectScope(l, 1, ' trailing', 'comment.line');
  expectScope(l, 2, '/*', 'comment.block');
  expectScope(l, 3, '   MOVQ AX, BX', 'comment.block');
  expectScope(l, 4, '*/', 'comment.block');
  expectScope(l, 4, 'CX', 'variable.other.register');
});

test('preprocessor: include, define with continuation lines, conditionals', async () => {
  const l = await tokenize('#include "textflag.h"\n#define SYSCALL6(n) \\\n\tMOVQ $n, AX \\\n\tSYSCALL\n\tMOVQ AX, BX\n#ifdef GOOS_linux\n#endif');
  expectScope(l, 0, '"textflag.h"', 'string.quoted');
  expectScope(l, 0, 'include', 'meta.preprocessor');
  expectScope(l, 1, 'SYSCALL6', 'meta.preprocessor');
  expectScope(l, 2, 'MOVQ', 'meta.preprocessor');
  expectScope(l, 2, 'AX', 'variable.other.register');
  expectScope(l, 3, 'SYSCALL', 'meta.preprocessor');
  // the macro ends with the last continued line
  assert.ok(!l[4].some(t => hasScope(t.scopes, 'meta.preprocessor')), 'line after the macro is not preprocessor');
  expectScope(l, 5, 'ifdef', 'meta.preprocessor');
  expectScope(l, 5, 'GOOS_linux', 'meta.preprocessor');
  expectScope(l, 6, 'endif', 'meta.preprocessor');
});
