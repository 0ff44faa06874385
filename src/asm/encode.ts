// Operand matching and encoding of one instruction through iced-x86. Given a Go mnemonic and its operands
// (already in Intel order, FP/SP resolved), picks every iced Code whose operand kinds accept them; the caller
// chooses among the matches (the shortest encoding, as Go's assembler prefers the short forms).
import { Encoder, Instruction, MemoryOperand, Register, OpCodeOperandKind as K } from '../iced';
import { CodeInfo } from './opcodes';
import { gprReg, otherReg, RegDesc } from './registers';

/** Operand after lowering: what the encoder needs, with symbol-dependent values left to a resolver. */
export type LOperand =
  | { t: 'reg'; reg: RegDesc }
  | { t: 'imm'; v: bigint }
  /** Immediate holding a symbol's absolute address. */
  | { t: 'addr'; sym: SymRef; add: bigint; wide?: boolean }
  | { t: 'mem'; base?: RegDesc; index?: RegDesc; scale: number; disp: bigint; sym?: SymRef; seg?: Register; tls?: boolean }
  | { t: 'branch'; target: BranchTarget };

export interface SymRef { key: string; display: string }
export type BranchTarget = { kind: 'item'; index: number } | { kind: 'sym'; sym: SymRef; add: bigint };

/** An iced operand ready to build: registers, immediates, memory, branch target. */
type COp =
  | { t: 'r'; reg: Register }
  | { t: 'i'; v: bigint; kind: K }
  | { t: 'ia'; sym: SymRef; add: bigint; kind: K }
  | { t: 'm'; op: Extract<LOperand, { t: 'mem' }> }
  | { t: 'b'; target: BranchTarget };

export interface Match { ci: CodeInfo; ops: COp[] }

const inRange = (v: bigint, lo: bigint, hi: bigint) => v >= lo && v <= hi;

function immFits(k: K, v: bigint): boolean {
  switch (k) {
    case K.imm8: return inRange(v, -128n, 255n);
    case K.imm8sex16: case K.imm8sex32: case K.imm8sex64: return inRange(v, -128n, 127n);
    case K.imm8_const_1: return v === 1n;
    case K.imm16: return inRange(v, -32768n, 65535n);
    case K.imm32: return inRange(v, -(1n << 31n), (1n << 32n) - 1n);
    case K.imm32sex64: return inRange(v, -(1n << 31n), (1n << 31n) - 1n);
    case K.imm64: return inRange(v, -(1n << 63n), (1n << 64n) - 1n);
    default: return false;
  }
}

function gprBits(k: K): number {
  switch (k) {
    case K.r8_or_mem: case K.r8_reg: case K.r8_opcode: return 8;
    case K.r16_or_mem: case K.r16_reg: case K.r16_rm: case K.r16_opcode: case K.r16_reg_mem: return 16;
    case K.r32_or_mem: case K.r32_reg: case K.r32_rm: case K.r32_opcode: case K.r32_reg_mem: case K.r32_or_mem_mpx: case K.r32_vvvv: return 32;
    case K.r64_or_mem: case K.r64_reg: case K.r64_rm: case K.r64_opcode: case K.r64_reg_mem: case K.r64_or_mem_mpx: case K.r64_vvvv: return 64;
    default: return 0;
  }
}

function acceptsMem(k: K): boolean {
  switch (k) {
    case K.mem: case K.mem_mpx: case K.mem_mib:
    case K.r8_or_mem: case K.r16_or_mem: case K.r32_or_mem: case K.r64_or_mem: case K.r32_or_mem_mpx: case K.r64_or_mem_mpx:
    case K.r16_reg_mem: case K.r32_reg_mem: case K.r64_reg_mem:
    case K.mm_or_mem: case K.xmm_or_mem: case K.ymm_or_mem: case K.bnd_or_mem_mpx:
      return true;
    default: return false;
  }
}

