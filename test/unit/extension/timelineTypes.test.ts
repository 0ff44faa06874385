import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelSyscallSlices, laneOrder, sanitizeTimeline, timelineOrigin, type TimelineBody } from '../../../src/extension/timelineTypes';

const body: TimelineBody = {
  intervals: [
    { lane: 'G7', kind: 'G', id: 7, state: '_Gsyscall', start: 100, end: 300, label: 'read', seq: 4 },
    { lane: 'M2', kind: 'M', id: 2, state: 'running', start: 0, end: 300 },
    { lane: 'P0', kind: 'P', id: 0, state: '_Psyscall', start: 100, end: 300 },
    { lane: 'G1', kind: 'G', id: 1, state: '_Grunning', start: 0, end: 300 },
    { lane: 'M10', kind: 'M', id: 10, state: 'idle', start: 0, end: 300 },
  ],
  marks: [{ t: 200, kind: 'handoff', label: 'P0 M1→M2 (sysmon retake)', lane: 'P0' }],
  t: 300,
};

test('lanes: Ps, then Ms, then Gs, by numeric id', () => {
  assert.deepEqual(laneOrder(body), ['P0', 'M2', 'M10', 'G1', 'G7']);
});

test('sanitizeTimeline keeps good parts and never throws', () => {
  assert.deepEqual(sanitizeTimeline(undefined), { intervals: [], marks: [], t: 0 });
  const dirty = { intervals: [...body.intervals, { lane: 'X', kind: 'Q', id: 1, state: 's', start: 0, end: 1 }, { lane: 'P1', kind: 'P', id: 1, state: 's', start: 5, end: 1 }],
    marks: [...body.marks, { t: 'x', kind: 'handoff', label: '' }] };
  const s = sanitizeTimeline(dirty);
  assert.equal(s.intervals.length, 5);
  assert.equal(s.marks.length, 1);
  assert.equal(s.t, 300, 't defaults to the last interval end');
});

test('origin: the earliest known time, ignoring "since the beginning" starts of 0', () => {
  const b: TimelineBody = { intervals: [{ lane: 'G1', kind: 'G', id: 1, state: '_Grunning', start: 0, end: 1_000_000_140 },
    { lane: 'M0', kind: 'M', id: 0, state: 'running', start: 1_000_000_006, end: 1_000_000_200 }], marks: [], t: 1_000_000_200 };
  assert.equal(timelineOrigin(b), 1_000_000_006);
  assert.equal(timelineOrigin({ intervals: [], marks: [], t: 0 }), 0);
});

test('syscall slices without labels get the syscall name: finished from the log, open from the M', () => {
  const b: TimelineBody = { t: 500, marks: [], intervals: [
    { lane: 'G1', kind: 'G', id: 1, state: '_Gsyscall', start: 100, end: 200 },
    { lane: 'G1', kind: 'G', id: 1, state: '_Gsyscall', start: 300, end: 500 },
    { lane: 'P0', kind: 'P', id: 0, state: '_Psyscall', start: 300, end: 500 },
    { lane: 'G2', kind: 'G', id: 2, state: '_Grunning', start: 0, end: 500 }] };
  const out = labelSyscallSlices(b, [{ seq: 4, t: 200, name: 'write', g: 1, p: 0, m: 0 }],
    [{ id: 0, curg: 1, oldp: 0, p: null, syscall: 'read' }]);
  assert.deepEqual(out.intervals.map(i => [i.label, i.seq]), [['write', 4], ['read', undefined], ['read', undefined], [undefined, undefined]]);
});
