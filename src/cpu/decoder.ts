// Blocks: each instruction is decoded once (by iced-x86, or found in the Memory's DecodedStore from an earlier run);
// translate() turns it into a specialised closure, and straight-line runs of closures form a Block stored on the
// page buffer (PageBuf.code, by offset). Writes to the page drop its blocks (Memory.writableBuf). A breakpoint
// address always starts a block (see CodeMarks).

import { Decoder, DecoderOptions, Instruction } from '../iced';
import * as iced from '../iced';
// Local aliases: a bundled CommonJS module's exports are getters; read each enum object once.
const { DE, FC, OK } = { DE: iced.DecoderError, FC: iced.FlowControl, OK: iced.OpKind };
/** iced's Code.INVALID, written out: reading iced.Code would build its ~4,900 names (scripts/icedLazyEnums.mjs). */
export const CODE_INVALID = 0;
import type { Cpu } from './cpu';
import type { PageBuf } from './memory';
import * as M_memory from './memory';
const { PageFault, PAGE_SIZE, CODE_GEN } = M_memory;
import type { Op } from './operands';
import { branchTarget, flowControl, insnCode, insnLength, nextInsn, opKind, readsMemory, type Insn } from './insninfo';
import * as M_translate from './translate';
const { translate } = M_translate;
import type { Translated } from './translate';
import { RUNS_PAST } from './decodedStore';

/**
 * A block is straight-line code that may continue past conditional branches (a superblock): each such branch is
 * a side exit, taken when its op moves RIP away from the next instruction. Go guards loops and function entries
 * with branches to rarely taken code (bounds checks, stack growth), so this keeps Go's loops in one block.
 */
export interface Block {
  /** One closure per instruction. */
  ops: Op[];
  /** Address of each instruction. */
  addrs: number[];
  /** Address after the last instruction (RIP when the block falls through). */
  next: number;
  /** The first instruction has a breakpoint mark (checked against the running Cpu's breakpoints). */
  bp: boolean;
  /** Cached successors (fall-through and one other target), valid while gen === CODE_GEN.v. */
  nA: number; bA: Block | null; nB: number; bB: Block | null; gen: number;
  /** Executions so far; at FUSE_AFTER the block gets a fused function. */
  hot: number;
  /** Ends at a conditional branch it could continue past: growBlock may rebuild it as a superblock. */
  canGrow: boolean;
  /** Indices of side-exit ops (conditional branches before the last op); `exits` is their number. */
  exitIdx: number[];
  exits: number;
  /**
   * All ops called in one generated function (each call site monomorphic, so V8 can inline the closures).
   * Returns the number of ops run (fewer than ops.length when a side exit was taken).
   */
  fused: ((c: Cpu) => number) | null;
  /** The last instruction is a direct branch back to the block's own start (a one-block loop, common in Go). */
  selfLoop: boolean;
  /**
   * For a self loop (without a breakpoint mark): the fused body repeated while it branches back to its start and a
   * whole iteration fits in `max` instructions. Returns the instructions run (also left in c.loopDone, with
   * c.faultIdx, when an op faults). Saves the run loop's dispatch per iteration and lets V8 optimise the loop.
   */
  loop: ((c: Cpu, max: number) => number) | null;
}

/**
 * Executions after which a block is fused (cold code never pays for compiling). A generated function starts
 * unoptimised too, and pays off only once V8 optimises it; Go's start-up runs most blocks fewer times than this:
 * 512 rather than 64 made hello world ~7% faster and long runs no slower (bench/cpu, bench/go compute).
 */
export const FUSE_AFTER = 512;

/**
 * The straight-line body of a block's generated function. RIP is set to the fall-through address of each segment
 * (the ops up to a side exit, or to the end) before it runs, as the run loop does; after a side exit's op, RIP
 * away from the next instruction means the branch was taken: `exit(k)` is emitted with k = ops run. The index of
 * the running op is kept in `i` for precise faults.
 */
function body(b: Block, exit: (k: number) => string): string {
  const n = b.ops.length;
  const segEnd = (k: number) => { for (const x of b.exitIdx) if (x >= k) return b.addrs[x + 1]; return b.next; };
  let s = `c.rip = ${segEnd(0)}; i = 0; o0(c);`;
  for (let k = 1; k < n; k++) {
    if (b.exitIdx.includes(k - 1)) s += ` if (c.rip !== ${b.addrs[k]}) { ${exit(k)} } c.rip = ${segEnd(k)};`;
    s += ` i = ${k}; o${k}(c);`;
  }
  return s;
}

