// Go mnemonic → candidate iced-x86 `Code`s. The table is derived at first use from iced's OpCodeInfo (every
// legacy/VEX instruction available in 64-bit mode) plus Go's naming rules for amd64:
//  - a size suffix B/W/L/Q selects the operand size of size-variant instructions (ADDQ = ADD r/m64 ...);
//  - an L suffix also stands for Intel's "D" (doubleword) in names such as PADDL, MOVSL, PCMPEQL;
//  - condition codes are Go's (EQ NE CS CC HI LS MI PL OS OC PS PC LT GE LE GT) in Jcc, SETcc, CMOVxcc;
//  - a few instructions are renamed (MOVOU = MOVDQU, PSHUFL = PSHUFD, MOVBQZX = MOVZX r64, r/m8, ...).
import { Code, CodeExt, EncodingKind, Mnemonic, OpCodeOperandKind as K } from '../iced';

export interface CodeInfo {
  code: Code;
  /** iced mnemonic, upper case. */
  mnemonic: string;
  /** iced Code name, e.g. Add_rm64_imm8. */
  name: string;
  /** Operation size in bits (8/16/32/64), 0 when the instruction has none. */
  size: number;
  /** Explicit operands in Intel order (implicit string-instruction operands removed). */
  ops: K[];
  encoding: EncodingKind;
  /** Relative branch displacement size (1 or 4), 0 when not a relative branch. */
  rel: number;
  /** Has implicit rSI/rDI memory operands (MOVSQ ...): build with iced's string helpers. */
  stringOp: boolean;
}

const IMPLICIT = new Set([K.seg_rSI, K.es_rDI, K.seg_rDI, K.seg_rBX_al]);
const GPR_SIZED: Record<number, number> = {
  [K.r16_or_mem]: 16, [K.r16_reg]: 16, [K.r16_rm]: 16, [K.r16_opcode]: 16, [K.r16_reg_mem]: 16,
  [K.r32_or_mem]: 32, [K.r32_reg]: 32, [K.r32_rm]: 32, [K.r32_opcode]: 32, [K.r32_reg_mem]: 32, [K.r32_or_mem_mpx]: 32,
  [K.r64_or_mem]: 64, [K.r64_reg]: 64, [K.r64_rm]: 64, [K.r64_opcode]: 64, [K.r64_reg_mem]: 64, [K.r64_or_mem_mpx]: 64,
  [K.ax]: 16, [K.eax]: 32, [K.rax]: 64,
};
const STRING_FIXED = new Set([K.al, K.ax, K.eax, K.rax, K.dx]);
const VECTOR_KINDS = new Set([K.xmm_reg, K.xmm_rm, K.xmm_or_mem, K.mm_reg, K.mm_rm, K.mm_or_mem, K.ymm_reg, K.ymm_rm, K.ymm_or_mem]);
const BYTE_KINDS = new Set([K.r8_or_mem, K.r8_reg, K.r8_opcode, K.al, K.cl]);

let byMnemonic: Map<string, CodeInfo[]> | undefined;
let byName: Map<string, CodeInfo> | undefined;

