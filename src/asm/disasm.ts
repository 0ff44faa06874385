// Disassembly for the debugger and the CLI: iced-x86 decodes; the Plan 9 formatter prints what `go tool objdump`
// prints (Go's x86asm GoSyntax: operands reversed except CMP, size suffixes on the instructions that take one,
// `sym+off(SB)` for RIP-relative and absolute addresses, `off(base)(index*scale)`, `$imm` in hex, branch targets
// as `sym(SB)` or an address). Intel and GNU syntax come from iced's own formatters.
import { Code, Decoder, DecoderOptions, Formatter, FormatterSyntax, Instruction, MemorySizeExt, Mnemonic, OpKind, Register } from '../iced';
import { plan9RegName } from './registers';
import type { DisasmLine, DisasmSyntax, ImageSymbol, Symbolizer } from './types';
import { dotted } from './symbols';

/** x86asm's ops that take a B/W/L/Q suffix from the operand or memory size. */
const SUFFIXED = new Set(['ADC', 'ADD', 'AND', 'BSF', 'BSR', 'BT', 'BTC', 'BTR', 'BTS', 'CMP', 'CMPXCHG', 'CVTSI2SD', 'CVTSI2SS',
  'CVTSD2SI', 'CVTSS2SI', 'CVTTSD2SI', 'CVTTSS2SI', 'DEC', 'DIV', 'FLDENV', 'FRSTOR', 'IDIV', 'IMUL', 'IN', 'INC', 'LEA', 'MOV',
  'MOVNTI', 'MUL', 'NEG', 'NOP', 'NOT', 'OR', 'OUT', 'POP', 'POPA', 'POPCNT', 'PUSH', 'PUSHA', 'RCL', 'RCR', 'ROL', 'ROR', 'SAR',
  'SBB', 'SHL', 'SHLD', 'SHR', 'SHRD', 'SUB', 'TEST', 'XADD', 'XCHG', 'XOR']);

/** Register names as x86asm prints them: byte registers SPB..R15B lose their B (SP, R8). */
function regName(r: Register): string {
  if (r >= Register.SPL && r <= Register.DIL) return ['SP', 'BP', 'SI', 'DI'][r - Register.SPL];
  if (r >= Register.R8L && r <= Register.R15L) return `R${8 + r - Register.R8L}`;
  // x86asm has no YMM/ZMM names: VEX.256 registers print as X.
  if (r >= Register.YMM0 && r <= Register.YMM15) return `X${r - Register.YMM0}`;
  return plan9RegName(r);
}

const hex = (v: bigint) => (v < 0n ? '-0x' + (-v).toString(16) : '0x' + v.toString(16));

interface Raw { dataSize: number; rep: 'REP; ' | 'REPNE; ' | ''; lock: boolean }

/** Operand size and prefixes from the instruction's bytes (x86asm's DataSize: REX.W → 64, 66 → 16, else 32). */
function rawPrefixes(bytes: Uint8Array | undefined, instr: Instruction): Raw {
  if (!bytes) {
    // Without the bytes, infer the operand size from the general-purpose registers (byte ops count as 32, as
    // x86asm prints them when there is no REX.W).
    let dataSize = 32;
    for (let i = 0; i < instr.opCount; i++) {
      if (instr.opKind(i) !== OpKind.Register) continue;
      const r = instr.opRegister(i);
      if (r >= Register.RAX && r <= Register.R15) { dataSize = 64; break; }
      if (r >= Register.AX && r <= Register.R15W) { dataSize = 16; break; }
      if (r >= Register.EAX && r <= Register.R15D) break;
    }
    return { dataSize, rep: instr.hasRepPrefix || instr.hasRepePrefix ? 'REP; ' : instr.hasRepnePrefix ? 'REPNE; ' : '', lock: instr.hasLockPrefix };
  }
  let i = 0, has66 = false, rep: Raw['rep'] = '', lock = false;
  for (; i < bytes.length && i < 14; i++) {
    const b = bytes[i];
    if (b === 0x66) has66 = true;
    else if (b === 0xf3) rep = 'REP; ';
    else if (b === 0xf2) rep = 'REPNE; ';
    else if (b === 0xf0) lock = true;
    else if (b === 0x67 || b === 0x2e || b === 0x36 || b === 0x3e || b === 0x26 || b === 0x64 || b === 0x65) { /* other prefix */ }
    else break;
  }
  const rexW = i < bytes.length && (bytes[i] & 0xf8) === 0x48;
  // F2/F3 that are part of the opcode (MOVSD_XMM, MOVDQU ...) are not REP prefixes: trust iced for those.
  rep = instr.hasRepPrefix || instr.hasRepePrefix ? 'REP; ' : instr.hasRepnePrefix ? 'REPNE; ' : '';
  lock = lock && instr.hasLockPrefix;
  return { dataSize: rexW ? 64 : has66 ? 16 : 32, rep, lock };
}

