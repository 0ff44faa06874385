// Addresses ↔ symbols ↔ source lines for one loaded program: the assembler's tables for model programs, the model
// source line tables for the runtime model, an ELF symbol table for real programs. Built once per load.

export interface SymbolEntry { name: string; addr: number; size: number; kind?: string }
export interface FunctionEntry {
  name: string; addr: number; size: number; frameSize: number; argsSize: number;
  file?: string; line?: number; args: { name: string; offset: number; size: number }[];
  /** True for model functions (native region): no guest frame, return address at [SP]. */
  model?: boolean;
}
export interface LineEntry { addr: number; size: number; file: string; line: number }

/** Go spells symbols `runtime·entersyscall` and `a∕b·f`; people type `runtime.entersyscall`. One key for both. */
export function normalizeSymbol(name: string): string {
  let s = name.trim();
  if (s.endsWith('(SB)')) s = s.slice(0, -4);
  s = s.replace(/<[^>]*>$/, '');
  s = s.replace(/\u00b7/g, '.').replace(/\u2215/g, '/');
  if (s.startsWith('.')) s = 'main' + s;
  return s;
}

export class DebugInfo {
  private readonly symsByAddr: SymbolEntry[];
  private readonly symsByName = new Map<string, SymbolEntry>();
  private readonly funcsByAddr: FunctionEntry[];
  private readonly linesByAddr: LineEntry[];
  private readonly linesByFile = new Map<string, Map<number, number[]>>();

  constructor(symbols: SymbolEntry[], functions: FunctionEntry[], lines: LineEntry[]) {
    this.symsByAddr = symbols.filter((s) => s.name).slice().sort((a, b) => a.addr - b.addr);
    for (const s of this.symsByAddr) {
      const k = normalizeSymbol(s.name);
      if (!this.symsByName.has(k)) this.symsByName.set(k, s);
    }
    this.funcsByAddr = functions.slice().sort((a, b) => a.addr - b.addr);
    for (const f of this.funcsByAddr) {
      const k = normalizeSymbol(f.name);
      if (!this.symsByName.has(k)) this.symsByName.set(k, { name: f.name, addr: f.addr, size: f.size, kind: 'text' });
    }
    this.linesByAddr = lines.slice().sort((a, b) => a.addr - b.addr);
    for (const l of this.linesByAddr) {
      const key = fileKey(l.file);
      let m = this.linesByFile.get(key);
      if (!m) this.linesByFile.set(key, (m = new Map()));
      const a = m.get(l.line);
      if (a) a.push(l.addr); else m.set(l.line, [l.addr]);
    }
  }

  get functions(): readonly FunctionEntry[] { return this.funcsByAddr; }
  get symbols(): readonly SymbolEntry[] { return this.symsByAddr; }

  lookup(name: string): SymbolEntry | undefined { return this.symsByName.get(normalizeSymbol(name)); }

  /** The symbol containing addr (or the nearest one below it when sizes are unknown). */
  symbolAt(addr: number): SymbolEntry | undefined {
    const s = floor(this.symsByAddr, addr);
    if (!s) return undefined;
    if (s.size > 0 && addr >= s.addr + s.size) return undefined;
    return s;
  }

  functionAt(addr: number): FunctionEntry | undefined {
    const f = floor(this.funcsByAddr, addr);
    return f && addr < f.addr + Math.max(f.size, 1) ? f : undefined;
  }

  lineAt(addr: number): LineEntry | undefined {
    const l = floor(this.linesByAddr, addr);
    return l && addr < l.addr + Math.max(l.size, 1) ? l : undefined;
  }

  /** True when addr is the first instruction of its source line (a line step stops only there). */
  isLineStart(addr: number): boolean {
    const l = this.lineAt(addr);
    if (!l || l.addr !== addr) return false;
    const prev = floor(this.linesByAddr, addr - 1);
    return !prev || prev.addr + prev.size !== addr || prev.line !== l.line || prev.file !== l.file;
  }

  /** The line a line step is on: the physical function's line (inlined calls belong to their caller's line). */
  stepLineAt(addr: number): LineEntry | undefined { return this.lineAt(addr); }
  /** addr starts a line of stepLineAt (a line step stops only there). */
  isStepLineStart(addr: number): boolean { return this.isLineStart(addr); }

  hasFile(file: string): boolean { return this.linesByFile.has(fileKey(file)); }
  files(): string[] { return [...new Set(this.linesByAddr.map((l) => l.file))]; }

  /** Addresses of a source line; a line without code moves to the next line that has code (as other debuggers do). */
  resolveLine(file: string, line: number): { line: number; addrs: number[] } | { error: string } {
    const m = this.linesByFile.get(fileKey(file));
    if (!m) return { error: `no code from ${baseName(file)} is loaded` };
    const exact = m.get(line);
    if (exact) return { line, addrs: exact };
    // next line with code, but only inside the same function as the requested line would be
    let best = Infinity;
    for (const l of m.keys()) if (l > line && l < best) best = l;
    if (best === Infinity) return { error: `line ${line} of ${baseName(file)} has no code` };
    const addrs = m.get(best)!;
    const fnAfter = this.functionAt(addrs[0]);
    const fnStartLine = fnAfter?.line;
    if (fnStartLine !== undefined && fnStartLine > line) {
      return { error: `line ${line} of ${baseName(file)} has no code (it is outside any function)` };
    }
    return { line: best, addrs };
  }
}

function floor<T extends { addr: number }>(a: readonly T[], addr: number): T | undefined {
  let lo = 0, hi = a.length - 1, r = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid].addr <= addr) { r = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return r < 0 ? undefined : a[r];
}

export function fileKey(file: string): string {
  return file.replace(/\\/g, '/').replace(/^[a-zA-Z]:/, (d) => d.toLowerCase());
}
function baseName(f: string): string { return f.replace(/\\/g, '/').split('/').pop() ?? f; }
