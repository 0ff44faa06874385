// SSE/SSE2 as Go's GOAMD64=v1 code uses them: moves, packed integer and logic, shuffles, shifts, scalar and
// packed float arithmetic, compares and conversions. Lanes are computed in scratch buffers (D = destination,
// S = source) and written back only after every memory access succeeded (precise faults).
//
// Floating point: JS doubles are IEEE binary64 with round-to-nearest-even, as MXCSR's default; float32 results
// are exact roundings (Math.fround of the exact double result of + - * / sqrt). NaN results are resolved on
// the bit patterns as SSE does: the first operand's NaN (quieted), else the second's, else the default NaN.
// Not modelled: MXCSR rounding modes other than nearest, FTZ/DAZ, and MXCSR exception status flags.

import { Mnemonic } from '../iced';
import * as iced from '../iced';
import { pickEnum } from './icedEnums';
// Local aliases: a bundled CommonJS module's exports are getters; read each enum object once.
const { OK } = { OK: iced.OpKind };
const MN = pickEnum('Mnemonic', [
  'Addpd', 'Addps', 'Addsd', 'Addss', 'Divpd', 'Divps', 'Divsd', 'Divss', 'Mulpd', 'Mulps', 'Mulsd', 'Mulss',
  'Subpd', 'Subps', 'Subsd', 'Subss', 'Andnpd', 'Andnps', 'Andpd', 'Andps', 'Cmppd', 'Cmpps', 'Cmpsd', 'Cmpss', 'Comisd', 'Comiss', 'Cvtdq2pd',
  'Cvtdq2ps', 'Cvtpd2dq', 'Cvtpd2ps', 'Cvtps2dq', 'Cvtps2pd', 'Cvtsd2si', 'Cvtsd2ss', 'Cvtsi2sd', 'Cvtsi2ss',
  'Cvtss2sd', 'Cvtss2si', 'Cvttpd2dq', 'Cvttps2dq', 'Cvttsd2si', 'Cvttss2si', 'Lddqu', 'Maxpd', 'Maxps', 'Maxsd',
  'Maxss', 'Minpd', 'Minps', 'Minsd', 'Minss', 'Movapd', 'Movaps', 'Movd', 'Movdqa', 'Movdqu', 'Movhlps', 'Movhpd',
  'Movhps', 'Movlhps', 'Movlpd', 'Movlps', 'Movmskpd', 'Movmskps', 'Movntdq', 'Movntdqa', 'Movntpd', 'Movntps',
  'Movq', 'Movsd', 'Movss', 'Movupd', 'Movups', 'Orpd', 'Orps', 'Packssdw', 'Packsswb', 'Packuswb', 'Paddb',
  'Paddd', 'Paddq', 'Paddsb', 'Paddsw', 'Paddusb', 'Paddusw', 'Paddw', 'Pand', 'Pandn', 'Pavgb', 'Pavgw',
  'Pcmpeqb', 'Pcmpeqd', 'Pcmpeqw', 'Pcmpgtb', 'Pcmpgtd', 'Pcmpgtw', 'Pextrw', 'Pinsrw', 'Pmaddwd', 'Pmaxsw',
  'Pmaxub', 'Pminsw', 'Pminub', 'Pmovmskb', 'Pmulhuw', 'Pmulhw', 'Pmullw', 'Pmuludq', 'Por', 'Psadbw', 'Pshufd',
  'Pshufhw', 'Pshuflw', 'Pslld', 'Pslldq', 'Psllq', 'Psllw', 'Psrad', 'Psraw', 'Psrld', 'Psrldq', 'Psrlq', 'Psrlw',
  'Psubb', 'Psubd', 'Psubq', 'Psubsb', 'Psubsw', 'Psubusb', 'Psubusw', 'Psubw', 'Punpckhbw', 'Punpckhdq',
  'Punpckhqdq', 'Punpckhwd', 'Punpcklbw', 'Punpckldq', 'Punpcklqdq', 'Punpcklwd', 'Pxor', 'Shufpd', 'Shufps',
  'Sqrtpd', 'Sqrtps', 'Sqrtsd', 'Sqrtss', 'Ucomisd', 'Ucomiss', 'Unpckhpd', 'Unpckhps', 'Unpcklpd', 'Unpcklps',
  'Xorpd', 'Xorps',
]);
import { immediateLow, memInfo, opCount, opKind, opRegister, type Insn } from './insninfo';
import type { Cpu } from './cpu';
import * as M_fault from './fault';
const { FaultSignal } = M_fault;
import * as M_flags from './flags';
const { setArith, CF, PF, ZF } = M_flags;
import type { EA, Op } from './operands';
import * as M_operands from './operands';
const { gprInfo, makeEA, xmmIndex } = M_operands;

const TWO32 = 4294967296;

const D = new Int32Array(4), S = new Int32Array(4);
const Du8 = new Uint8Array(D.buffer), Di8 = new Int8Array(D.buffer), Du16 = new Uint16Array(D.buffer),
  Di16 = new Int16Array(D.buffer), Df32 = new Float32Array(D.buffer), Df64 = new Float64Array(D.buffer);
// Copy of D for ops that read lanes they overwrite (no allocation per execution).
const T = new Int32Array(4), Tu8 = new Uint8Array(T.buffer), Tu16 = new Uint16Array(T.buffer), Ti16 = new Int16Array(T.buffer);
function copyD(): void { T[0] = D[0]; T[1] = D[1]; T[2] = D[2]; T[3] = D[3]; }
const S2 = new Int32Array(4), S2i16 = new Int16Array(S2.buffer);
function copyS(): void { S2[0] = S[0]; S2[1] = S[1]; S2[2] = S[2]; S2[3] = S[3]; }
const Su8 = new Uint8Array(S.buffer), Si8 = new Int8Array(S.buffer), Su16 = new Uint16Array(S.buffer),
  Si16 = new Int16Array(S.buffer), Sf32 = new Float32Array(S.buffer), Sf64 = new Float64Array(S.buffer);

