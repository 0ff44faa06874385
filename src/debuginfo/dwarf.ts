// Just enough DWARF (versions 2–5) to learn the runtime's data layout: named structure types with their members'
// offsets, sizes and type names, DW_TAG_constant values (runtime._Grunning, waitReason...) and global variables'
// addresses (DW_OP_addr locations). Sections may be SHF_COMPRESSED or .zdebug_* (ElfFile undoes both).
import { ByteView } from './bytes';
import type { ElfFile } from './elf';
import { DebugInfoError, hex } from './errors';

export interface DwarfMember { name: string; offset: number; size: number; type: string }
export interface DwarfStruct { name: string; size: number; members: DwarfMember[] }
export interface DwarfInfo {
  structs: Map<string, DwarfStruct>;
  consts: Map<string, number>;
  vars: Map<string, number>;
}

const TAG_pointer_type = 0x0f, TAG_structure_type = 0x13, TAG_member = 0x0d, TAG_constant = 0x27, TAG_variable = 0x34;
const AT_name = 0x03, AT_byte_size = 0x0b, AT_type = 0x49, AT_data_member_location = 0x38, AT_const_value = 0x1c, AT_location = 0x02;

interface AbbrevAttr { at: number; form: number; implicit: number }
interface Abbrev { tag: number; children: boolean; attrs: AbbrevAttr[] }

interface TypeInfo { tag: number; name: string; size: number; type: number }
interface PendingMember { struct: DwarfStruct; name: string; offset: number; type: number }

export function readDwarf(elf: ElfFile, structs?: Set<string>): DwarfInfo | undefined {
  const info = elf.sectionData('.debug_info');
  const abbrev = elf.sectionData('.debug_abbrev');
  if (!info || !abbrev) return undefined;
  return parseDwarf(info, abbrev, elf.sectionData('.debug_str'), elf.sectionData('.debug_line_str'), elf.name, structs);
}

interface Unit { start: number; end: number; dies: number; abbrevs: Map<number, Abbrev>; offSize: number; addrSize: number }

/**
 * Walks every DIE but decodes only the interesting ones (named structures — those in `structs` when given — with
 * their members, constants, global variables); the rest are skipped form by form. Member types are resolved
 * afterwards by decoding just the referenced DIEs.
 */
