// iced-x86 Instruction → one specialised closure. Control flow, string instructions and system instructions
// live here; integer and SSE instructions are translated in integer.ts and sse.ts. Anything not handled
// becomes a closure raising #UD with the bytes and their disassembly, so decoding never fails.

import { Decoder, DecoderOptions, Formatter, Instruction, Mnemonic } from '../iced';
import * as iced from '../iced';
import { pickEnum } from './icedEnums';
// Local aliases: a bundled CommonJS module's exports are getters; read each enum object once.
const { FS_, OK, RG } = { FS_: iced.FormatterSyntax, OK: iced.OpKind, RG: iced.Register };
const MN = pickEnum('Mnemonic', [
  'INVALID', 'Call', 'Clc', 'Cld', 'Clflush', 'Cmc', 'Cmpsb', 'Cmpsd', 'Cmpsq', 'Cmpsw', 'Cpuid', 'Endbr64', 'Hlt', 'Int',
  'Int1', 'Int3', 'Into', 'Jecxz', 'Jmp', 'Jrcxz', 'Lahf', 'Ldmxcsr', 'Leave', 'Lfence', 'Lodsb', 'Lodsd', 'Lodsq',
  'Lodsw', 'Loop', 'Loope', 'Loopne', 'Mfence', 'Movsb', 'Movsd', 'Movsq', 'Movsw', 'Nop', 'Pause', 'Popf',
  'Popfq', 'Prefetch', 'Prefetchnta', 'Prefetcht0', 'Prefetcht1', 'Prefetcht2', 'Prefetchw', 'Pushf', 'Pushfq',
  'Rdtsc', 'Rdtscp', 'Ret', 'Sahf', 'Scasb', 'Scasd', 'Scasq', 'Scasw', 'Sfence', 'Stc', 'Std', 'Stmxcsr', 'Stosb',
  'Stosd', 'Stosq', 'Stosw', 'Syscall', 'Ud0', 'Ud1', 'Ud2', 'Xgetbv',
]);
import {
  afterIcedAllocated, branchTarget, hasMemoryOperand, hasRepnePrefix, hasRepPrefix, immediateLow, insnLength, memInfo, mnemonic, opCount, opKind,
  segmentPrefix, type Insn,
} from './insninfo';
import type { Cpu } from './cpu';
import * as M_stop from './stop';
const { STOP_HALT, STOP_SYSCALL } = M_stop;
import * as M_fault from './fault';
const { FaultSignal } = M_fault;
import * as M_flags from './flags';
const { arithFlags, CF, cond, K_SUB, materialize, setArith } = M_flags;
import * as M_arith from './arith';
const { alu64, aluN, SUB } = M_arith;
import * as M_integer from './integer';
const { addRsp, JCC_CC, MNEMONIC_SLOTS, push64, top64, translateInteger } = M_integer;
import type { Op } from './operands';
import * as M_operands from './operands';
const { eaOf, loc, L_MEM, maskOf, rd64 } = M_operands;
import * as M_sse from './sse';
const { translateSse } = M_sse;
import type { CpuFault } from './types';

const TWO32 = 4294967296;
const RCX = 2, RSI = 12, RDI = 14, RAX = 0;

/**
 * translate()'s answer. The one object is reused by every call: its caller reads it before translating again (a
 * record per instruction was ~1 MB of garbage for a Go program's start-up).
 */
export interface Translated {
  op: Op;
  /** The instruction ends a block (control flow, stop, or #UD). */
  end: boolean;
  /** The instruction raises #UD (undefined, or not something this CPU has). */
  ud?: boolean;
  /** The op depends on the instruction's bytes only (shared by every instruction with them): `key` is the bytes. */
  shared: boolean;
  key: string;
}

const ANSWER: Translated = { op: () => {}, end: false, ud: false, shared: false, key: '' };
function answer(op: Op, end: boolean, ud = false): Translated {
  ANSWER.op = op; ANSWER.end = end; ANSWER.ud = ud; ANSWER.shared = false;
  return ANSWER;
}
function sharedAnswer(op: Op, key: string): Translated {
  ANSWER.op = op; ANSWER.end = false; ANSWER.ud = false; ANSWER.shared = true; ANSWER.key = key;
  return ANSWER;
}

