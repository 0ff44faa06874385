// Go's runtime line table (.gopclntab) for the Go 1.18+ layouts (header magic 0xfffffff0 for 1.18–1.19,
// 0xfffffff1 for 1.20+): the function table, per-function pc-value tables (pcsp, pcfile, pcln, pcdata) and the
// funcdata offsets (relative to moduledata.gofunc). Layout facts from runtime/symtab.go and runtime2.go's _func.
import { ByteView } from './bytes';
import { DebugInfoError, hex } from './errors';

export const MAGIC_GO118 = 0xfffffff0;
export const MAGIC_GO120 = 0xfffffff1;

export const PCDATA_InlTreeIndex = 2;
export const FUNCDATA_InlTree = 3;
/** _func.flag bits (abi.FuncFlag): the outermost frame of a stack / a function that writes SP arbitrarily. */
export const FUNCFLAG_TOPFRAME = 1;
export const FUNCFLAG_SPWRITE = 2;

export interface GoFunc {
  /** Index in the function table. */
  index: number;
  name: string;
  entry: number;
  /** First address after the function (the next function's entry, or the table's end). */
  end: number;
  /** File of the function's first instruction and the line of its `func`/TEXT. */
  file: string;
  startLine: number;
  args: number;
  funcID: number;
  flag: number;
}

/** One run of a pc-value table: value `val` holds for pcs in [start, end). */
export interface PCRun { start: number; end: number; val: number }

interface RawFunc { off: number; npcdata: number; nfuncdata: number; hdrSize: number; pcsp: number; pcfile: number; pcln: number; cuOffset: number }

export class LineTable {
  readonly magic: number;
  readonly quantum: number;
  readonly ptrSize: number;
  readonly textStart: number;
  readonly functions: GoFunc[] = [];
  /** Functions whose file/line tables could not be read. */
  readonly damaged: string[] = [];
  private readonly raw: RawFunc[] = [];
  private readonly v: ByteView;
  readonly funcnameOff: number;
  private readonly cuOff: number;
  private readonly filetabOff: number;
  private readonly pctabOff: number;
  private readonly pclnOff: number;

  /** Parses the table at its start; throws DebugInfoError (naming `what` and the offset) when it is malformed. */
  constructor(bytes: Uint8Array, readonly addr: number, readonly what: string) {
    const v = (this.v = new ByteView(bytes, `${what}: .gopclntab`, addr));
    this.magic = v.u32(0);
    if (this.magic !== MAGIC_GO118 && this.magic !== MAGIC_GO120) {
      const era = { 0xfffffffb: 'Go 1.2–1.15', 0xfffffffa: 'Go 1.16–1.17' }[this.magic];
      throw new DebugInfoError(`${what}: .gopclntab magic ${hex(this.magic)}${era ? ` (${era})` : ''} is not a supported Go 1.18+ line table`);
    }
    if (v.u8(4) !== 0 || v.u8(5) !== 0) throw new DebugInfoError(`${what}: .gopclntab header padding is not zero`);
    this.quantum = v.u8(6);
    this.ptrSize = v.u8(7);
    if (this.ptrSize !== 8 || this.quantum !== 1) throw new DebugInfoError(`${what}: .gopclntab is not for amd64 (pointer size ${this.ptrSize}, pc quantum ${this.quantum})`);
    const word = (i: number): number => v.u64(8 + 8 * i);
    const nfunc = word(0);
    this.textStart = word(2);
    this.funcnameOff = word(3);
    this.cuOff = word(4);
    this.filetabOff = word(5);
    this.pctabOff = word(6);
    this.pclnOff = word(7);
    for (const [n, o] of [['funcname', this.funcnameOff], ['cu', this.cuOff], ['filetab', this.filetabOff], ['pctab', this.pctabOff], ['pcln', this.pclnOff]] as const) {
      if (o >= v.length) throw new DebugInfoError(`${what}: .gopclntab ${n} offset ${hex(o)} is outside the table (${v.length} bytes)`);
    }
    if (nfunc <= 0 || this.pclnOff + (nfunc + 1) * 8 > v.length) throw new DebugInfoError(`${what}: .gopclntab function count ${nfunc} does not fit the table`);
    const hdrSize = this.magic === MAGIC_GO120 ? 44 : 40;
    const ftab = this.pclnOff;
    let prevEntry = -1;
    for (let i = 0; i < nfunc; i++) {
      const entry = this.textStart + v.u32(ftab + 8 * i);
      const end = this.textStart + v.u32(ftab + 8 * (i + 1));
      const off = this.pclnOff + v.u32(ftab + 8 * i + 4);
      if (entry < prevEntry || end < entry) throw new DebugInfoError(`${what}: .gopclntab function ${i} at ${hex(entry)} is out of order`);
      prevEntry = entry;
      if (v.u32(off) + this.textStart !== entry) throw new DebugInfoError(`${what}: .gopclntab function ${i}: _func at offset ${hex(off)} does not match its table entry ${hex(entry)}`);
      const r: RawFunc = {
        off, hdrSize, pcsp: v.u32(off + 16), pcfile: v.u32(off + 20), pcln: v.u32(off + 24),
        npcdata: v.u32(off + 28), cuOffset: v.u32(off + 32), nfuncdata: v.u8(off + hdrSize - 1),
      };
      if (r.npcdata > 64) throw new DebugInfoError(`${what}: .gopclntab function ${i} claims ${r.npcdata} pcdata tables`);
      const name = v.cstring(this.funcnameOff + v.i32(off + 4));
      const fn: GoFunc = {
        index: i, name, entry, end, file: '', startLine: 0, args: v.i32(off + 8),
        funcID: v.u8(off + hdrSize - 4), flag: v.u8(off + hdrSize - 3),
      };
      this.raw.push(r);
      this.functions.push(fn);
      // start line: a field since 1.20; before, the line of the entry instruction (the func line).
      // A damaged pc-value table costs this function its position, not the whole binary.
      try {
        fn.file = this.fileAt(i, entry) ?? '';
        fn.startLine = this.magic === MAGIC_GO120 ? v.i32(off + 36) : Math.max(0, this.pcvalue(i, r.pcln, entry));
      } catch (e) {
        if (!(e instanceof DebugInfoError)) throw e;
        this.damaged.push(fn.name);
      }
    }
  }