export function parseDwarf(infoBytes: Uint8Array, abbrevBytes: Uint8Array, strBytes: Uint8Array | undefined, lineStrBytes: Uint8Array | undefined,
  what = 'binary', structs?: Set<string>): DwarfInfo {
  const info = new ByteView(infoBytes, `${what}: .debug_info`);
  const abv = new ByteView(abbrevBytes, `${what}: .debug_abbrev`);
  const str = strBytes ? new ByteView(strBytes, `${what}: .debug_str`) : undefined;
  const lineStr = lineStrBytes ? new ByteView(lineStrBytes, `${what}: .debug_line_str`) : undefined;
  const abbrevCache = new Map<number, Map<number, Abbrev>>();
  const out: DwarfInfo = { structs: new Map(), consts: new Map(), vars: new Map() };
  const pending: PendingMember[] = [];
  const units: Unit[] = [];

  let cu = 0;
  while (cu < info.length) {
    let unitLen = info.u32(cu), hdr = cu + 4, offSize = 4;
    if (unitLen === 0xffffffff) { unitLen = info.u64(cu + 4); hdr = cu + 12; offSize = 8; }
    const unitEnd = hdr + unitLen;
    if (unitEnd > info.length || unitLen < 7) throw new DebugInfoError(`${what}: .debug_info unit at ${hex(cu)} has bad length ${unitLen}`);
    const version = info.u16(hdr);
    let abbrevOff: number, addrSize: number, p: number;
    if (version >= 2 && version <= 4) {
      abbrevOff = offSize === 8 ? info.u64(hdr + 2) : info.u32(hdr + 2);
      addrSize = info.u8(hdr + 2 + offSize);
      p = hdr + 3 + offSize;
    } else if (version === 5) {
      const unitType = info.u8(hdr + 2);
      addrSize = info.u8(hdr + 3);
      abbrevOff = offSize === 8 ? info.u64(hdr + 4) : info.u32(hdr + 4);
      p = hdr + 4 + offSize + (unitType === 2 || unitType === 6 ? 8 + offSize : unitType === 4 || unitType === 5 ? 8 : 0);
    } else {
      throw new DebugInfoError(`${what}: .debug_info unit at ${hex(cu)} has unsupported DWARF version ${version}`);
    }
    let abbrevs = abbrevCache.get(abbrevOff);
    if (!abbrevs) abbrevCache.set(abbrevOff, (abbrevs = parseAbbrevs(abv, abbrevOff, what)));
    units.push({ start: cu, end: unitEnd, dies: p, abbrevs, offSize, addrSize });

    const stack: (DwarfStruct | undefined)[] = [];
    while (p < unitEnd) {
      const dieOff = p;
      const code = info.ulebNext(p);
      p = info.next;
      if (code === 0) { stack.pop(); continue; }
      const ab = abbrevs.get(code);
      if (!ab) throw new DebugInfoError(`${what}: .debug_info DIE at ${hex(dieOff)} uses unknown abbreviation ${code}`);
      const parent = stack.length ? stack[stack.length - 1] : undefined;
      const wanted = ab.tag === TAG_structure_type || ab.tag === TAG_constant || (ab.tag === TAG_variable && stack.length <= 1) || (ab.tag === TAG_member && parent);
      let self: DwarfStruct | undefined;
      if (!wanted) {
        for (const a of ab.attrs) p = skipForm(info, p, a.form, offSize, addrSize, what);
      } else {
        const d = decodeAttrs(info, p, ab, offSize, addrSize, cu, str, lineStr, what);
        p = d.next;
        if (ab.tag === TAG_structure_type && d.name && (!structs || structs.has(d.name))) {
          self = { name: d.name, size: d.size, members: [] };
          if (!out.structs.has(d.name)) out.structs.set(d.name, self);
        } else if (ab.tag === TAG_member && parent) {
          pending.push({ struct: parent, name: d.name, offset: d.memberLoc, type: d.type });
        } else if (ab.tag === TAG_constant && d.name && d.constVal !== undefined) {
          out.consts.set(d.name, d.constVal);
        } else if (ab.tag === TAG_variable && d.name && d.addr !== undefined) {
          out.vars.set(d.name, d.addr);
        }
      }
      if (ab.children) stack.push(self);
    }
    cu = unitEnd;
  }

  // Member types: decode only the DIEs members refer to (references may point into other units).
  const types = new Map<number, TypeInfo | undefined>();
  const typeAt = (off: number): TypeInfo | undefined => {
    if (types.has(off)) return types.get(off);
    let lo = 0, hi = units.length - 1, u: Unit | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (off < units[mid].start) hi = mid - 1; else if (off >= units[mid].end) lo = mid + 1; else { u = units[mid]; break; }
    }
    let t: TypeInfo | undefined;
    if (u && off >= u.dies) {
      const [code, p] = info.uleb(off);
      const ab = u.abbrevs.get(code);
      if (ab) {
        const d = decodeAttrs(info, p, ab, u.offSize, u.addrSize, u.start, str, lineStr, what);
        t = { tag: ab.tag, name: d.name, size: d.size, type: d.type };
      }
    }
    types.set(off, t);
    return t;
  };
  for (const m of pending) {
    const t = typeAt(m.type);
    m.struct.members.push({ name: m.name, offset: m.offset, type: t?.name ?? '', size: t ? typeSize(typeAt, m.type) : -1 });
  }
  return out;
}

interface Decoded { name: string; size: number; type: number; memberLoc: number; constVal?: number; addr?: number; next: number }

