// Building a .go file or package with the person's own Go toolchain, for the emulator's target: a static
// linux/amd64 binary with baseline (v1) instructions, whatever the host OS is.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
// Loaded on first use: only .go programs need them, and loading them costs every command start-up time.
const childProcess = () => require('node:child_process') as typeof import('node:child_process');
const crypto = () => require('node:crypto') as typeof import('node:crypto');
const tmpdir = () => (require('node:os') as typeof import('node:os')).tmpdir();

export interface GoBuildResult { ok: true; binary: string; goVersion: string }
export interface GoBuildFailure { ok: false; message: string; output?: string }

const NO_TOOLCHAIN = 'no Go toolchain found: install Go from https://go.dev/dl/ (any host OS works; the program is ' +
  'built for linux/amd64) and make sure `go` is on PATH, or set GOSYSCALL_GO to the go binary';

/** The `go` binary to use: $GOSYSCALL_GO, `go` on PATH, $GOROOT/bin/go, then the official installer's place. */
export function findGo(explicit?: string): string | undefined {
  const candidates = [explicit, process.env.GOSYSCALL_GO, 'go',
    process.env.GOROOT ? join(process.env.GOROOT, 'bin', 'go') : undefined,
    '/usr/local/go/bin/go'];
  for (const c of candidates) {
    if (!c) continue;
    const r = childProcess().spawnSync(c, ['version'], { encoding: 'utf8', timeout: 10000 });
    if (r.status === 0 && /go version/.test(r.stdout)) return c;
  }
  return undefined;
}

/** Build `program` (a .go file or a package folder); progress lines go to `progress`. */
export function goBuild(program: string, flags: string[], progress: (msg: string) => void, goBinary?: string):
  Promise<GoBuildResult | GoBuildFailure> {
  const go = findGo(goBinary);
  if (!go) return Promise.resolve({ ok: false, message: NO_TOOLCHAIN });
  const isDir = statSync(program).isDirectory();
  const cwd = isDir ? program : dirname(program);
  // a folder outside any module: name its files (go build would look for go.mod)
  const targets = isDir ? (hasGoMod(program) ? ['.'] : readdirSync(program).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))) : [basename(program)];
  if (targets.length === 0) return Promise.resolve({ ok: false, message: `${program}: no .go files to build` });
  const key = crypto().createHash('sha1').update(program).digest('hex').slice(0, 12);
  const outDir = join(tmpdir(), 'gosyscall-build', key);
  mkdirSync(outDir, { recursive: true });
  const binary = join(outDir, (isDir ? basename(program) : basename(program, '.go')) || 'prog');
  const version = childProcess().spawnSync(go, ['version'], { encoding: 'utf8' }).stdout.trim();
  const args = ['build', '-o', binary, ...flags, ...targets];
  progress(`Building ${program} with ${version} (CGO_ENABLED=0 GOOS=linux GOARCH=amd64 GOAMD64=v1): go ${args.join(' ')}`);
  return new Promise((resolve) => {
    let out = '';
    const child = childProcess().spawn(go, args, {
      cwd,
      env: { ...process.env, CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64', GOAMD64: 'v1', GOFLAGS: process.env.GOFLAGS ?? '' },
    });
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', (e) => resolve({ ok: false, message: `could not run ${go}: ${e.message}` }));
    child.on('close', (code) => {
      if (code === 0 && existsSync(binary)) {
        progress(`Built ${binary}`);
        resolve({ ok: true, binary, goVersion: version });
      } else {
        resolve({ ok: false, message: `go build failed for ${program}:\n${out.trim()}`, output: out });
      }
    });
  });
}

function hasGoMod(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'go.mod'))) return true;
    if (dirname(d) === d) return false;
  }
}