/** x86asm's op name for an iced instruction. */
function opName(instr: Instruction): string {
  const code = instr.code;
  const m = (Mnemonic[instr.mnemonic] ?? '?').toUpperCase();
  switch (m) {
    case 'MOVSD': return code === Code.Movsd_m32_m32 ? 'MOVSD' : 'MOVSD_XMM';
    case 'CMPSD': return code === Code.Cmpsd_m32_m32 ? 'CMPSD' : 'CMPSD_XMM';
    case 'INT3': return 'INT';
    case 'RETF': return 'LRET';
    default: return m;
  }
}

function isStringMem(k: OpKind): boolean {
  return k === OpKind.MemorySegSI || k === OpKind.MemorySegESI || k === OpKind.MemorySegRSI || k === OpKind.MemorySegDI ||
    k === OpKind.MemorySegEDI || k === OpKind.MemorySegRDI || k === OpKind.MemoryESDI || k === OpKind.MemoryESEDI || k === OpKind.MemoryESRDI;
}

/**
 * Formats one decoded instruction as `go tool objdump` does. `bytes` (the instruction's encoding) lets the
 * formatter see prefixes iced folds away (REX.W on byte operations, as x86asm prints them); `symbolize` maps
 * addresses to symbols.
 */
export function formatPlan9(instr: Instruction, symbolize?: Symbolizer, bytes?: Uint8Array): string {
  const code = instr.code;
  if (code === Code.INVALID) return '?';
  const raw = rawPrefixes(bytes, instr);
  const pc = instr.ip;
  const len = BigInt(instr.length);
  const sym = (a: bigint) => (a >= 0n && a < 1n << 53n && symbolize ? symbolize(Number(a)) : undefined);
  const args: string[] = [];
  const n = instr.opCount;
  let memBytes = 0;
  for (let i = 0; i < n; i++) {
    const k = instr.opKind(i);
    switch (k) {
      case OpKind.Register: args.push(regName(instr.opRegister(i))); break;
      case OpKind.NearBranch16: case OpKind.NearBranch32: case OpKind.NearBranch64: {
        const t = instr.nearBranch64;
        const s = sym(t);
        args.push(s && s.offset === 0 ? `${s.name}(SB)` : hex(t));
        break;
      }
      case OpKind.Immediate8: case OpKind.Immediate8_2nd: case OpKind.Immediate16: case OpKind.Immediate32: case OpKind.Immediate64:
      case OpKind.Immediate8to16: case OpKind.Immediate8to32: case OpKind.Immediate8to64: case OpKind.Immediate32to64: {
        let v = instr.immediate(i);
        // x86asm keeps imm8 of byte operations unsigned and sign-extends the others.
        if (k === OpKind.Immediate8to16 || k === OpKind.Immediate8to32 || k === OpKind.Immediate8to64) v = BigInt.asIntN(8, v);
        else if (k === OpKind.Immediate16) v = code === Code.Retnq_imm16 || code === Code.Retnw_imm16 || code === Code.Enterq_imm16_imm8 ? v : BigInt.asIntN(16, v);
        else if (k === OpKind.Immediate32 || k === OpKind.Immediate32to64) v = BigInt.asIntN(32, v);
        else if (k === OpKind.Immediate64) v = BigInt.asIntN(64, v);
        else v = BigInt.asUintN(8, v);
        const u = BigInt.asUintN(64, v);
        const s = sym(u);
        if (s) args.push(`$${s.name}${s.offset ? (s.offset > 0 ? '+' : '') + s.offset : ''}(SB)`);
        else args.push('$' + (BigInt.asIntN(32, v) === v ? hex(v) : '0x' + u.toString(16)));
        break;
      }
      case OpKind.Memory: {
        memBytes = MemorySizeExt.size(instr.memorySize);
        args.push(memArg(instr, pc, len, sym));
        break;
      }
      default:
        if (isStringMem(k)) {
          memBytes = MemorySizeExt.size(instr.memorySize);
          const es = k === OpKind.MemoryESDI || k === OpKind.MemoryESEDI || k === OpKind.MemoryESRDI;
          const segp = instr.segmentPrefix;
          const seg = es ? 'ES' : segp !== Register.None ? regName(segp) : 'DS';
          const base = k === OpKind.MemorySegSI || k === OpKind.MemorySegESI || k === OpKind.MemorySegRSI ? 'SI' : 'DI';
          args.push(`${seg}:0(${base})`);
        } else {
          args.push('?');
        }
    }
  }
  if (code === Code.Int3) args.push('$0x3');
  if (code === Code.Xlat_m8) { args.length = 0; args.push('DS:0(BX)'); }
  args.reverse();
  let op = opName(instr);
  if (SUFFIXED.has(op)) {
    let s = raw.dataSize;
    if (memBytes !== 0) s = memBytes * 8;
    else if (n === 1 && instr.opKind(0) === OpKind.Register) {
      const r = instr.opRegister(0);
      if (r >= Register.RAX && r <= Register.R15) s = 64;
    }
    op += s === 8 ? 'B' : s === 16 ? 'W' : s === 32 ? 'L' : s === 64 ? 'Q' : '';
  }
  if (op.startsWith('CMP') && SUFFIXED.has(op.slice(0, 3)) && op.length === 4 && args.length === 2) [args[0], args[1]] = [args[1], args[0]];
  const text = args.length ? `${op} ${args.join(', ')}` : op;
  return raw.rep + (raw.lock ? 'LOCK ' : '') + text;
}

