// Shared pieces of the syscall implementations: the handler type, argument conversions, guest-memory copies,
// fd lookups and *at() directory resolution.
import { PROT_WRITE } from '../cpu/types';
import * as E from './errno';
import { addDesc, installFd, lowestFreeFd, notifyReady, type Desc } from './files';
import type { Kernel } from './kernel';
import type { PendingSyscall, Thread } from './thread';
import { BOOT_REALTIME_SEC } from './types';

export type SysResult = number | 'block' | 'noreturn';
export type Handler = (k: Kernel, t: Thread, a: bigint[], sys: PendingSyscall) => SysResult;

export const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000;
export const MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_FIXED_NOREPLACE = 0x100000, MAP_SHARED = 0x01, MAP_PRIVATE = 0x02;
export const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_THREAD = 0x10000,
  CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000,
  CLONE_CHILD_SETTID = 0x1000000, CLONE_VFORK = 0x4000;
export const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;

// ---------------------------------------------------------------------------------------------- helpers

export const i32 = (v: bigint) => Number(BigInt.asIntN(32, v));
export const u32 = (v: bigint) => Number(BigInt.asUintN(32, v));
export const i64 = (v: bigint) => Number(BigInt.asIntN(64, v));
/** An address or size argument (exact below 2^53; larger values become huge and fail range checks). */
export const n64 = (v: bigint) => Number(BigInt.asUintN(64, v));

export function readU64(k: Kernel, addr: number): number { return Number(k.memory.peek64(addr)); }
export function writeU64(k: Kernel, addr: number, v: number | bigint): void { k.memory.poke64(addr, BigInt(v)); }
export function checkWritable(k: Kernel, addr: number, len: number): boolean {
  if (len === 0) return true;
  if (!k.memory.isMapped(addr, len)) return false;
  for (let p = Math.floor(addr / 4096) * 4096; p < addr + len; p += 4096) {
    if (!(k.memory.protOf(p) & PROT_WRITE)) return false;
  }
  return true;
}
/** Copies into guest memory a syscall's output; EFAULT when the buffer is not writable by the guest. */
export function copyOut(k: Kernel, addr: number, bytes: Uint8Array): number {
  if (!checkWritable(k, addr, bytes.length)) return -E.EFAULT;
  k.memory.pokeBytes(addr, bytes);
  return 0;
}
export function readPath(k: Kernel, addr: number): string | number {
  if (addr === 0) return -E.EFAULT;
  try { return k.memory.peekCString(addr, 4097); } catch { return -E.EFAULT; }
}
export function timespecNs(k: Kernel, addr: number): number {
  const sec = i64(k.memory.peek64(addr)), nsec = i64(k.memory.peek64(addr + 8));
  if (sec < 0 || nsec < 0 || nsec >= 1e9) return -1;
  return sec * 1e9 + nsec;
}
export function writeTimespec(k: Kernel, addr: number, ns: number, realtime: boolean): number {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setBigInt64(0, BigInt(Math.floor(ns / 1e9) + (realtime ? BOOT_REALTIME_SEC : 0)), true);
  v.setBigInt64(8, BigInt(ns % 1e9), true);
  return copyOut(k, addr, b);
}

export function desc(k: Kernel, fd: number): Desc | undefined {
  const e = k.st.files.fds[fd];
  return e ? k.st.files.descs[e.desc] : undefined;
}
export function descId(k: Kernel, fd: number): number { return k.st.files.fds[fd]?.desc ?? -1; }

export function newFd(k: Kernel, d: Desc, cloexec: boolean, min = 0): number {
  const fd = lowestFreeFd(k.st.files, min);
  if (fd < 0) return -E.EMFILE;
  installFd(k.st.files, fd, addDesc(k.st.files, d), cloexec);
  return fd;
}

/** Directory a *at() call is relative to: the cwd for AT_FDCWD, else a directory fd's path. */
export function dirOf(k: Kernel, dirfd: number, path: string): string | number {
  if (path.startsWith('/') || dirfd === AT_FDCWD) return k.st.cwd;
  const d = desc(k, dirfd);
  if (!d) return -E.EBADF;
  if (d.kind !== 'dir') return -E.ENOTDIR;
  return d.path;
}

export function pipeKey(d: Desc & { kind: 'pipe' }, end: 'r' | 'w'): string { return `pipe:${d.pipe}:${end}`; }

/** Something changed on description id: note the edge for epoll and wake epoll waiters. */
export function changed(k: Kernel, id: number, bits: number): void {
  for (const ep of notifyReady(k.st.files, id, bits)) k.wakeKey(`epoll:${ep}`);
}
