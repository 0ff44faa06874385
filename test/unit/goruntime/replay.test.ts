// Determinism and snapshots: the same program gives the same trace byte for byte, and a kernel snapshot plus the
// model's saved state replays the rest of the run identically.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kernel } from '../../../src/linux/kernel';
import type { TraceEventBody } from '../../../src/linux/trace';
import { loadModelProgram } from '../../../src/goruntime';
import { SAMPLES, runSample } from './harness';

test('blocking.s: two runs give identical traces, output and instruction counts', () => {
  const a = runSample('blocking.s');
  const b = runSample('blocking.s');
  assert.equal(JSON.stringify(a.events), JSON.stringify(b.events));
  assert.equal(a.stdout, b.stdout);
  assert.equal(a.kernel.instructions, b.kernel.instructions);
  assert.equal(a.kernel.clockNs, b.kernel.clockNs);
});

test('snapshot mid-run (G1 blocked in read, P0 retaken), restore, and the rest replays the same', () => {
  const events: TraceEventBody[] = [];
  let out = '';
  const kernel = new Kernel({ trace: { emit: (e) => events.push(e) }, stdout: (b) => { out += new TextDecoder().decode(b); }, ncpu: 2 });
  const path = join(SAMPLES, 'blocking.s');
  const res = loadModelProgram(kernel, [{ path, text: readFileSync(path, 'utf8') }], { gomaxprocs: 2 });
  assert.ok(res.ok && res.model);
  const model = res.model;
  // Run until sysmon has handed P0 off.
  let guard = 0;
  while (!events.some((e) => e.ev === 'handoff')) {
    assert.equal(kernel.run(2_000).kind, 'budget');
    assert.ok(++guard < 1000);
  }
  const ks = kernel.snapshot();
  const ms = model.saveState();
  const mark = events.length;
  const sched = model.snapshot();
  assert.equal(sched.gs.find((g) => g.goid === 1)?.status, '_Gsyscall');
  assert.equal(sched.ms.find((m) => m.id === 0)?.syscall, 'read');
  assert.equal(sched.ms.find((m) => m.id === 0)?.oldp, 0);

  const finish = () => { for (let i = 0; i < 100; i++) { const s = kernel.run(100_000); if (s.kind !== 'budget') return s.kind; } return 'budget'; };
  assert.equal(finish(), 'exit');
  const tail1 = JSON.stringify(events.slice(mark));
  const out1 = out;

  kernel.restore(ks);
  model.restoreState(ms);
  events.length = mark;
  out = '';
  assert.deepEqual(model.snapshot().gs.map((g) => g.status), sched.gs.map((g) => g.status));
  assert.equal(finish(), 'exit');
  assert.equal(JSON.stringify(events.slice(mark)), tail1);
  assert.equal(out, out1);
});
