// Integer arithmetic on 32-bit halves (no BigInt on the fast paths): the semantics of the ALU group,
// multiplies and shifts, shared by every operand form. Results come back as (low, high in `out.hi`).

import type { Cpu } from './cpu';
import * as M_flags from './flags';
const { getCF, K_ADC, K_ADD, K_LOGIC, K_SBB, K_SUB } = M_flags;

// ALU group in opcode order (/digit of 80..83), plus TEST.
export const ADD = 0, OR = 1, ADC = 2, SBB = 3, AND = 4, SUB = 5, XOR = 6, CMP = 7, TEST = 8;
export const ALU_KIND = [K_ADD, K_LOGIC, K_ADC, K_SBB, K_LOGIC, K_SUB, K_LOGIC, K_SUB, K_LOGIC];
/** Does the ALU op write its destination? (CMP and TEST only set flags.) */
export const ALU_WRITES = [true, true, true, true, true, true, true, false, false];

/** Carry in for ADC/SBB, 0 for the others (read before anything changes). */
export function carryIn(c: Cpu, op: number): number { return op === ADC || op === SBB ? getCF(c) : 0; }

/** ALU result for sizes 1/2/4 (operands masked to the size; 32-bit as int32). */
export function aluN(op: number, m: number, a: number, b: number, cin: number): number {
  switch (op) {
    case ADD: return (a + b) & m;
    case OR: return a | b;
    case ADC: return (a + b + cin) & m;
    case SBB: return (a - b - cin) & m;
    case AND: case TEST: return a & b;
    case XOR: return a ^ b;
    default: return (a - b) & m; // SUB, CMP
  }
}

/** ALU result for 64-bit operands: returns the low half, high half in c.th. */
export function alu64(c: Cpu, op: number, al: number, ah: number, bl: number, bh: number, cin: number): number {
  let lo: number;
  switch (op) {
    case ADD: case ADC:
      lo = (al + bl + cin) | 0;
      c.th = (ah + bh + ((lo >>> 0) < (al >>> 0) || (cin && lo === al) ? 1 : 0)) | 0;
      return lo;
    case OR: c.th = ah | bh; return al | bl;
    case AND: case TEST: c.th = ah & bh; return al & bl;
    case XOR: c.th = ah ^ bh; return al ^ bl;
    default: // SUB, SBB, CMP
      lo = (al - bl - cin) | 0;
      c.th = (ah - bh - ((al >>> 0) < (bl >>> 0) || (cin && al === bl) ? 1 : 0)) | 0;
      return lo;
  }
}

/** Record lazy flags of an ALU op (fop = kind | size << 4 precomputed). */
export function setFlags(c: Cpu, fop: number, a: number, ah: number, b: number, bh: number, r: number, rh: number, cin: number): void {
  c.fop = fop; c.fa = a; c.fah = ah; c.fb = b; c.fbh = bh; c.fr = r; c.frh = rh; c.fx = cin;
}

// ---- multiplication

/** Unsigned 32x32 → 64: returns low (int32), high in c.th. */
export function umul32(c: Cpu, a: number, b: number): number {
  a >>>= 0; b >>>= 0;
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const lo = ((mid & 0xffff) << 16) | (p00 & 0xffff);
  c.th = (p11 + (p01 >>> 16) + (p10 >>> 16) + Math.floor(mid / 65536)) | 0;
  return lo | 0;
}

/** Unsigned 64x64 → 128: writes the four 32-bit words (low first) into out. */
export function umul64(c: Cpu, al: number, ah: number, bl: number, bh: number, out: Int32Array): void {
  const w0 = umul32(c, al, bl); const t1 = c.th;       // al*bl
  const x = umul32(c, al, bh); const xh = c.th;        // al*bh << 32
  const y = umul32(c, ah, bl); const yh = c.th;        // ah*bl << 32
  const z = umul32(c, ah, bh); const zh = c.th;        // ah*bh << 64
  let s1 = (t1 >>> 0) + (x >>> 0) + (y >>> 0);
  const w1 = s1 | 0;
  let s2 = Math.floor(s1 / 4294967296) + (xh >>> 0) + (yh >>> 0) + (z >>> 0);
  const w2 = s2 | 0;
  const w3 = (Math.floor(s2 / 4294967296) + (zh >>> 0)) | 0;
  out[0] = w0; out[1] = w1; out[2] = w2; out[3] = w3;
  s1 = 0; s2 = 0;
}

/** Signed 64x64 → 128 into out (two's complement). */
export function smul64(c: Cpu, al: number, ah: number, bl: number, bh: number, out: Int32Array): void {
  umul64(c, al, ah, bl, bh, out);
  // Signed correction: subtract b << 64 when a < 0 and a << 64 when b < 0.
  if (ah < 0) sub64At(out, bl, bh);
  if (bh < 0) sub64At(out, al, ah);
}

function sub64At(out: Int32Array, lo: number, hi: number): void {
  const l = (out[2] >>> 0) - (lo >>> 0);
  out[2] = l | 0;
  out[3] = ((out[3] >>> 0) - (hi >>> 0) - (l < 0 ? 1 : 0)) | 0;
}

// ---- 64-bit shifts on halves (n in 1..63). Return low, high in c.th.

export function shl64(c: Cpu, lo: number, hi: number, n: number): number {
  if (n < 32) { c.th = (hi << n) | (lo >>> (32 - n)); return lo << n; }
  c.th = n === 32 ? lo : lo << (n - 32);
  return 0;
}
export function shr64(c: Cpu, lo: number, hi: number, n: number): number {
  if (n < 32) { c.th = hi >>> n; return (lo >>> n) | (hi << (32 - n)); }
  c.th = 0;
  return n === 32 ? hi : hi >>> (n - 32);
}
export function sar64(c: Cpu, lo: number, hi: number, n: number): number {
  if (n < 32) { c.th = hi >> n; return (lo >>> n) | (hi << (32 - n)); }
  c.th = hi >> 31;
  return n === 32 ? hi : hi >> (n - 32);
}
/** Bit n (0..63) of a 64-bit value. */
export function bit64(lo: number, hi: number, n: number): number {
  return n < 32 ? (lo >>> n) & 1 : (hi >>> (n - 32)) & 1;
}