function build(): void {
  byMnemonic = new Map();
  byName = new Map();
  const count = Object.keys(Code).filter(k => !isNaN(Number(k))).length;
  for (let c = 1; c < count; c++) {
    const oc = CodeExt.opCode(c);
    try {
      if (!oc.isInstruction || !oc.isAvailableInMode(64) || !oc.mode64) continue;
      const enc = oc.encoding;
      if (enc !== EncodingKind.Legacy && enc !== EncodingKind.VEX) continue;
      const all: K[] = [];
      for (let i = 0; i < oc.opCount; i++) all.push(oc.opKind(i));
      if (Code[c].startsWith('VEX_KNC_')) continue; // Knights Corner only
      if (all.some(k => k === K.br16_1 || k === K.br16_2 || k === K.br32_1 || k === K.br32_4 || k === K.farbr2_2 || k === K.farbr4_2)) continue;
      const stringOp = all.some(k => IMPLICIT.has(k));
      // String instructions name their registers implicitly in Go too (STOSQ, LODSB, INSW ...).
      const ops = stringOp ? all.filter(k => !IMPLICIT.has(k) && !STRING_FIXED.has(k)) : all;
      let size = oc.operandSize;
      if (size === 0) {
        // VEX GPR instructions (ANDN, SHLX ...) and a few others carry their size in the operand kinds.
        for (const k of all) if (GPR_SIZED[k] !== undefined) size = Math.max(size, GPR_SIZED[k]);
        if (size === 0 && (ops.some(k => BYTE_KINDS.has(k)) || oc.memorySize === 1 /* UInt8 */)) size = 8;
      }
      const rel = all.includes(K.br64_1) ? 1 : all.includes(K.br64_4) ? 4 : 0;
      const info: CodeInfo = {
        code: c, mnemonic: (Mnemonic[oc.mnemonic] ?? '').toUpperCase(), name: Code[c], size, ops, encoding: enc, rel,
        stringOp,
      };
      let list = byMnemonic.get(info.mnemonic);
      if (!list) byMnemonic.set(info.mnemonic, list = []);
      list.push(info);
      byName.set(info.name, info);
    } finally {
      oc.free();
    }
  }
}

function mnemonicTable(): Map<string, CodeInfo[]> { if (!byMnemonic) build(); return byMnemonic!; }
export function codeByName(name: string): CodeInfo | undefined { if (!byName) build(); return byName!.get(name); }

/** Go's condition-code suffixes and Intel's names for them. */
export const GO_CC: Record<string, string> = {
  EQ: 'E', NE: 'NE', CS: 'B', LO: 'B', CC: 'AE', HS: 'AE', HI: 'A', LS: 'BE', MI: 'S', PL: 'NS',
  OS: 'O', OC: 'NO', PS: 'P', PC: 'NP', LT: 'L', GE: 'GE', LE: 'LE', GT: 'G',
};

/** Alternative spellings Go's assembler accepts for amd64 (instruction aliases). */
export const GO_ALIASES: Record<string, string> = {
  JA: 'JHI', JAE: 'JCC', JB: 'JCS', JBE: 'JLS', JC: 'JCS', JE: 'JEQ', JG: 'JGT', JHS: 'JCC', JL: 'JLT', JLO: 'JCS',
  JNA: 'JLS', JNAE: 'JCS', JNB: 'JCC', JNBE: 'JHI', JNC: 'JCC', JNG: 'JLE', JNGE: 'JLT', JNL: 'JGE', JNLE: 'JGT',
  JNO: 'JOC', JNP: 'JPC', JNS: 'JPL', JNZ: 'JNE', JO: 'JOS', JP: 'JPS', JPE: 'JPS', JPO: 'JPC', JS: 'JMI', JZ: 'JEQ',
  MASKMOVDQU: 'MASKMOVOU', MOVD: 'MOVQ', MOVDQ2Q: 'MOVQ', MOVNTDQ: 'MOVNTO', MOVOA: 'MOVO', PSLLDQ: 'PSLLO',
  PSRLDQ: 'PSRLO', PADDD: 'PADDL',
};

