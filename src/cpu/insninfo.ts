// The iced-x86 Instruction fields translation reads, each read once per instruction and, where the layout allows,
// straight from iced's WebAssembly memory.
//
// Every Instruction getter is a call into wasm through wasm-bindgen's glue (opKind and opRegister three calls
// each: they reserve and release a return slot on wasm's stack). A Go program's start-up decodes ~22,000
// instructions and asked ~9 such calls of each, ~200,000 in all, in code V8 has not optimised yet. The decoded
// Instruction is a struct in wasm memory (`__wbg_ptr`), so the plain fields (code, length, operand kinds and
// registers, memory base, index, scale, displacement, segment prefix) are read from there; what iced computes
// from the code (mnemonic, operand count, flow control, memory size) is asked once per Code. The layout is
// iced's, not a contract: it is checked against the getters on probe instructions before first use (and across
// every field of a large random decode by the unit tests); if it ever differs, every read goes through the
// getters again.
//
// The same fields can also come from a record of the decode cache (decodedStore.ts: the struct's bytes as iced wrote
// them in an earlier run), with no Instruction and no call into iced at all: `nextRecord`.

import { Decoder, DecoderOptions, Instruction } from '../iced';
import * as iced from '../iced';

const MSE = iced.MemorySizeExt;
const OK_MEMORY = iced.OpKind.Memory;
const OK_NEAR64 = iced.OpKind.NearBranch64;
const NO_REGISTER = iced.Register.None;
const EK = iced.EncodingKind;

// ------------------------------------------------------------------------- the Instruction struct in memory

/**
 * Offsets in iced-x86 1.21's Instruction as wasm-bindgen stores it (`__wbg_ptr` points at a borrow flag; the
 * struct follows, 8-aligned): next_rip u64, mem_displ u64, op_kinds [u8; 4], flags1 u32, immediate u32,
 * regs [u8; 4], code u16, scale u8, mem_base_reg u8, mem_index_reg u8, displ_size u8, len u8.
 */
const VALUE = 8, DISPL = 8, OP_KINDS = 16, FLAGS1 = 20, IMMEDIATE = 24, REGS = 28, CODE = 32, SCALE = 34, BASE = 35, INDEX = 36, LEN = 38;
/** flags1 bits 5-7: the segment prefix, 1 (ES) to 6 (GS) in iced's register order, or 0. */
const SEG_SHIFT = 5, SEG_MASK = 7;
const RG_ES = iced.Register.ES, RG_SS = iced.Register.SS, RG_DS = iced.Register.DS;
/** Base registers whose default segment is SS. */
const SS_BASES = new Set([iced.Register.SP, iced.Register.BP, iced.Register.ESP, iced.Register.EBP, iced.Register.RSP, iced.Register.RBP]);

/** flags1's REPE (also REP) and REPNE prefix bits. */
const REPE = 0x20000000, REPNE = 0x40000000;
/** Bytes of the struct (from next_rip to the padding after len): what a decode cache record keeps. */
export const FIELDS_SIZE = 40;

/** The decoded instruction translators are given: iced's, or null when its fields come from a cache record. */
export type Insn = Instruction | null;

/** iced's wasm exports (the glue instantiates the module when first asked). */
const wasmOf = () => (iced as unknown as { __wasm?: { memory?: { buffer: ArrayBuffer } } }).__wasm;
let wasmU8: Uint8Array = new Uint8Array(0);
let wasmI32: Int32Array = new Int32Array(0);
/** The bytes holding the current instruction's fields: wasm memory, or a decode cache's records. */
let u8 = wasmU8;
let i32 = wasmI32;
/** undefined until checked; false: the layout is not the one above (or memory is not exported): use the getters. */
let fast: boolean | undefined;

/** Address of insn's fields in wasm memory (views renewed when the memory grew: the old buffer is detached). */
function at(insn: Instruction): number {
  if (wasmU8.length === 0) viewWasm();
  u8 = wasmU8; i32 = wasmI32;
  return (insn as unknown as { __wbg_ptr: number }).__wbg_ptr + VALUE;
}
function viewWasm(): void { const b = wasmOf()!.memory!.buffer; wasmU8 = new Uint8Array(b); wasmI32 = new Int32Array(b); }

