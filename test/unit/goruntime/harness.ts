// Test harness: runs a model program on the real kernel + CPU + assembler and records the trace.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kernel } from '../../../src/linux/kernel';
import type { TraceEventBody } from '../../../src/linux/trace';
import { loadModelProgram, ModelLoadResult } from '../../../src/goruntime';

export const ROOT = join(__dirname, '..', '..', '..', '..');
export const SAMPLES = join(ROOT, 'samples');

export interface Run {
  events: TraceEventBody[];
  stdout: string;
  stderr: string;
  exit: { code: number } | null;
  stop: string;
  load: ModelLoadResult;
  kernel: Kernel;
}

export function runModel(files: { path: string; text: string }[], opts: { gomaxprocs?: number; budget?: number; stdin?: string; onStep?: (k: Kernel) => void } = {}): Run {
  const events: TraceEventBody[] = [];
  let stdout = '', stderr = '';
  const dec = new TextDecoder();
  const kernel = new Kernel({
    trace: { emit: (e) => events.push(e) },
    stdout: (b) => { stdout += dec.decode(b); },
    stderr: (b) => { stderr += dec.decode(b); },
    stdin: opts.stdin,
    ncpu: opts.gomaxprocs ?? 2,
  });
  const load = loadModelProgram(kernel, files, { gomaxprocs: opts.gomaxprocs ?? 2 });
  let stop = 'not-run';
  if (load.ok) {
    let left = opts.budget ?? 5_000_000;
    for (;;) {
      const s = kernel.run(Math.min(left, 100_000));
      left -= 100_000;
      opts.onStep?.(kernel);
      if (s.kind !== 'budget' || left <= 0) { stop = s.kind; break; }
    }
  }
  return { events, stdout, stderr, exit: kernel.exited, stop, load, kernel };
}

export function runSample(name: string, opts: { gomaxprocs?: number; budget?: number } = {}): Run {
  const path = join(SAMPLES, name);
  return runModel([{ path, text: readFileSync(path, 'utf8') }], opts);
}

/** One line per scheduler event, the way the tests spell the expected story. */
export function story(events: TraceEventBody[], withSyscalls = true): string[] {
  const out: string[] = [];
  for (const e of events) {
    switch (e.ev) {
      case 'gstatus': out.push(`G${e.g} ${e.from}->${e.to} M${e.m}`); break;
      case 'pstatus': out.push(`P${e.p} ${e.from}->${e.to} M${e.m}`); break;
      case 'handoff': out.push(`handoff P${e.p} M${e.fromM}->M${e.toM} ${e.reason}`); break;
      case 'exitsyscall': out.push(`exitsyscall G${e.g} M${e.m} ${e.path}`); break;
      case 'thread': out.push(`thread M${e.m} ${e.action}`); break;
      case 'syscall': if (withSyscalls) out.push(`syscall M${e.m} G${e.g} ${e.name}${e.blocked ? ' blocked' : ''}`); break;
      case 'exit': out.push(`exit ${e.code}`); break;
      case 'warning': out.push(`warning ${e.message}`); break;
      default: break;
    }
  }
  return out;
}
