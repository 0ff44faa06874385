// The C-like preprocessor of Go's assembler: #include, #define (object-like, function-like, continued with
// backslash), #undef, #ifdef/#ifndef/#else/#endif. Works on tokens; expansion is bounded so that recursive or
// exponential macros end with a diagnostic instead of a hang.
import fs = require('node:fs');
import path = require('node:path');
import { tokenize, Tok, LexError } from './lexer';
import { BUILTIN_HEADERS } from './include/headers';
import type { Diagnostic } from './types';

interface Macro {
  name: string;
  params?: string[];
  body: Tok[];
}

export interface PreprocessOptions {
  includeDirs?: string[];
  defines?: Record<string, string>;
  /** In-memory files (by path) consulted before the disk for #include. */
  files?: Map<string, string>;
}

const MAX_INCLUDE_DEPTH = 32;
const MAX_MACRO_DEPTH = 64;
/** Upper bound on tokens produced by macro expansion over a whole assembly. */
const MAX_EXPANDED_TOKENS = 1_000_000;

export class Preprocessor {
  readonly macros = new Map<string, Macro>();
  readonly diagnostics: Diagnostic[] = [];
  private expandedBudget = MAX_EXPANDED_TOKENS;
  private budgetReported = false;

  constructor(private readonly opts: PreprocessOptions) {
    for (const [name, value] of Object.entries(opts.defines ?? {})) {
      const errs: LexError[] = [];
      const body = tokenize(value, '<command line>', errs).filter(t => t.k !== 'eol');
      this.macros.set(name, { name, body });
    }
  }

  private diag(t: { file: string; line: number; col: number }, message: string): void {
    if (this.diagnostics.length < 10000) this.diagnostics.push({ file: t.file, line: t.line, col: t.col, message });
  }

  /** Preprocesses one file into a flat token stream (lines end with 'eol' tokens). */
  run(file: string, text: string): Tok[] {
    const out: Tok[] = [];
    this.processFile(file, text, [], out);
    return out;
  }

  private processFile(file: string, text: string, stack: string[], out: Tok[]): void {
    const lexErrs: LexError[] = [];
    const toks = tokenize(text, file, lexErrs);
    for (const e of lexErrs) this.diag(e, e.message);
    // Conditional stack: each entry says whether the current branch is active and whether the enclosing one was.
    const cond: { active: boolean; parent: boolean; sawElse: boolean; tok: Tok }[] = [];
    const active = () => cond.length === 0 || cond[cond.length - 1].active;
    let i = 0;
    while (i < toks.length) {
      let j = i;
      while (toks[j].k !== 'eol') j++;
      const line = toks.slice(i, j);
      const eol = toks[j];
      i = j + 1;
      if (line.length === 0) { if (active()) out.push(eol); continue; }
      if (line[0].k === 'punct' && line[0].s === '#') {
        this.directive(line, cond, active(), stack, out);
        out.push(eol);
        continue;
      }
      if (!active()) continue;
      this.expandInto(line, out);
      out.push(eol);
    }
    for (const c of cond) this.diag(c.tok, 'missing #endif');
  }

  private directive(line: Tok[], cond: { active: boolean; parent: boolean; sawElse: boolean; tok: Tok }[],
    active: boolean, stack: string[], out: Tok[]): void {
    const hash = line[0];
    const nameTok = line[1];
    if (!nameTok || nameTok.k !== 'ident') { if (active) this.diag(hash, 'malformed preprocessor directive'); return; }
    const name = nameTok.s;
    const args = line.slice(2);
    switch (name) {
      case 'ifdef': case 'ifndef': {
        const m = args[0];
        let value = false;
        if (!m || m.k !== 'ident' || args.length !== 1) { if (active) this.diag(nameTok, `#${name}: expected one macro name`); }
        else value = this.macros.has(m.s) === (name === 'ifdef');
        cond.push({ active: active && value, parent: active, sawElse: false, tok: nameTok });
        return;
      }
      case 'else': {
        const c = cond[cond.length - 1];
        if (!c) { this.diag(nameTok, '#else without #ifdef'); return; }
        if (c.sawElse) this.diag(nameTok, 'duplicate #else');
        c.sawElse = true;
        c.active = c.parent && !c.active;
        return;
      }
      case 'endif':
        if (!cond.pop()) this.diag(nameTok, '#endif without #ifdef');
        return;
    }
    if (!active) return;
    switch (name) {
      case 'define': this.define(nameTok, args); return;
      case 'undef':
        if (args.length !== 1 || args[0].k !== 'ident') this.diag(nameTok, '#undef: expected one macro name');
        else this.macros.delete(args[0].s);
        return;
      case 'include': this.include(nameTok, args, stack, out); return;
      case 'line': return; // accepted and ignored, as positions stay those of the real file
      default:
        this.diag(nameTok, `unknown directive #${name}`);
    }
  }

