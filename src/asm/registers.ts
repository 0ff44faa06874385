// Go's register names on amd64 and their iced-x86 counterparts. Go's general-purpose names carry no size
// (AX is AL/AX/EAX/RAX depending on the instruction's suffix); byte names (AL, SIB, R8B, AH) are explicit.
import { Register } from '../iced';

export type RegClass = 'gpr' | 'gpr8' | 'gpr8h' | 'xmm' | 'ymm' | 'zmm' | 'mmx' | 'x87' | 'seg' | 'cr' | 'dr' | 'tr' | 'k' | 'tls';

export interface RegDesc { name: string; cls: RegClass; num: number }

export const GPR_NAMES = ['AX', 'CX', 'DX', 'BX', 'SP', 'BP', 'SI', 'DI', 'R8', 'R9', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15'];
const GPR8_NAMES = ['AL', 'CL', 'DL', 'BL', 'SPB', 'BPB', 'SIB', 'DIB', 'R8B', 'R9B', 'R10B', 'R11B', 'R12B', 'R13B', 'R14B', 'R15B'];
const GPR8H_NAMES = ['AH', 'CH', 'DH', 'BH'];
const SEG_NAMES = ['ES', 'CS', 'SS', 'DS', 'FS', 'GS'];

const TABLE = new Map<string, RegDesc>();
function add(name: string, cls: RegClass, num: number): void { TABLE.set(name, { name, cls, num }); }
GPR_NAMES.forEach((n, i) => add(n, 'gpr', i));
GPR8_NAMES.forEach((n, i) => add(n, 'gpr8', i));
GPR8H_NAMES.forEach((n, i) => add(n, 'gpr8h', i + 4));
SEG_NAMES.forEach((n, i) => add(n, 'seg', i));
for (let i = 0; i < 32; i++) { add(`X${i}`, 'xmm', i); add(`Y${i}`, 'ymm', i); add(`Z${i}`, 'zmm', i); }
for (let i = 0; i < 8; i++) { add(`M${i}`, 'mmx', i); add(`F${i}`, 'x87', i); add(`K${i}`, 'k', i); add(`TR${i}`, 'tr', i); add(`DR${i}`, 'dr', i); }
for (let i = 0; i < 16; i++) add(`CR${i}`, 'cr', i);
add('TLS', 'tls', 0);

/** Go's register of that name, or undefined. Pseudo-registers (SB, FP, PC) are not registers here; SP is. */
export function lookupRegister(name: string): RegDesc | undefined { return TABLE.get(name); }

export const PSEUDO_REGISTERS = new Set(['SB', 'FP', 'PC']);

/** iced register for general-purpose register `num` at `bits` width (8 means the low byte: SPL, R8L, ...). */
export function gprReg(num: number, bits: number): Register {
  switch (bits) {
    case 64: return Register.RAX + num;
    case 32: return Register.EAX + num;
    case 16: return Register.AX + num;
    default: return num < 4 ? Register.AL + num : num < 8 ? Register.SPL + (num - 4) : Register.R8L + (num - 8);
  }
}

/** iced register for a non-GPR register descriptor. */
export function otherReg(d: RegDesc): Register {
  switch (d.cls) {
    case 'gpr8': return gprReg(d.num, 8);
    case 'gpr8h': return Register.AH + (d.num - 4);
    case 'xmm': return Register.XMM0 + d.num;
    case 'ymm': return Register.YMM0 + d.num;
    case 'zmm': return Register.ZMM0 + d.num;
    case 'mmx': return Register.MM0 + d.num;
    case 'x87': return Register.ST0 + d.num;
    case 'seg': return Register.ES + d.num;
    case 'cr': return Register.CR0 + d.num;
    case 'dr': return Register.DR0 + d.num;
    case 'tr': return Register.TR0 + d.num;
    case 'k': return Register.K0 + d.num;
    default: return gprReg(d.num, 64);
  }
}

/** Go's name for an iced register (used by the Plan 9 formatter). */
export function plan9RegName(r: Register): string {
  if (r >= Register.RAX && r <= Register.R15) return GPR_NAMES[r - Register.RAX];
  if (r >= Register.EAX && r <= Register.R15D) return GPR_NAMES[r - Register.EAX];
  if (r >= Register.AX && r <= Register.R15W) return GPR_NAMES[r - Register.AX];
  if (r >= Register.AL && r <= Register.BL) return GPR8_NAMES[r - Register.AL];
  if (r >= Register.AH && r <= Register.BH) return GPR8H_NAMES[r - Register.AH];
  if (r >= Register.SPL && r <= Register.DIL) return GPR8_NAMES[4 + r - Register.SPL];
  if (r >= Register.R8L && r <= Register.R15L) return GPR8_NAMES[8 + r - Register.R8L];
  if (r >= Register.XMM0 && r <= Register.XMM31) return `X${r - Register.XMM0}`;
  if (r >= Register.YMM0 && r <= Register.YMM31) return `Y${r - Register.YMM0}`;
  if (r >= Register.ZMM0 && r <= Register.ZMM31) return `Z${r - Register.ZMM0}`;
  if (r >= Register.MM0 && r <= Register.MM7) return `M${r - Register.MM0}`;
  if (r >= Register.ST0 && r <= Register.ST7) return `F${r - Register.ST0}`;
  if (r >= Register.ES && r <= Register.GS) return SEG_NAMES[r - Register.ES];
  if (r >= Register.CR0 && r <= Register.CR15) return `CR${r - Register.CR0}`;
  if (r >= Register.DR0 && r <= Register.DR15) return `DR${r - Register.DR0}`;
  if (r >= Register.K0 && r <= Register.K7) return `K${r - Register.K0}`;
  if (r === Register.RIP) return 'IP';
  return Register[r] ?? '?';
}
