// The assembler driver: preprocess and parse every file, collect functions and data symbols, lower function
// bodies (Go's frame prologue/epilogue, FP and pseudo-SP offsets, branch targets), then lay out the text
// (layout.ts), place the data sections and link a static ELF64 executable with symbols and a line table.
// Encoding choice for one instruction lives in instruction.ts.
import { Preprocessor } from './preprocess';
import { parseTokens, Statement, Operand, Pos, MemRef } from './parser';
import { LOperand, encodeAt, Resolver, SymRef, BranchTarget } from './encode';
import { lookupRegister, RegDesc } from './registers';
import { symbolKey, displayName, dotted } from './symbols';
import { writeElf, ElfSymbol, PAGE } from './elf';
import { lowerInsn } from './instruction';
import { layoutText, nopPadding } from './layout';
import { alignUp, DataSym, DUPOK, Func, Item, NOFRAME, RODATA } from './program';
import type { AssembleOptions, AssembleResult, Diagnostic, FuncInfo, ImageSymbol, LineEntry, SourceFile, ImageSegment } from './types';

// textflag.h values used here.
const MAX_DIAGNOSTICS = 1000;

const BRANCH_OPS = /^(J[A-Z]*|CALL|LOOP[A-Z]*|XBEGIN)$/;
const PREFIXES: Record<string, number> = { LOCK: 0xf0, REP: 0xf3, REPE: 0xf3, REPZ: 0xf3, REPN: 0xf2, REPNE: 0xf2, REPNZ: 0xf2, XACQUIRE: 0xf2, XRELEASE: 0xf3 };
const RAW_SIZES: Record<string, number> = { BYTE: 1, WORD: 2, LONG: 4, QUAD: 8 };

class Assembly {
  readonly diags: Diagnostic[] = [];
  readonly funcs: Func[] = [];
  readonly funcByKey = new Map<string, Func>();
  readonly datas = new Map<string, DataSym>();
  readonly refs: { sym: SymRef; pos: Pos }[] = [];
  private readonly externs = new Map<string, number>();

  constructor(readonly opts: AssembleOptions) {
    for (const [k, v] of opts.externs ?? []) this.externs.set(dotted(k), v);
  }

  error(pos: Pos, message: string): void {
    if (this.diags.length < MAX_DIAGNOSTICS) this.diags.push({ file: pos.file, line: pos.line, col: pos.col, message });
  }

  // ---- collection ---------------------------------------------------------------------------------------

  collect(file: string, stmts: Statement[]): void {
    let fn: Func | undefined;
    for (const st of stmts) {
      if (st.op === 'TEXT') { fn = this.text(file, st); continue; }
      if (st.op === 'GLOBL') { this.globl(file, st); continue; }
      if (st.op === 'DATA') { this.data(file, st); continue; }
      if (!fn) {
        if (st.labels.length) this.error(st.labels[0].pos, `label ${st.labels[0].name} outside of a TEXT block`);
        if (st.op) this.error(st.opPos, `${st.op} outside of a TEXT block`);
        continue;
      }
      fn.body.push(st);
    }
  }

  private symOperand(st: Statement, o: Operand | undefined, what: string): MemRef | undefined {
    if (!o || o.kind !== 'mem' || o.mem.base !== 'SB' || !o.mem.sym || o.mem.index) {
      this.error(o?.pos ?? st.opPos, `${what}: expected sym(SB) as first operand`);
      return undefined;
    }
    return o.mem;
  }

  private constOperand(o: Operand | undefined, st: Statement, what: string): number | undefined {
    // Flags are written bare (NOSPLIT|NOFRAME), sizes with '$'.
    if (o && o.kind === 'mem' && o.mem.base === undefined && o.mem.sym === undefined && !o.mem.index) return Number(o.mem.offset);
    if (!o || o.kind !== 'imm') { this.error(o?.pos ?? st.opPos, `${what}: expected a $constant`); return undefined; }
    return Number(o.value);
  }