/**
 * After a call into iced that allocates (formatting an instruction): its memory may have grown, and views of the old
 * buffer read nothing; the current instruction's fields are where they were in the new one.
 */
export function afterIcedAllocated(): void {
  if (wasmU8.length !== 0 || !wasmOf()?.memory) return;
  const current = u8 === wasmU8;
  viewWasm();
  if (current) { u8 = wasmU8; i32 = wasmI32; }
}
/** Fields of the current instruction (nextInsn, nextRecord) in u8/i32, or -1: read them through the getters. */
let P = -1;

/**
 * mem_displ as a number: signed, so a negative displacement stays negative (exact below 2^53). A small integer
 * whenever it is one: arithmetic on 2^32 makes a heap number even of a small result, and a displacement or branch
 * target stored as one makes every address computed from it, and RIP, heap numbers too (garbage per access).
 */
function displOf(p: number): number {
  const w = (p + DISPL) >> 2, lo = i32[w], hi = i32[w + 1];
  return (hi === 0 && lo >= 0) || (hi === -1 && lo < 0) ? lo : hi * 4294967296 + (lo >>> 0);
}
/** The memory operand's segment: the prefix's, else SS for a stack-pointer or frame-pointer base, else DS. */
function segmentOf(p: number): number {
  const prefix = segmentPrefixOf(p);
  return prefix !== NO_REGISTER ? prefix : SS_BASES.has(u8[p + BASE]) ? RG_SS : RG_DS;
}
/** mem_displ unsigned: a near branch's target (a small integer when it is one, as above). */
function targetOf(p: number): number {
  const w = (p + DISPL) >> 2, lo = i32[w], hi = i32[w + 1];
  return hi === 0 && lo >= 0 ? lo : (hi >>> 0) * 4294967296 + (lo >>> 0);
}

const OK_IMM_FIRST = iced.OpKind.Immediate8, OK_IMM_LAST = iced.OpKind.Immediate32to64;
const OK_IMM8_2ND = iced.OpKind.Immediate8_2nd, OK_IMM16 = iced.OpKind.Immediate16, OK_IMM32 = iced.OpKind.Immediate32;
const OK_IMM64 = iced.OpKind.Immediate64, OK_IMM8TO16 = iced.OpKind.Immediate8to16, OK_IMM8TO32 = iced.OpKind.Immediate8to32;
const OK_IMM8TO64 = iced.OpKind.Immediate8to64;
/** An immediate's high 32 bits, set by immediateLowOf (one call gives both halves without a BigInt). */
let immHi = 0;

/**
 * The low 32 bits (unsigned) of the immediate of kind `k`, the high 32 in immHi, as iced's getter gives it (the
 * sign-extending kinds extended to 64 bits, whatever the operand size). iced keeps the immediate in `immediate`
 * (8-bit ones unextended), a 64-bit one's high half and the second 8-bit immediate (ENTER) in mem_displ's low half.
 */
function immediateLowOf(p: number, k: number): number {
  const imm = i32[(p + IMMEDIATE) >> 2] >>> 0, dlo = i32[(p + DISPL) >> 2] >>> 0;
  immHi = 0;
  switch (k) {
    case OK_IMM8_2ND: return dlo & 0xff;
    case OK_IMM16: return imm & 0xffff;
    case OK_IMM32: return imm;
    case OK_IMM64: immHi = dlo; return imm;
    case OK_IMM8TO16: case OK_IMM8TO32: case OK_IMM8TO64: { const v = (imm << 24) >> 24; immHi = v < 0 ? 0xffffffff : 0; return v >>> 0; }
    case OK_IMM_LAST: immHi = imm >= 0x80000000 ? 0xffffffff : 0; return imm; // Immediate32to64
    default: return imm & 0xff; // Immediate8
  }
}
function immediateOf(p: number, k: number): bigint {
  const lo = immediateLowOf(p, k);
  return (BigInt(immHi) << 32n) | BigInt(lo);
}
/** The segment prefix's register, or Register.None. */
function segmentPrefixOf(p: number): number {
  const prefix = (u8[p + FLAGS1] >> SEG_SHIFT) & SEG_MASK;
  return prefix !== 0 ? RG_ES + prefix - 1 : NO_REGISTER;
}

