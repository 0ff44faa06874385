// File and descriptor syscalls: open/read/write/stat/getdents on the sandbox, pipes, eventfd, epoll, dup, fcntl.
import * as E from './errno';
import {
  closeFd, collectEpoll, EPOLLHUP, EPOLLIN, EPOLLOUT, installFd, lowestFreeFd, O_ACCMODE, O_APPEND, O_CLOEXEC,
  O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_PATH, O_RDONLY, O_TRUNC, PIPE_CAPACITY, readiness,
  type Desc,
} from './files';
import type { Kernel } from './kernel';
import { GID, UID } from './loader';
import { SIG } from './signals';
import type { PendingSyscall, Thread } from './thread';
import { joinPath, parentOf, S_IFCHR, S_IFIFO, S_IFLNK } from './vfs';
import {
  i32, u32, i64, n64, readU64, checkWritable, copyOut, readPath, desc, descId, newFd, dirOf, pipeKey, changed,
  AT_FDCWD, AT_SYMLINK_NOFOLLOW, AT_REMOVEDIR, AT_EMPTY_PATH, type Handler, type SysResult,
} from './sysutil';

function stdWrite(k: Kernel, d: Desc, bytes: Uint8Array): number {
  if (d.kind !== 'dev') return -E.EBADF;
  if (d.dev === 'stdout') k.stdout(bytes);
  else if (d.dev === 'stderr' || d.dev === 'tty') k.stderr(bytes);
  return bytes.length;
}

function doRead(k: Kernel, t: Thread, fd: number, len: number, pos: number | null): Uint8Array | number | 'block' {
  const d = desc(k, fd);
  if (!d) return -E.EBADF;
  if (len < 0) return -E.EINVAL;
  len = Math.min(len, 1 << 24);
  switch (d.kind) {
    case 'file': {
      if ((d.flags & O_ACCMODE) === 1) return -E.EBADF;
      const data = k.fs.read(d.path);
      const at = pos ?? d.pos;
      const out = data.subarray(Math.min(at, data.length), Math.min(at + len, data.length));
      if (pos === null) d.pos = at + out.length;
      return new Uint8Array(out);
    }
    case 'dir': return -E.EISDIR;
    case 'dev':
      switch (d.dev) {
        case 'null': return new Uint8Array(0);
        case 'zero': return new Uint8Array(len);
        case 'urandom': return k.random(len);
        case 'stdin': {
          const out = k.st.stdin.subarray(k.st.stdinPos, k.st.stdinPos + len);
          k.st.stdinPos += out.length;
          return new Uint8Array(out);
        }
        default: return -E.EBADF;
      }
    case 'pipe': {
      if (d.end !== 'r') return -E.EBADF;
      const p = k.st.files.pipes[d.pipe];
      if (p.data.length === 0) {
        if (p.writers === 0) return new Uint8Array(0);
        if (d.flags & O_NONBLOCK) return -E.EAGAIN;
        k.block(t, { reason: 'io', key: pipeKey(d, 'r') });
        return 'block';
      }
      const out = Uint8Array.from(p.data.splice(0, Math.min(len, p.data.length)));
      k.wakeKey(pipeKey(d, 'w'));
      for (const [id, other] of Object.entries(k.st.files.descs)) {
        if (other.kind === 'pipe' && other.pipe === d.pipe && other.end === 'w') changed(k, Number(id), EPOLLOUT);
      }
      return out;
    }
    case 'eventfd': {
      if (len < 8) return -E.EINVAL;
      if (d.counter === 0n) {
        if (d.flags & O_NONBLOCK) return -E.EAGAIN;
        k.block(t, { reason: 'io', key: `eventfd:${descId(k, fd)}` });
        return 'block';
      }
      const v = d.semaphore ? 1n : d.counter;
      d.counter -= v;
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, v, true);
      changed(k, descId(k, fd), EPOLLOUT);
      return b;
    }
    default: return -E.EINVAL;
  }
}