let formatter: Formatter | null = null;
/**
 * Intel-syntax disassembly of one instruction (for fault messages): `insn`, or when it came from a decode cache
 * record (null), its bytes decoded at addr.
 */
function disasm(insn: Insn, addr: number, bytes: Uint8Array): string {
  let own: { dec: Decoder; insn: Instruction } | null = null;
  try {
    if (!formatter) formatter = new Formatter(FS_.Intel);
    if (insn === null) {
      own = { dec: new Decoder(64, bytes, DecoderOptions.None), insn: new Instruction() };
      own.dec.ip = BigInt(addr);
      own.dec.decodeOut(own.insn);
    }
    return formatter.format(insn ?? own!.insn);
  } catch { return '(undisassemblable)'; } finally { own?.dec.free(); own?.insn.free(); afterIcedAllocated(); }
}

function hex(n: number): string { return '0x' + n.toString(16); }
function hexBytes(b: Uint8Array): string { return Array.from(b, x => x.toString(16).padStart(2, '0')).join(' '); }

/** A closure that raises a precise fault (RIP stays at the instruction). */
function faultOp(f: Omit<CpuFault, 'rip'>): Op {
  return () => { throw new FaultSignal(f.kind, f.message, { ...f, bytes: f.bytes ? new Uint8Array(f.bytes) : undefined }); };
}

export function undefinedOp(addr: number, bytes: Uint8Array, text: string, why: string): Op {
  const b = bytes.slice(0, 15);
  return faultOp({
    kind: '#UD', bytes: b, text,
    message: `invalid opcode at ${hex(addr)}: ${hexBytes(b)} (${text})${why ? ': ' + why : ''}`,
  });
}

/**
 * Closures of integer and SSE instructions depend only on the instruction's bytes (never on its address, unless
 * RIP-relative), so identical instructions share one: Go's code repeats the same prologues, spills and stack
 * checks everywhere, and about half of a program's start-up translations are found here.
 */
const shared = new Map<string, Op>();
const SHARED_MAX = 200_000;

/** The instruction's bytes as a string key: one string, not one per byte (most instructions are 1-8 bytes). */
function bytesKey(d: Uint8Array, p: number, len: number): string {
  const f = String.fromCharCode;
  switch (len) {
    case 1: return f(d[p]);
    case 2: return f(d[p], d[p + 1]);
    case 3: return f(d[p], d[p + 1], d[p + 2]);
    case 4: return f(d[p], d[p + 1], d[p + 2], d[p + 3]);
    case 5: return f(d[p], d[p + 1], d[p + 2], d[p + 3], d[p + 4]);
    case 6: return f(d[p], d[p + 1], d[p + 2], d[p + 3], d[p + 4], d[p + 5]);
    case 7: return f(d[p], d[p + 1], d[p + 2], d[p + 3], d[p + 4], d[p + 5], d[p + 6]);
    case 8: return f(d[p], d[p + 1], d[p + 2], d[p + 3], d[p + 4], d[p + 5], d[p + 6], d[p + 7]);
    default: return f(...d.subarray(p, p + len));
  }
}

/**
 * The closure for the instruction insninfo describes (nextInsn: iced's `insn`; nextRecord: a decode cache record,
 * insn null), at `addr` in d[pos...] (the bytes are a range of the decoder's buffer: no copy per instruction; some
 * may be missing when an invalid instruction ran out of them). `share`: look up and keep ops that depend only on the
 * bytes in the shared map (the decode cache keeps them by record instead).
 */
