// insninfo reads iced-x86's decoded Instruction from its WebAssembly memory (and memoises what iced computes per
// Code). Oracle: iced's own getters, on every instruction of a long pseudo-random byte stream (every map and prefix
// iced knows, valid or not) and on a real Go binary's code via the Go binary test.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as iced from 'iced-x86';
import { Decoder, DecoderOptions, Formatter, Instruction, OpKind } from 'iced-x86';
import { translate } from '../../../src/cpu/translate';
import {
  branchTarget, codeFacts, copyFields, FIELDS_SIZE, flowControl, hasMemoryOperand, hasRepnePrefix, hasRepPrefix,
  immediateHigh, immediateLow, insnCode, insnLength, memInfo, mnemonic, nextInsn, nextRecord, opCount, opKind,
  opRegister, readsMemory, sameFields, segmentPrefix, setReadsMemory,
} from '../../../src/cpu/insninfo';

/** xorshift32: the same stream on every run. */
function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; out[i] = x & 0xff; }
  return out;
}

test('the installed iced-x86 keeps its Instruction as insninfo expects: fields are read from wasm memory', () => {
  assert.equal(readsMemory(), true);
});

for (const fromMemory of [true, false]) {
  test(`every field insninfo reads equals iced-x86's getter, on 200,000 random instructions (${fromMemory ? 'from wasm memory' : 'through the getters'})`, () => {
    setReadsMemory(fromMemory);
    try { compareAll(false); } finally { setReadsMemory(true); }
  });
}

test("every field insninfo reads from a decode cache record (no Instruction) equals iced-x86's getter, on 200,000 random instructions", () => {
  compareAll(true);
});

/** A decode cache record of the instruction insninfo describes: its fields copied out of wasm memory. */
const record = new Int32Array(FIELDS_SIZE >> 2);
const recordBytes = new Uint8Array(record.buffer);

/**
 * Decodes a long random stream and compares each reader with iced's getter. `fromRecord`: the readers are given the
 * instruction's fields as a decode cache record (copied, then read with a null Insn), as a later run reads them.
 */
function compareAll(fromRecord: boolean): void {
  const bytes = randomBytes(1 << 20, 0x9e3779b9);
  const dec = new Decoder(64, bytes, DecoderOptions.None);
  dec.ip = 0xc000400000n; // addresses above 2^32, as Go's heap: targets and RIP-relative addresses are large
  const insn = new Instruction();
  let count = 0, memory = 0, branches = 0;
  for (; count < 200_000 && dec.canDecode; count++) {
    dec.decodeOut(insn);
    nextInsn(insn);
    const at = `instruction ${count} (${insn.toString()})`;
    assert.ok(sameFields(insn), at);
    if (fromRecord) {
      // what the decode cache keeps: the fields, and what iced derives from the Code (asked here, while iced's
      // Instruction is at hand; a record of a later run finds them known)
      if (codeFacts(insn) === undefined) continue; // not kept in a cache (EVEX/MVEX, a fifth operand)
      assert.ok(copyFields(record, 0), at);
      nextRecord(recordBytes, record, 0);
    }
    const r: Instruction | null = fromRecord ? null : insn;
    compareOne(insn, r, at);
    memory += hasMemoryOperand(r) ? 1 : 0;
    if (insn.opCount > 0 && insn.opKind(0) >= OpKind.NearBranch16 && insn.opKind(0) <= OpKind.NearBranch64) branches++;
  }
  dec.free(); insn.free();
  assert.equal(count, 200_000);
  // the stream exercised what it is for
  assert.ok(memory > 30_000 && branches > 10_000, `${memory} memory operands, ${branches} branches`);
}

