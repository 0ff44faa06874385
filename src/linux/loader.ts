// Maps a validated static ELF64 executable into a Memory and builds the initial process stack the way Linux's
// binfmt_elf does (create_elf_tables): from the top, the exec file name, env and arg strings, the platform string
// and 16 AT_RANDOM bytes; then, 16-byte aligned, argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL.
import type { Memory } from '../cpu/memory';
import { MemoryError } from '../cpu/memory';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../cpu/types';
import { LoadError, parseElf, PF_R, PF_W, PF_X, PT_LOAD, USER_TOP, type ElfInfo, type Need } from './elf';

export const AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8,
  AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15, AT_HWCAP = 16,
  AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31;

/** Top of the main thread's stack (no randomisation: runs are deterministic). */
export const STACK_TOP = USER_TOP;
export const STACK_SIZE = 8 * 1024 * 1024;
/** Load bias for ET_DYN (static-pie) executables, as Linux places them without ASLR. */
export const PIE_BASE = 0x555555554000;
/** CPUID.1:EDX of the emulated CPU, reported as AT_HWCAP like Linux does. */
const HWCAP = (1 << 0) | (1 << 4) | (1 << 5) | (1 << 8) | (1 << 15) | (1 << 19) | (1 << 23) | (1 << 24) | (1 << 25) | (1 << 26);
export const UID = 1000, GID = 1000;

export interface LoadOptions {
  argv: string[];
  env: string[];
  /** The program's path as the guest sees it (AT_EXECFN, /proc/self/exe). Default argv[0]. */
  path?: string;
  /** Source of the 16 AT_RANDOM bytes. */
  random: (n: number) => Uint8Array;
}

export interface LoadedImage {
  info: ElfInfo;
  entry: number;
  /** Initial RSP (points at argc). */
  sp: number;
  /** Initial program break (page-aligned end of the highest segment). */
  brk: number;
  bias: number;
}

function protOf(flags: number): number {
  return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
}

/** An executable read on demand (FileImage): ranges of `bytes` made valid, and whole pages read apart. */
export interface LazyFile {
  need: Need;
  /** The PAGE_SIZE bytes at `offset`, in memory of their own. */
  page(offset: number): Uint8Array;
}

/**
 * Loads the executable `bytes` into `mem`. Throws LoadError with a message naming `name` (never anything else).
 * With `lazy` (a file read on demand, see FileImage), only the headers are read now: each page of a segment is
 * read when the program first touches it.
 */
export function loadImage(mem: Memory, bytes: Uint8Array, name: string, opts: LoadOptions, lazy?: LazyFile): LoadedImage {
  const info = parseElf(bytes, name, lazy && ((off, len) => lazy.need(off, len)));
  const bias = info.type === 'dyn' ? PIE_BASE : 0;
  let brk = 0;
  try {
    for (const p of info.phdrs) {
      if (p.type !== PT_LOAD || p.memsz === 0) continue;
      const start = Math.floor((p.vaddr + bias) / 4096) * 4096;
      const end = Math.ceil((p.vaddr + bias + p.memsz) / 4096) * 4096;
      mem.map(start, end - start, protOf(p.flags));
      if (p.filesz > 0) loadSegment(mem, bytes, p.vaddr + bias, p.offset, p.filesz, lazy);
      brk = Math.max(brk, end);
    }
  } catch (e) {
    if (e instanceof MemoryError) throw new LoadError(`${name}: cannot map segments: ${e.message}`);
    throw e;
  }
  const sp = buildStack(mem, info, bias, opts);
  return { info, entry: info.entry + bias, sp, brk, bias };
}

/**
 * Segment contents: whole pages are shared with the file bytes (read on first touch, copied on first write, like
 * Linux's private file mapping; most of a Go binary's pages are never written, many never read), the partial first
 * and last ones copied.
 */
function loadSegment(mem: Memory, file: Uint8Array, vaddr: number, offset: number, filesz: number, lazy?: LazyFile): void {
  const PAGE = 4096;
  let a = vaddr, o = offset;
  const end = vaddr + filesz;
  // a page can be shared when it is whole inside the file range and its file offset is page-aligned
  const aligned = (vaddr - offset) % PAGE === 0;
  while (a < end) {
    const pageEnd = Math.floor(a / PAGE) * PAGE + PAGE;
    if (aligned && a % PAGE === 0 && pageEnd <= end) {
      const at = o;
      mem.sharePage(a, file.subarray(o, o + PAGE), lazy ? () => lazy.page(at) : null);
    } else {
      const n = Math.min(end, pageEnd) - a;
      lazy?.need(o, n);
      mem.pokeBytes(a, file.subarray(o, o + n));
    }
    o += pageEnd - a;
    a = pageEnd;
  }
}

function buildStack(mem: Memory, info: ElfInfo, bias: number, opts: LoadOptions): number {
  const execfn = opts.path ?? opts.argv[0] ?? '';
  const strBytes = (s: string) => { const b = Buffer.from(s + '\0', 'utf8'); return new Uint8Array(b.buffer, b.byteOffset, b.length); };
  let total = 0;
  const all = [execfn, ...opts.env, ...opts.argv, 'x86_64'].map(strBytes);
  for (const b of all) total += b.length;
  const auxCount = 20;
  const words = 1 + opts.argv.length + 1 + opts.env.length + 1 + 2 * auxCount;
  if (total + words * 8 + 64 > 1024 * 1024) throw new LoadError(`${execfn}: arguments and environment too large (${total} bytes)`);
  mem.map(STACK_TOP - STACK_SIZE, STACK_SIZE, PROT_READ | PROT_WRITE);

  let p = STACK_TOP - 8; // Linux leaves a NULL pointer at the very top
  const place = (b: Uint8Array) => { p -= b.length; mem.pokeBytes(p, b); return p; };
  const execfnAddr = place(strBytes(execfn));
  const envAddrs = opts.env.map((e) => place(strBytes(e)));
  const argAddrs = opts.argv.map((a) => place(strBytes(a)));
  const platform = place(strBytes('x86_64'));
  p = Math.floor(p / 16) * 16;
  const random = place(opts.random(16));

  const aux: [number, number][] = [
    [AT_HWCAP, HWCAP], [AT_PAGESZ, 4096], [AT_CLKTCK, 100], [AT_PHDR, info.phdrAddr + bias], [AT_PHENT, 56],
    [AT_PHNUM, info.phnum], [AT_BASE, 0], [AT_FLAGS, 0], [AT_ENTRY, info.entry + bias], [AT_UID, UID], [AT_EUID, UID],
    [AT_GID, GID], [AT_EGID, GID], [AT_SECURE, 0], [AT_RANDOM, random], [AT_HWCAP2, 0], [AT_EXECFN, execfnAddr],
    [AT_PLATFORM, platform], [AT_NULL, 0],
  ];
  const vec: number[] = [opts.argv.length, ...argAddrs, 0, ...envAddrs, 0];
  for (const [k, v] of aux) vec.push(k, v);
  p = Math.floor((p - vec.length * 8) / 16) * 16;
  const out = new Uint8Array(vec.length * 8);
  const dv = new DataView(out.buffer);
  vec.forEach((v, i) => { dv.setUint32(8 * i, v >>> 0, true); dv.setUint32(8 * i + 4, Math.floor(v / 4294967296) >>> 0, true); });
  mem.pokeBytes(p, out);
  return p;
}
