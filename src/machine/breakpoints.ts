// Breakpoints by kind (source line, function, instruction) resolved to addresses, with conditions, hit counts
// and log points; and the exception filters with their syscall conditions.
import { evaluate, hitConditionMet, validHitCondition, type EvalContext } from './expression';
import { DebugInfo, fileKey, normalizeSymbol } from './debugInfo';
import { syscallName, syscallNumber } from '../linux/sysnames';
import type { BreakpointResult, BreakpointSpec, ExceptionFilterId, FunctionBreakpointSpec, InstructionBreakpointSpec, StopReason } from './types';
import { EXCEPTION_FILTERS, hex } from './types';

interface Bp {
  id: number;
  kind: 'source' | 'function' | 'instruction';
  addrs: number[];
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
  hits: number;
}

export interface BreakpointHit { stop: boolean; ids: number[]; reason: StopReason; logs: string[] }

export class Breakpoints {
  private nextId = 1;
  private readonly bySource = new Map<string, Bp[]>();
  private fnBps: Bp[] = [];
  private insnBps: Bp[] = [];
  private index = new Map<number, Bp[]>();
  /** Remembered requests so a restart can re-apply them to a new program. */
  readonly requests = { sources: new Map<string, BreakpointSpec[]>(), functions: [] as FunctionBreakpointSpec[], instructions: [] as InstructionBreakpointSpec[] };

  constructor(private info: DebugInfo, private readonly isCode: (addr: number) => boolean) {}

  setSource(path: string, specs: BreakpointSpec[]): BreakpointResult[] {
    this.requests.sources.set(path, specs);
    const out: BreakpointResult[] = [];
    const bps: Bp[] = [];
    for (const s of specs) {
      const id = this.nextId++;
      const bad = checkSpec(s.condition, s.hitCondition);
      const r = this.info.resolveLine(path, s.line);
      if ('error' in r || bad) {
        out.push({ id, verified: false, message: bad ?? (r as { error: string }).error, line: s.line });
        continue;
      }
      bps.push({ id, kind: 'source', addrs: r.addrs, condition: s.condition, hitCondition: s.hitCondition, logMessage: s.logMessage, hits: 0 });
      out.push({ id, verified: true, line: r.line, source: path, instructionReference: hex(r.addrs[0]) });
    }
    this.bySource.set(fileKey(path), bps);
    this.reindex();
    return out;
  }

  setFunctions(specs: FunctionBreakpointSpec[]): BreakpointResult[] {
    this.requests.functions = specs;
    this.fnBps = [];
    const out: BreakpointResult[] = specs.map((s) => {
      const id = this.nextId++;
      const bad = checkSpec(s.condition, s.hitCondition);
      const sym = this.info.lookup(s.name);
      if (bad) return { id, verified: false, message: bad };
      if (!sym) return { id, verified: false, message: `no function ${s.name} (${normalizeSymbol(s.name)}) in this program` };
      if (!this.isCode(sym.addr)) return { id, verified: false, message: `${s.name} is not code (${hex(sym.addr)})` };
      // stop after the frame is set up? No: Go's debuggers stop at the entry for asm functions.
      this.fnBps.push({ id, kind: 'function', addrs: [sym.addr], condition: s.condition, hitCondition: s.hitCondition, hits: 0 });
      const line = this.info.lineAt(sym.addr);
      return { id, verified: true, instructionReference: hex(sym.addr), line: line?.line, source: line?.file };
    });
    this.reindex();
    return out;
  }

  setInstructions(specs: InstructionBreakpointSpec[]): BreakpointResult[] {
    this.requests.instructions = specs;
    this.insnBps = [];
    const out: BreakpointResult[] = specs.map((s) => {
      const id = this.nextId++;
      const base = /^(0x[0-9a-f]+|\d+)$/i.test(s.instructionReference.trim()) ? Number(s.instructionReference.trim()) : NaN;
      const bad = checkSpec(s.condition, s.hitCondition);
      if (bad) return { id, verified: false, message: bad };
      if (!Number.isSafeInteger(base)) return { id, verified: false, message: `bad instruction reference '${s.instructionReference}'` };
      const addr = base + (s.offset ?? 0);
      if (!this.isCode(addr)) return { id, verified: false, message: `${hex(addr)} is not in executable memory` };
      this.insnBps.push({ id, kind: 'instruction', addrs: [addr], condition: s.condition, hitCondition: s.hitCondition, hits: 0 });
      return { id, verified: true, instructionReference: hex(addr) };
    });
    this.reindex();
    return out;
  }

