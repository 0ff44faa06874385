// Model programs: a .s file assembled with the project's syscall library and run with the Go-runtime model
// (src/goruntime's loadModelProgram). Debug info = the assembler's tables + the model's line tables.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Kernel } from '../linux/kernel';
import { loadModelProgram } from '../goruntime/index';
import { formatDiagnostic } from '../asm/index';
import { DebugInfo, type FunctionEntry } from './debugInfo';
import { ProgramError, type LaunchOptions } from './types';
import { guestEnv, kernelOptions, canonicalPath, type KernelIO, type LoadedProgram } from './loader';

export function loadModel(path: string, opts: LaunchOptions, io: KernelIO, shownPath = path): LoadedProgram {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) { throw new ProgramError(`${shownPath}: ${(e as Error).message}`); }
  const kernel = new Kernel(kernelOptions(opts, io));
  const name = basename(path, '.s');
  const r = loadModelProgram(kernel, [{ path: shownPath, text }], {
    gomaxprocs: opts.gomaxprocs ?? 2, argv: [name, ...(opts.args ?? [])], env: guestEnv(opts), path: `/${name}`,
  });
  if (!r.ok || !r.model || !r.image || !r.native) {
    const msgs = r.diagnostics.map(formatDiagnostic);
    throw new ProgramError(msgs.length ? msgs.join('\n') : `${shownPath}: cannot load the model program`, msgs);
  }
  const model = r.model, image = r.image, native = r.native;
  const functions: FunctionEntry[] = [
    ...image.functions.map((f) => ({ ...f, args: f.args })),
    ...model.functions(),
  ];
  const symbols = [...image.symbols, ...model.functions().map((f) => ({ name: f.name, addr: f.addr, size: f.size, kind: 'text' }))];
  const info = new DebugInfo(symbols, functions, [...image.lines, ...model.lines()]);
  const virtualSources = new Map(model.prog.sources.map((s) => [s.path, s.text] as [string, string]));
  const real = canonicalPath(path);
  return {
    kind: 'model', kernel, info, sched: model, virtualSources,
    model: { snapshot: () => model.saveState(), restore: (s) => model.restoreState(s as ReturnType<typeof model.saveState>) },
    isNative: (a) => a >= native.start && a < native.end,
    nativeText: (a) => model.prog.stepAt(a)?.text,
    sourcePathFor: (p) => (p === shownPath || canonicalPath(p) === real ? shownPath : p),
    warnings: [],
  };
}
