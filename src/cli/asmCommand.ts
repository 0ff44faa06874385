// `gosyscall asm FILE.s... [-o OUT.elf] [--listing]` and `gosyscall disasm PROGRAM [--syntax plan9|intel|gnu]
// [--symbol NAME]`: thin wrappers over src/asm. They write their own stdout/stderr and return the exit code.
import fs = require('node:fs');
import path = require('node:path');
import { assemble, disassemble, formatDiagnostic, dotted, symbolizerFor } from '../asm';
import type { DisasmSyntax, LinkedImage, Symbolizer } from '../asm';
import { readElf, readVirtual } from '../asm/elfread';
import type { AssembleResult } from '../asm';
import { assembleModelProgram } from '../goruntime';
import { writeErr, writeOut } from './stdio';

/**
 * Assembles as written; a model program (it calls `syscall·*` or the model's `runtime·*` functions, which only the
 * model defines) is linked the way `gosyscall run` links it: with the syscall library and the model's functions.
 * Such an image runs under gosyscall, not natively.
 */
function assembleProgram(files: { path: string; text: string }[], opts: Parameters<typeof assemble>[1] = {}): AssembleResult {
  const r = assemble(files, opts);
  if (r.ok || opts?.entry) return r;
  const undefinedModelSymbols = r.diagnostics.filter((d) => /undefined symbol (syscall|runtime)[\u00b7.]/.test(d.message));
  if (undefinedModelSymbols.length === 0 || undefinedModelSymbols.length !== r.diagnostics.filter((d) => /undefined symbol/.test(d.message)).length) return r;
  const m = assembleModelProgram(files, { includeDirs: opts?.includeDirs });
  return { ok: m.ok, diagnostics: m.diagnostics, image: m.image } as AssembleResult;
}

const USAGE_ASM = 'usage: gosyscall asm FILE.s... [-o OUT.elf] [--listing] [-I DIR] [-D NAME[=VALUE]] [--entry SYMBOL] [--as PATH]\n' +
  '  (FILE - reads the source from standard input; --as PATH names it in messages and for #include, as an editor\'s unsaved text)';
const USAGE_DISASM = 'usage: gosyscall disasm PROGRAM [--syntax plan9|intel|gnu] [--symbol NAME]';

function fail(msg: string, code = 2): number {
  writeErr(`gosyscall: ${msg}\n`);
  return code;
}

function out(s: string): void { writeOut(s); }

interface AsmArgs { files: string[]; output?: string; listing: boolean; includes: string[]; defines: Record<string, string>; entry?: string; debug: boolean; as?: string }

function parseAsmArgs(argv: string[]): AsmArgs | string {
  const a: AsmArgs = { files: [], listing: false, includes: [], defines: {}, debug: false };
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i];
    const value = () => { const v = argv[++i]; if (v === undefined) throw new Error(`${s} needs a value`); return v; };
    try {
      if (s === '-o' || s === '--output') a.output = value();
      else if (s === '--listing') a.listing = true;
      else if (s === '-I' || s === '--include') a.includes.push(value());
      else if (s === '-D' || s === '--define') { const d = value(); const eq = d.indexOf('='); if (eq < 0) a.defines[d] = ''; else a.defines[d.slice(0, eq)] = d.slice(eq + 1); }
      else if (s === '--entry') a.entry = value();
      else if (s === '--as') a.as = value();
      else if (s === '--debug') a.debug = true;
      else if (s.startsWith('-') && s !== '-') return `unknown option ${s}\n${USAGE_ASM}`;
      else a.files.push(s);
    } catch (e) {
      return `${(e as Error).message}\n${USAGE_ASM}`;
    }
  }
  if (a.files.length === 0) return `no input files\n${USAGE_ASM}`;
  if (a.files.filter((f) => f === '-').length > 1) return `standard input (-) can be read once\n${USAGE_ASM}`;
  if (a.as !== undefined && !a.files.includes('-')) return `--as names standard input (-), which is not among the files\n${USAGE_ASM}`;
  return a;
}