function doWrite(k: Kernel, t: Thread, fd: number, bytes: Uint8Array, pos: number | null): number | 'block' {
  const d = desc(k, fd);
  if (!d) return -E.EBADF;
  switch (d.kind) {
    case 'file': {
      if ((d.flags & O_ACCMODE) === O_RDONLY) return -E.EBADF;
      const o = k.fs.writable(d.path, k.st.clockNs);
      if (typeof o === 'number') return -o;
      const at = pos ?? (d.flags & O_APPEND ? o.data.length : d.pos);
      if (at + bytes.length > 1 << 30) return -E.EFBIG;
      if (at + bytes.length > o.data.length) {
        const grown = new Uint8Array(at + bytes.length);
        grown.set(o.data);
        o.data = grown;
      }
      o.data.set(bytes, at);
      o.mtimeNs = k.st.clockNs;
      if (pos === null) d.pos = at + bytes.length;
      return bytes.length;
    }
    case 'dir': return -E.EISDIR;
    case 'dev':
      if (d.dev === 'null' || d.dev === 'zero' || d.dev === 'urandom') return bytes.length;
      if (d.dev === 'stdin') return -E.EBADF;
      return stdWrite(k, d, bytes);
    case 'pipe': {
      if (d.end !== 'w') return -E.EBADF;
      const p = k.st.files.pipes[d.pipe];
      if (p.readers === 0) {
        k.sendSignal(t, { sig: SIG.SIGPIPE, code: 0, addr: 0, pid: k.st.pid });
        return -E.EPIPE;
      }
      const room = PIPE_CAPACITY - p.data.length;
      if (room <= 0) {
        if (d.flags & O_NONBLOCK) return -E.EAGAIN;
        k.block(t, { reason: 'io', key: pipeKey(d, 'w') });
        return 'block';
      }
      const n = Math.min(room, bytes.length);
      for (let i = 0; i < n; i++) p.data.push(bytes[i]);
      k.wakeKey(pipeKey(d, 'r'));
      for (const [id, other] of Object.entries(k.st.files.descs)) {
        if (other.kind === 'pipe' && other.pipe === d.pipe && other.end === 'r') changed(k, Number(id), EPOLLIN);
      }
      return n;
    }
    case 'eventfd': {
      if (bytes.length < 8) return -E.EINVAL;
      const v = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
      if (v === 0xffffffffffffffffn) return -E.EINVAL;
      if (d.counter + v > 0xfffffffffffffffen) {
        if (d.flags & O_NONBLOCK) return -E.EAGAIN;
        k.block(t, { reason: 'io', key: `eventfd:${descId(k, fd)}` });
        return 'block';
      }
      d.counter += v;
      k.wakeKey(`eventfd:${descId(k, fd)}`);
      changed(k, descId(k, fd), EPOLLIN);
      return 8;
    }
    default: return -E.EINVAL;
  }
}

function readIovecs(k: Kernel, iov: number, cnt: number): [number, number][] | number {
  if (cnt < 0 || cnt > 1024) return -E.EINVAL;
  const out: [number, number][] = [];
  for (let i = 0; i < cnt; i++) out.push([readU64(k, iov + 16 * i), readU64(k, iov + 16 * i + 8)]);
  return out;
}

function openAt(k: Kernel, dirfd: number, pathAddr: number, flags: number, mode: number): number {
  const path = readPath(k, pathAddr);
  if (typeof path === 'number') return path;
  const base = dirOf(k, dirfd, path);
  if (typeof base === 'number') return base;
  const follow = !(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL));
  const r = k.fs.resolve(base, path, follow);
  if (typeof r === 'number') return -r;
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const acc = flags & O_ACCMODE;
  let node = r.node;
  if (node && (flags & O_CREAT) && (flags & O_EXCL)) return -E.EEXIST;
  if (!node) {
    if (!(flags & O_CREAT)) return -E.ENOENT;
    if (path.endsWith('/')) return -E.EISDIR;
    const c = k.fs.create(r.path, mode & ~k.st.umask, k.st.clockNs);
    if (c) return -c;
    node = k.fs.lookup(r.path);
    if (!node) return -E.ENOENT;
  }
  if (node.type === 'symlink') return -E.ELOOP;
  if (flags & O_PATH) return newFd(k, { kind: node.type === 'dir' ? 'dir' : 'file', path: r.path, flags, pos: 0 }, cloexec);
  if (node.type === 'dir') {
    if (acc !== O_RDONLY || (flags & O_CREAT)) return -E.EISDIR;
    return newFd(k, { kind: 'dir', path: r.path, flags, pos: 0 }, cloexec);
  }
  if (flags & O_DIRECTORY) return -E.ENOTDIR;
  if (node.type === 'dev') return newFd(k, { kind: 'dev', dev: node.dev, flags, path: r.path }, cloexec);
  if (acc !== O_RDONLY) {
    const o = k.fs.writable(r.path, k.st.clockNs);
    if (typeof o === 'number') return -o;
    if (flags & O_TRUNC) { o.data = new Uint8Array(0); o.mtimeNs = k.st.clockNs; }
  }
  return newFd(k, { kind: 'file', path: r.path, flags, pos: 0 }, cloexec);
}

