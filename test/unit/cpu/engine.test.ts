// V8 tuning (src/cpu/engine.ts). withoutBaselineCompiler runs a bundle's top level with V8's baseline compiler
// (Sparkplug) off; whatever that top level does, the compiler must be on again afterwards: every function of the
// run depends on it, and so does the code cache, which V8 checks against its flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { baselineCompilerOn } from '../../../src/cpu/engine';

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

test('withoutBaselineCompiler: leaves the baseline compiler off when node was started with it off', () => {
  // Sparkplug compiles a function as soon as it has run enough (no batches, no TurboFan here); with node started
  // with --no-sparkplug it must not, after as before the call.
  const script = `
const { withoutBaselineCompiler } = require(${JSON.stringify(ENGINE)});
withoutBaselineCompiler(() => {});
function g(x) { return x + 1; }
let s = 0;
for (let i = 0; i < 200000; i++) s = g(s);
console.log(JSON.stringify({ baseline: %ActiveTierIsSparkplug(g) }));`;
  const flags = ['--allow-natives-syntax', '--no-opt', '--no-maglev', '--no-baseline-batch-compilation'];
  const run = (extra: string[]) => {
    const r = spawnSync(process.execPath, [...extra, ...flags, '-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout).baseline as boolean;
  };
  assert.equal(run([]), true, 'the control: with the compiler on, the hot function gets baseline code');
  assert.equal(run(['--no-sparkplug']), false);
});

test('baselineCompilerOn: read from node\'s command line, the last flag winning', () => {
  assert.equal(baselineCompilerOn([]), true);
  assert.equal(baselineCompilerOn(['--no-sparkplug']), false);
  assert.equal(baselineCompilerOn(['--no_sparkplug']), false);
  assert.equal(baselineCompilerOn(['--jitless']), false);
  assert.equal(baselineCompilerOn(['--no-sparkplug', '--sparkplug']), true);
  assert.equal(baselineCompilerOn(['--sparkplug', '--no-sparkplug', '--max-old-space-size=100']), false);
});