/**
 * One generated function per block calling its ops in sequence. A fault leaves the index of the faulting op
 * in c.faultIdx. Each block gets its own function literal (own feedback), which is the point.
 */
export function fuse(b: Block): (c: Cpu) => number {
  const n = b.ops.length;
  const names = b.ops.map((_, k) => 'o' + k);
  const src = `return function fused(c) { let i = 0; try { ${body(b, k => `return ${k};`)} } catch (e) { c.faultIdx = i; throw e; } return ${n}; };`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function(...names, src) as (...ops: Op[]) => (c: Cpu) => number;
  return factory(...b.ops);
}

/**
 * The self-loop form of a block (see Block.loop). The loop ends when the final branch falls through, a side exit
 * is taken, the next iteration would not fit in the budget, or decoded code was invalidated (a write to a code
 * page: the next iteration must be decoded again).
 */
export function fuseLoop(b: Block, start: number): (c: Cpu, max: number) => number {
  const n = b.ops.length;
  const names = b.ops.map((_, k) => 'o' + k);
  const src = `return function loop(c, max) { const g = G.v; let t = 0, i = 0; try { for (;;) { ${body(b, k => `t += ${k}; return t;`)}` +
    ` t += ${n}; if (c.rip !== ${start} || t + ${n} > max || G.v !== g) break; } } catch (e) { c.faultIdx = i; c.loopDone = t; throw e; } return t; };`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function('G', ...names, src) as (g: { v: number }, ...ops: Op[]) => (c: Cpu, max: number) => number;
  return factory(CODE_GEN, ...b.ops);
}

const MAX_BLOCK = 48;
/** Bytes of code a block may start instructions in (48 instructions rarely need more). */
const WINDOW = 240;
/** The Instruction iced decodes into (made on first use: a run served by the decode cache never loads iced). */
let scratch: Instruction | null = null;

/**
 * Makes iced-x86 ready now (its WebAssembly compiled, the layout of its Instruction checked), for a run that will
 * decode with it: at start-up the files read so far lie in one buffer whose pages are in memory already
 * (boot/readOnce.ts), and iced's module is read there instead of into fresh memory (~370 page faults).
 */
export function prepareDecoder(): void {
  scratch ??= new Instruction();
  readsMemory();
}
const NO_EXITS: number[] = [];
const NO_OP: Op = () => {};
/** A block's ops and addresses are collected here and copied out at their final length (no growing arrays). */
const opsScratch: Op[] = Array.from({ length: MAX_BLOCK }, () => NO_OP);
const addrsScratch: number[] = Array.from({ length: MAX_BLOCK }, () => 0);
/**
 * An instruction that runs into the next page: its bytes on both pages (fewer than 15 on this one, then 15 from the
 * next) are put together here; the Decoder copies them again.
 */
const windowBuf = new Uint8Array(15 + 15);

export function getBlock(c: Cpu, rip: number): Block {
  const mem = c.memory;
  const buf = mem.execPage(rip);
  const pn = Math.floor(rip / PAGE_SIZE);
  const off = rip - pn * PAGE_SIZE;
  let code = buf.code as Map<number, Block> | null;
  if (code) {
    const b = code.get(off);
    if (b !== undefined) return b;
  } else {
    // a Map, not an array of PAGE_SIZE slots: a page holds a few dozen blocks (32 KiB per code page otherwise)
    code = new Map();
    buf.code = code;
    mem.noteCode(pn);
  }
  const b = buildBlock(c, rip, buf, pn, off, false);
  code.set(off, b);
  return b;
}

/**
 * One Decoder per code page, over the page's bytes, for the pages decoded most recently. Making a Decoder per block
 * (a copy of its bytes into wasm, a registration with the glue's FinalizationRegistry, five calls into wasm) cost
 * more than decoding the block's instructions. Not one for every code page: each holds a copy of its page in iced's
 * wasm memory, and a freed Decoder's memory is reused by the next (fresh pages cost ~15 µs each to touch on the VMs
 * we measured). Go hello world decodes 122 code pages: keeping all grew wasm memory from 1.44 to 2.29 MB; keeping
 * 32, to 1.90 MB with 227 Decoders made (8: 1.77 MB, but 412 made).
 */