/** struct stat (x86-64, 144 bytes) for a node. */
function statBytes(k: Kernel, path: string, d?: Desc): Uint8Array | number {
  const b = new Uint8Array(144);
  const v = new DataView(b.buffer);
  let mode: number, size = 0, ino: number, rdev = 0, mtimeNs = 0, nlink = 1, blksize = 4096;
  if (d && d.kind === 'pipe') { mode = S_IFIFO | 0o600; ino = 0x10000 + d.pipe; blksize = 4096; }
  else if (d && (d.kind === 'eventfd' || d.kind === 'epoll')) { mode = 0o600; ino = 0x20000; }
  else if (d && d.kind === 'dev' && (d.dev === 'stdin' || d.dev === 'stdout' || d.dev === 'stderr')) {
    mode = S_IFCHR | 0o620; ino = 3 + ['stdin', 'stdout', 'stderr'].indexOf(d.dev); rdev = 0x8800; blksize = 1024;
  } else {
    const n = k.fs.lookup(path);
    if (!n) return -E.ENOENT;
    ino = n.ino;
    if (n.type === 'dev') { mode = n.mode; rdev = n.rdev; }
    else if (n.type === 'symlink') { mode = S_IFLNK | 0o777; size = Buffer.byteLength(n.target); mtimeNs = n.mtimeNs; }
    else if (n.type === 'dir') { mode = n.mode; size = 4096; mtimeNs = n.mtimeNs; nlink = 2; }
    else { mode = n.mode; size = n.source === 'overlay' ? k.fs.read(path).length : n.size; mtimeNs = n.mtimeNs; }
  }
  v.setBigUint64(0, 0x803n, true); // st_dev
  v.setBigUint64(8, BigInt(ino), true);
  v.setBigUint64(16, BigInt(nlink), true);
  v.setUint32(24, mode, true);
  v.setUint32(28, UID, true);
  v.setUint32(32, GID, true);
  v.setBigUint64(40, BigInt(rdev), true);
  v.setBigInt64(48, BigInt(size), true);
  v.setBigInt64(56, BigInt(blksize), true);
  v.setBigInt64(64, BigInt(Math.ceil(size / 512)), true);
  const sec = BigInt(Math.floor(mtimeNs / 1e9)), nsec = BigInt(mtimeNs % 1e9);
  for (const o of [72, 88, 104]) { v.setBigInt64(o, sec, true); v.setBigInt64(o + 8, nsec, true); }
  return b;
}

function dirents(k: Kernel, d: Desc & { kind: 'dir' }, count: number): Uint8Array | number {
  const names = ['.', '..', ...k.fs.list(d.path)];
  const chunks: Uint8Array[] = [];
  let used = 0;
  while (d.pos < names.length) {
    const name = names[d.pos];
    const nb = Buffer.from(name, 'utf8');
    const reclen = Math.ceil((19 + nb.length + 1) / 8) * 8;
    if (used + reclen > count) { if (used === 0) return -E.EINVAL; break; }
    const full = name === '.' ? d.path : name === '..' ? parentOf(d.path) : joinPath(d.path, name);
    const n = k.fs.lookup(full);
    const b = new Uint8Array(reclen);
    const v = new DataView(b.buffer);
    v.setBigUint64(0, BigInt(n?.ino ?? 1), true);
    v.setBigInt64(8, BigInt(d.pos + 1), true);
    v.setUint16(16, reclen, true);
    const type = !n ? 0 : n.type === 'dir' ? 4 : n.type === 'file' ? 8 : n.type === 'symlink' ? 10 : 2;
    v.setUint8(18, type);
    b.set(nb, 19);
    chunks.push(b);
    used += reclen;
    d.pos++;
  }
  const out = new Uint8Array(used);
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
}