  private text(file: string, st: Statement): Func | undefined {
    const m = this.symOperand(st, st.operands[0], 'TEXT');
    if (!m) return undefined;
    let flags = 0, frame = 0, args: number | undefined;
    const rest = st.operands.slice(1);
    const fr = rest[rest.length - 1];
    if (rest.length === 2) {
      const f = this.constOperand(rest[0], st, 'TEXT flags (#include "textflag.h")');
      if (f !== undefined) flags = f;
    }
    if (rest.length > 2) this.error(rest[2].pos, 'TEXT: too many operands');
    if (!fr || fr.kind !== 'frame') {
      if (fr && fr.kind === 'imm') frame = Number(fr.value); // $frame without a '-' parses as an immediate
      else { this.error(fr?.pos ?? st.opPos, 'TEXT: expected $framesize[-argsize]'); return undefined; }
    } else {
      frame = Number(fr.frame);
      args = fr.args === undefined ? undefined : Number(fr.args);
    }
    if (frame < -8 || frame > 1 << 30) { this.error(fr!.pos, `TEXT: bad frame size ${frame}`); frame = 0; }
    if (args !== undefined && (args < 0 || args > 1 << 30)) { this.error(fr!.pos, `TEXT: bad argument size ${args}`); args = 0; }
    if (frame > 0 && frame % 8 !== 0) this.error(fr!.pos, `TEXT: frame size ${frame} is not a multiple of 8`);
    const key = symbolKey(m.sym!, !!m.local, file);
    const fn: Func = {
      name: m.sym!, display: displayName(m.sym!, !!m.local), key, local: !!m.local, pos: st.opPos, file,
      flags, frame: Math.max(frame, 0), args, body: [], labels: new Map(), items: [], addr: 0, size: 0,
      bpsize: 0, autoffset: 0, fpArgs: new Map(),
    };
    const prev = this.funcByKey.get(key);
    if (prev) {
      if (!(flags & DUPOK)) this.error(st.opPos, `duplicate symbol ${fn.display} (first defined at ${prev.file}:${prev.pos.line})`);
      return fn; // assembled for diagnostics but not linked
    }
    if (this.datas.has(key)) this.error(st.opPos, `symbol ${fn.display} is both data and text`);
    this.funcByKey.set(key, fn);
    this.funcs.push(fn);
    return fn;
  }

  private dataSym(file: string, m: MemRef, pos: Pos): DataSym {
    const key = symbolKey(m.sym!, !!m.local, file);
    let d = this.datas.get(key);
    if (!d) {
      d = { name: m.sym!, display: displayName(m.sym!, !!m.local), key, local: !!m.local, pos, file, size: 0, flags: 0,
        declared: false, bytes: new Uint8Array(0), relocs: [], hasData: false, addr: 0 };
      this.datas.set(key, d);
    }
    return d;
  }

  private globl(file: string, st: Statement): void {
    const m = this.symOperand(st, st.operands[0], 'GLOBL');
    if (!m) return;
    const ops = st.operands.slice(1);
    if (ops.length < 1 || ops.length > 2) { this.error(st.opPos, 'GLOBL: expected GLOBL sym(SB), [flags,] $size'); return; }
    const flags = ops.length === 2 ? this.constOperand(ops[0], st, 'GLOBL flags') ?? 0 : 0;
    const size = this.constOperand(ops[ops.length - 1], st, 'GLOBL size');
    if (size === undefined) return;
    if (size < 0 || size > 1 << 28) { this.error(ops[ops.length - 1].pos, `GLOBL: bad size ${size}`); return; }
    const d = this.dataSym(file, m, st.opPos);
    if (d.declared) { if (!(flags & DUPOK)) this.error(st.opPos, `duplicate GLOBL of ${d.display}`); return; }
    if (this.funcByKey.has(d.key)) this.error(st.opPos, `symbol ${d.display} is both data and text`);
    d.declared = true; d.size = size; d.flags = flags; d.pos = st.opPos;
    if (d.bytes.length > size) this.error(st.opPos, `GLOBL ${d.display}: DATA beyond its size ${size}`);
    const b = new Uint8Array(size); b.set(d.bytes.subarray(0, size)); d.bytes = b;
  }

  private data(file: string, st: Statement): void {
    const m = this.symOperand(st, st.operands[0], 'DATA');
    if (!m) return;
    const size = st.dataSize ?? 0;
    const val = st.operands[1];
    if (!val || st.operands.length !== 2) { this.error(st.opPos, 'DATA: expected DATA sym+off(SB)/size, $value'); return; }
    const off = Number(m.offset);
    if (!(size >= 1 && size <= 1 << 20) || off < 0 || off > 1 << 28) { this.error(st.opPos, `DATA: bad offset ${off} or size ${size}`); return; }
    const d = this.dataSym(file, m, st.opPos);
    d.hasData = true;
    if (d.declared && off + size > d.size) { this.error(st.opPos, `DATA ${d.display}+${off}/${size} beyond its GLOBL size ${d.size}`); return; }
    if (d.bytes.length < off + size) { const b = new Uint8Array(off + size); b.set(d.bytes); d.bytes = b; }
    const dv = new DataView(d.bytes.buffer, d.bytes.byteOffset, d.bytes.byteLength);
    switch (val.kind) {
      case 'imm': {
        if (![1, 2, 4, 8].includes(size)) { this.error(val.pos, `DATA: size ${size} for an integer (must be 1, 2, 4 or 8)`); return; }
        let v = BigInt.asUintN(64, val.value);
        for (let i = 0; i < size; i++) { d.bytes[off + i] = Number(v & 0xffn); v >>= 8n; }
        break;
      }
      case 'float':
        if (size === 8) dv.setFloat64(off, val.value, true);
        else if (size === 4) dv.setFloat32(off, val.value, true);
        else this.error(val.pos, `DATA: size ${size} for a floating-point value (must be 4 or 8)`);
        break;
      case 'string':
        if (val.value.length > size) { this.error(val.pos, `DATA: string longer (${val.value.length}) than its size ${size}`); return; }
        for (let i = 0; i < val.value.length; i++) d.bytes[off + i] = val.value.charCodeAt(i) & 0xff;
        break;
      case 'addr': {
        if (size !== 8 && size !== 4) { this.error(val.pos, `DATA: address size must be 4 or 8, not ${size}`); return; }
        const sym = this.ref(val.sym, val.local, val.pos.file, val.pos);
        d.relocs.push({ off, size, sym, add: val.offset, pos: val.pos });
        break;
      }
      default:
        this.error(val.pos, 'DATA: expected $constant, $"string", $float or $sym(SB)');
    }
  }