export const PAGE_DECODERS = 32;
/** Most recent last; `code` is the page's block Map (writing the page drops it, and with it the key). */
const pageDecoders: { code: object; dec: Decoder }[] = [];

function pageDecoder(buf: PageBuf): Decoder {
  const code = buf.code!;
  const n = pageDecoders.length;
  for (let i = n - 1; i >= 0; i--) {
    const e = pageDecoders[i];
    if (e.code !== code) continue;
    if (i !== n - 1) { pageDecoders.splice(i, 1); pageDecoders.push(e); }
    return e.dec;
  }
  if (n >= PAGE_DECODERS) pageDecoders.shift()!.dec.free();
  const dec = new Decoder(64, buf.data, DecoderOptions.None);
  pageDecoders.push({ code, dec });
  return dec;
}

/**
 * A block that got hot and ended at a conditional branch is rebuilt in place as a superblock (continuing past its
 * side exits). Cold code stays in short blocks, so start-up does not translate fall-through paths it never runs.
 */
export function growBlock(c: Cpu, b: Block): void {
  if (!b.canGrow) return;
  b.canGrow = false;
  const rip = b.addrs[0];
  let buf: PageBuf;
  try { buf = c.memory.execPage(rip); } catch { return; }
  const pn = Math.floor(rip / PAGE_SIZE);
  let g: Block;
  try { g = buildBlock(c, rip, buf, pn, rip - pn * PAGE_SIZE, true); } catch { return; }
  b.ops = g.ops; b.addrs = g.addrs; b.next = g.next; b.exitIdx = g.exitIdx; b.exits = g.exits; b.selfLoop = g.selfLoop;
  b.nA = -1; b.bA = null; b.nB = -1; b.bB = null;
}

/**
 * Blocks decode from their page's Decoder, over the page's bytes. Only an instruction that runs past the page's end
 * needs bytes of the next page: a block ends before one, and a block that starts with one is decoded from a window
 * of both pages with a Decoder of its own (a window for every block starting in a page's last 255 bytes made Go
 * hello world create 241 Decoders besides its 227 page Decoders; now ~20).
 */
function buildBlock(c: Cpu, rip: number, buf: PageBuf, pn: number, off: number, superblock: boolean): Block {
  return decodeBlock(c, rip, buf, pn, off, superblock, false) ?? decodeBlock(c, rip, buf, pn, off, superblock, true)!;
}

/**
 * The block at rip, or (not `windowed`) null when its first instruction runs past the page's end. Instructions come
 * from the Memory's decode cache when it has them (bytes checked), else from iced; what iced decodes is added to it.
 */
