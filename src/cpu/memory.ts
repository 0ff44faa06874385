// The guest's address space: sparse 4 KiB pages with permissions, a commit cap, copy-on-write clones, write
// watches, and the storage for the decode cache (decoded blocks live beside the page bytes they came from).
//
// Mappings are kept as regions (like Linux VMAs); page contents are materialised only when touched, so a Go
// runtime reserving hundreds of MiB of PROT_NONE address space costs nothing. Guest accesses go through small
// direct-mapped TLBs (one per access kind) whose entries are only filled for pages where the fast path is safe:
// the write TLB never holds a page that is shared with a clone, holds decoded code, or is watched.

import { PROT_EXEC, PROT_NONE, PROT_READ, PROT_WRITE, type Access } from './types';
import type { DecodedStore } from './decodedStore';

export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;
/** Largest address + 1 the guest can use (user half of the canonical 48-bit space). */
export const ADDR_LIMIT = 2 ** 47;
const TLB_SIZE = 4096;
const TLB_MASK = TLB_SIZE - 1;
/**
 * An address's offset in its page is `a & OFFSET_MASK` (the low 12 bits of its low 32 bits), not a - pn * PAGE_SIZE:
 * integer operations never allocate, while float arithmetic on an address above 2^31 makes a heap number in code V8
 * has not optimised yet (two per access, most of a Go program's start-up garbage).
 */
const OFFSET_MASK = PAGE_SIZE - 1;

/** Error thrown by host-side Memory calls (map/protect/peek/poke) on bad arguments or unmapped memory. */
export class MemoryError extends Error {
  constructor(readonly code: 'EFAULT' | 'ENOMEM' | 'EINVAL', message: string, readonly addr?: number) {
    super(message);
    this.name = 'MemoryError';
  }
}

/**
 * Thrown by guest accessors (readN/writeN/fetch) and caught by Cpu.run, which turns it into a precise #PF.
 * Not an Error subclass: no stack trace is captured, so faults stay cheap.
 */
export class PageFault {
  constructor(readonly addr: number, readonly access: Access, readonly protection: boolean) {}
}

/** Page contents, shared between a Memory and its clones until one of them writes (copy-on-write). */
export class PageBuf {
  /** The page's bytes (replaced once when a fill provides them, see present()). */
  data: Uint8Array;
  dv: DataView;
  /** Id of the only Memory allowed to write this buffer in place; -1: shared/immutable. */
  owner: number;
  /** Decoded blocks by page offset (owned by the Cpu's decoder; opaque here). Null when no code was decoded. */
  code: Map<number, unknown> | null = null;
  /** An instruction decoded on the previous page runs into this one: writing here invalidates that page too. */
  crossInto = false;
  /**
   * A shared page whose bytes are not there yet (a file read on demand): makes them valid, or returns them (then
   * they replace `data`). See present().
   */
  fill: (() => Uint8Array | void) | null;
  constructor(owner: number, src?: Uint8Array, share = false, fill: (() => Uint8Array | void) | null = null) {
    this.data = share && src ? src : src ? new Uint8Array(src) : new Uint8Array(PAGE_SIZE);
    this.dv = new DataView(this.data.buffer, this.data.byteOffset, PAGE_SIZE);
    this.owner = owner;
    this.fill = fill;
  }
}

/**
 * The page with its bytes valid. Every path that hands out a page's bytes (TLB fills, instruction fetch, host
 * peeks, the copy on first write) goes through here; the TLB hit paths only ever see pages that did.
 */
function present(buf: PageBuf): PageBuf {
  const f = buf.fill;
  if (f !== null) {
    buf.fill = null;
    const d = f();
    if (d) { buf.data = d; buf.dv = new DataView(d.buffer, d.byteOffset, PAGE_SIZE); }
  }
  return buf;
}

const ZERO_PAGE = new PageBuf(-1);

// TLBs are allocated when a Memory first runs guest code: until then (e.g. a snapshot's clone, which is only ever
// cloned again) it shares these empty ones, whose tags stay NaN (only NaN is ever stored into them).
const NO_TAGS = new Float64Array(TLB_SIZE).fill(NaN);
const NO_DVS: DataView[] = new Array(TLB_SIZE).fill(ZERO_PAGE.dv);
const NO_BUFS: PageBuf[] = new Array(TLB_SIZE).fill(ZERO_PAGE);

/** One mapping: [start, end) in page numbers, with its permissions. */
export interface Region { start: number; end: number; prot: number }

export interface MemoryOptions {
  /** Cap on committed bytes (mappings with permissions other than PROT_NONE). Default 4 GiB. */
  capBytes?: number;
  /** Top of the area findFree searches downward from when no usable hint is given. Default 0x7f0000000000. */
  mmapBase?: number;
}

