// `gosyscall run` and `gosyscall trace`: load PROGRAM into a Machine, run it to the end, stream guest output and
// (trace) one line per event. The exit code is the guest's (128+N when killed by signal N).
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { parseRunArgs, UsageError } from './args';
import { traceJson, traceText } from './traceFormat';
import { Machine } from '../machine/machine';
import { noteWarm } from '../boot/warm';
import { nowMs } from '../machine/clock';
import { writeErr, writeOut } from './stdio';

export async function runCommand(argv: string[], trace: boolean): Promise<number> {
  const a = parseRunArgs(argv, trace);
  const program = a.program;
  if (!existsSync(program)) throw new UsageError(`${a.program}: no such file`);
  const m = new Machine({ headless: true });
  let flush = () => {};
  m.on('output', (o: { category: string; text: string; bytes?: Uint8Array }) => {
    flush(); // keep trace lines and guest output in the order they happened
    const data = o.bytes ?? o.text;
    if (o.category === 'stdout') writeOut(data);
    else writeErr(data);
  });
  if (trace) {
    const lines: string[] = [];
    flush = () => { if (lines.length) { writeOut(lines.join('\n') + '\n'); lines.length = 0; } };
    m.setTraceListener((ev) => {
      lines.push(a.json ? traceJson(ev) : traceText(ev));
      if (lines.length >= 256) flush();
    });
  }
  const t0 = nowMs();
  await m.load(program, {
    args: a.args, stdin: a.stdin, root: a.root ? resolve(a.root) : undefined, gomaxprocs: a.gomaxprocs,
    maxInstructions: a.maxInstructions, env: undefined,
  }, (msg) => writeErr(`gosyscall: ${msg}\n`));
  const r = m.runToCompletion();
  noteWarm();
  flush();
  const wall = nowMs() - t0;
  if (r.message) writeErr(`gosyscall: ${r.message}\n`);
  if (a.stats) {
    const st = m.stats();
    const mips = wall > 0 ? st.instructions / wall / 1000 : 0;
    writeErr(`instructions=${st.instructions} virtual_ns=${st.virtualNs} wall_ms=${Math.round(wall)} mips=${mips.toFixed(1)}\n`);
  }
  return r.exitCode;
}
