// Test fixtures for the debug-info layer: Go binaries built at test time by each installed toolchain into .tmp/
// (git-ignored), rebuilt only when a source is newer. The oracles (go tool objdump/addr2line, the programs' own
// runtime.CallersFrames and NumGoroutine) run here too.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../../..');
export const TMP = join(ROOT, '.tmp', 'debuginfo');
export const FIXTURES = join(ROOT, 'test', 'unit', 'debuginfo', 'fixtures');
export const SAMPLES = join(ROOT, 'samples', 'go');

export interface Toolchain { version: string; go: string }
/** Go 1.19 (bookworm), 1.21 and 1.23 (bookworm-backports). A missing one fails the tests that need it, loudly. */
export const TOOLCHAINS: Toolchain[] = [
  { version: '1.19', go: '/usr/bin/go' },
  { version: '1.21', go: '/usr/lib/go-1.21/bin/go' },
  { version: '1.23', go: '/usr/lib/go-1.23/bin/go' },
];

const ENV = { ...process.env, CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64', GOAMD64: 'v1', GOFLAGS: '', GOTOOLCHAIN: 'local' };

function newestMtime(dir: string): number {
  let t = 0;
  for (const f of readdirSync(dir)) t = Math.max(t, statSync(join(dir, f)).mtimeMs);
  return t;
}

/** Builds the Go package in `dir` (a folder with main.go, with or without go.mod) and returns the binary's path. */
export function buildGo(tc: Toolchain, dir: string, name: string, ldflags = ''): string {
  if (!existsSync(tc.go)) throw new Error(`Go ${tc.version} is not installed at ${tc.go}`);
  mkdirSync(TMP, { recursive: true });
  const out = join(TMP, `${name}-go${tc.version}${ldflags ? '-' + ldflags.replace(/[^a-z]/gi, '') : ''}`);
  if (existsSync(out) && statSync(out).mtimeMs > newestMtime(dir)) return out;
  const hasMod = existsSync(join(dir, 'go.mod'));
  // Build beside and rename: test files run in parallel and may ask for the same binary at once.
  const tmp = `${out}.${process.pid}.tmp`;
  const args = ['build', '-o', tmp, ...(ldflags ? ['-ldflags=' + ldflags] : []), ...(hasMod ? ['.'] : ['main.go'])];
  execFileSync(tc.go, args, { cwd: dir, env: ENV, stdio: ['ignore', 'ignore', 'pipe'] });
  renameSync(tmp, out);
  return out;
}

export function goTool(tc: Toolchain, args: string[], input?: string): string {
  return execFileSync(tc.go, ['tool', ...args], { env: ENV, input, maxBuffer: 256 << 20 }).toString();
}

export function goVersion(tc: Toolchain): string {
  return execFileSync(tc.go, ['env', 'GOVERSION'], { env: ENV }).toString().trim();
}

/** `go tool objdump` parsed: functions (name, file of its TEXT line) and every instruction's pc and file:line. */
export interface ObjdumpFunc { name: string; file: string; insns: { pc: number; base: string; line: number }[] }
export function objdump(tc: Toolchain, bin: string): ObjdumpFunc[] {
  const out: ObjdumpFunc[] = [];
  let cur: ObjdumpFunc | undefined;
  for (const l of goTool(tc, ['objdump', bin]).split('\n')) {
    const t = /^TEXT (.+)\(SB\) (.*)$/.exec(l);
    // objdump names assembly functions by their ABI0 symbol (runtime.rt0_go.abi0); the line table says runtime.rt0_go
    if (t) { out.push((cur = { name: t[1].replace(/\.abi0$/, ''), file: t[2], insns: [] })); continue; }
    const i = /^\s+(\S+):(\d+)\s+0x([0-9a-f]+)\s/.exec(l);
    if (i && cur) cur.insns.push({ base: i[1], line: Number(i[2]), pc: parseInt(i[3], 16) });
  }
  return out;
}

export function basename(p: string): string { return p.slice(p.lastIndexOf('/') + 1); }
