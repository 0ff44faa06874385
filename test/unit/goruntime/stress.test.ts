// Many goroutines, Gosched, semaphores and syscalls on 1..4 Ps: the program finishes, and the scheduler's
// bookkeeping stays consistent at every point the kernel hands control back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kernel } from '../../../src/linux/kernel';
import type { TraceEventBody } from '../../../src/linux/trace';
import { loadModelProgram } from '../../../src/goruntime';
import type { ModelState } from '../../../src/goruntime/state';

const path = join(__dirname, '..', '..', '..', '..', 'test', 'unit', 'goruntime', 'fixtures', 'stress.s');

function check(st: ModelState): void {
  const s = st.sched;
  assert.equal(s.npidle, s.pidle.length);
  assert.equal(s.nmidle, s.midle.length);
  assert.equal(s.runqsize, s.runq.length);
  assert.ok(s.nmspinning >= 0);
  for (const id of s.pidle) assert.deepEqual([st.allp[id].status, st.allp[id].m], [0, null], `idle P${id}`);
  const queued = [...s.runq, ...st.allp.flatMap((p) => (p.runnext !== null ? [p.runnext, ...p.runq] : p.runq))];
  assert.equal(new Set(queued).size, queued.length, 'a G is queued twice');
  for (const goid of queued) assert.equal(st.allgs.find((g) => g.goid === goid)?.atomicstatus, 1, `queued G${goid} is not _Grunnable`);
  for (const m of st.allm) if (m.p !== null) assert.equal(st.allp[m.p].m, m.id, `M${m.id} holds P${m.p}`);
}

for (const n of [1, 2, 3, 4]) {
  test(`stress.s with GOMAXPROCS=${n}`, () => {
    const events: TraceEventBody[] = [];
    let out = '';
    const kernel = new Kernel({ trace: { emit: (e) => events.push(e) }, stdout: (b) => { out += new TextDecoder().decode(b); }, ncpu: n });
    const res = loadModelProgram(kernel, [{ path, text: readFileSync(path, 'utf8') }], { gomaxprocs: n });
    assert.ok(res.ok && res.model, JSON.stringify(res.diagnostics));
    let stop = 'budget';
    for (let i = 0; i < 2000 && stop === 'budget'; i++) {
      stop = kernel.run(997).kind;
      check(res.model.st);
    }
    assert.equal(stop, 'exit');
    assert.deepEqual(kernel.exited, { code: 0 });
    assert.equal(out, '.'.repeat(24));
    assert.equal(events.filter((e) => e.ev === 'warning').length, 0);
    // Every goroutine but main ended in _Gdead, each one's 3 writes took the fast path.
    assert.equal(events.filter((e) => e.ev === 'gstatus' && e.to === '_Gdead').length, 8);
    assert.equal(events.filter((e) => e.ev === 'exitsyscall' && e.path === 'fast').length, 24);
  });
}
