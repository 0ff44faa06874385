// Minimal ELF64 reader for the disassembler: loadable segments and the symbol table. Bad or truncated files give
// an error message, never an exception.

export interface ElfInfo {
  entry: number;
  segments: { vaddr: number; offset: number; filesz: number; memsz: number; flags: number }[];
  sections: { name: string; addr: number; offset: number; size: number; flags: number; type: number }[];
  /** Every named symbol (functions and objects), sorted by address. */
  symbols: { name: string; addr: number; size: number; func: boolean; section: number }[];
}

export function readElf(b: Uint8Array): ElfInfo | string {
  if (b.length < 64 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) return 'not an ELF file';
  if (b[4] !== 2) return 'not a 64-bit ELF file';
  if (b[5] !== 1) return 'not a little-endian ELF file';
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u64 = (o: number) => { if (o + 8 > b.length) throw new RangeError('truncated'); return Number(v.getBigUint64(o, true)); };
  const u32 = (o: number) => { if (o + 4 > b.length) throw new RangeError('truncated'); return v.getUint32(o, true); };
  const u16 = (o: number) => { if (o + 2 > b.length) throw new RangeError('truncated'); return v.getUint16(o, true); };
  try {
    if (u16(18) !== 62) return 'not an x86-64 ELF file';
    const entry = u64(24), phoff = u64(32), shoff = u64(40);
    const phentsize = u16(54), phnum = u16(56), shentsize = u16(58), shnum = u16(60), shstrndx = u16(62);
    if (phnum > 4096 || shnum > 65535) return 'ELF header: absurd table sizes';
    const segments: ElfInfo['segments'] = [];
    for (let i = 0; i < phnum; i++) {
      const o = phoff + i * phentsize;
      if (u32(o) !== 1) continue;
      segments.push({ flags: u32(o + 4), offset: u64(o + 8), vaddr: u64(o + 16), filesz: u64(o + 32), memsz: u64(o + 40) });
    }
    const raw: { name: number; type: number; flags: number; addr: number; offset: number; size: number; link: number; entsize: number }[] = [];
    if (shoff && shentsize >= 64) {
      for (let i = 0; i < shnum; i++) {
        const o = shoff + i * shentsize;
        raw.push({ name: u32(o), type: u32(o + 4), flags: u64(o + 8), addr: u64(o + 16), offset: u64(o + 24), size: u64(o + 32), link: u32(o + 40), entsize: u64(o + 56) });
      }
    }
    const cstr = (off: number) => { let e = off; while (e < b.length && b[e] !== 0) e++; return Buffer.from(b.subarray(off, e)).toString('utf8'); };
    const shstr = raw[shstrndx];
    const sections = raw.map(s => ({ name: shstr ? cstr(shstr.offset + s.name) : '', addr: s.addr, offset: s.offset, size: s.size, flags: s.flags, type: s.type }));
    const symbols: ElfInfo['symbols'] = [];
    const symtab = raw.find(s => s.type === 2);
    if (symtab && symtab.entsize === 24 && symtab.offset + symtab.size <= b.length) {
      const str = raw[symtab.link];
      for (let o = symtab.offset + 24; o + 24 <= symtab.offset + symtab.size; o += 24) {
        const name = str ? cstr(str.offset + u32(o)) : '';
        const info = b[o + 4];
        const type = info & 0xf;
        if (!name || type === 4 /* FILE */ || type === 3 /* SECTION */) continue;
        symbols.push({ name, addr: u64(o + 8), size: u64(o + 16), func: type === 2, section: u16(o + 6) });
      }
    }
    symbols.sort((a, c) => a.addr - c.addr);
    return { entry, segments, sections, symbols };
  } catch {
    return 'truncated or malformed ELF file';
  }
}

/** Reads `len` bytes at virtual address `addr` from the file's loadable segments (zeros beyond file size). */
export function readVirtual(b: Uint8Array, info: ElfInfo, addr: number, len: number): Uint8Array | undefined {
  for (const s of info.segments) {
    if (addr >= s.vaddr && addr + len <= s.vaddr + s.memsz) {
      const out = new Uint8Array(len);
      const start = addr - s.vaddr;
      const avail = Math.max(0, Math.min(len, s.filesz - start));
      if (avail > 0) {
        const off = s.offset + start;
        if (off + avail > b.length) return undefined;
        out.set(b.subarray(off, off + avail));
      }
      return out;
    }
  }
  return undefined;
}
