// Lazy arithmetic flags. An instruction that sets flags only records its operands, result and kind; CF..OF are
// computed when something reads them (Jcc, SETcc, CMOVcc, ADC, PUSHF, the debugger). Each record is
//   fop = kind | size << 4, fa/fah, fb/fbh, fr/frh = operands and result (low/high 32 bits; for sizes < 8 only
//   the low word, masked to the size: 8/16-bit values are unsigned, 32-bit values are int32), fx = auxiliary bits.

import type { Cpu } from './cpu';

export const K_MAT = 0;   // fx holds the six arithmetic flags already computed (RFLAGS bit positions)
export const K_ADD = 1;
export const K_ADC = 2;   // fx = carry in
export const K_SUB = 3;
export const K_SBB = 4;   // fx = borrow in
export const K_LOGIC = 5; // CF = OF = 0, AF = 0 (AF undefined by Intel; both vendors clear it)
export const K_INC = 6;   // like ADD with b = 1, fx = preserved CF
export const K_DEC = 7;   // like SUB with b = 1, fx = preserved CF
export const K_RES = 8;   // ZF/SF/PF from the result, CF/OF/AF taken from fx (shifts, multiplies)
export const K_IMUL = 9;  // 64-bit IMUL r, r/m(, imm): fa/fb the factors, fr the low product; CF = OF = the signed
                          // product does not fit in 64 bits (computed only when read: Go multiplies a lot and
                          // never reads these); AF from fx (0)

export const CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
export const ARITH_MASK = CF | PF | AF | ZF | SF | OF;

export const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let b = i, p = 1;
  while (b) { p ^= b & 1; b >>= 1; }
  PARITY[i] = p; // 1 when the number of set bits is even (PF semantics)
}

export function getCF(c: Cpu): number {
  const k = c.fop & 15, sz = c.fop >> 4;
  switch (k) {
    case K_ADD:
      if (sz === 8) return c.frh >>> 0 < c.fah >>> 0 || (c.frh === c.fah && c.fr >>> 0 < c.fa >>> 0) ? 1 : 0;
      return c.fr >>> 0 < c.fa >>> 0 ? 1 : 0;
    case K_ADC:
      if (sz === 8) {
        if (c.frh !== c.fah) return c.frh >>> 0 < c.fah >>> 0 ? 1 : 0;
        return c.fx ? (c.fr >>> 0 <= c.fa >>> 0 ? 1 : 0) : (c.fr >>> 0 < c.fa >>> 0 ? 1 : 0);
      }
      return c.fx ? (c.fr >>> 0 <= c.fa >>> 0 ? 1 : 0) : (c.fr >>> 0 < c.fa >>> 0 ? 1 : 0);
    case K_SUB:
      if (sz === 8) return c.fah >>> 0 < c.fbh >>> 0 || (c.fah === c.fbh && c.fa >>> 0 < c.fb >>> 0) ? 1 : 0;
      return c.fa >>> 0 < c.fb >>> 0 ? 1 : 0;
    case K_SBB:
      if (sz === 8) {
        if (c.fah !== c.fbh) return c.fah >>> 0 < c.fbh >>> 0 ? 1 : 0;
        return c.fx ? (c.fa >>> 0 <= c.fb >>> 0 ? 1 : 0) : (c.fa >>> 0 < c.fb >>> 0 ? 1 : 0);
      }
      return c.fx ? (c.fa >>> 0 <= c.fb >>> 0 ? 1 : 0) : (c.fa >>> 0 < c.fb >>> 0 ? 1 : 0);
    case K_LOGIC: return 0;
    case K_IMUL: return imulOverflow(c);
    default: return c.fx & 1; // MAT, INC, DEC, RES
  }
}

/** 1 when the signed product of the K_IMUL record's factors does not fit in 64 bits (BigInt: only when read). */
function imulOverflow(c: Cpu): number {
  const a = BigInt.asIntN(64, (BigInt(c.fah) << 32n) | BigInt(c.fa >>> 0));
  const b = BigInt.asIntN(64, (BigInt(c.fbh) << 32n) | BigInt(c.fb >>> 0));
  const p = a * b;
  return p === BigInt.asIntN(64, p) ? 0 : 1;
}

