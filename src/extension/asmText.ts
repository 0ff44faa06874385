// Reading Go assembly source text for the editor features (vscode-free): register words on a line, the syscall
// number loaded before a SYSCALL, and whether a .s file is Go assembly at all.
import { syscallName } from '../linux/sysnames';

/** Plan 9 general-purpose register → the x86-64 name the debugger shows (Registers scope). */
export const PLAN9_TO_X86: Record<string, string> = {
  AX: 'RAX', BX: 'RBX', CX: 'RCX', DX: 'RDX', SI: 'RSI', DI: 'RDI', BP: 'RBP',
  R8: 'R8', R9: 'R9', R10: 'R10', R11: 'R11', R12: 'R12', R13: 'R13', R14: 'R14', R15: 'R15',
};
for (let i = 0; i < 16; i++) PLAN9_TO_X86[`X${i}`] = `XMM${i}`;

const X86_NAMES = new Set([...Object.values(PLAN9_TO_X86), 'RSP', 'RIP', 'RFLAGS', 'FS_BASE']);

export interface WordRange { word: string; start: number; end: number }

/** The code part of a line: without `//` comments and string literals (replaced by spaces, columns kept). */
export function codePart(line: string): string {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '/' && line[i + 1] === '/') return out + ' '.repeat(line.length - i);
    if (c === '"' || c === '\'') {
      let j = i + 1;
      while (j < line.length && line[j] !== c) j += line[j] === '\\' ? 2 : 1;
      out += ' '.repeat(Math.min(j, line.length - 1) - i + 1);
      i = j;
      continue;
    }
    out += c;
  }
  return out;
}

/** Register operands on one asm line (Plan 9 names, as written), in order, each once. */
export function registersOnLine(line: string): WordRange[] {
  const code = codePart(line);
  if (/^\s*#/.test(code)) return [];
  const out: WordRange[] = [];
  const seen = new Set<string>();
  const re = /[A-Za-z_\u00b7][A-Za-z0-9_\u00b7]*/g;
  let m: RegExpExecArray | null;
  let first = true;
  while ((m = re.exec(code))) {
    const w = m[0];
    const isLabel = code[m.index + w.length] === ':';
    if (first && !isLabel) { first = false; continue; }   // the mnemonic
    if (PLAN9_TO_X86[w] && !seen.has(w)) { seen.add(w); out.push({ word: w, start: m.index, end: m.index + w.length }); }
  }
  return out;
}

/** The register word at a column (Plan 9 `AX` or x86 `RAX`/`rax`), for hovers. */
export function registerAt(line: string, col: number): WordRange | undefined {
  const code = codePart(line);
  const re = /[A-Za-z_][A-Za-z0-9_]*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(code))) {
    if (col < m.index || col > m.index + m[0].length) continue;
    const w = m[0];
    if (PLAN9_TO_X86[w] || X86_NAMES.has(w.toUpperCase())) return { word: w, start: m.index, end: m.index + w.length };
    return undefined;
  }
  return undefined;
}

export interface SyscallHint { nr: number; name: string; start: number; end: number; via: 'AX' | 'Syscall' }

const NUM = String.raw`(0x[0-9a-fA-F]+|\d+|[A-Za-z_][A-Za-z0-9_]*)`;
const LOAD_AX = new RegExp(String.raw`^\s*(?:[A-Za-z_]\w*:\s*)?MOV[LQ]?\s+\$` + NUM + String.raw`\s*,\s*(?:AX|RAX|EAX)\b`);
const LOAD_TRAP = new RegExp(String.raw`^\s*(?:[A-Za-z_]\w*:\s*)?MOVQ\s+\$` + NUM + String.raw`\s*,\s*(?:trap\+)?0\(SP\)`);
const STOP = /^\s*(?:TEXT|RET\b|JMP\b)/;

/** `#define NAME value` numbers of the file (e.g. `#define SYS_write 1`). */
export function numericDefines(lines: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of lines) {
    const m = /^\s*#\s*define\s+([A-Za-z_]\w*)\s+(0x[0-9a-fA-F]+|\d+)\s*(?:\/\/.*)?$/.exec(l);
    if (m) out.set(m[1], Number(m[2]));
  }
  return out;
}

function value(tok: string, defines: Map<string, number>): number | undefined {
  if (/^(0x[0-9a-fA-F]+|\d+)$/.test(tok)) return Number(tok);
  return defines.get(tok);
}

