// Encoding choice for one instruction: Go mnemonic → candidate Codes → those whose operand kinds accept the
// operands (in Intel order) → the shortest encoding, as Go's assembler prefers short forms. Relative branches
// keep both their rel8 and rel32 forms for the layout to choose.
import { candidates, operandOrder, CodeInfo } from './opcodes';
import { LOperand, Match, matchCandidate, encodedLength, Resolver, BranchTarget } from './encode';
import { IMAGE_BASE } from './elf';
import { lowerX87 } from './x87';
import type { Pos } from './parser';
import type { Item } from './program';

/** Chooses the encodings of one instruction; undefined (with a diagnostic) when nothing matches. */
export function lowerInsn(pos: Pos, op: string, goOps: LOperand[], error: (pos: Pos, message: string) => void): Item | undefined {
  // MOVQ $0x80000000..0xffffffff, reg is encoded as MOVL (zero-extending), as Go's assembler does.
  if (op === 'MOVQ' && goOps.length === 2 && goOps[0].t === 'imm' && goOps[0].v >= 1n << 31n && goOps[0].v < 1n << 32n &&
    goOps[1].t === 'reg' && goOps[1].reg.cls === 'gpr') op = 'MOVL';
  let cands = candidates(op);
  let ops = goOps;
  const x87 = lowerX87(op, goOps);
  if (x87) { cands = x87.cands; ops = x87.ops; }
  if (cands.length === 0) { error(pos, `unrecognized instruction "${op}"`); return undefined; }
  // BLENDVPD/BLENDVPS/PBLENDVB name their implicit X0 operand first.
  if (/^(BLENDVPD|BLENDVPS|PBLENDVB|SHA256RNDS2)$/.test(op) && ops.length === 3 && ops[0].t === 'reg' && ops[0].reg.cls === 'xmm' && ops[0].reg.num === 0) ops = ops.slice(1);
  const order = operandOrder(op);
  let intel: LOperand[];
  if (x87) intel = ops;
  else if (order === 'intel') intel = ops;
  else if (order === 'cmpxx' && ops.length === 3) intel = [ops[1], ops[0], ops[2]];
  else intel = [...ops].reverse();
  for (const o of intel) {
    if (o.t === 'mem' && !o.sym && (o.disp > 0x7fffffffn || o.disp < -0x80000000n)) {
      // 32-bit address arithmetic (LEAL/LEAW) wraps, so Go accepts any uint32 there.
      if ((op === 'LEAL' || op === 'LEAW') && o.disp > 0n && o.disp < 1n << 32n) { o.disp = BigInt.asIntN(32, o.disp); continue; }
      error(pos, `offset too large: ${o.disp} does not fit in 32 bits`);
      return undefined;
    }
  }
  // EXTRACTPS selects one of four lanes.
  if (op === 'EXTRACTPS' && goOps[0]?.t === 'imm' && (goOps[0].v < 0n || goOps[0].v > 3n)) { error(pos, 'invalid instruction: EXTRACTPS lane must be 0..3'); return undefined; }
  const matches: Match[] = [];
  for (const ci of cands) {
    const m = matchCandidate(ci, intel);
    if (m) matches.push(m);
  }
  if (matches.length === 0) { error(pos, `invalid instruction: ${op} with ${describeOps(goOps)}`); return undefined; }
  const sizing: Resolver = { sym: () => IMAGE_BASE, item: () => 0 };
  const branchIdx = matches[0].ops.findIndex(o => o.t === 'b');
  if (branchIdx >= 0) {
    const rel = (ci: CodeInfo) => ci.rel;
    const shortM = matches.find(m => rel(m.ci) === 1);
    const nearM = matches.find(m => rel(m.ci) === 4);
    const target = (matches[0].ops[branchIdx] as { target: BranchTarget }).target;
    const item: Item = { kind: 'insn', pos, addr: 0, size: 0, sp: 0 };
    // Calls and jumps to symbols use rel32 (their target is only known at link time), as Go's relocations do.
    if (target.kind === 'sym' || !shortM) {
      if (!nearM) { error(pos, `${op}: target may be out of range of its 8-bit displacement`); return undefined; }
      item.chosen = nearM;
    } else {
      item.short = shortM; item.near = nearM; item.chosen = shortM;
    }
    const len = encodedLength(item.chosen, { sym: () => 0x401000, item: () => 0x401000 });
    if (typeof len === 'string') { error(pos, `${op}: ${len}`); return undefined; }
    item.size = len;
    return item;
  }
  let best: Match | undefined, bestLen = Infinity, lastErr = '';
  for (const m of matches) {
    const b = encodedLength(m, sizing);
    if (typeof b === 'string') { lastErr = b; continue; }
    if (b < bestLen) { best = m; bestLen = b; }
  }
  if (!best) { error(pos, `invalid instruction: ${op} with ${describeOps(goOps)}: ${lastErr}`); return undefined; }
  return { kind: 'insn', pos, chosen: best, addr: 0, size: bestLen, sp: 0 };
}

export function describeOps(ops: LOperand[]): string {
  if (ops.length === 0) return 'no operands';
  return ops.map(o => o.t === 'reg' ? o.reg.name : o.t === 'imm' ? `$${o.v}` : o.t === 'addr' ? `$${o.sym.display}(SB)` : o.t === 'mem' ? 'memory' : 'branch target').join(', ');
}

