// One amd64 hardware thread: registers, lazy flags, XMM state, and the run loop over decoded blocks.
// Many Cpus (one per guest thread) may share one Memory; only one runs at a time.

import * as M_mem from './memory';
import { Memory, PageFault } from './memory';
const { CODE_GEN } = M_mem;
import * as M_cpuid from './cpuid';
const { baselineCpuid } = M_cpuid;
import * as M_flags from './flags';
const { arithFlags, setArith, K_MAT, ARITH_MASK } = M_flags;
import type { Block } from './decoder';
import * as M_decoder from './decoder';
const { getBlock, fuse, fuseLoop, growBlock, FUSE_AFTER } = M_decoder;
import * as M_fault from './fault';
const { FaultSignal } = M_fault;
import * as M_engine from './engine';
const { tuneEngine } = M_engine;
import * as M_stop from './stop';
const { STOP_NONE, STOP_SYSCALL, STOP_HALT, STOP_FAULT, STOP_WATCH } = M_stop;
export { STOP_NONE, STOP_SYSCALL, STOP_HALT, STOP_FAULT, STOP_WATCH };
import type { CpuFault, CpuidResult, CpuState, Stop } from './types';
import { Reg } from './types';


const TWO32 = 4294967296;
/** RFLAGS bits we keep besides the arithmetic ones: TF(8) IF(9) DF(10) AC(18) ID(21); bit 1 always reads 1. */
const RFLAGS_KEPT = (1 << 8) | (1 << 9) | (1 << 10) | (1 << 18) | (1 << 21);

/**
 * First value of the address fields (rip, fsBase, gsBase), replaced by 0 in the constructor. Holding a non-number
 * first makes V8 keep those fields as tagged values: otherwise the first address computed as a double (a JS number
 * from 32-bit halves is one until V8 optimises the code) turns them into boxed-double fields, and every read of
 * RIP by code V8 has not optimised yet, the run loop included, allocates a fresh number (2.4 MB in Go hello world).
 */
const NOT_YET = null as unknown as number;

export class Cpu {
  /**
   * General-purpose registers as 32-bit halves: register i (Reg enum order) is r[2i] (low, int32) and r[2i+1]
   * (high, int32). This is the fast representation instructions use; getReg/setReg wrap it with BigInt.
   */
  readonly r = new Int32Array(32);
  /** Address of the next instruction to execute. */
  rip: number = NOT_YET;
  /** FS/GS segment bases as plain numbers (addresses < 2^53; Go keeps its TLS block pointer in FS). */
  fsBase: number = NOT_YET;
  gsBase: number = NOT_YET;
  /** XMM0-15 as 64 int32 dwords (XMM i = x[4i..4i+3], little-endian), with float/byte views of the same bytes. */
  readonly x = new Int32Array(64);
  readonly xf64 = new Float64Array(this.x.buffer);
  readonly xf32 = new Float32Array(this.x.buffer);
  readonly xu8 = new Uint8Array(this.x.buffer);
  readonly xi8 = new Int8Array(this.x.buffer);
  readonly xu16 = new Uint16Array(this.x.buffer);
  readonly xi16 = new Int16Array(this.x.buffer);
  /** MXCSR (rounding control, exception masks/flags). Default 0x1f80 as Linux starts threads. */
  mxcsr = 0x1f80;
  /** Instructions retired (monotonic; a SYSCALL is counted by whoever performs it, not here). */
  icount = 0;

  // Lazy flags (see flags.ts).
  fop = K_MAT;
  fa = 0; fah = 0; fb = 0; fbh = 0; fr = 0; frh = 0; fx = 0;
  /** Non-arithmetic RFLAGS bits (DF, IF, TF, AC, ID). */
  rflagsRest = 1 << 9;
  /** Direction flag as +1 / -1 for string instructions (mirrors DF in rflagsRest). */
  dir = 1;
  /** Scratch: high half of the last 64-bit result of a helper (avoids allocating pairs). */
  th = 0;
  /** Set by an instruction to end the run (STOP_*). */
  stop = STOP_NONE;
  /** Index in its block of the op that faulted inside a fused block. */
  faultIdx = 0;
  /** Instructions a self-loop block (Block.loop) completed before an op faulted. */
  loopDone = 0;
  /** The fault behind STOP_FAULT. */
  pendingFault: CpuFault | null = null;

  /** RDTSC/RDTSCP value provider (virtual clock). Default: the instruction count. */
  rdtsc: (cpu: Cpu) => bigint = cpu => BigInt(cpu.icount);
  /** TSC_AUX for RDTSCP (Linux puts the CPU number there). */
  tscAux = 0;
  /** CPUID provider. Default: a baseline SSE2-only x86-64 (see cpuid.ts). */
  cpuid: (leaf: number, subleaf: number) => CpuidResult = baselineCpuid;

  private breakpoints = new Set<number>();

  constructor(public memory: Memory) {
    tuneEngine();
    this.rip = 0; this.fsBase = 0; this.gsBase = 0;
  }

  // -------------------------------------------------------------------------------------------- registers

