// Stack unwinding. Asm functions: the return address sits at SP (at entry and at RET) or at SP+spAdjust once the
// prologue ran (the assembler knows the frame size); model functions: return address at SP, as real calls push
// it; code without tables: frame pointers (RBP chain).
import type { DebugInfo, FunctionEntry } from './debugInfo';

export interface RawFrame {
  pc: number; sp: number; fn?: FunctionEntry; /** FP: address of the first argument. */ argp?: number;
  /** Set by a binary's own unwinder (inlined frames have their own name and line). */
  name?: string; file?: string; line?: number;
}

export interface UnwindEnv {
  info: DebugInfo;
  read64(addr: number): number | undefined;
  /** The instruction at pc is RET (frame already torn down). */
  isRet(pc: number): boolean;
  /** pc directly follows a CALL (a plausible return address). */
  isReturnAddress(pc: number): boolean;
}

export function unwind(env: UnwindEnv, pc: number, sp: number, bp: number, max = 64): RawFrame[] {
  const frames: RawFrame[] = [];
  for (let depth = 0; depth < max; depth++) {
    const fn = env.info.functionAt(pc);
    const frame: RawFrame = { pc, sp, fn };
    frames.push(frame);
    let raAt: number | undefined;
    if (fn) {
      const adjust = (fn as FunctionEntry & { spAdjust?: number }).spAdjust ?? 0;
      const candidates = pc === fn.addr || env.isRet(pc) || fn.model ? [0, adjust] : [adjust, 0];
      for (const off of candidates) {
        const ra = env.read64(sp + off);
        if (ra !== undefined && (env.info.functionAt(ra) || env.isReturnAddress(ra))) { raAt = sp + off; break; }
      }
      if (raAt !== undefined) frame.argp = raAt + 8;
    } else if (bp) {
      // frame pointers: [BP] = caller's BP, [BP+8] = return address
      const ra = env.read64(bp + 8);
      const nbp = env.read64(bp);
      if (ra === undefined || nbp === undefined || ra === 0 || nbp <= bp) break;
      pc = ra; sp = bp + 16; bp = nbp;
      continue;
    }
    if (raAt === undefined) break;
    const ra = env.read64(raAt)!;
    if (!ra) break;
    // caller's BP was saved by the prologue at SP+adjust-8 when a frame exists; keep the current one otherwise
    pc = ra; sp = raAt + 8;
    if (!env.info.functionAt(pc) && !env.isReturnAddress(pc)) break;
  }
  return frames;
}