/**
 * Instructions covering each field read from memory: SIB with scale and disp32, a negative disp8, RIP-relative,
 * a backward Jcc, CALL, immediates, SSE, a string op with REP, an 8-bit register, a memory destination.
 */
const PROBES = [
  0x48, 0x8b, 0x84, 0x8b, 0x78, 0x56, 0x34, 0x12, // mov rax,[rbx+rcx*4+12345678h]
  0x48, 0x89, 0x44, 0x24, 0xf0, //                   mov [rsp-10h],rax
  0x4c, 0x8b, 0x0d, 0x10, 0x00, 0x00, 0x00, //       mov r9,[rip+10h]
  0x0f, 0x85, 0xe0, 0xff, 0xff, 0xff, //             jne back
  0xe8, 0x10, 0x00, 0x00, 0x00, //                   call forward
  0x48, 0x81, 0xc4, 0x44, 0x33, 0x22, 0x11, //       add rsp,11223344h
  0x66, 0x0f, 0xfe, 0x4c, 0xf7, 0x08, //             paddd xmm1,[rdi+rsi*8+8]
  0xf3, 0x48, 0xa5, //                               rep movsq
  0x40, 0x88, 0x7c, 0x24, 0x7f, //                   mov [rsp+7Fh],dil
  0x6b, 0xc1, 0x9c, //                               imul eax,ecx,-64h
  0xc4, 0xe3, 0x79, 0x4a, 0xc2, 0x30, //             vblendvps xmm0,xmm0,xmm2,xmm3 (4 operands)
  0x64, 0x48, 0x8b, 0x04, 0x25, 0xf8, 0xff, 0xff, 0xff, // mov rax,fs:[0FFFFFFFFFFFFFFF8h] (Go's TLS g)
  0x65, 0x48, 0x8b, 0x03, //                         mov rax,gs:[rbx]
  0x48, 0x8b, 0x45, 0x10, //                         mov rax,[rbp+10h]
  0xf2, 0xae, //                                     repne scasb
  0x64, 0xf3, 0x48, 0xa5, //                         rep movsq with an FS source
  0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 0x88, //          mov rax,8807060504030201h
  0xc8, 0x10, 0x20, 0x30, //                         enter 2010h,30h (a second 8-bit immediate)
  0x48, 0x83, 0xc0, 0xff, //                         add rax,-1 (imm8 sign-extended to 64 bits)
  0x66, 0x05, 0x34, 0x12, //                         add ax,1234h
];

/** The layout above holds for every field of every probe (read through the getters, once, on first use). */
function layoutHolds(): boolean {
  if (!wasmOf()?.memory) return false;
  const dec = new Decoder(64, Uint8Array.from(PROBES), DecoderOptions.None);
  const insn = new Instruction();
  try {
    dec.ip = 0xc000010000n;
    while (dec.canDecode) {
      dec.decodeOut(insn);
      if (!sameFields(insn)) return false;
    }
    return true;
  } finally { dec.free(); insn.free(); }
}

