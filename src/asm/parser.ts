// Parser for Go's amd64 assembler statements: labels, TEXT/DATA/GLOBL and the other pseudo-instructions, and
// instructions with operands in Go's source-first order. Constant expressions are evaluated here (64-bit).
import type { Tok } from './lexer';
import { lookupRegister, RegDesc } from './registers';
import type { Diagnostic } from './types';

export interface Pos { file: string; line: number; col: number }

export type Operand =
  | { kind: 'reg'; pos: Pos; reg: RegDesc }
  | { kind: 'imm'; pos: Pos; value: bigint }
  | { kind: 'float'; pos: Pos; value: number }
  | { kind: 'string'; pos: Pos; value: string }
  /** `$sym+off(SB)`: the address of a symbol as an immediate. */
  | { kind: 'addr'; pos: Pos; sym: string; local: boolean; offset: bigint }
  | { kind: 'mem'; pos: Pos; mem: MemRef }
  /** A label or symbol name used alone (branch target). */
  | { kind: 'label'; pos: Pos; name: string }
  /** `$frame-args` of TEXT. */
  | { kind: 'frame'; pos: Pos; frame: bigint; args: bigint | undefined };

export interface MemRef {
  /** SB, FP, PC, pseudo-SP ('PSP'), TLS, a register, or none (absolute address). */
  base: 'SB' | 'FP' | 'PC' | 'PSP' | 'TLS' | RegDesc | undefined;
  /** Symbol (base SB) or argument/local name (FP, pseudo-SP). */
  sym?: string;
  local?: boolean;
  offset: bigint;
  index?: RegDesc;
  scale?: number;
  /** Segment override written as FS:... / GS:... */
  segment?: RegDesc;
}

export interface Statement {
  pos: Pos;
  /** Labels defined before the statement on the same line. */
  labels: { name: string; pos: Pos }[];
  /** Upper-case mnemonic or pseudo-op; '' for a line with only labels. */
  op: string;
  opPos: Pos;
  operands: Operand[];
  /** TEXT/DATA: the ABI selector `<ABIInternal>` or the `/size` of DATA. */
  dataSize?: number;
}

export class ParseError extends Error {
  constructor(readonly pos: Pos, message: string) { super(message); }
}

const MASK64 = (1n << 64n) - 1n;
const wrap = (v: bigint) => BigInt.asIntN(64, v);

/** Parses the preprocessed token stream into statements; problems go to `diags` and the statement is dropped. */
export function parseTokens(toks: Tok[], diags: Diagnostic[]): Statement[] {
  const out: Statement[] = [];
  let start = 0;
  for (let i = 0; i <= toks.length; i++) {
    const t = toks[i];
    if (t && !(t.k === 'eol' || (t.k === 'punct' && t.s === ';'))) continue;
    if (i > start) {
      const stmtToks = toks.slice(start, i);
      try {
        const st = parseStatement(stmtToks);
        if (st) out.push(st);
      } catch (e) {
        if (e instanceof ParseError) { if (diags.length < 10000) diags.push({ ...e.pos, message: e.message }); }
        else throw e;
      }
    }
    start = i + 1;
  }
  return out;
}

function posOf(t: Tok): Pos { return { file: t.file, line: t.line, col: t.col }; }

class Cursor {
  i = 0;
  constructor(readonly toks: Tok[], readonly end: Pos) {}
  peek(o = 0): Tok | undefined { return this.toks[this.i + o]; }
  next(): Tok { const t = this.toks[this.i++]; if (!t) throw new ParseError(this.end, 'unexpected end of line'); return t; }
  isP(s: string, o = 0): boolean { const t = this.peek(o); return !!t && t.k === 'punct' && t.s === s; }
  expectP(s: string): Tok {
    const t = this.peek();
    if (!t || t.k !== 'punct' || t.s !== s) throw new ParseError(t ? posOf(t) : this.end, `expected '${s}'${t ? `, found ${JSON.stringify(t.s)}` : ''}`);
    return this.next();
  }
  done(): boolean { return this.i >= this.toks.length; }
  pos(): Pos { const t = this.peek(); return t ? posOf(t) : this.end; }
}