function pathArg(k: Kernel, dirfd: number, addr: number, follow: boolean): { path: string; exists: boolean } | number {
  const path = readPath(k, addr);
  if (typeof path === 'number') return path;
  const base = dirOf(k, dirfd, path);
  if (typeof base === 'number') return base;
  const r = k.fs.resolve(base, path, follow);
  if (typeof r === 'number') return -r;
  return { path: r.path, exists: r.node !== null };
}

export const FILE_SYSCALLS: Record<string, Handler> = {
  read: (k, t, a) => {
    const buf = n64(a[1]), r = doRead(k, t, i32(a[0]), n64(a[2]), null);
    if (typeof r !== 'object') return r;
    const e = copyOut(k, buf, r);
    return e || r.length;
  },
  write: (k, t, a) => {
    const len = Math.min(n64(a[2]), 1 << 24);
    const d = desc(k, i32(a[0]));
    if (!d) return -E.EBADF;
    return doWrite(k, t, i32(a[0]), k.memory.peekBytes(n64(a[1]), len), null);
  },
  pread64: (k, t, a) => {
    const d = desc(k, i32(a[0]));
    if (d && d.kind !== 'file') return -E.ESPIPE;
    const r = doRead(k, t, i32(a[0]), n64(a[2]), i64(a[3]));
    if (typeof r !== 'object') return r;
    return copyOut(k, n64(a[1]), r) || r.length;
  },
  pwrite64: (k, t, a) => {
    const d = desc(k, i32(a[0]));
    if (d && d.kind !== 'file') return -E.ESPIPE;
    return doWrite(k, t, i32(a[0]), k.memory.peekBytes(n64(a[1]), Math.min(n64(a[2]), 1 << 24)), i64(a[3]));
  },
  readv: (k, t, a) => {
    const iov = readIovecs(k, n64(a[1]), i32(a[2]));
    if (typeof iov === 'number') return iov;
    const total = iov.reduce((s, [, l]) => s + l, 0);
    const r = doRead(k, t, i32(a[0]), total, null);
    if (typeof r !== 'object') return r;
    let o = 0;
    for (const [base, l] of iov) {
      const part = r.subarray(o, o + l);
      const e = copyOut(k, base, part);
      if (e) return e;
      o += part.length;
      if (o >= r.length) break;
    }
    return r.length;
  },
  writev: (k, t, a) => {
    const iov = readIovecs(k, n64(a[1]), i32(a[2]));
    if (typeof iov === 'number') return iov;
    const parts = iov.map(([b, l]) => k.memory.peekBytes(b, Math.min(l, 1 << 24)));
    const all = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) { all.set(p, o); o += p.length; }
    return doWrite(k, t, i32(a[0]), all, null);
  },
  open: (k, t, a) => openAt(k, AT_FDCWD, n64(a[0]), i32(a[1]), i32(a[2])),
  openat: (k, t, a) => openAt(k, i32(a[0]), n64(a[1]), i32(a[2]), i32(a[3])),
  creat: (k, t, a) => openAt(k, AT_FDCWD, n64(a[0]), O_CREAT | 1 | O_TRUNC, i32(a[1])),
  close: (k, t, a) => {
    const fd = i32(a[0]);
    const id = descId(k, fd);
    if (id < 0) return -E.EBADF;
    const d = closeFd(k.st.files, fd);
    if (d && d.kind === 'pipe') {
      // The other end sees EOF (readers) or EPIPE (writers): wake them and tell epoll.
      k.wakeKey(pipeKey(d, d.end === 'r' ? 'w' : 'r'));
      for (const [oid, other] of Object.entries(k.st.files.descs)) {
        if (other.kind === 'pipe' && other.pipe === d.pipe) changed(k, Number(oid), EPOLLHUP | EPOLLIN | EPOLLOUT);
      }
    }
    return 0;
  },
  lseek: (k, t, a) => {
    const d = desc(k, i32(a[0]));
    if (!d) return -E.EBADF;
    const off = i64(a[1]), whence = i32(a[2]);
    if (d.kind === 'pipe' || d.kind === 'epoll' || d.kind === 'eventfd') return -E.ESPIPE;
    if (d.kind === 'dev') return 0;
    if (d.kind === 'dir') { if (whence === 0 && off === 0) { d.pos = 0; return 0; } return -E.EINVAL; }
    const size = k.fs.read(d.path).length;
    const np = whence === 0 ? off : whence === 1 ? d.pos + off : whence === 2 ? size + off : NaN;
    if (!(np >= 0)) return -E.EINVAL;
    d.pos = np;
    return np;
  },
  fstat: (k, t, a) => {
    const d = desc(k, i32(a[0]));
    if (!d) return -E.EBADF;
    const s = statBytes(k, 'path' in d ? d.path : '', d);
    return typeof s === 'number' ? s : copyOut(k, n64(a[1]), s);
  },
  stat: (k, t, a) => statCall(k, AT_FDCWD, a[0], a[1], 0),
  lstat: (k, t, a) => statCall(k, AT_FDCWD, a[0], a[1], AT_SYMLINK_NOFOLLOW),
  newfstatat: (k, t, a) => statCall(k, i32(a[0]), a[1], a[2], i32(a[3])),
  getdents64: (k, t, a) => {
    const d = desc(k, i32(a[0]));
    if (!d) return -E.EBADF;
    if (d.kind !== 'dir') return -E.ENOTDIR;
    const r = dirents(k, d, n64(a[2]));
    if (typeof r === 'number') return r;
    return copyOut(k, n64(a[1]), r) || r.length;
  },
  getcwd: (k, t, a) => {
    const b = Buffer.from(k.st.cwd + '\0');
    if (n64(a[1]) < b.length) return -E.ERANGE;
    return copyOut(k, n64(a[0]), new Uint8Array(b)) || b.length;
  },
  chdir: (k, t, a) => {
    const p = pathArg(k, AT_FDCWD, n64(a[0]), true);
    if (typeof p === 'number') return p;
    const n = k.fs.lookup(p.path);
    if (!n) return -E.ENOENT;
    if (n.type !== 'dir') return -E.ENOTDIR;
    k.st.cwd = p.path;
    return 0;
  },
  fchdir: (k, t, a) => {
    const d = desc(k, i32(a[0]));
    if (!d) return -E.EBADF;
    if (d.kind !== 'dir') return -E.ENOTDIR;
    k.st.cwd = d.path;
    return 0;
  },
  access: (k, t, a) => accessCall(k, AT_FDCWD, a[0]),
  faccessat: (k, t, a) => accessCall(k, i32(a[0]), a[1]),
  readlink: (k, t, a) => readlinkCall(k, AT_FDCWD, a[0], a[1], a[2]),
  readlinkat: (k, t, a) => readlinkCall(k, i32(a[0]), a[1], a[2], a[3]),
  mkdir: (k, t, a) => mkdirCall(k, AT_FDCWD, a[0], i32(a[1])),
  mkdirat: (k, t, a) => mkdirCall(k, i32(a[0]), a[1], i32(a[2])),
  unlink: (k, t, a) => unlinkCall(k, AT_FDCWD, a[0], 0),
  rmdir: (k, t, a) => unlinkCall(k, AT_FDCWD, a[0], AT_REMOVEDIR),
  unlinkat: (k, t, a) => unlinkCall(k, i32(a[0]), a[1], i32(a[2])),
  rename: (k, t, a) => renameCall(k, AT_FDCWD, a[0], AT_FDCWD, a[1]),
  renameat: (k, t, a) => renameCall(k, i32(a[0]), a[1], i32(a[2]), a[3]),
  renameat2: (k, t, a) => renameCall(k, i32(a[0]), a[1], i32(a[2]), a[3]),
  symlink: (k, t, a) => symlinkCall(k, a[0], AT_FDCWD, a[1]),
  symlinkat: (k, t, a) => symlinkCall(k, a[0], i32(a[1]), a[2]),
  ftruncate: (k, t, a) => {
    const d = desc(k, i32(a[0]));
    if (!d) return -E.EBADF;
    if (d.kind !== 'file' || (d.flags & O_ACCMODE) === O_RDONLY) return -E.EINVAL;
    const len = i64(a[1]);
    if (len < 0 || len > 1 << 30) return -E.EINVAL;
    const o = k.fs.writable(d.path, k.st.clockNs);
    if (typeof o === 'number') return -o;
    const nd = new Uint8Array(len);
    nd.set(o.data.subarray(0, len));
    o.data = nd;
    return 0;
  },
  fsync: () => 0, fdatasync: () => 0, sync: () => 0, fadvise64: () => 0, flock: () => 0,
  fchmod: () => 0, fchmodat: () => 0, chmod: () => 0, fchown: () => 0, fchownat: () => 0, chown: () => 0,
  lchown: () => 0, utimensat: () => 0,
  umask: (k, t, a) => { const old = k.st.umask; k.st.umask = i32(a[0]) & 0o777; return old; },
  dup: (k, t, a) => {
    const e = k.st.files.fds[i32(a[0])];
    if (!e) return -E.EBADF;
    const fd = lowestFreeFd(k.st.files);
    if (fd < 0) return -E.EMFILE;
    installFd(k.st.files, fd, e.desc, false);
    return fd;
  },
  dup2: (k, t, a) => dup3(k, i32(a[0]), i32(a[1]), 0, true),
  dup3: (k, t, a) => dup3(k, i32(a[0]), i32(a[1]), i32(a[2]), false),
  fcntl: (k, t, a) => {
    const fd = i32(a[0]), cmd = i32(a[1]), arg = i64(a[2]);
    const e = k.st.files.fds[fd];
    if (!e) return -E.EBADF;
    const d = k.st.files.descs[e.desc];
    switch (cmd) {
      case 0: case 1030: { // F_DUPFD, F_DUPFD_CLOEXEC
        const nfd = lowestFreeFd(k.st.files, Math.max(0, arg));
        if (nfd < 0) return -E.EMFILE;
        installFd(k.st.files, nfd, e.desc, cmd === 1030);
        return nfd;
      }
      case 1: return e.cloexec ? 1 : 0; // F_GETFD
      case 2: e.cloexec = (arg & 1) !== 0; return 0; // F_SETFD
      case 3: return d.flags | (d.kind === 'pipe' ? (d.end === 'r' ? 0 : 1) : 0); // F_GETFL
      case 4: d.flags = (d.flags & ~(O_NONBLOCK | O_APPEND)) | (arg & (O_NONBLOCK | O_APPEND)); return 0; // F_SETFL
      case 1031: case 1032: return PIPE_CAPACITY; // F_SETPIPE_SZ / F_GETPIPE_SZ
      default: return -E.EINVAL;
    }
  },
  ioctl: (k, t, a) => {
    const d = desc(k, i32(a[0]));
    if (!d) return -E.EBADF;
    const req = u32(a[1]);
    if (req === 0x5421) { // FIONBIO
      const on = k.memory.peek32(n64(a[2]));
      d.flags = on ? d.flags | O_NONBLOCK : d.flags & ~O_NONBLOCK;
      return 0;
    }
    if (req === 0x5451 || req === 0x5450) return 0; // FIOCLEX, FIONCLEX
    return -E.ENOTTY;
  },
  pipe: (k, t, a) => pipe2(k, n64(a[0]), 0),
  pipe2: (k, t, a) => pipe2(k, n64(a[0]), i32(a[1])),
  eventfd: (k, t, a) => newFd(k, { kind: 'eventfd', counter: BigInt(u32(a[0])), semaphore: false, flags: 0 }, false),
  eventfd2: (k, t, a) => {
    const flags = i32(a[1]);
    return newFd(k, { kind: 'eventfd', counter: BigInt(u32(a[0])), semaphore: (flags & 1) !== 0, flags: flags & O_NONBLOCK }, (flags & O_CLOEXEC) !== 0);
  },
  epoll_create: (k, t, a) => i32(a[0]) <= 0 ? -E.EINVAL : newFd(k, { kind: 'epoll', interests: [], flags: 0 }, false),
  epoll_create1: (k, t, a) => newFd(k, { kind: 'epoll', interests: [], flags: 0 }, (i32(a[0]) & O_CLOEXEC) !== 0),
  epoll_ctl: (k, t, a) => {
    const epfd = i32(a[0]), op = i32(a[1]), fd = i32(a[2]), evp = n64(a[3]);
    const ep = desc(k, epfd), target = desc(k, fd);
    if (!ep || !target) return -E.EBADF;
    if (ep.kind !== 'epoll' || epfd === fd) return -E.EINVAL;
    if (target.kind === 'file' || target.kind === 'dir') return -E.EPERM;
    if (target.kind === 'dev' && target.dev !== 'stdin' && target.dev !== 'stdout' && target.dev !== 'stderr') return -E.EPERM;
    const id = descId(k, fd);
    const i = ep.interests.findIndex((x) => x.fd === fd && x.desc === id);
    if (op === 2) { if (i < 0) return -E.ENOENT; ep.interests.splice(i, 1); return 0; }
    const events = k.memory.peek32(evp);
    const data = k.memory.peek64(evp + 4);
    if (op === 1) {
      if (i >= 0) return -E.EEXIST;
      ep.interests.push({ fd, desc: id, events, data, pending: readiness(k.st.files, id) });
      k.wakeKey(`epoll:${descId(k, epfd)}`);
      return 0;
    }
    if (op === 3) {
      if (i < 0) return -E.ENOENT;
      ep.interests[i] = { fd, desc: id, events, data, pending: readiness(k.st.files, id) };
      k.wakeKey(`epoll:${descId(k, epfd)}`);
      return 0;
    }
    return -E.EINVAL;
  },
  epoll_wait: (k, t, a, sys) => epollWait(k, t, a, sys),
  epoll_pwait: (k, t, a, sys) => epollWait(k, t, a, sys),
};

