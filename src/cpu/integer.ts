// Integer instructions: ALU group, INC/DEC/NEG/NOT, shifts and rotates, multiply/divide, bit operations,
// data movement, stack, atomics. Each translator runs once per decoded instruction and returns a closure
// specialised to its operand forms. Memory is read and written before flags/registers change, so a page
// fault leaves the architectural state as it was (precise faults).

import { Mnemonic } from '../iced';
import * as iced from '../iced';
import { pickEnum } from './icedEnums';
// Local aliases: a bundled CommonJS module's exports are getters; read each enum object once.
const { OK, RG } = { OK: iced.OpKind, RG: iced.Register };
const MN = pickEnum('Mnemonic', [
  'Adc', 'Add', 'And', 'Bsf', 'Bsr', 'Bswap', 'Bt', 'Btc', 'Btr', 'Bts', 'Cbw', 'Cdq', 'Cdqe', 'Cmp', 'Cmpxchg',
  'Cmpxchg16b', 'Cqo', 'Cwd', 'Cwde', 'Dec', 'Div', 'Idiv', 'Imul', 'Inc', 'Lea', 'Lzcnt', 'Mov', 'Movnti',
  'Movsx', 'Movsxd', 'Movzx', 'Mul', 'Neg', 'Not', 'Or', 'Pop', 'Popcnt', 'Push', 'Rcl', 'Rcr', 'Rol', 'Ror',
  'Sal', 'Sar', 'Sbb', 'Shl', 'Shld', 'Shr', 'Shrd', 'Sub', 'Test', 'Tzcnt', 'Xadd', 'Xchg', 'Xor',
]);
import { immediateLow, memInfo, opCount, opKind, type Insn } from './insninfo';
import type { Cpu } from './cpu';
import * as M_arith from './arith';
const { ADC, ADD, ALU_KIND, ALU_WRITES, alu64, aluN, AND, bit64, carryIn, CMP, OR, SBB, sar64, setFlags, shl64, shr64, smul64, SUB, TEST, umul32, umul64, XOR } = M_arith;
import * as M_flags from './flags';
const { arithFlags, CF, cond, getCF, K_DEC, K_IMUL, K_INC, K_RES, K_SUB, materialize, OF, ZF, setArith } = M_flags;
import * as M_fault from './fault';
const { FaultSignal } = M_fault;
import type { Loc, Op } from './operands';
import { newLoc } from './operands';
import * as M_operands from './operands';
const { AM_CALL, eaOf, gprInfo, L_IMM, L_MEM, L_REG, loc, maskOf, rd64, rdAny, rdN, wr64, wrAny, wrN } = M_operands;

const TWO32 = 4294967296;
const RSP = 8; // index of RSP's low half in Cpu.r
const RAX = 0, RDX = 4;

const mul128 = new Int32Array(4);

// ------------------------------------------------------------------------------------------- stack helpers

export function push64(c: Cpu, lo: number, hi: number): void {
  const r = c.r;
  const sp = r[RSP + 1] * TWO32 + ((r[RSP] >>> 0) - 8);
  c.memory.write64(sp, lo, hi);
  const nl = (r[RSP] - 8) | 0;
  if ((nl >>> 0) > (r[RSP] >>> 0)) r[RSP + 1] = (r[RSP + 1] - 1) | 0;
  r[RSP] = nl;
}

/** Reads the 64-bit value at RSP (low returned, high in c.th) without moving RSP. */
export function top64(c: Cpu): number {
  const r = c.r;
  const lo = c.memory.read64(r[RSP + 1] * TWO32 + (r[RSP] >>> 0));
  c.th = c.memory.hi;
  return lo;
}

export function addRsp(c: Cpu, n: number): void {
  const r = c.r;
  const nl = (r[RSP] >>> 0) + n;
  r[RSP] = nl | 0;
  if (nl >= TWO32) r[RSP + 1] = (r[RSP + 1] + 1) | 0;
  else if (nl < 0) r[RSP + 1] = (r[RSP + 1] - 1) | 0;
}

export function rspNum(c: Cpu): number { return c.r[RSP + 1] * TWO32 + (c.r[RSP] >>> 0); }

// ------------------------------------------------------------------------------------------------ ALU group

function aluOp(insn: Insn, op: number): Op {
  const dst = loc(insn, 0);
  const sz = dst.sz;
  const src = loc(insn, 1, sz);
  const fop = ALU_KIND[op] | (sz << 4);
  // Each op is made by a function of only what it uses (see mov's ops).
  if (sz === 8) {
    if (dst.k === L_REG && src.k === L_REG) {
      if (op === CMP) return cmpRR64(fop, dst.ri, src.ri);
      if (op === TEST) return testRR64(fop, dst.ri, src.ri);
      return aluRR64(op, fop, dst.ri, src.ri);
    }
    if (dst.k === L_REG && src.k === L_IMM) {
      if (op === CMP) return cmpRI64(fop, dst.ri, src.lo, src.hi);
      return aluRI64(op, fop, dst.ri, src.lo, src.hi);
    }
    return aluMem64(op, fop, dst, src);
  }
  if (dst.k === L_REG && src.k === L_IMM && sz === 4 && !dst.hb) return aluRI32(op, fop, dst.ri, src.lo);
  return aluSmall(op, fop, dst, src);
}

const cmpRR64 = (fop: number, d: number, s: number): Op =>
  c => { const r = c.r; const lo = alu64(c, SUB, r[d], r[d + 1], r[s], r[s + 1], 0); setFlags(c, fop, r[d], r[d + 1], r[s], r[s + 1], lo, c.th, 0); };
const testRR64 = (fop: number, d: number, s: number): Op =>
  c => { const r = c.r; setFlags(c, fop, 0, 0, 0, 0, r[d] & r[s], r[d + 1] & r[s + 1], 0); };
function aluRR64(op: number, fop: number, d: number, s: number): Op {
  return c => {
    const r = c.r, al = r[d], ah = r[d + 1], bl = r[s], bh = r[s + 1], cin = carryIn(c, op);
    const lo = alu64(c, op, al, ah, bl, bh, cin), hi = c.th;
    r[d] = lo; r[d + 1] = hi;
    setFlags(c, fop, al, ah, bl, bh, lo, hi, cin);
  };
}
const cmpRI64 = (fop: number, d: number, bl: number, bh: number): Op =>
  c => { const r = c.r; const lo = alu64(c, SUB, r[d], r[d + 1], bl, bh, 0); setFlags(c, fop, r[d], r[d + 1], bl, bh, lo, c.th, 0); };
