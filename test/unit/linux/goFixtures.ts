// Test helpers: build the Go fixtures with Go 1.23 (CGO_ENABLED=0 GOAMD64=v1) into test/fixtures/go/bin/, run a
// binary natively and on the emulator (the Kernel directly), and collect stdout/stderr/exit code and the trace.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kernel, type KernelOptions, type TraceEventBody } from '../../../src/linux';

export const REPO = path.resolve(__dirname, '../../../..');
export const GO = process.env.GO123 ?? '/usr/lib/go-1.23/bin/go';
export const FIXTURES = path.join(REPO, 'test/fixtures/go');
export const BIN = path.join(FIXTURES, 'bin');

/** The fixtures need Go 1.23 (DESIGN.md §5: .ci/run installs golang-1.23-go); say so plainly when it is missing. */
function requireGo(): void {
  if (!fs.existsSync(GO)) throw new Error(`Go 1.23 not found at ${GO} (apt-get install golang-1.23-go from bookworm-backports, or set GO123)`);
}

const GOENV = { ...process.env, CGO_ENABLED: '0', GOAMD64: 'v1', GOOS: 'linux', GOARCH: 'amd64', GOFLAGS: '-buildvcs=false' };

function newestMtime(dir: string): number {
  let m = 0;
  for (const f of fs.readdirSync(dir)) m = Math.max(m, fs.statSync(path.join(dir, f)).mtimeMs);
  return m;
}

/** Builds test/fixtures/go/programs (one binary, a scenario per argv[1]) unless up to date; returns its path. */
export function buildPrograms(): string {
  const out = path.join(BIN, 'programs');
  const src = path.join(FIXTURES, 'programs');
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= newestMtime(src)) return out;
  requireGo();
  fs.mkdirSync(BIN, { recursive: true });
  const r = spawnSync(GO, ['build', '-o', out, '.'], { cwd: src, env: GOENV, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`go build failed: ${r.stderr}`);
  return out;
}

/** `go test -c` of several standard-library packages in one go invocation (cached in bin/std/). */
export function buildStdTests(pkgs: string[]): Map<string, string> {
  const dir = path.join(BIN, 'std');
  const out = new Map(pkgs.map((p) => [p, path.join(dir, baseOf(p) + '.test')]));
  const missing = pkgs.filter((p) => !fs.existsSync(out.get(p)!));
  if (missing.length > 0) {
    requireGo();
    fs.mkdirSync(dir, { recursive: true });
    const r = spawnSync(GO, ['test', '-c', '-o', dir + '/', ...missing], { cwd: FIXTURES, env: GOENV, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`go test -c failed: ${r.stderr}`);
  }
  return out;
}
function baseOf(pkg: string): string { return pkg.slice(pkg.lastIndexOf('/') + 1); }

/** Any GOAMD64 level, for the refusal test. */
export function buildWithLevel(level: string): string {
  const out = path.join(BIN, `programs-${level}`);
  if (fs.existsSync(out)) return out;
  requireGo();
  fs.mkdirSync(BIN, { recursive: true });
  const r = spawnSync(GO, ['build', '-o', out, '.'], { cwd: path.join(FIXTURES, 'programs'), env: { ...GOENV, GOAMD64: level }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`go build failed: ${r.stderr}`);
  return out;
}

export interface RunResult { stdout: string; stderr: string; code: number; signal?: number }

export function tempDir(prefix: string): string { return fs.mkdtempSync(path.join(os.tmpdir(), prefix)); }

/** Native run with an empty environment (the emulated run gets the same one). */
export function runNative(bin: string, args: string[], o: { cwd: string; stdin?: string; env?: string[] }): RunResult {
  const env: Record<string, string> = {};
  for (const e of o.env ?? []) { const i = e.indexOf('='); env[e.slice(0, i)] = e.slice(i + 1); }
  const r = spawnSync(bin, args, { cwd: o.cwd, input: o.stdin ?? '', env, encoding: 'utf8', timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? 128 };
}

export interface EmuResult extends RunResult { events: (TraceEventBody & { t: number })[]; instructions: number; kernel: Kernel }

/** Runs a binary on the Kernel until it exits (or maxInstructions). */
export function runEmu(bin: string, args: string[], o: Partial<KernelOptions> & { env?: string[]; maxInstructions?: number } = {}): EmuResult {
  const out: Buffer[] = [], err: Buffer[] = [];
  const events: (TraceEventBody & { t: number })[] = [];
  const k: Kernel = new Kernel({
    stdout: (b) => out.push(Buffer.from(b)), stderr: (b) => err.push(Buffer.from(b)),
    trace: { emit: (e) => events.push({ ...e, t: k.clockNs }) }, ...o,
  });
  k.load(new Uint8Array(fs.readFileSync(bin)), { argv: [path.basename(bin), ...args], env: o.env ?? [], path: '/' + path.basename(bin) });
  const max = o.maxInstructions ?? 3e9;
  let code = -1, signal: number | undefined;
  for (;;) {
    const s = k.run(5_000_000);
    if (s.kind === 'exit') { code = s.code; signal = s.signal; break; }
    if (s.kind === 'deadlock') { code = -2; break; }
    if (k.instructions >= max) { code = -3; break; }
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code, signal, events, instructions: k.instructions, kernel: k };
}

export function warnings(r: EmuResult): string[] {
  return r.events.filter((e) => e.ev === 'warning').map((e) => (e as { message: string }).message);
}