function decodeBlock(c: Cpu, rip: number, buf: PageBuf, pn: number, off: number, superblock: boolean, windowed: boolean): Block | null {
  const mem = c.memory;
  const store = mem.decoded;
  const pageEnd = (pn + 1) * PAGE_SIZE;
  // Instructions must start before `limit` (a window, not the whole rest of the page).
  const limit = Math.min(pageEnd, rip + WINDOW);
  let nextBuf: PageBuf | null = null;
  // bytes[start] is the byte at rip: the page itself, or a window of both pages
  let bytes: Uint8Array, start: number;
  if (windowed) {
    try { nextBuf = mem.execPage(pageEnd); } catch { nextBuf = null; }
    const inPage = PAGE_SIZE - off;
    if (nextBuf) {
      bytes = windowBuf.subarray(0, inPage + 15);
      bytes.set(buf.data.subarray(off));
      bytes.set(nextBuf.data.subarray(0, 15), inPage);
    } else {
      bytes = buf.data.subarray(off); // the Decoder copies what it is given
    }
    start = 0;
  } else {
    bytes = buf.data; start = off;
  }
  // iced's Decoder, made at the first instruction the store does not have: one of its own (freed at the end) for a
  // window or for a page whose blocks were dropped since (growBlock), else the page's. `decNext`: where it is.
  const own = windowed || !buf.code;
  const cut = !(windowed && nextBuf !== null);
  let dec: Decoder | null = null, decNext = -1;
  const ops = opsScratch, addrs = addrsScratch;
  let n = 0; // instructions so far
  let next = rip, lastTarget = -1, lastBranch = -1, canGrow = false;
  // only a superblock has side exits: other blocks share one empty list (never written)
  const exitIdx: number[] = superblock ? [] : NO_EXITS;
  try {
    while (n < MAX_BLOCK) {
      const pos = start + next - rip; // not dec.position: every read of the decoder is a call into wasm
      const addr = next;
      if (addr >= limit) break;
      if (n > 0 && mem.marks.has(addr)) break;
      const k = store !== null ? store.find(addr, bytes, pos) : -1;
      let insn: Insn = null, t: Translated | undefined, op: Op | undefined;
      // not in a window of both pages, an instruction may run past the bytes at hand (a window holds 15 of the next)
      let runsPast = cut && k === RUNS_PAST;
      if (k >= 0) {
        store!.use(k);
        op = store!.opOf(k);
        if (op === undefined) {
          t = translate(null, addr, bytes, pos, false);
          if (t.shared) store!.setOp(k, t.op);
        }
      } else if (!runsPast) {
        if (dec === null) dec = own ? new Decoder(64, bytes, DecoderOptions.None) : pageDecoder(buf);
        if (decNext !== addr) { dec.position = pos; dec.ip = BigInt(addr); }
        insn = scratch ??= new Instruction();
        dec.decodeOut(insn);
        nextInsn(insn);
        t = translate(insn, addr, bytes, pos);
        runsPast = cut && t.ud === true && insnCode(insn) === CODE_INVALID && dec.lastError === DE.NoMoreBytes;
        decNext = addr + insnLength(insn);
        if (store !== null) store.add(insn, addr, bytes, pos, insnLength(insn), t.shared ? t.key : null);
      }
      if (runsPast) {
        // The instruction runs past the page's end (iced ran out of bytes, or the store's record needs more): the
        // block ends before it, or it is decoded from a window; when the next page may not be executed, fault on
        // that page when we get there.
        if (n > 0) break;
        if (!windowed) return null;
        throw new PageFault(pageEnd, 'exec', mem.protOf(pageEnd) >= 0);
      }
      const len = insnLength(insn); // translate() read the instruction: its fields are at hand
      if (addr + len > pageEnd && nextBuf) nextBuf.crossInto = true;
      ops[n] = op ?? t!.op; addrs[n] = addr; n++;
      next = addr + len;
      // translate() ends the block at every control-flow instruction (and #UD): only then is the flow asked for
      // (a shared op never does)
      if (op === undefined && t!.end) {
        const fc = flowControl(insn);
        const direct = (fc === FC.ConditionalBranch || fc === FC.UnconditionalBranch) && !t!.ud && opKind(insn, 0) === OK.NearBranch64;
        // A conditional branch continues the block at its fall-through (a side exit) while there is room, except
        // one back to the block's start: that closes a loop (Block.loop).
        if (direct) { lastTarget = branchTarget(insn); lastBranch = n - 1; }
        if (direct && fc === FC.ConditionalBranch && lastTarget !== rip && n < MAX_BLOCK && next < limit) {
          if (!superblock) { canGrow = true; break; }
          exitIdx.push(n - 1);
          continue;
        }
        break;
      }
    }
  } finally {
    if (own && dec !== null) dec.free();
  }
  // The block may have stopped right after a side exit (breakpoint mark, end of the bytes): then it is the end.
  if (exitIdx.length > 0 && exitIdx[exitIdx.length - 1] === n - 1) exitIdx.pop();
  const selfLoop = lastBranch >= 0 && lastBranch === n - 1 && lastTarget === rip;
  const blockOps = ops.slice(0, n), blockAddrs = addrs.slice(0, n);
  ops.fill(NO_OP, 0, n); // the scratch keeps no closures alive
  return {
    ops: blockOps, addrs: blockAddrs, next, bp: mem.marks.has(rip), nA: -1, bA: null, nB: -1, bB: null, gen: -1, hot: 0, fused: null,
    selfLoop, loop: null, exitIdx, exits: exitIdx.length, canGrow,
  };
}