  ref(name: string, local: boolean, file: string, pos: Pos): SymRef {
    const r = { key: symbolKey(name, local, file), display: displayName(name, local) };
    this.refs.push({ sym: r, pos });
    return r;
  }

  // ---- lowering of function bodies -------------------------------------------------------------------------

  lowerFunc(fn: Func): void {
    const srcFirstItem: number[] = [];
    const insnStmts = fn.body.filter(st => st.op !== '');
    // Labels → index of the next source instruction.
    let n = 0;
    for (const st of fn.body) {
      for (const l of st.labels) {
        if (fn.labels.has(l.name)) this.error(l.pos, `label ${l.name} multiply defined`);
        else fn.labels.set(l.name, { index: n, pos: l.pos });
      }
      if (st.op !== '') n++;
    }
    const hasCall = insnStmts.some(st => st.op === 'CALL' || st.op === 'DUFFCOPY' || st.op === 'DUFFZERO');
    fn.bpsize = !(fn.flags & NOFRAME) && !(fn.frame === 0 && !hasCall) ? 8 : 0;
    fn.autoffset = fn.frame + fn.bpsize;
    const local = fn.frame;
    const SP: RegDesc = lookupRegister('SP')!, BP: RegDesc = lookupRegister('BP')!;
    let deltasp = 0;
    const pending: { item: Item; target: { stmt: number } | { label: string; pos: Pos } }[] = [];
    // SP relative to entry at each instruction, for the debugger's unwinder (Go's Spadj).
    let sp = 0;
    const spAdj = (op: string, ops: LOperand[]): number => {
      switch (op) {
        case 'PUSHQ': case 'PUSHFQ': return 8;
        case 'POPQ': case 'POPFQ': return -8;
        case 'PUSHW': case 'PUSHFW': return 2;
        case 'POPW': case 'POPFW': return -2;
        case 'SUBQ': case 'ADDQ': {
          const [a, b] = ops;
          if (a?.t === 'imm' && b?.t === 'reg' && b.reg.cls === 'gpr' && b.reg.num === 4) return Number(op === 'SUBQ' ? a.v : -a.v);
          return 0;
        }
        default: return 0;
      }
    };
    const push = (item: Item) => { item.sp = sp; fn.items.push(item); };
    const emit = (pos: Pos, op: string, ops: LOperand[], branchLabel?: { stmt: number } | { label: string; pos: Pos }) => {
      const item = lowerInsn(pos, op, ops, (p, m) => this.error(p, m));
      if (item) {
        push(item);
        if (branchLabel) pending.push({ item, target: branchLabel });
      }
      sp += spAdj(op, ops);
    };
    // Prologue (Go 1.23 obj6.go): PUSHQ BP; MOVQ SP, BP; SUBQ $frame, SP. The stack-split check is not emitted.
    if (fn.bpsize) {
      emit(fn.pos, 'PUSHQ', [{ t: 'reg', reg: BP }]);
      emit(fn.pos, 'MOVQ', [{ t: 'reg', reg: SP }, { t: 'reg', reg: BP }]);
    }
    if (local) emit(fn.pos, 'SUBQ', [{ t: 'imm', v: BigInt(local) }, { t: 'reg', reg: SP }]);
    deltasp = fn.autoffset;
    sp = fn.autoffset;
    let si = 0;
    for (const st of insnStmts) {
      srcFirstItem[si] = fn.items.length;
      const ctx = { fn, deltasp, stmtIndex: si };
      si++;
      const op = st.op;
      if (op === 'NOP' || op === 'FUNCDATA' || op === 'PCDATA') continue;
      if (op === 'PCALIGN') {
        const a = st.operands[0];
        if (!a || a.kind !== 'imm' || a.value < 1n || a.value > 64n || (a.value & (a.value - 1n)) !== 0n) { this.error(a?.pos ?? st.opPos, 'PCALIGN: expected a power of two between 1 and 64'); continue; }
        push({ kind: 'align', pos: st.opPos, align: Number(a.value), addr: 0, size: 0, sp: 0 });
        continue;
      }
      if (PREFIXES[op] !== undefined) {
        if (st.operands.length) { this.error(st.opPos, `${op} takes no operands (write ${op}; INSTRUCTION)`); continue; }
        push({ kind: 'raw', pos: st.opPos, raw: Uint8Array.of(PREFIXES[op]), addr: 0, size: 1, sp: 0, prefix: true });
        continue;
      }
      if (RAW_SIZES[op] !== undefined) {
        const a = st.operands[0];
        if (st.operands.length !== 1 || !a || a.kind !== 'imm') { this.error(st.opPos, `${op}: expected one $constant`); continue; }
        const sz = RAW_SIZES[op];
        const b = new Uint8Array(sz);
        let v = BigInt.asUintN(64, a.value);
        for (let i = 0; i < sz; i++) { b[i] = Number(v & 0xffn); v >>= 8n; }
        push({ kind: 'raw', pos: st.opPos, raw: b, addr: 0, size: sz, sp: 0 });
        continue;
      }
      if (op === 'ADJSP') {
        const a = st.operands[0];
        if (!a || a.kind !== 'imm' || st.operands.length !== 1) { this.error(st.opPos, 'ADJSP: expected $constant'); continue; }
        const v = a.value;
        emit(st.opPos, v >= 0n ? 'SUBQ' : 'ADDQ', [{ t: 'imm', v: v >= 0n ? v : -v }, { t: 'reg', reg: SP }]);
        deltasp += Number(v);
        continue;
      }
      // MOVQ TLS, reg: with local-exec TLS the base is implicit in FS (0(reg)(TLS*1) becomes -8(FS)); no code.
      if (op === 'MOVQ' && st.operands.length === 2 && st.operands[0].kind === 'reg' && st.operands[0].reg.cls === 'tls') continue;
      // RET sym(SB): tear the frame down and jump to sym (a tail call), as Go's retjmp.
      const retjmp = op === 'RET' && st.operands.length === 1 && st.operands[0].kind === 'mem' && st.operands[0].mem.base === 'SB';
      if ((op === 'RET' && st.operands.length === 0) || retjmp) {
        if (deltasp !== fn.autoffset) this.error(st.opPos, `${fn.display}: unbalanced PUSH/POP`);
        if (fn.autoffset) {
          if (local) emit(st.opPos, 'ADDQ', [{ t: 'imm', v: BigInt(local) }, { t: 'reg', reg: SP }]);
          if (fn.bpsize) emit(st.opPos, 'POPQ', [{ t: 'reg', reg: BP }]);
        }
        if (retjmp) {
          const lo = this.lowerOperand(st.operands[0], 'JMP', true, ctx);
          if (lo && 't' in lo) emit(st.opPos, 'JMP', [lo]);
        } else emit(st.opPos, 'RET', []);
        deltasp = fn.autoffset;
        sp = fn.autoffset; // code after a RET is reached by a branch from inside the frame
        continue;
      }
      // Operands.
      const isBranch = BRANCH_OPS.test(op);
      const ops: LOperand[] = [];
      let branchTarget: { stmt: number } | { label: string; pos: Pos } | undefined;
      let bad = false;
      for (const o of st.operands) {
        const lo = this.lowerOperand(o, op, isBranch, ctx);
        if (!lo) { bad = true; continue; }
        if ('pendingLabel' in lo) { branchTarget = { label: lo.pendingLabel, pos: o.pos }; ops.push({ t: 'branch', target: { kind: 'item', index: -1 } }); }
        else if ('pendingStmt' in lo) { branchTarget = { stmt: lo.pendingStmt }; ops.push({ t: 'branch', target: { kind: 'item', index: -1 } }); }
        else ops.push(lo);
      }
      if (bad) continue;
      emit(st.opPos, op, ops, branchTarget);
      // Record FP argument sizes from the chosen encoding.
      const last = fn.items[fn.items.length - 1];
      for (const o of st.operands) {
        if (o.kind === 'mem' && o.mem.base === 'FP' && o.mem.sym) {
          const a = fn.fpArgs.get(o.mem.sym);
          const size = last?.chosen ? Math.max(1, (last.chosen.ci.size || 64) / 8) : 8;
          if (!a) fn.fpArgs.set(o.mem.sym, { name: o.mem.sym, offset: Number(o.mem.offset), size });
        }
      }
      switch (op) {
        case 'PUSHQ': case 'PUSHFQ': deltasp += 8; break;
        case 'POPQ': case 'POPFQ': deltasp -= 8; break;
        case 'PUSHW': case 'PUSHFW': deltasp += 2; break;
        case 'POPW': case 'POPFW': deltasp -= 2; break;
        case 'PUSHL': case 'PUSHFL': deltasp += 4; break;
        case 'POPL': case 'POPFL': deltasp -= 4; break;
      }
    }
    srcFirstItem[si] = fn.items.length;
    // Resolve label and n(PC) targets to item indexes.
    for (const p of pending) {
      let stmt: number;
      if ('label' in p.target) {
        const l = fn.labels.get(p.target.label);
        if (!l) { this.error(p.target.pos, `undefined label ${p.target.label}`); continue; }
        stmt = l.index;
      } else stmt = p.target.stmt;
      if (stmt < 0 || stmt > si) { this.error(p.item.pos, 'branch target out of range'); continue; }
      const index = srcFirstItem[stmt];
      for (const m of [p.item.chosen, p.item.short, p.item.near]) {
        if (!m) continue;
        for (const o of m.ops) if (o.t === 'b') (o as { target: BranchTarget }).target = { kind: 'item', index };
      }
    }
    // A branch to an unconditional JMP goes straight to that JMP's target (Go's brloop in obj/pass.go).
    const jumpTarget = (i: number): number | undefined => {
      const it = fn.items[i];
      const m = it?.chosen;
      if (!m || m.ci.mnemonic !== 'JMP') return undefined;
      const b = m.ops.find(o => o.t === 'b') as { target: BranchTarget } | undefined;
      return b && b.target.kind === 'item' && b.target.index >= 0 ? b.target.index : undefined;
    };
    for (const p of pending) {
      for (const m of [p.item.chosen, p.item.short, p.item.near]) {
        if (!m) continue;
        for (const o of m.ops) {
          if (o.t !== 'b') continue;
          const t = (o as { target: BranchTarget }).target;
          if (t.kind !== 'item' || t.index < 0) continue;
          let index = t.index;
          for (let n = 0; n < 5000; n++) { const next = jumpTarget(index); if (next === undefined || next === index) break; index = next; }
          (o as { target: BranchTarget }).target = { kind: 'item', index };
        }
      }
    }
  }