/** Breakpoint addresses, shared by a Memory and its clones, consulted when blocks are built. */
export class CodeMarks {
  readonly counts = new Map<number, number>();
  has(addr: number): boolean { return this.counts.has(addr); }
}

interface Watch {
  id: number; start: number; end: number; cb: (addr: number, len: number) => boolean | void;
  /** Only observes: its callback's answer never stops the Cpu. */
  observe: boolean;
}

/** Options of Memory.addWriteWatch. */
export interface WriteWatchOptions {
  /** The watch only observes writes (its callback's return value is ignored): the Cpu keeps its fast path. */
  observe?: boolean;
}

let nextOwnerId = 1;

/**
 * Incremented whenever any decoded block may have become stale or unreachable (code page written, mapping or
 * permissions changed, breakpoint added). Blocks cache links to their successors tagged with this value.
 */
export const CODE_GEN = { v: 0 };

export class Memory {
  /** Sorted, non-overlapping, merged mappings. */
  private regions: Region[] = [];
  /** Materialised pages by page number. */
  private pages = new Map<number, PageBuf>();
  private owner = nextOwnerId++;
  readonly capBytes: number;
  readonly mmapBase: number;
  private committed = 0;
  /** Breakpoint marks shared with clones (see Cpu.addBreakpoint). */
  marks: CodeMarks = new CodeMarks();
  /** Instructions decoded in an earlier run of the program, and the ones decoded in this one (shared with clones). */
  decoded: DecodedStore | null = null;
  /** Generation of decoded code (global: blocks are shared between clones); see CODE_GEN. */
  get codeGen(): number { return CODE_GEN.v; }
  /** Set by a write that hit a watch whose callback returned true; the running Cpu turns it into a Stop. */
  watchHit: { id: number; addr: number; len: number } | null = null;
  /** The Cpu currently running on this Memory (its `stop` is set when a watch asks to stop). */
  runner: { stop: number } | null = null;

  private watches: Watch[] = [];
  /** Number of write watches, observing ones included. */
  get watchCount(): number { return this.watches.length; }
  /**
   * Number of write watches that may stop the Cpu: it runs whole blocks only when there are none, since such a
   * stop must come right after the writing instruction. Writes to watched pages take the checked path anyway.
   * Read-only outside Memory; a field, not a getter, because the run loop reads it for every block.
   */
  stoppingWatchCount = 0;
  private watchedPages = new Map<number, number>();
  private nextWatchId = 1;

  // TLBs: tag = page number (or NaN), value = the page's DataView / buffer. Shared empty ones until ownTlbs().
  private rTag = NO_TAGS;
  private rDv: DataView[] = NO_DVS;
  private wTag = NO_TAGS;
  private wDv: DataView[] = NO_DVS;
  private xTag = NO_TAGS;
  private xBuf: PageBuf[] = NO_BUFS;
  /** High half of the last read64 (avoids allocating a pair). */
  hi = 0;

  constructor(opts: MemoryOptions = {}) {
    this.capBytes = opts.capBytes ?? 4 * 2 ** 30;
    this.mmapBase = opts.mmapBase ?? 0x7f0000000000;
  }

  // ---------------------------------------------------------------------------------------------- mappings

  /**
   * Map [addr, addr+len) with `prot`, zero-filled, replacing whatever was there (MAP_FIXED semantics).
   * addr must be page-aligned; len is rounded up to whole pages. Throws MemoryError EINVAL / ENOMEM (cap).
   */
  map(addr: number, len: number, prot: number): void {
    const [s, e] = this.pageRange(addr, len, 'map');
    const delta = (prot !== PROT_NONE ? (e - s) : 0) - this.committedIn(s, e);
    if (this.committed + delta * PAGE_SIZE > this.capBytes) {
      throw new MemoryError('ENOMEM', `memory cap of ${this.capBytes} bytes exceeded mapping ${hex(addr)}+${hex(len)}`, addr);
    }
    this.dropPages(s, e);
    this.setRegion(s, e, prot);
  }

  /** Remove [addr, addr+len) (page-aligned; unmapped parts are ignored, as munmap does). */
  unmap(addr: number, len: number): void {
    const [s, e] = this.pageRange(addr, len, 'unmap');
    this.dropPages(s, e);
    this.setRegion(s, e, -1);
  }

