// Linux x86-64 signal frames (arch/x86/kernel/signal.c layout): what the kernel pushes on the (alternate) stack
// before running a handler, and what rt_sigreturn reads back. Go's sighandler reads and edits this ucontext
// (async preemption pushes a call to asyncPreempt by changing uc_mcontext.rsp/rip), so it must be exact:
//
//   rt_sigframe: pretcode (8, = sa_restorer) | ucontext (304) | siginfo (128)     then fpstate (512, 64-aligned)
//   ucontext:    uc_flags 0 | uc_link 8 | uc_stack {ss_sp 16, ss_flags 24, ss_size 32} | uc_mcontext 40 (sigcontext,
//                256 bytes) | uc_sigmask 296
//   sigcontext:  r8 r9 r10 r11 r12 r13 r14 r15 rdi rsi rbp rbx rdx rax rcx rsp rip eflags (8 bytes each, 0..143),
//                cs/gs/fs/ss 144, err 152, trapno 160, oldmask 168, cr2 176, fpstate pointer 184, reserved 192..255
//   fpstate:     the FXSAVE image: fcw 0, fsw 2, ftw 4, fop 6, rip 8, rdp 16, mxcsr 24, mxcsr_mask 28,
//                st0-7 at 32, xmm0-15 at 160, software-reserved bytes up to 512.
import type { CpuState } from '../cpu/types';
import type { Memory } from '../cpu/memory';
import { Reg } from '../cpu/types';
import type { AltStack, PendingSignal } from './thread';

export const FRAME_SIZE = 8 + 304 + 128;
const UC = 8, MCTX = UC + 40, SIGMASK = UC + 296, SIGINFO = UC + 304;
export const FPSTATE_SIZE = 512;
/** Order of the general registers in sigcontext. */
const SIGCTX_REGS = [Reg.R8, Reg.R9, Reg.R10, Reg.R11, Reg.R12, Reg.R13, Reg.R14, Reg.R15, Reg.RDI, Reg.RSI,
  Reg.RBP, Reg.RBX, Reg.RDX, Reg.RAX, Reg.RCX, Reg.RSP];
export const SS_ONSTACK = 1, SS_DISABLE = 2;
const UC_SIGCONTEXT_SS = 2, UC_STRICT_RESTORE_SS = 4;
/** RFLAGS bits a signal return may change (CF PF AF ZF SF TF DF OF AC ID and friends, as FIX_EFLAGS). */
const FIX_EFLAGS = 0x40dd5;

export interface FrameInput {
  state: CpuState;
  sig: PendingSignal;
  handler: number;
  restorer: number;
  /** Mask to restore at sigreturn (the thread's mask before delivery). */
  oldmask: bigint;
  altstack: AltStack;
  useAltstack: boolean;
}

function put64(b: DataView, o: number, lo: number, hi: number): void { b.setInt32(o, lo, true); b.setInt32(o + 4, hi, true); }
function putNum(b: DataView, o: number, v: number): void {
  b.setUint32(o, v >>> 0, true);
  b.setUint32(o + 4, Math.floor(v / 4294967296) >>> 0, true);
}
function getNum(b: DataView, o: number): number { return b.getUint32(o + 4, true) * 4294967296 + b.getUint32(o, true); }

/** True when rsp is inside the alternate signal stack. */
export function onAltstack(a: AltStack, rsp: number): boolean {
  return a.flags !== SS_DISABLE && a.size > 0 && rsp > a.sp && rsp <= a.sp + a.size;
}

/**
 * Writes the frame and returns the handler's RSP (the frame's address: pretcode on top, as if `call`ed).
 * Throws MemoryError when the stack is unmapped (the caller then kills the process with SIGSEGV, as Linux does).
 */