function parseStatement(toks: Tok[]): Statement | undefined {
  const last = toks[toks.length - 1];
  const end = { file: last.file, line: last.line, col: last.col + last.s.length };
  const c = new Cursor(toks, end);
  const labels: { name: string; pos: Pos }[] = [];
  while (c.peek()?.k === 'ident' && c.isP(':', 1)) {
    const t = c.next(); c.next();
    labels.push({ name: t.s, pos: posOf(t) });
  }
  if (c.done()) return labels.length ? { pos: labels[0].pos, labels, op: '', opPos: labels[0].pos, operands: [] } : undefined;
  const opTok = c.next();
  if (opTok.k !== 'ident') throw new ParseError(posOf(opTok), `expected an instruction, found ${JSON.stringify(opTok.s)}`);
  // Mnemonics are case-sensitive, as in Go (movq is not an instruction).
  const op = opTok.s;
  const st: Statement = { pos: labels[0]?.pos ?? posOf(opTok), labels, op, opPos: posOf(opTok), operands: [] };
  // Split operands at top-level commas.
  const groups: Tok[][] = [];
  let depth = 0, cur: Tok[] = [];
  for (; !c.done(); ) {
    const t = c.next();
    if (t.k === 'punct' && t.s === '(') depth++;
    if (t.k === 'punct' && t.s === ')') depth--;
    if (t.k === 'punct' && t.s === ',' && depth === 0) { groups.push(cur); cur = []; continue; }
    cur.push(t);
  }
  if (cur.length || groups.length) groups.push(cur);
  for (const g of groups) {
    // Register pair R11:AX (old spelling of SHLL CX, AX, R11): two operands, low register first.
    if (g.length === 3 && g[0].k === 'ident' && g[1].k === 'punct' && g[1].s === ':' && g[2].k === 'ident') {
      const hi = lookupRegister(g[0].s), lo = lookupRegister(g[2].s);
      if (hi && lo && hi.cls === 'gpr' && lo.cls === 'gpr') {
        st.operands.push({ kind: 'reg', pos: posOf(g[2]), reg: lo }, { kind: 'reg', pos: posOf(g[0]), reg: hi });
        continue;
      }
    }
    if (g.length === 0) throw new ParseError(st.opPos, `${op}: empty operand`);
    const gl = g[g.length - 1];
    const oc = new Cursor(g, { file: gl.file, line: gl.line, col: gl.col + gl.s.length });
    if (op === 'DATA' && st.operands.length === 0) {
      // DATA sym+off(SB)/size
      const o = parseOperand(oc, op);
      oc.expectP('/');
      const sz = parseExpr(oc);
      st.dataSize = Number(sz);
      st.operands.push(o);
    } else if (op === 'TEXT' && g[0].k === 'punct' && g[0].s === '$') {
      st.operands.push(parseFrame(oc));
    } else {
      st.operands.push(parseOperand(oc, op));
    }
    if (!oc.done()) throw new ParseError(oc.pos(), `unexpected ${JSON.stringify(oc.peek()!.s)} in operand`);
  }
  return st;
}

/** `$frame[-args]` in TEXT: the '-' separates the two sizes (it is not a subtraction). */
function parseFrame(c: Cursor): Operand {
  const pos = c.pos();
  c.expectP('$');
  let neg = false;
  if (c.isP('-')) { c.next(); neg = true; }
  const f = parseTerm(c);
  let args: bigint | undefined;
  if (c.isP('-')) { c.next(); args = parseTerm(c); }
  return { kind: 'frame', pos, frame: neg ? -f : f, args };
}

function parseOperand(c: Cursor, op: string): Operand {
  const pos = c.pos();
  const t = c.peek()!;
  if (t.k === 'punct' && t.s === '$') {
    c.next();
    const u = c.peek();
    if (!u) throw new ParseError(pos, 'missing value after $');
    if (u.k === 'string') { c.next(); return { kind: 'string', pos, value: u.s }; }
    // $sym(SB), $sym+off(SB), $sym<>(SB)
    if (u.k === 'ident' && !lookupRegister(u.s)) {
      const m = parseMem(c);
      if (typeof m.base === 'string' && m.base === 'SB') return { kind: 'addr', pos, sym: m.sym ?? '', local: !!m.local, offset: m.offset };
      throw new ParseError(pos, `invalid immediate: only sym(SB) may follow $ with a name`);
    }
    // Floating-point constant: $1.5, $(1.5), $-1.5, $(-1.5)
    if (isFloatAhead(c)) return { kind: 'float', pos, value: parseFloat(c) };
    return { kind: 'imm', pos, value: parseExpr(c) };
  }
  if (t.k === 'punct' && t.s === '*') {
    // Indirect branch target written as *AX or *(AX) in older sources: same as AX / (AX).
    c.next();
    return parseOperand(c, op);
  }
  if (t.k === 'ident') {
    const r = lookupRegister(t.s);
    if (r && !c.isP('(', 1) && !c.isP(':', 1)) { c.next(); return { kind: 'reg', pos, reg: r }; }
    if (r && c.isP(':', 1) && r.cls === 'seg') {
      c.next(); c.next();
      const inner = parseOperand(c, op);
      if (inner.kind !== 'mem') throw new ParseError(pos, 'segment override needs a memory operand');
      inner.mem.segment = r;
      return inner;
    }
    if (!r && (c.done() || (c.i + 1 === c.toks.length))) { c.next(); return { kind: 'label', pos, name: t.s }; }
  }
  return { kind: 'mem', pos, mem: parseMem(c) };
}

