// Decoded instructions kept from one run of a program for the next (the decode cache on disk is this store's
// bytes: machine/decodeCache.ts). A record is what iced-x86 wrote for an instruction at an address; translating
// from it needs no call into iced, so a run that finds every instruction here never loads iced's WebAssembly
// (Go hello world: ~22,000 instructions decoded; iced's module, tables and decoding ~25 ms and ~400 page faults).
//
// A record is used only when the instruction's bytes in memory are the bytes it was decoded from: decoding is a
// function of the bytes and the address, so a record can never describe other code (a rebuilt program, code
// written at run time, another program's cache file).

import type { Instruction } from '../iced';
import type { Op } from './operands';
import { codeFacts, copyFields, FIELDS_SIZE, insnCode, knowCode, nextRecord, validFacts, type CodeFacts } from './insninfo';

/**
 * A record: iced's Instruction fields, with the instruction's first 8 bytes in place of next_rip (which insninfo
 * never reads), then its other bytes (at most 7) and a pad byte.
 */
export const RECORD = FIELDS_SIZE + 8;
const WORDS = RECORD >> 2;
/** The struct's `len` and `code` (see insninfo's layout). */
const LEN_AT = 38, CODE_AT = 32;
/** A Code's facts in the file: code, mnemonic, memSize, memBytes (u16 each), opCount, flow, encoding, pad (u8). */
const FACT = 12;
const MAGIC = 0x43445347; // 'GSDC'
const FORMAT = 2;
/**
 * The file: magic, format, addresses, records, facts, the program's identity's length (u32 each); iced's version (16
 * ASCII bytes); a CRC-32 of the rest and a pad. Then the program's identity (padded to 8 bytes), the addresses
 * (float64, ascending), the record of each (u32; padded to 8 bytes), the records (RECORD bytes each, in the order
 * they were decoded), the Codes' facts.
 */
const HEADER = 24 + 16 + 8;
const SUM_AT = 40;
/** The identity of a program (its Go build ID, say) is at most this long. */
const MAX_ID = 256;
/** DecodedStore.find: the instruction runs past the bytes given. */
export const RUNS_PAST = -2;
/** Records a file may hold (a program writing code at run time could otherwise grow it without end). */
export const MAX_RECORDS = 1 << 20;

const pad8 = (n: number) => (n + 7) & ~7;
const TWO32 = 2 ** 32;
/** Entries (addresses kept) are below this: an address times it plus an entry is exact in a float64 below 2^53. */
const ENTRIES = 2 ** 21;

export class DecodedStore {
  /** Addresses with a record, ascending, and the record of each. */
  private addrs: Float64Array<ArrayBufferLike>;
  private recOf: Uint32Array<ArrayBufferLike>;
  /** The records (RECORD bytes each), also as int32s. */
  private recs: Uint8Array<ArrayBufferLike>;
  private words: Int32Array<ArrayBufferLike>;
  /**
   * The addresses searched: as int32s when all are below 2^31 (a program's text, usually), whose elements V8's
   * interpreter reads without making a heap number each.
   */
  private search: Int32Array | Float64Array<ArrayBufferLike>;
  /** Index (in addrs) of the record found last: a block asks for consecutive instructions. */
  private last = -1;
  /**
   * Instructions iced decoded in this run: their number, addresses and records (numbers in `added`). Entries number
   * the loaded addresses 0..n-1, then these; `keys` packs address and entry in one float64 while every address is
   * below 2^32 (`packed`), for sorting natively when saved.
   */
  private nAdded = 0;
  private addedAddrs = new Float64Array(0);
  private addedRec = new Int32Array(0);
  private keys = new Float64Array(0);
  private packed = true;
  /** This run's records (RECORD bytes each, also as int32s); by the bytes of an instruction whose op is shared. */
  private nRecs = 0;
  private added = new Uint8Array(0);
  private addedWords = new Int32Array(0);
  private recByKey = new Map<string, number>();
  /** The op translated from a loaded record, when it depends on the bytes only (translate's shared ops). */
  private ops: (Op | undefined)[];
  /** What iced derives from each Code the records have, and 1 for each such Code (a record of another is not used). */
  private facts: CodeFacts[] = [];
  private known = new Uint8Array(0x10000);
  /** Instructions translated from a record, and decoded by iced, in this run. */
  hits = 0;
  misses = 0;
  /** The identity of the program the loaded records were written for ('' when none were). */
  programId = '';
  /**
   * The program changed since (rebuilt): only the loaded addresses found in this run are saved again, with the
   * records they use. Its unchanged code is found where it was; the rest would only grow the file.
   */
  compact = false;
  /** 1 for each loaded address found in this run. */
  private found: Uint8Array;

