// The sandboxed file system the guest sees. Three layers, looked up in this order:
//   1. the in-memory overlay (everything the guest creates, writes, renames or deletes; part of snapshots),
//   2. synthetic files (/dev/null, /dev/zero, /dev/urandom, the /proc and /sys files the Go runtime reads),
//   3. the host `root` folder, read-only.
// Paths are resolved here, component by component, the way chroot(2) confines them: `..` stops at the root and
// symlinks (host or overlay) are read, never followed by the host, and interpreted inside the sandbox. So nothing
// outside `root` is ever opened, and the host is never written.
import fs = require('node:fs');
import { EACCES, EEXIST, EINVAL, EISDIR, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, ENOTEMPTY, EPERM } from './errno';

export const S_IFMT = 0o170000, S_IFREG = 0o100000, S_IFDIR = 0o040000, S_IFLNK = 0o120000, S_IFCHR = 0o020000,
  S_IFIFO = 0o010000;

export type DevName = 'null' | 'zero' | 'urandom' | 'tty';

/** What the guest sees at a path. `data` is only filled for overlay files; host files are read on demand. */
export type Node =
  | { type: 'file'; source: 'host' | 'overlay' | 'synthetic'; mode: number; size: number; mtimeNs: number; ino: number }
  | { type: 'dir'; source: 'host' | 'overlay' | 'synthetic'; mode: number; mtimeNs: number; ino: number }
  | { type: 'symlink'; source: 'host' | 'overlay'; target: string; mtimeNs: number; ino: number }
  | { type: 'dev'; dev: DevName; mode: number; rdev: number; ino: number };

/** Overlay entries: plain data, structured-cloneable (snapshots). */
export type OverlayEntry =
  | { type: 'file'; data: Uint8Array; mode: number; mtimeNs: number }
  | { type: 'dir'; mode: number; mtimeNs: number }
  | { type: 'symlink'; target: string; mtimeNs: number }
  | { type: 'deleted' };

export interface FsState { overlay: Record<string, OverlayEntry> }

const SYNTH_DIRS = ['/', '/dev', '/proc', '/proc/self', '/proc/sys', '/proc/sys/kernel', '/proc/sys/vm', '/sys',
  '/sys/kernel', '/sys/kernel/mm', '/sys/kernel/mm/transparent_hugepage', '/tmp'];
const SYNTH_DEVS: Record<string, { dev: DevName; rdev: number }> = {
  '/dev/null': { dev: 'null', rdev: 0x103 }, '/dev/zero': { dev: 'zero', rdev: 0x105 },
  '/dev/urandom': { dev: 'urandom', rdev: 0x109 }, '/dev/random': { dev: 'urandom', rdev: 0x108 },
  '/dev/tty': { dev: 'tty', rdev: 0x500 },
};

/** Deterministic inode numbers from the sandbox path (FNV-1a), so two runs stat alike. */
export function pathIno(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) { h ^= path.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return h + 2;
}

export function joinPath(dir: string, name: string): string { return dir === '/' ? '/' + name : dir + '/' + name; }
export function parentOf(path: string): string { const i = path.lastIndexOf('/'); return i <= 0 ? '/' : path.slice(0, i); }
export function baseOf(path: string): string { return path.slice(path.lastIndexOf('/') + 1); }

export interface Resolved { path: string; node: Node | null }

export class SandboxFs {
  state: FsState = { overlay: {} };
  private hostCache = new Map<string, Uint8Array>();
  /** Contents of synthetic files, by sandbox path. */
  readonly synthFiles: Record<string, string>;

  constructor(readonly hostRoot: string | undefined, ncpu: number) {
    this.synthFiles = {
      '/sys/kernel/mm/transparent_hugepage/hpage_pmd_size': '2097152\n',
      '/sys/kernel/mm/transparent_hugepage/enabled': 'always [madvise] never\n',
      '/proc/sys/kernel/osrelease': '6.1.0-gosyscall\n',
      '/proc/sys/vm/overcommit_memory': '0\n',
      '/proc/sys/kernel/random/boot_id': '00000000-0000-4000-8000-000000000000\n',
      '/proc/self/cmdline': '',
      '/proc/cpuinfo': Array.from({ length: ncpu }, (_, i) => `processor\t: ${i}\nmodel name\t: gosyscall virtual CPU\n\n`).join(''),
    };
  }

  /** Host path for a sandbox path. Only called on paths built by resolve(), which never contain `..`. */
  private hostPath(path: string): string | undefined {
    return this.hostRoot === undefined ? undefined : this.hostRoot + (path === '/' ? '' : path);
  }