function memArg(instr: Instruction, pc: bigint, len: bigint, sym: (a: bigint) => { name: string; offset: number } | undefined): string {
  const base = instr.memoryBase, index = instr.memoryIndex;
  const segp = instr.segmentPrefix;
  const dispSize = instr.memoryDisplSize;
  let disp: bigint;
  if (base === Register.RIP || base === Register.EIP) {
    const target = instr.memoryDisplacement; // iced gives the absolute target for RIP-relative operands
    // x86asm keeps disp32 zero-extended, so a backward reference symbolizes past the end: reproduce that.
    disp = BigInt.asUintN(32, target - pc - len);
    if (segp === Register.None && index === Register.None && disp !== 0n) {
      const s = sym(pc + len + disp);
      if (s) return `${s.name}${s.offset ? (s.offset > 0 ? '+' : '') + s.offset : ''}(SB)`;
    }
    return `${disp === 0n ? '0' : hex(disp)}(IP)`;
  }
  // x86asm records disp32 zero-extended and disp8 sign-extended.
  const d = BigInt.asIntN(64, instr.memoryDisplacement);
  disp = dispSize === 1 ? BigInt.asIntN(8, d) : dispSize === 0 ? 0n : BigInt.asUintN(32, d);
  if (base === Register.None && index === Register.None && segp === Register.None && disp !== 0n) {
    const s = sym(disp);
    if (s) return `${s.name}${s.offset ? (s.offset > 0 ? '+' : '') + s.offset : ''}(SB)`;
  }
  let s = segp !== Register.None ? regName(segp) + ':' : '';
  s += disp !== 0n ? hex(disp) : '0';
  if (base !== Register.None) s += `(${regName(base)})`;
  if (index !== Register.None) s += `(${regName(index)}*${instr.memoryIndexScale})`;
  return s;
}