/** An SSE operand: XMM register (xi = first dword index in Cpu.x), memory, GPR or immediate. */
interface XLoc { k: 'x' | 'm' | 'g'; xi: number; ea: EA; ri: number; gsz: number }

function xloc(insn: Insn, i: number): XLoc {
  const kind = opKind(insn, i);
  if (kind === OK.Memory) return { k: 'm', xi: 0, ea: makeEA(insn), ri: 0, gsz: 0 };
  if (kind !== OK.Register) throw new Error('unsupported SSE operand');
  const reg = opRegister(insn, i);
  const x = xmmIndex(reg);
  if (x >= 0) return { k: 'x', xi: 4 * x, ea: () => 0, ri: 0, gsz: 0 };
  const g = gprInfo(reg);
  if (g && g.sz >= 4) return { k: 'g', xi: 0, ea: () => 0, ri: g.ri, gsz: g.sz };
  throw new Error('MMX/other register operands are not supported');
}

function misaligned(a: number): InstanceType<typeof FaultSignal> {
  return new FaultSignal('#GP', `misaligned 16-byte SSE memory operand 0x${a.toString(16)}`, { addr: a });
}

/** Load 16 bytes of operand l into buf (memory operands checked for 16-byte alignment when `aligned`). */
function load128(c: Cpu, l: XLoc, buf: Int32Array, aligned: boolean): void {
  if (l.k === 'x') { const x = c.x, i = l.xi; buf[0] = x[i]; buf[1] = x[i + 1]; buf[2] = x[i + 2]; buf[3] = x[i + 3]; return; }
  const a = l.ea(c);
  if (aligned && a % 16 !== 0) throw misaligned(a);
  c.memory.read128(a, buf, 0);
}
function loadX(c: Cpu, xi: number, buf: Int32Array): void {
  const x = c.x; buf[0] = x[xi]; buf[1] = x[xi + 1]; buf[2] = x[xi + 2]; buf[3] = x[xi + 3];
}
function storeX(c: Cpu, xi: number, buf: Int32Array): void {
  const x = c.x; x[xi] = buf[0]; x[xi + 1] = buf[1]; x[xi + 2] = buf[2]; x[xi + 3] = buf[3];
}
/** Load the low `n` bytes (4 or 8) of a scalar source into buf[0..] (rest untouched). */
function loadScalar(c: Cpu, l: XLoc, buf: Int32Array, n: number): void {
  if (l.k === 'x') { buf[0] = c.x[l.xi]; if (n === 8) buf[1] = c.x[l.xi + 1]; return; }
  if (l.k === 'g') { buf[0] = c.r[l.ri]; if (n === 8) buf[1] = l.gsz === 8 ? c.r[l.ri + 1] : 0; return; }
  const a = l.ea(c);
  if (n === 8) { buf[0] = c.memory.read64(a); buf[1] = c.memory.hi; } else buf[0] = c.memory.read32(a);
}

// ------------------------------------------------------------------------------------------------ NaNs

function isNaN64(lo: number, hi: number): boolean { return (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | lo) !== 0; }
function isNaN32(v: number): boolean { return (v & 0x7f800000) === 0x7f800000 && (v & 0x7fffff) !== 0; }

/** Store double result r into D lane k, resolving NaN from operand bits D (first) and S (second). */
function put64(k: number, r: number): void {
  if (r === r) { Df64[k] = r; return; }
  const i = 2 * k;
  if (isNaN64(D[i], D[i + 1])) { D[i + 1] |= 0x80000; return; }
  if (isNaN64(S[i], S[i + 1])) { D[i] = S[i]; D[i + 1] = S[i + 1] | 0x80000; return; }
  D[i] = 0; D[i + 1] = 0xfff80000 | 0;
}
function put32(k: number, r: number): void {
  if (r === r) { Df32[k] = r; return; }
  if (isNaN32(D[k])) { D[k] |= 0x400000; return; }
  if (isNaN32(S[k])) { D[k] = S[k] | 0x400000; return; }
  D[k] = 0xffc00000 | 0;
}

// ----------------------------------------------------------------------------------------- translators

type LaneFn = () => void;

/** Packed op: D = f(D, S) over the whole register; m128 sources must be aligned. */
function packed(insn: Insn, f: LaneFn): Op {
  const d = xloc(insn, 0), s = xloc(insn, 1);
  if (d.k !== 'x') throw new Error('destination must be an XMM register');
  const dx = d.xi;
  return c => { load128(c, s, S, true); loadX(c, dx, D); f(); storeX(c, dx, D); };
}

/** Packed op with an imm8 (PSHUFD, SHUFPS, ...): f receives the immediate. */
function packedImm(insn: Insn, f: (imm: number) => void): Op {
  const d = xloc(insn, 0), s = xloc(insn, 1), imm = immediateLow(insn, 2) & 0xff;
  const dx = d.xi;
  return c => { load128(c, s, S, true); loadX(c, dx, D); f(imm); storeX(c, dx, D); };
}

/** Scalar float op on lane 0: D[0] = f(D[0], S[0]); other lanes of the destination unchanged. */
function scalar(insn: Insn, dbl: boolean, f: () => void): Op {
  const d = xloc(insn, 0), s = xloc(insn, 1), dx = d.xi, n = dbl ? 8 : 4;
  return c => { loadScalar(c, s, S, n); loadX(c, dx, D); f(); storeX(c, dx, D); };
}

