// Scheduler view model (vscode-free): a SchedSnapshot (DESIGN.md §4) and the one of the previous stop become a tree
// of plain nodes. The vscode TreeDataProvider only maps these to TreeItems.
import type { GSnap, MSnap, PSnap, SchedSnapshot } from '../goruntime/snapshot';
import { formatTime } from './format';

/** A codicon id and a theme colour id (both exist in every VS Code theme). */
export interface IconSpec { id: string; color?: string }

export interface SchedNode {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon?: IconSpec;
  /** Differs from the previous stop (or is new). */
  changed?: boolean;
  children?: SchedNode[];
  /** Ms: the M id, used to select its DAP thread. */
  mId?: number;
  contextValue?: string;
}

export function pStatusIcon(status: string): IconSpec {
  switch (status) {
    case '_Prunning': return { id: 'play-circle', color: 'charts.green' };
    case '_Psyscall': return { id: 'arrow-swap', color: 'charts.orange' };
    case '_Pidle': return { id: 'circle-large-outline', color: 'disabledForeground' };
    case '_Pgcstop': return { id: 'debug-stop', color: 'charts.red' };
    case '_Pdead': return { id: 'close', color: 'disabledForeground' };
    default: return { id: 'question' };
  }
}

export function gStatusIcon(status: string): IconSpec {
  const base = status.replace(/^_Gscan\|/, '');
  switch (base) {
    case '_Grunning': return { id: 'play', color: 'charts.green' };
    case '_Gsyscall': return { id: 'arrow-swap', color: 'charts.orange' };
    case '_Grunnable': return { id: 'clock', color: 'charts.blue' };
    case '_Gwaiting': return { id: 'watch', color: 'charts.yellow' };
    case '_Gpreempted': return { id: 'debug-pause', color: 'charts.purple' };
    case '_Gcopystack': return { id: 'copy', color: 'charts.purple' };
    case '_Gdead': return { id: 'circle-slash', color: 'disabledForeground' };
    case '_Gidle': return { id: 'circle-large-outline', color: 'disabledForeground' };
    default: return { id: 'question' };
  }
}

export function mIcon(m: MSnap): IconSpec {
  if (m.syscall) return { id: 'arrow-swap', color: 'charts.orange' };
  if (m.blocked) return { id: 'lock', color: 'charts.orange' };
  if (m.spinning) return { id: 'sync', color: 'charts.blue' };
  if (m.p != null) return { id: 'server-process', color: 'charts.green' };
  if (m.curg != null) return { id: 'arrow-swap', color: 'charts.orange' };   // a G in a syscall, its P left behind
  return { id: 'circle-large-outline', color: 'disabledForeground' };
}

const opt = (prefix: string, v: number | null | undefined) => (v == null ? `${prefix}-` : `${prefix}${v}`);
const list = (xs: number[]) => (xs.length ? xs.map(g => `G${g}`).join(' ') : 'empty');

function pNode(p: PSnap): SchedNode {
  return {
    id: `P${p.id}`, label: `P${p.id}`, icon: pStatusIcon(p.status), contextValue: 'p',
    description: `${p.status} · ${opt('M', p.m)} · runq ${p.runq.length} · syscalltick ${p.syscalltick} · schedtick ${p.schedtick}`,
    tooltip: `P${p.id} ${p.status}\nm: ${opt('M', p.m)}\nrun queue: ${list(p.runq)}\nsyscalltick: ${p.syscalltick}\nschedtick: ${p.schedtick}`,
  };
}

function mNode(m: MSnap): SchedNode {
  // an M with a G but no P has left its P in a syscall (the G is still _Gsyscall until exitsyscall gets one)
  const state = m.syscall ? `in ${m.syscall}` : m.blocked ? 'blocked' : m.spinning ? 'spinning' : m.p != null ? 'running'
    : m.curg != null ? (m.oldp != null ? 'leaving syscall' : 'no P') : 'idle';
  return {
    id: `M${m.id}`, label: `M${m.id}`, icon: mIcon(m), mId: m.id, contextValue: 'm',
    description: `${state} · ${opt('P', m.p)} · curg ${opt('G', m.curg)}${m.oldp != null ? ` · oldp P${m.oldp}` : ''}`,
    tooltip: `M${m.id}${m.tid != null ? ` (thread ${m.tid})` : ''}\np: ${opt('P', m.p)}\ncurg: ${opt('G', m.curg)}\n` +
      `oldp: ${opt('P', m.oldp)}\nblocked: ${m.blocked}\nspinning: ${m.spinning}\nsyscall: ${m.syscall ?? 'none'}\n` +
      'Select to show its thread in Call Stack',
  };
}

