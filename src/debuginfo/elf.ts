// ELF64 little-endian reading: section headers, program headers, the symbol table, and section contents with
// SHF_COMPRESSED (zlib) or GNU .zdebug_* compression undone through node's zlib.
import { ByteView } from './bytes';
import { DebugInfoError, hex } from './errors';

export interface ElfSection {
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
}

export interface ElfSegment {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
}

export interface ElfSymbol {
  name: string;
  addr: number;
  size: number;
  /** STT_* (1 object, 2 func). */
  type: number;
  section: number;
}

export const SHT_NOBITS = 8;
const SHT_SYMTAB = 2;
const SHF_COMPRESSED = 0x800;
const ELFCOMPRESS_ZLIB = 1;
export const PT_LOAD = 1;

export class ElfFile {
  readonly sections: ElfSection[] = [];
  readonly segments: ElfSegment[] = [];
  readonly entry: number;
  readonly machine: number;
  private symbolsCache?: ElfSymbol[];

  /** Throws DebugInfoError naming `name` when the bytes are not a readable ELF64 LE file. */
  constructor(readonly bytes: Uint8Array, readonly name = 'binary') {
    const v = new ByteView(bytes, `${name}: ELF header`);
    if (bytes.length < 64 || v.u32(0) !== 0x464c457f) throw new DebugInfoError(`${name}: not an ELF file`);
    if (v.u8(4) !== 2 || v.u8(5) !== 1) throw new DebugInfoError(`${name}: not a 64-bit little-endian ELF file`);
    this.machine = v.u16(18);
    this.entry = v.u64(24);
    const phoff = v.u64(32), shoff = v.u64(40);
    const phentsize = v.u16(54), phnum = v.u16(56), shentsize = v.u16(58), shnum = v.u16(60), shstrndx = v.u16(62);
    const sv = new ByteView(bytes, `${name}: section headers`);
    for (let i = 0; i < phnum; i++) {
      const o = phoff + i * phentsize;
      this.segments.push({ type: sv.u32(o), flags: sv.u32(o + 4), offset: sv.u64(o + 8), vaddr: sv.u64(o + 16), filesz: sv.u64(o + 32), memsz: sv.u64(o + 40) });
    }
    if (shoff === 0 || shnum === 0) return; // sections stripped entirely: only segments
    if (shentsize < 64) throw new DebugInfoError(`${name}: bad section header size ${shentsize}`);
    const raw: { nameOff: number; s: ElfSection }[] = [];
    for (let i = 0; i < shnum; i++) {
      const o = shoff + i * shentsize;
      raw.push({ nameOff: sv.u32(o), s: { name: '', type: sv.u32(o + 4), flags: sv.u64(o + 8), addr: sv.u64(o + 16), offset: sv.u64(o + 24), size: sv.u64(o + 32) } });
    }
    const strtab = raw[shstrndx]?.s;
    if (!strtab) throw new DebugInfoError(`${name}: section name table index ${shstrndx} is out of range`);
    const names = new ByteView(this.rawSection(strtab), `${name}: section names`);
    for (const r of raw) {
      r.s.name = r.s.name || (r.nameOff ? names.cstring(r.nameOff) : '');
      this.sections.push(r.s);
    }
  }

  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** The section's file bytes as stored (still compressed if it is). */
  rawSection(s: ElfSection): Uint8Array {
    if (s.type === SHT_NOBITS) return new Uint8Array(0);
    const end = s.offset + s.size;
    if (end > this.bytes.length || s.offset < 0) {
      throw new DebugInfoError(`${this.name}: section ${s.name || '?'} (offset ${hex(s.offset)}, ${s.size} bytes) runs past the end of the file (${this.bytes.length} bytes)`);
    }
    return this.bytes.subarray(s.offset, end);
  }

