// Locating the Go 1.23 toolchain the oracles come from (installed at test time, DESIGN.md §5).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

export const GOROOT = process.env.GOROOT_1_23 ?? '/usr/lib/go-1.23';
export const GO = path.join(GOROOT, 'bin', 'go');
export const TESTDATA = path.join(GOROOT, 'src/cmd/asm/internal/asm/testdata');
export const REPO = path.resolve(__dirname, '../../../..');
export const TMP = path.join(REPO, '.tmp', 'asm-tests');

/** Throws a clear error (the test fails) when the oracle toolchain is missing: never a silent skip. */
export function requireGo(): void {
  if (!fs.existsSync(GO)) throw new Error(`Go 1.23 not found at ${GO}: install golang-1.23-go (see DESIGN.md §5)`);
}

export function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GOROOT, GOCACHE: path.join(REPO, '.tmp', 'gocache'), GOPATH: path.join(REPO, '.tmp', 'gopath'), GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64', GOAMD64: 'v1', GOFLAGS: '' };
}

/** Builds a Go program from source into .tmp (cached by content). */
export function buildGo(name: string, source: string): string {
  requireGo();
  const dir = path.join(TMP, name);
  fs.mkdirSync(dir, { recursive: true });
  const src = path.join(dir, 'main.go');
  const bin = path.join(dir, name);
  if (!(fs.existsSync(bin) && fs.existsSync(src) && fs.readFileSync(src, 'utf8') === source)) {
    fs.writeFileSync(src, source);
    execFileSync(GO, ['build', '-o', bin, 'main.go'], { cwd: dir, env: goEnv(), stdio: 'pipe' });
  }
  return bin;
}

/** Reads the expected encodings of amd64enc.s: mnemonic, operands, and the accepted byte strings. */
export function encodingCases(file = 'amd64enc.s'): { line: number; op: string; text: string; want: string[] }[] {
  const lines = fs.readFileSync(path.join(TESTDATA, file), 'utf8').split('\n');
  const out: { line: number; op: string; text: string; want: string[] }[] = [];
  lines.forEach((l, i) => {
    const m = /^\t([A-Z0-9]+)(.*?)\s*\/\/ ([0-9a-f]+(?: or [0-9a-f]+)*)\s*$/.exec(l);
    if (m) out.push({ line: i + 1, op: m[1], text: `${m[1]}${m[2]}`.trim(), want: m[3].split(' or ') });
  });
  return out;
}