function statCall(k: Kernel, dirfd: number, pathA: bigint, bufA: bigint, flags: number): number {
  const path = readPath(k, n64(pathA));
  if (typeof path === 'number') return path;
  if (path === '' && flags & AT_EMPTY_PATH) {
    const d = desc(k, dirfd);
    if (!d) return -E.EBADF;
    const s = statBytes(k, 'path' in d ? d.path : '', d);
    return typeof s === 'number' ? s : copyOut(k, n64(bufA), s);
  }
  const base = dirOf(k, dirfd, path);
  if (typeof base === 'number') return base;
  const r = k.fs.resolve(base, path, !(flags & AT_SYMLINK_NOFOLLOW));
  if (typeof r === 'number') return -r;
  if (!r.node) return -E.ENOENT;
  const s = statBytes(k, r.path);
  return typeof s === 'number' ? s : copyOut(k, n64(bufA), s);
}

function accessCall(k: Kernel, dirfd: number, pathA: bigint): number {
  const p = pathArg(k, dirfd, n64(pathA), true);
  if (typeof p === 'number') return p;
  return p.exists ? 0 : -E.ENOENT;
}

function readlinkCall(k: Kernel, dirfd: number, pathA: bigint, bufA: bigint, sizeA: bigint): number {
  const path = readPath(k, n64(pathA));
  if (typeof path === 'number') return path;
  let target: string;
  if (path === '/proc/self/exe') target = k.st.exePath;
  else {
    const base = dirOf(k, dirfd, path);
    if (typeof base === 'number') return base;
    const r = k.fs.resolve(base, path, false);
    if (typeof r === 'number') return -r;
    if (!r.node) return -E.ENOENT;
    if (r.node.type !== 'symlink') return -E.EINVAL;
    target = r.node.target;
  }
  const b = new Uint8Array(Buffer.from(target)).subarray(0, n64(sizeA));
  return copyOut(k, n64(bufA), b) || b.length;
}

