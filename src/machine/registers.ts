// Register names as people type them: RAX, rax, AX (Plan 9), EAX/AL views, RIP/PC, RFLAGS, FS_BASE, XMM0/X0.
import { GPR_NAMES, PLAN9_GPR, FLAG_BITS } from '../cpu/types';

export interface RegisterSet {
  /** In the order the Registers scope shows them. */
  gprs: { name: string; plan9: string; index: number; value: bigint }[];
  rip: bigint;
  rflags: bigint;
  fsBase: bigint;
  xmm: bigint[];
}

/** Display order: the classic AX BX CX DX SI DI BP SP, then R8..R15. */
export const GPR_ORDER = [0, 3, 1, 2, 6, 7, 5, 4, 8, 9, 10, 11, 12, 13, 14, 15];

export type RegRef =
  | { kind: 'gpr'; index: number; bits: 64 | 32 | 16 | 8; high8?: boolean; canonical: string }
  | { kind: 'rip'; canonical: 'RIP' }
  | { kind: 'rflags'; canonical: 'RFLAGS' }
  | { kind: 'flag'; bit: number; canonical: string }
  | { kind: 'fsbase'; canonical: 'FS_BASE' }
  | { kind: 'xmm'; index: number; canonical: string };

const TABLE = new Map<string, RegRef>();
(function build() {
  const legacy32 = ['EAX', 'ECX', 'EDX', 'EBX', 'ESP', 'EBP', 'ESI', 'EDI'];
  const legacy16 = ['AX', 'CX', 'DX', 'BX', 'SP', 'BP', 'SI', 'DI'];
  const legacy8 = ['AL', 'CL', 'DL', 'BL', 'SPL', 'BPL', 'SIL', 'DIL'];
  for (let i = 0; i < 16; i++) {
    const canonical = GPR_NAMES[i];
    TABLE.set(canonical, { kind: 'gpr', index: i, bits: 64, canonical });
    // Plan 9 names are the full 64-bit registers (Go's assembler has no EAX)
    TABLE.set(PLAN9_GPR[i], { kind: 'gpr', index: i, bits: 64, canonical });
    if (i < 8) {
      TABLE.set(legacy32[i], { kind: 'gpr', index: i, bits: 32, canonical: legacy32[i] });
      TABLE.set(legacy8[i], { kind: 'gpr', index: i, bits: 8, canonical: legacy8[i] });
    } else {
      TABLE.set(`R${i}D`, { kind: 'gpr', index: i, bits: 32, canonical: `R${i}D` });
      TABLE.set(`R${i}W`, { kind: 'gpr', index: i, bits: 16, canonical: `R${i}W` });
      TABLE.set(`R${i}B`, { kind: 'gpr', index: i, bits: 8, canonical: `R${i}B` });
    }
    void legacy16;
  }
  for (const [n, i] of [['AH', 0], ['CH', 1], ['DH', 2], ['BH', 3]] as const) TABLE.set(n, { kind: 'gpr', index: i, bits: 8, high8: true, canonical: n });
  for (const n of ['RIP', 'PC', 'IP']) TABLE.set(n, { kind: 'rip', canonical: 'RIP' });
  for (const n of ['RFLAGS', 'EFLAGS', 'FLAGS']) TABLE.set(n, { kind: 'rflags', canonical: 'RFLAGS' });
  for (const n of ['FS_BASE', 'FSBASE', 'FS']) TABLE.set(n, { kind: 'fsbase', canonical: 'FS_BASE' });
  for (let i = 0; i < 16; i++) {
    TABLE.set(`XMM${i}`, { kind: 'xmm', index: i, canonical: `XMM${i}` });
    TABLE.set(`X${i}`, { kind: 'xmm', index: i, canonical: `XMM${i}` });
  }
  for (const [n, bit] of FLAG_BITS) TABLE.set(n, { kind: 'flag', bit, canonical: n });
})();

/** Resolve a register name in any case; undefined when it is not one. */
export function registerRef(name: string): RegRef | undefined {
  return TABLE.get(name.toUpperCase());
}

export function plan9Name(canonical: string): string {
  const r = registerRef(canonical);
  if (!r) return canonical;
  if (r.kind === 'gpr' && r.bits === 64) return PLAN9_GPR[r.index];
  if (r.kind === 'rip') return 'PC';
  if (r.kind === 'xmm') return `X${r.index}`;
  return r.canonical;
}

/** Read a register view out of a full 64-bit value. */
export function viewOf(ref: RegRef & { kind: 'gpr' }, full: bigint): bigint {
  if (ref.high8) return (full >> 8n) & 0xffn;
  return BigInt.asUintN(ref.bits, full);
}

/** Write a view into a full value (a 32-bit write zero-extends, as on the hardware). */
export function withView(ref: RegRef & { kind: 'gpr' }, full: bigint, v: bigint): bigint {
  if (ref.high8) return (full & ~0xff00n) | ((v & 0xffn) << 8n);
  if (ref.bits === 64) return BigInt.asUintN(64, v);
  if (ref.bits === 32) return BigInt.asUintN(32, v);
  const mask = (1n << BigInt(ref.bits)) - 1n;
  return (full & ~mask) | (v & mask);
}
