// A static linux/amd64 Go binary as the debugger sees it: Go version, functions and lines from .gopclntab (present
// even in stripped binaries), inlined frames, pclntab-based unwinding, source-line → pc for breakpoints, symbols,
// and the runtime's data layout (DWARF or built-in table). Nothing here throws: open() returns an error string,
// queries return undefined or carry an `error`.
import { ByteView } from './bytes';
import { parseGoVersion, readBuildInfo } from './buildinfo';
import { readDwarf, type DwarfInfo } from './dwarf';
import { ElfFile } from './elf';
import { attempt, DebugInfoError, hex } from './errors';
import { findModuleData, type ModuleData } from './moduledata';
import { FUNCDATA_InlTree, FUNCFLAG_SPWRITE, FUNCFLAG_TOPFRAME, LineTable, MAGIC_GO120, PCDATA_InlTreeIndex, type GoFunc, type PCRun } from './pclntab';
import { builtinLayout, layoutFromDwarf, WANTED_FIELDS, type RuntimeLayout } from './runtimeLayout';

export type { GoFunc } from './pclntab';
export type { RuntimeLayout } from './runtimeLayout';

/** Reads guest memory; returns undefined/null (or throws) when the range is not readable. */
export type ReadMemory = (addr: number, len: number) => Uint8Array | undefined | null;

/** One logical frame at a pc: an inlined call or the physical function. */
export interface SourceFrame {
  function: string;
  file: string;
  line: number;
  inlined: boolean;
}

export interface PCInfo {
  pc: number;
  func: GoFunc;
  /** Innermost position (what the person sees for this pc). */
  file: string;
  line: number;
  /** Innermost first; the last one is the physical function (inlined=false). */
  frames: SourceFrame[];
}

export interface StackFrame extends SourceFrame {
  /** The frame's pc: the stop pc for the innermost frame, a return address for callers. */
  pc: number;
  /** SP at that pc (callers: just above the callee's return address). Same for a function's inlined frames. */
  sp: number;
  entry: number;
  /** Index of the physical frame (inlined frames share their function's). */
  depth: number;
}

export interface UnwindResult { frames: StackFrame[]; /** Why unwinding stopped early, if it did. */ error?: string }

export interface Symbol { name: string; addr: number; size: number }

/** Entry pcs of the runtime functions the tracer hooks (undefined when a function is absent). */
export interface RuntimeHooks {
  entersyscall?: number; reentersyscall?: number; entersyscallblock?: number; exitsyscall?: number;
  exitsyscallfast?: number; exitsyscall0?: number; handoffp?: number; retake?: number; sysmon?: number;
}

/** Functions where a goroutine's or thread's stack begins: unwinding stops after them. */
const TOP_FUNCS = new Set(['runtime.goexit', 'runtime.mstart', 'runtime.mstart0', 'runtime.rt0_go', 'runtime.morestack', 'runtime.mcall', 'runtime.systemstack_switch']);

export class GoBinary {
  readonly functions: GoFunc[];
  readonly goVersion: string | undefined;
  /** Notes worth showing once in the Debug Console (stripped symbols, missing DWARF, ...). */
  readonly warnings: string[] = [];
  readonly stripped: boolean;
  readonly moduledata: ModuleData | undefined;
  private readonly byName = new Map<string, GoFunc>();
  private readonly syms = new Map<string, Symbol>();
  private dwarf?: { info?: DwarfInfo; error?: string };
  private layoutCache?: { layout?: RuntimeLayout; error?: string };
  private fileIndex?: Map<string, number[]>;
  private readonly lineCache = new Map<string, Map<number, number[]>>();
  private readonly runsCache = new Map<number, { lines: PCRun[]; files: PCRun[]; inl: PCRun[] }>();