  private lowerOperand(o: Operand, op: string, isBranch: boolean, ctx: { fn: Func; deltasp: number; stmtIndex: number }):
    LOperand | { pendingLabel: string } | { pendingStmt: number } | undefined {
    const fn = ctx.fn;
    switch (o.kind) {
      case 'reg':
        if (o.reg.cls === 'tls') { this.error(o.pos, 'TLS can only be used as MOVQ TLS, reg or in n(reg)(TLS*1)'); return undefined; }
        return { t: 'reg', reg: o.reg };
      case 'imm': return { t: 'imm', v: o.value };
      case 'addr': {
        const sym = this.ref(o.sym, o.local, o.pos.file, o.pos);
        // An extern at or above 2 GiB needs the 64-bit immediate form (MOVQ $sym(SB), reg → MOV r64, imm64).
        const ext = this.funcByKey.has(sym.key) || this.datas.has(sym.key) ? undefined : this.externs.get(sym.key);
        return { t: 'addr', sym, add: o.offset, wide: ext !== undefined && ext + Number(o.offset) >= 0x80000000 };
      }
      case 'float': return this.floatConstant(o.value, op, o.pos);
      case 'string': this.error(o.pos, 'string constant only allowed in DATA'); return undefined;
      case 'frame': this.error(o.pos, 'unexpected $frame-args operand'); return undefined;
      case 'label':
        if (!isBranch) { this.error(o.pos, `${o.name}: symbol must be written ${o.name}(SB)`); return undefined; }
        return { pendingLabel: o.name };
      case 'mem': {
        const m = o.mem;
        // CMPPS X1, X0, 4: the predicate may be written without '$'.
        if (/^CMP(PS|PD|SS|SD)$/.test(op) && m.base === undefined && m.sym === undefined && !m.index) return { t: 'imm', v: m.offset };
        if (m.base === 'PC') {
          if (!isBranch) { this.error(o.pos, 'n(PC) is only allowed as a branch target'); return undefined; }
          return { pendingStmt: ctx.stmtIndex + Number(m.offset) };
        }
        if (m.base === 'SB') {
          const sym = this.ref(m.sym ?? '', !!m.local, o.pos.file, o.pos);
          if (!m.sym) { this.error(o.pos, '(SB) needs a symbol name'); return undefined; }
          if (isBranch && !m.index) {
            const far = this.farExtern(sym, m.offset, op, o.pos);
            if (far) return far;
            return { t: 'branch', target: { kind: 'sym', sym, add: m.offset } };
          }
          return { t: 'mem', sym, disp: m.offset, index: m.index, scale: m.scale ?? 1 };
        }
        if (m.base === 'FP') return { t: 'mem', base: lookupRegister('SP')!, disp: m.offset + BigInt(ctx.deltasp + 8), index: m.index, scale: m.scale ?? 1 };
        if (m.base === 'PSP') return { t: 'mem', base: lookupRegister('SP')!, disp: m.offset + BigInt(ctx.deltasp - fn.bpsize), index: m.index, scale: m.scale ?? 1 };
        if (m.base === 'TLS') return { t: 'mem', tls: true, disp: m.offset - 8n, scale: 1 };
        if (m.base === undefined && m.sym !== undefined) {
          if (isBranch) return { pendingLabel: m.sym };
          this.error(o.pos, `${m.sym}: symbol must be written ${m.sym}(SB)`);
          return undefined;
        }
        const seg = m.segment ? (m.segment.num === 4 ? 75 /* FS */ : m.segment.num === 5 ? 76 /* GS */ : undefined) : undefined;
        if (m.segment && seg === undefined) { this.error(o.pos, `segment ${m.segment.name} override not supported`); return undefined; }
        return { t: 'mem', base: m.base as RegDesc | undefined, index: m.index, scale: m.scale ?? 1, disp: m.offset, seg };
      }
    }
  }