export function translate(insn: Insn, addr: number, d: Uint8Array, pos = 0, share = true): Translated {
  const len = insnLength(insn);
  const n = Math.max(1, Math.min(len, d.length - pos)); // the bytes that are there
  // `share` false: the caller keeps shared ops itself (by decode cache record), no key is made
  const key = share ? bytesKey(d, pos, n) : '';
  const hit = share ? shared.get(key) : undefined;
  if (hit !== undefined) return sharedAnswer(hit, key);
  const m: Mnemonic = mnemonic(insn);
  const next = addr + len;
  if (m === MN.INVALID) { // the mnemonic of Code.INVALID
    return answer(undefinedOp(addr, d.subarray(pos, pos + n), '(bad)', 'undefined instruction'), true, true);
  }
  try {
    const t = translateControl(insn, m, addr, next);
    if (t) return t;
    const rs = stringOp(insn, m, addr);
    if (rs) return answer(rs, hasRepPrefix(insn));
    const pure = translateInteger(insn, m) ?? translateSse(insn, m);
    if (pure) {
      // shared unless RIP-relative (the memory operand is read only when there is one: each field is a wasm call)
      const base = hasMemoryOperand(insn) ? memInfo(insn).base : RG.None;
      if (base !== RG.RIP && base !== RG.EIP && n === len) {
        if (share) {
          if (shared.size >= SHARED_MAX) shared.clear();
          shared.set(key, pure);
        }
        return sharedAnswer(pure, key);
      }
      return answer(pure, false);
    }
    const op = translateMisc(insn, m, addr, next);
    if (op) return answer(op, false);
    return answer(undefinedOp(addr, d.subarray(pos, pos + n), disasm(insn, addr, d.subarray(pos, pos + n)), 'not implemented by the emulator'), true, true);
  } catch (e) {
    return answer(undefinedOp(addr, d.subarray(pos, pos + n), disasm(insn, addr, d.subarray(pos, pos + n)), `not supported (${e instanceof Error ? e.message : e})`), true, true);
  }
}

// ------------------------------------------------------------------------------------------ control flow

/** What controlOp handles besides Jcc (JCC_CC). */
const CONTROL = new Uint8Array(MNEMONIC_SLOTS);
for (const m of [MN.Jmp, MN.Call, MN.Ret, MN.Jrcxz, MN.Jecxz, MN.Loop, MN.Loope, MN.Loopne, MN.Syscall]) CONTROL[m] = 1;

/**
 * Control flow, or null. Every instruction comes here first and most are not control flow: the question is asked
 * before entering controlOp, whose closures share variables V8 would allocate a context for on every call.
 */
function translateControl(insn: Insn, m: Mnemonic, addr: number, next: number): Translated | null {
  return CONTROL[m] === 1 || JCC_CC[m] >= 0 ? controlOp(insn, m, addr, next) : null;
}

function controlOp(insn: Insn, m: Mnemonic, addr: number, next: number): Translated | null {
  const nlo = next | 0, nhi = Math.floor(next / TWO32) | 0;
  const k0 = opCount(insn) > 0 ? opKind(insn, 0) : -1;
  const isNear = k0 === OK.NearBranch64 || k0 === OK.NearBranch32 || k0 === OK.NearBranch16;
  const target = isNear ? branchTarget(insn) : 0;
  // Every op is made by a function of its own values: a closure here would make this function allocate its
  // context (all of the values above) for every control-flow instruction, and keep it with the op.
  switch (m) {
    case MN.Jmp: return answer(isNear ? jmpTo(target) : indirect(insn, false, 0, 0), true);
    case MN.Call: return answer(isNear ? callTo(nlo, nhi, target) : indirect(insn, true, nlo, nhi), true);
    case MN.Ret: return answer(ret(opCount(insn) > 0 ? immediateLow(insn, 0) & 0xffff : 0), true);
    case MN.Jrcxz: return answer(jrcxz(target), true);
    case MN.Jecxz: return answer(jecxz(target), true);
    case MN.Loop: case MN.Loope: case MN.Loopne: return answer(loopOp(m, target), true);
    case MN.Syscall: return answer(syscallOp(addr), true);
  }
  const cc = JCC_CC[m];
  if (cc >= 0 && isNear) return answer(jcc(cc, target), true);
  return null;
}

