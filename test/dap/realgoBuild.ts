// Real Go binaries for the adapter and CLI tests, built at test time from samples/go/blocking by each installed Go
// (1.19 from bookworm, 1.21 and 1.23 from bookworm-backports), static linux/amd64 v1. Built once and cached in
// .tmp/realgo/ (rebuilt when the sample or the toolchain changes).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './client';

export const BLOCKING_SRC = join(ROOT, 'samples', 'go', 'blocking', 'main.go');
const OUT = join(ROOT, '.tmp', 'realgo');

export const TOOLCHAINS: { version: string; go: string; goroot: string }[] = [
  { version: '1.19', go: '/usr/bin/go', goroot: '/usr/lib/go-1.19' },
  { version: '1.21', go: '/usr/lib/go-1.21/bin/go', goroot: '/usr/lib/go-1.21' },
  { version: '1.23', go: '/usr/lib/go-1.23/bin/go', goroot: '/usr/lib/go-1.23' },
];

export type Variant = 'plain' | 'stripped' | 'nodwarf';
const LDFLAGS: Record<Variant, string[]> = { plain: [], stripped: ['-ldflags=-s -w'], nodwarf: ['-ldflags=-w'] };

/** The blocking sample built by the given Go (`1.19`, `1.21`, `1.23`); throws naming a missing toolchain. */
export function blockingBinary(version: string, variant: Variant = 'plain'): string {
  const tc = TOOLCHAINS.find((t) => t.version === version);
  if (!tc || !existsSync(tc.go)) throw new Error(`Go ${version} not found at ${tc?.go ?? '?'} (.ci/run installs it)`);
  mkdirSync(OUT, { recursive: true });
  const bin = join(OUT, `blocking-go${version}-${variant}`);
  const stamp = `${bin}.stamp`;
  const key = `${statSync(BLOCKING_SRC).mtimeMs} ${statSync(tc.go).mtimeMs} ${LDFLAGS[variant].join(' ')}`;
  if (existsSync(bin) && existsSync(stamp) && readFileSync(stamp, 'utf8') === key) return bin;
  const r = spawnSync(tc.go, ['build', '-o', bin, ...LDFLAGS[variant], 'main.go'], {
    cwd: join(ROOT, 'samples', 'go', 'blocking'), encoding: 'utf8', timeout: 300_000,
    env: { ...process.env, CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64', GOAMD64: 'v1', GOFLAGS: '-buildvcs=false', GOTOOLCHAIN: 'local' },
  });
  if (r.status !== 0) throw new Error(`go${version} build failed: ${r.stderr}`);
  writeFileSync(stamp, key);
  return bin;
}

/** Line of `casgstatus(…, _Grunning, _Gsyscall)` inside reentersyscall in that Go's runtime/proc.go. */
export function reentersyscallCasLine(goroot: string): { file: string; line: number } {
  const file = join(goroot, 'src', 'runtime', 'proc.go');
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith('func reentersyscall('));
  const k = lines.findIndex((l, i) => i > start && /casgstatus\(\w+, _Grunning, _Gsyscall\)/.test(l));
  if (start < 0 || k < 0) throw new Error(`no casgstatus in reentersyscall in ${file}`);
  return { file, line: k + 1 };
}
