// Open file descriptions and the objects behind them: sandbox files and directories, devices, pipes, eventfds and
// epoll instances. Everything here is plain data (structured-cloneable, so kernel snapshots are one clone) and the
// functions that act on it. One fd table per process (Go's threads share it: CLONE_FILES).

export const O_ACCMODE = 3, O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0o100, O_EXCL = 0o200, O_NOCTTY = 0o400,
  O_TRUNC = 0o1000, O_APPEND = 0o2000, O_NONBLOCK = 0o4000, O_DIRECTORY = 0o200000, O_NOFOLLOW = 0o400000,
  O_CLOEXEC = 0o2000000, O_PATH = 0o10000000;

export const EPOLLIN = 0x1, EPOLLPRI = 0x2, EPOLLOUT = 0x4, EPOLLERR = 0x8, EPOLLHUP = 0x10, EPOLLRDHUP = 0x2000,
  EPOLLET = 0x80000000;

export const PIPE_CAPACITY = 65536;

export type Desc =
  | { kind: 'file'; path: string; flags: number; pos: number }
  | { kind: 'dir'; path: string; flags: number; pos: number }
  | { kind: 'dev'; dev: 'null' | 'zero' | 'urandom' | 'tty' | 'stdin' | 'stdout' | 'stderr'; flags: number; path: string }
  | { kind: 'pipe'; pipe: number; end: 'r' | 'w'; flags: number }
  | { kind: 'eventfd'; counter: bigint; semaphore: boolean; flags: number }
  | { kind: 'epoll'; interests: EpollInterest[]; flags: number };

export interface EpollInterest {
  fd: number;
  desc: number;
  events: number;
  /** epoll_data_t, as the 8 bytes the guest passed. */
  data: bigint;
  /** Edge-triggered events noted since the last report. */
  pending: number;
}

export interface Pipe { data: number[]; readers: number; writers: number }

export interface FdEntry { desc: number; cloexec: boolean }

export interface FileTable {
  fds: Record<number, FdEntry>;
  descs: Record<number, Desc>;
  /** Number of fds referring to each description. */
  refs: Record<number, number>;
  pipes: Record<number, Pipe>;
  nextDesc: number;
  nextPipe: number;
}

export function newFileTable(): FileTable {
  return { fds: {}, descs: {}, refs: {}, pipes: {}, nextDesc: 1, nextPipe: 1 };
}

export function addDesc(ft: FileTable, d: Desc): number {
  const id = ft.nextDesc++;
  ft.descs[id] = d;
  ft.refs[id] = 0;
  if (d.kind === 'pipe') {
    const p = ft.pipes[d.pipe];
    if (d.end === 'r') p.readers++; else p.writers++;
  }
  return id;
}

/** Lowest free fd ≥ min (POSIX rule), or -1 past the limit. */
export function lowestFreeFd(ft: FileTable, min = 0, limit = 1024): number {
  for (let fd = min; fd < limit; fd++) if (!ft.fds[fd]) return fd;
  return -1;
}

export function installFd(ft: FileTable, fd: number, desc: number, cloexec: boolean): void {
  ft.fds[fd] = { desc, cloexec };
  ft.refs[desc] = (ft.refs[desc] ?? 0) + 1;
}

/** Closes an fd; returns the description when this was its last reference (so the caller can notify waiters). */
export function closeFd(ft: FileTable, fd: number): Desc | null {
  const e = ft.fds[fd];
  if (!e) return null;
  delete ft.fds[fd];
  // Linux removes an fd's epoll registrations when the description's last reference goes; Go always EPOLL_CTL_DELs
  // first, so dropping interests by fd number here is equivalent for the programs we run.
  const left = --ft.refs[e.desc];
  const d = ft.descs[e.desc];
  if (left > 0) return null;
  delete ft.refs[e.desc];
  delete ft.descs[e.desc];
  for (const other of Object.values(ft.descs)) {
    if (other.kind === 'epoll') other.interests = other.interests.filter((i) => i.desc !== e.desc);
  }
  if (d.kind === 'pipe') {
    const p = ft.pipes[d.pipe];
    if (d.end === 'r') p.readers--; else p.writers--;
    if (p.readers === 0 && p.writers === 0) delete ft.pipes[d.pipe];
  }
  return d;
}

/** Current readiness (EPOLL* bits) of a description, as poll(2) would report it. */
export function readiness(ft: FileTable, descId: number): number {
  const d = ft.descs[descId];
  if (!d) return 0;
  switch (d.kind) {
    case 'pipe': {
      const p = ft.pipes[d.pipe];
      if (d.end === 'r') return (p.data.length > 0 ? EPOLLIN : 0) | (p.writers === 0 ? EPOLLHUP : 0);
      return p.readers === 0 ? EPOLLERR | EPOLLOUT : (p.data.length < PIPE_CAPACITY ? EPOLLOUT : 0);
    }
    case 'eventfd':
      return (d.counter > 0n ? EPOLLIN : 0) | (d.counter < 0xfffffffffffffffen ? EPOLLOUT : 0);
    case 'dev':
      return d.dev === 'stdin' ? EPOLLIN : EPOLLIN | EPOLLOUT;
    default:
      return EPOLLIN | EPOLLOUT;
  }
}

/**
 * Notes that `descId` may have become ready for `bits` (a write, a read that made room, a close): edge-triggered
 * interests remember it until reported. Returns the ids of epoll descriptions watching it (their waiters wake).
 */
export function notifyReady(ft: FileTable, descId: number, bits: number): number[] {
  const woken: number[] = [];
  for (const [id, d] of Object.entries(ft.descs)) {
    if (d.kind !== 'epoll') continue;
    for (const i of d.interests) {
      if (i.desc === descId) { i.pending |= bits; woken.push(Number(id)); }
    }
  }
  return woken;
}

/** Events ready on an epoll instance, at most max: [events, data][]; clears the edge-triggered state reported. */
export function collectEpoll(ft: FileTable, ep: Desc & { kind: 'epoll' }, max: number): [number, bigint][] {
  const out: [number, bigint][] = [];
  for (const i of ep.interests) {
    if (out.length >= max) break;
    const ready = readiness(ft, i.desc);
    const want = (i.events | EPOLLERR | EPOLLHUP) & ~EPOLLET;
    let ev: number;
    if (i.events & EPOLLET) {
      // An edge (a write, a read that made room, a close) is reported once, HUP and ERR included.
      ev = ready & want & i.pending;
      if (ev) i.pending = 0;
      else continue;
    } else {
      ev = ready & want;
    }
    if (ev) out.push([ev | (ready & EPOLLHUP && i.events & EPOLLRDHUP ? EPOLLRDHUP : 0), i.data]);
  }
  return out;
}