/**
 * A syscall number under the cursor: `MOVQ $1, AX` with a SYSCALL later in the same block (no TEXT/RET/JMP
 * between, at most 16 lines), or `MOVQ $1, 0(SP)` before `CALL syscall·Syscall...(SB)`. Hovering the SYSCALL
 * line itself answers with the last such load above it.
 */
export function syscallHintAt(lines: string[], line: number, col: number, defines = numericDefines(lines)): SyscallHint | undefined {
  const text = lines[line] ?? '';
  const code = codePart(text);
  if (/\bSYSCALL\b/.test(code)) {
    const at = code.indexOf('SYSCALL');
    if (col < at || col > at + 7) return undefined;
    for (let i = line - 1; i >= 0 && i >= line - 16; i--) {
      const c = codePart(lines[i]);
      if (STOP.test(c)) break;
      const m = LOAD_AX.exec(c);
      if (m) {
        const nr = value(m[1], defines);
        return nr === undefined ? undefined : { nr, name: syscallName(nr), start: at, end: at + 7, via: 'AX' };
      }
    }
    return undefined;
  }
  for (const [re, via] of [[LOAD_AX, 'AX'], [LOAD_TRAP, 'Syscall']] as const) {
    const m = re.exec(code);
    if (!m) continue;
    const start = code.indexOf('$' + m[1]);
    const end = start + 1 + m[1].length;
    if (col < start || col > end) return undefined;
    const nr = value(m[1], defines);
    if (nr === undefined) return undefined;
    for (let i = line + 1; i < lines.length && i <= line + 16; i++) {
      const c = codePart(lines[i]);
      if (via === 'AX' && /\bSYSCALL\b/.test(c)) return { nr, name: syscallName(nr), start, end, via };
      if (via === 'Syscall' && /\bCALL\s+[\w\u00b7\u2215]*syscall\u00b7(?:Raw)?Syscall6?\(SB\)/.test(c)) return { nr, name: syscallName(nr), start, end, via };
      if (STOP.test(c) || (via === 'AX' && /,\s*AX\b/.test(c))) break;
    }
  }
  return undefined;
}

/**
 * Is this `.s` text Go (Plan 9) assembly? Other assemblers' files (GNU, NASM) must not be flooded with
 * diagnostics: we need a `TEXT sym(SB)` line, or Go-only headers, and no tell-tale GNU/NASM directives.
 */
export function looksLikeGoAsm(text: string): boolean {
  const head = text.slice(0, 64 * 1024);
  if (/^\s*(?:\.(?:globl|global|text|section|intel_syntax|att_syntax|type|size)\b|section\s+\.|global\s+\w|bits\s+\d)/mi.test(head)) return false;
  if (/^\s*TEXT\s+[^\s(]*\(SB\)/m.test(head)) return true;
  return /^\s*#include\s+"(?:textflag|go_asm|funcdata)\.h"/m.test(head);
}

/** Parses `FILE:LINE:COL: message` lines (the CLI's error format, DESIGN.md §4). */
export function parseAsmErrors(output: string): { file: string; line: number; col: number; message: string }[] {
  const out: { file: string; line: number; col: number; message: string }[] = [];
  for (const raw of output.split(/\r?\n/)) {
    const l = raw.replace(/^gosyscall:\s*/, '');
    const m = /^(.*?):(\d+):(?:(\d+):)?\s*(.*)$/.exec(l);
    if (m && m[1] && !/^\s/.test(m[1])) out.push({ file: m[1], line: Number(m[2]), col: Number(m[3] ?? 1), message: m[4] });
  }
  return out;
}

/** Does this Go asm file define the entry of a model program (`main·main` / `·main`)? */
export function isModelProgram(text: string): boolean {
  return /^\s*TEXT\s+(?:main)?\u00b7main(?:<[A-Za-z0-9]*>)?\(SB\)/m.test(text);
}

/**
 * Which assembler messages to show. A .s file that is not a model program is part of a Go package (its other
 * symbols live in Go code, go_asm.h is generated by the compiler): linking it alone fails for reasons that are
 * no error of the file, so only its syntax errors are shown.
 */
export function keepAsmMessage(message: string, modelProgram: boolean): boolean {
  if (modelProgram) return true;
  return !/undefined|not defined|unresolved|unknown symbol|go_asm\.h|entry|nothing to link|no TEXT/i.test(message);
}