  /**
   * A CALL/JMP to an extern more than 2 GiB away from the text (a native region placed high) cannot use rel32:
   * it goes through an 8-byte read-only slot holding the address (`CALL *slot(SB)`), as a linker's GOT would.
   */
  private farExtern(sym: SymRef, add: bigint, op: string, pos: Pos): LOperand | undefined {
    const addr = this.externs.get(sym.key);
    if (addr === undefined || this.funcByKey.has(sym.key) || this.datas.has(sym.key)) return undefined;
    const text = this.opts.textAddr ?? 0x401000;
    if (Math.abs(addr + Number(add) - text) < 0x40000000) return undefined;
    if (op !== 'CALL' && op !== 'JMP') { this.error(pos, `${op}: ${sym.display} at 0x${addr.toString(16)} is out of reach of a relative branch (place externs within 1 GiB of the text, or CALL it)`); return undefined; }
    const name = `${sym.display}+${add}·far`;
    const key = symbolKey(name, true, '<far>');
    if (!this.datas.has(key)) {
      this.datas.set(key, { name, display: name, key, local: true, pos, file: '<far>', size: 8, flags: RODATA | DUPOK,
        declared: true, bytes: new Uint8Array(8), relocs: [{ off: 0, size: 8, sym, add, pos }], hasData: true, addr: 0 });
    }
    const slot = { key, display: name };
    return { t: 'mem', sym: slot, disp: 0n, scale: 1 };
  }

