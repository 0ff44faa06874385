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
  // a clock that starts at 0: the axis does too, not at the first event a few ns later
  assert.equal(timelineOrigin({ intervals: [{ lane: 'M1', kind: 'M', id: 1, state: 'running', start: 6, end: 290391 }], marks: [], t: 290391 }), 0);
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

test('a P retaken in a blocking syscall takes the label of the G syscall slice that began with it', () => {
  // blocking.s: G1 enters read at 140 (P0 _Psyscall at 148), sysmon retakes P0 at 30186, the read returns at
  // 290373 with p null (G1 had no P any more): the log cannot name P0's slice, G1's can
  const b: TimelineBody = { t: 290391, marks: [], intervals: [
    { lane: 'P0', kind: 'P', id: 0, state: '_Psyscall', start: 148, end: 30186 },
    { lane: 'P0', kind: 'P', id: 0, state: '_Psyscall', start: 280433, end: 280455 },
    { lane: 'G3', kind: 'G', id: 3, state: '_Gsyscall', start: 280425, end: 280459 },
    { lane: 'G1', kind: 'G', id: 1, state: '_Gsyscall', start: 140, end: 290391 }] };
  const log = [{ seq: 17, t: 280442, m: 3, p: 0, g: 3, name: 'write' }, { seq: 21, t: 290373, m: 0, p: null, g: 1, name: 'read' }];
  const ms = [{ id: 0, curg: 1, oldp: null, p: null, syscall: null }, { id: 3, curg: 3, oldp: null, p: 0, syscall: null }];
  const out = labelSyscallSlices(b, log, ms);
  assert.deepEqual(out.intervals.map(i => [i.lane, i.label, i.seq]),
    [['P0', 'read', 21], ['P0', 'write', 17], ['G3', 'write', 17], ['G1', 'read', 21]]);
});