function mkdirCall(k: Kernel, dirfd: number, pathA: bigint, mode: number): number {
  const p = pathArg(k, dirfd, n64(pathA), false);
  if (typeof p === 'number') return p;
  if (p.exists) return -E.EEXIST;
  return -k.fs.mkdir(p.path, mode & ~k.st.umask, k.st.clockNs);
}

function unlinkCall(k: Kernel, dirfd: number, pathA: bigint, flags: number): number {
  const p = pathArg(k, dirfd, n64(pathA), false);
  if (typeof p === 'number') return p;
  if (!p.exists) return -E.ENOENT;
  return -k.fs.unlink(p.path, (flags & AT_REMOVEDIR) !== 0);
}

function renameCall(k: Kernel, fromFd: number, fromA: bigint, toFd: number, toA: bigint): number {
  const from = pathArg(k, fromFd, n64(fromA), false);
  if (typeof from === 'number') return from;
  const to = pathArg(k, toFd, n64(toA), false);
  if (typeof to === 'number') return to;
  if (!from.exists) return -E.ENOENT;
  if (to.path === from.path) return 0;
  return -k.fs.rename(from.path, to.path);
}

function symlinkCall(k: Kernel, targetA: bigint, dirfd: number, pathA: bigint): number {
  const target = readPath(k, n64(targetA));
  if (typeof target === 'number') return target;
  const p = pathArg(k, dirfd, n64(pathA), false);
  if (typeof p === 'number') return p;
  if (p.exists) return -E.EEXIST;
  return -k.fs.symlink(target, p.path, k.st.clockNs);
}

