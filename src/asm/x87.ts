// x87 instructions in Go's spelling. Go names the operand type with a suffix (D float64, F float32, L int32,
// W int16, V int64, X float80, B packed BCD) and writes F0 explicitly; Intel names the integer forms FI... and
// leaves ST(0) implicit in memory forms. FMOVx loads when the destination is F0 and stores otherwise.
import type { CodeInfo } from './opcodes';
import { codeByName, candidates } from './opcodes';
import type { LOperand } from './encode';

const MEM_SUFFIX: Record<string, string> = { D: 'm64fp', F: 'm32fp', L: 'm32int', W: 'm16int', V: 'm64int', X: 'm80fp', B: 'm80bcd' };
const INT_TYPES = new Set(['L', 'W', 'V']);

const isF0 = (o: LOperand | undefined) => !!o && o.t === 'reg' && o.reg.cls === 'x87' && o.reg.num === 0;

function byNames(names: string[]): CodeInfo[] {
  return names.map(n => codeByName(n)).filter((c): c is CodeInfo => !!c);
}

/** Candidates and operands (Intel order) for a Go x87 mnemonic, or undefined when `op` is not one. */
export function lowerX87(op: string, ops: LOperand[]): { cands: CodeInfo[]; ops: LOperand[] } | undefined {
  let m = /^F(ADD|SUB|SUBR|MUL|DIV|DIVR|COM|UCOM)([DFLW])(P{0,2})$/.exec(op);
  if (m) {
    const [, base, ty, pops] = m;
    const mem = ops.find(o => o.t === 'mem');
    if (mem) {
      if (ops.length === 2 && !isF0(ops[1])) return { cands: [], ops };
      const mn = (INT_TYPES.has(ty) ? 'FI' : 'F') + base + pops;
      return { cands: byNames([`${mn[0]}${mn.slice(1).toLowerCase()}_${MEM_SUFFIX[ty]}`]), ops: [mem] };
    }
    const mn = 'F' + base + pops;
    return { cands: candidates(mn), ops: [...ops].reverse() };
  }
  m = /^FMOV([DFLWVXB])(P?)$/.exec(op);
  if (m && ops.length === 2) {
    const [, ty, pop] = m;
    const [src, dst] = ops;
    const name = (mn: string) => `${mn[0]}${mn.slice(1).toLowerCase()}_${MEM_SUFFIX[ty]}`;
    if (src.t === 'mem' && isF0(dst)) {
      const mn = ty === 'B' ? 'FBLD' : INT_TYPES.has(ty) ? 'FILD' : 'FLD';
      return { cands: byNames([name(mn)]), ops: [src] };
    }
    if (isF0(src) && dst.t === 'mem') {
      const mn = ty === 'B' ? 'FBSTP' : (INT_TYPES.has(ty) ? 'FIST' : 'FST') + pop;
      return { cands: byNames([name(mn)]), ops: [dst] };
    }
    if (src.t === 'reg' && dst.t === 'reg') {
      // FMOVD Fi, F0 loads ST(i); FMOVD F0, Fi stores into ST(i).
      if (isF0(dst)) return { cands: byNames(['Fld_sti']), ops: [src] };
      if (isF0(src)) return { cands: byNames([pop ? 'Fstp_sti' : 'Fst_sti']), ops: [dst] };
    }
    return { cands: [], ops };
  }
  m = /^FXCHD$/.exec(op);
  if (m) return { cands: byNames(['Fxch_st0_sti']), ops: [...ops].reverse() };
  return undefined;
}
