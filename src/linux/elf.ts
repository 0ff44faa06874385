// ELF64 parsing and validation for static x86-64 executables (System V gABI + AMD64 psABI), plus Go's build info
// (the `.go.buildinfo` blob `go version -m` reads) so binaries built for GOAMD64 v2+ are refused before they run.

/**
 * Makes bytes [off, off+len) of the file valid before they are read (a FileImage reads them on demand); for bytes
 * already in memory, nothing to do.
 */
export type Need = (off: number, len: number) => void;

/** A program the loader refuses; `message` names the file and what is wrong. */
export class LoadError extends Error {
  constructor(message: string) { super(message); this.name = 'LoadError'; }
}

export const PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_PHDR = 6, PT_TLS = 7, PT_GNU_STACK = 0x6474e551;
export const PF_X = 1, PF_W = 2, PF_R = 4;
const ET_EXEC = 2, ET_DYN = 3, EM_X86_64 = 62;
/** Highest user address on x86-64 with 4-level paging. */
export const USER_TOP = 0x7ffffffff000;

export interface ProgramHeader {
  type: number; flags: number; offset: number; vaddr: number; filesz: number; memsz: number; align: number;
}

export interface ElfSymbol { name: string; addr: number; size: number; type: number }

export interface ElfInfo {
  type: 'exec' | 'dyn';
  entry: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  phdrs: ProgramHeader[];
  /** Address of the program headers in memory (PT_PHDR, or the first PT_LOAD that covers e_phoff). */
  phdrAddr: number;
  /** Go build info when the binary has it. */
  go?: { version: string; settings: Map<string, string> };
}

function u16(b: Uint8Array, o: number): number { return b[o] | (b[o + 1] << 8); }
function u32(b: Uint8Array, o: number): number { return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0; }
/** 64-bit little-endian as a JS number; values ≥ 2^53 come back as Infinity so range checks reject them. */
function u64(b: Uint8Array, o: number): number {
  const lo = u32(b, o), hi = u32(b, o + 4);
  if (hi >= 0x200000) return Infinity;
  return hi === 0 ? lo : hi * 0x100000000 + lo; // a small integer stays one (see fromHalves in cpu/translate.ts)
}

/**
 * Parses and validates an ELF64 executable. Throws LoadError (never anything else) for anything this layer can't run:
 * truncated or corrupt headers, other classes/encodings/architectures, dynamic linking, bad or overlapping segments,
 * absurd sizes, and Go binaries built for GOAMD64 v2 or later.
 */