export function getZF(c: Cpu): number {
  if ((c.fop & 15) === K_MAT) return (c.fx >> 6) & 1;
  return (c.fop >> 4) === 8 ? ((c.fr | c.frh) === 0 ? 1 : 0) : (c.fr === 0 ? 1 : 0);
}

export function getSF(c: Cpu): number {
  if ((c.fop & 15) === K_MAT) return (c.fx >> 7) & 1;
  const sz = c.fop >> 4;
  return sz === 8 ? c.frh >>> 31 : (c.fr >>> (sz * 8 - 1)) & 1;
}

export function getPF(c: Cpu): number {
  if ((c.fop & 15) === K_MAT) return (c.fx >> 2) & 1;
  return PARITY[c.fr & 0xff];
}

export function getAF(c: Cpu): number {
  const k = c.fop & 15;
  switch (k) {
    case K_ADD: case K_ADC: case K_SUB: case K_SBB: return ((c.fa ^ c.fb ^ c.fr) >> 4) & 1;
    case K_INC: case K_DEC: return ((c.fa ^ 1 ^ c.fr) >> 4) & 1;
    case K_LOGIC: return 0;
    default: return (c.fx >> 4) & 1;
  }
}

export function getOF(c: Cpu): number {
  const k = c.fop & 15, sz = c.fop >> 4;
  let x: number;
  switch (k) {
    case K_ADD: case K_ADC:
      x = sz === 8 ? (c.fah ^ c.frh) & (c.fbh ^ c.frh) : (c.fa ^ c.fr) & (c.fb ^ c.fr);
      break;
    case K_SUB: case K_SBB:
      x = sz === 8 ? (c.fah ^ c.fbh) & (c.fah ^ c.frh) : (c.fa ^ c.fb) & (c.fa ^ c.fr);
      break;
    case K_INC:
      x = sz === 8 ? ~c.fah & c.frh : ~c.fa & c.fr;
      break;
    case K_DEC:
      x = sz === 8 ? c.fah & ~c.frh : c.fa & ~c.fr;
      break;
    case K_LOGIC: return 0;
    case K_IMUL: return imulOverflow(c);
    default: return (c.fx >> 11) & 1;
  }
  return sz === 8 ? x >>> 31 : (x >>> (sz * 8 - 1)) & 1;
}

/** The six arithmetic flags at their RFLAGS positions. */
export function arithFlags(c: Cpu): number {
  if ((c.fop & 15) === K_MAT) return c.fx & ARITH_MASK;
  return getCF(c) | (getPF(c) << 2) | (getAF(c) << 4) | (getZF(c) << 6) | (getSF(c) << 7) | (getOF(c) << 11);
}

/** Replace the lazy record by its computed flags (before an instruction changes only some of them). */
export function materialize(c: Cpu): void {
  if ((c.fop & 15) !== K_MAT) { c.fx = arithFlags(c); c.fop = K_MAT; }
}

/** Set the arithmetic flags from a bit mask (RFLAGS positions). */
export function setArith(c: Cpu, bits: number): void { c.fop = K_MAT; c.fx = bits & ARITH_MASK; }

/** Condition codes in encoding order (Intel SDM vol. 1, appendix B): O NO B AE E NE BE A S NS P NP L GE LE G. */
export function cond(c: Cpu, cc: number): boolean {
  switch (cc) {
    case 0: return getOF(c) === 1;
    case 1: return getOF(c) === 0;
    case 2: return getCF(c) === 1;
    case 3: return getCF(c) === 0;
    case 4: return getZF(c) === 1;
    case 5: return getZF(c) === 0;
    case 6: return (getCF(c) | getZF(c)) === 1;
    case 7: return (getCF(c) | getZF(c)) === 0;
    case 8: return getSF(c) === 1;
    case 9: return getSF(c) === 0;
    case 10: return getPF(c) === 1;
    case 11: return getPF(c) === 0;
    case 12: return getSF(c) !== getOF(c);
    case 13: return getSF(c) === getOF(c);
    case 14: return getZF(c) === 1 || getSF(c) !== getOF(c);
    default: return getZF(c) === 0 && getSF(c) === getOF(c);
  }
}