function decodeAttrs(info: ByteView, p: number, ab: Abbrev, offSize: number, addrSize: number, cu: number,
  str: ByteView | undefined, lineStr: ByteView | undefined, what: string): Decoded {
  const d: Decoded = { name: '', size: -1, type: -1, memberLoc: -1, next: p };
  for (const a of ab.attrs) {
    if (a.at !== AT_name && a.at !== AT_byte_size && a.at !== AT_type && a.at !== AT_data_member_location && a.at !== AT_const_value && a.at !== AT_location) {
      p = skipForm(info, p, a.form, offSize, addrSize, what);
      continue;
    }
    const r = readForm(info, p, a.form, a.implicit, offSize, addrSize, cu, str, lineStr, what);
    p = r.next;
    switch (a.at) {
      case AT_name: if (typeof r.value === 'string') d.name = r.value; break;
      case AT_byte_size: if (typeof r.value === 'number') d.size = r.value; break;
      case AT_type: if (typeof r.value === 'number') d.type = r.value; break;
      case AT_data_member_location:
        if (typeof r.value === 'number') d.memberLoc = r.value;
        else if (r.value instanceof Uint8Array && r.value[0] === 0x23) d.memberLoc = new ByteView(r.value, 'member location').uleb(1)[0]; // DW_OP_plus_uconst
        break;
      case AT_const_value: if (typeof r.value === 'number') d.constVal = r.value; break;
      case AT_location:
        if (r.value instanceof Uint8Array && r.value.length === 1 + addrSize && r.value[0] === 0x03) d.addr = new ByteView(r.value, 'location').u64(1); // DW_OP_addr
        break;
    }
  }
  d.next = p;
  return d;
}

/** Offset after an attribute value of `form`, without decoding it. */
function skipForm(v: ByteView, p: number, form: number, offSize: number, addrSize: number, what: string): number {
  switch (form) {
    case 0x08: { // string
      const e = v.bytes.indexOf(0, p);
      if (e < 0) throw new DebugInfoError(`${what}: unterminated string at offset ${hex(p)}`);
      return e + 1;
    }
    case 0x0b: case 0x0c: case 0x11: case 0x25: case 0x29: return p + 1;
    case 0x05: case 0x12: case 0x26: case 0x2a: return p + 2;
    case 0x27: case 0x2b: return p + 3;
    case 0x06: case 0x13: case 0x1c: case 0x28: case 0x2c: return p + 4;
    case 0x07: case 0x14: case 0x20: case 0x24: return p + 8;
    case 0x1e: return p + 16;
    case 0x01: return p + addrSize;
    case 0x0e: case 0x10: case 0x17: case 0x1d: case 0x1f: return p + offSize;
    case 0x19: case 0x21: return p;
    case 0x0d: case 0x0f: case 0x15: case 0x1a: case 0x1b: case 0x22: case 0x23: {
      while (v.u8(p) & 0x80) p++;
      return p + 1;
    }
    default: return readForm(v, p, form, 0, offSize, addrSize, 0, undefined, undefined, what).next;
  }
}

function typeSize(typeAt: (off: number) => TypeInfo | undefined, off: number): number {
  for (let i = 0; i < 16; i++) {
    const t = typeAt(off);
    if (!t) return -1;
    if (t.size >= 0) return t.size;
    if (t.tag === TAG_pointer_type) return 8; // Go's pointer types carry no byte size
    off = t.type;
  }
  return -1;
}

function parseAbbrevs(v: ByteView, off: number, what: string): Map<number, Abbrev> {
  const out = new Map<number, Abbrev>();
  let p = off;
  for (;;) {
    const [code, p1] = v.uleb(p);
    p = p1;
    if (code === 0) return out;
    const [tag, p2] = v.uleb(p);
    const children = v.u8(p2) !== 0;
    p = p2 + 1;
    const attrs: AbbrevAttr[] = [];
    for (;;) {
      const [at, q1] = v.uleb(p);
      const [form, q2] = v.uleb(q1);
      p = q2;
      if (at === 0 && form === 0) break;
      let implicit = 0;
      if (form === 0x21) [implicit, p] = v.sleb(p);
      attrs.push({ at, form, implicit });
    }
    if (out.size > 100000) throw new DebugInfoError(`${what}: .debug_abbrev at ${hex(off)} does not end`);
    out.set(code, { tag, children, attrs });
  }
}