  /** Change permissions of [addr, addr+len); every page must be mapped (else ENOMEM, like mprotect). */
  protect(addr: number, len: number, prot: number): void {
    const [s, e] = this.pageRange(addr, len, 'protect');
    if (!this.isMappedPages(s, e)) throw new MemoryError('ENOMEM', `protect of unmapped range ${hex(addr)}+${hex(len)}`, addr);
    const delta = (prot !== PROT_NONE ? (e - s) : 0) - this.committedIn(s, e);
    if (this.committed + delta * PAGE_SIZE > this.capBytes) {
      throw new MemoryError('ENOMEM', `memory cap of ${this.capBytes} bytes exceeded protecting ${hex(addr)}+${hex(len)}`, addr);
    }
    this.setRegion(s, e, prot);
    this.codeLosesPermissions(s, e);
  }

  /** True when every byte of [addr, addr+len) is mapped (any permission). */
  isMapped(addr: number, len: number): boolean {
    if (!(addr >= 0 && len >= 0 && addr + len <= ADDR_LIMIT)) return false;
    if (len === 0) return true;
    return this.isMappedPages(Math.floor(addr / PAGE_SIZE), Math.ceil((addr + len) / PAGE_SIZE));
  }

  /** Permissions of the page holding addr, or -1 when unmapped. */
  protOf(addr: number): number {
    const r = this.regionOf(Math.floor(addr / PAGE_SIZE));
    return r ? r.prot : -1;
  }

  /** A copy of the mapping list (addresses in bytes), for /proc/self/maps-like views. */
  mappings(): { start: number; end: number; prot: number }[] {
    return this.regions.map(r => ({ start: r.start * PAGE_SIZE, end: r.end * PAGE_SIZE, prot: r.prot }));
  }

  /** Bytes currently committed (mapped with a permission other than PROT_NONE). */
  get committedBytes(): number { return this.committed; }

  /**
   * A free page-aligned range of `size` bytes for mmap: at `hint` (rounded down to a page) when that range is
   * free, else the highest free range below mmapBase, else the lowest free range above the hint. -1 if none.
   */
  findFree(size: number, hint = 0): number {
    if (!(size > 0) || size > ADDR_LIMIT) return -1;
    const n = Math.ceil(size / PAGE_SIZE);
    const top = Math.floor(this.mmapBase / PAGE_SIZE);
    if (hint > 0 && hint < ADDR_LIMIT) {
      const h = Math.floor(hint / PAGE_SIZE);
      if (h + n <= ADDR_LIMIT / PAGE_SIZE && this.isFreePages(h, h + n)) return h * PAGE_SIZE;
    }
    // Top-down below mmapBase.
    let end = top;
    for (let i = this.regions.length - 1; i >= -1; i--) {
      const r = i >= 0 ? this.regions[i] : { start: 0, end: 16, prot: 0 }; // keep page 0..15 unmapped
      if (r.start >= end) continue;
      if (r.end <= end && end - r.end >= n) return (end - n) * PAGE_SIZE;
      end = Math.min(end, r.start);
      if (end <= 16) break;
    }
    // Bottom-up above the hint or mmapBase.
    let start = Math.max(top, hint > 0 ? Math.floor(hint / PAGE_SIZE) : 0);
    for (const r of this.regions) {
      if (r.end <= start) continue;
      if (r.start - start >= n) return start * PAGE_SIZE;
      start = Math.max(start, r.end);
    }
    return start + n <= ADDR_LIMIT / PAGE_SIZE ? start * PAGE_SIZE : -1;
  }

  // ----------------------------------------------------------------------------------------------- clones

  /**
   * Copy-on-write clone: O(number of materialised pages) for the page table, no page bytes copied. Both this
   * Memory and the clone copy a shared page on their first write to it. Breakpoint marks are shared.
   * Write watches are not cloned (they belong to whoever observes this Memory).
   */
  clone(): Memory {
    const m = new Memory({ capBytes: this.capBytes, mmapBase: this.mmapBase });
    m.regions = this.regions.map(r => ({ ...r }));
    m.pages = new Map(this.pages);
    m.committed = this.committed;
    m.marks = this.marks;
    m.decoded = this.decoded;
    for (const buf of this.pages.values()) buf.owner = -1;
    this.owner = nextOwnerId++;
    this.flushTlbs();
    return m;
  }

  // ------------------------------------------------------------------------------------------ write watches

