// Debug info and the scheduler source of a real Go binary: its own tables (pclntab, symbols, DWARF) through
// src/debuginfo, and the G/M/P state read out of guest memory by src/goruntime/reader.
import { GoBinary } from '../debuginfo/goBinary';
import { MemoryReader, readMemoryOf } from '../goruntime/reader/memoryReader';
import type { Kernel } from '../linux/kernel';
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
  runtimeHooks?: { entersyscall?: number; exitsyscall?: number; handoffp?: number };
} {
  const r = GoBinary.open(bytes, path);
  if (!r.binary) return { info: new DebugInfo([], [], []), warnings: [`${path}: ${r.error} (no Go symbols: stepping is by instruction)`], sourcePathFor: (p) => p };
  const bin = r.binary;
  const info = new GoDebugInfo(bin);
  const warnings = [...bin.warnings];
  const read = readMemoryOf({ peekBytes: (a, n) => kernel.memory.peekBytes(a, n) });
  const mr = MemoryReader.create(bin, read, {
    now: () => kernel.clockNs,
    syscallOf: (tid) => { const t = kernel.thread(tid); return t?.sys ? syscallNameOf(t.sys.nr) : null; },
    liveRegs: (tid) => { const t = kernel.thread(tid); return t ? { pc: t.cpu.rip, sp: t.cpu.getRegNum(4) } : undefined; },
  });
  let sched: SchedulerSource | undefined;
  if (mr.reader) {
    const reader = mr.reader;
    sched = reader;
    kernel.identify = (t) => { const id = reader.identify(t.cpu.fsBase); return { m: id.m, p: id.p, g: id.g }; };
  } else warnings.push(mr.error);
  return {
    info, sched, warnings, sourcePathFor: (p) => info.match(p),
    runtimeHooks: (() => { const h = bin.runtimeHooks(); return { entersyscall: h.entersyscall, exitsyscall: h.exitsyscall, handoffp: h.handoffp }; })(),
    unwind: (pc, sp) => {
      const u = bin.unwind(pc, sp, (a, n) => { try { return kernel.memory.peekBytes(a, n); } catch { return undefined; } });
      if (!u.frames.length) return undefined;
      return u.frames.map((f) => ({ pc: f.pc, sp: f.sp, fn: info.functionAt(f.entry), name: f.function, file: f.file, line: f.line } as RawFrame));
    },
  };
}

import { syscallName as syscallNameOf } from '../linux/sysnames';
