// CPU benchmark: a fixed compute workload (test/fixtures/cpu/workload.c: ALU, loads/stores, branches, calls),
// built with gcc -O2 -static -nostdlib, timed natively, under qemu-x86_64 and in our emulator in one run.
// Prints instructions, wall time, MIPS and the ratios. Run: npm run build && node out/bench/cpu.bench.js

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildC, readBytes } from '../test/fixtures/cpu/build';
import { loadStaticElf, runToExit } from '../test/fixtures/cpu/miniLoader';

const ROUNDS = Number(process.env.CPU_BENCH_ROUNDS ?? 50);
const REPEAT = Number(process.env.CPU_BENCH_REPEAT ?? 3);

function timeNative(cmd: string, args: string[]): { ms: number; out: string } | null {
  let best = Infinity, out = '';
  for (let i = 0; i < REPEAT; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { encoding: 'latin1' });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.error || r.status !== 0) return null;
    out = r.stdout.trim();
    best = Math.min(best, ms);
  }
  return { ms: best, out };
}

function main(): void {
  const src = readFileSync(join(__dirname, '..', '..', 'test', 'fixtures', 'cpu', 'workload.c'), 'utf8');
  const exe = buildC(`workload-r${ROUNDS}`, src, ['-O2', `-DROUNDS=${ROUNDS}`]);
  const bytes = readBytes(exe);

  const native = timeNative(exe, []);
  const qemu = timeNative('qemu-x86_64', [exe]);

  let best = Infinity, bestCpu = Infinity, instr = 0, out = '';
  for (let i = 0; i < REPEAT; i++) {
    const p = loadStaticElf(bytes);
    const t = process.hrtime.bigint(), u = process.cpuUsage();
    const r = runToExit(p);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    const cu = process.cpuUsage(u);
    if (r.exitCode !== 0) throw new Error(`emulator did not finish: ${JSON.stringify(r.stop)}`);
    instr = r.instructions; out = r.stdout.trim();
    best = Math.min(best, ms);
    bestCpu = Math.min(bestCpu, (cu.user + cu.system) / 1000);
  }
  const mips = instr / best / 1000, cpuMips = instr / bestCpu / 1000;
  const line = (name: string, ms: number | null, extra = '') =>
    console.log(`${name.padEnd(12)} ${ms === null ? 'n/a'.padStart(10) : (ms.toFixed(1) + ' ms').padStart(10)}  ${extra}`);
  console.log(`cpu workload: ${instr} instructions (ROUNDS=${ROUNDS}), best of ${REPEAT}`);
  line('native', native?.ms ?? null, native && native.out !== out ? 'OUTPUT DIFFERS' : '');
  line('qemu-x86_64', qemu?.ms ?? null, qemu && qemu.out !== out ? 'OUTPUT DIFFERS' : '');
  line('emulator', best, `${mips.toFixed(1)} MIPS wall, ${cpuMips.toFixed(1)} MIPS per CPU second (target >= 50)`);
  if (native) console.log(`ratio emulator/native: ${(best / native.ms).toFixed(1)}x`);
  if (qemu) console.log(`ratio emulator/qemu-x86_64: ${(best / qemu.ms).toFixed(1)}x`);
  console.log(JSON.stringify({ bench: 'cpu', instructions: instr, emulatorMs: best, mips, cpuMips, nativeMs: native?.ms ?? null, qemuMs: qemu?.ms ?? null }));
}

main();