function isFloatAhead(c: Cursor): boolean {
  for (let k = 0; k < 4; k++) {
    const t = c.peek(k);
    if (!t) return false;
    if (t.k === 'float') return true;
    if (!(t.k === 'punct' && (t.s === '(' || t.s === '-' || t.s === '+'))) return false;
  }
  return false;
}

function parseFloat(c: Cursor): number {
  let sign = 1, parens = 0;
  for (;;) {
    if (c.isP('(')) { c.next(); parens++; continue; }
    if (c.isP('-')) { c.next(); sign = -sign; continue; }
    if (c.isP('+')) { c.next(); continue; }
    break;
  }
  const t = c.next();
  if (t.k !== 'float') throw new ParseError(posOf(t), 'expected a floating-point constant');
  for (; parens > 0; parens--) c.expectP(')');
  return sign * t.f!;
}

/**
 * Memory operand (or branch target): [sym[<>]][±expr](base)[(index*scale)], or expr(base)..., or (base)...
 * Also `n(PC)` and `name+off(FP)`. A leading '(' that opens an expression, as in `(8*2)(SP)`, is handled.
 */
function parseMem(c: Cursor): MemRef {
  const pos = c.pos();
  let sym: string | undefined, local = false, offset = 0n;
  const t = c.peek()!;
  if (t.k === 'ident' && !lookupRegister(t.s)) {
    c.next();
    sym = t.s;
    if (c.isP('<>')) { c.next(); local = true; }
    else if (c.isP('<') && c.peek(1)?.k === 'ident' && c.isP('>', 2)) {
      // ABI selector: sym<ABIInternal>(SB) / sym<ABI0>(SB)
      const abi = c.peek(1)!.s;
      if (abi !== 'ABI0' && abi !== 'ABIInternal') throw new ParseError(posOf(c.peek(1)!), `unknown ABI ${abi}`);
      c.next(); c.next(); c.next();
    }
    if (c.isP('+') || c.isP('-')) offset = parseExpr(c);
  } else if (!(c.isP('(') && isRegParen(c, 0))) {
    offset = parseExpr(c);
  }
  if (!c.isP('(')) {
    if (sym !== undefined && offset === 0n && c.done()) return { base: undefined, sym, offset };
    if (sym === undefined && c.done()) return { base: undefined, offset };
    throw new ParseError(c.pos(), `expected '(' in memory operand`);
  }
  c.next();
  const bt = c.next();
  let base: MemRef['base'];
  if (bt.k !== 'ident') throw new ParseError(posOf(bt), `expected a register, found ${JSON.stringify(bt.s)}`);
  if (bt.s === 'SB') base = 'SB';
  else if (bt.s === 'FP') base = 'FP';
  else if (bt.s === 'PC') base = 'PC';
  else if (bt.s === 'SP' && sym !== undefined) base = 'PSP';
  else {
    const r = lookupRegister(bt.s);
    if (!r) throw new ParseError(posOf(bt), `unknown register ${bt.s}`);
    if (r.cls === 'tls') base = 'TLS';
    else if (r.cls !== 'gpr') throw new ParseError(posOf(bt), `${bt.s} cannot be used as a base register`);
    else base = r;
  }
  c.expectP(')');
  if (sym !== undefined && base !== 'SB' && base !== 'FP' && base !== 'PSP') {
    throw new ParseError(pos, `symbol ${sym} needs (SB), (FP) or (SP), not (${bt.s})`);
  }
  if (base === 'FP' && sym === undefined) throw new ParseError(pos, 'cannot reference FP without a symbol name (write name+off(FP))');
  let index: RegDesc | undefined, scale: number | undefined;
  if (c.isP('(')) {
    c.next();
    const it = c.next();
    const r = it.k === 'ident' ? lookupRegister(it.s) : undefined;
    if (!r || (r.cls !== 'gpr' && r.cls !== 'tls')) throw new ParseError(posOf(it), `expected an index register, found ${JSON.stringify(it.s)}`);
    scale = 1;
    if (!c.isP('*') && r.cls !== 'tls') throw new ParseError(posOf(it), `invalid instruction: index register ${it.s} needs a scale (${it.s}*1)`);
    if (c.isP('*')) {
      c.next();
      const st = c.next();
      if (st.k !== 'int' || !['1', '2', '4', '8'].includes(String(st.v))) throw new ParseError(posOf(st), 'scale must be 1, 2, 4 or 8');
      scale = Number(st.v);
    }
    c.expectP(')');
    if (r.cls === 'tls') { if (base !== 'TLS' && typeof base === 'object') base = 'TLS'; }
    else { if (r.num === 4) throw new ParseError(posOf(it), 'SP cannot be an index register'); index = r; }
  }
  return { base, sym, local, offset, index, scale };
}

