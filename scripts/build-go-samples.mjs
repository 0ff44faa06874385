// Builds the real-program samples (samples/go/NAME/main.go) into static linux/amd64 binaries samples/go/NAME/NAME,
// so the packaged .vsix lets a person without Go try real mode. Run by `npm run package`. Without a Go toolchain it
// says so and leaves the samples as source (the extension then builds them with the person's own Go, if any).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const candidates = [process.env.GOSYSCALL_GO, '/usr/lib/go-1.23/bin/go', 'go'].filter(Boolean);
const go = candidates.find((g) => spawnSync(g, ['version'], { encoding: 'utf8' }).status === 0);
if (!go) {
  console.warn('build-go-samples: no Go toolchain found (set GOSYSCALL_GO): packaging samples/go as source only');
  process.exit(0);
}
const dir = join(root, 'samples/go');
let failed = 0;
for (const name of readdirSync(dir)) {
  if (!existsSync(join(dir, name, 'main.go'))) continue;
  const r = spawnSync(go, ['build', '-trimpath', '-o', name, '.'], {
    cwd: join(dir, name), encoding: 'utf8',
    env: { ...process.env, CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64', GOAMD64: 'v1', GO111MODULE: 'off' },
  });
  if (r.status !== 0) { failed++; console.error(`build-go-samples: ${name}: ${r.stderr.trim()}`); continue; }
  console.log(`build-go-samples: samples/go/${name}/${name}`);
}
process.exit(failed ? 1 : 0);
