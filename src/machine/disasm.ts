// Disassembly for the Disassembly view: instruction boundaries (from the line table where the assembler knows
// them, else by decoding forward from a function start), negative instruction offsets, Plan 9 text from src/asm.
import { Decoder, DecoderOptions, FlowControl } from '../iced';
import type { DebugInfo } from './debugInfo';
import { formatLines } from './plan9';

export interface DisLine { address: number; bytes: Uint8Array; text: string; symbol?: string; invalid?: boolean }

export class Disassembler {
  constructor(private readonly info: DebugInfo, private readonly peek: (addr: number, len: number) => Uint8Array | undefined,
    private readonly isNative: (addr: number) => boolean,
    private readonly nativeText: (addr: number) => string | undefined = () => undefined) {}

  /** Length and control flow of the instruction at addr, or undefined when unreadable or invalid. */
  decodeOne(addr: number): { length: number; flow: FlowControl } | undefined {
    if (this.isNative(addr)) return { length: 1, flow: FlowControl.Next };
    const b = this.peekUpTo(addr, 15);
    if (!b || b.length === 0) return undefined;
    const d = new Decoder(64, b, DecoderOptions.None);
    try {
      d.ip = BigInt(addr);
      const ins = d.decode();
      try {
        if (ins.isInvalid) return undefined;
        return { length: ins.length, flow: ins.flowControl };
      } finally { ins.free(); }
    } finally { d.free(); }
  }

  isRet(pc: number): boolean { return this.decodeOne(pc)?.flow === FlowControl.Return; }

  /** pc directly follows a CALL instruction (so it is a plausible return address). */
  followsCall(pc: number): boolean {
    for (const len of [5, 2, 3, 6, 7]) {
      const d = this.decodeOne(pc - len);
      if (d && d.length === len && (d.flow === FlowControl.Call || d.flow === FlowControl.IndirectCall)) return true;
    }
    return false;
  }

  private peekUpTo(addr: number, n: number): Uint8Array | undefined {
    const inPage = 4096 - (addr % 4096);
    const first = this.peek(addr, Math.min(n, inPage));
    if (!first) return undefined;
    if (n <= inPage) return first;
    const rest = this.peek(addr + inPage, n - inPage);
    return rest ? Buffer.concat([first, rest]) : first;
  }

  /** Instruction start addresses from `from` up to (not including) `to`, decoding forward. */
  private boundaries(from: number, to: number): number[] {
    const out: number[] = [];
    let a = from;
    while (a < to && out.length < 100_000) {
      if (!this.isNative(a) && !this.peek(a, 1)) { a = (Math.floor(a / 4096) + 1) * 4096; continue; } // unmapped page
      out.push(a);
      const known = this.info.lineAt(a);
      const d = known && known.addr === a && known.size > 0 ? { length: known.size } : this.decodeOne(a);
      a += d ? d.length : 1;
    }
    return out;
  }

  /** `count` instructions starting `offset` instructions away from addr (offset may be negative). */
  around(addr: number, offset: number, count: number): DisLine[] {
    let start = addr;
    if (offset < 0) {
      // find |offset| instruction starts before addr: decode from a function start (or a guess) up to addr
      const need = -offset;
      let from = addr;
      for (let tries = 0; tries < 8; tries++) {
        const fn = this.info.functionAt(from - 1) ?? this.info.symbolAt(from - 1);
        from = fn && fn.addr < from ? fn.addr : Math.max(0, from - 16 * need);
        const b = this.boundaries(from, addr);
        if (b.length >= need || from === 0) {
          const before = b.slice(Math.max(0, b.length - need));
          // pad with placeholders when there is not enough code before addr
          const pad = need - before.length;
          const out: DisLine[] = [];
          for (let i = 0; i < pad; i++) out.push({ address: Math.max(0, (before[0] ?? addr) - (pad - i)), bytes: new Uint8Array(0), text: '??', invalid: true });
          const lines = this.lines(before.length ? before[0] : addr, count + offset < 0 ? 0 : 0, before.length);
          const rest = this.lines(addr, 0, Math.max(0, count - need));
          return [...out, ...lines, ...rest].slice(0, count);
        }
      }
      start = addr;
    } else if (offset > 0) {
      const b = this.boundaries(addr, addr + 16 * offset + 16);
      start = b[offset] ?? addr + offset;
    }
    return this.lines(start, 0, count);
  }

  private lines(start: number, _skip: number, count: number): DisLine[] {
    const out: DisLine[] = [];
    let a = start;
    const symbolize = (x: number) => {
      const sym = this.info.symbolAt(x);
      return sym ? { name: sym.name, offset: x - sym.addr } : undefined;
    };
    while (out.length < count) {
      if (this.isNative(a)) {
        const step = this.nativeText(a);
        out.push({ address: a, bytes: this.peek(a, 1) ?? new Uint8Array([0x90]), text: step ? `MODEL\t${step}` : 'NOP', symbol: this.info.functionAt(a)?.name });
        a += 1;
        continue;
      }
      // decode a run of instructions at once (one decoder for the whole run), up to a native region or a hole
      const want = Math.min((count - out.length) * 15, 8192);
      const b = this.peekUpTo(a, Math.min(want, 4096 - (a % 4096) + 4096));
      if (!b || b.length === 0) { out.push({ address: a, bytes: new Uint8Array(0), text: '??', invalid: true }); a += 1; continue; }
      const lines = formatLines(b, a, count - out.length, symbolize);
      if (lines.length === 0) { out.push({ address: a, bytes: b.subarray(0, 1), text: '(bad)', invalid: true }); a += 1; continue; }
      let off = 0;
      for (const l of lines) {
        if (this.isNative(a) || off + l.length > b.length) break;
        const fn = this.info.functionAt(a);
        out.push({ address: a, bytes: b.subarray(off, off + l.length), text: l.text, symbol: fn && fn.addr === a ? fn.name : undefined, invalid: l.text === '(bad)' });
        a += l.length;
        off += l.length;
        if (out.length >= count) break;
      }
      if (off === 0) { out.push({ address: a, bytes: b.subarray(0, 1), text: '(bad)', invalid: true }); a += 1; }
    }
    return out;
  }
}
