// What a program is and how it gets into a Kernel: a .s model program (assembled with the syscall library and
// run with the Go-runtime model), a static linux/amd64 ELF, or a .go file / package (built first).
import { closeSync, openSync, readSync, statSync, realpathSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Kernel } from '../linux/kernel';
import { FileImage } from '../linux/fileImage';
import type { KernelOptions } from '../linux/types';
import type { SchedulerSource } from '../goruntime/snapshot';
import { DebugInfo, type FunctionEntry, type LineEntry, type SymbolEntry } from './debugInfo';
import { goBuild } from './goBuild';
import type { LaunchOptions } from './types';
import { loadModel } from './modelLoader';
import { realProgramInfo } from './realInfo';
import type { RawFrame } from './frames';
import type { Thread } from '../linux/thread';
import type { RuntimeHooks } from '../debuginfo/goBinary';
import { RealTracer } from './realTracer';
import { openDecodeCache } from './decodeCache';
import { prepareDecoder } from '../cpu/decoder';
import type { MemoryReader } from '../goruntime/reader/memoryReader';

export interface LoadedProgram {
  kind: 'model' | 'elf';
  kernel: Kernel;
  info: DebugInfo;
  sched?: SchedulerSource;
  /** Model state for snapshots (the kernel snapshots itself). */
  model?: { snapshot(): unknown; restore(s: unknown): void };
  /** Documents that exist only in the adapter (the model source), by path. */
  virtualSources: Map<string, string>;
  isNative(addr: number): boolean;
  /** The model line a native address runs (shown in the Disassembly view instead of machine code). */
  nativeText?(addr: number): string | undefined;
  /** The spelling of a source path that the line table uses (symlinks, case). */
  sourcePathFor(path: string): string;
  /** The binary's own unwinder (real programs): frames innermost first, or undefined to fall back. */
  unwind?: (pc: number, sp: number, bp: number) => RawFrame[] | undefined;
  warnings: string[];
  /** Real programs: entry addresses of the runtime functions the Go filters watch. */
  runtimeHooks?: RuntimeHooks;
  /** Real programs: the reader of the runtime's memory (made on first use), for data breakpoints on its fields. */
  reader?: () => MemoryReader | undefined;
  /** Real programs: how many frames (the function and the calls inlined into it) the code at pc stands for. */
  inlineDepth?: (pc: number) => number;
  /** Real programs: the goroutine a thread runs (steps follow it across Ms) and the top of its stack. */
  goroutineOf?: (t: Thread) => { goid: number; stackHi: number } | undefined;
  /** Real programs: the tracer of scheduler events read from memory (made when wanted: it costs run time). */
  tracer?: () => RealTracer | undefined;
  /** Notes for a person at a debugger (not for the CLI): missing symbols and the like. */
  notes?: string[];
  /** Where notes learnt after the load go (the runtime's layout, read when first needed). */
  lateNotes?: (sink: (text: string) => void) => void;
}

export type KernelIO = Pick<KernelOptions, 'trace' | 'stdout' | 'stderr' | 'traceSyscalls'>;

export function kernelOptions(opts: LaunchOptions, io: KernelIO): KernelOptions {
  return {
    ...io,
    root: opts.root,
    cwd: opts.cwd,
    stdin: opts.stdin,
    ncpu: opts.gomaxprocs ?? 2,
  };
}

/** Guest environment: only what the launch configuration gives, plus GOMAXPROCS when set. */
export function guestEnv(opts: LaunchOptions): string[] {
  const env = { ...(opts.env ?? {}) };
  if (opts.gomaxprocs !== undefined && env.GOMAXPROCS === undefined) env.GOMAXPROCS = String(opts.gomaxprocs);
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

export async function loadProgram(program: string, opts: LaunchOptions, io: KernelIO, progress: (msg: string) => void): Promise<LoadedProgram> {
  const path = resolve(program);
  let st;
  try { st = statSync(path); } catch { throw new Error(`${program}: no such file or folder`); }
  if (st.isDirectory() || path.endsWith('.go')) {
    const r = await goBuild(path, opts.goBuildFlags ?? [], progress, opts.goBinary);
    if (!r.ok) throw new Error(r.message);
    return loadElf(r.binary, opts, io, basename(path));
  }
  if (path.endsWith('.s')) return loadModel(path, opts, io, program);
  const head = readHead(path, 4);
  if (head.length === 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) return loadElf(path, opts, io);
  throw new Error(`${program}: not a .s model program, an ELF binary or Go source (a .go file or a package folder)`);
}

/** The first n bytes of a file (not the whole file: the ELF is read once, by loadElf). */
function readHead(path: string, n: number): Uint8Array {
  const fd = openSync(path, 'r');
  try { const b = new Uint8Array(n); return b.subarray(0, readSync(fd, b, 0, n, 0)); } finally { closeSync(fd); }
}

function loadElf(path: string, opts: LaunchOptions, io: KernelIO, shownName?: string): LoadedProgram {
  // A plain run (gosyscall run: no trace, no debugger) never looks at the Go symbols: the program's pages are read
  // as it touches them. Tracing and debugging read the whole file (symbols, DWARF).
  const plain = io.traceSyscalls === false;
  const file = FileImage.open(path);
  const kernel = new Kernel(kernelOptions(opts, io));
  try {
    kernel.load(plain ? file : file.all(), { argv: [shownName ?? basename(path), ...(opts.args ?? [])], env: guestEnv(opts), path: `/${shownName ?? basename(path)}` });
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  kernel.memory.decoded = openDecodeCache(path) ?? null;
  // nothing decoded before: iced will decode it all (made ready while the start-up's read buffer is at hand)
  if (kernel.memory.decoded === null || kernel.memory.decoded.size === 0) prepareDecoder();
  const bytes = file.bytes;
  if (plain) {
    return { kind: 'elf', kernel, info: new DebugInfo([], [], []), virtualSources: new Map(), isNative: () => false, sourcePathFor: (p) => p, warnings: [] };
  }
  const real = realProgramInfo(bytes, path, kernel);
  return {
    kind: 'elf', kernel, info: real.info, sched: real.sched, virtualSources: new Map(), isNative: () => false,
    sourcePathFor: (p) => real.sourcePathFor(p), unwind: real.unwind, warnings: [], get notes() { return real.warnings; },
    runtimeHooks: real.runtimeHooks, goroutineOf: real.goroutineOf, inlineDepth: real.inlineDepth, reader: real.reader,
    lateNotes: real.lateNotes,
    // the tracer makes the reader (reads DWARF) when the runtime first has Gs and Ps, not at load
    tracer: () => real.binary && real.reader && io.trace
      ? new RealTracer(kernel, real.reader, real.binary, real.runtimeHooks ?? {}, (ev) => io.trace!.emit(ev)) : undefined,
  };
}

export function canonicalPath(p: string): string {
  try { return realpathSync(p); } catch { return p; }
}

export type { SymbolEntry, FunctionEntry, LineEntry };