function aluRI64(op: number, fop: number, d: number, bl: number, bh: number): Op {
  const wb = ALU_WRITES[op];
  return c => {
    const r = c.r, al = r[d], ah = r[d + 1], cin = carryIn(c, op);
    const lo = alu64(c, op, al, ah, bl, bh, cin), hi = c.th;
    if (wb) { r[d] = lo; r[d + 1] = hi; }
    setFlags(c, fop, al, ah, bl, bh, lo, hi, cin);
  };
}
function aluMem64(op: number, fop: number, dst: Loc, src: Loc): Op {
  const wb = ALU_WRITES[op];
  const ml = dst.k === L_MEM ? dst : src;
  return c => {
    const a = eaOf(c, ml);
    const al = rd64(c, dst, a), ah = c.th, bl = rd64(c, src, a), bh = c.th, cin = carryIn(c, op);
    const lo = alu64(c, op, al, ah, bl, bh, cin), hi = c.th;
    if (wb) wr64(c, dst, a, lo, hi);
    setFlags(c, fop, al, ah, bl, bh, lo, hi, cin);
  };
}
function aluRI32(op: number, fop: number, d: number, b: number): Op {
  const wb = ALU_WRITES[op];
  return c => {
    const r = c.r, a = r[d], cin = carryIn(c, op);
    const v = aluN(op, -1, a, b, cin);
    if (wb) { r[d] = v; r[d + 1] = 0; }
    setFlags(c, fop, a, 0, b, 0, v, 0, cin);
  };
}
/** 8, 16 and 32-bit forms not above. */
function aluSmall(op: number, fop: number, dst: Loc, src: Loc): Op {
  const wb = ALU_WRITES[op];
  const m = maskOf(dst.sz);
  const ml = dst.k === L_MEM ? dst : src.k === L_MEM ? src : null;
  return c => {
    const a = ml !== null ? eaOf(c, ml) : 0;
    const x = rdN(c, dst, a), y = rdN(c, src, a), cin = carryIn(c, op);
    const v = aluN(op, m, x, y, cin);
    if (wb) wrN(c, dst, a, v);
    setFlags(c, fop, x, 0, y, 0, v, 0, cin);
  };
}

// --------------------------------------------------------------------------------------- INC DEC NEG NOT

function unary(insn: Insn, m: Mnemonic): Op {
  const d = loc(insn, 0), sz = d.sz, mask = maskOf(sz);
  const isMem = d.k === L_MEM;
  switch (m) {
    case MN.Inc: case MN.Dec: {
      const inc = m === MN.Inc, fop = (inc ? K_INC : K_DEC) | (sz << 4);
      if (sz === 8) return c => {
        const a = isMem ? eaOf(c, d) : 0, lo = rd64(c, d, a), hi = c.th;
        const rl = inc ? (lo + 1) | 0 : (lo - 1) | 0;
        const rh = inc ? (rl === 0 ? (hi + 1) | 0 : hi) : (lo === 0 ? (hi - 1) | 0 : hi);
        const cf = getCF(c);
        wr64(c, d, a, rl, rh);
        setFlags(c, fop, lo, hi, 1, 0, rl, rh, cf);
      };
      return c => {
        const a = isMem ? eaOf(c, d) : 0, x = rdN(c, d, a);
        const v = inc ? (x + 1) & mask : (x - 1) & mask;
        const cf = getCF(c);
        wrN(c, d, a, v);
        setFlags(c, fop, x, 0, 1, 0, v, 0, cf);
      };
    }
    case MN.Neg: {
      const fop = K_SUB | (sz << 4);
      if (sz === 8) return c => {
        const a = isMem ? eaOf(c, d) : 0, lo = rd64(c, d, a), hi = c.th;
        const rl = alu64(c, SUB, 0, 0, lo, hi, 0), rh = c.th;
        wr64(c, d, a, rl, rh);
        setFlags(c, fop, 0, 0, lo, hi, rl, rh, 0);
      };
      return c => {
        const a = isMem ? eaOf(c, d) : 0, x = rdN(c, d, a), v = (0 - x) & mask;
        wrN(c, d, a, v);
        setFlags(c, fop, 0, 0, x, 0, v, 0, 0);
      };
    }
    default: // NOT: no flags
      if (sz === 8) return c => { const a = isMem ? eaOf(c, d) : 0, lo = rd64(c, d, a); wr64(c, d, a, ~lo, ~c.th); };
      return c => { const a = isMem ? eaOf(c, d) : 0; wrN(c, d, a, ~rdN(c, d, a) & mask); };
  }
}

// ------------------------------------------------------------------------------------- shifts and rotates

/** Count operand: imm, CL, or 1 (D0/D1 forms have no explicit count operand). */
function countOf(insn: Insn, i: number): ((c: Cpu) => number) {
  if (opCount(insn) <= i) return () => 1;
  if (opKind(insn, i) === OK.Register) return c => c.r[2] & 0xff; // CL
  const n = immediateLow(insn, i) & 0xff;
  return () => n;
}

function setShiftFlags(c: Cpu, sz: number, lo: number, hi: number, cf: number, of: number): void {
  c.fop = K_RES | (sz << 4); c.fr = lo; c.frh = hi; c.fx = cf | (of << 11);
}

