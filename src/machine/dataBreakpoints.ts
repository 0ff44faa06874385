// Data breakpoints: stop when a watched memory word changes value (DAP setDataBreakpoints, access type write).
// Each one is a write watch on the Memory; the watch compares the bytes with the last value seen, so a write of the
// same value does not stop. Watches belong to one Memory: after a snapshot restore they are installed again.
import type { Memory } from '../cpu/memory';

export interface DataBreakpointInfo {
  /** `0xADDR/SIZE` plus a label after `|`, e.g. `0xc000030000/4|P0.status` (the DAP dataId). */
  dataId: string;
  addr: number;
  size: number;
  /** What it is, e.g. `P0.status`, `G1.atomicstatus`, `*0xc000012000`. */
  label: string;
  /** Text for a value (status names for status words). */
  format?: (v: bigint) => string;
}

interface Installed extends DataBreakpointInfo { id: number; watchId?: number; value: bigint; memory?: Memory }

export interface DataHit { id: number; watchId: number; addr: number; size: number; description: string }

let nextId = 1;

export class DataBreakpoints {
  private list: Installed[] = [];
  /** A change seen by a watch, not yet reported as a stop. */
  hit?: DataHit;

  /** memory(): the live Memory; live(): whether a change may stop the machine now (not while replaying). */
  constructor(private readonly memory: () => Memory | undefined, private readonly live: () => boolean) {}

  get count(): number { return this.list.length; }

  /** Replace the set (DAP semantics): returns one id per info, in order. */
  set(infos: DataBreakpointInfo[]): number[] {
    this.detach();
    this.list = infos.map((i) => ({ ...i, id: nextId++, value: 0n }));
    this.reattach();
    return this.list.map((b) => b.id);
  }

  /** Install the watches on the current Memory, values as it holds them now. */
  reattach(): void {
    this.detach();
    const mem = this.memory();
    if (!mem) return;
    this.hit = undefined;
    for (const b of this.list) {
      b.value = read(mem, b.addr, b.size) ?? 0n;
      b.memory = mem;
      b.watchId = mem.addWriteWatch(b.addr, b.size, () => this.changed(b));
    }
  }

  private detach(): void {
    for (const b of this.list) if (b.memory && b.watchId !== undefined) b.memory.removeWriteWatch(b.watchId);
  }

  private changed(b: Installed): boolean {
    const mem = b.memory;
    const now = mem ? read(mem, b.addr, b.size) : undefined;
    if (now === undefined || now === b.value) return false;
    const old = b.value;
    b.value = now;
    if (!this.live() || this.hit) return false;
    const f = b.format ?? ((v: bigint) => '0x' + v.toString(16));
    this.hit = { id: b.id, watchId: b.watchId!, addr: b.addr, size: b.size, description: `${b.label} changed: ${f(old)} → ${f(now)}` };
    return true;
  }

  take(): DataHit | undefined {
    const h = this.hit;
    this.hit = undefined;
    return h;
  }
}

/** `0xADDR/SIZE|label` → its parts, or undefined when malformed. */
export function parseDataId(id: string): { addr: number; size: number; label: string } | undefined {
  const m = /^0x([0-9a-f]+)\/([1-8])(?:\|(.*))?$/i.exec(String(id));
  if (!m) return undefined;
  const addr = parseInt(m[1], 16);
  if (!Number.isSafeInteger(addr)) return undefined;
  return { addr, size: Number(m[2]), label: m[3] || `*0x${m[1]}` };
}

function read(mem: Memory, addr: number, size: number): bigint | undefined {
  try {
    const b = mem.peekBytes(addr, size);
    let v = 0n;
    for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(b[k]);
    return v;
  } catch { return undefined; }
}