function dup3(k: Kernel, oldfd: number, newfd: number, flags: number, isDup2: boolean): number {
  const e = k.st.files.fds[oldfd];
  if (!e) return -E.EBADF;
  if (newfd < 0 || newfd >= 1024) return -E.EBADF;
  if (oldfd === newfd) return isDup2 ? newfd : -E.EINVAL;
  if (k.st.files.fds[newfd]) closeFd(k.st.files, newfd);
  installFd(k.st.files, newfd, e.desc, (flags & O_CLOEXEC) !== 0);
  return newfd;
}

function pipe2(k: Kernel, fdsAddr: number, flags: number): number {
  if (flags & ~(O_NONBLOCK | O_CLOEXEC | 0o40000)) return -E.EINVAL;
  if (!checkWritable(k, fdsAddr, 8)) return -E.EFAULT;
  const ft = k.st.files;
  const id = ft.nextPipe++;
  ft.pipes[id] = { data: [], readers: 0, writers: 0 };
  const cloexec = (flags & O_CLOEXEC) !== 0, nb = flags & O_NONBLOCK;
  const r = newFd(k, { kind: 'pipe', pipe: id, end: 'r', flags: nb }, cloexec);
  if (r < 0) return r;
  const w = newFd(k, { kind: 'pipe', pipe: id, end: 'w', flags: nb | 1 }, cloexec);
  if (w < 0) { closeFd(ft, r); return w; }
  k.memory.poke32(fdsAddr, r);
  k.memory.poke32(fdsAddr + 4, w);
  return 0;
}

function epollWait(k: Kernel, t: Thread, a: bigint[], sys: PendingSyscall): SysResult {
  const ep = desc(k, i32(a[0]));
  if (!ep) return -E.EBADF;
  if (ep.kind !== 'epoll') return -E.EINVAL;
  const evs = n64(a[1]), max = i32(a[2]), timeout = i32(a[3]);
  if (max <= 0 || max > 1 << 20) return -E.EINVAL;
  const ready = collectEpoll(k.st.files, ep, max);
  if (ready.length > 0) {
    const b = new Uint8Array(12 * ready.length);
    const v = new DataView(b.buffer);
    ready.forEach(([e, d], i) => { v.setUint32(12 * i, e >>> 0, true); v.setBigUint64(12 * i + 4, d, true); });
    return copyOut(k, evs, b) || ready.length;
  }
  if (timeout === 0) return 0;
  if (timeout > 0 && sys.deadline === undefined) sys.deadline = k.st.clockNs + timeout * 1e6;
  if (sys.deadline !== undefined && k.st.clockNs >= sys.deadline) return 0;
  k.block(t, { reason: 'io', key: `epoll:${descId(k, i32(a[0]))}`, deadline: sys.deadline, timeoutResult: 0 });
  return 'block';
}
