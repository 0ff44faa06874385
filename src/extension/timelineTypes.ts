// Body of the `timeline` custom request (the adapter answers it; the timeline webview draws it). vscode-free.
//
//   request:  { command: 'timeline', arguments: {} }
//   response: TimelineBody
//
// One lane per P, M and G ("P0", "M1", "G7"). Each lane is a list of non-overlapping state intervals in virtual
// nanoseconds; the interval still open at the current stop ends at `t`.

export type LaneKind = 'P' | 'M' | 'G';

export interface TimelineInterval {
  /** Lane name: kind + id, e.g. "P0", "M1", "G7". */
  lane: string;
  kind: LaneKind;
  id: number;
  /**
   * P and G: the status name (`_Prunning`, `_Psyscall`, `_Pidle`, `_Grunning`, `_Gsyscall`, `_Grunnable`,
   * `_Gwaiting`, ...). M: 'running' (has a P), 'syscall' (in a syscall), 'spinning', 'idle' (stopm), 'blocked'.
   */
  state: string;
  /** Virtual ns, start <= end. */
  start: number;
  end: number;
  /** Syscall slices: the syscall's name ("read"); otherwise e.g. the G a P/M runs ("G7"). */
  label?: string;
  /** Trace seq of the syscall event that this slice shows, when it is one (lets the view "travel" to it). */
  seq?: number;
}

export interface TimelineMark {
  t: number;
  kind: 'handoff' | 'exitsyscall';
  /** e.g. "P0 M1→M2 (sysmon retake)" or "G7 exitsyscall slow". */
  label: string;
  /** The lane the mark belongs on ("P0" for a handoff, "G7" for exitsyscall); omitted: drawn across all lanes. */
  lane?: string;
}

export interface TimelineBody {
  intervals: TimelineInterval[];
  marks: TimelineMark[];
  /** Current virtual time, ns (the cursor). */
  t: number;
}

/** Lanes in display order: Ps, then Ms, then Gs, each by id. */
export function laneOrder(body: TimelineBody): string[] {
  const seen = new Map<string, { kind: LaneKind; id: number }>();
  for (const iv of body.intervals) if (!seen.has(iv.lane)) seen.set(iv.lane, { kind: iv.kind, id: iv.id });
  const rank: Record<LaneKind, number> = { P: 0, M: 1, G: 2 };
  return [...seen.entries()].sort((a, b) => rank[a[1].kind] - rank[b[1].kind] || a[1].id - b[1].id).map(e => e[0]);
}

/** A body as received may be anything: keep the well-formed parts (the view never throws on bad input). */
export function sanitizeTimeline(raw: unknown): TimelineBody {
  const b = (raw ?? {}) as Partial<TimelineBody>;
  const num = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  const intervals = Array.isArray(b.intervals) ? b.intervals.filter(iv => iv && typeof iv.lane === 'string' &&
    (iv.kind === 'P' || iv.kind === 'M' || iv.kind === 'G') && num(iv.start) && num(iv.end) && iv.end >= iv.start &&
    typeof iv.state === 'string') : [];
  const marks = Array.isArray(b.marks) ? b.marks.filter(m => m && num(m.t) &&
    (m.kind === 'handoff' || m.kind === 'exitsyscall') && typeof m.label === 'string') : [];
  const t = num(b.t) ? b.t as number : intervals.reduce((a, iv) => Math.max(a, iv.end), 0);
  return { intervals, marks, t };
}

/**
 * Where the view's time axis starts. The virtual clock starts at 0; a trace whose clock started elsewhere (older
 * adapters booted the kernel at 1 s) counts from the earliest moment anything is known to happen, where lanes
 * that began "at the beginning" may say start 0: those starts do not count.
 */
export function timelineOrigin(body: TimelineBody): number {
  const times = [...body.intervals.flatMap(iv => (iv.start > 0 ? [iv.start, iv.end] : [iv.end])), ...body.marks.map(m => m.t), body.t]
    .filter(x => Number.isFinite(x) && x > 0);
  return originOf(times.length ? Math.min(...times) : 0);
}

/** The origin for a clock whose earliest known time is `first` ns: 0 when it plainly started at 0 (< 1 ms). */
export function originOf(first: number): number {
  return first < 1_000_000 ? 0 : first;
}

/** What the view knows besides the body: the syscall log and the scheduler snapshot of this stop. */
export interface SyscallHint { seq: number; t: number; name: string; g: number | null; p: number | null; m: number | null }
export interface MSyscall { id: number; curg: number | null; oldp: number | null; p: number | null; syscall: string | null }

/**
 * Labels G `_Gsyscall` and P `_Psyscall` slices that came without a label: a finished one with the syscall of
 * that G (or P) that returned in it, the one still open with the syscall its M is in now. A P left in
 * `_Psyscall` by a blocking call is not in the log under that P (the call returns after sysmon took the P):
 * it takes the label of the G syscall slice that began just before it (entersyscall marks both).
 */
export function labelSyscallSlices(body: TimelineBody, log: readonly SyscallHint[], ms: readonly MSyscall[]): TimelineBody {
  const label = (iv: TimelineInterval): TimelineInterval => {
    if (iv.label || !(iv.state === '_Gsyscall' || iv.state === '_Psyscall')) return iv;
    const isG = iv.kind === 'G';
    const done = log.filter(e => (isG ? e.g === iv.id : e.p === iv.id) && e.t >= iv.start && e.t <= iv.end);
    const last = done[done.length - 1];
    const inM = ms.find(x => x.syscall && (isG ? x.curg === iv.id : x.oldp === iv.id || x.p === iv.id));
    if (last && (iv.end < body.t || !inM)) return { ...iv, label: last.name, seq: iv.seq ?? last.seq };
    if (inM?.syscall && iv.end >= body.t) return { ...iv, label: inM.syscall };
    return iv;
  };
  const gs = body.intervals.map(iv => (iv.kind === 'G' ? label(iv) : iv));
  const intervals = gs.map(iv => {
    if (iv.kind !== 'P') return iv;
    const own = label(iv);
    if (own.label || iv.state !== '_Psyscall') return own;
    const g = gs.filter(x => x.kind === 'G' && x.state === '_Gsyscall' && x.label && x.start <= iv.start && iv.start <= x.end)
      .sort((a, b) => b.start - a.start)[0];
    return g ? { ...iv, label: g.label, seq: iv.seq ?? g.seq } : own;
  });
  return { ...body, intervals };
}