const jrcxz = (target: number): Op => c => { if ((c.r[RCX] | c.r[RCX + 1]) === 0) c.rip = target; };
const jecxz = (target: number): Op => c => { if (c.r[RCX] === 0) c.rip = target; };
const syscallOp = (addr: number): Op => c => { c.rip = addr; c.stop = STOP_SYSCALL; };
function loopOp(m: Mnemonic, target: number): Op {
  return c => {
    const r = c.r;
    const lo = (r[RCX] - 1) | 0;
    if (lo === -1) r[RCX + 1] = (r[RCX + 1] - 1) | 0;
    r[RCX] = lo;
    const nz = (r[RCX] | r[RCX + 1]) !== 0;
    if (nz && (m === MN.Loop || (m === MN.Loope) === cond(c, 4))) c.rip = target;
  };
}
const jmpTo = (target: number): Op => c => { c.rip = target; };
const callTo = (nlo: number, nhi: number, target: number): Op => c => { push64(c, nlo, nhi); c.rip = target; };
const ret = (extra: number): Op => c => { const lo = top64(c); const hi = c.th; addRsp(c, 8 + extra); c.rip = fromHalves(hi, lo); };

/**
 * The unsigned 64-bit value of (hi, lo) (exact below 2^53), as a small integer when it is one: code V8 has not
 * optimised yet makes a heap number of any arithmetic on 2^32, and a heap number stored as RIP makes every block's
 * successor address one too (Block.next, nA and nB become boxed-double fields).
 */
function fromHalves(hi: number, lo: number): number { return hi === 0 && lo >= 0 ? lo : hi * TWO32 + (lo >>> 0); }

/**
 * Jcc. After CMP/SUB (the lazy record holds both operands) the condition is a direct comparison; other
 * records go through the generic flag evaluation.
 */
function jcc(cc: number, t: number): Op {
  switch (cc) {
    case 4: return je(t);
    case 5: return jne(t);
    case 2: case 3: case 6: case 7: case 12: case 13: case 14: case 15:
      // BE/A/LE/G compare with <=; AE/A/GE/G are the negations
      return jccOrder(cc, t, cc >= 12, cc === 6 || cc === 7 || cc === 14 || cc === 15, cc === 3 || cc === 7 || cc === 13 || cc === 15);
    default: return jcond(cc, t);
  }
}

const je = (t: number): Op => c => { if ((c.fop & 15) !== 0 ? (c.fr | ((c.fop >> 4) === 8 ? c.frh : 0)) === 0 : cond(c, 4)) c.rip = t; };
const jne = (t: number): Op => c => { if ((c.fop & 15) !== 0 ? (c.fr | ((c.fop >> 4) === 8 ? c.frh : 0)) !== 0 : !cond(c, 4)) c.rip = t; };
const jcond = (cc: number, t: number): Op => c => { if (cond(c, cc)) c.rip = t; };

/** Jcc on an order (B/AE/BE/A, L/GE/LE/G): made apart from jcc() so its closure keeps only these values. */
function jccOrder(cc: number, t: number, signed: boolean, orEq: boolean, neg: boolean): Op {
  return c => {
    const f = c.fop;
    let r: boolean;
    if ((f & 15) === K_SUB) {
      const sz = f >> 4;
      if (sz === 8) {
        const ah = c.fah, bh = c.fbh;
        if (ah !== bh) r = signed ? ah < bh : (ah >>> 0) < (bh >>> 0);
        else r = orEq ? (c.fa >>> 0) <= (c.fb >>> 0) : (c.fa >>> 0) < (c.fb >>> 0);
      } else if (!signed) {
        r = orEq ? (c.fa >>> 0) <= (c.fb >>> 0) : (c.fa >>> 0) < (c.fb >>> 0);
      } else {
        const sh = 32 - sz * 8;
        const a = (c.fa << sh) >> sh, b = (c.fb << sh) >> sh;
        r = orEq ? a <= b : a < b;
      }
      if (neg) r = !r;
    } else r = cond(c, cc);
    if (r) c.rip = t;
  };
}