/** `gosyscall asm`: assembles and links; prints diagnostics as FILE:LINE:COL: message. */
export async function asmCommand(argv: string[]): Promise<number> {
  const args = parseAsmArgs(argv);
  if (typeof args === 'string') return fail(args);
  try {
    const files: { path: string; text: string }[] = [];
    for (const f of args.files) {
      if (f === '-') {
        // #include "x.h" resolves against the directory of the file the text stands for
        files.push({ path: args.as ?? '<stdin>', text: fs.readFileSync(0, 'utf8') });
        continue;
      }
      try {
        const st = fs.statSync(f);
        if (!st.isFile()) return fail(`${f}: not a file`);
        if (st.size > 256 * 1024 * 1024) return fail(`${f}: file too large`);
        files.push({ path: f, text: fs.readFileSync(f, 'utf8') });
      } catch (e) {
        return fail(`cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
    const r = assembleProgram(files, { includeDirs: args.includes, defines: args.defines, entry: args.entry });
    if (!r.ok || !r.image) {
      writeErr(r.diagnostics.map(d => formatDiagnostic(d) + '\n').join(''));
      return 2;
    }
    if (args.listing) out(listing(r.image, files));
    const output = args.output ?? (args.listing ? undefined : 'a.out');
    if (output) {
      try { fs.writeFileSync(output, r.image.elf, { mode: 0o755 }); fs.chmodSync(output, 0o755); }
      catch (e) { return fail(`cannot write ${output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 1); }
    }
    return 0;
  } catch (e) {
    if (args.debug) writeErr(`${(e as Error).stack}\n`);
    return fail(`internal error: ${(e as Error).message}`, 1);
  }
}

/** One line per instruction: ADDR<TAB>HEX<TAB>FILE:LINE<TAB>SOURCE. */
function listing(img: LinkedImage, files: { path: string; text: string }[]): string {
  const sources = new Map<string, string[]>();
  const lineOf = (file: string, line: number) => {
    let ls = sources.get(file);
    if (!ls) {
      const given = files.find(f => f.path === file);
      let text = given?.text;
      if (text === undefined) { try { text = fs.readFileSync(file, 'utf8'); } catch { text = ''; } }
      ls = text.split('\n');
      sources.set(file, ls);
    }
    // Tabs inside the source become spaces: the listing's four columns are tab-separated.
    return (ls[line - 1] ?? '').trim().replace(/\t+/g, ' ');
  };
  const text = img.segments[0];
  const parts: string[] = [];
  for (const l of img.lines) {
    const off = l.addr - text.vaddr;
    const hex = Buffer.from(text.bytes.subarray(off, off + l.size)).toString('hex');
    parts.push(`0x${l.addr.toString(16)}\t${hex}\t${l.file}:${l.line}\t${lineOf(l.file, l.line)}\n`);
  }
  return parts.join('');
}

interface DisasmArgs { program?: string; syntax: DisasmSyntax; symbol?: string; debug: boolean }

/** `gosyscall disasm`: disassembles an ELF (or a .s file, assembled first) in the style of `go tool objdump`. */
export async function disasmCommand(argv: string[]): Promise<number> {
  const a: DisasmArgs = { syntax: 'plan9', debug: false };
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i];
    if (s === '--syntax') {
      const v = argv[++i];
      if (v !== 'plan9' && v !== 'intel' && v !== 'gnu') return fail(`--syntax must be plan9, intel or gnu\n${USAGE_DISASM}`);
      a.syntax = v;
    } else if (s.startsWith('--syntax=')) {
      const v = s.slice(9);
      if (v !== 'plan9' && v !== 'intel' && v !== 'gnu') return fail(`--syntax must be plan9, intel or gnu\n${USAGE_DISASM}`);
      a.syntax = v;
    } else if (s === '--symbol' || s === '-s') {
      const v = argv[++i];
      if (v === undefined) return fail(`--symbol needs a name\n${USAGE_DISASM}`);
      a.symbol = v;
    } else if (s === '--debug') a.debug = true;
    else if (s.startsWith('-')) return fail(`unknown option ${s}\n${USAGE_DISASM}`);
    else if (a.program) return fail(`only one PROGRAM\n${USAGE_DISASM}`);
    else a.program = s;
  }
  if (!a.program) return fail(`no PROGRAM\n${USAGE_DISASM}`);
  try {
    let bytes: Uint8Array;
    try { bytes = fs.readFileSync(a.program); } catch (e) { return fail(`cannot read ${a.program}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
    let lines: LinkedImage['lines'] | undefined;
    if (a.program.endsWith('.s') || !(bytes[0] === 0x7f && bytes[1] === 0x45)) {
      if (!a.program.endsWith('.s')) return fail(`${a.program}: not an ELF file or a .s file`);
      const r = assembleProgram([{ path: a.program, text: Buffer.from(bytes).toString('utf8') }]);
      if (!r.ok || !r.image) { writeErr(r.diagnostics.map(d => formatDiagnostic(d) + '\n').join('')); return 2; }
      bytes = r.image.elf;
      lines = r.image.lines;
    }
    const info = readElf(bytes);
    if (typeof info === 'string') return fail(`${a.program}: ${info}`);
    // The symbolizer follows objdump: the symbol just below the address, if the address is inside it.
    const syms = info.symbols.filter(s => s.addr !== 0);
    const symbolize: Symbolizer = symbolizerFor(syms);
    let funcs = info.symbols.filter(s => s.func && s.size > 0);
    if (funcs.length === 0) {
      // Stripped binary: the .text section if its header survived, else each executable segment from the entry.
      const text = info.sections.find(s => s.name === '.text' && s.size > 0);
      if (text) funcs = [{ name: '.text', addr: text.addr, size: text.size, func: true, section: 0 }];
      else funcs = info.segments.filter(s => s.flags & 1).map(s => {
        const start = info.entry >= s.vaddr && info.entry < s.vaddr + s.filesz ? info.entry : s.vaddr;
        return { name: `segment@0x${start.toString(16)}`, addr: start, size: s.vaddr + s.filesz - start, func: true, section: 0 };
      }).filter(s => s.size > 0);
    }
    let chosen = funcs;
    if (a.symbol) {
      const want = a.symbol;
      chosen = funcs.filter(f => f.name === want || f.name === dotted(want));
      if (chosen.length === 0) {
        let re: RegExp | undefined;
        try { re = new RegExp(want); } catch { re = undefined; }
        if (re) chosen = funcs.filter(f => re!.test(f.name));
      }
      if (chosen.length === 0) return fail(`no symbol matches ${want}`, 1);
    }
    const lineAt = (addr: number) => {
      if (!lines) return undefined;
      let lo = 0, hi = lines.length - 1;
      while (lo <= hi) { const m = (lo + hi) >> 1; const l = lines[m]; if (addr < l.addr) hi = m - 1; else if (addr >= l.addr + l.size) lo = m + 1; else return l; }
      return undefined;
    };
    const buf: string[] = [];
    for (const f of chosen) {
      const code = readVirtual(bytes, info, f.addr, f.size);
      if (!code) { buf.push(`TEXT ${f.name}(SB) (not in a loadable segment)\n`); continue; }
      const first = lineAt(f.addr);
      buf.push(`TEXT ${f.name}(SB) ${first ? first.file : path.basename(a.program)}\n`);
      for (const l of disassemble(code, f.addr, { syntax: a.syntax, symbolize })) {
        const src = lineAt(l.addr);
        const loc = src ? `${path.basename(src.file)}:${src.line}\t` : '';
        buf.push(`  ${loc}0x${l.addr.toString(16)}\t${Buffer.from(l.bytes).toString('hex')}\t${l.text}\n`);
      }
      buf.push('\n');
      if (buf.length > 4096) { out(buf.join('')); buf.length = 0; }
    }
    out(buf.join(''));
    return 0;
  } catch (e) {
    if (a.debug) writeErr(`${(e as Error).stack}\n`);
    return fail(`internal error: ${(e as Error).message}`, 1);
  }
}