  /** A 64-bit register as an unsigned BigInt (UI, kernel). */
  getReg(reg: Reg): bigint {
    return (BigInt(this.r[2 * reg + 1] >>> 0) << 32n) | BigInt(this.r[2 * reg] >>> 0);
  }
  /** Set a 64-bit register (value taken modulo 2^64, negative values as two's complement). */
  setReg(reg: Reg, v: bigint): void {
    const u = BigInt.asUintN(64, v);
    this.r[2 * reg] = Number(u & 0xffffffffn) | 0;
    this.r[2 * reg + 1] = Number(u >> 32n) | 0;
  }
  /** A register as an unsigned JS number (exact below 2^53: addresses, sizes, syscall arguments). */
  getRegNum(reg: Reg): number { return (this.r[2 * reg + 1] >>> 0) * TWO32 + (this.r[2 * reg] >>> 0); }
  /** A register as a signed JS number (exact when |value| < 2^53: syscall results such as -errno). */
  getRegSigned(reg: Reg): number { return this.r[2 * reg + 1] * TWO32 + (this.r[2 * reg] >>> 0); }
  /** Set a register from a JS integer (negative values as two's complement; |v| must be < 2^53). */
  setRegNum(reg: Reg, v: number): void {
    this.r[2 * reg] = v | 0; // ToInt32 is exact modulo 2^32 for integers below 2^53
    this.r[2 * reg + 1] = Math.floor(v / TWO32) | 0;
  }

  /** XMM register i as 16 bytes (a copy). */
  getXmm(i: number): Uint8Array { return this.xu8.slice(16 * i, 16 * i + 16); }
  /** Set XMM register i from up to 16 bytes (missing bytes become zero). */
  setXmm(i: number, bytes: Uint8Array): void {
    this.xu8.fill(0, 16 * i, 16 * i + 16);
    this.xu8.set(bytes.subarray(0, 16), 16 * i);
  }

  /** RFLAGS with the lazy arithmetic flags computed; bit 1 is always set. */
  getRflags(): number { return (arithFlags(this) | this.rflagsRest | 2) >>> 0; }
  /** Set RFLAGS (arithmetic flags, DF, IF, TF, AC, ID; other bits ignored). */
  setRflags(v: number): void {
    setArith(this, v & ARITH_MASK);
    this.rflagsRest = (v & RFLAGS_KEPT) | (1 << 9); // IF is always set in user mode
    this.dir = v & (1 << 10) ? -1 : 1;
  }

  // ------------------------------------------------------------------------------------------ breakpoints

  /**
   * Stop before executing the instruction at addr. Costs nothing for code without breakpoints: blocks are split
   * so a breakpoint address starts a block, and only such blocks are checked.
   */
  addBreakpoint(addr: number): void {
    if (this.breakpoints.has(addr)) return;
    this.breakpoints.add(addr);
    const marks = this.memory.marks.counts;
    marks.set(addr, (marks.get(addr) ?? 0) + 1);
    this.memory.invalidateCodeAt(addr);
  }
  removeBreakpoint(addr: number): void {
    if (!this.breakpoints.delete(addr)) return;
    const marks = this.memory.marks.counts;
    const n = (marks.get(addr) ?? 1) - 1;
    if (n <= 0) marks.delete(addr); else marks.set(addr, n);
  }
  hasBreakpoint(addr: number): boolean { return this.breakpoints.has(addr); }
  get breakpointList(): number[] { return [...this.breakpoints]; }

  // --------------------------------------------------------------------------------------------- running

  /** Execute one instruction (a breakpoint at RIP is not reported: stepping executes it). */
  step(): Stop { return this.exec(1, true); }

  /**
   * Execute up to `budget` instructions. Returns why it stopped; never throws. A breakpoint at the starting RIP
   * is skipped (resuming from a breakpoint executes that instruction).
   */
  run(budget: number): Stop { return this.exec(budget, true); }

  /** Like run, but also reports a breakpoint at the starting RIP. */
  runFrom(budget: number): Stop { return this.exec(budget, false); }