  /**
   * `MOVSD $(1.5), X0`: as Go's obj6.go does, a float constant becomes a read-only `$f64.<bits>` (or `$f32.` for
   * the single-precision instructions) symbol and the operand a reference to it.
   */
  private floatConstant(v: number, op: string, pos: Pos): LOperand | undefined {
    if (!/^(MOVSS|ADDSS|SUBSS|MULSS|DIVSS|COMISS|UCOMISS|MOVSD|ADDSD|SUBSD|MULSD|DIVSD|COMISD|UCOMISD)$/.test(op)) {
      this.error(pos, `${op}: floating-point constant not allowed (only in MOVSS/MOVSD and SSE scalar arithmetic)`);
      return undefined;
    }
    const single = op.endsWith('SS');
    const b = new Uint8Array(single ? 4 : 8);
    const dv = new DataView(b.buffer);
    if (single) dv.setFloat32(0, v, true); else dv.setFloat64(0, v, true);
    const bits = single ? dv.getUint32(0, true).toString(16).padStart(8, '0') : dv.getBigUint64(0, true).toString(16).padStart(16, '0');
    const name = `$f${single ? 32 : 64}.${bits}`;
    const key = symbolKey(name, false, pos.file);
    if (!this.datas.has(key)) {
      this.datas.set(key, { name, display: name, key, local: false, pos, file: pos.file, size: b.length, flags: RODATA | DUPOK,
        declared: true, bytes: b, relocs: [], hasData: true, addr: 0 });
    }
    return { t: 'mem', sym: this.ref(name, false, pos.file, pos), disp: 0n, scale: 1 };
  }

  // ---- layout and link -----------------------------------------------------------------------------------