/** Every field read from memory equals its getter (exported for the tests, which also run it on random code). */
export function sameFields(insn: Instruction): boolean {
  const p = at(insn);
  if ((u8[p + CODE] | (u8[p + CODE + 1] << 8)) !== insn.code || u8[p + LEN] !== insn.length) return false;
  const n = Math.min(insn.opCount, 4);
  for (let i = 0; i < n; i++) {
    const k = insn.opKind(i);
    if (u8[p + OP_KINDS + i] !== k) return false;
    if (k === iced.OpKind.Register && u8[p + REGS + i] !== insn.opRegister(i)) return false;
    if (k === OK_NEAR64 && targetOf(p) !== Number(insn.nearBranchTarget)) return false;
    if (k === OK_MEMORY) {
      if (u8[p + BASE] !== insn.memoryBase || u8[p + INDEX] !== insn.memoryIndex) return false;
      if (1 << u8[p + SCALE] !== insn.memoryIndexScale || displOf(p) !== Number(insn.memoryDisplacement)) return false;
      if (segmentOf(p) !== insn.memorySegment) return false;
    }
    if (k >= OK_IMM_FIRST && k <= OK_IMM_LAST && immediateOf(p, k) !== BigInt.asUintN(64, insn.immediate(i))) return false;
  }
  const f = i32[(p + FLAGS1) >> 2];
  if (((f & REPE) !== 0) !== insn.hasRepePrefix || ((f & REPNE) !== 0) !== insn.hasRepnePrefix) return false;
  return segmentPrefixOf(p) === insn.segmentPrefix;
}

function useMemory(): boolean { return (fast ??= layoutHolds()); }

// ------------------------------------------------------------------------- what iced computes from the Code

const CODES = 8192; // iced 1.21 has ~4,900 Codes
const mnemonics = new Int16Array(CODES).fill(-1);
const opCounts = new Int8Array(CODES).fill(-1);
const flows = new Int8Array(CODES).fill(-1);
const memSizes = new Int16Array(CODES).fill(-1);
const encodings = new Int8Array(CODES).fill(-1);

// The readers below describe the instruction last given to nextInsn() or nextRecord() (insn is null for a record).
export function insnCode(insn: Insn): number { return P >= 0 ? u8[P + CODE] | (u8[P + CODE + 1] << 8) : insn!.code; }
export function insnLength(insn: Insn): number { return P >= 0 ? u8[P + LEN] : insn!.length; }

/**
 * What iced derives from insn's Code, asked once per Code and kept in `table` (-1: not asked yet). A cache record's
 * Code always has its answers here: the cache brings them (codeFacts, knowCode).
 */
function perCode(table: Int8Array | Int16Array, insn: Insn, ask: (insn: Instruction) => number): number {
  const c = insnCode(insn);
  if (c >= CODES) return ask(insn!);
  const v = table[c];
  return v >= 0 ? v : (table[c] = ask(insn!));
}
const askMnemonic = (insn: Instruction) => insn.mnemonic;
const askFlow = (insn: Instruction) => insn.flowControl;
const askOpCount = (insn: Instruction) => insn.opCount;

export function mnemonic(insn: Insn): number { return perCode(mnemonics, insn, askMnemonic); }
export function flowControl(insn: Insn): number { return perCode(flows, insn, askFlow); }
function opCountOf(insn: Insn): number { return perCode(opCounts, insn, askOpCount); }

/**
 * The memory operand's size, asked once per Code: iced derives it from the Code, except for EVEX and MVEX forms,
 * whose broadcast bit changes it (asked every time; never cached: see codeFacts).
 */
function memorySizeOf(insn: Insn): number {
  const enc = perCode(encodings, insn, askEncoding);
  return enc === EK.EVEX || enc === EK.MVEX ? insn!.memorySize : perCode(memSizes, insn, askMemorySize);
}
const askEncoding = (insn: Instruction) => insn.encoding;
const askMemorySize = (insn: Instruction) => insn.memorySize;

/** Bytes of each iced MemorySize, asked of iced once per size (each ask is a call into wasm). */
const memSizeBytes: number[] = [];
function sizeOf(memSize: number): number { return (memSizeBytes[memSize] ??= MSE.size(memSize)); }

/** What a decode cache keeps of a Code, so that translating its records never asks iced. */
export interface CodeFacts { code: number; mnemonic: number; opCount: number; flow: number; encoding: number; memSize: number; memBytes: number }