function shift(insn: Insn, m: Mnemonic): Op {
  const d = loc(insn, 0), sz = d.sz, bits = sz * 8, mask = maskOf(sz);
  const cnt = countOf(insn, 1);
  const cmask = sz === 8 ? 63 : 31;
  const isMem = d.k === L_MEM;
  const kind = m === MN.Sal ? MN.Shl : m;
  const zx = d.k === L_REG && sz === 4;
  // Fast paths: SHL/SHR/SAR of a 64- or 32-bit register by a non-zero immediate.
  if (d.k === L_REG && opCount(insn) > 1 && opKind(insn, 1) !== OK.Register && (sz === 8 || sz === 4)) {
    const n = immediateLow(insn, 1) & cmask, ri = d.ri;
    if (n !== 0 && sz === 8) {
      const fop = K_RES | (8 << 4);
      if (kind === MN.Shl) return c => {
        const r = c.r, lo = r[ri], hi = r[ri + 1];
        const rl = shl64(c, lo, hi, n), rh = c.th, cf = bit64(lo, hi, 64 - n);
        r[ri] = rl; r[ri + 1] = rh;
        c.fop = fop; c.fr = rl; c.frh = rh; c.fx = cf | ((((rh >>> 31) ^ cf) & 1) << 11);
      };
      if (kind === MN.Shr) return c => {
        const r = c.r, lo = r[ri], hi = r[ri + 1];
        const rl = shr64(c, lo, hi, n), rh = c.th, cf = bit64(lo, hi, n - 1);
        r[ri] = rl; r[ri + 1] = rh;
        c.fop = fop; c.fr = rl; c.frh = rh; c.fx = cf | ((hi >>> 31) << 11);
      };
      if (kind === MN.Sar) return c => {
        const r = c.r, lo = r[ri], hi = r[ri + 1];
        const rl = sar64(c, lo, hi, n), rh = c.th, cf = bit64(lo, hi, n - 1);
        r[ri] = rl; r[ri + 1] = rh;
        c.fop = fop; c.fr = rl; c.frh = rh; c.fx = cf;
      };
    }
    if (n !== 0 && sz === 4) {
      const fop = K_RES | (4 << 4);
      if (kind === MN.Shl) return c => {
        const r = c.r, x = r[ri], v = x << n, cf = (x >>> (32 - n)) & 1;
        r[ri] = v; r[ri + 1] = 0;
        c.fop = fop; c.fr = v; c.frh = 0; c.fx = cf | ((((v >>> 31) ^ cf) & 1) << 11);
      };
      if (kind === MN.Shr) return c => {
        const r = c.r, x = r[ri], v = (x >>> n) | 0, cf = (x >>> (n - 1)) & 1;
        r[ri] = v; r[ri + 1] = 0;
        c.fop = fop; c.fr = v; c.frh = 0; c.fx = cf | ((x >>> 31) << 11);
      };
      if (kind === MN.Sar) return c => {
        const r = c.r, x = r[ri], v = x >> n, cf = (x >> (n - 1)) & 1;
        r[ri] = v; r[ri + 1] = 0;
        c.fop = fop; c.fr = v; c.frh = 0; c.fx = cf;
      };
    }
  }
  const kk = [MN.Shl, MN.Shr, MN.Sar, MN.Rol, MN.Ror, MN.Rcl, MN.Rcr].indexOf(kind);
  return c => {
    const n = cnt(c) & cmask;
    if (n === 0) { if (zx) c.r[d.ri + 1] = 0; return; } // flags unaffected; a 32-bit register is still zero-extended
    const a = isMem ? eaOf(c, d) : 0;
    const lo = rdAny(c, d, a), hi = c.th;
    let rl = 0, rh = 0, cf = 0, of = 0;
    if (sz === 8) {
      switch (kk) {
        case 0: rl = shl64(c, lo, hi, n); rh = c.th; cf = bit64(lo, hi, 64 - n); of = (rh >>> 31) ^ cf; break;
        case 1: rl = shr64(c, lo, hi, n); rh = c.th; cf = bit64(lo, hi, n - 1); of = hi >>> 31; break;
        case 2: rl = sar64(c, lo, hi, n); rh = c.th; cf = bit64(lo, hi, n - 1); of = 0; break;
        case 3: {
          const l1 = shl64(c, lo, hi, n), h1 = c.th, l2 = n === 0 ? 0 : shr64(c, lo, hi, 64 - n), h2 = c.th;
          rl = l1 | l2; rh = h1 | h2; cf = rl & 1; of = (rh >>> 31) ^ cf; break;
        }
        case 4: {
          const l1 = shr64(c, lo, hi, n), h1 = c.th, l2 = shl64(c, lo, hi, 64 - n), h2 = c.th;
          rl = l1 | l2; rh = h1 | h2; cf = rh >>> 31; of = (rh >>> 31) ^ ((rh >>> 30) & 1); break;
        }
        case 5: case 6: {
          // 65-bit rotate through CF, one bit at a time (rare instructions).
          let l = lo, h = hi, f = getCF(c);
          for (let k = 0; k < n; k++) {
            if (kk === 5) { const out = h >>> 31; h = (h << 1) | (l >>> 31); l = (l << 1) | f; f = out; }
            else { const out = l & 1; l = (l >>> 1) | (h << 31); h = (h >>> 1) | (f << 31); f = out; }
          }
          rl = l; rh = h; cf = f;
          of = kk === 5 ? (rh >>> 31) ^ cf : (rh >>> 31) ^ ((rh >>> 30) & 1);
          break;
        }
      }
    } else {
      const x = lo & mask >>> 0;
      const xs = sz === 4 ? lo : (lo << (32 - bits)) >> (32 - bits); // sign-extended
      switch (kk) {
        case 0: rl = n >= 32 ? 0 : (x << n) & mask; cf = n <= bits ? (x >>> (bits - n)) & 1 : 0; of = ((rl >>> (bits - 1)) & 1) ^ cf; break;
        case 1: rl = n >= 32 ? 0 : (x >>> n) & mask; cf = n <= bits ? (x >>> (n - 1)) & 1 : 0; of = (x >>> (bits - 1)) & 1; break;
        case 2: rl = (xs >> Math.min(n, 31)) & mask; cf = (xs >> Math.min(n - 1, 31)) & 1; of = 0; break;
        case 3: {
          const k = n % bits;
          rl = k === 0 ? x : ((x << k) | (x >>> (bits - k))) & mask;
          cf = rl & 1; of = ((rl >>> (bits - 1)) & 1) ^ cf; break;
        }
        case 4: {
          const k = n % bits;
          rl = k === 0 ? x : ((x >>> k) | (x << (bits - k))) & mask;
          cf = (rl >>> (bits - 1)) & 1; of = cf ^ ((rl >>> (bits - 2)) & 1); break;
        }
        case 5: case 6: {
          const k = sz === 4 ? n : n % (bits + 1);
          let v = x, f = getCF(c);
          for (let j = 0; j < k; j++) {
            if (kk === 5) { const out = (v >>> (bits - 1)) & 1; v = ((v << 1) | f) & mask; f = out; }
            else { const out = v & 1; v = (v >>> 1) | (f << (bits - 1)); v &= mask; f = out; }
          }
          rl = v; cf = f;
          of = kk === 5 ? ((rl >>> (bits - 1)) & 1) ^ cf : ((rl >>> (bits - 1)) ^ (rl >>> (bits - 2))) & 1;
          break;
        }
      }
      if (sz === 4) rl |= 0;
    }
    wrAny(c, d, a, rl, rh);
    if (kk === 0 || kk === 1 || kk === 2) setShiftFlags(c, sz, rl, rh, cf, of);
    else { const f = arithFlags(c) & ~(CF | OF); setArith(c, f | cf | (of << 11)); }
  };
}