/** Is the '(' at offset o the start of `(REG)` (as opposed to a parenthesized expression)? */
function isRegParen(c: Cursor, o: number): boolean {
  const t = c.peek(o + 1);
  return !!t && t.k === 'ident' && (lookupRegister(t.s) !== undefined || t.s === 'SB' || t.s === 'FP' || t.s === 'PC');
}

// Expressions: Go's assembler grammar (additive: + - | ^; multiplicative: * / % << >> &; unary: - + ~ !).
export function parseExpr(c: Cursor): bigint {
  let v = parseTerm(c);
  for (;;) {
    const t = c.peek();
    if (!t || t.k !== 'punct') return v;
    // A '(' after a value starts the base register of a memory operand: stop.
    if (t.s === '+') { c.next(); v = wrap(v + parseTerm(c)); }
    else if (t.s === '-') { c.next(); v = wrap(v - parseTerm(c)); }
    else if (t.s === '|') { c.next(); v = wrap(v | parseTerm(c)); }
    else if (t.s === '^') { c.next(); v = wrap(v ^ parseTerm(c)); }
    else return v;
  }
}

function parseTerm(c: Cursor): bigint {
  let v = parseUnary(c);
  for (;;) {
    const t = c.peek();
    if (!t || t.k !== 'punct') return v;
    if (t.s === '*') { c.next(); v = wrap(v * parseUnary(c)); }
    else if (t.s === '/' || t.s === '%') {
      c.next();
      const d = parseUnary(c);
      if (d === 0n) throw new ParseError(posOf(t), 'division by zero');
      v = wrap(t.s === '/' ? v / d : v % d);
    } else if (t.s === '<<' || t.s === '>>') {
      c.next();
      const n = parseUnary(c);
      if (n < 0n) throw new ParseError(posOf(t), 'negative shift count');
      if (n >= 64n) v = 0n;
      else v = t.s === '<<' ? wrap(v << n) : wrap(BigInt.asUintN(64, v) >> n);
    } else if (t.s === '&') { c.next(); v = wrap(v & parseUnary(c)); }
    else return v;
  }
}

let unaryDepth = 0;
function parseUnary(c: Cursor): bigint {
  unaryDepth++;
  try {
    if (unaryDepth > 200) throw new ParseError(c.pos(), 'expression nested too deeply');
    const t = c.next();
    if (t.k === 'punct') {
      switch (t.s) {
        case '-': return wrap(-parseUnary(c));
        case '+': return parseUnary(c);
        case '~': return wrap(~parseUnary(c));
        case '!': return parseUnary(c) === 0n ? 1n : 0n;
        case '(': {
          const v = parseExpr(c);
          c.expectP(')');
          return v;
        }
      }
    }
    if (t.k === 'int' || t.k === 'char') {
      if (t.v! > MASK64) throw new ParseError(posOf(t), `integer constant too large: ${t.s.length > 40 ? t.s.slice(0, 40) + '…' : t.s}`);
      return wrap(t.v!);
    }
    if (t.k === 'ident') throw new ParseError(posOf(t), `undefined name ${t.s} in expression (constants must be #defined)`);
    if (t.k === 'float') throw new ParseError(posOf(t), 'floating-point constant not allowed here');
    throw new ParseError(posOf(t), `unexpected ${JSON.stringify(t.s)} in expression`);
  } finally {
    unaryDepth--;
  }
}
