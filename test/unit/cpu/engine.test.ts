// V8 tuning (src/cpu/engine.ts). withoutBaselineCompiler runs a bundle's top level with V8's baseline compiler
// (Sparkplug) off; whatever that top level does, the compiler must be on again afterwards: every function of the
// run depends on it, and so does the code cache, which V8 checks against its flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ENGINE = join(__dirname, '..', '..', '..', 'src', 'cpu', 'engine.js');

test('withoutBaselineCompiler: runs its function, passes its exception on, and leaves the baseline compiler on', () => {
  // In a process of its own, with V8's test intrinsics: %CompileBaseline aborts the process if Sparkplug is off.
  const script = `
const { withoutBaselineCompiler } = require(${JSON.stringify(ENGINE)});
let ran = 0, thrown = null;
withoutBaselineCompiler(() => { ran++; });
try { withoutBaselineCompiler(() => { ran++; throw new Error('the top level failed'); }); } catch (e) { thrown = e.message; }
function g(x) { return x + 1; }
g(1);
%CompileBaseline(g);
console.log(JSON.stringify({ ran, thrown, baseline: %ActiveTierIsSparkplug(g) }));`;
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { ran: 2, thrown: 'the top level failed', baseline: true });
});