  /** The node at an already-resolved sandbox path without following a final symlink (lstat). */
  lookup(path: string): Node | null {
    const o = this.state.overlay[path];
    const ino = pathIno(path);
    if (o) {
      if (o.type === 'deleted') return null;
      if (o.type === 'file') return { type: 'file', source: 'overlay', mode: o.mode, size: o.data.length, mtimeNs: o.mtimeNs, ino };
      if (o.type === 'dir') return { type: 'dir', source: 'overlay', mode: o.mode, mtimeNs: o.mtimeNs, ino };
      return { type: 'symlink', source: 'overlay', target: o.target, mtimeNs: o.mtimeNs, ino };
    }
    const d = SYNTH_DEVS[path];
    if (d) return { type: 'dev', dev: d.dev, rdev: d.rdev, mode: S_IFCHR | 0o666, ino };
    const s = this.synthFiles[path];
    if (s !== undefined) return { type: 'file', source: 'synthetic', mode: S_IFREG | 0o444, size: Buffer.byteLength(s), mtimeNs: 0, ino };
    const hp = this.hostPath(path);
    if (hp !== undefined && !path.startsWith('/proc/') && !path.startsWith('/sys/') && !path.startsWith('/dev/') &&
        path !== '/proc' && path !== '/sys' && path !== '/dev') {
      let st: fs.BigIntStats | undefined;
      try { st = fs.lstatSync(hp, { bigint: true }); } catch { st = undefined; }
      if (st) {
        const mtimeNs = Number(st.mtimeNs);
        if (st.isDirectory()) return { type: 'dir', source: 'host', mode: S_IFDIR | (Number(st.mode) & 0o555), mtimeNs, ino };
        if (st.isFile()) return { type: 'file', source: 'host', mode: S_IFREG | (Number(st.mode) & 0o555), size: Number(st.size), mtimeNs, ino };
        if (st.isSymbolicLink()) {
          let target = '';
          try { target = fs.readlinkSync(hp); } catch { return null; }
          return { type: 'symlink', source: 'host', target, mtimeNs, ino };
        }
        return null; // host sockets, fifos and devices are not part of the sandbox
      }
    }
    if (SYNTH_DIRS.includes(path)) return { type: 'dir', source: 'synthetic', mode: S_IFDIR | 0o755, mtimeNs: 0, ino };
    return null;
  }

  /**
   * Resolves `path` relative to the sandbox directory `cwd`. Returns the final path and its node (null when the last
   * component does not exist but its parent does), or a positive errno.
   */
  resolve(cwd: string, path: string, followLast: boolean): Resolved | number {
    if (path.length === 0) return ENOENT;
    if (path.length >= 4096) return ENAMETOOLONG;
    const pending = path.split('/').filter((c) => c.length > 0 && c !== '.');
    let cur: string[] = path.startsWith('/') ? [] : cwd.split('/').filter((c) => c.length > 0);
    let links = 0;
    let node: Node | null = this.lookup('/');
    while (pending.length > 0) {
      const name = pending.shift()!;
      if (name.length > 255) return ENAMETOOLONG;
      if (node === null) return ENOENT;
      if (node.type !== 'dir') return ENOTDIR;
      if (name === '..') { cur.pop(); node = this.lookup(toPath(cur)); continue; }
      const candidate = toPath([...cur, name]);
      const next = this.lookup(candidate);
      if (next && next.type === 'symlink' && (pending.length > 0 || followLast)) {
        if (++links > 40) return ELOOP;
        const tcomps = next.target.split('/').filter((c) => c.length > 0 && c !== '.');
        if (next.target.startsWith('/')) cur = [];
        pending.unshift(...tcomps);
        node = this.lookup(toPath(cur));
        continue;
      }
      cur.push(name);
      node = next;
      if (node === null && pending.length > 0) return ENOENT;
    }
    return { path: toPath(cur), node };
  }

  /** File contents (host files are read once and cached: the host root is treated as immutable while running). */
  read(path: string): Uint8Array {
    const o = this.state.overlay[path];
    if (o && o.type === 'file') return o.data;
    const s = this.synthFiles[path];
    if (s !== undefined) return new Uint8Array(Buffer.from(s));
    let data = this.hostCache.get(path);
    if (!data) {
      const hp = this.hostPath(path);
      try { data = hp === undefined ? new Uint8Array(0) : new Uint8Array(fs.readFileSync(hp)); } catch { data = new Uint8Array(0); }
      this.hostCache.set(path, data);
    }
    return data;
  }

