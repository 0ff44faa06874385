// The Go-runtime model's entry point for the Machine: assemble a model program with the syscall library and the
// model's runtime functions as externs, load it, boot M0/G1/the Ps, and bind the model to the kernel
// (native region handler, identify). Also the scheduler snapshot type both sources share.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble } from '../asm/assemble';
import type { Diagnostic, LinkedImage, SourceFile } from '../asm/types';
import type { Kernel } from '../linux/kernel';
import { KernelHost } from './kernelHost';
import { Model } from './model';
import { modelProgram } from './functions';

export * from './snapshot';
export { Model } from './model';
export type { ModelSource } from './program';
export type { ModelHost } from './host';
export { KernelHost } from './kernelHost';
export { MODEL_TEXT_BASE } from './limits';

export const SYSCALL_LIB_NAME = 'syscall_linux_amd64.s';

export interface ModelLoadOptions {
  gomaxprocs?: number;
  argv?: string[];
  env?: string[];
  /** Guest path of the program (argv[0] by default). */
  path?: string;
  /** The syscall library's text and path; default: samples/lib/syscall_linux_amd64.s shipped with the extension. */
  lib?: SourceFile;
  includeDirs?: string[];
}

export interface ModelLoadResult {
  ok: boolean;
  /** Assembler errors and model errors (unknown runtime function, bad GOMAXPROCS), `FILE:LINE:COL: message`. */
  diagnostics: Diagnostic[];
  model?: Model;
  image?: LinkedImage;
  /** Start and end of the native region (the model's functions). */
  native?: { start: number; end: number };
}

export { modelProgram };

/** Externs the assembler binds: every model function guest code may call, in both spellings. */
export function modelExterns(): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of modelProgram().funcs) {
    if (!f.def.exported) continue;
    m.set(f.def.name.replace('.', '\u00b7'), f.addr);
    m.set(f.def.name, f.addr);
  }
  return m;
}

/** Finds the shipped syscall library next to the bundle (dist/) or the transpiled tree (out/src/goruntime/). */
export function findSyscallLib(): SourceFile | undefined {
  for (const up of ['..', '../..', '../../..', '.']) {
    const p = join(__dirname, up, 'samples', 'lib', SYSCALL_LIB_NAME);
    if (existsSync(p)) return { path: p, text: readFileSync(p, 'utf8') };
  }
  return undefined;
}

