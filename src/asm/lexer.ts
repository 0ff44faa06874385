// Tokenizer for Go's assembler syntax. Produces tokens with file/line/col; comments and backslash-newline
// continuations are whitespace; every physical end of line is an 'eol' token (the preprocessor needs lines).

export type TokKind = 'ident' | 'int' | 'float' | 'char' | 'string' | 'punct' | 'eol';

export interface Tok {
  k: TokKind;
  /** Identifier or punctuation text; for int/char the literal text; for string the decoded value. */
  s: string;
  /** int and char: the value. */
  v?: bigint;
  /** float: the value. */
  f?: number;
  file: string;
  line: number;
  col: number;
}

export interface LexError { file: string; line: number; col: number; message: string }

const MIDDOT = '\u00b7';
const DIVSLASH = '\u2215';

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === MIDDOT || c === DIVSLASH ||
    (c > '\u007f' && /\p{L}/u.test(c));
}
function isIdentPart(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9') || c === '.';
}
function isDigit(c: string): boolean { return c >= '0' && c <= '9'; }
function isPlainDecimal(s: string): boolean {
  if (s.length > 1 && s[0] === '0') return false;
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c < 48 || c > 57) return false; }
  return true;
}

const NUMBER_RE = /0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9][0-9_]*(\.[0-9]*)?([eE][+-]?[0-9]+)?|\.[0-9]+([eE][+-]?[0-9]+)?/y;
const IDENT_ASCII = /[A-Za-z0-9_.]*/y;
const TWO_CHAR = new Set(['<<', '>>', '<>', '==', '!=', '&&', '||']);

/** Decodes one escape at text[i] (just after the backslash); returns [code point, next index] or undefined. */
function readEscape(text: string, i: number): [number, number] | undefined {
  const c = text[i];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34, '0': 0 };
  if (c === 'x') {
    const h = text.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(h)) return undefined;
    return [parseInt(h, 16), i + 3];
  }
  if (c >= '0' && c <= '7') {
    const o = text.slice(i, i + 3);
    if (/^[0-7]{3}$/.test(o)) return [parseInt(o, 8), i + 3];
    if (c === '0') return [0, i + 1];
    return undefined;
  }
  if (c === 'u' || c === 'U') {
    const n = c === 'u' ? 4 : 8;
    const h = text.slice(i + 1, i + 1 + n);
    if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) return undefined;
    return [parseInt(h, 16), i + 1 + n];
  }
  if (c in simple) return [simple[c], i + 1];
  return undefined;
}