  private constructor(
    addrs: Float64Array<ArrayBufferLike>, recOf: Uint32Array<ArrayBufferLike>, recs: Uint8Array<ArrayBufferLike>, facts: CodeFacts[],
    /** Keeps what iced decodes (`add`); false: only counts it. */
    readonly collects = true,
  ) {
    this.addrs = addrs;
    this.search = addrs.length === 0 || addrs[addrs.length - 1] < 2 ** 31 ? Int32Array.from(addrs) : addrs;
    this.recOf = recOf;
    this.recs = recs;
    this.words = new Int32Array(recs.buffer, recs.byteOffset, recs.byteLength >> 2);
    // its length at once: set in any order, the array stays a plain list of slots (not a dictionary)
    this.ops = new Array<Op | undefined>(recs.byteLength / RECORD);
    this.found = new Uint8Array(addrs.length);
    for (const f of facts) this.know(f);
  }

  /** A store with no records that keeps what iced decodes, or (`collects` false) does not. */
  static empty(collects = true): DecodedStore {
    return new DecodedStore(new Float64Array(0), new Uint32Array(0), new Uint8Array(0), [], collects);
  }

  /**
   * The store a file holds, or a reason it cannot be used (another iced-x86 or format, damaged: the checksum, the
   * sizes and the Codes' facts are checked; a record when it is found). `checksum` is a CRC-32 (node:zlib's, given by
   * the caller). The store keeps `file`'s memory.
   */
  static parse(file: Uint8Array, iced: string, checksum: (b: Uint8Array) => number): DecodedStore | string {
    if (file.byteLength < HEADER) return 'too short';
    if (file.byteOffset % 8 !== 0) file = file.slice(); // the addresses are read as float64s in place
    const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
    if (dv.getUint32(0, true) !== MAGIC || dv.getUint32(4, true) !== FORMAT) return 'not a decode cache of this format';
    if (ascii(file.subarray(24, 40)) !== iced.slice(0, 16)) return 'made with another iced-x86';
    const n = dv.getUint32(8, true), m = dv.getUint32(12, true), nf = dv.getUint32(16, true), idLen = dv.getUint32(20, true);
    const at = layout(n, idLen);
    const factsAt = at.recs + m * RECORD;
    if (n > MAX_RECORDS || m > MAX_RECORDS || nf > 0xffff || idLen > MAX_ID || file.byteLength !== factsAt + nf * FACT) return 'damaged (size)';
    if (checksum(file.subarray(HEADER)) !== dv.getUint32(SUM_AT, true)) return 'damaged (checksum)';
    const facts: CodeFacts[] = [];
    for (let i = 0, p = factsAt; i < nf; i++, p += FACT) {
      const f: CodeFacts = {
        code: dv.getUint16(p, true), mnemonic: dv.getUint16(p + 2, true), memSize: dv.getUint16(p + 4, true),
        memBytes: dv.getUint16(p + 6, true), opCount: file[p + 8], flow: file[p + 9], encoding: file[p + 10],
      };
      if (!validFacts(f)) return `damaged (code ${f.code})`;
      facts.push(f);
    }
    for (const f of facts) knowCode(f);
    const o = file.byteOffset;
    const store = new DecodedStore(new Float64Array(file.buffer, o + at.addrs, n), new Uint32Array(file.buffer, o + at.recOf, n),
      file.subarray(at.recs, factsAt), facts);
    store.programId = ascii(file.subarray(HEADER, HEADER + idLen));
    return store;
  }

