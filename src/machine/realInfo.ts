// Debug info and the scheduler source of a real Go binary: its own tables (pclntab, symbols, DWARF) through
// src/debuginfo, and the G/M/P state read out of guest memory by src/goruntime/reader.
import { GoBinary, type RuntimeHooks } from '../debuginfo/goBinary';
import { MemoryReader, readMemoryOf } from '../goruntime/reader/memoryReader';
import type { Kernel } from '../linux/kernel';
import type { Thread } from '../linux/thread';
import type { ReadMemory } from '../debuginfo/goBinary';
import type { SchedulerSource } from '../goruntime/snapshot';
import { DebugInfo, normalizeSymbol, type FunctionEntry, type LineEntry, type SymbolEntry } from './debugInfo';
import type { RawFrame } from './frames';

/** DebugInfo answered by the binary's pclntab (lines, functions) instead of assembler tables. */
class GoDebugInfo extends DebugInfo {
  private readonly fnCache = new Map<number, FunctionEntry>();
  constructor(private readonly bin: GoBinary) { super([], [], []); }

  override lookup(name: string): SymbolEntry | undefined {
    const n = normalizeSymbol(name);
    const s = this.bin.symbol(n);
    return s ? { name: s.name, addr: s.addr, size: s.size } : undefined;
  }
  override symbolAt(addr: number): SymbolEntry | undefined {
    const f = this.bin.funcForPC(addr);
    return f ? { name: f.name, addr: f.entry, size: f.end - f.entry, kind: 'text' } : undefined;
  }
  override functionAt(addr: number): FunctionEntry | undefined {
    const f = this.bin.funcForPC(addr);
    if (!f) return undefined;
    let e = this.fnCache.get(f.entry);
    if (!e) {
      e = { name: f.name, addr: f.entry, size: f.end - f.entry, frameSize: 0, argsSize: f.args, file: f.file, line: f.startLine, args: [] };
      this.fnCache.set(f.entry, e);
    }
    return e;
  }
  override lineAt(addr: number): LineEntry | undefined {
    const p = this.bin.lookupPC(addr);
    return p && p.line > 0 ? { addr, size: 1, file: p.file, line: p.line } : undefined;
  }
  override isLineStart(addr: number): boolean {
    const p = this.bin.lookupPC(addr);
    if (!p || p.line <= 0) return false;
    const starts = this.bin.pcsForLine(p.file, p.line);
    return starts.includes(addr);
  }
  override stepLineAt(addr: number): LineEntry | undefined {
    const p = this.bin.lookupPC(addr);
    const outer = p?.frames[p.frames.length - 1];
    return outer && outer.line > 0 ? { addr, size: 1, file: outer.file, line: outer.line } : undefined;
  }
  override isStepLineStart(addr: number): boolean {
    const l = this.stepLineAt(addr);
    return !!l && this.bin.pcsForLine(l.file, l.line).includes(addr);
  }
  override hasFile(file: string): boolean { return this.bin.matchFile(file) !== undefined; }
  override files(): string[] { return this.bin.files(); }
  override resolveLine(file: string, line: number): { line: number; addrs: number[] } | { error: string } {
    const f = this.bin.matchFile(file);
    if (!f) return { error: `no code from ${file.split(/[\\/]/).pop()} is in this binary` };
    const lines = this.bin.linesForFile(f);
    if (lines.get(line)?.length) return { line, addrs: lines.get(line)! };
    let best = Infinity;
    for (const l of lines.keys()) if (l > line && l < best && l - line <= 10) best = l;
    if (best === Infinity) return { error: `line ${line} of ${file.split(/[\\/]/).pop()} has no code` };
    return { line: best, addrs: lines.get(best)! };
  }
  /** The line table's spelling of a person's path. */
  match(path: string): string { return this.bin.matchFile(path) ?? path; }
}