const u8loop = (g: (a: number, b: number) => number): LaneFn => () => { for (let i = 0; i < 16; i++) Du8[i] = g(Du8[i], Su8[i]); };
const i8loop = (g: (a: number, b: number) => number): LaneFn => () => { for (let i = 0; i < 16; i++) Di8[i] = g(Di8[i], Si8[i]); };
const u16loop = (g: (a: number, b: number) => number): LaneFn => () => { for (let i = 0; i < 8; i++) Du16[i] = g(Du16[i], Su16[i]); };
const i16loop = (g: (a: number, b: number) => number): LaneFn => () => { for (let i = 0; i < 8; i++) Di16[i] = g(Di16[i], Si16[i]); };
const i32loop = (g: (a: number, b: number) => number): LaneFn => () => { for (let i = 0; i < 4; i++) D[i] = g(D[i], S[i]); };
const clamp = (v: number, lo: number, hi: number) => v < lo ? lo : v > hi ? hi : v;

function q64(op: (al: number, ah: number, bl: number, bh: number) => [number, number]): LaneFn {
  return () => { for (let k = 0; k < 4; k += 2) { const [l, h] = op(D[k], D[k + 1], S[k], S[k + 1]); D[k] = l; D[k + 1] = h; } };
}
function add64(al: number, ah: number, bl: number, bh: number): [number, number] {
  const l = (al >>> 0) + (bl >>> 0); return [l | 0, (ah + bh + (l >= TWO32 ? 1 : 0)) | 0];
}
function sub64(al: number, ah: number, bl: number, bh: number): [number, number] {
  const l = (al >>> 0) - (bl >>> 0); return [l | 0, (ah - bh - (l < 0 ? 1 : 0)) | 0];
}

const PACKED_INT: Partial<Record<Mnemonic, LaneFn>> = {
  [MN.Paddb]: u8loop((a, b) => a + b), [MN.Paddw]: u16loop((a, b) => a + b), [MN.Paddd]: i32loop((a, b) => a + b),
  [MN.Paddq]: q64(add64), [MN.Psubq]: q64(sub64),
  [MN.Psubb]: u8loop((a, b) => a - b), [MN.Psubw]: u16loop((a, b) => a - b), [MN.Psubd]: i32loop((a, b) => a - b),
  [MN.Paddusb]: u8loop((a, b) => Math.min(255, a + b)), [MN.Paddusw]: u16loop((a, b) => Math.min(65535, a + b)),
  [MN.Psubusb]: u8loop((a, b) => Math.max(0, a - b)), [MN.Psubusw]: u16loop((a, b) => Math.max(0, a - b)),
  [MN.Paddsb]: i8loop((a, b) => clamp(a + b, -128, 127)), [MN.Paddsw]: i16loop((a, b) => clamp(a + b, -32768, 32767)),
  [MN.Psubsb]: i8loop((a, b) => clamp(a - b, -128, 127)), [MN.Psubsw]: i16loop((a, b) => clamp(a - b, -32768, 32767)),
  [MN.Pcmpeqb]: u8loop((a, b) => a === b ? 0xff : 0), [MN.Pcmpeqw]: u16loop((a, b) => a === b ? 0xffff : 0),
  [MN.Pcmpeqd]: i32loop((a, b) => a === b ? -1 : 0),
  [MN.Pcmpgtb]: i8loop((a, b) => a > b ? -1 : 0), [MN.Pcmpgtw]: i16loop((a, b) => a > b ? -1 : 0),
  [MN.Pcmpgtd]: i32loop((a, b) => a > b ? -1 : 0),
  [MN.Pminub]: u8loop(Math.min), [MN.Pmaxub]: u8loop(Math.max),
  [MN.Pminsw]: i16loop(Math.min), [MN.Pmaxsw]: i16loop(Math.max),
  [MN.Pavgb]: u8loop((a, b) => (a + b + 1) >> 1), [MN.Pavgw]: u16loop((a, b) => (a + b + 1) >> 1),
  [MN.Pmullw]: i16loop((a, b) => Math.imul(a, b)), [MN.Pmulhw]: i16loop((a, b) => (a * b) >> 16),
  [MN.Pmulhuw]: u16loop((a, b) => (a * b) >>> 16),
  [MN.Pand]: i32loop((a, b) => a & b), [MN.Andps]: i32loop((a, b) => a & b), [MN.Andpd]: i32loop((a, b) => a & b),
  [MN.Pandn]: i32loop((a, b) => ~a & b), [MN.Andnps]: i32loop((a, b) => ~a & b), [MN.Andnpd]: i32loop((a, b) => ~a & b),
  [MN.Por]: i32loop((a, b) => a | b), [MN.Orps]: i32loop((a, b) => a | b), [MN.Orpd]: i32loop((a, b) => a | b),
  [MN.Pxor]: i32loop((a, b) => a ^ b), [MN.Xorps]: i32loop((a, b) => a ^ b), [MN.Xorpd]: i32loop((a, b) => a ^ b),
  [MN.Pmuludq]: () => {
    for (let k = 0; k < 4; k += 2) {
      const a = D[k] >>> 0, b = S[k] >>> 0;
      const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
      const p00 = a0 * b0, mid = (p00 >>> 16) + (a0 * b1 & 0xffff) + (a1 * b0 & 0xffff);
      D[k] = ((mid & 0xffff) << 16) | (p00 & 0xffff);
      D[k + 1] = (a1 * b1 + ((a0 * b1) >>> 16) + ((a1 * b0) >>> 16) + Math.floor(mid / 65536)) | 0;
    }
  },
  [MN.Pmaddwd]: () => { for (let k = 0; k < 4; k++) D[k] = (Di16[2 * k] * Si16[2 * k] + Di16[2 * k + 1] * Si16[2 * k + 1]) | 0; },
  [MN.Psadbw]: () => {
    for (let h = 0; h < 2; h++) {
      let sum = 0;
      for (let i = 0; i < 8; i++) sum += Math.abs(Du8[8 * h + i] - Su8[8 * h + i]);
      D[2 * h] = sum; D[2 * h + 1] = 0;
    }
  },
  // Unpacks interleave low (or high) halves: result lane 2i = D lane i, 2i+1 = S lane i.
  [MN.Punpcklbw]: () => { copyD(); const t = Tu8; for (let i = 0; i < 8; i++) { Du8[2 * i] = t[i]; Du8[2 * i + 1] = Su8[i]; } },
  [MN.Punpckhbw]: () => { copyD(); const t = Tu8; for (let i = 0; i < 8; i++) { Du8[2 * i] = t[8 + i]; Du8[2 * i + 1] = Su8[8 + i]; } },
  [MN.Punpcklwd]: () => { copyD(); const t = Tu16; for (let i = 0; i < 4; i++) { Du16[2 * i] = t[i]; Du16[2 * i + 1] = Su16[i]; } },
  [MN.Punpckhwd]: () => { copyD(); const t = Tu16; for (let i = 0; i < 4; i++) { Du16[2 * i] = t[4 + i]; Du16[2 * i + 1] = Su16[4 + i]; } },
  [MN.Punpckldq]: () => { const a = D[0], b = D[1]; D[0] = a; D[1] = S[0]; D[2] = b; D[3] = S[1]; },
  [MN.Unpcklps]: () => { const a = D[0], b = D[1]; D[0] = a; D[1] = S[0]; D[2] = b; D[3] = S[1]; },
  [MN.Punpckhdq]: () => { const a = D[2], b = D[3]; D[0] = a; D[1] = S[2]; D[2] = b; D[3] = S[3]; },
  [MN.Unpckhps]: () => { const a = D[2], b = D[3]; D[0] = a; D[1] = S[2]; D[2] = b; D[3] = S[3]; },
  [MN.Punpcklqdq]: () => { D[2] = S[0]; D[3] = S[1]; },
  [MN.Unpcklpd]: () => { D[2] = S[0]; D[3] = S[1]; },
  [MN.Punpckhqdq]: () => { D[0] = D[2]; D[1] = D[3]; D[2] = S[2]; D[3] = S[3]; },
  [MN.Unpckhpd]: () => { D[0] = D[2]; D[1] = D[3]; D[2] = S[2]; D[3] = S[3]; },
  [MN.Packsswb]: () => {
    copyD(); copyS(); const a = Ti16, b = S2i16;
    for (let i = 0; i < 8; i++) { Di8[i] = clamp(a[i], -128, 127); Di8[8 + i] = clamp(b[i], -128, 127); }
  },
  [MN.Packuswb]: () => {
    copyD(); copyS(); const a = Ti16, b = S2i16;
    for (let i = 0; i < 8; i++) { Du8[i] = clamp(a[i], 0, 255); Du8[8 + i] = clamp(b[i], 0, 255); }
  },
  [MN.Packssdw]: () => {
    copyD(); copyS(); const a = T, b = S2;
    for (let i = 0; i < 4; i++) { Di16[i] = clamp(a[i], -32768, 32767); Di16[4 + i] = clamp(b[i], -32768, 32767); }
  },
};