const TEXT_RE = /^\s*TEXT\s+([^\s(,]+)\(SB\)/;

/** `runtime·name` references the model does not implement and the program does not define (one per line). */
export function checkRuntimeCalls(files: SourceFile[], extraDefined: Set<string> = new Set()): Diagnostic[] {
  const model = modelExterns();
  const defined = new Set(extraDefined);
  for (const f of files) for (const line of f.text.split('\n')) {
    const m = TEXT_RE.exec(line);
    if (m) defined.add(m[1].replace(/\u00b7/g, '.'));
  }
  const have = [...model.keys()].filter((k) => k.startsWith('runtime.')).map((k) => k.slice(8)).sort();
  const out: Diagnostic[] = [];
  for (const f of files) {
    f.text.split('\n').forEach((raw, i) => {
      const line = raw.replace(/\/\/.*$/, '');
      if (TEXT_RE.test(line)) return;
      const re = /runtime[\u00b7.]([A-Za-z_][A-Za-z0-9_]*)(?:<[^>]*>)?\(SB\)/g;
      let m: RegExpExecArray | null;
      while ((m = re.exec(line))) {
        const name = `runtime.${m[1]}`;
        if (model.has(name) || defined.has(name)) continue;
        out.push({
          file: f.path, line: i + 1, col: m.index + 1,
          message: `runtime·${m[1]} is not part of the Go runtime model (it has: ${have.join(', ')})`,
        });
      }
    });
  }
  return out;
}

/**
 * Assembles a model program the way loadModelProgram does (with the syscall library and the model's functions as
 * externs) without running it: for `gosyscall asm` / `disasm` on a model program. Never throws.
 */
export function assembleModelProgram(files: SourceFile[], opts: { lib?: SourceFile; includeDirs?: string[] } = {}):
  { ok: boolean; diagnostics: Diagnostic[]; image?: LinkedImage; mainPC?: number; files: SourceFile[] } {
  const first = files[0]?.path ?? 'program.s';
  const lib = opts.lib ?? findSyscallLib();
  const all = [...files];
  if (lib) {
    // Leave the library out when the program brings its own definitions of its functions.
    const defs = (f: SourceFile) => f.text.split('\n').map((l) => TEXT_RE.exec(l)?.[1]).filter((x): x is string => !!x);
    const userDefs = new Set(files.flatMap(defs));
    const clash = defs(lib).some((d) => userDefs.has(d));
    if (!clash && !files.some((f) => f.path === lib.path)) all.push(lib);
  }
  const bad = checkRuntimeCalls(all);
  if (bad.length) return { ok: false, diagnostics: bad, files: all };
  const res = assemble(all, { externs: modelExterns(), includeDirs: opts.includeDirs, entry: 'main\u00b7main' });
  if (!res.ok || !res.image) {
    const diags = res.diagnostics.length ? res.diagnostics : [{ file: first, line: 1, col: 1, message: 'assembly failed' }];
    return { ok: false, diagnostics: diags, files: all };
  }
  const main = res.image.symbols.find((s) => s.name === 'main\u00b7main' && s.kind === 'text');
  if (!main) {
    return { ok: false, diagnostics: [{ file: first, line: 1, col: 1, message: 'no main·main: a model program starts in TEXT ·main(SB) (package main)' }], files: all };
  }
  return { ok: true, diagnostics: res.diagnostics, image: res.image, mainPC: main.addr, files: all };
}

/**
 * Assembles `files` with the syscall library, loads the image into `kernel` and boots the model: M0 (the main
 * thread) holds P0 and runs G1 in runtime.main, which starts sysmon and calls main·main. Installs the native
 * handler and kernel.identify. Never throws for bad input: diagnostics say what is wrong.
 */
export function loadModelProgram(kernel: Kernel, files: SourceFile[], opts: ModelLoadOptions = {}): ModelLoadResult {
  const gomaxprocs = opts.gomaxprocs ?? 2;
  const first = files[0]?.path ?? 'program.s';
  if (!Number.isInteger(gomaxprocs) || gomaxprocs < 1 || gomaxprocs > 256) {
    return { ok: false, diagnostics: [{ file: first, line: 1, col: 1, message: `GOMAXPROCS must be an integer from 1 to 256, got ${String(gomaxprocs)}` }] };
  }
  const asm = assembleModelProgram(files, opts);
  if (!asm.ok || !asm.image || !asm.mainPC) return { ok: false, diagnostics: asm.diagnostics };
  const image = asm.image;

  const argv = opts.argv ?? [opts.path ?? first];
  try {
    kernel.load(withInFileOffsets(image.elf), { argv, env: opts.env ?? [], path: opts.path ?? argv[0] });
  } catch (e) {
    return { ok: false, diagnostics: [{ file: first, line: 1, col: 1, message: (e as Error).message }] };
  }
  const host = new KernelHost(kernel);
  host.describe = lineDescriber(image);
  const model = new Model(host, { gomaxprocs, mainPC: asm.mainPC });
  const prog = model.prog;
  kernel.registerNative(prog.start, prog.end, (t, rip) => model.step(t.tid, rip));
  kernel.memory.pokeBytes(prog.start, prog.image());
  kernel.identify = (t) => model.identify(t.tid);

  const t0 = kernel.threads[0];
  try {
    const start = model.boot(t0.tid);
    host.setRegs(t0.tid, { rsp: start.rsp, rip: start.rip, rbp: 0 });
  } catch (e) {
    return { ok: false, diagnostics: [{ file: first, line: 1, col: 1, message: `cannot start the Go runtime model: ${(e as Error).message ?? String(e)}` }] };
  }
  return { ok: true, diagnostics: [], model, image, native: { start: prog.start, end: prog.end } };
}

/**
 * A PT_LOAD segment with no file bytes (only .bss) may carry a file offset past the end of the file; Linux maps
 * nothing from the file then, but a strict loader refuses it. Point such offsets inside the file (keeping
 * offset ≡ vaddr mod page) on a copy, so bss-only programs load either way.
 */
function withInFileOffsets(elf: Uint8Array): Uint8Array {
  if (elf.length < 64) return elf;
  const dv = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const phoff = Number(dv.getBigUint64(0x20, true)), phentsize = dv.getUint16(0x36, true), phnum = dv.getUint16(0x38, true);
  let out: Uint8Array | undefined;
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (o + 56 > elf.length) break;
    const type = dv.getUint32(o, true), offset = Number(dv.getBigUint64(o + 8, true));
    const vaddr = Number(dv.getBigUint64(o + 0x10, true)), filesz = Number(dv.getBigUint64(o + 0x20, true));
    if (type !== 1 || filesz !== 0 || offset <= elf.length) continue;
    out ??= elf.slice();
    new DataView(out.buffer).setBigUint64(o + 8, BigInt(vaddr % 0x1000), true);
  }
  return out ?? elf;
}

/** `func (file:line)` for a guest address, from the image's tables. */
function lineDescriber(image: LinkedImage): (pc: number) => string | null {
  const lines = image.lines;
  return (pc) => {
    let lo = 0, hi = lines.length - 1, hit = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (lines[mid].addr <= pc) { hit = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (hit < 0) return null;
    const l = lines[hit];
    if (pc >= l.addr + Math.max(l.size, 1) + 16) return null;
    const fn = image.functions.find((f) => pc >= f.addr && pc < f.addr + f.size);
    return `${fn ? fn.name.replace(/\u00b7/g, '.') + '()' : '?'}\n\t\t${l.file}:${l.line}`;
  };
}