/** Go names whose Intel mnemonic differs beyond the suffix rules: Go name → Intel mnemonic or iced Code names. */
const RENAMES: Record<string, string | string[]> = {
  MOVOU: 'MOVDQU', MOVO: 'MOVDQA', MOVNTO: 'MOVNTDQ', MASKMOVOU: 'MASKMOVDQU', PSHUFL: 'PSHUFD',
  PSLLO: 'PSLLDQ', PSRLO: 'PSRLDQ', PUNPCKHLQ: 'PUNPCKHDQ', PUNPCKLLQ: 'PUNPCKLDQ', PACKSSLW: 'PACKSSDW',
  PMULULQ: 'PMULUDQ', PMADDWL: 'PMADDWD', CVTPL2PD: 'CVTDQ2PD', CVTPL2PS: 'CVTDQ2PS', CVTPD2PL: 'CVTPD2DQ',
  CVTPS2PL: 'CVTPS2DQ', CVTTPD2PL: 'CVTTPD2DQ', CVTTPS2PL: 'CVTTPS2DQ', XLAT: 'XLATB', LOOPEQ: 'LOOPE',
  MOVBQZX: ['Movzx_r64_rm8'], MOVBLZX: ['Movzx_r32_rm8'], MOVBWZX: ['Movzx_r16_rm8'],
  MOVWLZX: ['Movzx_r32_rm16'], MOVWQZX: ['Movzx_r64_rm16'],
  MOVBQSX: ['Movsx_r64_rm8'], MOVBLSX: ['Movsx_r32_rm8'], MOVBWSX: ['Movsx_r16_rm8'],
  MOVWLSX: ['Movsx_r32_rm16'], MOVWQSX: ['Movsx_r64_rm16'], MOVLQSX: ['Movsxd_r64_rm32'],
  MOVLQZX: ['Mov_r32_rm32'],
  MOVQOZX: ['Movq2dq_xmm_mm', 'Movq_xmm_xmmm64'],
  CVTSD2SL: ['Cvtsd2si_r32_xmmm64'], CVTSD2SQ: ['Cvtsd2si_r64_xmmm64'],
  CVTSS2SL: ['Cvtss2si_r32_xmmm32'], CVTSS2SQ: ['Cvtss2si_r64_xmmm32'],
  CVTTSD2SL: ['Cvttsd2si_r32_xmmm64'], CVTTSD2SQ: ['Cvttsd2si_r64_xmmm64'],
  CVTTSS2SL: ['Cvttss2si_r32_xmmm32'], CVTTSS2SQ: ['Cvttss2si_r64_xmmm32'],
  CVTSL2SD: ['Cvtsi2sd_xmm_rm32'], CVTSQ2SD: ['Cvtsi2sd_xmm_rm64'],
  CVTSL2SS: ['Cvtsi2ss_xmm_rm32'], CVTSQ2SS: ['Cvtsi2ss_xmm_rm64'],
  CRC32B: ['Crc32_r32_rm8', 'Crc32_r64_rm8'], CRC32W: ['Crc32_r32_rm16'], CRC32L: ['Crc32_r32_rm32'], CRC32Q: ['Crc32_r64_rm64'],
  JCXZL: 'JECXZ', JCXZQ: 'JRCXZ', ICEBP: 'INT1',
  // x87 conditional moves carry Go's condition-code names.
  FCMOVCC: 'FCMOVNB', FCMOVCS: 'FCMOVB', FCMOVEQ: 'FCMOVE', FCMOVHI: 'FCMOVNBE', FCMOVLS: 'FCMOVBE', FCMOVUN: 'FCMOVU',
  // MOVQL: the low 32 bits of a 64-bit value (a MOVL).
  MOVQL: ['Mov_rm32_r32', 'Mov_r32_rm32'],
  MOVSWW: ['Movsx_r16_rm16'], MOVZWW: ['Movzx_r16_rm16'], SYSEXIT64: ['Sysexitq'],
  // System instructions Go spells without a size: their operand is a 16-bit selector or word.
  LLDT: 'LLDT', TPAUSE: 'TPAUSE', UMONITOR: 'UMONITOR', UMWAIT: 'UMWAIT', LMSW: 'LMSW', LTR: 'LTR', VERR: 'VERR', VERW: 'VERW',
};

export type Order = 'reverse' | 'intel' | 'cmpxx';

/**
 * Operand order of a Go mnemonic relative to Intel's: Go writes the source first (reverse), except for
 * comparisons, which keep Intel's order (CMPQ AX, $5 is cmp rax, 5); CMPPS/CMPPD/CMPSS/CMPSD write the
 * predicate last (CMPPS X1, X0, $1 is cmpps xmm0, xmm1, 1).
 */