  private reindex(): void {
    this.index = new Map();
    for (const list of [...this.bySource.values(), this.fnBps, this.insnBps]) {
      for (const bp of list) for (const a of bp.addrs) {
        const l = this.index.get(a);
        if (l) l.push(bp); else this.index.set(a, [bp]);
      }
    }
  }

  addresses(): number[] { return [...this.index.keys()]; }
  has(addr: number): boolean { return this.index.has(addr); }

  /** A thread reached addr: count hits, evaluate conditions, format log points. */
  hit(addr: number, ctx: EvalContext): BreakpointHit {
    const res: BreakpointHit = { stop: false, ids: [], reason: 'breakpoint', logs: [] };
    for (const bp of this.index.get(addr) ?? []) {
      if (bp.condition && bp.condition.trim()) {
        try { if (evaluate(bp.condition, ctx).value === 0n) continue; } catch (e) {
          // a condition that cannot be evaluated stops (so the person sees why), as other debuggers do
          res.logs.push(`breakpoint ${bp.id}: condition '${bp.condition}' failed: ${(e as Error).message}\n`);
        }
      }
      bp.hits++;
      if (!hitConditionMet(bp.hitCondition, bp.hits)) continue;
      if (bp.logMessage !== undefined) { res.logs.push(interpolate(bp.logMessage, ctx) + '\n'); continue; }
      res.stop = true;
      res.ids.push(bp.id);
      if (bp.kind === 'function') res.reason = 'function breakpoint';
      else if (bp.kind === 'instruction' && res.reason === 'breakpoint') res.reason = 'instruction breakpoint';
    }
    return res;
  }

  /** Hit counters are part of the replayed state: reverse execution saves and restores them. */
  saveHits(): Map<number, number> {
    const m = new Map<number, number>();
    for (const list of this.index.values()) for (const bp of list) m.set(bp.id, bp.hits);
    return m;
  }
  restoreHits(m: Map<number, number>): void {
    for (const list of this.index.values()) for (const bp of list) bp.hits = m.get(bp.id) ?? 0;
  }
}

function checkSpec(condition?: string, hitCondition?: string): string | undefined {
  if (condition && condition.trim()) {
    try {
      // parse only: a context where every name resolves to 0 and memory reads succeed
      evaluate(condition, { register: () => 0n, symbol: () => 0, read: () => 0n, fp: () => 0 });
    } catch (e) { return `bad condition '${condition}': ${(e as Error).message}`; }
  }
  if (!validHitCondition(hitCondition)) return `bad hit count '${hitCondition}' (use N, >= N, == N or % N)`;
  return undefined;
}

/** Log point text: `{expr}` is replaced by the expression's value. */
export function interpolate(msg: string, ctx: EvalContext): string {
  return msg.replace(/\{([^}]+)\}/g, (_m, e: string) => {
    try { return hex(evaluate(e, ctx).value); } catch (err) { return `<${(err as Error).message}>`; }
  });
}

export interface FilterState {
  enabled: Set<ExceptionFilterId>;
  /** Syscall numbers for `syscall` / `syscall-return` (undefined = all). */
  syscallNrs?: Set<number>;
  returnNrs?: Set<number>;
}

/** Parse a syscall condition: names or numbers separated by commas or spaces. */
export function parseSyscallCondition(cond: string | undefined): Set<number> | string | undefined {
  if (!cond || !cond.trim()) return undefined;
  const out = new Set<number>();
  for (const part of cond.split(/[\s,|]+/).filter(Boolean)) {
    if (/^\d+$/.test(part)) { out.add(Number(part)); continue; }
    const nr = syscallNumber(part.replace(/^SYS_/i, '').toLowerCase());
    if (nr === undefined) return `unknown syscall '${part}' (use names such as write,read or numbers)`;
    out.add(nr);
  }
  return out;
}

export function setFilters(filters: { id: string; condition?: string }[]): { state: FilterState; results: { verified: boolean; message?: string }[] } {
  const state: FilterState = { enabled: new Set() };
  const results = filters.map((f) => {
    const known = EXCEPTION_FILTERS.find((x) => x.id === f.id);
    if (!known) return { verified: false, message: `unknown exception filter '${f.id}'` };
    state.enabled.add(known.id);
    if (f.id === 'syscall' || f.id === 'syscall-return') {
      const c = parseSyscallCondition(f.condition);
      if (typeof c === 'string') return { verified: false, message: c };
      if (c) {
        const cur = f.id === 'syscall' ? state.syscallNrs : state.returnNrs;
        const merged = new Set([...(cur ?? []), ...c]);
        if (f.id === 'syscall') state.syscallNrs = merged; else state.returnNrs = merged;
      }
    }
    return { verified: true };
  });
  return { state, results };
}

export { syscallName };
