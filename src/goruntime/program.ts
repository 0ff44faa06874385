// The steppable model source: each model function is a Go-like text whose step lines each get one address in
// the native region. RIP → (function, step) is a table lookup; the debugger gets one document per Go file and a
// line table, so breakpoints on model lines are address breakpoints and stepping walks the lines.

import type { Ctx } from './ctx';
import type { Val } from './state';

/** What a step tells the engine to do next. */
export type Ctl =
  | undefined
  | { k: 'goto'; label: string }
  | { k: 'call'; fn: string; args?: Record<string, Val>; assign?: string | string[]; elseLabel?: string }
  | { k: 'callAsm'; addr: number }
  | { k: 'ret'; value?: Val | Val[] }
  | { k: 'mcall'; fn: string; gp: number }
  | { k: 'gogo'; goid: number }
  | { k: 'stay' }
  | { k: 'halt' };

export type Step = (c: Ctx) => Ctl | void;
/** A body line: plain text (no step), or text with its step, optionally carrying a label for gotos. */
export type BodyLine = string | [string, Step] | [string, Step, string];

export interface ModelFuncDef {
  /** Dotted name as function breakpoints use it, e.g. `runtime.exitsyscall`. */
  name: string;
  /** Go source file the real function lives in, e.g. `runtime/proc.go`. */
  file: string;
  /** Signature line without the opening brace, e.g. `func exitsyscall()`. */
  sig: string;
  /** Comment lines above the function (without `// `): which Go function it models. */
  doc: string[];
  body: BodyLine[];
  /** ABI0 arguments read from the guest stack when guest code calls the function: [name, offset from FP]. */
  abi0Args?: [string, number][];
  /** Step indices (besides 0) where the function may be entered without a frame (goexit's return landing). */
  landing?: number[];
  /** Callable from guest code (bound as an extern for the assembler). */
  exported?: boolean;
  /** Shown as asm in the document (asm_amd64.s functions): no `func` wrapper. */
  asm?: boolean;
}

export interface StepInfo { fn: ModelFunc; index: number; addr: number; line: number; text: string; run: Step }

export interface ModelFunc {
  def: ModelFuncDef;
  addr: number;
  size: number;
  steps: StepInfo[];
  labels: Map<string, number>;
  /** Source document path and the line of the `func` header. */
  path: string;
  line: number;
}

export interface ModelSource {
  /** Virtual document name, e.g. `runtime/proc.go (model)`. */
  path: string;
  text: string;
  /** One entry per step line (1-based line numbers). */
  lines: { addr: number; line: number }[];
}

/** Each step occupies one byte (a NOP in memory, so disassembly shows one instruction per line). */
export const STEP_BYTES = 1;
const FUNC_ALIGN = 16;

export class ModelProgram {
  readonly funcs: ModelFunc[] = [];
  readonly byName = new Map<string, ModelFunc>();
  readonly sources: ModelSource[] = [];
  private readonly byAddr = new Map<number, StepInfo>();
  readonly start: number;
  readonly end: number;

  constructor(defs: ModelFuncDef[], base: number, header: (file: string) => string[]) {
    const files = new Map<string, ModelFuncDef[]>();
    for (const d of defs) {
      const list = files.get(d.file);
      if (list) list.push(d); else files.set(d.file, [d]);
    }
    let addr = base;
    for (const [file, list] of files) {
      const path = `${file} (model)`;
      const text: string[] = [...header(file), ''];
      const src: ModelSource = { path, text: '', lines: [] };
      for (const d of list) {
        for (const c of d.doc) text.push(c ? `// ${c}` : '//');
        if (!d.asm) text.push(`${d.sig} {`);
        else text.push(d.sig);
        const fn: ModelFunc = { def: d, addr, size: 0, steps: [], labels: new Map(), path, line: text.length };
        for (const bl of d.body) {
          const [t, run, label] = typeof bl === 'string' ? [bl, undefined, undefined] : bl;
          text.push(t === '' ? '' : `\t${t}`);
          if (!run) continue;
          const st: StepInfo = { fn, index: fn.steps.length, addr: addr + fn.steps.length * STEP_BYTES, line: text.length, text: t.trim(), run };
          if (label) fn.labels.set(label, st.index);
          fn.steps.push(st);
          this.byAddr.set(st.addr, st);
          src.lines.push({ addr: st.addr, line: st.line });
        }
        if (!d.asm) {
          // The closing brace is a step too: falling off the end returns, as a debugger shows it.
          text.push('}');
          const st: StepInfo = { fn, index: fn.steps.length, addr: addr + fn.steps.length * STEP_BYTES, line: text.length, text: '}', run: (c) => c.ret() };
          if (!fn.labels.has('end')) fn.labels.set('end', st.index);
          fn.steps.push(st);
          this.byAddr.set(st.addr, st);
          src.lines.push({ addr: st.addr, line: st.line });
        }
        text.push('');
        fn.size = fn.steps.length * STEP_BYTES;
        addr = Math.ceil((addr + fn.size) / FUNC_ALIGN) * FUNC_ALIGN;
        this.funcs.push(fn);
        this.byName.set(d.name, fn);
      }
      src.text = text.join('\n');
      this.sources.push(src);
    }
    this.start = base;
    this.end = addr;
  }

  stepAt(addr: number): StepInfo | undefined { return this.byAddr.get(addr); }

  /** The function whose address range holds addr (also between steps, for messages). */
  funcAt(addr: number): ModelFunc | undefined {
    return this.funcs.find((f) => addr >= f.addr && addr < f.addr + Math.max(f.size, 1));
  }

  entry(name: string): number {
    const f = this.byName.get(name);
    if (!f) throw new Error(`model: no function ${name}`);
    return f.addr;
  }

  /** The bytes of the native region: a NOP per step, INT3 between functions (as Go pads text). */
  image(): Uint8Array {
    const b = new Uint8Array(this.end - this.start).fill(0xcc);
    for (const f of this.funcs) b.fill(0x90, f.addr - this.start, f.addr - this.start + f.size);
    return b;
  }
}
