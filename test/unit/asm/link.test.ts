// The linked image: ELF layout, symbols, functions (frames, FP arguments), line table, entry rule, externs,
// and the frame prologue/epilogue with FP/pseudo-SP translation as Go 1.23 emits them.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { assemble, disassemble, dotted, formatDiagnostic, symbolizerFor, symbolizerForImage } from '../../../src/asm';
import type { AssembleOptions, LinkedImage } from '../../../src/asm';
import { readElf } from '../../../src/asm/elfread';

function link(text: string, opts: AssembleOptions = {}, path = 'prog.s'): LinkedImage {
  const r = assemble([{ path, text }], opts);
  assert.deepEqual(r.diagnostics.map(formatDiagnostic), []);
  assert.ok(r.image);
  return r.image;
}

function plan9(img: LinkedImage, fn: string): string[] {
  const f = img.functions.find(x => x.name === fn)!;
  const text = img.segments[0];
  const sym = symbolizerFor(img.symbols.map(s => ({ ...s, name: dotted(s.name) })));
  return disassemble(text.bytes.subarray(f.addr - text.vaddr, f.addr - text.vaddr + f.size), f.addr, { symbolize: sym })
    .map(l => l.text).filter(t => t !== 'INT $0x3');
}

test('ELF64 executable: header, segments at Go\'s addresses, symbol table', () => {
  const img = link('DATA v<>+0(SB)/8, $7\nGLOBL v<>(SB), 8, $8\nGLOBL w(SB), $16\nDATA d(SB)/4, $1\nGLOBL d(SB), $4\nTEXT ·f(SB),4,$0\n\tRET\n');
  const e = img.elf;
  assert.deepEqual([...e.subarray(0, 7)], [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  const v = new DataView(e.buffer, e.byteOffset);
  assert.equal(v.getUint16(16, true), 2, 'ET_EXEC');
  assert.equal(v.getUint16(18, true), 62, 'EM_X86_64');
  assert.equal(img.functions[0].addr, 0x401000);
  assert.equal(img.entry, 0x401000, 'no entry symbol: start of text');
  const info = readElf(e);
  assert.ok(typeof info !== 'string');
  assert.deepEqual(info.segments.map(s => [s.vaddr.toString(16), s.flags]), [['400000', 5], ['402000', 4], ['403000', 6]]);
  const byName = new Map(img.symbols.map(s => [s.name, s]));
  assert.equal(byName.get('main·f')!.kind, 'text');
  assert.equal(byName.get('v<>')!.kind, 'rodata');
  assert.equal(byName.get('d')!.kind, 'data');
  assert.equal(byName.get('w')!.kind, 'bss');
  assert.deepEqual(info.symbols.map(s => s.name).sort(), ['d', 'main.f', 'v<>', 'w']);
  const data = img.segments.find(s => s.name === 'data')!;
  assert.equal(data.memSize, 4 + 4 + 16, 'data, alignment, then bss');
});

test('entry rule: _rt0_amd64_linux, then _start, then main·main; opts.entry overrides', () => {
  const src = 'TEXT ·main(SB),4,$0\n\tRET\nTEXT _start(SB),4,$0\n\tRET\nTEXT other(SB),4,$0\n\tRET\n';
  const img = link(src);
  assert.equal(img.entry, img.symbols.find(s => s.name === '_start')!.addr);
  const noStart = link('TEXT x(SB),4,$0\n\tRET\nTEXT ·main(SB),4,$0\n\tRET\n');
  assert.equal(noStart.entry, noStart.symbols.find(s => s.name === 'main·main')!.addr);
  const rt0 = link(src + 'TEXT _rt0_amd64_linux(SB),4,$0\n\tRET\n');
  assert.equal(rt0.entry, rt0.symbols.find(s => s.name === '_rt0_amd64_linux')!.addr);
  const forced = link(src, { entry: 'other' });
  assert.equal(forced.entry, forced.symbols.find(s => s.name === 'other')!.addr);
});

test('prologue/epilogue and FP / pseudo-SP offsets follow Go 1.23 (BP saved when frame > 0)', () => {
  const img = link(`TEXT ·f(SB), $24-16
	MOVQ a+0(FP), AX
	MOVQ AX, x-8(SP)
	MOVQ 8(SP), BX
	PUSHQ AX
	MOVQ b+8(FP), CX
	POPQ AX
	RET
`);
  assert.deepEqual(plan9(img, 'main·f'), [
    'PUSHQ BP', 'MOVQ SP, BP', 'SUBQ $0x18, SP',
    'MOVQ 0x28(SP), AX',      // a+0(FP): 24 frame + 8 saved BP + 8 return address
    'MOVQ AX, 0x10(SP)',      // x-8(SP): pseudo-SP is the top of the 24-byte frame
    'MOVQ 0x8(SP), BX',       // hardware SP
    'PUSHQ AX',
    'MOVQ 0x38(SP), CX',      // b+8(FP) after one PUSHQ
    'POPQ AX',
    'ADDQ $0x18, SP', 'POPQ BP', 'RET',
  ]);
  const f = img.functions[0];
  assert.equal(f.frameSize, 24);
  assert.equal(f.argsSize, 16);
  assert.equal(f.spAdjust, 32);
  assert.deepEqual(f.args, [{ name: 'a', offset: 0, size: 8 }, { name: 'b', offset: 8, size: 8 }]);
});

test('frameless leaf and NOFRAME functions get no prologue; a $0 frame that CALLs saves BP', () => {
  const img = link('TEXT ·leaf(SB),4,$0-8\n\tMOVQ x+0(FP), AX\n\tRET\nTEXT ·caller(SB),4,$0\n\tCALL ·leaf(SB)\n\tRET\nTEXT ·nf(SB),516,$16\n\tMOVQ 0(SP), AX\n\tRET\n');
  assert.deepEqual(plan9(img, 'main·leaf'), ['MOVQ 0x8(SP), AX', 'RET']);
  assert.deepEqual(plan9(img, 'main·caller'), ['PUSHQ BP', 'MOVQ SP, BP', 'CALL main.leaf(SB)', 'POPQ BP', 'RET']);
  assert.deepEqual(plan9(img, 'main·nf'), ['SUBQ $0x10, SP', 'MOVQ 0(SP), AX', 'ADDQ $0x10, SP', 'RET']);
});

test('externs bind runtime·entersyscall and friends to absolute addresses (dotted or Go spelling)', () => {
  const externs = new Map([['runtime·entersyscall', 0x10000000], ['runtime.exitsyscall', 0x10000040]]);
  const img = link('TEXT ·f(SB),4,$0\n\tCALL runtime·entersyscall(SB)\n\tCALL runtime·exitsyscall(SB)\n\tLEAQ runtime·entersyscall(SB), AX\n\tRET\n', { externs });
  const text = img.segments[0];
  const lines = disassemble(text.bytes, text.vaddr).filter(l => l.target !== undefined);
  assert.equal(lines[0].target, 0x10000000);
  assert.equal(lines[1].target, 0x10000040);
  assert.equal(lines[0].text, 'CALL 0x10000000');
  const intel = disassemble(text.bytes, text.vaddr, { syntax: 'intel' }).map(l => l.text);
  assert.ok(intel.includes('lea rax,[10000000h]'), intel.join('\n'));
});

test('line table: one entry per instruction, prologue on the TEXT line', () => {
  const img = link('TEXT ·f(SB),$8\n\tMOVQ $1, AX\n\n\tMOVQ $2, BX\n\tRET\n');
  assert.deepEqual(img.lines.map(l => l.line), [1, 1, 1, 2, 4, 5, 5, 5]);
  // PUSHQ BP; MOVQ SP, BP; SUBQ $8, SP; MOVQ; MOVQ; ADDQ $8, SP; POPQ BP; RET
  assert.deepEqual(img.lines.map(l => l.spDelta), [0, 8, 8, 16, 16, 16, 8, 0]);
  for (let i = 1; i < img.lines.length; i++) assert.equal(img.lines[i].addr, img.lines[i - 1].addr + img.lines[i - 1].size);
});

test('branches: short when in range, relaxed to rel32 when not; n(PC) and labels', () => {
  const pad = Array.from({ length: 40 }, () => '\tMOVQ $1, R8\n').join('');
  const img = link(`TEXT ·f(SB),4,$0\n\tJEQ near\n\tJMP far\nnear:\n${pad}far:\n\tJCS 2(PC)\n\tNOP\n\tRET\n`);
  const text = img.segments[0];
  const l = disassemble(text.bytes, text.vaddr);
  assert.equal(l[0].bytes.length, 2, 'JEQ near: rel8');
  assert.equal(l[1].bytes.length, 5, 'JMP far: rel32');
  assert.equal(l[1].target, l[42].addr);
  assert.equal(l[42].text.startsWith('JB '), true);
  assert.equal(l[42].target, l[43].addr, 'JCS 2(PC) skips the NOP (which emits nothing) to RET');
});

test('DATA: integers, strings, floats and addresses of other symbols', () => {
  const img = link(`DATA t<>+0(SB)/1, $0x41
DATA t<>+1(SB)/2, $0x4243
DATA t<>+3(SB)/3, $"xyz"
DATA t<>+8(SB)/8, $1.5
DATA t<>+16(SB)/8, $t<>+3(SB)
GLOBL t<>(SB), 8, $24
TEXT ·f(SB),4,$0
	RET
`);
  const s = img.symbols.find(x => x.name === 't<>')!;
  const seg = img.segments.find(x => x.name === 'rodata')!;
  const b = Buffer.from(seg.bytes.subarray(s.addr - seg.vaddr, s.addr - seg.vaddr + 24));
  assert.equal(b.subarray(0, 6).toString('latin1'), 'ACBxyz');
  assert.equal(b.readDoubleLE(8), 1.5);
  assert.equal(Number(b.readBigUInt64LE(16)), s.addr + 3);
});

test('diagnostics: as many as found, FILE:LINE:COL, sorted, for every kind of mistake', () => {
  const r = assemble([{ path: 'bad.s', text: `TEXT ·f(SB),4,$0
	FOOQ AX
	MOVQ AX
	ADDB $300, AL
	JMP nowhere
	CALL missing(SB)
	MOVQ $(1<<70), AX
TEXT ·f(SB),4,$0
	RET
TEXT ·g(SB),4,$12-8
	RET
DATA z<>(SB)/8, $1
GLOBL y(SB), $-1
TEXT ·h(SB),4,$0
	MOVQ $0x1ffffffffffffffff, AX
	MOVQ x+0(FP AX
` }]);
  assert.equal(r.ok, false);
  const msgs = r.diagnostics.map(formatDiagnostic);
  const expect = [
    /^bad\.s:2:2: unrecognized instruction "FOOQ"$/,
    /^bad\.s:3:2: invalid instruction: MOVQ/,
    /^bad\.s:4:2: invalid instruction: ADDB/,
    /^bad\.s:5:6: undefined label nowhere$/,
    /^bad\.s:6:7: undefined symbol missing$/,
    /^bad\.s:8:1: duplicate symbol main·f/,
    /^bad\.s:10:\d+: TEXT: frame size 12 is not a multiple of 8$/,
    /^bad\.s:12:1: DATA for z<> without GLOBL$/,
    /^bad\.s:13:\d+: GLOBL: bad size -1$/,
    /^bad\.s:15:8: integer constant too large/,
    /^bad\.s:16:\d+: expected '\)'/,
  ];
  for (const re of expect) assert.ok(msgs.some(m => re.test(m)), `missing ${re} in\n${msgs.join('\n')}`);
  const sorted = [...r.diagnostics].sort((a, b) => a.line - b.line || a.col - b.col);
  assert.deepEqual(r.diagnostics, sorted);
});

test('two files: <> symbols are file-local, others are shared; labels are per function', () => {
  const a = 'DATA s<>(SB)/8, $1\nGLOBL s<>(SB), $8\nTEXT ·a(SB),4,$0\nl:\n\tMOVQ s<>(SB), AX\n\tCALL ·b(SB)\n\tJMP l\n';
  const b = 'DATA s<>(SB)/8, $2\nGLOBL s<>(SB), $8\nTEXT ·b(SB),4,$0\nl:\n\tMOVQ s<>(SB), AX\n\tRET\n';
  const r = assemble([{ path: 'a.s', text: a }, { path: 'b.s', text: b }]);
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.image!.symbols.filter(s => s.name === 's<>').length, 2);
});

test('CALL/JMP to an extern beyond rel32 reach go through a read-only address slot', () => {
  const externs = new Map([['runtime·entersyscall', 0x7f0000000000], ['runtime·exitsyscall', 0x7f0000000100]]);
  const img = link('TEXT ·g(SB),4,$0\n\tCALL runtime·entersyscall(SB)\n\tJMP runtime·exitsyscall(SB)\n', { externs });
  const text = img.segments[0];
  const intel = disassemble(text.bytes, text.vaddr, { syntax: 'intel' }).map(l => l.text);
  const slots = img.symbols.filter(s => s.kind === 'rodata');
  assert.equal(slots.length, 2);
  assert.equal(intel[2], `call qword ptr [${slots[0].addr.toString(16).toUpperCase()}h]`);
  const ro = img.segments.find(s => s.name === 'rodata')!;
  const v = new DataView(ro.bytes.buffer, ro.bytes.byteOffset);
  assert.equal(Number(v.getBigUint64(slots[0].addr - ro.vaddr, true)), 0x7f0000000000);
  assert.equal(Number(v.getBigUint64(slots[1].addr - ro.vaddr, true)), 0x7f0000000100);
  const bad = assemble([{ path: 'j.s', text: 'TEXT ·g(SB),4,$0\n\tJEQ runtime·entersyscall(SB)\n\tRET\n' }], { externs });
  assert.match(formatDiagnostic(bad.diagnostics[0]), /^j\.s:2:6: JEQ: runtime·entersyscall at 0x7f0000000000 is out of reach/);
});

test('symbolizerForImage names image functions and externs the way objdump would', () => {
  const externs = new Map([['runtime·entersyscall', 0x10000000]]);
  const img = link('TEXT ·f(SB),4,$0\n\tCALL runtime·entersyscall(SB)\n\tCALL ·f(SB)\n\tRET\n', { externs });
  const text = img.segments[0];
  const lines = disassemble(text.bytes, text.vaddr, { symbolize: symbolizerForImage(img, externs) }).map(l => l.text);
  assert.deepEqual(lines.slice(0, 4), ['PUSHQ BP', 'MOVQ SP, BP', 'CALL runtime.entersyscall(SB)', 'CALL main.f(SB)']);
});

test('a bss-only data segment keeps its file offset inside the file', () => {
  const img = link('GLOBL buf(SB), $64\nTEXT ·f(SB),4,$0\n\tLEAQ buf(SB), AX\n\tRET\n');
  const info = readElf(img.elf);
  assert.ok(typeof info !== 'string');
  const data = info.segments.find(s => s.flags === 6)!;
  assert.equal(data.filesz, 0);
  assert.equal(data.memsz, 64);
  assert.ok(data.offset <= img.elf.length);
  assert.equal(data.offset % 4096, data.vaddr % 4096);
});
