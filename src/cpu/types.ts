// The CPU's public vocabulary: register numbers, why a run stopped, and what a fault carries.
// Owned by src/cpu; every layer above depends on these names.

/** General-purpose registers in hardware encoding order (Intel SDM vol. 2, table 2-2). Plan 9 names in PLAN9_GPR. */
export enum Reg { RAX = 0, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 }

export const GPR_NAMES = ['RAX', 'RCX', 'RDX', 'RBX', 'RSP', 'RBP', 'RSI', 'RDI',
  'R8', 'R9', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15'] as const;
/** Go's assembler names for the same registers. */
export const PLAN9_GPR = ['AX', 'CX', 'DX', 'BX', 'SP', 'BP', 'SI', 'DI',
  'R8', 'R9', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15'] as const;

/** RFLAGS bits. */
export const enum Flag { CF = 1 << 0, PF = 1 << 2, AF = 1 << 4, ZF = 1 << 6, SF = 1 << 7, TF = 1 << 8, IF = 1 << 9, DF = 1 << 10, OF = 1 << 11 }
export const FLAG_BITS: ReadonlyArray<[string, number]> = [
  ['CF', 0], ['PF', 2], ['AF', 4], ['ZF', 6], ['SF', 7], ['TF', 8], ['IF', 9], ['DF', 10], ['OF', 11]];

/** Page permissions. */
export const PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;

export type Access = 'read' | 'write' | 'exec';

/** Architectural exceptions the emulator raises precisely (RIP at the faulting instruction, state unchanged). */
export type FaultKind = '#UD' | '#GP' | '#DE' | '#PF' | '#XM' | '#BP';

export interface CpuFault {
  kind: FaultKind;
  /** Address of the faulting instruction. */
  rip: number;
  /** #PF: the address accessed; #GP for misaligned SSE: the operand address. */
  addr?: number;
  access?: Access;
  /** #PF: true when the page is mapped but the access is not permitted. */
  protection?: boolean;
  /** #UD: the instruction bytes (up to 15) and iced's disassembly of them. */
  bytes?: Uint8Array;
  text?: string;
  message: string;
}

/**
 * Why Cpu.run/step returned.
 * - syscall: RIP is AT the SYSCALL instruction, nothing of it executed yet. The layer above performs the call
 *   (RCX = RIP+2, R11 = RFLAGS, RAX = result, RIP += 2): this is what makes "stop before SYSCALL" free.
 * - fault: precise; RIP at the faulting instruction.
 * - breakpoint: RIP at an address breakpoint, the instruction not executed. Resuming from it executes it.
 * - budget: the instruction budget ran out.
 * - halt: HLT executed (RIP after it).
 */
export type Stop =
  | { kind: 'syscall' }
  | { kind: 'fault'; fault: CpuFault }
  | { kind: 'breakpoint'; addr: number }
  | { kind: 'budget' }
  | { kind: 'halt' }
  | WatchStop;

/**
 * Extra stop kind (extension): a write watch whose callback returned true was hit. RIP is AFTER the writing
 * instruction (the write has happened). `id` is the value addWriteWatch returned.
 */
export interface WatchStop { kind: 'watch'; id: number; addr: number; len: number }

/** Result of one CPUID leaf (32-bit unsigned values). */
export interface CpuidResult { eax: number; ebx: number; ecx: number; edx: number }

/** Structured-cloneable CPU state (saveState/loadState): 64-bit values as 32-bit halves in plain arrays. */
export interface CpuState {
  /** 32 numbers: GPR i is (gpr[2i] low 32 bits, gpr[2i+1] high 32 bits), both as signed int32. */
  gpr: number[];
  rip: number;
  /** RFLAGS materialised (lazy flags resolved). */
  rflags: number;
  fsBase: number;
  gsBase: number;
  /** 64 int32 numbers: XMM i is xmm[4i..4i+3], little-endian dwords. */
  xmm: number[];
  mxcsr: number;
  icount: number;
}