  /** Copies a file up into the overlay (first write) and returns its overlay entry. */
  writable(path: string, nowNs: number): { type: 'file'; data: Uint8Array; mode: number; mtimeNs: number } | number {
    const n = this.lookup(path);
    if (!n) return ENOENT;
    if (n.type === 'dir') return EISDIR;
    if (n.type !== 'file') return EINVAL;
    if (n.source === 'synthetic') return EACCES;
    let o = this.state.overlay[path];
    if (!o || o.type !== 'file') {
      o = { type: 'file', data: new Uint8Array(this.read(path)), mode: n.mode, mtimeNs: nowNs };
      this.state.overlay[path] = o;
    }
    return o;
  }

  /** Why a new entry cannot be made at path (an errno), or 0: its parent must be a directory, and /proc, /sys and
   * /dev belong to the kernel. */
  private cannotCreate(path: string): number {
    const parent = this.lookup(parentOf(path));
    if (!parent) return ENOENT;
    if (parent.type !== 'dir') return ENOTDIR;
    if (isSystemPath(path)) return EACCES;
    return 0;
  }

  create(path: string, mode: number, nowNs: number): number {
    const err = this.cannotCreate(path);
    if (err) return err;
    this.state.overlay[path] = { type: 'file', data: new Uint8Array(0), mode: S_IFREG | (mode & 0o7777), mtimeNs: nowNs };
    return 0;
  }

  mkdir(path: string, mode: number, nowNs: number): number {
    if (this.lookup(path)) return EEXIST;
    const err = this.cannotCreate(path);
    if (err) return err;
    this.state.overlay[path] = { type: 'dir', mode: S_IFDIR | (mode & 0o7777), mtimeNs: nowNs };
    return 0;
  }

  symlink(target: string, path: string, nowNs: number): number {
    if (this.lookup(path)) return EEXIST;
    const err = this.cannotCreate(path);
    if (err) return err;
    this.state.overlay[path] = { type: 'symlink', target, mtimeNs: nowNs };
    return 0;
  }

  unlink(path: string, dir: boolean): number {
    const n = this.lookup(path);
    if (!n) return ENOENT;
    if (n.type === 'dev' || (n.type !== 'symlink' && n.source === 'synthetic')) return EACCES;
    if (dir) {
      if (n.type !== 'dir') return ENOTDIR;
      if (this.list(path).length > 0) return ENOTEMPTY;
    } else if (n.type === 'dir') return EISDIR;
    this.state.overlay[path] = { type: 'deleted' };
    return 0;
  }

  rename(from: string, to: string): number {
    const n = this.lookup(from);
    if (!n) return ENOENT;
    if (n.type === 'dir') return EPERM; // directory renames are not needed by the programs we run
    const o = this.state.overlay[from];
    const entry: OverlayEntry = o && o.type !== 'deleted' ? o
      : n.type === 'symlink' ? { type: 'symlink', target: n.target, mtimeNs: n.mtimeNs }
      : n.type === 'file' ? { type: 'file', data: new Uint8Array(this.read(from)), mode: n.mode, mtimeNs: n.mtimeNs }
      : { type: 'deleted' };
    if (entry.type === 'deleted') return EACCES;
    this.state.overlay[to] = entry;
    this.state.overlay[from] = { type: 'deleted' };
    return 0;
  }

  /** Names in a directory, sorted (deterministic getdents order), merged from all layers. */
  list(path: string): string[] {
    const names = new Set<string>();
    const hp = this.hostPath(path);
    if (hp !== undefined && !['/proc', '/sys', '/dev'].some((p) => path === p || path.startsWith(p + '/'))) {
      try { for (const n of fs.readdirSync(hp)) names.add(n); } catch { /* not a host directory */ }
    }
    const prefix = path === '/' ? '/' : path + '/';
    const consider = (p: string) => {
      if (p.startsWith(prefix) && p.length > prefix.length && !p.slice(prefix.length).includes('/')) names.add(p.slice(prefix.length));
    };
    for (const p of SYNTH_DIRS) consider(p);
    for (const p of Object.keys(SYNTH_DEVS)) consider(p);
    for (const p of Object.keys(this.synthFiles)) consider(p);
    for (const p of Object.keys(this.state.overlay)) consider(p);
    return [...names].filter((n) => this.lookup(joinPath(path, n)) !== null).sort();
  }
}

function isSystemPath(p: string): boolean { return /^\/(proc|sys|dev)(\/|$)/.test(p); }

function toPath(comps: string[]): string { return '/' + comps.join('/'); }
