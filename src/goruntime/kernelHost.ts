// ModelHost over the Linux layer: threads by tid, registers through each thread's Cpu, guest memory through the
// kernel's Memory (host accesses: no permission checks), blocking through kernel.block/wake/sleepUntil.

import { Reg, PROT_READ, PROT_WRITE } from '../cpu/types';
import type { Kernel } from '../linux/kernel';
import type { Thread } from '../linux/thread';
import { syscallName } from '../linux/sysnames';
import type { TraceEventBody } from '../linux/trace';
import type { ModelHost, ThreadRegs } from './host';

export class KernelHost implements ModelHost {
  /** `file:line` for guest addresses (set once the image's line table is known). */
  describe: (pc: number) => string | null = () => null;

  constructor(readonly kernel: Kernel) {}

  private t(tid: number): Thread {
    const t = this.kernel.thread(tid);
    if (!t) throw new Error(`no thread ${tid}`);
    return t;
  }
  now(): number { return this.kernel.clockNs; }
  regs(tid: number): ThreadRegs {
    const c = this.t(tid).cpu;
    return { rsp: c.getRegNum(Reg.RSP), rip: c.rip, rbp: c.getRegNum(Reg.RBP) };
  }
  setRegs(tid: number, r: Partial<ThreadRegs>): void {
    const c = this.t(tid).cpu;
    if (r.rsp !== undefined) c.setRegNum(Reg.RSP, r.rsp);
    if (r.rbp !== undefined) c.setRegNum(Reg.RBP, r.rbp);
    if (r.rip !== undefined) c.rip = r.rip;
  }
  read64(addr: number): number { return Number(this.kernel.memory.peek64(addr)); }
  write64(addr: number, v: number): void { this.kernel.memory.poke64(addr, BigInt(v)); }
  read32(addr: number): number { return this.kernel.memory.peek32(addr); }
  write32(addr: number, v: number): void { this.kernel.memory.poke32(addr, v >>> 0); }
  mapStack(addr: number, len: number): boolean {
    const mem = this.kernel.memory;
    if (mem.isMapped(addr, 1) || mem.isMapped(addr + len - 1, 1)) return false;
    try { mem.map(addr, len, PROT_READ | PROT_WRITE); return true; } catch { return false; }
  }
  createThread(o: { rip: number; rsp: number; name: string }): number {
    return this.kernel.createThread({ rip: o.rip, rsp: o.rsp, fsBase: 0, name: o.name }).tid;
  }
  block(tid: number, reason: string): void { this.kernel.block(this.t(tid), { reason }); }
  wake(tid: number): void { const t = this.kernel.thread(tid); if (t) this.kernel.wake(t); }
  sleepUntil(tid: number, tNs: number): void { this.kernel.sleepUntil(this.t(tid), tNs); }
  exitThread(tid: number): void { this.kernel.exitThread(this.t(tid)); }
  writeFd(fd: number, bytes: Uint8Array): void {
    if (fd === 2) this.kernel.stderr(bytes); else this.kernel.stdout(bytes);
  }
  exitGroup(code: number): void { this.kernel.exitGroup(code); }
  fault(tid: number, message: string): void {
    const t = this.kernel.thread(tid);
    this.kernel.emit({ ev: 'warning', m: t ? this.kernel.identify(t).m : null, message });
    this.kernel.stderr(new TextEncoder().encode(`${message}\n`));
    this.kernel.exitGroup(2);
  }
  emit(ev: TraceEventBody): void { this.kernel.emit(ev); }
  threadBlocked(tid: number): boolean { return this.kernel.thread(tid)?.state === 'blocked'; }
  threadSyscall(tid: number): string | null {
    const s = this.kernel.thread(tid)?.sys;
    return s ? syscallName(s.nr) : null;
  }
  describePc(pc: number): string | null { return this.describe(pc); }
}