function shiftDouble(insn: Insn, m: Mnemonic): Op {
  const d = loc(insn, 0), s = loc(insn, 1), sz = d.sz, bits = sz * 8, mask = maskOf(sz);
  const cnt = countOf(insn, 2), cmask = sz === 8 ? 63 : 31;
  const isMem = d.k === L_MEM, left = m === MN.Shld;
  const zx = d.k === L_REG && sz === 4;
  return c => {
    const n = cnt(c) & cmask;
    if (n === 0) { if (zx) c.r[d.ri + 1] = 0; return; }
    const a = isMem ? eaOf(c, d) : 0;
    const lo = rdAny(c, d, a), hi = c.th, slo = rdAny(c, s, a), shi = c.th;
    let rl: number, rh = 0, cf: number, of: number;
    if (sz === 8) {
      if (left) {
        const l1 = shl64(c, lo, hi, n), h1 = c.th, l2 = shr64(c, slo, shi, 64 - n), h2 = c.th;
        rl = l1 | l2; rh = h1 | h2; cf = bit64(lo, hi, 64 - n);
      } else {
        const l1 = shr64(c, lo, hi, n), h1 = c.th, l2 = shl64(c, slo, shi, 64 - n), h2 = c.th;
        rl = l1 | l2; rh = h1 | h2; cf = bit64(lo, hi, n - 1);
      }
      of = ((rh ^ hi) >>> 31) & 1;
    } else if (sz === 4) {
      const x = lo >>> 0, y = slo >>> 0;
      if (left) { rl = (x << n) | (y >>> (32 - n)); cf = (x >>> (32 - n)) & 1; }
      else { rl = (x >>> n) | (y << (32 - n)); cf = (x >>> (n - 1)) & 1; }
      rl |= 0;
      of = ((rl ^ lo) >>> 31) & 1;
    } else {
      // 16-bit: counts above 16 give undefined results; model them as a 32-bit shift of dst:src:dst.
      const x = lo & mask, y = slo & mask;
      if (left) {
        const wide = (x * 65536 + y) * 1; // dst:src
        const t = n <= 16 ? ((x << n) | (y >>> (16 - n))) : ((y << (n - 16)) | (x >>> (32 - n)));
        rl = t & mask; cf = n <= 16 ? (x >>> (16 - n)) & 1 : (y >>> (32 - n)) & 1; void wide;
      } else {
        const t = n <= 16 ? ((x >>> n) | (y << (16 - n))) : ((y >>> (n - 16)) | (x << (32 - n)));
        rl = t & mask; cf = n <= 16 ? (x >>> (n - 1)) & 1 : (y >>> (n - 17)) & 1;
      }
      of = ((rl ^ x) >>> (bits - 1)) & 1;
    }
    wrAny(c, d, a, rl, rh);
    setShiftFlags(c, sz, rl, rh, cf, of);
  };
}

// ---------------------------------------------------------------------------------------- multiply, divide

function mulDiv(insn: Insn, m: Mnemonic): Op {
  const s = loc(insn, opCount(insn) - 1 === 0 ? 0 : 0);
  const sz = s.sz, isMem = s.k === L_MEM;
  const signed = m === MN.Imul || m === MN.Idiv;
  if (m === MN.Mul || m === MN.Imul) {
    return c => {
      const a = isMem ? eaOf(c, s) : 0;
      const r = c.r;
      if (sz === 8) {
        const bl = rd64(c, s, a), bh = c.th;
        if (signed) smul64(c, r[RAX], r[RAX + 1], bl, bh, mul128); else umul64(c, r[RAX], r[RAX + 1], bl, bh, mul128);
        const w0 = mul128[0], w1 = mul128[1], w2 = mul128[2], w3 = mul128[3];
        r[RAX] = w0; r[RAX + 1] = w1; r[RDX] = w2; r[RDX + 1] = w3;
        const over = signed ? (w2 !== (w1 >> 31) || w3 !== (w1 >> 31)) : (w2 | w3) !== 0;
        setShiftFlags(c, 8, w0, w1, over ? 1 : 0, over ? 1 : 0);
        return;
      }
      const y = rdN(c, s, a);
      if (sz === 4) {
        const x = r[RAX];
        let lo = umul32(c, x, y), hi = c.th;
        if (signed) { if (x < 0) hi = (hi - y) | 0; if (y < 0) hi = (hi - x) | 0; }
        r[RAX] = lo; r[RAX + 1] = 0; r[RDX] = hi; r[RDX + 1] = 0;
        const over = signed ? hi !== (lo >> 31) : hi !== 0;
        setShiftFlags(c, 4, lo, 0, over ? 1 : 0, over ? 1 : 0);
        lo = 0;
        return;
      }
      if (sz === 2) {
        const x = r[RAX] & 0xffff;
        const p = signed ? ((x << 16) >> 16) * ((y << 16) >> 16) : x * y;
        r[RAX] = (r[RAX] & ~0xffff) | (p & 0xffff);
        r[RDX] = (r[RDX] & ~0xffff) | ((p >> 16) & 0xffff);
        const over = signed ? p !== ((p << 16) >> 16) : (p >>> 16) !== 0;
        setShiftFlags(c, 2, p & 0xffff, 0, over ? 1 : 0, over ? 1 : 0);
        return;
      }
      const x = r[RAX] & 0xff;
      const p = signed ? ((x << 24) >> 24) * ((y << 24) >> 24) : x * y;
      r[RAX] = (r[RAX] & ~0xffff) | (p & 0xffff);
      const over = signed ? p !== ((p << 24) >> 24) : (p >>> 8) !== 0;
      setShiftFlags(c, 1, p & 0xff, 0, over ? 1 : 0, over ? 1 : 0);
    };
  }
  // DIV / IDIV: #DE on a zero divisor or a quotient that does not fit.
  return c => {
    const a = isMem ? eaOf(c, s) : 0;
    const r = c.r;
    const y = rdAny(c, s, a), yh = c.th;
    let dividend: bigint, divisor: bigint;
    if (sz === 8) {
      if ((y | yh) === 0) throw divideError();
      // Fast path: unsigned, dividend < 2^52.
      if (!signed && r[RDX] === 0 && r[RDX + 1] === 0 && (r[RAX + 1] >>> 0) < 0x100000) {
        const xn = (r[RAX + 1] >>> 0) * TWO32 + (r[RAX] >>> 0), yn = (yh >>> 0) * TWO32 + (y >>> 0);
        let q = Math.floor(xn / yn), rem = xn - q * yn;
        if (rem < 0) { q--; rem += yn; } else if (rem >= yn) { q++; rem -= yn; }
        r[RAX] = q | 0; r[RAX + 1] = Math.floor(q / TWO32) | 0; r[RDX] = rem | 0; r[RDX + 1] = Math.floor(rem / TWO32) | 0;
        return;
      }
      const u = (BigInt(r[RDX + 1] >>> 0) << 96n) | (BigInt(r[RDX] >>> 0) << 64n) | (BigInt(r[RAX + 1] >>> 0) << 32n) | BigInt(r[RAX] >>> 0);
      dividend = signed ? BigInt.asIntN(128, u) : u;
      const v = (BigInt(yh >>> 0) << 32n) | BigInt(y >>> 0);
      divisor = signed ? BigInt.asIntN(64, v) : v;
    } else if (sz === 4) {
      if (y === 0) throw divideError();
      const u = (BigInt(r[RDX] >>> 0) << 32n) | BigInt(r[RAX] >>> 0);
      dividend = signed ? BigInt.asIntN(64, u) : u;
      divisor = signed ? BigInt(y | 0) : BigInt(y >>> 0);
    } else if (sz === 2) {
      if (y === 0) throw divideError();
      const u = ((r[RDX] & 0xffff) << 16) | (r[RAX] & 0xffff);
      dividend = signed ? BigInt(u | 0) : BigInt(u >>> 0);
      divisor = signed ? BigInt((y << 16) >> 16) : BigInt(y);
    } else {
      if (y === 0) throw divideError();
      const u = r[RAX] & 0xffff;
      dividend = signed ? BigInt((u << 16) >> 16) : BigInt(u);
      divisor = signed ? BigInt((y << 24) >> 24) : BigInt(y);
    }
    const q = dividend / divisor, rem = dividend % divisor;
    const bitsN = BigInt(sz * 8);
    const fits = signed ? BigInt.asIntN(sz * 8, q) === q : q >> bitsN === 0n;
    if (!fits) throw divideError();
    const qu = BigInt.asUintN(64, q), ru = BigInt.asUintN(64, rem);
    const ql = Number(qu & 0xffffffffn) | 0, qh = Number(qu >> 32n) | 0;
    const rl = Number(ru & 0xffffffffn) | 0, rh = Number(ru >> 32n) | 0;
    if (sz === 8) { r[RAX] = ql; r[RAX + 1] = qh; r[RDX] = rl; r[RDX + 1] = rh; }
    else if (sz === 4) { r[RAX] = ql; r[RAX + 1] = 0; r[RDX] = rl; r[RDX + 1] = 0; }
    else if (sz === 2) { r[RAX] = (r[RAX] & ~0xffff) | (ql & 0xffff); r[RDX] = (r[RDX] & ~0xffff) | (rl & 0xffff); }
    else r[RAX] = (r[RAX] & ~0xffff) | (ql & 0xff) | ((rl & 0xff) << 8);
  };
}