export function pushSignalFrame(mem: Memory, f: FrameInput): { rsp: number; siginfo: number; uc: number } {
  const s = f.state;
  const rsp = (s.gpr[2 * Reg.RSP + 1] >>> 0) * 4294967296 + (s.gpr[2 * Reg.RSP] >>> 0);
  let sp = f.useAltstack && !onAltstack(f.altstack, rsp) ? f.altstack.sp + f.altstack.size : rsp - 128; // red zone
  const fpAddr = Math.floor((sp - FPSTATE_SIZE) / 64) * 64;
  sp = Math.floor((fpAddr - FRAME_SIZE) / 16) * 16 - 8;

  const fp = new Uint8Array(FPSTATE_SIZE);
  const fv = new DataView(fp.buffer);
  fv.setUint16(0, 0x37f, true); // fcw: x87 default
  fv.setUint32(24, s.mxcsr >>> 0, true);
  fv.setUint32(28, 0xffff, true); // mxcsr_mask
  for (let i = 0; i < 64; i++) fv.setInt32(160 + 4 * i, s.xmm[i], true);

  const fr = new Uint8Array(FRAME_SIZE);
  const v = new DataView(fr.buffer);
  putNum(v, 0, f.restorer);
  v.setUint32(UC, UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS, true);
  putNum(v, UC + 16, f.altstack.sp);
  v.setInt32(UC + 24, f.altstack.flags === SS_DISABLE ? SS_DISABLE : (onAltstack(f.altstack, rsp) || f.useAltstack ? SS_ONSTACK : 0), true);
  putNum(v, UC + 32, f.altstack.size);
  SIGCTX_REGS.forEach((r, i) => put64(v, MCTX + 8 * i, s.gpr[2 * r], s.gpr[2 * r + 1]));
  putNum(v, MCTX + 128, s.rip);
  putNum(v, MCTX + 136, s.rflags >>> 0);
  v.setUint16(MCTX + 144, 0x33, true); // cs
  v.setUint16(MCTX + 150, 0x2b, true); // ss
  if (f.sig.fault) {
    putNum(v, MCTX + 152, f.sig.fault.err);
    putNum(v, MCTX + 160, f.sig.fault.trapno);
    putNum(v, MCTX + 176, f.sig.addr);
  }
  v.setBigUint64(MCTX + 168, f.oldmask, true);
  putNum(v, MCTX + 184, fpAddr);
  v.setBigUint64(SIGMASK, f.oldmask, true);
  // siginfo: si_signo, si_errno, si_code, then the union: si_addr for faults, si_pid/si_uid for kill/tgkill.
  v.setInt32(SIGINFO, f.sig.sig, true);
  v.setInt32(SIGINFO + 8, f.sig.code, true);
  if (f.sig.fault || f.sig.sig === 4 || f.sig.sig === 8 || f.sig.sig === 11 || f.sig.sig === 7 || f.sig.sig === 5) {
    putNum(v, SIGINFO + 16, f.sig.addr);
  } else {
    v.setInt32(SIGINFO + 16, f.sig.pid, true);
    v.setInt32(SIGINFO + 20, 1000, true);
  }
  mem.pokeBytes(fpAddr, fp);
  mem.pokeBytes(sp, fr);
  return { rsp: sp, siginfo: sp + SIGINFO, uc: sp + UC };
}

/**
 * rt_sigreturn: the handler returned into sa_restorer, which popped pretcode, so RSP = frame + 8 = &ucontext.
 * Restores registers, RFLAGS (user-changeable bits), the XMM state and returns the mask to reinstall and the
 * alternate-stack settings from uc_stack.
 */
export function popSignalFrame(mem: Memory, rsp: number, cur: CpuState): { state: CpuState; mask: bigint; altstack?: AltStack } {
  const uc = rsp;
  const b = mem.peekBytes(uc, 304);
  const v = new DataView(b.buffer);
  const st: CpuState = { ...cur, gpr: [...cur.gpr], xmm: [...cur.xmm] };
  SIGCTX_REGS.forEach((r, i) => {
    st.gpr[2 * r] = v.getInt32(40 + 8 * i, true);
    st.gpr[2 * r + 1] = v.getInt32(40 + 8 * i + 4, true);
  });
  st.rip = getNum(v, 40 + 128);
  st.rflags = ((cur.rflags & ~FIX_EFLAGS) | (v.getUint32(40 + 136, true) & FIX_EFLAGS)) >>> 0;
  const fpAddr = getNum(v, 40 + 184);
  if (fpAddr !== 0) {
    const fp = new DataView(mem.peekBytes(fpAddr, FPSTATE_SIZE).buffer);
    st.mxcsr = fp.getUint32(24, true) & 0xffff;
    for (let i = 0; i < 64; i++) st.xmm[i] = fp.getInt32(160 + 4 * i, true);
  }
  const mask = v.getBigUint64(296, true);
  const ssFlags = v.getInt32(24, true);
  return { state: st, mask, altstack: { sp: getNum(v, 16), size: getNum(v, 32), flags: ssFlags & SS_DISABLE } };
}