let intelFmt: Formatter | undefined, gasFmt: Formatter | undefined;

/**
 * Decodes `bytes` loaded at `addr` and formats every instruction. Undecodable bytes give one line of length 1
 * (`?` in Plan 9 syntax, `(bad)` otherwise), so a listing always covers every byte.
 */
export function disassemble(bytes: Uint8Array, addr: number, opts: { syntax?: DisasmSyntax; symbolize?: Symbolizer; max?: number } = {}): DisasmLine[] {
  const syntax = opts.syntax ?? 'plan9';
  const out: DisasmLine[] = [];
  if (bytes.length === 0) return out;
  const dec = new Decoder(64, bytes, DecoderOptions.None);
  const instr = new Instruction();
  let fmt: Formatter | undefined;
  if (syntax === 'intel') fmt = intelFmt ??= new Formatter(FormatterSyntax.Intel);
  if (syntax === 'gnu') fmt = gasFmt ??= new Formatter(FormatterSyntax.Gas);
  try {
    let pos = 0;
    const max = opts.max ?? Infinity;
    while (pos < bytes.length && out.length < max) {
      dec.position = pos;
      dec.ip = BigInt(addr + pos);
      dec.decodeOut(instr);
      const invalid = instr.code === Code.INVALID;
      const len = invalid ? 1 : instr.length;
      const ib = bytes.subarray(pos, pos + len);
      let text: string;
      if (invalid) text = syntax === 'plan9' ? '?' : '(bad)';
      else if (fmt) text = fmt.format(instr);
      else text = formatPlan9(instr, opts.symbolize, ib);
      const line: DisasmLine = { addr: addr + pos, bytes: ib, text, length: len };
      if (!invalid) {
        const k = instr.opCount > 0 ? instr.opKind(0) : OpKind.Register;
        if (k === OpKind.NearBranch64 || k === OpKind.NearBranch32 || k === OpKind.NearBranch16) line.target = Number(instr.nearBranch64);
      }
      out.push(line);
      pos += len;
    }
  } finally {
    instr.free();
    dec.free();
  }
  return out;
}

/**
 * A symbolizer over symbols, with `go tool objdump`'s rule: the last symbol starting at or below the address,
 * if the address lies inside it (symbols of size 0 or at address 0 never match).
 */
export function symbolizerFor(symbols: ReadonlyArray<Pick<ImageSymbol, 'name' | 'addr' | 'size'>>, nameOf: (s: string) => string = s => s): Symbolizer {
  const sorted = symbols.map((s, i) => ({ s, i })).sort((a, b) => a.s.addr - b.s.addr || a.i - b.i).map(x => x.s);
  const addrs = sorted.map(s => s.addr);
  return (a: number) => {
    let lo = 0, hi = addrs.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (a < addrs[mid]) hi = mid; else lo = mid + 1; }
    if (lo === 0) return undefined;
    const s = sorted[lo - 1];
    if (s.addr !== 0 && s.addr <= a && a < s.addr + s.size) return { name: nameOf(s.name), offset: a - s.addr };
    return undefined;
  };
}

/**
 * The symbolizer the debugger wants for a linked image: its symbols in the dotted form objdump prints
 * (`main.main`), plus the externs it was linked against (e.g. the model's `runtime.entersyscall`).
 */
export function symbolizerForImage(img: { symbols: ReadonlyArray<ImageSymbol> }, externs?: Map<string, number>): Symbolizer {
  const syms = img.symbols.map(s => ({ name: dotted(s.name), addr: s.addr, size: s.size }));
  for (const [name, addr] of externs ?? []) syms.push({ name: dotted(name), addr, size: 1 });
  return symbolizerFor(syms);
}
