// Debugger expressions: registers in any spelling (RAX, rax, AX), Go-assembler memory operands (8(SP),
// a1+8(FP)), C-like dereference (*(SP+8)), symbols (main·main, runtime.entersyscall) and 64-bit integer
// arithmetic with comparisons (for breakpoint conditions). Values are unsigned 64-bit bigints.

export interface EvalContext {
  /** A register by any accepted name, or undefined when the name is not a register. */
  register(name: string): bigint | undefined;
  symbol(name: string): number | undefined;
  /** Read size bytes little-endian; throws an Error naming the address when unmapped. */
  read(addr: number, size: number): bigint;
  /** The frame's FP pseudo-register (address of the first argument), when known. */
  fp?(): number | undefined;
}

export interface EvalResult {
  value: bigint;
  /** How the value was found, for the UI: `register RAX`, `memory 0x...`. */
  kind: 'register' | 'memory' | 'symbol' | 'value';
  /** Address for memory results and symbols (enables memoryReference in the UI). */
  addr?: number;
  register?: string;
}

const MASK = (1n << 64n) - 1n;
type Tok = { t: 'num' | 'id' | 'op'; v: string; pos: number };

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const rest = src.slice(i);
    let m = /^(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9][0-9_]*)/.exec(rest);
    if (m) { out.push({ t: 'num', v: m[0], pos: i }); i += m[0].length; continue; }
    m = /^[A-Za-z_\u00b7\u2215$.][A-Za-z0-9_\u00b7\u2215$./<>]*/.exec(rest);
    if (m) {
      let v = m[0];
      // `<ABIInternal>` only as a trailing suffix of symbols; never swallow a comparison
      if (/[<>]/.test(v) && !/^[^<>]*<[A-Za-z0-9]+>$/.test(v)) v = v.replace(/[<>].*$/, '');
      out.push({ t: 'id', v, pos: i }); i += v.length; continue;
    }
    m = /^(<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^~!()<>])/.exec(rest);
    if (m) { out.push({ t: 'op', v: m[0], pos: i }); i += m[0].length; continue; }
    throw new Error(`unexpected '${c}' at column ${i + 1}`);
  }
  return out;
}

const BINARY: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '<=': 7, '>': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