/**
 * Indirect JMP, or CALL pushing (nlo, nhi), the return address: the target is read (and may fault) before anything
 * changes.
 */
function indirect(insn: Insn, call: boolean, nlo: number, nhi: number): Op {
  const s = loc(insn, 0, 8);
  const isMem = s.k === L_MEM;
  return c => {
    const lo = rd64(c, s, isMem ? eaOf(c, s) : 0);
    const t = fromHalves(c.th, lo);
    if (call) push64(c, nlo, nhi);
    c.rip = t;
  };
}

// ----------------------------------------------------------------------------------- string instructions

function regNum(c: Cpu, ri: number): number { return fromHalves(c.r[ri + 1], c.r[ri]); }
function addReg(c: Cpu, ri: number, d: number): void {
  const r = c.r;
  const l = (r[ri] >>> 0) + d;
  r[ri] = l | 0;
  if (l >= TWO32) r[ri + 1] = (r[ri + 1] + 1) | 0; else if (l < 0) r[ri + 1] = (r[ri + 1] - 1) | 0;
}

function readSz(c: Cpu, a: number, sz: number): number {
  const mem = c.memory;
  if (sz === 8) { const lo = mem.read64(a); c.th = mem.hi; return lo; }
  c.th = 0;
  return sz === 4 ? mem.read32(a) : sz === 2 ? mem.read16(a) : mem.read8(a);
}
function writeSz(c: Cpu, a: number, sz: number, lo: number, hi: number): void {
  const mem = c.memory;
  if (sz === 8) mem.write64(a, lo, hi); else if (sz === 4) mem.write32(a, lo); else if (sz === 2) mem.write16(a, lo); else mem.write8(a, lo);
}
function accRead(c: Cpu, sz: number): number {
  const r = c.r;
  c.th = sz === 8 ? r[RAX + 1] : 0;
  return sz === 8 || sz === 4 ? r[RAX] : r[RAX] & maskOf(sz);
}
function accWrite(c: Cpu, sz: number, lo: number, hi: number): void {
  const r = c.r;
  if (sz === 8) { r[RAX] = lo; r[RAX + 1] = hi; } else if (sz === 4) { r[RAX] = lo; r[RAX + 1] = 0; }
  else { const mk = maskOf(sz); r[RAX] = (r[RAX] & ~mk) | (lo & mk); }
}

/** Iterations a REP string instruction performs per execution before yielding (it stays at its own RIP). */
export const REP_CHUNK = 1 << 16;

type StringKind = 'movs' | 'stos' | 'lods' | 'cmps' | 'scas';
/** Each string instruction's kind and operand size, by mnemonic (MOVSD and CMPSD are SSE2 mnemonics too). */
const STRING_FORMS: ({ kind: StringKind; sz: number } | undefined)[] = new Array(MNEMONIC_SLOTS).fill(undefined);
for (const [kind, forms] of [
  ['movs', [MN.Movsb, MN.Movsw, MN.Movsd, MN.Movsq]], ['stos', [MN.Stosb, MN.Stosw, MN.Stosd, MN.Stosq]],
  ['lods', [MN.Lodsb, MN.Lodsw, MN.Lodsd, MN.Lodsq]], ['cmps', [MN.Cmpsb, MN.Cmpsw, MN.Cmpsd, MN.Cmpsq]],
  ['scas', [MN.Scasb, MN.Scasw, MN.Scasd, MN.Scasq]],
] as const) forms.forEach((m, i) => { STRING_FORMS[m] = { kind, sz: 1 << i }; });

