// Operands of a decoded instruction, resolved once at decode time into a small record (Loc), so execution never
// re-inspects operand kinds through iced. A memory operand's address comes from eaOf: inline for the usual modes,
// through an effective-address closure (EA) for segment-relative and 32-bit ones.

import { Register } from '../iced';
import * as iced from '../iced';
// Local aliases: a bundled CommonJS module's exports are getters; read each enum object once.
const { OK, RG } = { OK: iced.OpKind, RG: iced.Register };
import { immediateHigh, immediateLow, memInfo, opKind, opRegister, type Insn } from './insninfo';
import type { Cpu } from './cpu';

export type EA = (c: Cpu) => number;
export type Op = (c: Cpu) => void;

const TWO32 = 4294967296;

export const L_REG = 0, L_MEM = 1, L_IMM = 2;

export const AM_CALL = 0, AM_ABS = 1, AM_BASE = 2, AM_BASE_INDEX = 3;

/** A resolved operand. */
export interface Loc {
  readonly k: number;   // L_REG | L_MEM | L_IMM
  readonly sz: number;  // operand size in bytes (1, 2, 4, 8)
  readonly ri: number;  // GPR: index of the low half in Cpu.r (2 * register number)
  readonly hb: boolean; // AH/CH/DH/BH
  readonly ea: EA;      // memory in mode AM_CALL: effective address (else unused: see eaOf)
  readonly lo: number;  // immediate (already sign-extended to the operand size, masked for sizes < 4)
  readonly hi: number;
  // Memory addressing mode for eaOf (inlined, no closure call): AM_CALL uses `ea`.
  readonly am: number; readonly eb: number; readonly ex: number; readonly es: number; readonly ed: number;
}

/**
 * Every Loc is made here, as one object literal: one hidden class, and a literal rather than a class instance,
 * which V8 optimises better in the generated block functions (a class made bench/cpu 30% slower). Only a memory
 * operand of mode AM_CALL has an EA closure (eaFn): the others are computed by eaOf from their fields, which
 * saves a closure per operand (thousands at a Go program's start, kept as long as its translation).
 */
export function newLoc(k: number, sz: number, ri: number, hb: boolean, eaFn: EA | null, lo: number, hi: number,
  am: number, eb: number, ex: number, es: number, ed: number): Loc {
  return { k, sz, ri, hb, ea: eaFn ?? noEA, lo, hi, am, eb, ex, es, ed };
}

/** Effective address of a memory Loc (the only way to get it), computed inline for the common modes. */
export function eaOf(c: Cpu, l: Loc): number {
  const am = l.am;
  // The low halves are summed first and the high ones only when not zero: the same value, with fewer heap numbers
  // made by code V8 has not optimised yet (any arithmetic reaching 2^31 makes one there).
  if (am === AM_BASE) {
    const r = c.r, b = l.eb, h = r[b + 1], low = (r[b] >>> 0) + l.ed;
    return h === 0 ? low : h * TWO32 + low;
  }
  if (am === AM_BASE_INDEX) {
    const r = c.r, b = l.eb, x = l.ex, s = l.es, h = r[b + 1] + r[x + 1] * s, low = (r[b] >>> 0) + (r[x] >>> 0) * s + l.ed;
    return h === 0 ? low : h * TWO32 + low;
  }
  if (am === AM_ABS) return l.ed;
  return l.ea(c);
}

/**
 * Locs are read-only, and a Go program repeats the same operands everywhere (8(SP), the same small immediates):
 * equal memory and immediate Locs are made once and shared (Go hello world: 5,000 → 1,700 Locs, ~400 KB less for
 * the scavenger to copy and promote). Keyed by a number made of the fields, when they fit in one exactly.
 */
const memLocs = new Map<number, Loc>(), immLocs = new Map<number, Loc>();
const SHARED_LOCS_MAX = 100_000;

function remember(cache: Map<number, Loc>, key: number, l: Loc): Loc {
  if (cache.size >= SHARED_LOCS_MAX) cache.clear();
  cache.set(key, l);
  return l;
}

/** A memory Loc of mode am (not AM_CALL), shared with equal ones when its fields fit in a key. */
function memModeLoc(sz: number, am: number, eb: number, ex: number, es: number, ed: number): Loc {
  // sz < 1024, am < 4, eb and ex < 32, es < 16: 24 bits; ed within ±2^28: 29 more (exact below 2^53)
  if (sz >= 1024 || !Number.isInteger(ed) || ed < -0x10000000 || ed >= 0x10000000) return newLoc(L_MEM, sz, 0, false, null, 0, 0, am, eb, ex, es, ed);
  const key = ((((sz * 4 + am) * 32 + eb) * 32 + ex) * 16 + es) * 0x20000000 + (ed + 0x10000000);
  return memLocs.get(key) ?? remember(memLocs, key, newLoc(L_MEM, sz, 0, false, null, 0, 0, am, eb, ex, es, ed));
}