function gNode(g: GSnap): SchedNode {
  const where = g.status.includes('_Gsyscall') && g.syscallpc && g.syscallpc !== '0x0' ? `syscallpc ${g.syscallpc}` : `pc ${g.pc}`;
  return {
    id: `G${g.goid}`, label: `G${g.goid}${g.startfn ? ` ${g.startfn}` : ''}`, icon: gStatusIcon(g.status), contextValue: 'g',
    description: [g.status, opt('M', g.m), opt('P', g.p), where, g.waitreason].filter(Boolean).join(' · '),
    tooltip: `G${g.goid} ${g.status}\nm: ${opt('M', g.m)}  p: ${opt('P', g.p)}\npc: ${g.pc}\nsyscallpc: ${g.syscallpc}\n` +
      `syscallsp: ${g.syscallsp}${g.waitreason ? `\nwaitreason: ${g.waitreason}` : ''}`,
  };
}

/** Builds the tree; `prev` is the snapshot of the previous stop (null at the first stop: nothing marked). */
export function buildSchedulerTree(snap: SchedSnapshot, prev: SchedSnapshot | null, origin = 0): SchedNode[] {
  const before = new Map<string, string>();
  if (prev) for (const n of leafNodes(prev, origin)) before.set(n.id, changeKey(n));
  const mark = (n: SchedNode): SchedNode => {
    if (prev) {
      const was = before.get(n.id);
      n.changed = was !== changeKey(n);
      if (n.changed) n.tooltip = `${n.tooltip ?? n.label}\n(${was === undefined ? 'new' : 'changed'} since the last stop)`;
    }
    return n;
  };
  const ps = [...snap.ps].sort((a, b) => a.id - b.id).map(pNode).map(mark);
  const ms = [...snap.ms].sort((a, b) => a.id - b.id).map(mNode).map(mark);
  const live = snap.gs.filter(g => g.status !== '_Gdead');
  const gs = [...snap.gs].sort((a, b) => a.goid - b.goid).map(gNode).map(mark);
  const sched = schedNode(snap, origin);
  mark(sched);
  const group = (id: string, label: string, children: SchedNode[], description: string): SchedNode => ({
    id, label, description, children, changed: children.some(c => c.changed), contextValue: 'group',
  });
  return [
    group('Ps', 'Ps', ps, `${ps.length} · ${snap.ps.filter(p => p.status === '_Psyscall').length} in syscall`),
    group('Ms', 'Ms', ms, `${ms.length}`),
    group('Gs', 'Gs', gs, `${live.length} live / ${gs.length}`),
    sched,
  ];
}

/** What makes a node "changed": its text, without the virtual time (which moves at every stop). */
function changeKey(n: SchedNode): string {
  return `${(n.description ?? '').replace(/ · t \+.*$/, '')}|${n.label}`;
}

function schedNode(snap: SchedSnapshot, origin = 0): SchedNode {
  const s = snap.sched;
  return {
    id: 'sched', label: 'sched', icon: { id: 'list-ordered' }, contextValue: 'sched',
    description: `runq ${s.runq.length} · npidle ${s.npidle} · nmidle ${s.nmidle} · nmspinning ${s.nmspinning} · t +${formatTime(snap.t - origin)}`,
    tooltip: `global run queue: ${list(s.runq)}\nnpidle: ${s.npidle}\nnmidle: ${s.nmidle}\nnmspinning: ${s.nmspinning}\n` +
      `virtual time: +${formatTime(snap.t - origin)} (${snap.t} ns)\nsource: ${snap.source === 'model' ? 'Go runtime model' : "the program's memory"}`,
  };
}

function leafNodes(snap: SchedSnapshot, origin = 0): SchedNode[] {
  return [...snap.ps.map(pNode), ...snap.ms.map(mNode), ...snap.gs.map(gNode), schedNode(snap, origin)];
}

/** Accepts anything; returns a well-formed snapshot or null. */
export function sanitizeSnapshot(raw: unknown): SchedSnapshot | null {
  const s = raw as Partial<SchedSnapshot> | null;
  if (!s || typeof s !== 'object' || !Array.isArray(s.gs) || !Array.isArray(s.ms) || !Array.isArray(s.ps)) return null;
  const sched = s.sched && typeof s.sched === 'object' ? s.sched : { runq: [], npidle: 0, nmidle: 0, nmspinning: 0 };
  return {
    gs: s.gs.filter(g => g && typeof g.goid === 'number').map(g => ({ ...g, status: String(g.status ?? '?'), pc: String(g.pc ?? '0x0'),
      syscallpc: String(g.syscallpc ?? '0x0'), syscallsp: String(g.syscallsp ?? '0x0'), waitreason: String(g.waitreason ?? '') })),
    ms: s.ms.filter(m => m && typeof m.id === 'number'),
    ps: s.ps.filter(p => p && typeof p.id === 'number').map(p => ({ ...p, status: String(p.status ?? '?'), runq: Array.isArray(p.runq) ? p.runq : [] })),
    sched: { ...sched, runq: Array.isArray(sched.runq) ? sched.runq : [] },
    t: typeof s.t === 'number' ? s.t : 0,
    source: s.source === 'memory' ? 'memory' : 'model',
  };
}

/** The M a DAP thread stands for, from its name ("M1 · P0 · G7 main.main"). */
export function mIdOfThreadName(name: string): number | undefined {
  const m = /^M(\d+)\b/.exec(name.trim());
  return m ? Number(m[1]) : undefined;
}
