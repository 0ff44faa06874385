// bench/go: wall time of a Go hello world and of a compute-heavy Go program (~100 M instructions), whole process,
// under native, qemu-x86_64 and this project, alternated in one run; prints medians, ratios and MIPS.
// The emulator runs twice per program: `emulator` with its decode cache made by two runs before the rounds (as when a
// program is run again and again: src/machine/decodeCache.ts), and `emulator, first run` with none (a fresh cache
// folder each time: the first run of a program just built).
// Run: npm run build && node out/bench/go.bench.js [--runs N]
// The emulator is run as `node dist/cli.js run PROGRAM --stats` when the CLI handles ELF programs, else as a node
// process driving src/linux's Kernel directly (same work, no CLI).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildPrograms } from '../test/unit/linux/goFixtures';

const REPO = path.resolve(__dirname, '../..');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;

function emuDirect(args: string[]): string[] {
  const script = `
    const { Kernel } = require(${JSON.stringify(path.join(REPO, 'out/src/linux/index.js'))});
    const fs = require('fs');
    const t0 = process.hrtime.bigint();
    const k = new Kernel({ stdout: (b) => process.stdout.write(b), stderr: (b) => process.stderr.write(b), traceSyscalls: false });
    k.load(new Uint8Array(fs.readFileSync(process.argv[1])), { argv: process.argv.slice(1), env: [] });
    let s; do { s = k.run(1e8); } while (s.kind === 'budget');
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    process.stderr.write('instructions=' + k.instructions + ' virtual_ns=' + k.clockNs + ' wall_ms=' + ms.toFixed(0) + ' mips=' + (k.instructions / ms / 1000).toFixed(1) + '\\n');
    process.exitCode = s.code ?? 1;`;
  return ['node', '-e', script, ...args];
}

function cliWorks(bin: string): boolean {
  const cli = path.join(REPO, 'dist/cli.js');
  if (!fs.existsSync(cli)) return false;
  const r = spawnSync('node', [cli, 'run', bin, '--', 'hello'], { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0 && r.stdout === 'hello, world\n';
}

/** Environment of each run: nothing but where the emulator's decode cache is. */
const cacheRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'gs-bench-go-'));
const warmCache = { GOSYSCALL_CACHE_DIR: path.join(cacheRoot, 'warm') };
let fresh = 0;
const freshCache = () => ({ GOSYSCALL_CACHE_DIR: path.join(cacheRoot, `fresh-${fresh++}`) });

function time(cmd: string[], env: Record<string, string> = {}): { ms: number; stderr: string; ok: boolean } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', env, timeout: 600_000 });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, stderr: r.stderr ?? '', ok: r.status === 0 };
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

function main(): void {
  const bin = buildPrograms();
  const useCli = cliWorks(bin);
  const emu = (scenario: string) => useCli
    ? ['node', path.join(REPO, 'dist/cli.js'), 'run', bin, '--stats', '--', scenario]
    : emuDirect([bin, scenario]);
  const hasQemu = spawnSync('qemu-x86_64', ['--version']).status === 0;
  console.log(`bench/go: ${runs} runs each, alternated; emulator via ${useCli ? 'gosyscall run (dist/cli.js)' : 'Kernel in a node process'}`);
  for (const scenario of ['hello', 'compute']) {
    const peers: Record<string, string[]> = { native: [bin, scenario], emulator: emu(scenario), 'emulator, first run': emu(scenario) };
    if (hasQemu) peers.qemu = ['qemu-x86_64', bin, scenario];
    const envOf = (name: string) => name === 'emulator' ? warmCache : name === 'emulator, first run' ? freshCache() : {};
    // the first run of a program notes it, the second keeps what was decoded (src/machine/decodeCache.ts)
    for (let i = 0; i < 2; i++) time(peers.emulator, warmCache);
    const times: Record<string, number[]> = {};
    /** emulator / qemu within each round: the two ran seconds apart, under the same load. */
    const roundRatios: number[] = [];
    const firstRatios: number[] = [];
    let stats = '';
    for (let i = 0; i < runs; i++) {
      const round: Record<string, number> = {};
      for (const [name, cmd] of Object.entries(peers)) {
        const r = time(cmd, envOf(name));
        if (!r.ok) { console.log(`  ${name} failed: ${r.stderr.slice(0, 300)}`); continue; }
        (times[name] ??= []).push(r.ms);
        round[name] = r.ms;
        if (name === 'emulator') stats = r.stderr.trim().split('\n').pop() ?? '';
      }
      if (round.emulator && round.qemu) roundRatios.push(round.emulator / round.qemu);
      if (round['emulator, first run'] && round.qemu) firstRatios.push(round['emulator, first run'] / round.qemu);
    }
    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
    console.log(`${scenario}: ` + Object.entries(m).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(', '));
    if (m.qemu && m.emulator) {
      // The ratio of the medians is the figure; the spread of the rounds' own ratios says how much load moved it.
      const rr = [...roundRatios].sort((a, b) => a - b);
      const spread = rr.length ? ` (rounds: ${rr[0].toFixed(2)}–${rr[rr.length - 1].toFixed(2)}x, median ${median(rr).toFixed(2)}x)` : '';
      console.log(`  emulator / qemu-x86_64 = ${(m.emulator / m.qemu).toFixed(2)}x${spread}`);
      const first = m['emulator, first run'];
      if (first) console.log(`  emulator, first run / qemu-x86_64 = ${(first / m.qemu).toFixed(2)}x (rounds: median ${median(firstRatios).toFixed(2)}x)`);
    }
    if (m.native && m.emulator) console.log(`  emulator / native = ${(m.emulator / m.native).toFixed(1)}x`);
    if (stats) console.log(`  ${stats}`);
  }
  fs.rmSync(cacheRoot, { recursive: true, force: true });
}

main();