  link(): AssembleResult {
    for (const fn of this.funcs) this.lowerFunc(fn);
    for (const d of this.datas.values()) {
      if (!d.declared) this.error(d.pos, `DATA for ${d.display} without GLOBL`);
      d.section = d.flags & RODATA ? 'rodata' : d.hasData ? 'data' : 'bss';
    }
    // Undefined symbols (reported before layout so every kind of error shows up in one pass).
    const defined = (key: string) => this.funcByKey.has(key) || (this.datas.get(key)?.declared ?? false) || this.externs.has(key);
    const reported = new Set<string>();
    for (const r of this.refs) {
      if (!defined(r.sym.key) && !reported.has(r.sym.key)) {
        reported.add(r.sym.key);
        this.error(r.pos, `undefined symbol ${r.sym.display}`);
      }
    }
    if (this.diags.length) return { ok: false, diagnostics: sortDiags(this.diags) };
    const textBase = this.opts.textAddr ?? 0x401000;
    const textEnd = layoutText(this.funcs, textBase, (p, m) => this.error(p, m));
    // Data sections on their own pages after the text.
    let addr = alignUp(textEnd, PAGE);
    const place = (sec: 'rodata' | 'data' | 'bss') => {
      const start = addr;
      for (const d of this.datas.values()) {
        if (d.section !== sec || !d.declared) continue;
        const al = d.size >= 8 ? 8 : d.size >= 4 ? 4 : d.size >= 2 ? 2 : 1;
        addr = alignUp(addr, al);
        d.addr = addr;
        addr += d.size;
      }
      return { start, end: addr };
    };
    const ro = place('rodata');
    if (ro.end > ro.start) addr = alignUp(addr, PAGE);
    const da = place('data');
    const bs = place('bss');
    if (addr > 0x7fff0000) this.error({ file: this.funcs[0]?.file ?? '<link>', line: 1, col: 1 }, 'image larger than 2 GiB');
    // Symbol table.
    const addrOf = new Map<string, number>();
    for (const fn of this.funcs) addrOf.set(fn.key, fn.addr);
    for (const d of this.datas.values()) if (d.declared) addrOf.set(d.key, d.addr);
    const resolveSym = (r: SymRef) => addrOf.get(r.key) ?? this.externs.get(r.key);
    if (this.diags.length) return { ok: false, diagnostics: sortDiags(this.diags) };
    // Encode text.
    const text = new Uint8Array(textEnd - textBase).fill(0xcc);
    const lines: LineEntry[] = [];
    for (const fn of this.funcs) {
      let prefixStart: number | undefined;
      const res: Resolver = {
        sym: r => resolveSym(r) ?? 0,
        item: i => i < fn.items.length ? fn.items[i].addr : fn.addr + fn.size,
      };
      for (const it of fn.items) {
        let bytes: Uint8Array | string;
        if (it.kind === 'raw') bytes = it.raw!;
        else if (it.kind === 'align') bytes = nopPadding(it.size);
        else bytes = encodeAt(it.chosen!, it.addr, res);
        if (typeof bytes === 'string') {
          this.error(it.pos, /too far away/.test(bytes) ? `target out of reach of a 32-bit displacement (a symbol more than 2 GiB from the instruction): ${bytes}` : bytes);
          continue;
        }
        if (bytes.length !== it.size) { this.error(it.pos, `internal error: encoding changed size (${it.size} → ${bytes.length})`); continue; }
        text.set(bytes, it.addr - textBase);
        if (it.prefix) { prefixStart ??= it.addr; continue; }
        if (it.size > 0) {
          const start = prefixStart ?? it.addr;
          lines.push({ addr: start, size: it.addr + it.size - start, file: it.pos.file, line: it.pos.line, spDelta: it.sp });
        }
        prefixStart = undefined;
      }
    }
    const mkData = (r: { start: number; end: number }, sec: 'rodata' | 'data') => {
      const b = new Uint8Array(r.end - r.start);
      for (const d of this.datas.values()) {
        if (d.section !== sec || !d.declared) continue;
        b.set(d.bytes.subarray(0, d.size), d.addr - r.start);
        for (const rl of d.relocs) {
          const v = BigInt(resolveSym(rl.sym) ?? 0) + rl.add;
          const dv = new DataView(b.buffer, d.addr - r.start + rl.off, rl.size);
          if (rl.size === 8) dv.setBigUint64(0, BigInt.asUintN(64, v), true);
          else if (v >= 0n && v < 1n << 32n) dv.setUint32(0, Number(v), true);
          else this.error(rl.pos, `DATA: address of ${rl.sym.display} does not fit in 4 bytes`);
        }
      }
      return b;
    };
    const roBytes = mkData(ro, 'rodata');
    const daBytes = mkData(da, 'data');
    if (this.diags.length) return { ok: false, diagnostics: sortDiags(this.diags) };

    const symbols: ImageSymbol[] = [];
    const elfSyms: ElfSymbol[] = [];
    for (const fn of this.funcs) {
      symbols.push({ name: fn.display, addr: fn.addr, size: fn.size, kind: 'text' });
      elfSyms.push({ name: dotted(fn.name) + (fn.local ? '<>' : ''), addr: fn.addr, size: fn.size, func: true, local: fn.local, section: '.text' });
    }
    for (const d of this.datas.values()) {
      if (!d.declared) continue;
      symbols.push({ name: d.display, addr: d.addr, size: d.size, kind: d.section! });
      elfSyms.push({ name: dotted(d.name) + (d.local ? '<>' : ''), addr: d.addr, size: d.size, func: false, local: d.local, section: `.${d.section!}` as '.rodata' });
    }
    const functions: FuncInfo[] = this.funcs.map(fn => ({
      name: fn.display, addr: fn.addr, size: fn.size, frameSize: fn.frame, argsSize: fn.args ?? 0, flags: fn.flags,
      file: fn.file, line: fn.pos.line, args: [...fn.fpArgs.values()].sort((a, b) => a.offset - b.offset), spAdjust: fn.autoffset,
    }));
    const entryName = this.opts.entry;
    let entry: number | undefined;
    if (entryName) {
      entry = addrOf.get(dotted(entryName));
      if (entry === undefined) return { ok: false, diagnostics: [{ file: '<link>', line: 0, col: 0, message: `entry symbol ${entryName} not defined` }] };
    } else {
      for (const n of ['_rt0_amd64_linux', '_start', 'main.main']) { entry = addrOf.get(n); if (entry !== undefined) break; }
    }
    entry ??= textBase;
    const elf = writeElf([
      { name: '.text', addr: textBase, bytes: text, size: text.length },
      { name: '.rodata', addr: ro.start, bytes: roBytes, size: roBytes.length },
      { name: '.data', addr: da.start, bytes: daBytes, size: daBytes.length },
      { name: '.bss', addr: bs.start, bytes: new Uint8Array(0), size: bs.end - bs.start },
    ], elfSyms, entry);
    const segments: ImageSegment[] = [{ name: 'text', vaddr: textBase, bytes: text, memSize: text.length, prot: 5 }];
    if (roBytes.length) segments.push({ name: 'rodata', vaddr: ro.start, bytes: roBytes, memSize: roBytes.length, prot: 1 });
    if (daBytes.length || bs.end > bs.start) {
      const start = daBytes.length ? da.start : bs.start;
      segments.push({ name: 'data', vaddr: start, bytes: daBytes, memSize: bs.end - start, prot: 3 });
    }
    lines.sort((a, b) => a.addr - b.addr);
    return { ok: true, diagnostics: [], image: { elf, entry, symbols, functions, lines, segments } };
  }
}

