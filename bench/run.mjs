// npm run bench: runs every bench/*.bench.ts (transpiled to out/bench/) one after another — never in parallel, so
// the emulator and its peers (native, qemu-x86_64) are measured on the same quiet machine in one run — and prints
// their ratios. `npm run bench -- cpu go` runs only the named ones.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);
const dir = join(root, 'out/bench');
let files = [];
try { files = readdirSync(dir).filter((f) => f.endsWith('.bench.js')).sort(); } catch { /* none built */ }
if (only.length) files = files.filter((f) => only.includes(f.replace(/\.bench\.js$/, '')));
if (!files.length) { console.error('bench: nothing to run (npm run build first?)'); process.exit(2); }
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f.replace(/\.bench\.js$/, '')} ===`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(dir, f)], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) { failed++; console.log(`bench ${f} exited with ${r.status}`); }
}
process.exit(failed ? 1 : 0);
