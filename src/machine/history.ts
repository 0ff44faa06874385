// Snapshots for reverse execution: one every `interval` executed instructions plus one at every stop. Replaying
// from the nearest earlier snapshot is deterministic, so any earlier position can be reached exactly.
export interface Snap { pos: number }

const MAX_SNAPSHOTS = 400;

export class History<S extends Snap = Snap & Record<string, unknown>> {
  private snaps: S[] = [];
  private lastPeriodic = -Infinity;

  constructor(readonly interval: number) {}

  due(pos: number): boolean { return pos >= this.lastPeriodic + this.interval; }
  nextAt(pos: number): number { return Math.max(pos + 1, this.lastPeriodic + this.interval); }

  take(s: S): void {
    const i = this.snaps.findIndex((x) => x.pos >= s.pos);
    if (i < 0) this.snaps.push(s);
    else if (this.snaps[i].pos === s.pos) this.snaps[i] = s;
    else this.snaps.splice(i, 0, s);
    if (s.pos >= this.lastPeriodic + this.interval) this.lastPeriodic = s.pos;
    if (this.snaps.length > MAX_SNAPSHOTS) this.thin();
  }

  /** The latest snapshot at or before pos (the first one when none is). */
  before(pos: number): S {
    let best = this.snaps[0];
    for (const s of this.snaps) { if (s.pos <= pos) best = s; else break; }
    if (!best) throw new Error('no snapshot to replay from');
    return best;
  }

  /** State was changed by hand at pos (register or memory edits): the recorded future no longer holds. */
  dropAfter(pos: number): void {
    this.snaps = this.snaps.filter((s) => s.pos <= pos);
    this.lastPeriodic = Math.min(this.lastPeriodic, pos);
  }

  get size(): number { return this.snaps.length; }

  /** Keep the first and the newest half; drop every other snapshot of the older half. */
  private thin(): void {
    const n = this.snaps.length;
    const half = n >> 1;
    this.snaps = this.snaps.filter((_s, i) => i === 0 || i >= half || i % 2 === 0);
  }
}