  /**
   * Call cb(addr, len) after any write (guest or host poke) that overlaps [addr, addr+len). If cb returns true
   * during a guest write, the running Cpu stops after that instruction with {kind:'watch', id, addr, len}.
   * With {observe: true} the watch never stops (see setWatchObserve). Returns an id for removeWriteWatch.
   */
  addWriteWatch(addr: number, len: number, cb: (addr: number, len: number) => boolean | void, opts?: WriteWatchOptions): number {
    const id = this.nextWatchId++;
    const w: Watch = { id, start: addr, end: addr + Math.max(1, len), cb, observe: opts?.observe === true };
    this.watches.push(w);
    if (!w.observe) this.stoppingWatchCount++;
    for (let p = Math.floor(w.start / PAGE_SIZE); p < Math.ceil(w.end / PAGE_SIZE); p++) {
      this.watchedPages.set(p, (this.watchedPages.get(p) ?? 0) + 1);
      this.wTag[p & TLB_MASK] = NaN;
    }
    return id;
  }

  removeWriteWatch(id: number): void {
    const i = this.watches.findIndex(w => w.id === id);
    if (i < 0) return;
    const w = this.watches[i];
    this.watches.splice(i, 1);
    if (!w.observe) this.stoppingWatchCount--;
    for (let p = Math.floor(w.start / PAGE_SIZE); p < Math.ceil(w.end / PAGE_SIZE); p++) {
      const c = (this.watchedPages.get(p) ?? 1) - 1;
      if (c <= 0) this.watchedPages.delete(p); else this.watchedPages.set(p, c);
    }
  }

  /** Whether watch id only observes (true) or may stop the Cpu (false). Unknown ids are ignored. */
  setWatchObserve(id: number, observe: boolean): void {
    const w = this.watches.find((x) => x.id === id);
    if (!w || w.observe === observe) return;
    w.observe = observe;
    this.stoppingWatchCount += observe ? -1 : 1;
  }

  // ---------------------------------------------------------------------------- host access (no permissions)

  /** Copy len bytes out. Ignores permissions; throws MemoryError EFAULT on an unmapped byte. */
  peekBytes(addr: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    this.hostCheck(addr, len);
    let done = 0;
    while (done < len) {
      const a = addr + done, off = a % PAGE_SIZE, n = Math.min(len - done, PAGE_SIZE - off);
      const buf = this.pages.get(Math.floor(a / PAGE_SIZE));
      if (buf) out.set(present(buf).data.subarray(off, off + n), done);
      done += n;
    }
    return out;
  }

  /**
   * Back page-aligned addr with `page` (PAGE_SIZE bytes, e.g. a slice of an executable file) without copying it:
   * the page is shared read-only, and the first write gives this Memory its own copy, as a private file mapping.
   * The caller must never change those bytes. addr must be mapped. With `fill`, the bytes are not there yet:
   * fill() is called once, before anything reads them (a page of a file read on demand); when it returns a page
   * of bytes, those are the page's.
   */
  sharePage(addr: number, page: Uint8Array, fill: (() => Uint8Array | void) | null = null): void {
    if (addr % PAGE_SIZE !== 0 || page.length !== PAGE_SIZE) throw new MemoryError('EINVAL', `sharePage: ${hex(addr)}+${hex(page.length)} is not one aligned page`, addr);
    this.hostCheck(addr, PAGE_SIZE);
    const pn = addr / PAGE_SIZE;
    const old = this.pages.get(pn);
    if (old && (old.code || old.crossInto)) CODE_GEN.v++;
    this.pages.set(pn, new PageBuf(-1, page, true, fill));
    const i = pn & TLB_MASK;
    this.rTag[i] = NaN; this.wTag[i] = NaN; this.xTag[i] = NaN;
    if (this.watches.length) this.notifyWatches(addr, PAGE_SIZE, false);
  }

  /** Copy bytes in. Ignores permissions (but copy-on-write, code invalidation and watches apply). */
  pokeBytes(addr: number, bytes: Uint8Array): void {
    this.hostCheck(addr, bytes.length);
    let done = 0;
    while (done < bytes.length) {
      const a = addr + done, off = a % PAGE_SIZE, n = Math.min(bytes.length - done, PAGE_SIZE - off);
      const buf = this.writableBuf(Math.floor(a / PAGE_SIZE));
      buf.data.set(bytes.subarray(done, done + n), off);
      done += n;
    }
    if (this.watches.length) this.notifyWatches(addr, bytes.length, false);
  }

  /** A NUL-terminated string (at most max bytes), decoded as UTF-8. Throws EFAULT if unmapped before the NUL. */
  peekCString(addr: number, max = 4096): string {
    const parts: number[] = [];
    for (let i = 0; i < max; i++) {
      const b = this.peek8(addr + i);
      if (b === 0) break;
      parts.push(b);
    }
    return Buffer.from(parts).toString('utf8');
  }