// Float arithmetic: lane functions on doubles (float32 results are rounded by the Float32Array store).
const FP_OPS: Partial<Record<Mnemonic, [kind: 'sd' | 'ss' | 'pd' | 'ps', f: (a: number, b: number) => number]>> = {};
for (const [base, f] of [
  ['Add', (a: number, b: number) => a + b], ['Sub', (a: number, b: number) => a - b],
  ['Mul', (a: number, b: number) => a * b], ['Div', (a: number, b: number) => a / b],
  ['Sqrt', (_a: number, b: number) => Math.sqrt(b)],
] as const) {
  for (const kind of ['sd', 'ss', 'pd', 'ps'] as const) FP_OPS[MN[`${base}${kind}`]] = [kind, f];
}

function fpOp(insn: Insn, kind: 'sd' | 'ss' | 'pd' | 'ps', f: (a: number, b: number) => number, sqrt: boolean): Op {
  const dbl = kind === 'sd' || kind === 'pd';
  const lanes = kind === 'pd' ? 2 : kind === 'ps' ? 4 : 1;
  const body = dbl
    ? () => {
      for (let k = 0; k < lanes; k++) {
        const r = f(Df64[k], Sf64[k]);
        if (sqrt && r !== r) { // sqrt takes only the source: NaN in → quieted, negative → default NaN
          const i = 2 * k;
          if (isNaN64(S[i], S[i + 1])) { D[i] = S[i]; D[i + 1] = S[i + 1] | 0x80000; } else { D[i] = 0; D[i + 1] = 0xfff80000 | 0; }
        } else put64(k, r);
      }
    }
    : () => {
      for (let k = 0; k < lanes; k++) {
        const r = Math.fround(f(Df32[k], Sf32[k]));
        if (sqrt && r !== r) { if (isNaN32(S[k])) D[k] = S[k] | 0x400000; else D[k] = 0xffc00000 | 0; } else put32(k, r);
      }
    };
  return lanes === 1 ? scalar(insn, dbl, body) : packed(insn, body);
}

