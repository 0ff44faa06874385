// Bounds-checked little-endian reads over a byte slice. Every read past the end raises a DebugInfoError naming
// the region, so corrupted tables fail loudly instead of yielding garbage.
import { DebugInfoError, hex } from './errors';

export class ByteView {
  readonly dv: DataView;
  constructor(readonly bytes: Uint8Array, readonly what: string, readonly base = 0) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get length(): number { return this.bytes.length; }

  check(off: number, n: number): void {
    if (!(off >= 0 && off + n <= this.bytes.length) || !Number.isInteger(off)) {
      throw new DebugInfoError(`${this.what}: read of ${n} bytes at offset ${hex(off)} (address ${hex(this.base + off)}) is outside its ${this.bytes.length} bytes`);
    }
  }
  u8(off: number): number { this.check(off, 1); return this.bytes[off]; }
  u16(off: number): number { this.check(off, 2); return this.dv.getUint16(off, true); }
  u32(off: number): number { this.check(off, 4); return this.dv.getUint32(off, true); }
  i32(off: number): number { this.check(off, 4); return this.dv.getInt32(off, true); }
  i16(off: number): number { this.check(off, 2); return this.dv.getInt16(off, true); }
  /** 64-bit value as a JS number; addresses stay below 2^53 in user space. */
  u64(off: number): number {
    this.check(off, 8);
    return this.dv.getUint32(off, true) + this.dv.getUint32(off + 4, true) * 0x1_0000_0000;
  }
  i64(off: number): number {
    this.check(off, 8);
    return this.dv.getUint32(off, true) + this.dv.getInt32(off + 4, true) * 0x1_0000_0000;
  }
  uptr(off: number, ptrSize: number): number { return ptrSize === 8 ? this.u64(off) : this.u32(off); }
  slice(off: number, n: number): Uint8Array { this.check(off, n); return this.bytes.subarray(off, off + n); }
  /** NUL-terminated string (UTF-8). */
  cstring(off: number): string {
    this.check(off, 1);
    let end = off;
    while (end < this.bytes.length && this.bytes[end] !== 0) end++;
    if (end >= this.bytes.length) throw new DebugInfoError(`${this.what}: unterminated string at offset ${hex(off)}`);
    return utf8.decode(this.bytes.subarray(off, end));
  }
  /** Offset after the last ulebNext/slebNext read (avoids allocating a tuple per number in hot loops). */
  next = 0;
  ulebNext(off: number): number {
    const b0 = this.u8(off);
    if (b0 < 0x80) { this.next = off + 1; return b0; }
    const [v, n] = this.uleb(off);
    this.next = n;
    return v;
  }
  /** Unsigned LEB128 (values past 2^53 lose precision; at most 20 bytes); returns [value, next offset]. */
  uleb(off: number): [number, number] {
    let result = 0, mul = 1, b: number;
    do {
      b = this.u8(off++);
      result += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80 && mul < 2 ** 140);
    return [result, off];
  }
  sleb(off: number): [number, number] {
    let result = 0, mul = 1, b: number;
    do {
      b = this.u8(off++);
      result += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80 && mul < 2 ** 140);
    if (b & 0x40) result -= mul;
    return [result, off];
  }
}

export const utf8 = new TextDecoder('utf-8');
