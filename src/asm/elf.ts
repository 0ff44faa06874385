// Writer of the static ELF64 x86-64 executable: text at 0x401000 as Go's linker places it (the first page maps
// the ELF and program headers), then .rodata and .data/.bss on their own pages, a symbol table for tools.

export interface ElfSection {
  name: '.text' | '.rodata' | '.data' | '.bss';
  addr: number;
  bytes: Uint8Array;
  /** .bss: its size (bytes is empty). */
  size: number;
}

export interface ElfSymbol { name: string; addr: number; size: number; func: boolean; local: boolean; section: ElfSection['name'] }

export const IMAGE_BASE = 0x400000;
export const PAGE = 0x1000;

const alignUp = (v: number, a: number) => Math.ceil(v / a) * a;

/** File offset of a section: its address minus the image base (segments are page-aligned in file and memory). */
export function fileOffset(addr: number): number { return addr - IMAGE_BASE; }

export function writeElf(sections: ElfSection[], symbols: ElfSymbol[], entry: number): Uint8Array {
  const text = sections.find(s => s.name === '.text')!;
  const rodata = sections.find(s => s.name === '.rodata' && s.bytes.length > 0);
  const data = sections.find(s => s.name === '.data');
  const bss = sections.find(s => s.name === '.bss' && s.size > 0);
  const hasData = !!((data && data.bytes.length > 0) || bss);

  const phdrs: { type: number; flags: number; off: number; vaddr: number; filesz: number; memsz: number; align: number }[] = [];
  phdrs.push({ type: 1, flags: 5, off: 0, vaddr: IMAGE_BASE, filesz: fileOffset(text.addr) + text.bytes.length, memsz: fileOffset(text.addr) + text.bytes.length, align: PAGE });
  if (rodata) phdrs.push({ type: 1, flags: 4, off: fileOffset(rodata.addr), vaddr: rodata.addr, filesz: rodata.bytes.length, memsz: rodata.bytes.length, align: PAGE });
  if (hasData) {
    const start = data && data.bytes.length > 0 ? data.addr : bss!.addr;
    const fsz = data ? data.bytes.length : 0;
    const end = bss ? bss.addr + bss.size : start + fsz;
    // A bss-only segment has no file bytes: keep its offset inside the file (≡ vaddr mod page) for strict loaders.
    phdrs.push({ type: 1, flags: 6, off: fsz > 0 ? fileOffset(start) : start % PAGE, vaddr: start, filesz: fsz, memsz: end - start, align: PAGE });
  }
  phdrs.push({ type: 0x6474e551 /* PT_GNU_STACK */, flags: 6, off: 0, vaddr: 0, filesz: 0, memsz: 0, align: 8 });

  // Section list (index 0 is the null section).
  type Sh = { name: string; type: number; flags: number; addr: number; off: number; size: number; link: number; info: number; align: number; entsize: number; bytes?: Uint8Array };
  const shs: Sh[] = [{ name: '', type: 0, flags: 0, addr: 0, off: 0, size: 0, link: 0, info: 0, align: 0, entsize: 0 }];
  const secIndex = new Map<string, number>();
  const addSec = (s: Sh) => { secIndex.set(s.name, shs.length); shs.push(s); };
  addSec({ name: '.text', type: 1, flags: 6, addr: text.addr, off: fileOffset(text.addr), size: text.bytes.length, link: 0, info: 0, align: 32, entsize: 0 });
  if (rodata) addSec({ name: '.rodata', type: 1, flags: 2, addr: rodata.addr, off: fileOffset(rodata.addr), size: rodata.bytes.length, link: 0, info: 0, align: 32, entsize: 0 });
  if (data && data.bytes.length > 0) addSec({ name: '.data', type: 1, flags: 3, addr: data.addr, off: fileOffset(data.addr), size: data.bytes.length, link: 0, info: 0, align: 32, entsize: 0 });
  if (bss) addSec({ name: '.bss', type: 8, flags: 3, addr: bss.addr, off: fileOffset(bss.addr), size: bss.size, link: 0, info: 0, align: 32, entsize: 0 });

  // Loaded content ends here; the tables follow.
  let end = fileOffset(text.addr) + text.bytes.length;
  if (rodata) end = Math.max(end, fileOffset(rodata.addr) + rodata.bytes.length);
  if (data && data.bytes.length > 0) end = Math.max(end, fileOffset(data.addr) + data.bytes.length);

  // .symtab / .strtab: locals first (ELF requires it), then globals.
  const strtab: number[] = [0];
  const strOff = (s: string) => { const off = strtab.length; for (const b of Buffer.from(s, 'utf8')) strtab.push(b); strtab.push(0); return off; };
  const sorted = [...symbols.filter(s => s.local), ...symbols.filter(s => !s.local)];
  const symtab = new Uint8Array(24 * (sorted.length + 1));
  const sv = new DataView(symtab.buffer);
  sorted.forEach((s, i) => {
    const o = 24 * (i + 1);
    sv.setUint32(o, strOff(s.name), true);
    symtab[o + 4] = ((s.local ? 0 : 1) << 4) | (s.func ? 2 : 1);
    symtab[o + 5] = 0;
    sv.setUint16(o + 6, secIndex.get(s.section) ?? 0xfff1, true);
    sv.setBigUint64(o + 8, BigInt(s.addr), true);
    sv.setBigUint64(o + 16, BigInt(s.size), true);
  });
  const firstGlobal = 1 + symbols.filter(s => s.local).length;
  let off = alignUp(end, 8);
  const symtabIdx = shs.length;
  addSec({ name: '.symtab', type: 2, flags: 0, addr: 0, off, size: symtab.length, link: symtabIdx + 1, info: firstGlobal, align: 8, entsize: 24, bytes: symtab });
  off += symtab.length;
  const strBytes = Uint8Array.from(strtab);
  addSec({ name: '.strtab', type: 3, flags: 0, addr: 0, off, size: strBytes.length, link: 0, info: 0, align: 1, entsize: 0, bytes: strBytes });
  off += strBytes.length;
  const shstr: number[] = [0];
  const shName = new Map<string, number>();
  const names = [...shs.map(s => s.name).filter(n => n), '.shstrtab'];
  for (const n of names) { shName.set(n, shstr.length); for (const b of Buffer.from(n)) shstr.push(b); shstr.push(0); }
  const shstrBytes = Uint8Array.from(shstr);
  const shstrIdx = shs.length;
  addSec({ name: '.shstrtab', type: 3, flags: 0, addr: 0, off, size: shstrBytes.length, link: 0, info: 0, align: 1, entsize: 0, bytes: shstrBytes });
  off += shstrBytes.length;
  const shoff = alignUp(off, 8);
  const total = shoff + 64 * shs.length;

  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  v.setUint16(16, 2, true);        // ET_EXEC
  v.setUint16(18, 62, true);       // EM_X86_64
  v.setUint32(20, 1, true);
  v.setBigUint64(24, BigInt(entry), true);
  v.setBigUint64(32, 64n, true);   // e_phoff
  v.setBigUint64(40, BigInt(shoff), true);
  v.setUint32(48, 0, true);
  v.setUint16(52, 64, true);
  v.setUint16(54, 56, true);
  v.setUint16(56, phdrs.length, true);
  v.setUint16(58, 64, true);
  v.setUint16(60, shs.length, true);
  v.setUint16(62, shstrIdx, true);
  if (64 + 56 * phdrs.length > fileOffset(text.addr)) throw new Error('text address too low for the ELF headers');
  phdrs.forEach((p, i) => {
    const o = 64 + 56 * i;
    v.setUint32(o, p.type, true);
    v.setUint32(o + 4, p.flags, true);
    v.setBigUint64(o + 8, BigInt(p.off), true);
    v.setBigUint64(o + 16, BigInt(p.vaddr), true);
    v.setBigUint64(o + 24, BigInt(p.vaddr), true);
    v.setBigUint64(o + 32, BigInt(p.filesz), true);
    v.setBigUint64(o + 40, BigInt(p.memsz), true);
    v.setBigUint64(o + 48, BigInt(p.align), true);
  });
  out.set(text.bytes, fileOffset(text.addr));
  if (rodata) out.set(rodata.bytes, fileOffset(rodata.addr));
  if (data && data.bytes.length > 0) out.set(data.bytes, fileOffset(data.addr));
  shs.forEach((s, i) => {
    if (s.bytes) out.set(s.bytes, s.off);
    const o = shoff + 64 * i;
    v.setUint32(o, s.name ? shName.get(s.name)! : 0, true);
    v.setUint32(o + 4, s.type, true);
    v.setBigUint64(o + 8, BigInt(s.flags), true);
    v.setBigUint64(o + 16, BigInt(s.addr), true);
    v.setBigUint64(o + 24, BigInt(s.off), true);
    v.setBigUint64(o + 32, BigInt(s.size), true);
    v.setUint32(o + 40, s.link, true);
    v.setUint32(o + 44, s.info, true);
    v.setBigUint64(o + 48, BigInt(s.align), true);
    v.setBigUint64(o + 56, BigInt(s.entsize), true);
  });
  return out;
}
