// The one TraceSink of a Machine: stamps `seq` and virtual `t`, keeps the syscall log and the events the
// timeline is built from, and can be cut back to an earlier length when reverse execution restores a snapshot
// (replay then emits the same events again, with the same seq).
import type { TraceEvent, TraceEventBody, TraceSink, SyscallEvent } from '../linux/trace';

export class TraceLog implements TraceSink {
  readonly events: TraceEvent[] = [];
  private seq = 0;
  /** Keep every event (the adapter's timeline and reverse execution); the CLI streams and keeps none. */
  keep = true;
  listener?: (ev: TraceEvent) => void;

  constructor(private readonly clock: () => number) {}

  /** Adds what the emitter did not know (the Machine: who handed a P off). */
  decorate?: (body: TraceEventBody) => TraceEventBody;

  emit(body: TraceEventBody): void {
    if (this.decorate) body = this.decorate(body);
    const ev = { ...body, seq: ++this.seq, t: this.clock() } as TraceEvent;
    if (this.keep) this.events.push(ev);
    this.listener?.(ev);
  }

  get length(): number { return this.seq; }

  /** Forget events after the first n (a snapshot taken when n events had been emitted is being restored). */
  truncate(n: number): void {
    this.seq = n;
    if (this.keep) {
      let k = this.events.length;
      while (k > 0 && this.events[k - 1].seq > n) k--;
      this.events.length = k;
    }
  }

  syscalls(): (SyscallEvent & { seq: number; t: number })[] {
    return this.events.filter((e): e is SyscallEvent & { seq: number; t: number } => e.ev === 'syscall');
  }
}