export function operandOrder(goName: string): Order {
  if (/^CMP[BWLQ]$/.test(goName)) return 'intel';
  if (/^CMP(PS|PD|SS|SD)$/.test(goName)) return 'cmpxx';
  return 'reverse';
}

/** A GPR-size-variant instruction needs Go's suffix: its bare name is not a Go mnemonic. */
function needsSuffix(list: CodeInfo[]): boolean {
  // SSE/MMX instructions (PEXTRW, MOVMSKPS ...) have no size suffix even when their GPR operand varies.
  if (list.some(ci => ci.ops.some(k => VECTOR_KINDS.has(k)))) return false;
  const sizes = new Set<number>();
  for (const ci of list) if (ci.ops.some(k => GPR_SIZED[k] !== undefined)) sizes.add(ci.size);
  return sizes.size > 1;
}

const SUFFIX_BITS: Record<string, number> = { B: 8, W: 16, L: 32, Q: 64 };
const cache = new Map<string, CodeInfo[]>();

/** Every iced Code the Go mnemonic may stand for (before operand matching). Empty: unknown instruction. */
export function candidates(goName: string): CodeInfo[] {
  const hit = cache.get(goName);
  if (hit) return hit;
  const table = mnemonicTable();
  const name = GO_ALIASES[goName] ?? goName;
  const out = new Set<CodeInfo>();
  const addMnemonic = (mn: string, size?: number, filter?: (ci: CodeInfo) => boolean) => {
    for (const ci of table.get(mn) ?? []) {
      if (size !== undefined && ci.size !== size) continue;
      if (filter && !filter(ci)) continue;
      out.add(ci);
    }
  };
  const rename = RENAMES[name];
  if (Array.isArray(rename)) {
    for (const n of rename) { const ci = codeByName(n); if (ci) out.add(ci); }
  } else if (typeof rename === 'string') {
    addMnemonic(rename);
  } else {
    const exact = table.get(name);
    if (exact && !needsSuffix(exact)) addMnemonic(name);
    // Condition codes.
    const cc = (prefix: string) => name.startsWith(prefix) ? GO_CC[name.slice(prefix.length)] : undefined;
    const j = cc('J');
    if (j) addMnemonic('J' + j);
    const s = cc('SET');
    if (s) addMnemonic('SET' + s);
    const m = /^CMOV([WLQ])([A-Z]{2})$/.exec(name);
    if (m && GO_CC[m[2]]) addMnemonic('CMOV' + GO_CC[m[2]], SUFFIX_BITS[m[1]]);
    const last = name[name.length - 1];
    const base = name.slice(0, -1);
    const bits = SUFFIX_BITS[last];
    if (bits !== undefined && base.length > 0 && !j && !s && !(m && GO_CC[m[2]])) {
      if (table.has(base)) addMnemonic(base, bits);
      // IMUL3Q: the three-operand IMUL.
      if (base.startsWith('IMUL3')) addMnemonic('IMUL', bits, ci => ci.ops.length === 3);
      // SHLQ/SHRQ with three operands are SHLD/SHRD.
      if (base === 'SHL' || base === 'SHR') addMnemonic(base + 'D', bits, ci => ci.ops.length === 3);
      // L = Intel's doubleword "D" (PADDL = PADDD, MOVSL = MOVSD string, PCMPEQL = PCMPEQD).
      if (last === 'L' && table.has(base + 'D') && !(base === 'SHL' || base === 'SHR')) addMnemonic(base + 'D');
    }
    if (name === 'RET' || name === 'JMP' || name === 'CALL') addMnemonic(name, 64);
    // MOVQ between MMX and XMM registers is MOVDQ2Q / MOVQ2DQ.
    if (name === 'MOVQ') for (const n of ['Movdq2q_mm_xmm', 'Movq2dq_xmm_mm']) { const ci = codeByName(n); if (ci) out.add(ci); }
  }
  const list = [...out];
  if (cache.size < 10000) cache.set(goName, list);
  return list;
}