function divideError(): InstanceType<typeof FaultSignal> { return new FaultSignal('#DE', 'divide error (division by zero or quotient overflow)'); }

/** IMUL r, r/m[, imm]: truncated signed product, CF = OF = overflow. */
function imulN(insn: Insn): Op {
  const d = loc(insn, 0), sz = d.sz;
  const s1 = opCount(insn) === 3 ? loc(insn, 1) : d;
  const s2 = opCount(insn) === 3 ? loc(insn, 2, sz) : loc(insn, 1);
  const ml = s1.k === L_MEM ? s1 : s2.k === L_MEM ? s2 : null;
  if (sz === 8) {
    // Only the low 64 bits of the product are computed here; CF/OF come from the factors when read (K_IMUL).
    return c => {
      const a = ml !== null ? eaOf(c, ml) : 0;
      const xl = rd64(c, s1, a), xh = c.th, yl = rd64(c, s2, a), yh = c.th;
      const w0 = umul32(c, xl, yl);
      const w1 = (c.th + Math.imul(xl, yh) + Math.imul(xh, yl)) | 0;
      wr64(c, d, a, w0, w1);
      c.fop = K_IMUL | (8 << 4); c.fa = xl; c.fah = xh; c.fb = yl; c.fbh = yh; c.fr = w0; c.frh = w1; c.fx = 0;
    };
  }
  return c => {
    const a = ml !== null ? eaOf(c, ml) : 0;
    if (sz === 8) {
      const xl = rd64(c, s1, a), xh = c.th, yl = rd64(c, s2, a), yh = c.th;
      smul64(c, xl, xh, yl, yh, mul128);
      const w0 = mul128[0], w1 = mul128[1];
      const over = mul128[2] !== (w1 >> 31) || mul128[3] !== (w1 >> 31);
      wr64(c, d, a, w0, w1);
      setShiftFlags(c, 8, w0, w1, over ? 1 : 0, over ? 1 : 0);
      return;
    }
    const x = rdN(c, s1, a), y = rdN(c, s2, a);
    let lo: number, over: boolean;
    if (sz === 4) {
      lo = Math.imul(x, y);
      let hi = umul32(c, x, y); hi = c.th;
      if (x < 0) hi = (hi - y) | 0;
      if (y < 0) hi = (hi - x) | 0;
      over = hi !== (lo >> 31);
    } else {
      const p = ((x << 16) >> 16) * ((y << 16) >> 16);
      lo = p & 0xffff; over = p !== ((p << 16) >> 16);
    }
    wrN(c, d, 0, lo);
    setShiftFlags(c, sz, lo, 0, over ? 1 : 0, over ? 1 : 0);
  };
}

// ----------------------------------------------------------------------------------------- bit operations

function bitTest(insn: Insn, m: Mnemonic): Op {
  const d = loc(insn, 0), sz = d.sz, bits = sz * 8;
  const s = loc(insn, 1, 1);
  const isMem = d.k === L_MEM, regOff = s.k === L_REG;
  const sreg = regOff ? loc(insn, 1) : s;
  const op = [MN.Bt, MN.Bts, MN.Btr, MN.Btc].indexOf(m);
  return c => {
    let a = isMem ? eaOf(c, d) : 0;
    let n: number;
    if (regOff) {
      // A register bit offset is signed and may address outside the operand (bit-string addressing).
      const lo = c.r[sreg.ri];
      n = lo & (bits - 1);
      if (isMem) {
        const off = sreg.sz === 8 ? c.r[sreg.ri + 1] * TWO32 + (lo >>> 0) : sreg.sz === 4 ? lo : (lo << 16) >> 16;
        a += ((off - n) / bits) * sz;
      }
    } else n = s.lo & (bits - 1);
    const lo = rdAny(c, d, a), hi = c.th;
    const cf = sz === 8 ? bit64(lo, hi, n) : (lo >>> n) & 1;
    if (op !== 0) {
      let rl = lo, rh = hi;
      const w = n < 32 ? 1 << n : 1 << (n - 32);
      const inHi = n >= 32;
      if (op === 1) { if (inHi) rh |= w; else rl |= w; }
      else if (op === 2) { if (inHi) rh &= ~w; else rl &= ~w; }
      else { if (inHi) rh ^= w; else rl ^= w; }
      wrAny(c, d, a, sz === 4 ? rl | 0 : rl & (sz === 2 ? 0xffff : -1), rh);
    }
    materialize(c);
    c.fx = (c.fx & ~CF) | cf;
  };
}

function bitScan(insn: Insn, m: Mnemonic): Op {
  const d = loc(insn, 0), s = loc(insn, 1), sz = d.sz;
  const isMem = s.k === L_MEM;
  const fwd = m === MN.Bsf || m === MN.Tzcnt;
  return c => {
    const a = isMem ? eaOf(c, s) : 0;
    const lo = rdAny(c, s, a), hi = sz === 8 ? c.th : 0;
    const x = sz === 2 ? lo & 0xffff : lo;
    materialize(c);
    if ((x | hi) === 0) { c.fx = (c.fx & ~ZF) | ZF; return; } // destination unchanged
    let idx: number;
    if (fwd) idx = x !== 0 ? 31 - Math.clz32(x & -x) : 32 + 31 - Math.clz32(hi & -hi);
    else idx = hi !== 0 ? 63 - Math.clz32(hi) : 31 - Math.clz32(x);
    wrAny(c, d, 0, idx, 0);
    c.fx &= ~ZF;
  };
}

