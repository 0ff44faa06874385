// Differential test against the host CPU: one generated static C program runs every instruction form on
// random and edge-case inputs with random incoming flags, natively and in the emulator; outputs must match.
// CPU_DIFF_CASES=N raises the number of cases per form (default 96).

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { forms, program } from '../../fixtures/cpu/gen';
import { buildC, haveGcc, readBytes } from '../../fixtures/cpu/build';
import { loadStaticElf, runToExit } from '../../fixtures/cpu/miniLoader';

const CASES = Number(process.env.CPU_DIFF_CASES ?? 96);

test('every instruction form matches the host CPU (results and defined flags)', () => {
  assert.ok(haveGcc(), 'gcc is required (the CI installs it)');
  const fs = forms();
  const exe = buildC('diff', program(fs, CASES));
  const native = spawnSync(exe, { encoding: 'latin1', maxBuffer: 1 << 30 });
  assert.equal(native.status, 0, `native run failed: ${native.stderr}`);
  const emu = runToExit(loadStaticElf(readBytes(exe)), 5e9);
  assert.equal(emu.stop, undefined, `emulator stopped early: ${JSON.stringify(emu.stop)}`);
  assert.equal(emu.exitCode, 0);

  const a = native.stdout.split('\n'), b = emu.stdout.split('\n');
  const bad: string[] = [];
  let form = -1, kase = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i]?.startsWith('#')) { form = Number(a[i].slice(1)); kase = 0; continue; }
    if (a[i] !== b[i] && bad.length < 20) bad.push(`${fs[form]?.name} case ${kase}:\n  native   ${a[i]}\n  emulator ${b[i]}`);
    kase++;
  }
  const total = fs.length * CASES;
  console.log(`differential: ${fs.length} instruction forms x ${CASES} cases = ${total} cases, ${emu.instructions} emulated instructions`);
  assert.equal(a.length, b.length, 'output length differs');
  assert.deepEqual(bad, [], `mismatches:\n${bad.join('\n')}`);
});
