// The Plan 9 formatter on hand-picked encodings (what go tool objdump prints for them), Intel/GNU syntax from
// iced, and a round trip: amd64enc.s lines → our bytes → Plan 9 text → our assembler → the same bytes.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Decoder, DecoderOptions } from 'iced-x86';
import { assemble, disassemble, formatPlan9, symbolizerFor } from '../../../src/asm';
import type { Symbolizer } from '../../../src/asm';
import { encodingCases, requireGo } from './goroot';

const one = (hex: string, addr = 0x401000, symbolize?: Symbolizer) =>
  disassemble(Buffer.from(hex, 'hex'), addr, { symbolize })[0].text;

test('Plan 9 formatting rules of go tool objdump', () => {
  const sym = symbolizerFor([{ name: 'main.main', addr: 0x401000, size: 0x40 }, { name: 'main.tab', addr: 0x402000, size: 16 }]);
  const cases: [string, string][] = [
    ['4889e5', 'MOVQ SP, BP'],
    ['4883ec18', 'SUBQ $0x18, SP'],
    ['488b442408', 'MOVQ 0x8(SP), AX'],
    ['488b07', 'MOVQ 0(DI), AX'],
    ['488b44c8f8', 'MOVQ -0x8(AX)(CX*8), AX'],
    ['4883f8ff', 'CMPQ AX, $-0x1'],               // CMP keeps Intel order
    ['84c0', 'TESTL AL, AL'],                     // x86asm's data size for byte ops without REX.W
    ['400fb6c7', 'MOVZX DI, AX'],                 // DIL prints as DI
    ['c64424100a', 'MOVB $0xa, 0x10(SP)'],
    ['48ba98ffffffffff0000', 'MOVQ $0xffffffffff98, DX'],
    ['b800000080', 'MOVL $-0x80000000, AX'],
    ['644c8b3425f8ffffff', 'MOVQ FS:0xfffffff8, R14'],
    ['f348ab', 'REP; STOSQ AX, ES:0(DI)'],
    ['f0480fc14a08', 'LOCK XADDQ CX, 0x8(DX)'],
    ['0f1f440000', 'NOPL 0(AX)(AX*1)'],
    ['6690', 'NOPW'],
    ['cc', 'INT $0x3'],
    ['0f05', 'SYSCALL'],
    ['c3', 'RET'],
    ['f20f1005f80f0000', 'MOVSD_XMM main.tab(SB), X0'],
    ['488d05f90f0000', 'LEAQ main.tab(SB), AX'],
    ['488d05010f0000', 'LEAQ 0xf01(IP), AX'],
    ['e8fbffffff', 'CALL main.main(SB)'],
    ['ebfe', 'JMP 0x401000'.replace('0x401000', 'main.main(SB)')],
    ['7402', 'JE 0x401004'],
    ['f2480f2ac1', 'CVTSI2SDQ CX, X0'],
    ['0fb7c0', 'MOVZX AX, AX'],
    ['c0', '?'],
  ];
  for (const [hex, want] of cases) assert.equal(one(hex, 0x401000, sym), want, hex);
});

test('Intel and GNU syntax come from iced-x86', () => {
  const b = Buffer.from('488b442408c3', 'hex');
  assert.deepEqual(disassemble(b, 0x401000, { syntax: 'intel' }).map(l => l.text), ['mov rax,[rsp+8]', 'ret']);
  assert.deepEqual(disassemble(b, 0x401000, { syntax: 'gnu' }).map(l => l.text), ['mov 8(%rsp),%rax', 'ret']);
});

test('round trip on amd64enc.s: Plan 9 text we print re-assembles to the same bytes (W/L/Q general-purpose ops; byte ops print with the L suffix objdump uses)', () => {
  requireGo();
  const cases = encodingCases().filter(c => /^(ADD|SUB|AND|OR|XOR|CMP|MOV|LEA|TEST|SHL|SHR|SAR|INC|DEC|NEG|NOT|PUSH|POP|IMUL|XCHG|BT)[WLQ]$/.test(c.op));
  assert.ok(cases.length > 500);
  let same = 0;
  const bad: string[] = [];
  for (const c of cases) {
    const r = assemble([{ path: 'a.s', text: `TEXT t(SB),4,$0\n\t${c.text}\n` }]);
    if (!r.ok) continue;
    const bytes = r.image!.segments[0].bytes;
    const l = disassemble(bytes, 0x401000)[0];
    const again = assemble([{ path: 'b.s', text: `TEXT t(SB),4,$0\n\t${l.text}\n` }]);
    const b2 = again.ok ? Buffer.from(again.image!.segments[0].bytes.subarray(0, l.length)).toString('hex') : 'error';
    if (b2 === Buffer.from(l.bytes).toString('hex')) same++; else if (bad.length < 10) bad.push(`${c.text} → ${l.text} → ${b2}`);
  }
  assert.ok(same / cases.length > 0.97, `${same}/${cases.length}\n${bad.join('\n')}`);
});

test('formatPlan9 on an iced Instruction alone (no bytes) infers the operand size from its registers', () => {
  for (const [hex, want] of [['4889d8', 'MOVQ BX, AX'], ['6689d8', 'MOVW BX, AX'], ['89d8', 'MOVL BX, AX'], ['488b442408', 'MOVQ 0x8(SP), AX'], ['0f05', 'SYSCALL']]) {
    const d = new Decoder(64, Buffer.from(hex, 'hex'), DecoderOptions.None);
    d.ip = 0x401000n;
    const ins = d.decode();
    assert.equal(formatPlan9(ins), want);
    ins.free(); d.free();
  }
});
