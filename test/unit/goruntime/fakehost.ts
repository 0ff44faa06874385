// A ModelHost without CPU or kernel: threads are register triples, memory is a word map. Enough to drive the
// model's functions directly ("guest code" is the test pushing a return address and jumping into the model).
import type { ModelHost, ThreadRegs } from '../../../src/goruntime/host';
import type { TraceEventBody } from '../../../src/linux/trace';

export interface FakeThread extends ThreadRegs { tid: number; state: 'runnable' | 'blocked' | 'sleeping' | 'exited'; until?: number; name: string }

export class FakeHost implements ModelHost {
  t = 0;
  mem = new Map<number, number>();
  threads: FakeThread[] = [];
  events: TraceEventBody[] = [];
  stderr = '';
  exitCode: number | null = null;
  faults: string[] = [];
  mapped: [number, number][] = [];

  constructor() { this.threads.push({ tid: 100, rsp: 0x7fff0000, rip: 0x401000, rbp: 0, state: 'runnable', name: 'main' }); }
  thread(tid: number): FakeThread { const t = this.threads.find((x) => x.tid === tid); if (!t) throw new Error(`no thread ${tid}`); return t; }
  now(): number { return this.t; }
  regs(tid: number): ThreadRegs { const t = this.thread(tid); return { rsp: t.rsp, rip: t.rip, rbp: t.rbp }; }
  setRegs(tid: number, r: Partial<ThreadRegs>): void { Object.assign(this.thread(tid), r); }
  read64(addr: number): number { return this.mem.get(addr) ?? 0; }
  write64(addr: number, v: number): void { this.mem.set(addr, v); }
  read32(addr: number): number { return (this.mem.get(addr) ?? 0) >>> 0; }
  write32(addr: number, v: number): void { this.mem.set(addr, v >>> 0); }
  mapStack(addr: number, len: number): boolean { this.mapped.push([addr, len]); return true; }
  createThread(o: { rip: number; rsp: number; name: string }): number {
    const tid = 100 + this.threads.length;
    this.threads.push({ tid, rsp: o.rsp, rip: o.rip, rbp: 0, state: 'runnable', name: o.name });
    return tid;
  }
  block(tid: number): void { this.thread(tid).state = 'blocked'; }
  wake(tid: number): void { const t = this.thread(tid); if (t.state === 'blocked' || t.state === 'sleeping') t.state = 'runnable'; }
  sleepUntil(tid: number, tNs: number): void { const t = this.thread(tid); t.state = 'sleeping'; t.until = tNs; }
  exitThread(tid: number): void { this.thread(tid).state = 'exited'; }
  writeFd(_fd: number, b: Uint8Array): void { this.stderr += new TextDecoder().decode(b); }
  exitGroup(code: number): void { this.exitCode = code; for (const t of this.threads) t.state = 'exited'; }
  fault(_tid: number, message: string): void { this.faults.push(message); this.exitGroup(2); }
  emit(ev: TraceEventBody): void { this.events.push(ev); }
}