  /** Addresses with a record (loaded, and decoded in this run). */
  get size(): number { return this.addrs.length + this.nAdded; }
  /** This run decoded instructions the store did not have, or the program changed: it is worth saving. */
  get changed(): boolean { return this.nAdded > 0 || this.compact; }

  /**
   * The record of the instruction at `addr` whose bytes start at d[pos] (fewer than 15 may be there), or -1, or
   * RUNS_PAST: the bytes there are the start of the record's instruction, which needs more of them (an x86 decoder
   * reads an instruction's bytes in order, so any instruction starting with them does). Then `use` it.
   */
  find(addr: number, d: Uint8Array, pos: number): number {
    const addrs = this.search, n = addrs.length;
    let k = this.last + 1;
    if (k >= n || addrs[k] !== addr) {
      k = indexOf(addrs, addr);
      if (k < 0) return -1;
    }
    const rec = this.recOf[k], r = this.recs, at = rec * RECORD;
    if (at >= r.length) return -1; // damaged (the checksum makes it unlikely)
    const len = r[at + LEN_AT], have = Math.min(len, d.length - pos);
    if (len < 1 || len > 15 || this.known[r[at + CODE_AT] | (r[at + CODE_AT + 1] << 8)] !== 1) return -1;
    const head = have < 8 ? have : 8;
    for (let i = 0; i < head; i++) if (r[at + i] !== d[pos + i]) return -1;
    for (let i = 8; i < have; i++) if (r[at + FIELDS_SIZE - 8 + i] !== d[pos + i]) return -1;
    if (have < len) return RUNS_PAST;
    this.last = k;
    this.found[k] = 1;
    return rec;
  }

  /** Record `rec` (found) becomes the instruction insninfo describes (translate it with a null Insn). */
  use(rec: number): void { this.hits++; nextRecord(this.recs, this.words, rec * RECORD); }

  /** The op already translated from loaded record `rec` (one shared by every address with these bytes). */
  opOf(rec: number): Op | undefined { return this.ops[rec]; }
  /** Record `rec`'s op, when it depends only on the bytes (Translated.shared). */
  setOp(rec: number, op: Op): void { this.ops[rec] = op; }

  /**
   * Keeps the instruction insninfo describes, which iced decoded at `addr` from d[pos...pos+len), for the next run.
   * `key`: its bytes (translate's key) when its op depends on them only: one record serves every address with them.
   * Not kept: what a record cannot stand for (see codeFacts) or when the fields are not read from wasm memory.
   */
  add(insn: Instruction, addr: number, d: Uint8Array, pos: number, len: number, key: string | null): void {
    this.misses++;
    if (!this.collects) return;
    const code = insnCode(insn);
    // Code.INVALID (0): its length depends on the bytes that were missing
    if (code === 0 || this.addrs.length + this.nAdded >= MAX_RECORDS || len < 1 || len > 15 || pos + len > d.length) return;
    let rec = key !== null ? this.recByKey.get(key) : undefined;
    if (rec === undefined) {
      if (this.known[code] !== 1) {
        const f = codeFacts(insn);
        if (f === undefined) return;
        this.know(f);
      }
      rec = this.nRecs;
      if (rec * RECORD === this.added.length) this.growRecords();
      if (!copyFields(this.addedWords, rec * WORDS)) return;
      const to = this.added, at = rec * RECORD;
      for (let i = 0; i < len; i++) to[at + (i < 8 ? i : FIELDS_SIZE - 8 + i)] = d[pos + i];
      this.nRecs = rec + 1;
      if (key !== null) this.recByKey.set(key, rec);
    }
    const k = this.nAdded;
    if (k === this.addedAddrs.length) this.growEntries();
    this.addedAddrs[k] = addr;
    this.addedRec[k] = rec;
    if (addr >= TWO32) this.packed = false;
    else this.keys[k] = addr * ENTRIES + this.addrs.length + k;
    this.nAdded = k + 1;
  }