  /**
   * Contents of section `name`, decompressed. Looks for `.zdebug_x` when `.debug_x` is absent.
   * Returns undefined when neither exists; throws DebugInfoError when the compression is unreadable.
   */
  sectionData(name: string): Uint8Array | undefined {
    let s = this.section(name);
    if (s) {
      const raw = this.rawSection(s);
      if (!(s.flags & SHF_COMPRESSED)) return raw;
      const v = new ByteView(raw, `${this.name}: ${name} compression header`);
      const type = v.u32(0), size = v.u64(8);
      if (type !== ELFCOMPRESS_ZLIB) throw new DebugInfoError(`${this.name}: ${name} uses compression type ${type} (only zlib is supported)`);
      return this.inflate(name, raw.subarray(24), size);
    }
    if (name.startsWith('.debug_')) {
      s = this.section('.zdebug_' + name.slice(7));
      if (!s) return undefined;
      const raw = this.rawSection(s);
      if (raw.length < 12 || String.fromCharCode(...raw.subarray(0, 4)) !== 'ZLIB') {
        throw new DebugInfoError(`${this.name}: ${s.name} lacks its ZLIB header`);
      }
      const size = new DataView(raw.buffer, raw.byteOffset + 4, 8).getBigUint64(0, false);
      return this.inflate(s.name, raw.subarray(12), Number(size));
    }
    return undefined;
  }

  private inflate(name: string, data: Uint8Array, size: number): Uint8Array {
    let out: Buffer;
    try {
      // zlib is required here, not at the top: most runs never inflate a section, and loading it costs start-up time
      out = (require('node:zlib') as typeof import('node:zlib')).inflateSync(data);
    } catch (e) {
      throw new DebugInfoError(`${this.name}: ${name} is not valid zlib data (${(e as Error).message})`);
    }
    if (out.length !== size) throw new DebugInfoError(`${this.name}: ${name} inflates to ${out.length} bytes, its header says ${size}`);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }

  /** Bytes at virtual address `addr` from the file image (PT_LOAD segments; zero for bss). */
  readVirtual(addr: number, len: number): Uint8Array | undefined {
    for (const p of this.segments) {
      if (p.type !== PT_LOAD || addr < p.vaddr || addr + len > p.vaddr + p.memsz) continue;
      const out = new Uint8Array(len);
      const fileEnd = p.vaddr + p.filesz;
      if (addr < fileEnd) {
        const n = Math.min(len, fileEnd - addr);
        const off = p.offset + (addr - p.vaddr);
        if (off + n > this.bytes.length) return undefined;
        out.set(this.bytes.subarray(off, off + n));
      }
      return out;
    }
    return undefined;
  }

  /** .symtab symbols (empty when the binary is stripped). */
  symbols(): ElfSymbol[] {
    if (this.symbolsCache) return this.symbolsCache;
    const out: ElfSymbol[] = [];
    const st = this.sections.find((s) => s.type === SHT_SYMTAB);
    if (st) {
      const link = this.sectionLink(st);
      const v = new ByteView(this.rawSection(st), `${this.name}: .symtab`);
      const names = new ByteView(this.rawSection(link), `${this.name}: .strtab`);
      for (let o = 24; o + 24 <= v.length; o += 24) {
        const nameOff = v.u32(o);
        const info = v.u8(o + 4);
        out.push({ name: nameOff ? names.cstring(nameOff) : '', type: info & 0xf, section: v.u16(o + 6), addr: v.u64(o + 8), size: v.u64(o + 16) });
      }
    }
    return (this.symbolsCache = out);
  }

  private sectionLink(s: ElfSection): ElfSection {
    // sh_link is at offset 40 of the header; re-read it from the table rather than storing it for every section.
    const v = new ByteView(this.bytes, `${this.name}: section headers`);
    const shoff = v.u64(40), shentsize = v.u16(58);
    const idx = this.sections.indexOf(s);
    const link = v.u32(shoff + idx * shentsize + 40);
    const target = this.sections[link];
    if (!target) throw new DebugInfoError(`${this.name}: ${s.name} links to missing section ${link}`);
    return target;
  }
}
