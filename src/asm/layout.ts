// Text layout: functions aligned to 32 bytes (INT3 padding, as Go's linker), PCALIGN padding, and branch
// relaxation: every branch to a label starts in its 8-bit form and grows to rel32 while its target is out of
// reach, until nothing changes (sizes only grow, so this ends).
import type { Pos } from './parser';
import type { BranchTarget } from './encode';
import { encodedLength } from './encode';
import { alignUp, Func } from './program';

export const FUNC_ALIGN = 32;

/** Assigns addresses to every item from `textBase`; returns the end of the text. */
export function layoutText(funcs: Func[], textBase: number, error: (pos: Pos, message: string) => void): number {
  const itemAddr = (fn: Func, i: number) => i < fn.items.length ? fn.items[i].addr : fn.addr + fn.size;
  for (let iter = 0; iter < 100; iter++) {
    let addr = textBase;
    for (const fn of funcs) {
      addr = alignUp(addr, FUNC_ALIGN);
      fn.addr = addr;
      for (const it of fn.items) {
        if (it.kind === 'align') it.size = alignUp(addr, it.align!) - addr;
        it.addr = addr;
        addr += it.size;
      }
      fn.size = addr - fn.addr;
    }
    let changed = false;
    for (const fn of funcs) {
      for (const it of fn.items) {
        if (!it.short || it.chosen !== it.short) continue;
        const b = it.short.ops.find(o => o.t === 'b') as { target: BranchTarget } | undefined;
        if (!b || b.target.kind !== 'item') continue;
        const disp = itemAddr(fn, b.target.index) - (it.addr + it.size);
        if (disp < -128 || disp > 127) {
          if (!it.near) { error(it.pos, 'branch target out of range of its 8-bit displacement'); it.short = undefined; continue; }
          it.chosen = it.near;
          const b2 = encodedLength(it.near, { sym: () => 0x401000, item: () => 0x401000 });
          it.size = typeof b2 === 'string' ? 6 : b2;
          changed = true;
        }
      }
    }
    if (!changed) return addr;
  }
  return funcs.length ? funcs[funcs.length - 1].addr + funcs[funcs.length - 1].size : textBase;
}

export function nopPadding(n: number): Uint8Array {
  // Intel's recommended multi-byte NOPs (SDM vol. 2B, NOP), up to 9 bytes each, longest first, as Go pads PCALIGN.
  const nops = [[], [0x90], [0x66, 0x90], [0x0f, 0x1f, 0x00], [0x0f, 0x1f, 0x40, 0x00], [0x0f, 0x1f, 0x44, 0x00, 0x00],
    [0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00], [0x0f, 0x1f, 0x80, 0, 0, 0, 0], [0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0],
    [0x66, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0]];
  const out: number[] = [];
  while (n > 0) { const k = Math.min(n, 9); out.push(...nops[k]); n -= k; }
  return Uint8Array.from(out);
}