  private constructor(readonly elf: ElfFile, readonly table: LineTable, readonly name: string) {
    this.functions = table.functions;
    for (const f of this.functions) if (!this.byName.has(f.name)) this.byName.set(f.name, f);
    if (table.damaged.length) this.warnings.push(`${name}: unreadable line tables for ${table.damaged.length} functions (${table.damaged.slice(0, 3).join(', ')}${table.damaged.length > 3 ? ', ...' : ''}): no lines shown for them`);
    const bi = attempt('build info', () => readBuildInfo(elf));
    if (bi.error) this.warnings.push(bi.error);
    this.goVersion = bi.value?.goVersion ?? this.versionFromSymbol();
    if (!this.goVersion) this.warnings.push(`${name}: no Go version found (no .go.buildinfo)`);
    for (const s of elf.symbols()) if (s.name && s.addr && !this.syms.has(s.name)) this.syms.set(s.name, { name: s.name, addr: s.addr, size: s.size });
    this.stripped = this.syms.size === 0;
    if (this.stripped) this.warnings.push(`${name}: stripped (no symbol table): function names and lines come from .gopclntab; runtime variables need DWARF or are unavailable`);
    const md = attempt('moduledata', () => findModuleData(elf, table.addr, table.funcnameOff, table.magic, table.textStart));
    this.moduledata = md.value;
    // Cross-check gofunc against the symbol the linker names it by, when there is a symbol table.
    const gofuncSym = this.syms.get('go:func.*') ?? this.syms.get('go.func.*');
    if (this.moduledata && gofuncSym && gofuncSym.addr !== this.moduledata.gofunc) {
      this.warnings.push(`${name}: moduledata.gofunc ${hex(this.moduledata.gofunc)} differs from the symbol ${gofuncSym.name} at ${hex(gofuncSym.addr)}: using the symbol`);
      this.moduledata = { ...this.moduledata, gofunc: gofuncSym.addr };
    }
    if (!this.moduledata) this.warnings.push(`${name}: runtime.firstmoduledata not found: inlined frames are unavailable`);
  }

  /** Opens a Go binary. Errors (not ELF, not amd64, no or corrupt .gopclntab: e.g. a C program) come back as text. */
  static open(bytes: Uint8Array, name = 'binary'): { binary: GoBinary; error?: undefined } | { binary?: undefined; error: string } {
    const r = attempt(`${name}`, () => {
      const elf = new ElfFile(bytes, name);
      if (elf.machine !== 62) throw new DebugInfoError(`${name}: not an amd64 binary (ELF machine ${elf.machine})`);
      const sec = elf.section('.gopclntab');
      if (!sec) {
        throw new DebugInfoError(elf.sections.length
          ? `${name}: no .gopclntab section: not a Go binary (Go symbols, lines and the scheduler view are unavailable)`
          : `${name}: no section headers: cannot find Go's line table`);
      }
      const table = new LineTable(elf.rawSection(sec), sec.addr, name);
      return new GoBinary(elf, table, name);
    });
    return r.error !== undefined ? { error: r.error } : { binary: r.value! };
  }

  private versionFromSymbol(): string | undefined {
    const s = this.elf.symbols().find((x) => x.name === 'runtime.buildVersion');
    if (!s) return undefined;
    const hdr = this.elf.readVirtual(s.addr, 16);
    if (!hdr) return undefined;
    const v = new ByteView(hdr, 'runtime.buildVersion');
    const str = this.elf.readVirtual(v.u64(0), Math.min(v.u64(8), 64));
    return str ? new TextDecoder().decode(str) : undefined;
  }

  get pclntabFormat(): string { return this.table.magic === MAGIC_GO120 ? 'go1.20+' : 'go1.18'; }

  funcForPC(pc: number): GoFunc | undefined {
    const i = this.table.funcIndex(pc);
    return i < 0 ? undefined : this.functions[i];
  }

  findFunction(name: string): GoFunc | undefined { return this.byName.get(name); }

  /** Address of a symbol: the symbol table, else DWARF's global variables, else a function of that name. */
  symbol(name: string): Symbol | undefined {
    const s = this.syms.get(name);
    if (s) return s;
    const addr = this.dwarfInfo().info?.vars.get(name);
    if (addr !== undefined) return { name, addr, size: 0 };
    const f = this.byName.get(name);
    return f ? { name, addr: f.entry, size: f.end - f.entry } : undefined;
  }

  /** Reads bytes of the file image at a virtual address (data, rodata; zeros for bss). */
  readStatic: ReadMemory = (addr, len) => this.elf.readVirtual(addr, len);

  /** pc → function, file:line and inlined frames; undefined outside Go code or when the tables are unreadable. */
  lookupPC(pc: number): PCInfo | undefined {
    const r = attempt('lookupPC', () => {
      const i = this.table.funcIndex(pc);
      if (i < 0) return undefined;
      const frames = this.sourceFrames(i, pc);
      return { pc, func: this.functions[i], file: frames[0].file, line: frames[0].line, frames };
    });
    return r.value;
  }

  /** Frame size (pcsp: bytes between SP and the return address) at pc, or undefined. */
  frameSize(pc: number): number | undefined {
    const i = this.table.funcIndex(pc);
    if (i < 0) return undefined;
    const r = attempt('pcsp', () => this.table.pcspAt(i, pc));
    return r.value !== undefined && r.value >= 0 ? r.value : undefined;
  }