  private exec(budget: number, skipFirstBp: boolean): Stop {
    const mem = this.memory;
    mem.runner = this;
    this.stop = STOP_NONE;
    this.pendingFault = null;
    let left = Math.floor(budget);
    let blk: Block | null = null;
    let i = 0;
    let skip = skipFirstBp;
    try {
      let prev: Block | null = null;
      while (left > 0) {
        blk = null;
        // Follow the previous block's cached link when it is still valid, else look the block up.
        const rip = this.rip;
        if (prev !== null && prev.gen === CODE_GEN.v) {
          if (prev.nA === rip) blk = prev.bA; else if (prev.nB === rip) blk = prev.bB;
        }
        if (blk === null) {
          blk = getBlock(this, rip);
          if (prev !== null) {
            if (prev.gen !== CODE_GEN.v) { prev.gen = CODE_GEN.v; prev.nA = -1; prev.bA = null; prev.nB = -1; prev.bB = null; }
            if (prev.nA === -1) { prev.nA = rip; prev.bA = blk; } else { prev.nB = rip; prev.bB = blk; }
          }
        }
        prev = blk;
        if (blk.bp && !skip && this.breakpoints.has(this.rip)) return { kind: 'breakpoint', addr: this.rip };
        skip = false;
        // Hot: grow into a superblock and generate its function(s) before running it (its ops may change here).
        if (blk.hot < FUSE_AFTER && ++blk.hot === FUSE_AFTER) this.hot(blk);
        const ops = blk.ops, n = ops.length;
        i = 0;
        if (n <= left && blk.fused !== null && mem.stoppingWatchCount === 0) {
          // Fused block: only its last op can request a stop (SYSCALL/HLT end blocks; no stopping watches here). A taken
          // side exit (a conditional branch inside the block) ends it early: the functions return the ops run.
          this.faultIdx = 0;
          let done: number;
          if (blk.loop !== null) {
            // A one-block loop iterates inside its generated function; its last op is a branch (never a stop).
            this.loopDone = 0;
            try { done = blk.loop(this, left); } catch (e) { this.icount += this.loopDone; i = this.faultIdx; throw e; }
          } else {
            try { done = blk.fused(this); } catch (e) { i = this.faultIdx; throw e; }
          }
          if (this.stop === STOP_NONE) { this.icount += done; left -= done; continue; }
          i = n - 1;
        } else if (n <= left && blk.exits === 0 && mem.stoppingWatchCount === 0) {
          // Without stopping watches and side exits only the last op can request a stop or change RIP.
          this.rip = blk.next;
          for (; i < n; i++) ops[i](this);
          if (this.stop === STOP_NONE) { this.icount += n; left -= n; continue; }
          i = n - 1;
        } else {
          // One op at a time with RIP at the next instruction: for watches (a stop after any write), side exits
          // (a taken branch leaves the block) and budgets that end inside the block.
          const addrs = blk.addrs, m = n <= left ? n : left;
          for (; i < m; i++) {
            const nx = i + 1 < n ? addrs[i + 1] : blk.next;
            this.rip = nx;
            ops[i](this);
            if (this.stop !== STOP_NONE) break;
            if (this.rip !== nx) { i++; break; }
          }
          if (this.stop === STOP_NONE) { this.icount += i; left -= i; continue; }
        }
        // An instruction asked to stop.
        const s = this.stop;
        this.stop = STOP_NONE;
        if (s === STOP_SYSCALL) { this.icount += i; return { kind: 'syscall' }; }
        if (s === STOP_FAULT) { this.icount += i; return { kind: 'fault', fault: this.pendingFault! }; }
        this.icount += i + 1;
        if (s === STOP_HALT) return { kind: 'halt' };
        if (i + 1 < n && this.rip === blk.next) this.rip = blk.addrs[i + 1];
        const w = mem.watchHit!;
        mem.watchHit = null;
        return { kind: 'watch', id: w.id, addr: w.addr, len: w.len };
      }
      return { kind: 'budget' };
    } catch (e) {
      // blk null: the fetch/decode of RIP itself faulted. Else instruction i of blk faulted, state unchanged.
      const at = blk ? blk.addrs[i] : this.rip;
      if (blk) this.icount += i;
      this.rip = at;
      return { kind: 'fault', fault: this.toFault(e, at) };
    } finally {
      mem.watchHit = null;
    }
  }

  /** A block ran FUSE_AFTER times: give it its generated function(s). */
  private hot(blk: Block): void {
    growBlock(this, blk);
    blk.fused = fuse(blk);
    if (blk.selfLoop && !blk.bp) blk.loop = fuseLoop(blk, blk.addrs[0]);
  }

  /** Turn whatever an instruction threw into a CpuFault (JS errors become #UD naming the internal error). */
  private toFault(e: unknown, rip: number): CpuFault {
    if (e instanceof PageFault) {
      return {
        kind: '#PF', rip, addr: e.addr, access: e.access, protection: e.protection,
        message: `page fault: ${e.access} ${e.protection ? 'not permitted' : 'of unmapped address'} 0x${e.addr.toString(16)} at rip 0x${rip.toString(16)}`,
      };
    }
    if (e instanceof FaultSignal) return { ...e.fault, rip };
    const msg = e instanceof Error ? e.message : String(e);
    return { kind: '#UD', rip, message: `emulator internal error at rip 0x${rip.toString(16)}: ${msg}` };
  }

  // ----------------------------------------------------------------------------------------------- state

  /** Plain-data copy of the whole architectural state (structured-cloneable). */
  saveState(): CpuState {
    return {
      gpr: Array.from(this.r), rip: this.rip, rflags: this.getRflags(), fsBase: this.fsBase, gsBase: this.gsBase,
      xmm: Array.from(this.x), mxcsr: this.mxcsr, icount: this.icount,
    };
  }
  loadState(s: CpuState): void {
    this.r.set(s.gpr);
    this.rip = s.rip;
    this.setRflags(s.rflags);
    this.fsBase = s.fsBase;
    this.gsBase = s.gsBase;
    this.x.set(s.xmm);
    this.mxcsr = s.mxcsr;
    this.icount = s.icount;
  }
}

export { Reg };