/** Evaluate an expression; throws Error with a message naming what was wrong. */
export function evaluate(src: string, ctx: EvalContext): EvalResult {
  const toks = lex(src);
  if (toks.length === 0) throw new Error('empty expression');
  let i = 0;
  const peek = () => toks[i];
  const eat = (v: string) => {
    const t = toks[i];
    if (!t || t.v !== v) throw new Error(`expected '${v}'${t ? ` at column ${t.pos + 1}` : ' at the end'}`);
    i++;
  };

  function num(s: string): bigint {
    const c = s.replace(/_/g, '');
    return BigInt(/^0[oO]/.test(c) ? '0o' + c.slice(2) : c) & MASK;
  }

  // An identifier: a register, FP, or a symbol. `name+8(FP)` is handled in postfix (offset(base)).
  function ident(name: string): EvalResult {
    if (name.toUpperCase() === 'FP' && ctx.fp) {
      const fp = ctx.fp();
      if (fp === undefined) throw new Error('FP is not known in this frame');
      return { value: BigInt(fp), kind: 'value' };
    }
    const r = ctx.register(name);
    if (r !== undefined) return { value: r & MASK, kind: 'register', register: name };
    const s = ctx.symbol(name);
    if (s !== undefined) return { value: BigInt(s), kind: 'symbol', addr: s };
    throw new Error(`unknown register or symbol '${name}'`);
  }

  function primary(): EvalResult {
    const t = toks[i++];
    if (!t) throw new Error('unexpected end of expression');
    if (t.t === 'num') {
      const v = num(t.v);
      return postfixMem(v, { value: v, kind: 'value' });
    }
    if (t.t === 'id') {
      // `name+8(FP)` / `name-8(SP)`: Go's named operand; the value is offset(base)
      if (peek()?.v === '+' || peek()?.v === '-') {
        const save = i;
        const sign = toks[i].v; i++;
        const n = toks[i];
        if (n?.t === 'num' && toks[i + 1]?.v === '(') {
          const base = toks[i + 2];
          if (base?.t === 'id' && (base.v.toUpperCase() === 'FP' || ctx.register(base.v) !== undefined) && toks[i + 3]?.v === ')') {
            i++;
            const off = sign === '-' ? -num(n.v) : num(n.v);
            return postfixMem(off, { value: off, kind: 'value' });
          }
        }
        i = save;
      }
      return ident(t.v);
    }
    if (t.v === '(') { const r = expr(0); eat(')'); return r; }
    if (t.v === '-') { const r = primary(); return { value: (-r.value) & MASK, kind: 'value' }; }
    if (t.v === '~') { const r = primary(); return { value: (~r.value) & MASK, kind: 'value' }; }
    if (t.v === '!') { const r = primary(); return { value: r.value === 0n ? 1n : 0n, kind: 'value' }; }
    if (t.v === '+') return primary();
    if (t.v === '*') {
      const r = primary();
      const addr = Number(r.value);
      return { value: ctx.read(addr, 8), kind: 'memory', addr };
    }
    throw new Error(`unexpected '${t.v}' at column ${t.pos + 1}`);
  }

  // `off(REG)`: memory at REG+off, 8 bytes (Go's operand syntax)
  function postfixMem(off: bigint, plain: EvalResult): EvalResult {
    if (peek()?.v !== '(' ) return plain;
    const base = toks[i + 1];
    if (!base || base.t !== 'id' || toks[i + 2]?.v !== ')') return plain;
    i += 3;
    const b = ident(base.v).value;
    const addr = Number((b + off) & MASK);
    return { value: ctx.read(addr, 8), kind: 'memory', addr };
  }

  function expr(minPrec: number): EvalResult {
    let left = primary();
    for (;;) {
      const t = peek();
      if (!t || t.t !== 'op') break;
      const p = BINARY[t.v];
      if (p === undefined || p <= minPrec) break;
      i++;
      const right = expr(p);
      left = { value: apply(t.v, left.value, right.value), kind: 'value' };
    }
    return left;
  }

  const r = expr(0);
  if (i < toks.length) throw new Error(`unexpected '${toks[i].v}' at column ${toks[i].pos + 1}`);
  return r;
}

function signed(v: bigint): bigint { return BigInt.asIntN(64, v); }

function apply(op: string, a: bigint, b: bigint): bigint {
  const bool = (x: boolean) => (x ? 1n : 0n);
  switch (op) {
    case '+': return (a + b) & MASK;
    case '-': return (a - b) & MASK;
    case '*': return (a * b) & MASK;
    case '/': if (b === 0n) throw new Error('division by zero'); return (a / b) & MASK;
    case '%': if (b === 0n) throw new Error('division by zero'); return (a % b) & MASK;
    case '&': return a & b;
    case '|': return a | b;
    case '^': return a ^ b;
    case '<<': return (a << (b & 63n)) & MASK;
    case '>>': return a >> (b & 63n);
    case '==': return bool(a === b);
    case '!=': return bool(a !== b);
    case '<': return bool(signed(a) < signed(b));
    case '<=': return bool(signed(a) <= signed(b));
    case '>': return bool(signed(a) > signed(b));
    case '>=': return bool(signed(a) >= signed(b));
    case '&&': return bool(a !== 0n && b !== 0n);
    case '||': return bool(a !== 0n || b !== 0n);
  }
  throw new Error(`unknown operator ${op}`);
}

/** DAP hit conditions: `5` (on the 5th hit), `>= 5`, `% 3` (every 3rd). */
export function hitConditionMet(cond: string | undefined, hits: number): boolean {
  if (!cond || !cond.trim()) return true;
  const m = /^\s*(==|=|>=|>|<=|<|%)?\s*(\d+)\s*$/.exec(cond);
  if (!m) return true;
  const n = Number(m[2]);
  switch (m[1] ?? '>=') {
    case '=': case '==': return hits === n;
    case '>': return hits > n;
    case '>=': return hits >= n;
    case '<': return hits < n;
    case '<=': return hits <= n;
    case '%': return n > 0 && hits % n === 0;
  }
  return true;
}

export function validHitCondition(cond: string | undefined): boolean {
  return !cond || !cond.trim() || /^\s*(==|=|>=|>|<=|<|%)?\s*(\d+)\s*$/.test(cond);
}