type FormValue = number | string | Uint8Array | undefined;

function readForm(v: ByteView, p: number, form: number, implicit: number, offSize: number, addrSize: number, cu: number,
  str: ByteView | undefined, lineStr: ByteView | undefined, what: string): { value: FormValue; next: number; form: number } {
  const ret = (value: FormValue, next: number) => ({ value, next, form });
  const block = (len: number, at: number) => ret(v.slice(at, len), at + len);
  const off = (at: number) => (offSize === 8 ? v.u64(at) : v.u32(at));
  switch (form) {
    case 0x01: return ret(addrSize === 8 ? v.u64(p) : v.u32(p), p + addrSize); // addr
    case 0x03: return block(v.u16(p), p + 2);
    case 0x04: return block(v.u32(p), p + 4);
    case 0x05: return ret(v.u16(p), p + 2);
    case 0x06: return ret(v.u32(p), p + 4);
    case 0x07: return ret(v.u64(p), p + 8);
    case 0x08: { // string
      const s = v.cstring(p);
      let e = p; while (v.bytes[e] !== 0) e++;
      return ret(s, e + 1);
    }
    case 0x09: case 0x18: { const [n, q] = v.uleb(p); return block(n, q); } // block, exprloc
    case 0x0a: return block(v.u8(p), p + 1);
    case 0x0b: return ret(v.u8(p), p + 1);
    case 0x0c: return ret(v.u8(p), p + 1); // flag
    case 0x0d: { const [n, q] = v.sleb(p); return ret(n, q); }
    case 0x0e: { // strp
      const o = off(p);
      if (!str) throw new DebugInfoError(`${what}: .debug_info refers to .debug_str, which is missing`);
      return ret(str.cstring(o), p + offSize);
    }
    case 0x1f: { // line_strp
      const o = off(p);
      if (!lineStr) throw new DebugInfoError(`${what}: .debug_info refers to .debug_line_str, which is missing`);
      return ret(lineStr.cstring(o), p + offSize);
    }
    case 0x0f: case 0x1a: case 0x1b: case 0x22: case 0x23: { const [n, q] = v.uleb(p); return ret(form === 0x0f ? n : undefined, q); }
    case 0x10: return ret(off(p), p + offSize); // ref_addr: section offset
    case 0x11: return ret(cu + v.u8(p), p + 1);
    case 0x12: return ret(cu + v.u16(p), p + 2);
    case 0x13: return ret(cu + v.u32(p), p + 4);
    case 0x14: return ret(cu + v.u64(p), p + 8);
    case 0x15: { const [n, q] = v.uleb(p); return ret(cu + n, q); }
    case 0x16: { const [f, q] = v.uleb(p); return readForm(v, q, f, implicit, offSize, addrSize, cu, str, lineStr, what); }
    case 0x17: case 0x1d: return ret(undefined, p + offSize); // sec_offset, strp_sup
    case 0x19: return ret(1, p); // flag_present
    case 0x1c: return ret(undefined, p + 4);
    case 0x1e: return ret(undefined, p + 16);
    case 0x20: case 0x24: return ret(undefined, p + 8);
    case 0x21: return ret(implicit, p);
    case 0x25: case 0x29: return ret(undefined, p + 1);
    case 0x26: case 0x2a: return ret(undefined, p + 2);
    case 0x27: case 0x2b: return ret(undefined, p + 3);
    case 0x28: case 0x2c: return ret(undefined, p + 4);
    default: throw new DebugInfoError(`${what}: .debug_info uses unknown attribute form ${hex(form)} at offset ${hex(p)}`);
  }
}