function sortDiags(d: Diagnostic[]): Diagnostic[] {
  const sorted = [...d].sort((a, b) => a.file === b.file ? (a.line - b.line || a.col - b.col) : a.file < b.file ? -1 : 1);
  if (sorted.length <= MAX_DIAGNOSTICS) return sorted;
  const last = sorted[MAX_DIAGNOSTICS - 1];
  return [...sorted.slice(0, MAX_DIAGNOSTICS), { file: last.file, line: last.line, col: last.col, message: `too many errors (${sorted.length}); stopping` }];
}

/** Assembles and links Go amd64 assembly files into a static ELF64 image. Never throws for bad input. */
export function assemble(files: SourceFile[], opts: AssembleOptions = {}): AssembleResult {
  try {
    const asm = new Assembly(opts);
    const mem = new Map(files.map(f => [f.path, f.text]));
    for (const f of files) {
      const pp = new Preprocessor({ includeDirs: opts.includeDirs, defines: opts.defines, files: mem });
      const toks = pp.run(f.path, f.text);
      for (const d of pp.diagnostics) asm.error(d, d.message);
      const stmts = parseTokens(toks, asm.diags);
      asm.collect(f.path, stmts);
    }
    if (asm.funcs.length === 0 && asm.diags.length === 0) asm.error({ file: files[0]?.path ?? '<input>', line: 1, col: 1 }, 'no TEXT symbols: nothing to link');
    return asm.link();
  } catch (e) {
    // A bug, not bad input: still never throw out of the public API.
    if (process.env.GOSYSCALL_ASM_DEBUG) throw e;
    const msg = e instanceof RangeError ? 'input too large or too deeply nested' : `internal error: ${(e as Error)?.message ?? e}`;
    return { ok: false, diagnostics: [{ file: files[0]?.path ?? '<input>', line: 0, col: 0, message: msg }] };
  }
}