function popcnt(insn: Insn): Op {
  const d = loc(insn, 0), s = loc(insn, 1), sz = d.sz;
  const isMem = s.k === L_MEM;
  const pc = (v: number) => { v = v - ((v >>> 1) & 0x55555555); v = (v & 0x33333333) + ((v >>> 2) & 0x33333333); return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24; };
  return c => {
    const a = isMem ? eaOf(c, s) : 0;
    const lo = rdAny(c, s, a), hi = sz === 8 ? c.th : 0;
    const n = pc(sz === 2 ? lo & 0xffff : lo) + pc(hi);
    wrAny(c, d, 0, n, 0);
    setArith(c, n === 0 ? ZF : 0);
  };
}

// ------------------------------------------------------------------------------------------ data movement

function mov(insn: Insn): Op {
  const d = loc(insn, 0), sz = d.sz;
  const s = loc(insn, 1, sz);
  if (sz === 8) {
    if (d.k === L_REG && s.k === L_REG) return movRR64(d.ri, s.ri);
    if (d.k === L_REG && s.k === L_MEM) return movRM64(d.ri, s);
    if (d.k === L_MEM && s.k === L_REG) return movMR64(d, s.ri);
    if (d.k === L_REG && s.k === L_IMM) return movRI64(d.ri, s.lo, s.hi);
    return movMI64(d, s.lo, s.hi);
  }
  if (sz === 4 && !d.hb && !s.hb) {
    if (d.k === L_REG && s.k === L_REG) return movRR32(d.ri, s.ri);
    if (d.k === L_REG && s.k === L_MEM) return movRM32(d.ri, s);
    if (d.k === L_MEM && s.k === L_REG) return movMR32(d, s.ri);
    if (d.k === L_REG && s.k === L_IMM) return movRI32(d.ri, s.lo);
  }
  if (d.k === L_MEM && s.k === L_REG && sz === 1) return movMR8(d, s.ri, s.hb);
  return movN(d, s);
}

// MOV's ops, each made by a function of only what it uses: a closure made inside mov() would keep mov's whole
// context, both operand records included, alive as long as the translation is cached (most of Go's instructions
// are MOVs, translated once and kept).
const movRR64 = (di: number, si: number): Op => c => { const r = c.r; r[di] = r[si]; r[di + 1] = r[si + 1]; };
const movRM64 = (di: number, s: Loc): Op => c => { const m = c.memory; const lo = m.read64(eaOf(c, s)); c.r[di] = lo; c.r[di + 1] = m.hi; };
const movMR64 = (d: Loc, si: number): Op => c => { c.memory.write64(eaOf(c, d), c.r[si], c.r[si + 1]); };
const movRI64 = (di: number, lo: number, hi: number): Op => c => { c.r[di] = lo; c.r[di + 1] = hi; };
const movMI64 = (d: Loc, lo: number, hi: number): Op => c => { c.memory.write64(eaOf(c, d), lo, hi); };
const movRR32 = (di: number, si: number): Op => c => { const r = c.r; r[di] = r[si]; r[di + 1] = 0; };
const movRM32 = (di: number, s: Loc): Op => c => { c.r[di] = c.memory.read32(eaOf(c, s)); c.r[di + 1] = 0; };
const movMR32 = (d: Loc, si: number): Op => c => { c.memory.write32(eaOf(c, d), c.r[si]); };
const movRI32 = (di: number, v: number): Op => c => { c.r[di] = v; c.r[di + 1] = 0; };
const movMR8 = (d: Loc, si: number, hb: boolean): Op => c => { c.memory.write8(eaOf(c, d), hb ? c.r[si] >> 8 : c.r[si]); };
function movN(d: Loc, s: Loc): Op {
  const ml = d.k === L_MEM ? d : s.k === L_MEM ? s : null;
  return c => { const a = ml !== null ? eaOf(c, ml) : 0; wrN(c, d, a, rdN(c, s, a)); };
}

function movx(insn: Insn, m: Mnemonic): Op {
  const d = loc(insn, 0), s = loc(insn, 1), ssz = s.sz, dsz = d.sz;
  const signed = m === MN.Movsx || m === MN.Movsxd;
  const isMem = s.k === L_MEM;
  const shiftN = 32 - ssz * 8;
  if (d.k === L_REG && dsz >= 4) {
    const di = d.ri;
    if (isMem && ssz === 1 && !signed) return c => { c.r[di] = c.memory.read8(eaOf(c, s)); c.r[di + 1] = 0; };
    return c => {
      const x = rdN(c, s, isMem ? eaOf(c, s) : 0);
      const v = signed ? (ssz === 4 ? x : (x << shiftN) >> shiftN) : x;
      c.r[di] = v;
      c.r[di + 1] = dsz === 8 && signed ? v >> 31 : 0;
    };
  }
  return c => {
    const x = rdN(c, s, isMem ? eaOf(c, s) : 0);
    wrN(c, d, 0, signed ? (x << shiftN) >> shiftN : x);
  };
}

function lea(insn: Insn): Op {
  const d = loc(insn, 0), sz = d.sz, di = d.ri;
  const mi = memInfo(insn);
  // LEA is plain arithmetic in Go code (hashes, multiplies by 3/5/9): computed exactly on 32-bit halves, modulo
  // 2^64, and without the segment base. RIP-relative (Go's address of a global) is a constant.
  if ((mi.base === RG.RIP || mi.base === RG.EIP) && sz === 8) return movRI64(di, lowOf(mi.disp), highOf(mi.disp));
  const b = gprInfo(mi.base), x = gprInfo(mi.index);
  return leaOp(di, sz, b ? b.ri : -1, x ? x.ri : -1, mi.scale, mi.disp);
}

/** LEA's op, made apart from lea() so it keeps only these values (see mov's ops). */
function leaOp(di: number, sz: number, bi: number, xi: number, s: number, disp: number): Op {
  return c => {
    const r = c.r;
    let l = disp, h = 0;
    if (bi >= 0) { l += r[bi] >>> 0; h += r[bi + 1]; }
    if (xi >= 0) { l += (r[xi] >>> 0) * s; h += r[xi + 1] * s; }
    if (sz === 8) { r[di] = l | 0; r[di + 1] = (h + Math.floor(l / TWO32)) | 0; }
    else if (sz === 4) { r[di] = l | 0; r[di + 1] = 0; }
    else r[di] = (r[di] & ~0xffff) | (l & 0xffff);
  };
}

/** Low 32 bits of an integer-valued double (exact below 2^53; modulo 2^32 semantics). */
function lowOf(v: number): number {
  if (v >= -2147483648 && v < 4294967296) return v | 0;
  return (v - Math.floor(v / TWO32) * TWO32) | 0;
}
function highOf(v: number): number { return Math.floor(v / TWO32) | 0; }

