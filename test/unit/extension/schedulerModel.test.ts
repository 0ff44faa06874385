import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSchedulerTree, gStatusIcon, mIdOfThreadName, pStatusIcon, sanitizeSnapshot, type SchedNode } from '../../../src/extension/schedulerModel';
import type { SchedSnapshot } from '../../../src/goruntime/snapshot';

function snap(pStatus: string, gStatus: string, mSyscall: string | null, t = 1000): SchedSnapshot {
  return {
    gs: [{ goid: 1, status: gStatus, m: 1, p: pStatus === '_Psyscall' ? null : 0, pc: '0x401000', syscallpc: gStatus === '_Gsyscall' ? '0x401020' : '0x0', syscallsp: '0x0', waitreason: '' },
      { goid: 2, status: '_Grunnable', m: null, p: null, pc: '0x401100', syscallpc: '0x0', syscallsp: '0x0', waitreason: '' }],
    ms: [{ id: 1, p: pStatus === '_Psyscall' ? null : 0, curg: 1, oldp: pStatus === '_Psyscall' ? 0 : null, blocked: false, spinning: false, syscall: mSyscall }],
    ps: [{ id: 0, status: pStatus, m: pStatus === '_Psyscall' ? null : 1, runq: [2], syscalltick: pStatus === '_Psyscall' ? 1 : 0, schedtick: 3 },
      { id: 1, status: '_Pidle', m: null, runq: [], syscalltick: 0, schedtick: 0 }],
    sched: { runq: [], npidle: 1, nmidle: 0, nmspinning: 0 }, t, source: 'model',
  };
}

const find = (nodes: SchedNode[], id: string): SchedNode | undefined =>
  nodes.flatMap(n => [n, ...(n.children ?? [])]).find(n => n.id === id);

test('tree groups Ps, Ms, Gs and sched with status names in the description', () => {
  const tree = buildSchedulerTree(snap('_Psyscall', '_Gsyscall', 'write'), null);
  assert.deepEqual(tree.map(n => n.id), ['Ps', 'Ms', 'Gs', 'sched']);
  const p0 = find(tree, 'P0')!;
  assert.match(p0.description!, /^_Psyscall · M- · runq 1 · syscalltick 1 · schedtick 3$/);
  assert.deepEqual(p0.icon, { id: 'arrow-swap', color: 'charts.orange' });
  assert.match(find(tree, 'M1')!.description!, /in write · P- · curg G1 · oldp P0/);
  assert.equal(find(tree, 'M1')!.mId, 1);
  assert.match(find(tree, 'G1')!.description!, /_Gsyscall .* syscallpc 0x401020/);
  assert.match(tree[0].description!, /1 in syscall/);
  assert.equal(tree.flatMap(n => [n, ...(n.children ?? [])]).some(n => n.changed), false, 'first stop marks nothing');
});

test('an M whose syscall returned but that has no P yet is leaving the syscall, not idle', () => {
  const m1 = find(buildSchedulerTree(snap('_Psyscall', '_Gsyscall', null), null), 'M1')!;
  assert.match(m1.description!, /^leaving syscall · P- · curg G1 · oldp P0$/);
  assert.deepEqual(m1.icon, { id: 'arrow-swap', color: 'charts.orange' });
  const idle = snap('_Pidle', '_Grunnable', null);
  idle.ms[0] = { ...idle.ms[0], p: null, curg: null, oldp: null };
  assert.match(find(buildSchedulerTree(idle, null), 'M1')!.description!, /^idle · P- · curg G-$/);
});

test('items that changed since the previous stop are marked, others are not', () => {
  const before = snap('_Prunning', '_Grunning', null, 500);
  const after = snap('_Psyscall', '_Gsyscall', 'write', 900);
  const tree = buildSchedulerTree(after, before);
  assert.equal(find(tree, 'P0')!.changed, true);
  assert.equal(find(tree, 'P1')!.changed, false);
  assert.equal(find(tree, 'G1')!.changed, true);
  assert.equal(find(tree, 'G2')!.changed, false);
  assert.equal(find(tree, 'Ps')!.changed, true, 'a group with a changed child is marked');
  assert.match(find(tree, 'P0')!.tooltip!, /changed since the last stop/);
});

test('a new G is marked new', () => {
  const before = snap('_Prunning', '_Grunning', null);
  const after = snap('_Prunning', '_Grunning', null);
  after.gs.push({ goid: 7, status: '_Grunnable', m: null, p: null, pc: '0x1', syscallpc: '0x0', syscallsp: '0x0', waitreason: '' });
  const g7 = find(buildSchedulerTree(after, before), 'G7')!;
  assert.equal(g7.changed, true);
  assert.match(g7.tooltip!, /new since the last stop/);
});

test('status icons cover every P and G status with a theme colour', () => {
  for (const s of ['_Pidle', '_Prunning', '_Psyscall', '_Pgcstop', '_Pdead']) assert.notEqual(pStatusIcon(s).id, 'question', s);
  for (const s of ['_Gidle', '_Grunnable', '_Grunning', '_Gsyscall', '_Gwaiting', '_Gdead', '_Gcopystack', '_Gpreempted', '_Gscan|_Grunning'])
    assert.ok(gStatusIcon(s).color, s);
});

test('sanitizeSnapshot rejects junk and fills missing fields', () => {
  assert.equal(sanitizeSnapshot(undefined), null);
  assert.equal(sanitizeSnapshot({ gs: 1 }), null);
  const s = sanitizeSnapshot({ gs: [{ goid: 1 }, null], ms: [], ps: [{ id: 0 }] })!;
  assert.equal(s.gs.length, 1);
  assert.equal(s.gs[0].status, '?');
  assert.deepEqual(s.ps[0].runq, []);
  assert.deepEqual(s.sched.runq, []);
  assert.doesNotThrow(() => buildSchedulerTree(s, null));
});

test('thread names map to M ids', () => {
  assert.equal(mIdOfThreadName('M1 · P0 · G7 main.main'), 1);
  assert.equal(mIdOfThreadName('M12'), 12);
  assert.equal(mIdOfThreadName('thread 3'), undefined);
});