  private know(f: CodeFacts): void { this.facts.push(f); this.known[f.code] = 1; }

  private growEntries(): void {
    const cap = Math.max(1024, this.addedAddrs.length * 2);
    const addrs = new Float64Array(cap), recs = new Int32Array(cap), keys = new Float64Array(cap);
    addrs.set(this.addedAddrs); recs.set(this.addedRec); keys.set(this.keys);
    this.addedAddrs = addrs; this.addedRec = recs; this.keys = keys;
  }
  private growRecords(): void {
    const added = new Uint8Array(Math.max(1024, this.nRecs * 2) * RECORD);
    added.set(this.added);
    this.added = added; this.addedWords = new Int32Array(added.buffer);
  }

  /**
   * The store as a file: the loaded records and this run's after them; each address's latest record (an address
   * decoded again had other bytes, or its block was rebuilt).
   */
  serialize(iced: string, checksum: (b: Uint8Array) => number, programId = ''): Uint8Array {
    const id = programId.slice(0, MAX_ID);
    // the loaded records kept: all, or (compact) those the kept addresses use, renumbered in order
    const loaded = this.recs.length / RECORD;
    const renumber = this.compact ? new Int32Array(loaded).fill(-1) : null;
    let m0 = loaded;
    if (renumber !== null) {
      m0 = 0;
      const found = this.found, recOf = this.recOf;
      for (let k = 0; k < found.length; k++) if (found[k] === 1 && renumber[recOf[k]] < 0) renumber[recOf[k]] = m0++;
    }
    const m = m0 + this.nRecs;
    const [addrs, recOf] = this.index(m0, renumber);
    const n = addrs.length, facts = this.facts;
    const at = layout(n, id.length);
    const factsAt = at.recs + m * RECORD;
    const out = new Uint8Array(factsAt + facts.length * FACT);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, MAGIC, true); dv.setUint32(4, FORMAT, true);
    dv.setUint32(8, n, true); dv.setUint32(12, m, true); dv.setUint32(16, facts.length, true); dv.setUint32(20, id.length, true);
    for (let i = 0; i < Math.min(16, iced.length); i++) out[24 + i] = iced.charCodeAt(i) & 0x7f;
    for (let i = 0; i < id.length; i++) out[HEADER + i] = id.charCodeAt(i) & 0x7f;
    new Float64Array(out.buffer, at.addrs, n).set(addrs);
    new Uint32Array(out.buffer, at.recOf, n).set(recOf);
    if (renumber === null) out.set(this.recs, at.recs);
    else for (let r = 0; r < loaded; r++) if (renumber[r] >= 0) out.set(this.recs.subarray(r * RECORD, (r + 1) * RECORD), at.recs + renumber[r] * RECORD);
    out.set(this.added.subarray(0, this.nRecs * RECORD), at.recs + m0 * RECORD);
    let p = factsAt;
    for (const f of facts) {
      dv.setUint16(p, f.code, true); dv.setUint16(p + 2, f.mnemonic, true); dv.setUint16(p + 4, f.memSize, true);
      dv.setUint16(p + 6, f.memBytes, true); out[p + 8] = f.opCount; out[p + 9] = f.flow; out[p + 10] = f.encoding;
      p += FACT;
    }
    dv.setUint32(SUM_AT, checksum(out.subarray(HEADER)), true);
    return out;
  }

  /**
   * The addresses to save, ascending, and the record of each (the latest entry's: this run's records are numbered
   * after the m0 loaded ones). Sorted natively as packed keys when every address is below 2^32 (no call back per
   * comparison: this runs in code V8 has not compiled, as the process ends).
   */
  private index(m0: number, renumber: Int32Array | null): [Float64Array, Uint32Array] {
    const loaded = this.addrs.length, added = this.nAdded, total = loaded + added;
    const addrs = new Float64Array(total), recOf = new Uint32Array(total);
    // locals: the loops below run in V8's interpreter
    const loadedRec = this.recOf, addedRec = this.addedRec, found = this.found;
    let n = 0;
    // each entry in address order; a later entry at the same address replaces the one before; a loaded address not
    // found in this run is dropped when compacting
    const keep = (a: number, e: number) => {
      if (e < loaded && renumber !== null && found[e] !== 1) return;
      if (n > 0 && addrs[n - 1] === a) n--;
      addrs[n] = a; recOf[n] = e >= loaded ? m0 + addedRec[e - loaded] : renumber !== null ? renumber[loadedRec[e]] : loadedRec[e]; n++;
    };
    if (this.packed && (loaded === 0 || this.addrs[loaded - 1] < TWO32)) {
      const keys = new Float64Array(total), from = this.addrs;
      for (let e = 0; e < loaded; e++) keys[e] = from[e] * ENTRIES + e;
      keys.set(this.keys.subarray(0, added), loaded);
      keys.sort();
      for (let i = 0; i < total; i++) {
        const key = keys[i], e = key % ENTRIES;
        keep((key - e) / ENTRIES, e);
      }
    } else {
      const addrOf = (e: number) => e < loaded ? this.addrs[e] : this.addedAddrs[e - loaded];
      const order = Array.from({ length: total }, (_, e) => e).sort((a, b) => addrOf(a) - addrOf(b) || a - b);
      for (const e of order) keep(addrOf(e), e);
    }
    return [addrs.subarray(0, n), recOf.subarray(0, n)];
  }
}