function matchReg(k: K, r: RegDesc): Register | undefined {
  const bits = gprBits(k);
  if (bits) {
    if (r.cls === 'gpr') return gprReg(r.num, bits);
    if (bits === 8 && (r.cls === 'gpr8' || r.cls === 'gpr8h')) return otherReg(r);
    return undefined;
  }
  switch (k) {
    case K.al: return (r.cls === 'gpr' || r.cls === 'gpr8') && r.num === 0 ? Register.AL : undefined;
    case K.cl: return (r.cls === 'gpr' || r.cls === 'gpr8') && r.num === 1 ? Register.CL : undefined;
    case K.ax: return r.cls === 'gpr' && r.num === 0 ? Register.AX : undefined;
    case K.dx: return r.cls === 'gpr' && r.num === 2 ? Register.DX : undefined;
    case K.eax: return r.cls === 'gpr' && r.num === 0 ? Register.EAX : undefined;
    case K.rax: return r.cls === 'gpr' && r.num === 0 ? Register.RAX : undefined;
    case K.xmm_reg: case K.xmm_rm: case K.xmm_or_mem: case K.xmm_vvvv: case K.xmm_is4: case K.xmm_is5: case K.xmmp3_vvvv:
      return r.cls === 'xmm' ? otherReg(r) : undefined;
    case K.ymm_reg: case K.ymm_rm: case K.ymm_or_mem: case K.ymm_vvvv: case K.ymm_is4: case K.ymm_is5:
      return r.cls === 'ymm' ? otherReg(r) : undefined;
    case K.mm_reg: case K.mm_rm: case K.mm_or_mem: return r.cls === 'mmx' ? otherReg(r) : undefined;
    case K.seg_reg: return r.cls === 'seg' ? otherReg(r) : undefined;
    case K.es: case K.cs: case K.ss: case K.ds: case K.fs: case K.gs:
      return r.cls === 'seg' && r.num === k - K.es ? otherReg(r) : undefined;
    case K.cr_reg: return r.cls === 'cr' ? otherReg(r) : undefined;
    case K.dr_reg: return r.cls === 'dr' ? otherReg(r) : undefined;
    case K.tr_reg: return r.cls === 'tr' ? otherReg(r) : undefined;
    case K.st0: return r.cls === 'x87' && r.num === 0 ? Register.ST0 : undefined;
    case K.sti_opcode: return r.cls === 'x87' ? otherReg(r) : undefined;
    default: return undefined;
  }
}

const IMM_KINDS = new Set([K.imm8, K.imm8sex16, K.imm8sex32, K.imm8sex64, K.imm8_const_1, K.imm16, K.imm32, K.imm32sex64, K.imm64]);

/** Does this candidate accept the operands? Returns the concrete operand list or undefined. */
export function matchCandidate(ci: CodeInfo, ops: LOperand[]): Match | undefined {
  if (ci.ops.length !== ops.length) return undefined;
  const out: COp[] = [];
  for (let i = 0; i < ops.length; i++) {
    const k = ci.ops[i], o = ops[i];
    switch (o.t) {
      case 'reg': {
        const r = matchReg(k, o.reg);
        if (r === undefined) return undefined;
        out.push({ t: 'r', reg: r });
        break;
      }
      case 'imm':
        // Go classes 0x80000000..0xffffffff as an (unsigned) imm32 and encodes it in the sign-extended imm32 forms
        // too (ORQ $0x80000000, AX is 48 0d 00000080), so those forms accept it.
        if (!IMM_KINDS.has(k) || !(immFits(k, o.v) || (k === K.imm32sex64 && o.v >= 0n && o.v < 1n << 32n))) return undefined;
        out.push({ t: 'i', v: o.v, kind: k });
        break;
      case 'addr':
        // Addresses are below 2 GiB in our images: a 32-bit immediate suffices, as Go's R_ADDR relocations assume.
        if (k !== K.imm64 && (o.wide || (k !== K.imm32 && k !== K.imm32sex64))) return undefined;
        out.push({ t: 'ia', sym: o.sym, add: o.add, kind: k });
        break;
      case 'mem':
        if (!acceptsMem(k)) return undefined;
        out.push({ t: 'm', op: o });
        break;
      case 'branch':
        if (k !== K.br64_1 && k !== K.br64_4) return undefined;
        out.push({ t: 'b', target: o.target });
        break;
    }
  }
  return { ci, ops: out };
}

export interface Resolver {
  /** Absolute address of a symbol (0 during sizing when not yet known). */
  sym(ref: SymRef): number;
  /** Address of the text item with this index. */
  item(index: number): number;
}

function immToNumber(v: bigint, k: K): { signed: boolean; n: number } {
  if (k === K.imm64) return { signed: v < 0n, n: 0 };
  if (k === K.imm32sex64 && v >= 1n << 31n) return { signed: true, n: Number(BigInt.asIntN(32, v)) };
  return v < 0n ? { signed: true, n: Number(v) } : { signed: false, n: Number(v) };
}