/** The Loc of instruction insn's memory operand: addressing-mode fields for eaOf (AM_CALL when segment, 32-bit
 * or other: then makeEA's closure does the work). */
function memLoc(insn: Insn, sz: number): Loc {
  const mi = memInfo(insn);
  if (mi.seg === RG.FS || mi.seg === RG.GS) return newLoc(L_MEM, sz, 0, false, makeEA(insn), 0, 0, AM_CALL, 0, 0, 1, 0);
  if (mi.base === RG.RIP) return memModeLoc(sz, AM_ABS, 0, 0, 1, mi.disp);
  const b = gprInfo(mi.base), x = gprInfo(mi.index);
  if ((b && b.sz !== 8) || (x && x.sz !== 8) || (!b && x)) return newLoc(L_MEM, sz, 0, false, makeEA(insn), 0, 0, AM_CALL, 0, 0, 1, 0);
  if (b && x) return memModeLoc(sz, AM_BASE_INDEX, b.ri, x.ri, mi.scale, mi.disp);
  if (b) return memModeLoc(sz, AM_BASE, b.ri, 0, 1, mi.disp);
  return memModeLoc(sz, AM_ABS, 0, 0, 1, mi.disp);
}

/** An immediate Loc, shared with equal ones when its high half is 0 or -1 (nearly all). */
function immLoc(sz: number, lo: number, hi: number): Loc {
  if ((hi !== 0 && hi !== -1) || sz >= 16) return newLoc(L_IMM, sz, 0, false, noEA, lo, hi, AM_CALL, 0, 0, 1, 0);
  const key = ((hi + 1) * TWO32 + (lo >>> 0)) * 16 + sz;
  return immLocs.get(key) ?? remember(immLocs, key, newLoc(L_IMM, sz, 0, false, noEA, lo, hi, AM_CALL, 0, 0, 1, 0));
}

const noEA: EA = () => 0;

export interface GprInfo { readonly sz: number; readonly ri: number; readonly hb: boolean }

/** GprInfo by iced Register, built once: translation asks for it several times per instruction. */
const GPR_INFO: (GprInfo | null)[] = (() => {
  const t: (GprInfo | null)[] = [];
  const set = (first: number, last: number, sz: number, ri0: number, hb: boolean) => {
    for (let r = first; r <= last; r++) t[r] = Object.freeze({ sz, ri: 2 * (r - first + ri0), hb });
  };
  set(RG.RAX, RG.R15, 8, 0, false);
  set(RG.EAX, RG.R15D, 4, 0, false);
  set(RG.AX, RG.R15W, 2, 0, false);
  set(RG.AL, RG.BL, 1, 0, false);
  set(RG.AH, RG.BH, 1, 0, true);
  set(RG.SPL, RG.R15L, 1, 4, false);
  return t;
})();

/** The Loc of each GPR by iced Register, made once: Locs are never changed, so every operand naming it shares one. */
const REG_LOC: (Loc | undefined)[] = GPR_INFO.map((g) => g ? newLoc(L_REG, g.sz, g.ri, g.hb, noEA, 0, 0, AM_CALL, 0, 0, 1, 0) : undefined);

/** Size in bytes and Cpu.r index of a GPR, or null for other registers. */
export function gprInfo(reg: Register): GprInfo | null {
  return GPR_INFO[reg] ?? null;
}

export function xmmIndex(reg: Register): number {
  return reg >= RG.XMM0 && reg <= RG.XMM15 ? reg - RG.XMM0 : -1;
}

export function maskOf(sz: number): number { return sz === 1 ? 0xff : sz === 2 ? 0xffff : -1; }

