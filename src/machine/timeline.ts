// The `timeline` body (src/extension/timelineTypes.ts): state intervals per P, M and G, built from the trace.
import type { TimelineBody, TimelineInterval, TimelineMark } from '../extension/timelineTypes';
import type { TraceEvent } from '../linux/trace';

/** syscallStart: virtual time at which the syscall with this seq entered the kernel. */
/** open: syscalls in progress now (an M blocked in read shows as a syscall slice up to `now`). */
export function buildTimeline(events: readonly TraceEvent[], syscallStart: (seq: number) => number | undefined, now: number,
  open: readonly { m: number; start: number; label: string }[] = []): TimelineBody {
  const intervals: TimelineInterval[] = [];
  const marks: TimelineMark[] = [];
  const openLanes = new Map<string, { kind: 'P' | 'G'; id: number; state: string; start: number }>();
  const mSlices = new Map<number, { start: number; end: number; label: string; seq: number }[]>();
  const mLife = new Map<number, { start: number; end?: number }>();

  const transition = (kind: 'P' | 'G', id: number, from: string, to: string, t: number) => {
    const lane = `${kind}${id}`;
    const cur = openLanes.get(lane);
    if (cur) {
      if (t > cur.start || cur.state !== to) intervals.push({ lane, kind, id, state: cur.state, start: cur.start, end: t });
    } else if (!(kind === 'G' && (from === '_Gidle' || from === '_Gdead'))) {
      intervals.push({ lane, kind, id, state: from, start: 0, end: t });
    }
    openLanes.set(lane, { kind, id, state: to, start: t });
  };
  const seeM = (m: number | null, t: number) => { if (m !== null && !mLife.has(m)) mLife.set(m, { start: m === 0 || mLife.size === 0 ? 0 : t }); };

  for (const ev of events) {
    switch (ev.ev) {
      case 'gstatus': transition('G', ev.g, ev.from, ev.to, ev.t); seeM(ev.m, ev.t); break;
      case 'pstatus': transition('P', ev.p, ev.from, ev.to, ev.t); seeM(ev.m, ev.t); break;
      case 'syscall': {
        if (ev.m === null) break;
        seeM(ev.m, ev.t);
        const start = Math.min(syscallStart(ev.seq) ?? ev.t, ev.t);
        const l = mSlices.get(ev.m) ?? [];
        l.push({ start, end: ev.t, label: ev.name, seq: ev.seq });
        mSlices.set(ev.m, l);
        break;
      }
      case 'thread':
        if (ev.action === 'create') mLife.set(ev.m, { start: ev.t });
        else { const l = mLife.get(ev.m); if (l) l.end = ev.t; else mLife.set(ev.m, { start: 0, end: ev.t }); }
        break;
      case 'handoff':
        marks.push({ t: ev.t, kind: 'handoff', label: `P${ev.p} M${ev.fromM ?? '?'}→M${ev.toM ?? '?'} (${ev.reason})`, lane: `P${ev.p}` });
        break;
      case 'exitsyscall':
        marks.push({ t: ev.t, kind: 'exitsyscall', label: `G${ev.g} exitsyscall ${ev.path}`, lane: `G${ev.g}` });
        break;
    }
  }
  for (const o of open) {
    seeM(o.m, o.start);
    const l = mSlices.get(o.m) ?? [];
    l.push({ start: Math.min(o.start, now), end: now, label: o.label, seq: 0 });
    mSlices.set(o.m, l);
  }
  for (const [lane, cur] of openLanes) {
    if (cur.state === '_Gdead' && cur.kind === 'G') continue;
    intervals.push({ lane, kind: cur.kind, id: cur.id, state: cur.state, start: cur.start, end: Math.max(now, cur.start) });
  }
  // M lanes: running between creation and exit, with the syscall slices cut out
  for (const [m, life] of mLife) {
    const lane = `M${m}`;
    const end = life.end ?? now;
    let t = life.start;
    for (const s of (mSlices.get(m) ?? []).sort((a, b) => a.start - b.start)) {
      if (s.start > t) intervals.push({ lane, kind: 'M', id: m, state: 'running', start: t, end: s.start });
      intervals.push({ lane, kind: 'M', id: m, state: 'syscall', start: Math.max(s.start, t), end: Math.max(s.end, t), label: s.label, ...(s.seq ? { seq: s.seq } : {}) });
      t = Math.max(t, s.end);
    }
    if (end > t) intervals.push({ lane, kind: 'M', id: m, state: 'running', start: t, end });
  }
  return { intervals, marks, t: now };
}