function memOperand(m: Extract<LOperand, { t: 'mem' }>, res: Resolver): MemoryOperand {
  const seg = m.seg ?? (m.tls ? Register.FS : Register.None);
  if (m.sym) {
    const a = BigInt(res.sym(m.sym)) + m.disp;
    if (!m.index && !m.base) return MemoryOperand.new64(Register.RIP, Register.None, 1, a, 8, false, seg);
    return MemoryOperand.new64(m.base ? gprReg(m.base.num, 64) : Register.None, m.index ? gprReg(m.index.num, 64) : Register.None,
      m.scale, a, m.base ? 4 : 8, false, seg);
  }
  const base = m.base ? gprReg(m.base.num, 64) : Register.None;
  const index = m.index ? gprReg(m.index.num, 64) : Register.None;
  const noBase = base === Register.None;
  const ds = noBase ? 8 : m.disp === 0n ? 0 : 1;
  return MemoryOperand.new64(base, index, m.scale, m.disp, ds, false, seg);
}

/** Builds the iced Instruction for a match. Throws (caught by the caller) when iced rejects it. */
export function buildInstruction(m: Match, res: Resolver): Instruction {
  const { ci, ops } = m;
  if (ci.name === 'Maskmovq_rDI_mm_mm' || ci.name === 'Maskmovdqu_rDI_xmm_xmm') {
    const r = ops.map(o => (o as Extract<COp, { t: 'r' }>).reg);
    return ci.name === 'Maskmovq_rDI_mm_mm' ? Instruction.createMaskmovq(64, r[0], r[1], Register.None) : Instruction.createMaskmovdqu(64, r[0], r[1], Register.None);
  }
  if (ci.stringOp) {
    // Operands of string instructions are implicit; iced wants them described: build from its helpers.
    return buildStringOp(ci);
  }
  const code = ci.code;
  const shape = ops.map(o => o.t === 'r' ? 'r' : o.t === 'm' ? 'm' : o.t === 'b' ? 'b' : 'i').join('');
  // iced's create* functions take ownership of the MemoryOperand (it must not be freed afterwards).
  const mem = (o: COp) => memOperand((o as Extract<COp, { t: 'm' }>).op, res);
  const reg = (o: COp) => (o as Extract<COp, { t: 'r' }>).reg;
  const immOf = (o: COp): bigint => o.t === 'i' ? o.v : o.t === 'ia' ? BigInt(res.sym(o.sym)) + o.add : 0n;
  const kindOf = (o: COp): K => (o as { kind: K }).kind;
  // iced's create*I32/U32 take a JS number: signed when negative.
  const imm32 = (o: COp) => immToNumber(immOf(o), kindOf(o));
  switch (shape) {
    case '': return Instruction.create(code);
    case 'r': return Instruction.createReg(code, reg(ops[0]));
    case 'm': return Instruction.createMem(code, mem(ops[0]));
    case 'i': { const x = imm32(ops[0]); return x.signed ? Instruction.createI32(code, x.n) : Instruction.createU32(code, x.n); }
    case 'b': {
      const t = ops[0] as Extract<COp, { t: 'b' }>;
      const addr = t.target.kind === 'item' ? res.item(t.target.index) : res.sym(t.target.sym) + Number(t.target.add);
      return Instruction.createBranch(code, BigInt(addr));
    }
    case 'rr': return Instruction.createRegReg(code, reg(ops[0]), reg(ops[1]));
    case 'ri': {
      const v = immOf(ops[1]);
      if (kindOf(ops[1]) === K.imm64) return v < 0n ? Instruction.createRegI64(code, reg(ops[0]), v) : Instruction.createRegU64(code, reg(ops[0]), v);
      const x = imm32(ops[1]);
      return x.signed ? Instruction.createRegI32(code, reg(ops[0]), x.n) : Instruction.createRegU32(code, reg(ops[0]), x.n);
    }
    case 'rm': return Instruction.createRegMem(code, reg(ops[0]), mem(ops[1]));
    case 'mr': return Instruction.createMemReg(code, mem(ops[0]), reg(ops[1]));
    case 'mi': { const x = imm32(ops[1]); return x.signed ? Instruction.createMemI32(code, mem(ops[0]), x.n) : Instruction.createMemU32(code, mem(ops[0]), x.n); }
    case 'ir': { const x = imm32(ops[0]); return x.signed ? Instruction.createI32Reg(code, x.n, reg(ops[1])) : Instruction.createU32Reg(code, x.n, reg(ops[1])); }
    case 'ii': { const a = imm32(ops[0]), b = imm32(ops[1]); return a.signed || b.signed ? Instruction.createI32I32(code, a.n, b.n) : Instruction.createU32U32(code, a.n, b.n); }
    case 'rrr': return Instruction.createRegRegReg(code, reg(ops[0]), reg(ops[1]), reg(ops[2]));
    case 'rri': { const x = imm32(ops[2]); return x.signed ? Instruction.createRegRegI32(code, reg(ops[0]), reg(ops[1]), x.n) : Instruction.createRegRegU32(code, reg(ops[0]), reg(ops[1]), x.n); }
    case 'rrm': return Instruction.createRegRegMem(code, reg(ops[0]), reg(ops[1]), mem(ops[2]));
    case 'rii': { const a = imm32(ops[1]), b = imm32(ops[2]); return a.signed || b.signed ? Instruction.createRegI32I32(code, reg(ops[0]), a.n, b.n) : Instruction.createRegU32U32(code, reg(ops[0]), a.n, b.n); }
    case 'rmr': return Instruction.createRegMemReg(code, reg(ops[0]), mem(ops[1]), reg(ops[2]));
    case 'rmi': { const x = imm32(ops[2]); return x.signed ? Instruction.createRegMemI32(code, reg(ops[0]), mem(ops[1]), x.n) : Instruction.createRegMemU32(code, reg(ops[0]), mem(ops[1]), x.n); }
    case 'mrr': return Instruction.createMemRegReg(code, mem(ops[0]), reg(ops[1]), reg(ops[2]));
    case 'mri': { const x = imm32(ops[2]); return x.signed ? Instruction.createMemRegI32(code, mem(ops[0]), reg(ops[1]), x.n) : Instruction.createMemRegU32(code, mem(ops[0]), reg(ops[1]), x.n); }
    case 'rrrr': return Instruction.createRegRegRegReg(code, reg(ops[0]), reg(ops[1]), reg(ops[2]), reg(ops[3]));
    case 'rrri': { const x = imm32(ops[3]); return x.signed ? Instruction.createRegRegRegI32(code, reg(ops[0]), reg(ops[1]), reg(ops[2]), x.n) : Instruction.createRegRegRegU32(code, reg(ops[0]), reg(ops[1]), reg(ops[2]), x.n); }
    case 'rrrm': return Instruction.createRegRegRegMem(code, reg(ops[0]), reg(ops[1]), reg(ops[2]), mem(ops[3]));
    case 'rrmr': return Instruction.createRegRegMemReg(code, reg(ops[0]), reg(ops[1]), mem(ops[2]), reg(ops[3]));
    case 'rrmi': { const x = imm32(ops[3]); return x.signed ? Instruction.createRegRegMemI32(code, reg(ops[0]), reg(ops[1]), mem(ops[2]), x.n) : Instruction.createRegRegMemU32(code, reg(ops[0]), reg(ops[1]), mem(ops[2]), x.n); }
    case 'rrrri': { const x = imm32(ops[4]); return x.signed ? Instruction.createRegRegRegRegI32(code, reg(ops[0]), reg(ops[1]), reg(ops[2]), reg(ops[3]), x.n) : Instruction.createRegRegRegRegU32(code, reg(ops[0]), reg(ops[1]), reg(ops[2]), reg(ops[3]), x.n); }
    case 'rrrmi': { const x = imm32(ops[4]); return x.signed ? Instruction.createRegRegRegMemI32(code, reg(ops[0]), reg(ops[1]), reg(ops[2]), mem(ops[3]), x.n) : Instruction.createRegRegRegMemU32(code, reg(ops[0]), reg(ops[1]), reg(ops[2]), mem(ops[3]), x.n); }
    case 'rrmri': { const x = imm32(ops[4]); return x.signed ? Instruction.createRegRegMemRegI32(code, reg(ops[0]), reg(ops[1]), mem(ops[2]), reg(ops[3]), x.n) : Instruction.createRegRegMemRegU32(code, reg(ops[0]), reg(ops[1]), mem(ops[2]), reg(ops[3]), x.n); }
    default: throw new Error(`operand combination ${shape} not supported`);
  }
}