  private define(at: Tok, args: Tok[]): void {
    const nameTok = args[0];
    if (!nameTok || nameTok.k !== 'ident') { this.diag(at, '#define: expected a macro name'); return; }
    let k = 1;
    let params: string[] | undefined;
    // A function-like macro has '(' immediately after the name (no space).
    const open = args[1];
    if (open && open.k === 'punct' && open.s === '(' && open.line === nameTok.line && open.col === nameTok.col + nameTok.s.length) {
      params = [];
      k = 2;
      for (;;) {
        const t = args[k];
        if (!t) { this.diag(open, `#define ${nameTok.s}: unterminated parameter list`); return; }
        if (t.k === 'punct' && t.s === ')') { k++; break; }
        if (t.k !== 'ident') { this.diag(t, `#define ${nameTok.s}: bad parameter ${JSON.stringify(t.s)}`); return; }
        if (params.includes(t.s)) { this.diag(t, `#define ${nameTok.s}: duplicate parameter ${t.s}`); return; }
        params.push(t.s);
        k++;
        const sep = args[k];
        if (sep && sep.k === 'punct' && sep.s === ',') k++;
      }
    }
    if (this.macros.has(nameTok.s)) this.diag(nameTok, `redefinition of macro ${nameTok.s}`);
    this.macros.set(nameTok.s, { name: nameTok.s, params, body: args.slice(k) });
  }

  private include(at: Tok, args: Tok[], stack: string[], out: Tok[]): void {
    let target: string | undefined;
    if (args.length === 1 && args[0].k === 'string') target = args[0].s;
    else if (args.length >= 3 && args[0].s === '<' && args[args.length - 1].s === '>') {
      target = args.slice(1, -1).map(t => t.s).join('');
    }
    if (!target) { this.diag(at, '#include: expected "file" or <file>'); return; }
    if (stack.length >= MAX_INCLUDE_DEPTH) { this.diag(at, `#include ${target}: nested too deeply`); return; }
    const found = this.resolveInclude(target, at.file);
    if (!found) { this.diag(at, `#include: cannot find ${target}`); return; }
    if (stack.includes(found.path) || found.path === at.file) {
      this.diag(at, `recursive #include of ${target}`);
      return;
    }
    this.processFile(found.path, found.text, [...stack, at.file], out);
  }

  private resolveInclude(target: string, from: string): { path: string; text: string } | undefined {
    const dirs = [path.dirname(from), ...(this.opts.includeDirs ?? [])];
    for (const d of dirs) {
      const p = path.isAbsolute(target) ? target : path.join(d, target);
      const mem = this.opts.files?.get(p);
      if (mem !== undefined) return { path: p, text: mem };
      try {
        const st = fs.statSync(p);
        if (st.isFile() && st.size < 64 * 1024 * 1024) return { path: p, text: fs.readFileSync(p, 'utf8') };
      } catch { /* not there: next folder */ }
    }
    const base = path.basename(target);
    const builtin = BUILTIN_HEADERS[base];
    if (builtin !== undefined) return { path: `<builtin>/${base}`, text: builtin };
    return undefined;
  }

  /** Expands macros in one line's tokens and appends the result. */
  private expandInto(line: Tok[], out: Tok[]): void {
    if (this.macros.size === 0) { for (const t of line) out.push(t); return; }
    this.expand(line, new Set(), 0, out, undefined);
  }

  private expand(toks: Tok[], disabled: Set<string>, depth: number, out: Tok[], site: Tok | undefined): void {
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i];
      const m = t.k === 'ident' ? this.macros.get(t.s) : undefined;
      if (!m || disabled.has(t.s)) { out.push(site ? { ...t, file: site.file, line: site.line, col: site.col } : t); continue; }
      const at = site ?? t;
      if (depth >= MAX_MACRO_DEPTH) { this.diag(at, `macro ${t.s}: expansion nested too deeply`); return; }
      let body = m.body;
      if (m.params) {
        const open = toks[i + 1];
        if (!open || open.k !== 'punct' || open.s !== '(') {
          // A function-like macro name without arguments is left alone, as in C.
          out.push(site ? { ...t, file: site.file, line: site.line, col: site.col } : t);
          continue;
        }
        const args: Tok[][] = [[]];
        let level = 0, k = i + 2, closed = false;
        for (; k < toks.length; k++) {
          const a = toks[k];
          if (a.k === 'punct' && a.s === '(') level++;
          else if (a.k === 'punct' && a.s === ')') { if (level === 0) { closed = true; break; } level--; }
          else if (a.k === 'punct' && a.s === ',' && level === 0) { args.push([]); continue; }
          args[args.length - 1].push(a);
        }
        if (!closed) { this.diag(at, `macro ${t.s}: missing ')' in call`); return; }
        if (args.length === 1 && args[0].length === 0 && m.params.length === 0) args.pop();
        if (args.length !== m.params.length) {
          this.diag(at, `macro ${t.s}: expects ${m.params.length} argument(s), got ${args.length}`);
          i = k;
          continue;
        }
        const sub: Tok[] = [];
        for (const b of m.body) {
          const pi = b.k === 'ident' ? m.params.indexOf(b.s) : -1;
          if (pi >= 0) for (const a of args[pi]) sub.push(a); else sub.push(b);
        }
        body = sub;
        i = k;
      }
      this.expandedBudget -= body.length;
      if (this.expandedBudget < 0) {
        if (!this.budgetReported) this.diag(at, `macro ${t.s}: expansion too large (more than ${MAX_EXPANDED_TOKENS} tokens)`);
        this.budgetReported = true;
        return;
      }
      const inner = new Set(disabled); inner.add(t.s);
      this.expand(body, inner, depth + 1, out, at);
    }
  }
}