/** Effective-address closure for the instruction's memory operand (segment base included). */
export function makeEA(insn: Insn): EA {
  const base = memInfo(insn).base, index = memInfo(insn).index, s = memInfo(insn).scale;
  const seg = memInfo(insn).seg;
  let inner: EA;
  if (base === RG.RIP || base === RG.EIP) {
    const abs = memInfo(insn).disp % (base === RG.EIP ? TWO32 : 2 ** 64);
    inner = () => abs;
  } else {
    const d = memInfo(insn).disp;
    const b = gprInfo(base), x = gprInfo(index);
    const a32 = (b && b.sz === 4) || (x && x.sz === 4);
    if (a32) {
      const bi = b ? b.ri : -1, xi = x ? x.ri : -1;
      inner = c => ((bi >= 0 ? c.r[bi] >>> 0 : 0) + (xi >= 0 ? (c.r[xi] >>> 0) * s : 0) + d) >>> 0;
    } else if (b && x) {
      const bi = b.ri, xi = x.ri;
      if (s === 1) inner = c => { const r = c.r; return r[bi + 1] * TWO32 + (r[bi] >>> 0) + r[xi + 1] * TWO32 + (r[xi] >>> 0) + d; };
      else inner = c => { const r = c.r; return r[bi + 1] * TWO32 + (r[bi] >>> 0) + (r[xi + 1] * TWO32 + (r[xi] >>> 0)) * s + d; };
    } else if (b) {
      const bi = b.ri;
      if (d === 0) inner = c => c.r[bi + 1] * TWO32 + (c.r[bi] >>> 0);
      else inner = c => c.r[bi + 1] * TWO32 + (c.r[bi] >>> 0) + d;
    } else if (x) {
      const xi = x.ri;
      inner = c => (c.r[xi + 1] * TWO32 + (c.r[xi] >>> 0)) * s + d;
    } else {
      inner = () => d;
    }
  }
  if (seg === RG.FS) { const f = inner; return c => c.fsBase + f(c); }
  if (seg === RG.GS) { const f = inner; return c => c.gsBase + f(c); }
  return inner;
}

/** Resolve operand i. `sz` overrides the operand size (for memory and immediates); defaults from iced. */
export function loc(insn: Insn, i: number, sz?: number): Loc {
  const kind = opKind(insn, i);
  if (kind === OK.Register) {
    const reg = opRegister(insn, i);
    const l = REG_LOC[reg];
    if (l === undefined) throw new Error(`operand ${i} is not a general-purpose register`);
    return l;
  }
  if (kind === OK.Memory) {
    const msz = sz ?? memInfo(insn).bytes;
    return memLoc(insn, msz);
  }
  if (kind >= OK.Immediate8 && kind <= OK.Immediate32to64) {
    const isz = sz ?? 8;
    let lo = immediateLow(insn, i) | 0, hi = immediateHigh() | 0;
    if (isz < 8) { hi = 0; lo = isz === 4 ? lo : lo & maskOf(isz); }
    return immLoc(isz, lo, hi);
  }
  throw new Error(`unsupported operand kind ${kind}`);
}

// ---- generic access for sizes 1, 2, 4 (values: 8/16-bit unsigned, 32-bit int32). `a` is the EA for L_MEM.

export function rdN(c: Cpu, l: Loc, a: number): number {
  if (l.k === L_REG) {
    const v = c.r[l.ri];
    return l.sz === 4 ? v : l.sz === 2 ? v & 0xffff : l.hb ? (v >> 8) & 0xff : v & 0xff;
  }
  if (l.k === L_MEM) return l.sz === 4 ? c.memory.read32(a) : l.sz === 2 ? c.memory.read16(a) : c.memory.read8(a);
  return l.lo;
}

export function wrN(c: Cpu, l: Loc, a: number, v: number): void {
  if (l.k === L_REG) {
    const r = c.r, i = l.ri;
    if (l.sz === 4) { r[i] = v; r[i + 1] = 0; } else if (l.sz === 2) r[i] = (r[i] & ~0xffff) | (v & 0xffff);
    else if (l.hb) r[i] = (r[i] & ~0xff00) | ((v & 0xff) << 8);
    else r[i] = (r[i] & ~0xff) | (v & 0xff);
    return;
  }
  if (l.sz === 4) c.memory.write32(a, v); else if (l.sz === 2) c.memory.write16(a, v); else c.memory.write8(a, v);
}

// ---- 64-bit access: returns the low half, leaves the high half in c.th.

export function rd64(c: Cpu, l: Loc, a: number): number {
  if (l.k === L_REG) { c.th = c.r[l.ri + 1]; return c.r[l.ri]; }
  if (l.k === L_MEM) { const lo = c.memory.read64(a); c.th = c.memory.hi; return lo; }
  c.th = l.hi; return l.lo;
}

export function wr64(c: Cpu, l: Loc, a: number, lo: number, hi: number): void {
  if (l.k === L_REG) { c.r[l.ri] = lo; c.r[l.ri + 1] = hi; return; }
  c.memory.write64(a, lo, hi);
}

/** Read any size as (lo, c.th): sizes < 8 zero-extended. */
export function rdAny(c: Cpu, l: Loc, a: number): number {
  if (l.sz === 8) return rd64(c, l, a);
  c.th = 0;
  return rdN(c, l, a);
}

export function wrAny(c: Cpu, l: Loc, a: number, lo: number, hi: number): void {
  if (l.sz === 8) wr64(c, l, a, lo, hi); else wrN(c, l, a, lo);
}