function minMax(insn: Insn, kind: 'sd' | 'ss' | 'pd' | 'ps', isMin: boolean): Op {
  const dbl = kind === 'sd' || kind === 'pd';
  const lanes = kind === 'pd' ? 2 : kind === 'ps' ? 4 : 1;
  // MIN/MAX return the second operand when either is NaN or both are zero (of any sign).
  const body = dbl
    ? () => {
      for (let k = 0; k < lanes; k++) {
        const a = Df64[k], b = Sf64[k];
        const takeA = a === a && b === b && !(a === 0 && b === 0) && (isMin ? a < b : a > b);
        if (!takeA) { D[2 * k] = S[2 * k]; D[2 * k + 1] = S[2 * k + 1]; }
      }
    }
    : () => {
      for (let k = 0; k < lanes; k++) {
        const a = Df32[k], b = Sf32[k];
        const takeA = a === a && b === b && !(a === 0 && b === 0) && (isMin ? a < b : a > b);
        if (!takeA) D[k] = S[k];
      }
    };
  return lanes === 1 ? scalar(insn, dbl, body) : packed(insn, body);
}

/** CMPccSD/SS/PD/PS predicate 0..7: EQ LT LE UNORD NEQ NLT NLE ORD. */
function cmpPred(p: number, a: number, b: number): boolean {
  const un = a !== a || b !== b;
  switch (p & 7) {
    case 0: return !un && a === b;
    case 1: return !un && a < b;
    case 2: return !un && a <= b;
    case 3: return un;
    case 4: return un || a !== b;
    case 5: return un || !(a < b);
    case 6: return un || !(a <= b);
    default: return !un;
  }
}
function cmpOp(insn: Insn, kind: 'sd' | 'ss' | 'pd' | 'ps'): Op {
  const p = immediateLow(insn, 2) & 7;
  const dbl = kind === 'sd' || kind === 'pd';
  const lanes = kind === 'pd' ? 2 : kind === 'ps' ? 4 : 1;
  const body = dbl
    ? () => { for (let k = 0; k < lanes; k++) { const t = cmpPred(p, Df64[k], Sf64[k]) ? -1 : 0; D[2 * k] = t; D[2 * k + 1] = t; } }
    : () => { for (let k = 0; k < lanes; k++) D[k] = cmpPred(p, Df32[k], Sf32[k]) ? -1 : 0; };
  return lanes === 1 ? scalar(insn, dbl, body) : packed(insn, body);
}

function comis(insn: Insn, dbl: boolean): Op {
  const d = xloc(insn, 0), s = xloc(insn, 1), dx = d.xi;
  return c => {
    loadScalar(c, s, S, dbl ? 8 : 4);
    const a = dbl ? c.xf64[dx >> 1] : c.xf32[dx], b = dbl ? Sf64[0] : Sf32[0];
    // ZF PF CF: unordered 111, less 001, equal 100, greater 000; OF SF AF cleared.
    setArith(c, a !== a || b !== b ? ZF | PF | CF : a < b ? CF : a === b ? ZF : 0);
  };
}

// ------------------------------------------------------------------------------------------ conversions

/** Scratch receiver for toInt's high half in packed conversions. */
const FAKE = { th: 0 } as Cpu;