  /** Logical frames at pc in function i, innermost first (Go's inlineUnwinder walk). */
  private sourceFrames(i: number, pc: number): SourceFrame[] {
    const fn = this.functions[i];
    const out: SourceFrame[] = [];
    const tree = this.moduledata ? this.table.funcdataOff(i, FUNCDATA_InlTree) : undefined;
    let cur = pc;
    const runs = this.funcRuns(i);
    for (let guard = 0; guard < 100; guard++) {
      // Padding after a function's code has no line: file '' and line 0 (addr2line prints ":-1").
      const fi = valueAt(runs.files, cur);
      const file = fi < 0 ? '' : this.table.fileName(i, fi);
      const line = Math.max(0, valueAt(runs.lines, cur));
      const ix = tree === undefined ? -1 : valueAt(runs.inl, cur);
      if (ix < 0) {
        out.push({ function: fn.name, file, line, inlined: false });
        return out;
      }
      const call = this.inlinedCall(tree!, ix);
      out.push({ function: call.name, file, line, inlined: true });
      cur = fn.entry + call.parentPc;
      if (cur < fn.entry || cur >= fn.end) throw new DebugInfoError(`${this.name}: inline tree of ${fn.name} points outside the function (${hex(cur)})`);
    }
    throw new DebugInfoError(`${this.name}: inline tree of ${fn.name} loops at ${hex(pc)}`);
  }

  /** Decoded pcfile/pcln/inline-index runs of function i; the most recently used functions stay decoded. */
  private funcRuns(i: number): { lines: PCRun[]; files: PCRun[]; inl: PCRun[] } {
    let r = this.runsCache.get(i);
    if (r) {
      this.runsCache.delete(i);
    } else {
      r = { lines: this.table.lineRuns(i), files: this.table.fileRuns(i), inl: this.table.pcdataRuns(i, PCDATA_InlTreeIndex) };
      if (this.runsCache.size >= 256) this.runsCache.delete(this.runsCache.keys().next().value!);
    }
    this.runsCache.set(i, r);
    return r;
  }

  private inlinedCall(treeOff: number, ix: number): { name: string; parentPc: number } {
    const go120 = this.table.magic === MAGIC_GO120;
    const size = go120 ? 16 : 20;
    const addr = this.moduledata!.gofunc + treeOff + ix * size;
    const b = this.elf.readVirtual(addr, size);
    if (!b) throw new DebugInfoError(`${this.name}: inline tree entry at ${hex(addr)} is outside the image`);
    const v = new ByteView(b, `${this.name}: inline tree`, addr);
    // 1.20+: funcID u8, pad[3], nameOff i32, parentPc i32, startLine i32.
    // 1.18–1.19: parent i16, funcID u8, pad, file i32, line i32, func_ (nameOff) i32, parentPc i32.
    return go120 ? { name: this.table.nameAt(v.i32(4)), parentPc: v.i32(8) } : { name: this.table.nameAt(v.i32(12)), parentPc: v.i32(16) };
  }

  /**
   * Call stack from (pc, sp) by pclntab unwinding (pcsp frame sizes, return address at SP+framesize), with inlined
   * frames expanded. Stops at a stack's top function (goexit, mstart, rt0_go), at functions that switch stacks, at
   * unreadable memory, or after maxFrames physical frames. With returnAddress, pc is a saved return address
   * (g.syscallpc with g.syscallsp): its frame is named by the call instruction before it.
   */
  unwind(pc: number, sp: number, read: ReadMemory, opts: { maxFrames?: number; returnAddress?: boolean } = {}): UnwindResult {
    const frames: StackFrame[] = [];
    const maxFrames = opts.maxFrames ?? 64;
    try {
      for (let depth = 0; depth < maxFrames; depth++) {
        // A return address belongs to the call before it: callers, and a top pc saved as one (g.syscallpc,
        // gobuf.pc of a parked G) with opts.returnAddress.
        const lookup = depth === 0 && !opts.returnAddress ? pc : pc - 1;
        const i = this.table.funcIndex(lookup);
        if (i < 0) return { frames, error: depth === 0 ? `pc ${hex(pc)} is not in Go code` : `return address ${hex(pc)} is not in Go code` };
        const fn = this.functions[i];
        for (const f of this.sourceFrames(i, lookup)) frames.push({ ...f, pc, sp, entry: fn.entry, depth });
        if (fn.flag & FUNCFLAG_TOPFRAME || TOP_FUNCS.has(fn.name)) return { frames };
        if (fn.flag & FUNCFLAG_SPWRITE && depth > 0) return { frames, error: `${fn.name} switches stacks: unwinding stops there` };
        const size = this.table.pcspAt(i, lookup);
        if (size < 0) return { frames, error: `no frame size for ${fn.name} at ${hex(lookup)}` };
        let b: Uint8Array | undefined | null;
        try { b = read(sp + size, 8); } catch { b = undefined; }
        if (!b || b.length < 8) return { frames, error: `cannot read the return address of ${fn.name} at ${hex(sp + size)}` };
        const ret = new ByteView(b, 'stack').u64(0);
        if (ret === 0) return { frames };
        pc = ret;
        sp = sp + size + 8;
      }
      return { frames, error: `stack deeper than ${maxFrames} frames` };
    } catch (e) {
      return { frames, error: (e as Error).message };
    }
  }