/**
 * The facts of the current instruction's Code (nextInsn: iced is asked what is not known yet), or undefined when
 * they depend on more than the Code (EVEX and MVEX memory sizes), the fields are not read from memory, or there is
 * a fifth operand.
 */
export function codeFacts(insn: Instruction): CodeFacts | undefined {
  const code = insnCode(insn);
  if (P < 0 || code >= CODES) return undefined;
  const encoding = perCode(encodings, insn, askEncoding);
  if (encoding === EK.EVEX || encoding === EK.MVEX) return undefined;
  const opCount = opCountOf(insn);
  if (opCount > 4) return undefined; // a fifth operand's kind is not in the struct
  const memSize = perCode(memSizes, insn, askMemorySize);
  return { code, mnemonic: mnemonic(insn), opCount, flow: flowControl(insn), encoding, memSize, memBytes: sizeOf(memSize) };
}

/** A cache's facts of a Code are ones codeFacts could have given (in range). */
export function validFacts(f: CodeFacts): boolean {
  return f.code > 0 && f.code < CODES && f.encoding !== EK.EVEX && f.encoding !== EK.MVEX && f.mnemonic >= 0 && f.mnemonic < 0x8000 &&
    f.opCount >= 0 && f.opCount <= 4 && f.flow >= 0 && f.flow < 0x80 && f.encoding >= 0 && f.encoding < 0x80 &&
    f.memSize >= 0 && f.memSize < 0x8000 && f.memBytes >= 0 && f.memBytes <= 4096;
}

/** Takes a cache's facts of a Code (validFacts) as if iced had answered them. */
export function knowCode(f: CodeFacts): void {
  mnemonics[f.code] = f.mnemonic; opCounts[f.code] = f.opCount; flows[f.code] = f.flow;
  encodings[f.code] = f.encoding; memSizes[f.code] = f.memSize; memSizeBytes[f.memSize] = f.memBytes;
}

// ------------------------------------------------------------------------- per-instruction memo

export interface MemInfo {
  base: number; index: number; scale: number; seg: number;
  /** Displacement, sign-extended (RIP-relative: the absolute address). */
  disp: number;
  /** iced MemorySize and its size in bytes. */
  memSize: number; bytes: number;
}

let seq = 0, memSeq = -1, kindSeq = -1, nOps = 0, targetSeq = -1, target = 0;
const kinds = [0, 0, 0, 0, 0];
const mem: MemInfo = { base: 0, index: 0, scale: 1, seg: 0, disp: 0, memSize: 0, bytes: 0 };

/** Start of a new instruction decoded by iced: drops the memo, finds the fields. */
export function nextInsn(insn: Instruction): void { seq++; P = useMemory() ? at(insn) : -1; }

/**
 * Start of a new instruction whose fields are a decode cache record: FIELDS_SIZE bytes at `off` (a multiple of 8) in
 * `bytes`, `words` being the same memory as int32s. The readers are then given a null Insn.
 */
export function nextRecord(bytes: Uint8Array, words: Int32Array, off: number): void { seq++; u8 = bytes; i32 = words; P = off; }

/**
 * The current instruction's fields (FIELDS_SIZE bytes) as iced wrote them, for a decode cache: into `to` from word
 * `at`. False: not at hand (read through the getters).
 */
export function copyFields(to: Int32Array, at: number): boolean {
  if (P < 0) return false;
  // written out: a loop of ten costs more than the copies in V8's interpreter (this runs for every instruction a
  // program's second run decodes)
  const f = P >> 2, w = i32;
  to[at] = w[f]; to[at + 1] = w[f + 1]; to[at + 2] = w[f + 2]; to[at + 3] = w[f + 3]; to[at + 4] = w[f + 4];
  to[at + 5] = w[f + 5]; to[at + 6] = w[f + 6]; to[at + 7] = w[f + 7]; to[at + 8] = w[f + 8]; to[at + 9] = w[f + 9];
  return true;
}