function buildStringOp(ci: CodeInfo): Instruction {
  const n = ci.name;
  const none = Register.None;
  const helpers: Record<string, () => Instruction> = {
    Movsb_m8_m8: () => Instruction.createMovsb(64, none, 0), Movsw_m16_m16: () => Instruction.createMovsw(64, none, 0),
    Movsd_m32_m32: () => Instruction.createMovsd(64, none, 0), Movsq_m64_m64: () => Instruction.createMovsq(64, none, 0),
    Cmpsb_m8_m8: () => Instruction.createCmpsb(64, none, 0), Cmpsw_m16_m16: () => Instruction.createCmpsw(64, none, 0),
    Cmpsd_m32_m32: () => Instruction.createCmpsd(64, none, 0), Cmpsq_m64_m64: () => Instruction.createCmpsq(64, none, 0),
    Stosb_m8_AL: () => Instruction.createStosb(64, 0), Stosw_m16_AX: () => Instruction.createStosw(64, 0),
    Stosd_m32_EAX: () => Instruction.createStosd(64, 0), Stosq_m64_RAX: () => Instruction.createStosq(64, 0),
    Lodsb_AL_m8: () => Instruction.createLodsb(64, none, 0), Lodsw_AX_m16: () => Instruction.createLodsw(64, none, 0),
    Lodsd_EAX_m32: () => Instruction.createLodsd(64, none, 0), Lodsq_RAX_m64: () => Instruction.createLodsq(64, none, 0),
    Scasb_AL_m8: () => Instruction.createScasb(64, 0), Scasw_AX_m16: () => Instruction.createScasw(64, 0),
    Scasd_EAX_m32: () => Instruction.createScasd(64, 0), Scasq_RAX_m64: () => Instruction.createScasq(64, 0),
    Insb_m8_DX: () => Instruction.createInsb(64, 0), Insw_m16_DX: () => Instruction.createInsw(64, 0),
    Insd_m32_DX: () => Instruction.createInsd(64, 0),
    Outsb_DX_m8: () => Instruction.createOutsb(64, none, 0), Outsw_DX_m16: () => Instruction.createOutsw(64, none, 0),
    Outsd_DX_m32: () => Instruction.createOutsd(64, none, 0),
    Xlat_m8: () => Instruction.createMem(ci.code, MemoryOperand.new64(Register.RBX, Register.AL, 1, 0n, 0, false, Register.None)),
  };
  const h = helpers[n];
  if (!h) throw new Error(`string instruction ${n} not supported`);
  return h();
}