function stringOp(insn: Insn, m: Mnemonic, addr: number): Op | null {
  const form = STRING_FORMS[m];
  if (form === undefined) return null; // most instructions: no look at their operands (a call into insninfo each)
  // MOVSD/CMPSD are also SSE2 mnemonics: string forms are the ones with an implicit [RSI]/[RDI] operand.
  let implicit = false;
  for (let k = 0; k < opCount(insn); k++) {
    const kind = opKind(insn, k);
    if (kind >= OK.MemorySegSI && kind <= OK.MemoryESRDI) implicit = true;
  }
  // asked here, not in stringOpOf: its closures' shared variables would be allocated for every instruction
  return implicit ? stringOpOf(insn, form.kind, form.sz, addr) : null;
}

function stringOpOf(insn: Insn, kind: StringKind, sz: number, addr: number): Op {
  const rep = hasRepPrefix(insn);
  const repne = hasRepnePrefix(insn);
  const cmp = kind === 'cmps' || kind === 'scas';
  const fop = K_SUB | (sz << 4), mk = maskOf(sz);
  const seg = segmentPrefix(insn);
  const one = (c: Cpu): void => {
    const d = c.dir * sz;
    switch (kind) {
      case 'movs': {
        let src = regNum(c, RSI);
        if (seg === RG.FS) src += c.fsBase; else if (seg === RG.GS) src += c.gsBase;
        const lo = readSz(c, src, sz), hi = c.th;
        writeSz(c, regNum(c, RDI), sz, lo, hi);
        addReg(c, RSI, d); addReg(c, RDI, d);
        return;
      }
      case 'stos': writeSz(c, regNum(c, RDI), sz, accRead(c, sz), c.th); addReg(c, RDI, d); return;
      case 'lods': { const lo = readSz(c, regNum(c, RSI), sz); accWrite(c, sz, lo, c.th); addReg(c, RSI, d); return; }
      case 'cmps': {
        const xl = readSz(c, regNum(c, RSI), sz), xh = c.th, yl = readSz(c, regNum(c, RDI), sz), yh = c.th;
        const rl = sz === 8 ? alu64(c, SUB, xl, xh, yl, yh, 0) : aluN(SUB, mk, xl, yl, 0), rh = sz === 8 ? c.th : 0;
        c.fop = fop; c.fa = xl; c.fah = xh; c.fb = yl; c.fbh = yh; c.fr = rl; c.frh = rh; c.fx = 0;
        addReg(c, RSI, d); addReg(c, RDI, d);
        return;
      }
      default: {
        const xl = accRead(c, sz), xh = c.th, yl = readSz(c, regNum(c, RDI), sz), yh = c.th;
        const rl = sz === 8 ? alu64(c, SUB, xl, xh, yl, yh, 0) : aluN(SUB, mk, xl, yl, 0), rh = sz === 8 ? c.th : 0;
        c.fop = fop; c.fa = xl; c.fah = xh; c.fb = yl; c.fbh = yh; c.fr = rl; c.frh = rh; c.fx = 0;
        addReg(c, RDI, d);
      }
    }
  };
  if (!rep) return one;
  // REP instructions end their block: after REP_CHUNK iterations RIP is set back to the instruction, so a
  // huge count cannot stall run()/pause (the hardware is interruptible the same way; each chunk counts as one
  // retired instruction).
  return c => {
    const r = c.r;
    let budget = REP_CHUNK;
    // Each iteration commits RCX/RSI/RDI, so a fault mid-way leaves a restartable state (as the hardware does).
    while ((r[RCX] | r[RCX + 1]) !== 0) {
      if (budget-- === 0) { c.rip = addr; return; }
      one(c);
      const lo = (r[RCX] - 1) | 0;
      if (lo === -1) r[RCX + 1] = (r[RCX + 1] - 1) | 0;
      r[RCX] = lo;
      if (cmp) {
        const zf = (c.fr | c.frh) === 0;
        if (repne ? zf : !zf) break;
      }
    }
  };
}

// ---------------------------------------------------------------------------------- system and the rest

/** NOP and the like: no architectural effect in a single-core, in-order emulator (one op for all of them). */
const NO_EFFECT: Op = () => {};

