// Memory syscalls: mmap (anonymous, fixed, hints, file-backed private), munmap, mprotect, madvise, brk.
import { MemoryError } from '../cpu/memory';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../cpu/types';
import * as E from './errno';
import type { Kernel } from './kernel';
import type { Thread } from './thread';
import {
  i32, n64, desc, MAP_FIXED, MAP_ANONYMOUS, MAP_FIXED_NOREPLACE, MAP_SHARED, MAP_PRIVATE, type Handler,
} from './sysutil';

function mmap(k: Kernel, t: Thread, a: bigint[]): number {
  const addr = n64(a[0]), len = n64(a[1]), prot = i32(a[2]), flags = i32(a[3]), fd = i32(a[4]), off = n64(a[5]);
  if (len === 0 || len > 2 ** 47 || (off & 0xfff) !== 0) return -E.EINVAL;
  if (!(flags & (MAP_SHARED | MAP_PRIVATE))) return -E.EINVAL;
  const size = Math.ceil(len / 4096) * 4096;
  let at: number;
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    if (addr & 0xfff || addr + size > 2 ** 47) return -E.EINVAL;
    if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED)) {
      for (const m of k.memory.mappings()) if (m.start < addr + size && m.end > addr) return -E.EEXIST;
    }
    at = addr;
  } else {
    at = k.memory.findFree(size, addr);
    if (at < 0) return -E.ENOMEM;
  }
  let data: Uint8Array | undefined;
  if (!(flags & MAP_ANONYMOUS)) {
    const d = desc(k, fd);
    if (!d) return -E.EBADF;
    if (d.kind !== 'file') return -E.ENODEV;
    data = k.fs.read(d.path).subarray(off, off + len);
  }
  try {
    k.memory.map(at, size, prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
    if (data && data.length > 0) k.memory.pokeBytes(at, data);
  } catch (e) {
    if (e instanceof MemoryError && e.code === 'ENOMEM') {
      k.warnOnce('memcap', `guest memory cap reached (${Math.round(k.memory.capBytes / 2 ** 20)} MiB): mmap of ${size} bytes fails with ENOMEM`, t);
      return -E.ENOMEM;
    }
    throw e;
  }
  return at;
}

/** MADV_DONTNEED on private anonymous memory: the pages read back as zeros. */
function zeroRange(k: Kernel, addr: number, len: number): void {
  const end = addr + len;
  for (const m of k.memory.mappings()) {
    const s = Math.max(m.start, addr), e = Math.min(m.end, end);
    if (s < e) k.memory.map(s, e - s, m.prot);
  }
}

export const MEMORY_SYSCALLS: Record<string, Handler> = {
  mmap: (k, t, a) => mmap(k, t, a),
  munmap: (k, t, a) => {
    const addr = n64(a[0]), len = n64(a[1]);
    if (addr & 0xfff || len === 0 || addr + len > 2 ** 47) return -E.EINVAL;
    k.memory.unmap(addr, Math.ceil(len / 4096) * 4096);
    return 0;
  },
  mprotect: (k, t, a) => {
    const addr = n64(a[0]), len = n64(a[1]);
    if (addr & 0xfff || addr + len > 2 ** 47) return -E.EINVAL;
    if (len === 0) return 0;
    try { k.memory.protect(addr, Math.ceil(len / 4096) * 4096, i32(a[2]) & 7); } catch (e) {
      if (e instanceof MemoryError) return -E.ENOMEM;
      throw e;
    }
    return 0;
  },
  madvise: (k, t, a) => {
    const addr = n64(a[0]), len = n64(a[1]), advice = i32(a[2]);
    if (addr & 0xfff) return -E.EINVAL;
    if (advice === 4 /* MADV_DONTNEED */ && len > 0) zeroRange(k, addr, Math.ceil(len / 4096) * 4096);
    return 0;
  },
  brk: (k, t, a) => {
    const want = n64(a[0]);
    if (want === 0 || want < k.st.brkStart || want > k.st.brkStart + (1 << 30)) return k.st.brk;
    const cur = Math.ceil(k.st.brk / 4096) * 4096, next = Math.ceil(want / 4096) * 4096;
    try {
      if (next > cur) {
        if (!k.memory.mappings().every((m) => m.end <= cur || m.start >= next)) return k.st.brk;
        k.memory.map(cur, next - cur, PROT_READ | PROT_WRITE);
      } else if (next < cur) k.memory.unmap(next, cur - next);
    } catch { return k.st.brk; }
    k.st.brk = want;
    return want;
  },
  mincore: () => -E.ENOSYS,
};