/**
 * The index of `addr` in the ascending `addrs`, or -1. A first guess in proportion to the address (a program's
 * instructions are spread fairly evenly), a gallop to bracket it, then halving: a few steps where a binary search
 * takes ~15, which matters in code V8 has not compiled (every block a run decodes asks once). Exported for the tests.
 */
export function indexOf(addrs: Int32Array | Float64Array<ArrayBufferLike>, addr: number): number {
  let lo = 0, hi = addrs.length - 1;
  if (hi < 0 || addr < addrs[0] || addr > addrs[hi]) return -1;
  const span = addrs[hi] - addrs[0];
  const g = span > 0 ? Math.floor(((addr - addrs[0]) / span) * hi) : 0;
  const at = addrs[g];
  if (at === addr) return g;
  let step = 1;
  if (at < addr) {
    lo = g + 1;
    while (g + step <= hi && addrs[g + step] < addr) { lo = g + step + 1; step *= 2; }
    if (g + step < hi) hi = g + step;
  } else {
    hi = g - 1;
    while (g - step >= 0 && addrs[g - step] > addr) { hi = g - step - 1; step *= 2; }
    if (g - step > 0) lo = g - step;
  }
  while (lo <= hi) {
    const mid = (lo + hi) >> 1, a = addrs[mid];
    if (a < addr) lo = mid + 1; else if (a > addr) hi = mid - 1; else return mid;
  }
  return -1;
}

/** Where the parts of a file with n addresses and a program identity of idLen bytes start. */
function layout(n: number, idLen: number): { addrs: number; recOf: number; recs: number } {
  const addrs = HEADER + pad8(idLen);
  return { addrs, recOf: addrs + n * 8, recs: addrs + n * 8 + pad8(n * 4) };
}

/** Bytes up to the first zero as ASCII (the header's iced version, a program's identity). */
function ascii(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length && b[i] !== 0; i++) s += String.fromCharCode(b[i]);
  return s;
}