  /** Files named in the line table (absolute build paths, as `go tool addr2line` prints them). */
  files(): string[] { return [...this.filesIndex().keys()]; }

  /** The table's file name for a person's path: exact, else the longest matching path suffix. */
  matchFile(path: string): string | undefined {
    const idx = this.filesIndex();
    const norm = path.replace(/\\/g, '/');
    if (idx.has(norm)) return norm;
    let best: string | undefined, bestLen = 0;
    const parts = norm.split('/').filter(Boolean);
    for (const f of idx.keys()) {
      const fp = f.split('/');
      let n = 0;
      while (n < parts.length && n < fp.length && parts[parts.length - 1 - n] === fp[fp.length - 1 - n]) n++;
      if (n > bestLen) { best = f; bestLen = n; }
    }
    return bestLen > 0 ? best : undefined;
  }

  /**
   * Source breakpoints: line → pcs in `file` (a name from files() or matchFile()). For each function (and each
   * inlined instance in it) the lowest pc where that line's code starts (a statement start for Go's compiler).
   */
  linesForFile(file: string): Map<number, number[]> {
    const cached = this.lineCache.get(file);
    if (cached) return cached;
    const out = new Map<number, number[]>();
    const r = attempt('linesForFile', () => {
      for (const i of this.filesIndex().get(file) ?? []) {
        const { lines, files, inl } = this.funcRuns(i);
        const firstAt = new Map<string, number>();
        for (const b of boundaries(lines, files, inl)) {
          const fi = valueAt(files, b), ln = valueAt(lines, b), ix = valueAt(inl, b);
          if (fi < 0 || ln <= 0 || this.table.fileName(i, fi) !== file) continue;
          const key = `${ln}/${ix}`;
          const prev = firstAt.get(key);
          if (prev === undefined) firstAt.set(key, b);
        }
        for (const [key, pc] of firstAt) {
          const ln = Number(key.split('/')[0]);
          const list = out.get(ln) ?? [];
          if (!list.includes(pc)) list.push(pc);
          out.set(ln, list);
        }
      }
      for (const l of out.values()) l.sort((a, b) => a - b);
    });
    if (r.error) return new Map();
    this.lineCache.set(file, out);
    return out;
  }

  /**
   * The whole line table as address ranges (innermost position per range), sorted by address: the shape of
   * src/machine's LineEntry. Functions whose tables are unreadable are left out (see warnings).
   */
  lineEntries(): { addr: number; size: number; file: string; line: number }[] {
    const out: { addr: number; size: number; file: string; line: number }[] = [];
    for (let i = 0; i < this.functions.length; i++) {
      const r = attempt('lines', () => {
        const lines = this.table.lineRuns(i), files = this.table.fileRuns(i);
        const mine: typeof out = [];
        const cuts = boundaries(lines, files);
        cuts.forEach((b, k) => {
          const end = k + 1 < cuts.length ? cuts[k + 1] : Math.max(lines.at(-1)?.end ?? b, files.at(-1)?.end ?? b);
          const fi = valueAt(files, b), ln = valueAt(lines, b);
          if (fi < 0 || ln <= 0 || end <= b) return;
          const file = this.table.fileName(i, fi);
          const prev = mine.at(-1);
          if (prev && prev.file === file && prev.line === ln && prev.addr + prev.size === b) prev.size += end - b;
          else mine.push({ addr: b, size: end - b, file, line: ln });
        });
        return mine;
      });
      if (r.value) out.push(...r.value);
      else if (!this.warnings.includes(r.error)) this.warnings.push(r.error);
    }
    return out;
  }

  /** pcs for a source breakpoint at file:line (file matched by suffix); empty when the line has no code. */
  pcsForLine(path: string, line: number): number[] {
    const f = this.matchFile(path);
    return f ? this.linesForFile(f).get(line) ?? [] : [];
  }