/** Tokenizes a whole file. Never throws: problems are reported through `errors` and the bad text skipped. */
export function tokenize(text: string, file: string, errors: LexError[]): Tok[] {
  const out: Tok[] = [];
  let i = 0, line = 1, lineStart = 0;
  const n = text.length;
  const err = (col: number, message: string) => { if (errors.length < 1000) errors.push({ file, line, col, message }); };
  while (i < n) {
    const cc = text.charCodeAt(i);
    // Fast paths on the character code for blanks and ASCII identifiers (most of any source).
    if (cc === 32 || cc === 9) { i++; continue; }
    if ((cc >= 97 && cc <= 122) || (cc >= 65 && cc <= 90) || cc === 95 || cc === 0xb7 || cc === 0x2215) {
      IDENT_ASCII.lastIndex = i + 1;
      IDENT_ASCII.exec(text);
      let j = IDENT_ASCII.lastIndex;
      while (j < n && isIdentPart(text[j])) j++;
      out.push({ k: 'ident', s: text.slice(i, j), v: undefined, f: undefined, file, line, col: i - lineStart + 1 });
      i = j;
      continue;
    }
    const c = text[i];
    const col = i - lineStart + 1;
    if (c === '\n') {
      out.push({ k: 'eol', s: '\n', file, line, col });
      i++; line++; lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') { i++; continue; }
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\r' ? 3 : 2; line++; lineStart = i;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      if (end < 0) err(col, 'unterminated /* comment');
      for (let j = i; j < stop; j++) if (text[j] === '\n') { line++; lineStart = j + 1; }
      i = stop;
      continue;
    }
    if (isIdentStart(c)) {
      IDENT_ASCII.lastIndex = i + 1;
      IDENT_ASCII.exec(text);
      let j = IDENT_ASCII.lastIndex;
      while (j < n && isIdentPart(text[j])) j++;
      out.push({ k: 'ident', s: text.slice(i, j), file, line, col });
      i = j;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      let j = i;
      NUMBER_RE.lastIndex = i;
      const m = NUMBER_RE.exec(text);
      const lit = m ? m[0] : c;
      j = i + lit.length;
      // A trailing identifier character glued to a number is an error (e.g. 12abc).
      if (j < n && isIdentPart(text[j]) && text[j] !== '.') {
        let k = j; while (k < n && isIdentPart(text[k])) k++;
        err(col, `malformed number ${JSON.stringify(text.slice(i, k).slice(0, 40))}`);
        out.push({ k: 'int', s: '0', v: 0n, file, line, col });
        i = k;
        continue;
      }
      if (isPlainDecimal(lit)) {
        out.push({ k: 'int', s: lit, v: BigInt(lit), file, line, col });
      } else if (/[.eE]/.test(lit) && !/^0[xX]/.test(lit)) {
        out.push({ k: 'float', s: lit, f: Number(lit), file, line, col });
      } else {
        const clean = lit.replace(/_/g, '');
        let v: bigint;
        if (/^0[0-7]+$/.test(clean)) v = BigInt('0o' + clean.slice(1));
        else if (/^0[0-9]+$/.test(clean)) { err(col, `invalid octal number ${clean}`); v = 0n; }
        else v = BigInt(clean);
        out.push({ k: 'int', s: lit, v, file, line, col });
      }
      i = j;
      continue;
    }
    if (c === "'") {
      let j = i + 1, cp: number | undefined;
      if (text[j] === '\\') {
        const e = readEscape(text, j + 1);
        if (e) { cp = e[0]; j = e[1]; }
      } else if (j < n && text[j] !== '\n' && text[j] !== "'") {
        cp = text.codePointAt(j)!; j += cp > 0xffff ? 2 : 1;
      }
      if (cp === undefined || text[j] !== "'") {
        err(col, 'malformed character constant');
        while (i < n && text[i] !== '\n' && text[i] !== ' ') i++;
        continue;
      }
      out.push({ k: 'char', s: text.slice(i, j + 1), v: BigInt(cp), file, line, col });
      i = j + 1;
      continue;
    }
    if (c === '"' || c === '`') {
      let j = i + 1, s = '', ok = false;
      while (j < n && text[j] !== '\n') {
        if (text[j] === c) { ok = true; j++; break; }
        if (c === '"' && text[j] === '\\') {
          const e = readEscape(text, j + 1);
          if (!e) { err(j - lineStart + 1, 'unknown escape sequence'); j += 2; continue; }
          s += String.fromCharCode(e[0] & 0xff); j = e[1];
          continue;
        }
        // Non-ASCII runes in strings are stored as their UTF-8 bytes, one char per byte.
        const cp = text.codePointAt(j)!;
        const ch = String.fromCodePoint(cp);
        if (cp < 0x80) s += ch;
        else for (const b of Buffer.from(ch, 'utf8')) s += String.fromCharCode(b);
        j += ch.length;
      }
      if (!ok) err(col, 'unterminated string');
      out.push({ k: 'string', s, file, line, col });
      i = j;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (TWO_CHAR.has(two)) {
      out.push({ k: 'punct', s: two, file, line, col });
      i += 2;
      continue;
    }
    if ('$()[],;:+-*/%&|^~!<>=#@{}.'.includes(c)) {
      out.push({ k: 'punct', s: c, file, line, col });
      i++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    err(col, `unexpected character ${cp < 0x20 || cp > 0x7e ? 'U+' + cp.toString(16).toUpperCase().padStart(4, '0') : JSON.stringify(String.fromCodePoint(cp))}`);
    i += cp > 0xffff ? 2 : 1;
  }
  out.push({ k: 'eol', s: '\n', file, line, col: i - lineStart + 1 });
  return out;
}