function translateMisc(insn: Insn, m: Mnemonic, addr: number, next: number): Op | null {
  switch (m) {
    case MN.Nop: case MN.Pause: case MN.Mfence: case MN.Lfence: case MN.Sfence:
    case MN.Prefetchnta: case MN.Prefetcht0: case MN.Prefetcht1: case MN.Prefetcht2:
    case MN.Prefetchw: case MN.Prefetch: case MN.Endbr64: case MN.Clflush:
      return NO_EFFECT;
    case MN.Hlt: return c => { c.stop = STOP_HALT; };
    case MN.Ud2: case MN.Ud0: case MN.Ud1: return null;
    case MN.Int3: return c => {
      throw new FaultSignal('#BP', `breakpoint trap (INT3) at ${hex(addr)}; the trap's RIP is ${hex(next)}`, { addr: next });
    };
    case MN.Int: case MN.Int1: case MN.Into: {
      return c => { throw new FaultSignal('#GP', `INT instruction at ${hex(addr)} is not allowed in user mode`); };
    }
    case MN.Cpuid: return c => {
      const r = c.r;
      const res = c.cpuid(r[RAX] >>> 0, r[RCX] >>> 0);
      r[0] = res.eax | 0; r[1] = 0; r[6] = res.ebx | 0; r[7] = 0; r[2] = res.ecx | 0; r[3] = 0; r[4] = res.edx | 0; r[5] = 0;
    };
    case MN.Rdtsc: case MN.Rdtscp: {
      const p = m === MN.Rdtscp;
      return c => {
        const v = BigInt.asUintN(64, c.rdtsc(c));
        const r = c.r;
        r[0] = Number(v & 0xffffffffn) | 0; r[1] = 0; r[4] = Number(v >> 32n) | 0; r[5] = 0;
        if (p) { r[2] = c.tscAux | 0; r[3] = 0; }
      };
    }
    case MN.Cld: return c => { c.rflagsRest &= ~(1 << 10); c.dir = 1; };
    case MN.Std: return c => { c.rflagsRest |= 1 << 10; c.dir = -1; };
    case MN.Clc: return c => { materialize(c); c.fx &= ~CF; };
    case MN.Stc: return c => { materialize(c); c.fx |= CF; };
    case MN.Cmc: return c => { materialize(c); c.fx ^= CF; };
    case MN.Lahf: return c => {
      const f = arithFlags(c) & 0xd5;
      c.r[0] = (c.r[0] & ~0xff00) | ((f | 2) << 8);
    };
    case MN.Sahf: return c => {
      const ah = (c.r[0] >> 8) & 0xd5;
      setArith(c, (arithFlags(c) & ~0xd5) | ah);
    };
    case MN.Pushf: case MN.Pushfq: return c => { push64(c, c.getRflags() & ~0x30000, 0); };
    case MN.Popf: case MN.Popfq: return c => {
      const lo = top64(c);
      addRsp(c, 8);
      // User mode: IF and IOPL are not changed by POPF.
      const keep = c.rflagsRest & (1 << 9);
      c.setRflags((lo & ~(1 << 9)) | keep);
    };
    case MN.Leave: return c => {
      const r = c.r;
      const bp = r[11] * TWO32 + (r[10] >>> 0);
      const lo = c.memory.read64(bp), hi = c.memory.hi;
      r[8] = r[10]; r[9] = r[11];
      addRsp(c, 8);
      r[10] = lo; r[11] = hi;
    };
    case MN.Xgetbv: return null; // OSXSAVE is not advertised: #UD, as on such a CPU
    case MN.Stmxcsr: { const m32 = loc(insn, 0, 4); return c => { c.memory.write32(eaOf(c, m32), c.mxcsr); }; }
    case MN.Ldmxcsr: {
      const m32 = loc(insn, 0, 4);
      return c => {
        const v = c.memory.read32(eaOf(c, m32));
        if (v & ~0xffff) throw new FaultSignal('#GP', `LDMXCSR with reserved bits set (0x${(v >>> 0).toString(16)})`);
        c.mxcsr = v;
      };
    }
  }
  return null;
}