  private filesIndex(): Map<string, number[]> {
    if (this.fileIndex) return this.fileIndex;
    const idx = new Map<string, number[]>();
    for (let i = 0; i < this.functions.length; i++) {
      const r = attempt('files', () => {
        const seen = new Set<number>();
        for (const run of this.table.fileRuns(i)) {
          if (run.val < 0 || seen.has(run.val)) continue;
          seen.add(run.val);
          const name = this.table.fileName(i, run.val);
          const list = idx.get(name) ?? [];
          list.push(i);
          idx.set(name, list);
        }
      });
      if (r.error && !this.warnings.includes(r.error)) this.warnings.push(r.error);
    }
    return (this.fileIndex = idx);
  }

  /** Parsed DWARF (cached); `error` when absent or unreadable. */
  dwarfInfo(): { info?: DwarfInfo; error?: string } {
    if (this.dwarf) return this.dwarf;
    const r = attempt('DWARF', () => readDwarf(this.elf, new Set(Object.values(WANTED_FIELDS).map((w) => w.dwarf))));
    this.dwarf = r.error ? { error: r.error } : r.value ? { info: r.value } : { error: `${this.name}: no DWARF (built with -w?)` };
    return this.dwarf;
  }

  /**
   * The runtime's data layout: from DWARF when present and readable, else the built-in table for the Go version
   * (layout.source === 'builtin', layout.note says so). `error` when neither is available.
   */
  runtimeLayout(): { layout?: RuntimeLayout; error?: string } {
    if (this.layoutCache) return this.layoutCache;
    const version = this.goVersion ?? '';
    const d = this.dwarfInfo();
    let dwarfProblem = d.error;
    if (d.info) {
      const r = layoutFromDwarf(d.info, version, this.waitReasonsFromImage(d.info));
      if (r.layout) return (this.layoutCache = r);
      dwarfProblem = `${this.name}: ${r.error}`;
    }
    const b = builtinLayout(this.goVersion);
    if (b) {
      if (dwarfProblem) b.note = `${dwarfProblem}; ${b.note}`;
      const wr = this.waitReasonsFromImage(undefined);
      if (wr.length) b.waitReasons = wr;
      return (this.layoutCache = { layout: b });
    }
    return (this.layoutCache = { error: `${dwarfProblem ?? 'no DWARF'}; no built-in runtime layout for ${this.goVersion ?? 'an unknown Go version'}: the scheduler view is unavailable` });
  }

  /** runtime.waitReasonStrings read from the file image (an array of Go strings in .data). */
  private waitReasonsFromImage(d: DwarfInfo | undefined): string[] {
    const r = attempt('waitReasonStrings', () => {
      const sym = this.syms.get('runtime.waitReasonStrings');
      const addr = sym?.addr ?? d?.vars.get('runtime.waitReasonStrings');
      if (addr === undefined) return [];
      let n = sym?.size ? sym.size / 16 : 0;
      if (!n && d) for (const [k] of d.consts) if (k.startsWith('runtime.waitReason')) n++;
      const out: string[] = [];
      for (let i = 0; i < Math.min(n, 256); i++) {
        const h = this.elf.readVirtual(addr + 16 * i, 16);
        if (!h) break;
        const hv = new ByteView(h, 'waitReasonStrings');
        const len = hv.u64(8);
        const s = len ? this.elf.readVirtual(hv.u64(0), Math.min(len, 128)) : new Uint8Array(0);
        out.push(s ? new TextDecoder().decode(s) : '');
      }
      return out;
    });
    return r.value ?? [];
  }

  /** Entry pcs of the runtime functions the real-mode tracer watches. */
  runtimeHooks(): RuntimeHooks {
    const e = (n: string) => this.byName.get('runtime.' + n)?.entry;
    return {
      entersyscall: e('entersyscall'), reentersyscall: e('reentersyscall'), entersyscallblock: e('entersyscallblock'),
      exitsyscall: e('exitsyscall'), exitsyscallfast: e('exitsyscallfast'), exitsyscall0: e('exitsyscall0'),
      handoffp: e('handoffp'), retake: e('retake'), sysmon: e('sysmon'),
    };
  }

  /** Go version as [major, minor], when known. */
  get goVersionNumber(): [number, number] | undefined { return this.goVersion ? parseGoVersion(this.goVersion) : undefined; }
}

/** Sorted pcs where any of the tables changes value. */
function boundaries(...tables: { start: number }[][]): number[] {
  const s = new Set<number>();
  for (const t of tables) for (const r of t) s.add(r.start);
  return [...s].sort((a, b) => a - b);
}

function valueAt(runs: PCRun[], pc: number): number {
  let lo = 0, hi = runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (pc < runs[mid].start) hi = mid - 1;
    else if (pc >= runs[mid].end) lo = mid + 1;
    else return runs[mid].val;
  }
  return -1;
}