export function parseElf(bytes: Uint8Array, path = 'program', need: Need = () => {}): ElfInfo {
  const fail = (msg: string): never => { throw new LoadError(`${path}: ${msg}`); };
  need(0, 64);
  if (bytes.length < 64) fail(`not an ELF file (only ${bytes.length} bytes; an ELF64 header is 64)`);
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    fail('not an ELF file (bad magic; expected \\x7fELF)');
  }
  if (bytes[4] !== 2) fail(`not a 64-bit ELF file (EI_CLASS=${bytes[4]}); only linux/amd64 programs run here`);
  if (bytes[5] !== 1) fail(`not a little-endian ELF file (EI_DATA=${bytes[5]}); only linux/amd64 programs run here`);
  const etype = u16(bytes, 16), machine = u16(bytes, 18);
  if (machine !== EM_X86_64) fail(`ELF machine ${machine} is not x86-64 (62); only linux/amd64 programs run here`);
  if (etype !== ET_EXEC && etype !== ET_DYN) fail(`ELF type ${etype} is not an executable (ET_EXEC or ET_DYN)`);
  const entry = u64(bytes, 24), phoff = u64(bytes, 32), shoff = u64(bytes, 40);
  const phentsize = u16(bytes, 54), phnum = u16(bytes, 56);
  const shentsize = u16(bytes, 58), shnum = u16(bytes, 60), shstrndx = u16(bytes, 62);
  if (phnum === 0) fail('no program headers (e_phnum = 0): nothing to load');
  if (phentsize !== 56) fail(`bad program header size e_phentsize=${phentsize} (ELF64 uses 56)`);
  if (!(phoff + phnum * 56 <= bytes.length)) {
    fail(`truncated: program headers at offset 0x${phoff.toString(16)} (${phnum} × 56 bytes) run past the end of the file (${bytes.length} bytes)`);
  }
  need(phoff, phnum * 56);
  const phdrs: ProgramHeader[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * 56;
    phdrs.push({
      type: u32(bytes, o), flags: u32(bytes, o + 4), offset: u64(bytes, o + 8), vaddr: u64(bytes, o + 16),
      filesz: u64(bytes, o + 32), memsz: u64(bytes, o + 40), align: u64(bytes, o + 48),
    });
  }
  if (phdrs.some((p) => p.type === PT_INTERP)) {
    fail('dynamically linked executable (has PT_INTERP): build a static binary (Go: CGO_ENABLED=0 and the default -buildmode=exe)');
  }
  if (phdrs.some((p) => p.type === PT_DYNAMIC) && etype === ET_EXEC) {
    fail('dynamically linked executable (has PT_DYNAMIC): build a static binary (Go: CGO_ENABLED=0 and the default -buildmode=exe)');
  }
  const loads = phdrs.filter((p) => p.type === PT_LOAD);
  if (loads.length === 0) fail('no PT_LOAD segment: nothing to load');
  loads.forEach((p, i) => {
    const where = `PT_LOAD segment ${i} (vaddr 0x${p.vaddr.toString(16)})`;
    if (!(p.offset + p.filesz <= bytes.length)) fail(`truncated: ${where} needs file bytes up to 0x${(p.offset + p.filesz).toString(16)} but the file has ${bytes.length}`);
    if (p.filesz > p.memsz) fail(`${where}: p_filesz 0x${p.filesz.toString(16)} > p_memsz 0x${p.memsz.toString(16)}`);
    if (!(p.vaddr + p.memsz <= USER_TOP)) fail(`${where}: size 0x${p.memsz.toString(16)} reaches beyond user space (0x${USER_TOP.toString(16)})`);
    if (p.memsz > 0x100000000) fail(`${where}: absurd size 0x${p.memsz.toString(16)} (> 4 GiB)`);
    if (etype === ET_EXEC && p.vaddr < 0x1000 && p.memsz > 0) fail(`${where}: maps page zero`);
    if ((p.vaddr & 0xfff) !== (p.offset & 0xfff)) fail(`${where}: p_vaddr and p_offset differ modulo the page size`);
  });
  const sorted = [...loads].sort((a, b) => a.vaddr - b.vaddr);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1], b = sorted[i];
    if (a.vaddr + a.memsz > b.vaddr) {
      fail(`overlapping PT_LOAD segments at 0x${a.vaddr.toString(16)}+0x${a.memsz.toString(16)} and 0x${b.vaddr.toString(16)}`);
    }
  }
  const exec = loads.find((p) => (p.flags & PF_X) && entry >= p.vaddr && entry < p.vaddr + p.memsz);
  if (!exec && etype === ET_EXEC) fail(`entry point 0x${entry.toString(16)} is not inside an executable PT_LOAD segment`);
  let phdrAddr = 0;
  const pt = phdrs.find((p) => p.type === PT_PHDR);
  if (pt) phdrAddr = pt.vaddr;
  else {
    const cover = loads.find((p) => phoff >= p.offset && phoff + phnum * 56 <= p.offset + p.filesz);
    if (cover) phdrAddr = cover.vaddr + (phoff - cover.offset);
  }
  const info: ElfInfo = { type: etype === ET_EXEC ? 'exec' : 'dyn', entry, phoff, phentsize, phnum, phdrs, phdrAddr };
  const go = readGoBuildInfo(bytes, { shoff, shentsize, shnum, shstrndx }, need);
  if (go) {
    info.go = go;
    const level = go.settings.get('GOAMD64');
    if (level && level !== 'v1') {
      fail(`Go binary built with GOAMD64=${level} (${go.version}): this emulator runs GOAMD64=v1 code only; rebuild with GOAMD64=v1`);
    }
  }
  return info;
}

