// Typed field access over one runtime structure read from guest memory, by the field names of the runtime layout
// (DWARF or built-in). Widths come from the layout, so atomic.Uint32 and plain uint32 read alike.
import { ByteView } from '../../debuginfo/bytes';
import { DebugInfoError, hex } from '../../debuginfo/errors';
import type { RuntimeLayout, StructLayout } from '../../debuginfo/runtimeLayout';

export class StructView {
  private readonly v: ByteView;
  constructor(readonly kind: string, readonly addr: number, bytes: Uint8Array, private readonly s: StructLayout) {
    this.v = new ByteView(bytes, `runtime.${kind} at ${hex(addr)}`, addr);
  }

  has(field: string): boolean { return field in this.s.fields; }

  offset(field: string): number {
    const f = this.s.fields[field];
    if (!f) throw new DebugInfoError(`the runtime layout has no ${this.kind}.${field}`);
    return f.offset;
  }

  /** Unsigned integer field of 1, 2, 4 or 8 bytes (pointers too). `extra` addresses inside the field (nested). */
  u(field: string, extra = 0, size?: number): number {
    const f = this.s.fields[field];
    if (!f) throw new DebugInfoError(`the runtime layout has no ${this.kind}.${field}`);
    const o = f.offset + extra;
    switch (size ?? f.size) {
      case 1: return this.v.u8(o);
      case 2: return this.v.u16(o);
      case 4: return this.v.u32(o);
      case 8: return this.v.u64(o);
      default: throw new DebugInfoError(`${this.kind}.${field} has size ${f.size}, not an integer`);
    }
  }

  /** Signed read of an integer field (int32 counters such as npidle). */
  i(field: string): number {
    const f = this.s.fields[field];
    const x = this.u(field);
    return f.size === 4 ? x | 0 : f.size === 8 ? this.v.i64(f.offset) : x;
  }

  bool(field: string): boolean { return this.u(field, 0, 1) !== 0; }
}

export function structLayout(layout: RuntimeLayout, kind: string): StructLayout {
  const s = layout.structs[kind];
  if (!s || s.size <= 0) throw new DebugInfoError(`the runtime layout has no ${kind} structure`);
  return s;
}