  peek8(addr: number): number { return this.peekBytes(addr, 1)[0]; }
  peek16(addr: number): number { const b = this.peekBytes(addr, 2); return b[0] | (b[1] << 8); }
  peek32(addr: number): number { const b = this.peekBytes(addr, 4); return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0; }
  peek64(addr: number): bigint {
    const b = this.peekBytes(addr, 8);
    return new DataView(b.buffer).getBigUint64(0, true);
  }
  poke8(addr: number, v: number): void { this.pokeBytes(addr, Uint8Array.of(v & 0xff)); }
  poke16(addr: number, v: number): void { this.pokeBytes(addr, Uint8Array.of(v & 0xff, (v >>> 8) & 0xff)); }
  poke32(addr: number, v: number): void {
    this.pokeBytes(addr, Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff));
  }
  poke64(addr: number, v: bigint): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
    this.pokeBytes(addr, b);
  }

  // ------------------------------------------------------------------------- guest access (permissions, #PF)
  // Addresses are numbers; anything outside [0, 2^47) faults. 32-bit reads return signed int32, 8/16 unsigned.

  read8(a: number): number {
    const pn = Math.floor(a / PAGE_SIZE), i = pn & TLB_MASK;
    if (this.rTag[i] === pn) return this.rDv[i].getUint8(a & OFFSET_MASK);
    return this.readSlow(a, 1);
  }
  read16(a: number): number {
    const pn = Math.floor(a / PAGE_SIZE), i = pn & TLB_MASK, off = a & OFFSET_MASK;
    if (this.rTag[i] === pn && off <= PAGE_SIZE - 2) return this.rDv[i].getUint16(off, true);
    return this.readSlow(a, 2);
  }
  read32(a: number): number {
    const pn = Math.floor(a / PAGE_SIZE), i = pn & TLB_MASK, off = a & OFFSET_MASK;
    if (this.rTag[i] === pn && off <= PAGE_SIZE - 4) return this.rDv[i].getInt32(off, true);
    return this.readSlow(a, 4);
  }
  /** Returns the low 32 bits (signed); the high 32 bits are left in this.hi. */
  read64(a: number): number {
    const pn = Math.floor(a / PAGE_SIZE), i = pn & TLB_MASK, off = a & OFFSET_MASK;
    if (this.rTag[i] === pn && off <= PAGE_SIZE - 8) {
      const dv = this.rDv[i];
      this.hi = dv.getInt32(off + 4, true);
      return dv.getInt32(off, true);
    }
    this.hi = this.readSlow(a + 4, 4, a);
    return this.readSlow(a, 4);
  }
  /** Reads 16 bytes into dst[di..di+3] as little-endian int32 dwords. */
  read128(a: number, dst: Int32Array, di: number): void {
    const pn = Math.floor(a / PAGE_SIZE), i = pn & TLB_MASK, off = a & OFFSET_MASK;
    if (this.rTag[i] === pn && off <= PAGE_SIZE - 16) {
      const dv = this.rDv[i];
      const x0 = dv.getInt32(off, true), x1 = dv.getInt32(off + 4, true), x2 = dv.getInt32(off + 8, true);
      dst[di + 3] = dv.getInt32(off + 12, true); dst[di] = x0; dst[di + 1] = x1; dst[di + 2] = x2;
      return;
    }
    this.readSlow(a + 15, 1, a); // checks the whole range before any register changes
    const x0 = this.readSlow(a, 4), x1 = this.readSlow(a + 4, 4), x2 = this.readSlow(a + 8, 4), x3 = this.readSlow(a + 12, 4);
    dst[di] = x0; dst[di + 1] = x1; dst[di + 2] = x2; dst[di + 3] = x3;
  }

  write8(a: number, v: number): void {
    const pn = Math.floor(a / PAGE_SIZE), i = pn & TLB_MASK;
    if (this.wTag[i] === pn) { this.wDv[i].setUint8(a & OFFSET_MASK, v); return; }
    this.writeSlow(a, 1, v, 0);
  }
  write16(a: number, v: number): void {
    const pn = Math.floor(a / PAGE_SIZE), i = pn & TLB_MASK, off = a & OFFSET_MASK;
    if (this.wTag[i] === pn && off <= PAGE_SIZE - 2) { this.wDv[i].setUint16(off, v, true); return; }
    this.writeSlow(a, 2, v, 0);
  }
  write32(a: number, v: number): void {
    const pn = Math.floor(a / PAGE_SIZE), i = pn & TLB_MASK, off = a & OFFSET_MASK;
    if (this.wTag[i] === pn && off <= PAGE_SIZE - 4) { this.wDv[i].setInt32(off, v, true); return; }
    this.writeSlow(a, 4, v, 0);
  }
  write64(a: number, lo: number, hi: number): void {
    const pn = Math.floor(a / PAGE_SIZE), i = pn & TLB_MASK, off = a & OFFSET_MASK;
    if (this.wTag[i] === pn && off <= PAGE_SIZE - 8) {
      const dv = this.wDv[i];
      dv.setInt32(off, lo, true); dv.setInt32(off + 4, hi, true);
      return;
    }
    this.writeSlow(a, 8, lo, hi);
  }
  /** Writes src[si..si+3] (int32 dwords) as 16 bytes. */
  write128(a: number, src: Int32Array, si: number): void {
    const pn = Math.floor(a / PAGE_SIZE), i = pn & TLB_MASK, off = a & OFFSET_MASK;
    if (this.wTag[i] === pn && off <= PAGE_SIZE - 16) {
      const dv = this.wDv[i];
      dv.setInt32(off, src[si], true); dv.setInt32(off + 4, src[si + 1], true);
      dv.setInt32(off + 8, src[si + 2], true); dv.setInt32(off + 12, src[si + 3], true);
      return;
    }
    this.checkWrite(a, 16);
    this.writeSlow(a, 8, src[si], src[si + 1]);
    this.writeSlow(a + 8, 8, src[si + 2], src[si + 3]);
  }

  /** Guest check that [a, a+len) is writable, without writing (for instructions that must not half-complete). */
  checkWrite(a: number, len: number): void {
    this.guestPage(a, 'write');
    if (len > 1) this.guestPage(a + len - 1, 'write');
  }
  /** Guest check that [a, a+len) is readable. */
  checkRead(a: number, len: number): void {
    this.guestPage(a, 'read');
    if (len > 1) this.guestPage(a + len - 1, 'read');
  }

  // ------------------------------------------------------------------------- instruction fetch (for the Cpu)

  /**
   * The page buffer holding executable address a (materialised), for the decoder and the block cache.
   * Throws PageFault (exec) when unmapped or not executable.
   */
  execPage(a: number): PageBuf {
    const pn = Math.floor(a / PAGE_SIZE), i = pn & TLB_MASK;
    if (this.xTag[i] === pn) return this.xBuf[i];
    const r = a >= 0 && a < ADDR_LIMIT ? this.regionOf(pn) : undefined;
    if (!r || !(r.prot & PROT_EXEC)) throw new PageFault(a, 'exec', !!r);
    let buf = this.pages.get(pn);
    if (!buf) { buf = new PageBuf(this.owner); this.pages.set(pn, buf); this.rTag[i] = NaN; this.wTag[i] = NaN; }
    present(buf);
    if (this.xTag === NO_TAGS) this.ownTlbs();
    this.xTag[i] = pn; this.xBuf[i] = buf;
    return buf;
  }

  /** Called by the decoder when it stores code on a page: such pages leave the write TLB. */
  noteCode(pn: number): void { if (this.wTag[pn & TLB_MASK] === pn) this.wTag[pn & TLB_MASK] = NaN; }

  /** Drop every decoded block of this Memory's pages (e.g. after a breakpoint is added at addr). */
  invalidateCodeAt(addr: number): void {
    const pn = Math.floor(addr / PAGE_SIZE);
    for (const p of [pn - 1, pn]) {
      const buf = this.pages.get(p);
      if (buf && buf.code) buf.code = null;
    }
    CODE_GEN.v++;
    this.xTag.fill(NaN);
  }

  // ----------------------------------------------------------------------------------------------- internals

  private readSlow(a: number, len: number, faultAddr?: number): number {
    if (a + len - 1 >= 0 && Math.floor(a / PAGE_SIZE) !== Math.floor((a + len - 1) / PAGE_SIZE)) {
      let v = 0;
      this.guestPage(a + len - 1, 'read', faultAddr);
      for (let k = len - 1; k >= 0; k--) v = (v << 8) | this.readSlow(a + k, 1, faultAddr);
      return len === 4 ? v | 0 : v;
    }
    const buf = this.guestPage(a, 'read', faultAddr);
    const off = a % PAGE_SIZE;
    return len === 1 ? buf.dv.getUint8(off) : len === 2 ? buf.dv.getUint16(off, true) : buf.dv.getInt32(off, true);
  }

  /** Validate a guest access to the page holding a, fill the TLB, return the buffer (writable copy for writes). */
  private guestPage(a: number, access: 'read' | 'write', faultAddr?: number): PageBuf {
    if (!(a >= 0 && a < ADDR_LIMIT)) throw new PageFault(faultAddr ?? a, access, false);
    const pn = Math.floor(a / PAGE_SIZE), i = pn & TLB_MASK;
    const r = this.regionOf(pn);
    if (!r || r.prot === PROT_NONE || (access === 'write' && !(r.prot & PROT_WRITE))) {
      throw new PageFault(Math.max(faultAddr ?? a, pn * PAGE_SIZE), access, !!r);
    }
    if (this.rTag === NO_TAGS) this.ownTlbs();
    if (access === 'read') {
      const buf = present(this.pages.get(pn) ?? ZERO_PAGE);
      this.rTag[i] = pn; this.rDv[i] = buf.dv;
      return buf;
    }
    const buf = this.writableBuf(pn);
    if (!buf.code && !buf.crossInto && !this.watchedPages.has(pn)) { this.wTag[i] = pn; this.wDv[i] = buf.dv; }
    return buf;
  }

  /** Materialise / unshare page pn for writing and invalidate code decoded from it. */
  private writableBuf(pn: number): PageBuf {
    const i = pn & TLB_MASK;
    let buf = this.pages.get(pn);
    if (!buf || buf.owner !== this.owner) {
      const old = buf && present(buf);
      buf = new PageBuf(this.owner, old?.data);
      this.pages.set(pn, buf);
      if (this.rTag[i] === pn) this.rDv[i] = buf.dv;
      if (this.xTag[i] === pn) this.xTag[i] = NaN;
      if (old && (old.code || old.crossInto)) { CODE_GEN.v++; buf.crossInto = false; if (old.crossInto) this.dropCode(pn - 1); }
    } else {
      if (buf.code) { buf.code = null; CODE_GEN.v++; this.xTag[i] = NaN; }
      if (buf.crossInto) { buf.crossInto = false; this.dropCode(pn - 1); }
    }
    return buf;
  }

  private dropCode(pn: number): void {
    const b = this.pages.get(pn);
    if (b && b.code) { b.code = null; CODE_GEN.v++; this.xTag[pn & TLB_MASK] = NaN; }
  }

  private writeSlow(a: number, len: number, lo: number, hi: number): void {
    const last = a + len - 1;
    const b0 = this.guestPage(a, 'write');
    const off = a % PAGE_SIZE;
    if (Math.floor(a / PAGE_SIZE) === Math.floor(last / PAGE_SIZE)) {
      const dv = b0.dv;
      if (len === 1) dv.setUint8(off, lo);
      else if (len === 2) dv.setUint16(off, lo, true);
      else if (len === 4) dv.setInt32(off, lo, true);
      else { dv.setInt32(off, lo, true); dv.setInt32(off + 4, hi, true); }
    } else {
      this.guestPage(last, 'write');
      for (let k = 0; k < len; k++) {
        const byte = k < 4 ? (lo >>> (8 * k)) & 0xff : (hi >>> (8 * (k - 4))) & 0xff;
        const pa = a + k, pn = Math.floor(pa / PAGE_SIZE);
        this.writableBuf(pn).data[pa - pn * PAGE_SIZE] = byte;
      }
    }
    if (this.watches.length) this.notifyWatches(a, len, true);
  }

  private notifyWatches(addr: number, len: number, guest: boolean): void {
    const end = addr + len;
    for (const w of this.watches) {
      if (w.start < end && addr < w.end) {
        let stop: boolean | void = false;
        try { stop = w.cb(addr, len); } catch { stop = false; }
        if (stop && guest && !w.observe && !this.watchHit) {
          this.watchHit = { id: w.id, addr, len };
          if (this.runner) this.runner.stop = 4; // STOP_WATCH
        }
      }
    }
  }

  private hostCheck(addr: number, len: number): void {
    if (!(Number.isInteger(addr) && Number.isInteger(len) && len >= 0)) {
      throw new MemoryError('EINVAL', `bad host access ${addr}+${len}`, addr);
    }
    if (len > 0 && !this.isMapped(addr, len)) {
      let a = addr;
      while (a < addr + len && this.protOf(a) >= 0) a = (Math.floor(a / PAGE_SIZE) + 1) * PAGE_SIZE;
      throw new MemoryError('EFAULT', `unmapped memory at ${hex(Math.max(a, addr))} (access ${hex(addr)}+${len})`, a);
    }
  }

  private pageRange(addr: number, len: number, what: string): [number, number] {
    if (!(Number.isInteger(addr) && Number.isInteger(len)) || addr % PAGE_SIZE !== 0 || len <= 0 || addr < 0 ||
      addr + len > ADDR_LIMIT) {
      throw new MemoryError('EINVAL', `${what}: bad range ${hex(addr)}+${hex(len)} (must be page-aligned, in the user address space)`, addr);
    }
    return [addr / PAGE_SIZE, Math.ceil((addr + len) / PAGE_SIZE)];
  }

  private regionOf(pn: number): Region | undefined {
    const rs = this.regions;
    let lo = 0, hi = rs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1, r = rs[mid];
      if (pn < r.start) hi = mid - 1; else if (pn >= r.end) lo = mid + 1; else return r;
    }
    return undefined;
  }

  private isMappedPages(s: number, e: number): boolean {
    let p = s;
    const rs = this.regions;
    for (let i = 0; i < rs.length; i++) {
      const r = rs[i];
      if (r.end <= p) continue;
      if (r.start > p) return false;
      p = r.end;
      if (p >= e) return true;
    }
    return p >= e;
  }

  private isFreePages(s: number, e: number): boolean {
    for (const r of this.regions) if (r.start < e && s < r.end) return false;
    return true;
  }

  private committedIn(s: number, e: number): number {
    let n = 0;
    const rs = this.regions;
    for (let i = 0; i < rs.length; i++) {
      const r = rs[i];
      if (r.prot !== PROT_NONE && r.start < e && s < r.end) n += Math.min(e, r.end) - Math.max(s, r.start);
    }
    return n;
  }

  /** Set [s, e) to prot (-1: unmapped), splitting and merging regions; keeps the commit counter. */
  private setRegion(s: number, e: number, prot: number): void {
    this.committed -= this.committedIn(s, e) * PAGE_SIZE;
    const out: Region[] = [];
    for (const r of this.regions) {
      if (r.end <= s || r.start >= e) { out.push(r); continue; }
      if (r.start < s) out.push({ start: r.start, end: s, prot: r.prot });
      if (r.end > e) out.push({ start: e, end: r.end, prot: r.prot });
    }
    if (prot >= 0) out.push({ start: s, end: e, prot });
    out.sort((x, y) => x.start - y.start);
    const merged: Region[] = [];
    for (const r of out) {
      const last = merged[merged.length - 1];
      if (last && last.end === r.start && last.prot === r.prot) last.end = r.end;
      else merged.push({ ...r });
    }
    this.regions = merged;
    if (prot > 0 && prot !== PROT_NONE) this.committed += (e - s) * PAGE_SIZE;
    this.flushTlbs();
  }

  /**
   * Decoded code stops being valid only where pages with code go or lose their permissions: map and unmap drop the
   * range's pages (dropPages invalidates what was decoded there), protect keeps them (codeLosesPermissions). Go maps
   * and unmaps dozens of ranges while it starts, far from its code: invalidating all of it each time made the run
   * loop look up ~3,000 more blocks in a hello world.
   */
  private codeLosesPermissions(s: number, e: number): void {
    let hit = false;
    const visit = (b: PageBuf): void => { if (b.code || b.crossInto) hit = true; };
    if (e - s < this.pages.size) {
      for (let p = s; p < e && !hit; p++) { const b = this.pages.get(p); if (b) visit(b); }
    } else {
      this.pages.forEach((b, p) => { if (p >= s && p < e) visit(b); });
    }
    if (!hit) return;
    CODE_GEN.v++;
    // an instruction on the page before may run into the range: decode it again (its fetch then checks the range)
    if (this.pages.get(s)?.crossInto) this.dropCode(s - 1);
  }

  private dropPages(s: number, e: number): void {
    if (e - s < this.pages.size) {
      for (let p = s; p < e; p++) { const b = this.pages.get(p); if (b) { if (b.code) CODE_GEN.v++; this.pages.delete(p); } }
    } else {
      // forEach, not for-of: no [page, buffer] pair per page (Go maps and unmaps big ranges, many times at start)
      this.pages.forEach((b, p) => { if (p >= s && p < e) { if (b.code) CODE_GEN.v++; this.pages.delete(p); } });
    }
    const prev = this.pages.get(s - 1);
    if (prev && prev.code) { prev.code = null; CODE_GEN.v++; }
  }

  private flushTlbs(): void {
    if (this.rTag === NO_TAGS) return;
    this.rTag.fill(NaN); this.wTag.fill(NaN); this.xTag.fill(NaN);
  }

  private ownTlbs(): void {
    this.rTag = new Float64Array(TLB_SIZE).fill(NaN); this.rDv = new Array(TLB_SIZE).fill(ZERO_PAGE.dv);
    this.wTag = new Float64Array(TLB_SIZE).fill(NaN); this.wDv = new Array(TLB_SIZE).fill(ZERO_PAGE.dv);
    this.xTag = new Float64Array(TLB_SIZE).fill(NaN); this.xBuf = new Array(TLB_SIZE).fill(ZERO_PAGE);
  }
}

export function hex(n: number): string { return n < 0 ? '-0x' + (-n).toString(16) : '0x' + n.toString(16); }

export { PROT_READ, PROT_WRITE, PROT_EXEC, PROT_NONE };