function xchg(insn: Insn): Op {
  const d = loc(insn, 0), s = loc(insn, 1), sz = d.sz;
  const memLoc = d.k === L_MEM ? d : s.k === L_MEM ? s : null;
  const mem = memLoc ?? d, reg = memLoc === null ? s : memLoc === d ? s : d;
  if (memLoc === null && sz !== 8 && d.ri === s.ri && d.hb === s.hb) {
    // xchg eax, eax (0x90 is NOP, decoded as Nop) with 87 c0 still zero-extends.
    return c => { if (sz === 4) c.r[d.ri + 1] = 0; };
  }
  return c => {
    const a = memLoc !== null ? eaOf(c, memLoc) : 0;
    const ml = rdAny(c, mem, a), mh = c.th;
    const rl = rdAny(c, reg, a), rh = c.th;
    wrAny(c, mem, a, rl, rh);
    wrAny(c, reg, a, ml, mh);
  };
}

function cmovcc(insn: Insn, cc: number): Op {
  const d = loc(insn, 0), s = loc(insn, 1), sz = d.sz, di = d.ri;
  const isMem = s.k === L_MEM;
  return c => {
    const a = isMem ? eaOf(c, s) : 0;
    const lo = rdAny(c, s, a), hi = c.th; // the source is read (and may fault) whatever the condition
    if (cond(c, cc)) wrAny(c, d, 0, lo, hi);
    else if (sz === 4) c.r[di + 1] = 0;
  };
}

function setcc(insn: Insn, cc: number): Op {
  const d = loc(insn, 0), isMem = d.k === L_MEM;
  return c => { wrN(c, d, isMem ? eaOf(c, d) : 0, cond(c, cc) ? 1 : 0); };
}

function bswap(insn: Insn): Op {
  const d = loc(insn, 0), di = d.ri, sz = d.sz;
  const sw = (v: number) => ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
  if (sz === 8) return c => { const r = c.r, lo = r[di], hi = r[di + 1]; r[di] = sw(hi); r[di + 1] = sw(lo); };
  if (sz === 4) return c => { c.r[di] = sw(c.r[di]); c.r[di + 1] = 0; };
  return c => { c.r[di] &= ~0xffff; }; // BSWAP r16 is undefined; hardware clears the low word
}

function xadd(insn: Insn): Op {
  const d = loc(insn, 0), s = loc(insn, 1), sz = d.sz;
  const fop = ALU_KIND[ADD] | (sz << 4), m = maskOf(sz);
  const isMem = d.k === L_MEM;
  return c => {
    const a = isMem ? eaOf(c, d) : 0;
    if (sz === 8) {
      const al = rd64(c, d, a), ah = c.th, bl = rd64(c, s, a), bh = c.th;
      const lo = alu64(c, ADD, al, ah, bl, bh, 0), hi = c.th;
      wr64(c, d, a, lo, hi); wr64(c, s, 0, al, ah);
      setFlags(c, fop, al, ah, bl, bh, lo, hi, 0);
      return;
    }
    const x = rdN(c, d, a), y = rdN(c, s, a), v = aluN(ADD, m, x, y, 0);
    wrN(c, d, a, v); wrN(c, s, 0, x);
    setFlags(c, fop, x, 0, y, 0, v, 0, 0);
  };
}

function cmpxchg(insn: Insn): Op {
  const d = loc(insn, 0), s = loc(insn, 1), sz = d.sz;
  const fop = ALU_KIND[CMP] | (sz << 4), m = maskOf(sz);
  const isMem = d.k === L_MEM;
  const acc = newLoc(L_REG, sz, RAX, false, null, 0, 0, AM_CALL, 0, 0, 1, 0);
  return c => {
    const a = isMem ? eaOf(c, d) : 0;
    if (isMem) c.memory.checkWrite(a, sz); // the destination is always written (locked cycle)
    const xl = rdAny(c, acc, 0), xh = c.th, dl = rdAny(c, d, a), dh = c.th;
    let rl: number, rh = 0;
    if (sz === 8) { rl = alu64(c, SUB, xl, xh, dl, dh, 0); rh = c.th; } else rl = aluN(SUB, m, xl, dl, 0);
    if (rl === 0 && rh === 0) { const sl = rdAny(c, s, 0), sh = c.th; wrAny(c, d, a, sl, sh); }
    else { if (isMem) wrAny(c, d, a, dl, dh); wrAny(c, acc, 0, dl, dh); }
    setFlags(c, fop, xl, xh, dl, dh, rl, rh, 0);
  };
}

function cmpxchg16b(insn: Insn): Op {
  const m16 = loc(insn, 0, 16);
  const buf = new Int32Array(4);
  return c => {
    const a = eaOf(c, m16);
    if (a % 16 !== 0) throw new FaultSignal('#GP', `CMPXCHG16B operand 0x${a.toString(16)} not 16-byte aligned`, { addr: a });
    c.memory.checkWrite(a, 16);
    c.memory.read128(a, buf, 0);
    const r = c.r;
    if (buf[0] === r[RAX] && buf[1] === r[RAX + 1] && buf[2] === r[RDX] && buf[3] === r[RDX + 1]) {
      buf[0] = r[6]; buf[1] = r[7]; buf[2] = r[2]; buf[3] = r[3]; // RCX:RBX → m128 (RBX low)
      c.memory.write128(a, buf, 0);
      materialize(c); c.fx |= ZF;
    } else {
      c.memory.write128(a, buf, 0);
      r[RAX] = buf[0]; r[RAX + 1] = buf[1]; r[RDX] = buf[2]; r[RDX + 1] = buf[3];
      materialize(c); c.fx &= ~ZF;
    }
  };
}

// --------------------------------------------------------------------------------------------- stack

function push(insn: Insn): Op {
  const s = loc(insn, 0, 8);
  if (s.sz === 2) {
    return c => {
      const v = rdN(c, s, s.k === L_MEM ? eaOf(c, s) : 0);
      const sp = rspNum(c) - 2;
      c.memory.write16(sp, v);
      addRsp(c, -2);
    };
  }
  if (s.k === L_REG) { const si = s.ri; return c => push64(c, c.r[si], c.r[si + 1]); }
  if (s.k === L_IMM) { const lo = s.lo, hi = s.hi; return c => push64(c, lo, hi); }
  return c => { const lo = c.memory.read64(eaOf(c, s)); push64(c, lo, c.memory.hi); };
}

function pop(insn: Insn): Op {
  const d = loc(insn, 0);
  if (d.sz === 2) {
    return c => {
      const v = c.memory.read16(rspNum(c));
      // POP computes a memory destination with RSP already incremented.
      addRsp(c, 2);
      try { wrN(c, d, d.k === L_MEM ? eaOf(c, d) : 0, v); } catch (e) { addRsp(c, -2); throw e; }
    };
  }
  if (d.k === L_REG) { const di = d.ri; return c => { const lo = top64(c); c.r[di] = lo; c.r[di + 1] = c.th; if (di !== RSP) addRsp(c, 8); }; }
  return c => {
    const lo = top64(c), hi = c.th;
    addRsp(c, 8);
    try { c.memory.write64(eaOf(c, d), lo, hi); } catch (e) { addRsp(c, -8); throw e; }
  };
}

