// Completeness against Go's own list of amd64 mnemonics ($GOROOT/src/cmd/internal/obj/x86/anames.go): every
// one that exists in 64-bit mode and is not AVX/AVX-512 maps to at least one iced-x86 Code.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assemble } from '../../../src/asm';
import { candidates } from '../../../src/asm/opcodes';
import { lowerX87 } from '../../../src/asm/x87';
import { GOROOT, requireGo } from './goroot';

// Pseudo-instructions handled by the assembler itself (no Code) and data/prefix directives.
const PSEUDO = new Set(['XXX', 'CALL', 'DUFFCOPY', 'DUFFZERO', 'END', 'FUNCDATA', 'JMP', 'NOP', 'PCALIGN', 'PCALIGNMAX', 'PCDATA',
  'RET', 'GETCALLERPC', 'TEXT', 'UNDEF', 'ADJSP', 'BYTE', 'WORD', 'LONG', 'QUAD', 'LAST', 'LOCK', 'REP', 'REPN', 'XACQUIRE', 'XRELEASE']);
// Instructions that do not exist in 64-bit mode (Intel SDM: "Invalid" in 64-bit mode) and the two known gaps.
const NOT_IN_64BIT = new Set(['AAA', 'AAD', 'AAM', 'AAS', 'ARPL', 'BOUNDL', 'BOUNDW', 'DAA', 'DAS', 'INTO', 'JCXZW', 'LEAVEL',
  'POPAL', 'POPAW', 'POPFL', 'POPL', 'PUSHAL', 'PUSHAW', 'PUSHFL', 'PUSHL']);
const GAPS = new Set(['SYSENTER64', 'UD1']);

test('every non-AVX Go amd64 mnemonic maps to iced-x86 codes', () => {
  requireGo();
  const src = fs.readFileSync(path.join(GOROOT, 'src/cmd/internal/obj/x86/anames.go'), 'utf8');
  const names = [...src.matchAll(/^\t"([A-Z0-9_]+)",/gm)].map(m => m[1]);
  assert.ok(names.length > 1000);
  const f = (num: number) => ({ t: 'reg' as const, reg: { name: `F${num}`, cls: 'x87' as const, num } });
  const memF0 = [{ t: 'mem' as const, scale: 1, disp: 0n }, f(0)];
  const regs = [f(0), f(2)];
  const missing = names.filter(n => !/^[VK]/.test(n) && !PSEUDO.has(n) && !NOT_IN_64BIT.has(n) && !GAPS.has(n) &&
    candidates(n).length === 0 && !lowerX87(n, memF0)?.cands.length && !lowerX87(n, regs)?.cands.length);
  assert.deepEqual(missing, []);
});

test('prefix statements and the x87 conditional moves assemble', () => {
  const r = assemble([{ path: 'p.s', text: 'TEXT f(SB),4,$0\n\tXACQUIRE; LOCK; ADDL $1, (AX)\n\tFCMOVCC F1, F0\n\tFCMOVUN F2, F0\n\tMOVQL AX, BX\n\tRET\n' }]);
  assert.deepEqual(r.diagnostics, []);
  assert.equal(Buffer.from(r.image!.segments[0].bytes.subarray(0, 14)).toString('hex'), 'f2f0830001' + 'dbc1' + 'dada' + '89c3' + 'c3');
});