export function realProgramInfo(bytes: Uint8Array, path: string, kernel: Kernel): {
  info: DebugInfo; sched?: SchedulerSource; warnings: string[]; sourcePathFor(p: string): string;
  unwind?: (pc: number, sp: number, bp: number) => RawFrame[] | undefined;
  runtimeHooks?: RuntimeHooks;
  binary?: GoBinary; reader?: () => MemoryReader | undefined;
  inlineDepth?: (pc: number) => number;
  /** The goroutine a thread runs (not its g0) and the top of its stack. */
  goroutineOf?: (t: Thread) => { goid: number; stackHi: number } | undefined;
  /** Where to say what is learnt about the runtime's layout after the load (DWARF is read on first need). */
  lateNotes?: (sink: (text: string) => void) => void;
} {
  const r = GoBinary.open(bytes, path);
  if (!r.binary) return { info: new DebugInfo([], [], []), warnings: [`${path}: ${r.error} (no Go symbols: stepping is by instruction)`], sourcePathFor: (p) => p };
  const bin = r.binary;
  const info = new GoDebugInfo(bin);
  const read = readMemoryOf({ peekBytes: (a, n) => kernel.memory.peekBytes(a, n) });
  // The memory reader needs the runtime's layout from DWARF (~50 ms to parse): made on first use, so a plain
  // `gosyscall run` (no trace, no scheduler view) never pays for it, nor a program stopped at its entry point.
  let mr: ReturnType<typeof MemoryReader.create> | undefined;
  // Before the runtime has its first M, G or P (allm, allglen, allp: addresses from the symbol table) its state is
  // all zeros: the answers below need no reader then.
  const word = (name: string, off = 0) => { const a = bin.symbol(name)?.addr; return a === undefined ? 0 : readU64(read, a + off) ?? 0; };
  const runtimeStarted = () => mr !== undefined || word('runtime.allm') !== 0 || word('runtime.allglen') !== 0 || word('runtime.allp', 8) !== 0;
  const hasDwarf = !!(bin.elf.section('.debug_info') || bin.elf.section('.zdebug_info'));
  let lateNote: ((text: string) => void) | undefined;
  const layoutNote = (m: NonNullable<typeof mr>): string | undefined =>
    !m.reader ? m.error : m.reader.layout.source === 'builtin' && !bin.warnings.includes(m.reader.note) ? m.reader.note : undefined;
  const memoryReader = () => {
    if (mr) return mr;
    mr = MemoryReader.create(bin, read, {
      now: () => kernel.clockNs,
      syscallOf: (tid) => { const t = kernel.thread(tid); return t?.sys ? syscallNameOf(t.sys.nr) : null; },
      liveRegs: (tid) => { const t = kernel.thread(tid); return t ? { pc: t.cpu.rip, sp: t.cpu.getRegNum(4) } : undefined; },
    });
    // DWARF that is there but does not give the layout: said now, when it was read (the load could not know)
    const n = hasDwarf ? layoutNote(mr) : undefined;
    if (n) lateNote?.(n);
    return mr;
  };
  const sched: SchedulerSource = {
    snapshot: () => {
      if (!runtimeStarted()) return { gs: [], ms: [], ps: [], sched: { runq: [], npidle: 0, nmidle: 0, nmspinning: 0 }, t: kernel.clockNs, source: 'memory' };
      const m = memoryReader();
      if (!m.reader) throw new Error(m.error);
      return m.reader.snapshot();
    },
  };
  kernel.identify = (t) => {
    if (!runtimeStarted()) return { m: t.index, p: null, g: null };
    const reader = memoryReader().reader;
    if (!reader) return { m: t.index, p: null, g: null };
    const id = reader.identify(t.cpu.fsBase);
    return { m: id.m, p: id.p, g: id.g };
  };
  return {
    info, sched, sourcePathFor: (p) => info.match(p),
    // without DWARF the runtime's offsets come from a built-in table: the Debug Console says so. Whether there is
    // DWARF at all is known from the section table; reading it (~50 ms) waits until the runtime is looked at.
    get warnings() {
      if (hasDwarf) return [...bin.warnings]; // a note on the layout, if any, comes when DWARF is read (lateNotes)
      const n = layoutNote(memoryReader());
      return n ? [...bin.warnings, n] : [...bin.warnings];
    },
    lateNotes: (sink: (text: string) => void) => { lateNote = sink; },
    binary: bin, reader: () => memoryReader().reader,
    inlineDepth: (pc) => bin.lookupPC(pc)?.frames.length ?? 0,
    goroutineOf: (t) => {
      if (!runtimeStarted()) return undefined;
      const reader = memoryReader().reader;
      if (!reader) return undefined;
      const id = reader.identify(t.cpu.fsBase);
      if (id.g === null || id.onSystemStack) return undefined;
      const f = reader.fieldAddress('g', id.gAddr, 'stack');
      const hi = 'addr' in f ? readU64(read, f.addr + 8) : undefined;
      return hi ? { goid: id.g, stackHi: hi } : undefined;
    },
    runtimeHooks: bin.runtimeHooks(),
    unwind: (pc, sp) => {
      const u = bin.unwind(pc, sp, (a, n) => { try { return kernel.memory.peekBytes(a, n); } catch { return undefined; } });
      if (!u.frames.length) return undefined;
      return u.frames.map((f) => ({ pc: f.pc, sp: f.sp, fn: info.functionAt(f.entry), name: f.function, file: f.file, line: f.line } as RawFrame));
    },
  };
}

import { syscallName as syscallNameOf } from '../linux/sysnames';

function readU64(read: ReadMemory, addr: number): number | undefined {
  const b = read(addr, 8);
  if (!b || b.length < 8) return undefined;
  return (b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24)) * 2 ** 32 + ((b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0);
}
