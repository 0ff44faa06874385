// Per-instruction memo of the iced-x86 Instruction fields translators read several times (operand kinds,
// memory operand). Every field read is a call into wasm; reading each once makes translation much cheaper.

import { Instruction } from '../iced';
import * as iced from '../iced';

const MSE = iced.MemorySizeExt;
const OK_MEMORY = iced.OpKind.Memory;
const NO_REGISTER = iced.Register.None;

export interface MemInfo {
  base: number; index: number; scale: number; seg: number;
  /** Displacement, sign-extended (RIP-relative: the absolute address). */
  disp: number;
  /** iced MemorySize and its size in bytes. */
  memSize: number; bytes: number;
}

let seq = 0, memSeq = -1, kindSeq = -1, nOps = 0, targetSeq = -1, target = 0;
const kinds = [0, 0, 0, 0, 0];
const mem: MemInfo = { base: 0, index: 0, scale: 1, seg: 0, disp: 0, memSize: 0, bytes: 0 };

/** Start of a new instruction (translate() calls it): drops the memo. */
export function nextInsn(): void { seq++; }

function fillKinds(insn: Instruction): void {
  kindSeq = seq;
  nOps = insn.opCount;
  for (let i = 0; i < nOps; i++) kinds[i] = insn.opKind(i);
}
export function opCount(insn: Instruction): number { if (kindSeq !== seq) fillKinds(insn); return nOps; }
export function opKind(insn: Instruction, i: number): number { if (kindSeq !== seq) fillKinds(insn); return i < nOps ? kinds[i] : -1; }

/** The instruction has an explicit memory operand (from the memoised operand kinds). */
export function hasMemoryOperand(insn: Instruction): boolean {
  if (kindSeq !== seq) fillKinds(insn);
  for (let i = 0; i < nOps; i++) if (kinds[i] === OK_MEMORY) return true;
  return false;
}

/** Bytes of each iced MemorySize, asked of iced once per size (each ask is a call into wasm). */
const memSizeBytes: number[] = [];
function sizeOf(memSize: number): number { return (memSizeBytes[memSize] ??= MSE.size(memSize)); }

export function memInfo(insn: Instruction): MemInfo {
  if (memSeq !== seq) {
    memSeq = seq;
    // iced gives the displacement as a signed 64-bit BigInt (the absolute address when RIP-relative): one conversion
    const d = Number(insn.memoryDisplacement);
    mem.base = insn.memoryBase; mem.index = insn.memoryIndex;
    mem.scale = mem.index === NO_REGISTER ? 1 : insn.memoryIndexScale;
    mem.seg = insn.memorySegment; mem.disp = d;
    mem.memSize = insn.memorySize; mem.bytes = sizeOf(mem.memSize);
  }
  return mem;
}

/** The target of a near branch (translate() and the block builder both ask). */
export function branchTarget(insn: Instruction): number {
  if (targetSeq !== seq) { targetSeq = seq; target = Number(insn.nearBranchTarget); }
  return target;
}