  get end(): number { return this.functions.length ? this.functions[this.functions.length - 1].end : 0; }

  /** Index of the function containing pc, or -1. */
  funcIndex(pc: number): number {
    const fs = this.functions;
    let lo = 0, hi = fs.length - 1;
    if (hi < 0 || pc < fs[0].entry || pc >= fs[hi].end) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (fs[mid].entry <= pc) lo = mid; else hi = mid - 1;
    }
    return pc < fs[lo].end ? lo : -1;
  }

  /** Runs of a pc-value table of function i (table offset `off` into pctab; 0 = no table). */
  runs(i: number, off: number): PCRun[] {
    const out: PCRun[] = [];
    if (off === 0) return out;
    const fn = this.functions[i];
    let p = this.pctabOff + off, pc = fn.entry, val = -1, first = true;
    const v = this.v;
    for (;;) {
      const uv = v.ulebNext(p);
      if (uv === 0 && !first) break;
      const pcd = v.ulebNext(v.next);
      p = v.next;
      val += uv & 1 ? -((uv + 1) / 2) : uv / 2;
      const next = pc + pcd * this.quantum;
      if (next > fn.end) throw new DebugInfoError(`${this.what}: .gopclntab pc-value table at ${hex(off)} of ${fn.name} runs past the function's end`);
      out.push({ start: pc, end: next, val });
      pc = next;
      first = false;
      if (out.length > 1_000_000) throw new DebugInfoError(`${this.what}: .gopclntab pc-value table at ${hex(off)} does not end`);
    }
    return out;
  }

  /** Value of a pc-value table at pc (Go's pcvalue): -1 when the table has no entry for it. */
  pcvalue(i: number, off: number, pc: number): number {
    if (off === 0) return -1;
    const fn = this.functions[i];
    let p = this.pctabOff + off, cur = fn.entry, val = -1, first = true;
    const v = this.v;
    for (let steps = 0; steps < 1_000_000; steps++) {
      const uv = v.ulebNext(p);
      if (uv === 0 && !first) return -1;
      const pcd = v.ulebNext(v.next);
      p = v.next;
      val += uv & 1 ? -((uv + 1) / 2) : uv / 2;
      cur += pcd * this.quantum;
      if (cur > fn.end) throw new DebugInfoError(`${this.what}: .gopclntab pc-value table at ${hex(off)} of ${fn.name} runs past the function's end`);
      if (pc < cur) return val;
      first = false;
    }
    throw new DebugInfoError(`${this.what}: .gopclntab pc-value table at ${hex(off)} does not end`);
  }

  pcspAt(i: number, pc: number): number { return this.pcvalue(i, this.raw[i].pcsp, pc); }
  lineAt(i: number, pc: number): number { return this.pcvalue(i, this.raw[i].pcln, pc); }
  fileAt(i: number, pc: number): string | undefined {
    const idx = this.pcvalue(i, this.raw[i].pcfile, pc);
    return idx < 0 ? undefined : this.fileName(i, idx);
  }
  pcdataAt(i: number, table: number, pc: number): number {
    const r = this.raw[i];
    if (table >= r.npcdata) return -1;
    return this.pcvalue(i, this.v.u32(r.off + r.hdrSize + 4 * table), pc);
  }
  lineRuns(i: number): PCRun[] { return this.runs(i, this.raw[i].pcln); }
  fileRuns(i: number): PCRun[] { return this.runs(i, this.raw[i].pcfile); }
  pcdataRuns(i: number, table: number): PCRun[] {
    const r = this.raw[i];
    return table < r.npcdata ? this.runs(i, this.v.u32(r.off + r.hdrSize + 4 * table)) : [];
  }

  /** funcdata offset (relative to moduledata.gofunc), or undefined when absent. */
  funcdataOff(i: number, slot: number): number | undefined {
    const r = this.raw[i];
    if (slot >= r.nfuncdata) return undefined;
    const o = this.v.u32(r.off + r.hdrSize + 4 * r.npcdata + 4 * slot);
    return o === 0xffffffff ? undefined : o;
  }

  /** File name of per-CU file index `idx` in function i. */
  fileName(i: number, idx: number): string {
    const cu = this.raw[i].cuOffset;
    const fo = this.v.u32(this.cuOff + 4 * (cu + idx));
    if (fo === 0xffffffff) throw new DebugInfoError(`${this.what}: .gopclntab file index ${idx} of ${this.functions[i].name} is empty`);
    return this.v.cstring(this.filetabOff + fo);
  }

  /** Name at a funcnametab offset (inline tree entries refer to names this way). */
  nameAt(off: number): string { return this.v.cstring(this.funcnameOff + off); }

  /** Every file name in the table (the filetab). */
  allFiles(): string[] {
    const out = new Set<string>();
    for (let i = 0; i < this.functions.length; i++) {
      for (const r of this.fileRuns(i)) if (r.val >= 0) out.add(this.fileName(i, r.val));
    }
    return [...out];
  }
}