/** Round half to even (MXCSR default rounding) for conversions to integers. */
function roundEven(v: number): number {
  const f = Math.floor(v), diff = v - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** double/float → int32/int64 with the "integer indefinite" value for NaN and out-of-range inputs. */
function toInt(c: Cpu, v: number, sz: number, trunc: boolean): number {
  const t = trunc ? Math.trunc(v) : roundEven(v);
  if (sz === 4) {
    if (!(t >= -2147483648 && t <= 2147483647)) { c.th = 0; return 0x80000000 | 0; }
    c.th = 0; return t | 0;
  }
  if (!(t >= -9223372036854775808 && t < 9223372036854775808)) { c.th = 0x80000000 | 0; return 0; }
  c.th = Math.floor(t / TWO32) | 0;
  return (t - Math.floor(t / TWO32) * TWO32) | 0;
}

/** int64 (lo, hi) → float32 with a single rounding (round-to-odd through double for wide values). */
function i64ToF32(lo: number, hi: number): number {
  const v = hi * TWO32 + (lo >>> 0);
  if (Math.abs(v) < 2 ** 53) return Math.fround(v);
  let m = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
  const neg = m < 0n; if (neg) m = -m;
  const shift = BigInt(m.toString(2).length - 53);
  let t = m >> shift;
  if ((m & ((1n << shift) - 1n)) !== 0n) t |= 1n;
  const r = Math.fround(Number(t << shift));
  return neg ? -r : r;
}

function cvt(insn: Insn, m: Mnemonic): Op | null {
  const d = xloc(insn, 0), s = xloc(insn, 1), dx = d.xi;
  switch (m) {
    case MN.Cvtsi2sd: case MN.Cvtsi2ss: {
      const toD = m === MN.Cvtsi2sd;
      const wide = s.k === 'g' ? s.gsz === 8 : memInfo(insn).memSize === 5 /* UInt64 */ || memInfo(insn).memSize === 12 /* Int64 */;
      return c => {
        let lo: number, hi: number;
        if (s.k === 'g') { lo = c.r[s.ri]; hi = wide ? c.r[s.ri + 1] : lo >> 31; }
        else { const a = s.ea(c); if (wide) { lo = c.memory.read64(a); hi = c.memory.hi; } else { lo = c.memory.read32(a); hi = lo >> 31; } }
        if (toD) c.xf64[dx >> 1] = hi * TWO32 + (lo >>> 0); // one rounding: exact parts, rounded sum
        else c.xf32[dx] = wide ? i64ToF32(lo, hi) : Math.fround(lo);
      };
    }
    case MN.Cvttsd2si: case MN.Cvtsd2si: case MN.Cvttss2si: case MN.Cvtss2si: {
      const dbl = m === MN.Cvttsd2si || m === MN.Cvtsd2si;
      const trunc = m === MN.Cvttsd2si || m === MN.Cvttss2si;
      if (d.k !== 'g') return null;
      const sz = d.gsz, ri = d.ri;
      return c => {
        loadScalar(c, s, S, dbl ? 8 : 4);
        const lo = toInt(c, dbl ? Sf64[0] : Sf32[0], sz, trunc);
        c.r[ri] = lo; c.r[ri + 1] = c.th;
      };
    }
    case MN.Cvtsd2ss: return scalar(insn, true, () => {
      const v = Sf64[0];
      if (v === v) Df32[0] = v;
      else D[0] = (S[1] & 0x80000000) | 0x7fc00000 | ((S[1] & 0x7ffff) << 3) | (S[0] >>> 29); // quieted, payload kept
    });
    case MN.Cvtss2sd: return c => {
      loadScalar(c, s, S, 4);
      const v = Sf32[0];
      loadX(c, dx, D);
      if (v === v) Df64[0] = v;
      else { const b = S[0]; D[1] = (b & 0x80000000) | 0x7ff80000 | ((b >> 3) & 0x7ffff); D[0] = b << 29; }
      storeX(c, dx, D);
    };
    case MN.Cvtdq2pd: return c => {
      loadScalar(c, s, S, 8);
      const a = S[0], b = S[1];
      c.xf64[dx >> 1] = a; c.xf64[(dx >> 1) + 1] = b;
    };
    case MN.Cvtdq2ps: return packed(insn, () => { for (let k = 0; k < 4; k++) Df32[k] = S[k]; });
    case MN.Cvtps2pd: return c => {
      loadScalar(c, s, S, 8);
      for (let k = 1; k >= 0; k--) {
        const v = Sf32[k], b = S[k];
        if (v === v) c.xf64[(dx >> 1) + k] = v;
        else { c.x[dx + 2 * k + 1] = (b & 0x80000000) | 0x7ff80000 | ((b >> 3) & 0x7ffff); c.x[dx + 2 * k] = b << 29; }
      }
    };
    case MN.Cvtpd2ps: return packed(insn, () => {
      for (let k = 0; k < 2; k++) {
        const v = Sf64[k];
        if (v === v) Df32[k] = v; else D[k] = (S[2 * k + 1] & 0x80000000) | 0x7fc00000 | ((S[2 * k + 1] & 0x7ffff) << 3) | (S[2 * k] >>> 29);
      }
      D[2] = 0; D[3] = 0;
    });
    case MN.Cvttps2dq: case MN.Cvtps2dq: {
      const trunc = m === MN.Cvttps2dq;
      return packed(insn, () => { for (let k = 0; k < 4; k++) D[k] = toInt(FAKE, Sf32[k], 4, trunc); });
    }
    case MN.Cvttpd2dq: case MN.Cvtpd2dq: {
      const trunc = m === MN.Cvttpd2dq;
      return packed(insn, () => { D[0] = toInt(FAKE, Sf64[0], 4, trunc); D[1] = toInt(FAKE, Sf64[1], 4, trunc); D[2] = 0; D[3] = 0; });
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------- moves

function moves(insn: Insn, m: Mnemonic): Op | null {
  const d = xloc(insn, 0), s = xloc(insn, 1);
  switch (m) {
    case MN.Movups: case MN.Movupd: case MN.Movdqu: case MN.Lddqu:
    case MN.Movaps: case MN.Movapd: case MN.Movdqa:
    case MN.Movntdq: case MN.Movntps: case MN.Movntpd: case MN.Movntdqa: {
      const aligned = m === MN.Movaps || m === MN.Movapd || m === MN.Movdqa || m === MN.Movntdq ||
        m === MN.Movntps || m === MN.Movntpd || m === MN.Movntdqa;
      if (d.k === 'x' && s.k === 'x') {
        const di = d.xi, si = s.xi;
        return c => { const x = c.x; x[di] = x[si]; x[di + 1] = x[si + 1]; x[di + 2] = x[si + 2]; x[di + 3] = x[si + 3]; };
      }
      if (d.k === 'x') {
        const di = d.xi, ea = s.ea;
        return c => { const a = ea(c); if (aligned && a % 16 !== 0) throw misaligned(a); c.memory.read128(a, c.x, di); };
      }
      const si = s.xi, ea = d.ea;
      return c => { const a = ea(c); if (aligned && a % 16 !== 0) throw misaligned(a); c.memory.write128(a, c.x, si); };
    }
    case MN.Movq: case MN.Movd: {
      const n = m === MN.Movq ? 8 : 4;
      if (d.k === 'x') {
        const di = d.xi;
        return c => {
          loadScalar(c, s, S, n);
          const x = c.x;
          x[di] = S[0]; x[di + 1] = n === 8 ? S[1] : 0; x[di + 2] = 0; x[di + 3] = 0;
        };
      }
      const si = s.xi;
      if (d.k === 'g') {
        const ri = d.ri, wide = d.gsz === 8;
        return c => { c.r[ri] = c.x[si]; c.r[ri + 1] = wide ? c.x[si + 1] : 0; };
      }
      const ea = d.ea;
      return c => { const a = ea(c); if (n === 8) c.memory.write64(a, c.x[si], c.x[si + 1]); else c.memory.write32(a, c.x[si]); };
    }
    case MN.Movsd: case MN.Movss: {
      const n = m === MN.Movsd ? 2 : 1; // dwords
      if (d.k === 'x' && s.k === 'x') {
        const di = d.xi, si = s.xi;
        return c => { c.x[di] = c.x[si]; if (n === 2) c.x[di + 1] = c.x[si + 1]; };
      }
      if (d.k === 'x') {
        const di = d.xi;
        return c => {
          loadScalar(c, s, S, n * 4);
          const x = c.x;
          x[di] = S[0]; x[di + 1] = n === 2 ? S[1] : 0; x[di + 2] = 0; x[di + 3] = 0;
        };
      }
      const si = s.xi, ea = d.ea;
      return c => { const a = ea(c); if (n === 2) c.memory.write64(a, c.x[si], c.x[si + 1]); else c.memory.write32(a, c.x[si]); };
    }
    case MN.Movhps: case MN.Movhpd: case MN.Movlps: case MN.Movlpd: {
      const off = m === MN.Movhps || m === MN.Movhpd ? 2 : 0;
      if (d.k === 'x') {
        const di = d.xi + off, ea = s.ea;
        return c => { const lo = c.memory.read64(ea(c)); c.x[di] = lo; c.x[di + 1] = c.memory.hi; };
      }
      const si = s.xi + off, ea = d.ea;
      return c => { c.memory.write64(ea(c), c.x[si], c.x[si + 1]); };
    }
    case MN.Movhlps: { const di = d.xi, si = s.xi; return c => { c.x[di] = c.x[si + 2]; c.x[di + 1] = c.x[si + 3]; }; }
    case MN.Movlhps: { const di = d.xi, si = s.xi; return c => { c.x[di + 2] = c.x[si]; c.x[di + 3] = c.x[si + 1]; }; }
  }
  return null;
}

// ---------------------------------------------------------------------------------- shifts and shuffles

function pshift(insn: Insn, m: Mnemonic): Op {
  const d = xloc(insn, 0), dx = d.xi;
  const immForm = opKind(insn, 1) !== OK.Register && opKind(insn, 1) !== OK.Memory;
  const s = immForm ? null : xloc(insn, 1);
  const imm = immForm ? immediateLow(insn, 1) & 0xff : 0;
  const lane = m === MN.Psllw || m === MN.Psrlw || m === MN.Psraw ? 16
    : m === MN.Pslld || m === MN.Psrld || m === MN.Psrad ? 32 : 64;
  const left = m === MN.Psllw || m === MN.Pslld || m === MN.Psllq;
  const arith = m === MN.Psraw || m === MN.Psrad;
  return c => {
    let n: number;
    if (s) { load128(c, s, S, true); n = S[1] !== 0 || (S[0] >>> 0) > 255 ? 256 : S[0] >>> 0; } else n = imm;
    loadX(c, dx, D);
    if (lane === 16) {
      for (let i = 0; i < 8; i++) {
        if (arith) Di16[i] = Di16[i] >> Math.min(n, 15);
        else Du16[i] = n > 15 ? 0 : left ? Du16[i] << n : Du16[i] >>> n;
      }
    } else if (lane === 32) {
      for (let i = 0; i < 4; i++) {
        if (arith) D[i] = D[i] >> Math.min(n, 31);
        else D[i] = n > 31 ? 0 : left ? D[i] << n : D[i] >>> n;
      }
    } else {
      for (let k = 0; k < 4; k += 2) {
        const lo = D[k], hi = D[k + 1];
        if (n > 63) { D[k] = 0; D[k + 1] = 0; } else if (n === 0) { /* unchanged */ } else if (left) {
          if (n < 32) { D[k + 1] = (hi << n) | (lo >>> (32 - n)); D[k] = lo << n; } else { D[k + 1] = lo << (n - 32); D[k] = 0; }
        } else if (n < 32) { D[k] = (lo >>> n) | (hi << (32 - n)); D[k + 1] = hi >>> n; } else { D[k] = hi >>> (n - 32); D[k + 1] = 0; }
      }
    }
    storeX(c, dx, D);
  };
}

function bshift(insn: Insn, left: boolean): Op {
  const dx = xloc(insn, 0).xi, n = immediateLow(insn, 1) & 0xff;
  return c => {
    loadX(c, dx, D);
    copyD(); const t = Tu8;
    for (let i = 0; i < 16; i++) {
      const j = left ? i - n : i + n;
      Du8[i] = j >= 0 && j < 16 ? t[j] : 0;
    }
    storeX(c, dx, D);
  };
}

function shuffles(insn: Insn, m: Mnemonic): Op | null {
  switch (m) {
    case MN.Pshufd: return packedImm(insn, imm => { for (let i = 0; i < 4; i++) D[i] = S[(imm >> (2 * i)) & 3]; });
    case MN.Pshuflw: return packedImm(insn, imm => {
      for (let i = 0; i < 4; i++) Du16[i] = Su16[(imm >> (2 * i)) & 3];
      D[2] = S[2]; D[3] = S[3];
    });
    case MN.Pshufhw: return packedImm(insn, imm => {
      for (let i = 0; i < 4; i++) Du16[4 + i] = Su16[4 + ((imm >> (2 * i)) & 3)];
      D[0] = S[0]; D[1] = S[1];
    });
    case MN.Shufps: return packedImm(insn, imm => {
      copyD(); const a = T;
      D[0] = a[imm & 3]; D[1] = a[(imm >> 2) & 3]; D[2] = S[(imm >> 4) & 3]; D[3] = S[(imm >> 6) & 3];
    });
    case MN.Shufpd: return packedImm(insn, imm => {
      copyD(); const a = T; const i0 = (imm & 1) * 2, i1 = ((imm >> 1) & 1) * 2;
      D[0] = a[i0]; D[1] = a[i0 + 1]; D[2] = S[i1]; D[3] = S[i1 + 1];
    });
  }
  return null;
}

function masks(insn: Insn, m: Mnemonic): Op | null {
  const d = xloc(insn, 0), s = xloc(insn, 1);
  if (d.k !== 'g' || s.k !== 'x') return null;
  const ri = d.ri, si = s.xi;
  switch (m) {
    case MN.Pmovmskb: return c => {
      const b = c.xu8, o = si * 4;
      let v = 0;
      for (let i = 0; i < 16; i++) v |= (b[o + i] >> 7) << i;
      c.r[ri] = v; c.r[ri + 1] = 0;
    };
    case MN.Movmskps: return c => {
      const x = c.x;
      c.r[ri] = (x[si] >>> 31) | ((x[si + 1] >>> 31) << 1) | ((x[si + 2] >>> 31) << 2) | ((x[si + 3] >>> 31) << 3); c.r[ri + 1] = 0;
    };
    case MN.Movmskpd: return c => { const x = c.x; c.r[ri] = (x[si + 1] >>> 31) | ((x[si + 3] >>> 31) << 1); c.r[ri + 1] = 0; };
  }
  return null;
}

function insertExtract(insn: Insn, m: Mnemonic): Op | null {
  if (m === MN.Pinsrw) {
    const d = xloc(insn, 0), s = xloc(insn, 1), imm = immediateLow(insn, 2) & 7, dx = d.xi;
    return c => {
      const v = s.k === 'g' ? c.r[s.ri] & 0xffff : c.memory.read16(s.ea(c));
      c.xu16[dx * 2 + imm] = v;
    };
  }
  if (m === MN.Pextrw) {
    const d = xloc(insn, 0), s = xloc(insn, 1), imm = immediateLow(insn, 2) & 7;
    if (d.k !== 'g' || s.k !== 'x') return null;
    const ri = d.ri, sx = s.xi;
    return c => { c.r[ri] = c.xu16[sx * 2 + imm]; c.r[ri + 1] = 0; };
  }
  return null;
}

/** Translate an SSE/SSE2 instruction, or null when it is not one (or uses MMX registers). */
export function translateSse(insn: Insn, m: Mnemonic): Op | null {
  if (opCount(insn) < 1) return null;
  // MOVSD/CMPSD share mnemonics with the string instructions; those have no register operands.
  if ((m === MN.Movsd || m === MN.Cmpsd) && opKind(insn, 0) !== OK.Register && opKind(insn, 0) !== OK.Memory) return null;
  if (m === MN.Movsd && opCount(insn) === 2 && opKind(insn, 0) === OK.Memory && opKind(insn, 1) !== OK.Register) return null;
  const pi = PACKED_INT[m];
  if (pi) return packed(insn, pi);
  const fp = FP_OPS[m];
  if (fp) return fpOp(insn, fp[0], fp[1], m === MN.Sqrtsd || m === MN.Sqrtss || m === MN.Sqrtpd || m === MN.Sqrtps);
  switch (m) {
    case MN.Minsd: return minMax(insn, 'sd', true);
    case MN.Minss: return minMax(insn, 'ss', true);
    case MN.Minpd: return minMax(insn, 'pd', true);
    case MN.Minps: return minMax(insn, 'ps', true);
    case MN.Maxsd: return minMax(insn, 'sd', false);
    case MN.Maxss: return minMax(insn, 'ss', false);
    case MN.Maxpd: return minMax(insn, 'pd', false);
    case MN.Maxps: return minMax(insn, 'ps', false);
    case MN.Cmpsd: return opCount(insn) === 3 ? cmpOp(insn, 'sd') : null;
    case MN.Cmpss: return cmpOp(insn, 'ss');
    case MN.Cmppd: return cmpOp(insn, 'pd');
    case MN.Cmpps: return cmpOp(insn, 'ps');
    case MN.Ucomisd: case MN.Comisd: return comis(insn, true);
    case MN.Ucomiss: case MN.Comiss: return comis(insn, false);
    case MN.Psllw: case MN.Pslld: case MN.Psllq: case MN.Psrlw: case MN.Psrld:
    case MN.Psrlq: case MN.Psraw: case MN.Psrad: return pshift(insn, m);
    case MN.Pslldq: return bshift(insn, true);
    case MN.Psrldq: return bshift(insn, false);
  }
  if (MOVES.has(m)) return moves(insn, m);
  if (CVTS.has(m)) return cvt(insn, m);
  if (m === MN.Pshufd || m === MN.Pshuflw || m === MN.Pshufhw || m === MN.Shufps || m === MN.Shufpd) return shuffles(insn, m);
  if (m === MN.Pmovmskb || m === MN.Movmskps || m === MN.Movmskpd) return masks(insn, m);
  if (m === MN.Pinsrw || m === MN.Pextrw) return insertExtract(insn, m);
  return null;
}

const MOVES = new Set<Mnemonic>([
  MN.Movups, MN.Movupd, MN.Movdqu, MN.Lddqu, MN.Movaps, MN.Movapd, MN.Movdqa,
  MN.Movntdq, MN.Movntps, MN.Movntpd, MN.Movntdqa, MN.Movq, MN.Movd, MN.Movsd,
  MN.Movss, MN.Movhps, MN.Movhpd, MN.Movlps, MN.Movlpd, MN.Movhlps, MN.Movlhps,
]);
const CVTS = new Set<Mnemonic>([
  MN.Cvtsi2sd, MN.Cvtsi2ss, MN.Cvttsd2si, MN.Cvtsd2si, MN.Cvttss2si, MN.Cvtss2si,
  MN.Cvtsd2ss, MN.Cvtss2sd, MN.Cvtdq2pd, MN.Cvtdq2ps, MN.Cvtps2pd, MN.Cvtpd2ps,
  MN.Cvttps2dq, MN.Cvtps2dq, MN.Cvttpd2dq, MN.Cvtpd2dq,
]);