function fillKinds(insn: Insn): void {
  kindSeq = seq;
  nOps = opCountOf(insn);
  if (P >= 0) {
    for (let i = 0; i < nOps; i++) kinds[i] = i < 4 ? u8[P + OP_KINDS + i] : insn!.opKind(i);
  } else {
    for (let i = 0; i < nOps; i++) kinds[i] = insn!.opKind(i);
  }
}
export function opCount(insn: Insn): number { if (kindSeq !== seq) fillKinds(insn); return nOps; }
export function opKind(insn: Insn, i: number): number { if (kindSeq !== seq) fillKinds(insn); return i < nOps ? kinds[i] : -1; }

/** The register of operand i (an operand of kind Register). */
export function opRegister(insn: Insn, i: number): number {
  return i < 4 && P >= 0 ? u8[P + REGS + i] : insn!.opRegister(i);
}

/** The instruction has an explicit memory operand (from the memoised operand kinds). */
export function hasMemoryOperand(insn: Insn): boolean {
  if (kindSeq !== seq) fillKinds(insn);
  for (let i = 0; i < nOps; i++) if (kinds[i] === OK_MEMORY) return true;
  return false;
}

/**
 * The low 32 bits (unsigned) of immediate operand i, as iced's `immediate(i)` gives it (sign-extended to the
 * operand's size); immediateHigh() then gives the high 32 bits.
 */
export function immediateLow(insn: Insn, i: number): number {
  if (P >= 0 && i < 4) return immediateLowOf(P, opKind(insn, i));
  const v = BigInt.asUintN(64, insn!.immediate(i));
  immHi = Number(v >> 32n);
  return Number(v & 0xffffffffn);
}
/** The high 32 bits (unsigned) of the immediate immediateLow() read last. */
export function immediateHigh(): number { return immHi; }

/** A REP, REPE or REPNE prefix. */
export function hasRepPrefix(insn: Insn): boolean {
  return P >= 0 ? (i32[(P + FLAGS1) >> 2] & (REPE | REPNE)) !== 0 : insn!.hasRepePrefix || insn!.hasRepnePrefix;
}
export function hasRepnePrefix(insn: Insn): boolean { return P >= 0 ? (i32[(P + FLAGS1) >> 2] & REPNE) !== 0 : insn!.hasRepnePrefix; }
/** The segment override prefix's register, or Register.None. */
export function segmentPrefix(insn: Insn): number { return P >= 0 ? segmentPrefixOf(P) : insn!.segmentPrefix; }

export function memInfo(insn: Insn): MemInfo {
  if (memSeq !== seq) {
    memSeq = seq;
    if (P >= 0) {
      mem.base = u8[P + BASE]; mem.index = u8[P + INDEX];
      mem.scale = mem.index === NO_REGISTER ? 1 : 1 << u8[P + SCALE];
      mem.disp = displOf(P);
      mem.seg = segmentOf(P);
    } else {
      // iced gives the displacement as a signed 64-bit BigInt (the absolute address when RIP-relative)
      mem.base = insn!.memoryBase; mem.index = insn!.memoryIndex;
      mem.scale = mem.index === NO_REGISTER ? 1 : insn!.memoryIndexScale;
      mem.disp = Number(insn!.memoryDisplacement);
      mem.seg = insn!.memorySegment;
    }
    mem.memSize = memorySizeOf(insn); mem.bytes = sizeOf(mem.memSize);
  }
  return mem;
}

/** The target of a near branch (translate() and the block builder both ask). */
export function branchTarget(insn: Insn): number {
  if (targetSeq !== seq) {
    targetSeq = seq;
    target = P >= 0 && opKind(insn, 0) === OK_NEAR64 ? targetOf(P) : Number(insn!.nearBranchTarget);
  }
  return target;
}

/** Fields are read from wasm memory (the layout check passed); false: through iced's getters. */
export function readsMemory(): boolean { return useMemory(); }
/** For the tests: read through the getters (false), as when the layout check fails, or from memory again (true). */
export function setReadsMemory(on: boolean): void { fast = on && layoutHolds(); }