/** Every reader of insninfo, given `r` (insn, or null for a record), against insn's getters. */
function compareOne(insn: Instruction, r: Instruction | null, at: string): void {
  {
    assert.equal(insnCode(r), insn.code, at);
    assert.equal(insnLength(r), insn.length, at);
    assert.equal(mnemonic(r), insn.mnemonic, at);
    assert.equal(flowControl(r), insn.flowControl, at);
    assert.equal(opCount(r), insn.opCount, at);
    for (let i = 0; i < insn.opCount; i++) {
      const k = insn.opKind(i);
      assert.equal(opKind(r, i), k, `${at} operand ${i}`);
      if (k === OpKind.Register) assert.equal(opRegister(r, i), insn.opRegister(i), `${at} operand ${i}`);
      if (k >= OpKind.Immediate8 && k <= OpKind.Immediate32to64) {
        const lo = immediateLow(r, i), hi = immediateHigh();
        assert.equal((BigInt(hi) << 32n) | BigInt(lo), BigInt.asUintN(64, insn.immediate(i)), `${at} immediate ${i}`);
      }
    }
    assert.equal(opKind(r, insn.opCount), -1, at);
    assert.equal(hasRepPrefix(r), insn.hasRepPrefix || insn.hasRepePrefix || insn.hasRepnePrefix, at);
    assert.equal(hasRepnePrefix(r), insn.hasRepnePrefix, at);
    assert.equal(segmentPrefix(r), insn.segmentPrefix, at);
    if (hasMemoryOperand(r)) {
      const m = memInfo(r);
      assert.equal(m.base, insn.memoryBase, at);
      assert.equal(m.index, insn.memoryIndex, at);
      if (insn.memoryIndex !== 0) assert.equal(m.scale, insn.memoryIndexScale, at);
      assert.equal(m.disp, Number(insn.memoryDisplacement), at);
      assert.equal(m.seg, insn.memorySegment, at);
      assert.equal(m.memSize, insn.memorySize, at);
    }
    if (insn.opCount > 0 && insn.opKind(0) >= OpKind.NearBranch16 && insn.opKind(0) <= OpKind.NearBranch64) {
      assert.equal(branchTarget(r), Number(insn.nearBranchTarget), at);
    }
  }
}

test('displacements and targets are small integers when they are: no heap numbers for the translators to keep', () => {
  // mov rax,[rbx-8]; mov rax,[rip+0x10]; jmp short -2 (to itself)
  const dec = new Decoder(64, Uint8Array.from([0x48, 0x8b, 0x43, 0xf8, 0x48, 0x8b, 0x05, 0x10, 0, 0, 0, 0xeb, 0xfe]), DecoderOptions.None);
  dec.ip = 0x401000n;
  const insn = new Instruction();
  const got: number[] = [];
  dec.decodeOut(insn); nextInsn(insn); got.push(memInfo(insn).disp);
  dec.decodeOut(insn); nextInsn(insn); got.push(memInfo(insn).disp);
  dec.decodeOut(insn); nextInsn(insn); got.push(branchTarget(insn));
  assert.deepEqual(got, [-8, 0x401000 + 11 + 0x10, 0x40100b]);
  for (const v of got) assert.ok(Number.isInteger(v) && (v | 0) === v, `${v}`);
  dec.free(); insn.free();
});

test("the fields stay readable after translating an unsupported instruction grows iced's memory (its disassembly)", () => {
  const avx = Uint8Array.from([0xc5, 0xf8, 0x77]); // vzeroupper: #UD here, with its disassembly in the message
  const proto = (Formatter as unknown as { prototype: { format(i: Instruction): string } }).prototype;
  const format = proto.format;
  const wasm = (iced as unknown as { __wasm: { memory: { grow(pages: number): number } } }).__wasm;
  proto.format = function (this: unknown, i: Instruction) { wasm.memory.grow(1); return format.call(this, i); };
  const dec = new Decoder(64, avx, DecoderOptions.None);
  const insn = new Instruction();
  try {
    dec.decodeOut(insn);
    nextInsn(insn);
    const t = translate(insn, 0x401000, avx, 0);
    assert.equal(t.ud, true);
    assert.deepEqual([insnCode(insn), insnLength(insn), mnemonic(insn)], [insn.code, 3, insn.mnemonic]);
  } finally {
    proto.format = format;
    dec.free(); insn.free();
  }
});