const BUILDINFO_MAGIC = [0xff, 0x20, 0x47, 0x6f, 0x20, 0x62, 0x75, 0x69, 0x6c, 0x64, 0x69, 0x6e, 0x66, 0x3a]; // "\xff Go buildinf:"

/**
 * Finds `.go.buildinfo` by section name, else by scanning for the magic at 16-byte alignment (stripped binaries).
 * Returns its offset and the bytes it may span.
 */
function findBuildInfo(bytes: Uint8Array, sh: { shoff: number; shentsize: number; shnum: number; shstrndx: number }, need: Need): { off: number; size: number } | undefined {
  if (sh.shoff > 0 && sh.shentsize === 64 && sh.shnum > 0 && sh.shstrndx < sh.shnum && sh.shoff + sh.shnum * 64 <= bytes.length) {
    need(sh.shoff, sh.shnum * 64);
    const strOff = u64(bytes, sh.shoff + sh.shstrndx * 64 + 24);
    need(strOff, u64(bytes, sh.shoff + sh.shstrndx * 64 + 32));
    for (let i = 0; i < sh.shnum; i++) {
      const o = sh.shoff + i * 64;
      const nameOff = strOff + u32(bytes, o);
      if (nameOff + 14 > bytes.length) continue;
      need(nameOff, 32);
      if (asciiz(bytes, nameOff, 32) === '.go.buildinfo') {
        const off = u64(bytes, o + 24), size = u64(bytes, o + 32);
        need(off, Math.max(32, size));
        return off + 32 <= bytes.length && matchMagic(bytes, off) ? { off, size } : undefined;
      }
    }
    return undefined;
  }
  need(0, bytes.length);
  for (let o = 0; o + 32 <= bytes.length; o += 16) if (bytes[o] === 0xff && matchMagic(bytes, o)) return { off: o, size: bytes.length - o };
  return undefined;
}

function matchMagic(b: Uint8Array, o: number): boolean {
  for (let i = 0; i < BUILDINFO_MAGIC.length; i++) if (b[o + i] !== BUILDINFO_MAGIC[i]) return false;
  return true;
}

function asciiz(b: Uint8Array, o: number, max: number): string {
  let s = '';
  for (let i = 0; i < max && o + i < b.length && b[o + i] !== 0; i++) s += String.fromCharCode(b[o + i]);
  return s;
}

/**
 * Go ≥ 1.18 build info: 32-byte header (magic, pointer size, flags; flag 2 = strings inline), then the version and
 * the module info as uvarint-length-prefixed strings. Module info lines like `build\tGOAMD64=v3` are the settings.
 */
export function readGoBuildInfo(bytes: Uint8Array, sh: { shoff: number; shentsize: number; shnum: number; shstrndx: number },
  need: Need = () => {}): { version: string; settings: Map<string, string> } | undefined {
  const found = findBuildInfo(bytes, sh, need);
  if (!found) return undefined;
  const off = found.off;
  if (!(bytes[off + 15] & 2)) return undefined;
  let p = off + 32;
  const str = (): string | undefined => {
    let n = 0, shift = 0;
    for (;;) {
      if (p >= bytes.length || shift > 28) return undefined;
      const c = bytes[p++];
      n |= (c & 0x7f) << shift;
      if (!(c & 0x80)) break;
      shift += 7;
    }
    if (p + n > bytes.length) return undefined;
    const s = Buffer.from(bytes.buffer, bytes.byteOffset + p, n).toString('utf8');
    p += n;
    return s;
  };
  const version = str();
  const mod = str();
  if (version === undefined) return undefined;
  const settings = new Map<string, string>();
  for (const line of (mod ?? '').split('\n')) {
    const parts = line.split('\t');
    if (parts[0] === 'build' && parts[1]) {
      const eq = parts[1].indexOf('=');
      if (eq > 0) settings.set(parts[1].slice(0, eq), parts[1].slice(eq + 1));
    }
  }
  return { version, settings };
}