// ------------------------------------------------------------------------------------------ conversions

function convert(m: Mnemonic): Op {
  switch (m) {
    case MN.Cbw: return c => { const r = c.r; r[RAX] = (r[RAX] & ~0xffff) | (((r[RAX] << 24) >> 24) & 0xffff); };
    case MN.Cwde: return c => { const r = c.r; r[RAX] = (r[RAX] << 16) >> 16; r[RAX + 1] = 0; };
    case MN.Cdqe: return c => { c.r[RAX + 1] = c.r[RAX] >> 31; };
    case MN.Cwd: return c => { const r = c.r; r[RDX] = (r[RDX] & ~0xffff) | (((r[RAX] << 16) >> 31) & 0xffff); };
    case MN.Cdq: return c => { c.r[RDX] = c.r[RAX] >> 31; c.r[RDX + 1] = 0; };
    default: return c => { const s = c.r[RAX + 1] >> 31; c.r[RDX] = s; c.r[RDX + 1] = s; }; // CQO
  }
}

const CC_SUFFIX = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
/**
 * The condition code of each mnemonic of a family (CMOVcc, SETcc, Jcc), -1 for other mnemonics: an array indexed
 * by mnemonic, read for every instruction translated (a Map lookup was a hash and, in a large map, a cache miss).
 */
function ccTable(prefix: string): Int8Array {
  const names = CC_SUFFIX.map((s) => (prefix + s) as keyof typeof Mnemonic & string);
  const values = pickEnum('Mnemonic', names) as Record<string, Mnemonic>;
  const table = new Int8Array(MNEMONIC_SLOTS).fill(-1);
  names.forEach((n, i) => { table[values[n]] = i; });
  return table;
}
/** Room for every iced Mnemonic (~1,900); a mnemonic past the end reads undefined: not in the family. */
export const MNEMONIC_SLOTS = 4096;
export const CMOV_CC = ccTable('Cmov');
export const SET_CC = ccTable('Set');
export const JCC_CC = ccTable('J');

/**
 * The integer instruction families, by mnemonic (Family.None: not one). translateInteger reads the family and switches
 * over these small constants, which V8 turns into a jump table; a switch over the enum's values compared the mnemonic
 * with each case's value in turn (MOV came after ~25 property reads and compares while the code is cold).
 */
const enum Family {
  None, Alu, Unary, Shift, ShiftDouble, MulDiv, Imul, BitTest, BitScan, Popcnt, Mov, Movx, Lea, Xchg, Xadd,
  Cmpxchg, Cmpxchg16b, Bswap, Push, Pop, Convert, Cmov, Set,
}
const FAMILY = new Uint8Array(MNEMONIC_SLOTS);
/** ALU operation (arith.ts) of each ALU-group mnemonic. */
const ALU_OP = new Uint8Array(MNEMONIC_SLOTS);
function family(f: Family, ms: readonly Mnemonic[]): void { for (const m of ms) FAMILY[m] = f; }
for (const [m, op] of [[MN.Add, ADD], [MN.Or, OR], [MN.Adc, ADC], [MN.Sbb, SBB], [MN.And, AND], [MN.Sub, SUB],
  [MN.Xor, XOR], [MN.Cmp, CMP], [MN.Test, TEST]] as const) { FAMILY[m] = Family.Alu; ALU_OP[m] = op; }
family(Family.Unary, [MN.Inc, MN.Dec, MN.Neg, MN.Not]);
family(Family.Shift, [MN.Shl, MN.Sal, MN.Shr, MN.Sar, MN.Rol, MN.Ror, MN.Rcl, MN.Rcr]);
family(Family.ShiftDouble, [MN.Shld, MN.Shrd]);
family(Family.MulDiv, [MN.Mul, MN.Div, MN.Idiv]);
family(Family.Imul, [MN.Imul]);
family(Family.BitTest, [MN.Bt, MN.Bts, MN.Btr, MN.Btc]);
family(Family.BitScan, [MN.Bsf, MN.Bsr, MN.Tzcnt, MN.Lzcnt]);
family(Family.Popcnt, [MN.Popcnt]);
family(Family.Mov, [MN.Mov, MN.Movnti]); // MOVNTI: the non-temporal hint changes nothing here
family(Family.Movx, [MN.Movzx, MN.Movsx, MN.Movsxd]);
family(Family.Lea, [MN.Lea]);
family(Family.Xchg, [MN.Xchg]);
family(Family.Xadd, [MN.Xadd]);
family(Family.Cmpxchg, [MN.Cmpxchg]);
family(Family.Cmpxchg16b, [MN.Cmpxchg16b]);
family(Family.Bswap, [MN.Bswap]);
family(Family.Push, [MN.Push]);
family(Family.Pop, [MN.Pop]);
family(Family.Convert, [MN.Cbw, MN.Cwde, MN.Cdqe, MN.Cwd, MN.Cdq, MN.Cqo]);
for (let m = 0; m < MNEMONIC_SLOTS; m++) {
  if (CMOV_CC[m] >= 0) FAMILY[m] = Family.Cmov;
  if (SET_CC[m] >= 0) FAMILY[m] = Family.Set;
}

/** Translate an integer instruction, or return null when the mnemonic is not one of ours. */
export function translateInteger(insn: Insn, m: Mnemonic): Op | null {
  switch (FAMILY[m]) {
    case Family.Alu: return aluOp(insn, ALU_OP[m]);
    case Family.Unary: return unary(insn, m);
    case Family.Shift: return shift(insn, m);
    case Family.ShiftDouble: return shiftDouble(insn, m);
    case Family.MulDiv: return mulDiv(insn, m);
    case Family.Imul: return opCount(insn) === 1 ? mulDiv(insn, m) : imulN(insn);
    case Family.BitTest: return bitTest(insn, m);
    // Without BMI1/ABM (not advertised) F3 0F BC/BD execute as BSF/BSR.
    case Family.BitScan: return bitScan(insn, m === MN.Lzcnt ? MN.Bsr : m);
    case Family.Popcnt: return popcnt(insn);
    case Family.Mov: return mov(insn);
    case Family.Movx: return movx(insn, m);
    case Family.Lea: return lea(insn);
    case Family.Xchg: return xchg(insn);
    case Family.Xadd: return xadd(insn);
    case Family.Cmpxchg: return cmpxchg(insn);
    case Family.Cmpxchg16b: return cmpxchg16b(insn);
    case Family.Bswap: return bswap(insn);
    case Family.Push: return push(insn);
    case Family.Pop: return pop(insn);
    case Family.Convert: return convert(m);
    case Family.Cmov: return cmovcc(insn, CMOV_CC[m]);
    case Family.Set: return setcc(insn, SET_CC[m]);
  }
  return null;
}