// made on first use: creating one costs ~9 ms of start-up for every command, not only those that assemble
let encoderInstance: Encoder | undefined;
const encoderOf = () => (encoderInstance ??= new Encoder(64));

/** Encoded lengths by shape: the length depends on the Code, the registers and the displacement's size class. */
const lengthCache = new Map<string, number | string>();

function shapeKey(m: Match): string | undefined {
  let k = String(m.ci.code);
  for (const o of m.ops) {
    switch (o.t) {
      case 'r': k += ',r' + o.reg; break;
      case 'i': case 'ia': k += ',i'; break;
      case 'b': k += ',b'; break; // a relative branch's length is its Code's (sized with an in-range target)
      case 'm': {
        const x = o.op;
        const d = x.sym ? 'S' : x.disp === 0n ? '0' : x.disp >= -128n && x.disp <= 127n ? '1' : '4';
        k += `,m${x.base?.num ?? '-'}.${x.index?.num ?? '-'}.${x.scale}.${d}.${x.seg ?? ''}.${x.tls ? 1 : 0}.${x.sym && !x.base && !x.index ? 'rip' : ''}`;
        break;
      }
    }
  }
  return k;
}

/** Length of the encoding (or iced's error message) without building the instruction when the shape is known. */
export function encodedLength(m: Match, res: Resolver): number | string {
  const key = shapeKey(m);
  if (key !== undefined) {
    const hit = lengthCache.get(key);
    if (hit !== undefined) return hit;
  }
  const b = encodeAt(m, 0x401000, res);
  const v = typeof b === 'string' ? b : b.length;
  if (key !== undefined && lengthCache.size < 200000) lengthCache.set(key, v);
  return v;
}

/** Encodes at `rip`; returns the bytes or an error message. */
export function encodeAt(m: Match, rip: number, res: Resolver): Uint8Array | string {
  let ins: Instruction | undefined;
  try {
    ins = buildInstruction(m, res);
    encoderOf().encode(ins, BigInt(rip));
    return encoderOf().takeBuffer();
  } catch (e) {
    try { encoderOf().takeBuffer(); } catch { /* buffer already empty */ }
    return String((e as Error)?.message ?? e).replace(/^Error: /, '');
  } finally {
    ins?.free();
  }
}
