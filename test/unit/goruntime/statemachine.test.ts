// The model as a pure state machine: no CPU, no kernel. The test plays the guest: it pushes a return address,
// jumps into a model function and lets the model step until RIP is back in "guest code".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Model } from '../../../src/goruntime/model';
import { FakeHost } from './fakehost';

const RET = 0x401234;
const MAIN = 0x401000;

function boot(gomaxprocs = 2): { host: FakeHost; model: Model; tid: number } {
  const host = new FakeHost();
  const model = new Model(host, { gomaxprocs, mainPC: MAIN });
  const tid = host.threads[0].tid;
  const r = model.boot(tid);
  host.setRegs(tid, r);
  return { host, model, tid };
}

/** Runs model steps on thread tid until it leaves the native region (or blocks); returns the lines it walked. */
function runModel(host: FakeHost, model: Model, tid: number, max = 500): string[] {
  const walked: string[] = [];
  for (let i = 0; i < max; i++) {
    const t = host.thread(tid);
    if (t.state !== 'runnable' || t.rip < model.prog.start || t.rip >= model.prog.end) return walked;
    const st = model.prog.stepAt(t.rip);
    walked.push(`${st?.fn.def.name.replace('runtime.', '')}: ${st?.text}`);
    model.step(tid, t.rip);
    host.t += 1;
  }
  throw new Error('model did not return');
}

/** Guest `CALL runtime·name(SB)` from G1's current stack. */
function call(host: FakeHost, model: Model, tid: number, name: string): void {
  const t = host.thread(tid);
  t.rsp -= 8;
  host.write64(t.rsp, RET);
  t.rip = model.prog.entry(name);
}

test('boot: M0 holds P0 and runs G1 in runtime.main; the other Ps are idle', () => {
  const { model, host } = boot(3);
  const s = model.snapshot();
  assert.deepEqual(s.gs.map((g) => [g.goid, g.status, g.m, g.p]), [[1, '_Grunning', 0, 0]]);
  assert.deepEqual(s.ps.map((p) => [p.id, p.status, p.m]), [[0, '_Prunning', 0], [1, '_Pidle', null], [2, '_Pidle', null]]);
  assert.deepEqual(s.ms.map((m) => [m.id, m.p, m.curg]), [[0, 0, 1]]);
  assert.equal(s.sched.npidle, 2);
  assert.equal(s.source, 'model');
  assert.equal(host.events.length, 0);
});

test('runtime.main starts sysmon (M1) then calls main·main', () => {
  const { model, host, tid } = boot();
  const walked = runModel(host, model, tid);
  assert.equal(host.thread(tid).rip, MAIN);
  assert.equal(host.threads.length, 2);
  assert.equal(host.threads[1].name, 'M1');
  assert.ok(walked.includes('main: mainStarted = true'));
  assert.ok(walked.includes('newm: newm1(mp)'));
  assert.deepEqual(model.identify(host.threads[1].tid), { m: 1, p: null, g: null });
});

test('entersyscall then exitsyscall: the fast path, step by step', () => {
  const { model, host, tid } = boot();
  runModel(host, model, tid); // into main·main
  call(host, model, tid, 'runtime.entersyscall');
  const sp = host.thread(tid).rsp;
  const enter = runModel(host, model, tid);
  assert.equal(host.thread(tid).rip, RET);
  assert.equal(host.thread(tid).rsp, sp + 8);
  assert.deepEqual(enter.filter((l) => l.startsWith('entersyscall') || l.includes('casgstatus') || l.includes('_Psyscall')), [
    'entersyscall: fp := getcallerfp()',
    'entersyscall: reentersyscall(getcallerpc(), getcallersp(), fp)',
    'reentersyscall: casgstatus(gp, _Grunning, _Gsyscall)',
    'reentersyscall: atomic.Store(&pp.status, _Psyscall)',
    'entersyscall: }',
  ]);
  let s = model.snapshot();
  assert.equal(s.gs[0].status, '_Gsyscall');
  assert.equal(s.gs[0].syscallpc, '0x401234');
  assert.equal(s.gs[0].syscallsp, '0x' + (sp + 8).toString(16));
  assert.deepEqual([s.ps[0].status, s.ps[0].m], ['_Psyscall', null]);
  assert.deepEqual([s.ms[0].p, s.ms[0].oldp], [null, 0]);
  assert.deepEqual(model.identify(tid), { m: 0, p: 0, g: 1 });

  // The guest's CALL returned (the model popped the return address); it calls exitsyscall from the same frame.
  call(host, model, tid, 'runtime.exitsyscall');
  runModel(host, model, tid);
  assert.equal(host.thread(tid).rip, RET);
  s = model.snapshot();
  assert.deepEqual([s.gs[0].status, s.gs[0].syscallsp], ['_Grunning', '0x0']);
  assert.deepEqual([s.ps[0].status, s.ps[0].m, s.ms[0].p, s.ms[0].oldp], ['_Prunning', 0, 0, null]);
  assert.equal(s.ps[0].syscalltick, 1);
  assert.deepEqual(host.events.filter((e) => e.ev !== 'thread').map((e) => JSON.stringify(e)), [
    '{"ev":"gstatus","g":1,"from":"_Grunning","to":"_Gsyscall","m":0,"p":0}',
    '{"ev":"pstatus","p":0,"from":"_Prunning","to":"_Psyscall","m":0}',
    '{"ev":"pstatus","p":0,"from":"_Psyscall","to":"_Prunning","m":0}',
    '{"ev":"exitsyscall","g":1,"m":0,"path":"fast"}',
    '{"ev":"gstatus","g":1,"from":"_Gsyscall","to":"_Grunning","m":0,"p":0}',
  ]);
});

test('exitsyscall after the P was retaken and no P is idle: slow path, global runq, stopm', () => {
  const { model, host, tid } = boot(1);
  runModel(host, model, tid);
  call(host, model, tid, 'runtime.entersyscall');
  runModel(host, model, tid);
  // Another M took P0 meanwhile (what retake + handoffp do).
  const st = model.st;
  st.allp[0].status = 1; st.allp[0].m = 7;
  call(host, model, tid, 'runtime.exitsyscall');
  runModel(host, model, tid);
  const s = model.snapshot();
  assert.equal(s.gs[0].status, '_Grunnable');
  assert.deepEqual(s.sched.runq, [1]);
  assert.equal(host.thread(tid).state, 'blocked'); // stopm: parked in mPark
  assert.deepEqual(s.ms[0], { id: 0, p: null, curg: null, oldp: null, blocked: true, spinning: false, syscall: null, tid });
  assert.equal(s.sched.nmidle, 1);
  assert.ok(host.events.some((e) => e.ev === 'exitsyscall' && e.path === 'slow'));
});

test('GOMAXPROCS outside 1..256 is refused with a clear message', () => {
  assert.throws(() => new Model(new FakeHost(), { gomaxprocs: 0, mainPC: MAIN }), /GOMAXPROCS must be an integer from 1 to 256, got 0/);
});

test('a jump into the middle of a model function stops with a message naming it', () => {
  const { model, host, tid } = boot();
  runModel(host, model, tid);
  const f = model.prog.byName.get('runtime.exitsyscall')!;
  host.thread(tid).rip = f.steps[3].addr;
  model.step(tid, f.steps[3].addr);
  assert.equal(host.faults.length, 1);
  assert.match(host.faults[0], /jumped into the middle of runtime\.exitsyscall \(runtime\/proc\.go \(model\):\d+/);
  assert.equal(host.exitCode, 2);
});

test('saveState/restoreState: plain data, restored state replays identically', () => {
  const { model, host, tid } = boot();
  runModel(host, model, tid);
  const saved = model.saveState();
  const regs = host.regs(tid);
  call(host, model, tid, 'runtime.entersyscall');
  runModel(host, model, tid);
  const after = JSON.stringify(model.snapshot().gs);
  model.restoreState(saved);
  host.setRegs(tid, regs);
  assert.equal(model.snapshot().gs[0].status, '_Grunning');
  call(host, model, tid, 'runtime.entersyscall');
  runModel(host, model, tid);
  assert.equal(JSON.stringify(model.snapshot().gs), after);
  assert.deepEqual(structuredClone(saved), saved);
});

/** Runs the sysmon thread alone: its sleeps advance the fake clock. Returns the sleep lengths (µs). */
function runSysmon(host: FakeHost, model: Model, rounds: number, until?: () => boolean): number[] {
  const sysmon = host.threads[1];
  const sleeps: number[] = [];
  for (let i = 0; i < 1_000_000 && sleeps.length < rounds; i++) {
    if (sysmon.state === 'sleeping') {
      sleeps.push((sysmon.until! - host.t) / 1000);
      host.t = sysmon.until!;
      sysmon.state = 'runnable';
      if (until?.()) break;
      continue;
    }
    assert.equal(sysmon.state, 'runnable');
    model.step(sysmon.tid, sysmon.rip);
    host.t += 1;
  }
  return sleeps;
}

test('sysmon sleeps 20 µs, doubles after 50 idle rounds, up to 10 ms', () => {
  const { model, host, tid } = boot(1);
  runModel(host, model, tid); // G1 runs main·main: P0 busy, so sysmon keeps watching
  const sleeps = runSysmon(host, model, 64);
  const expected = [...Array(51).fill(20), 40, 80, 160, 320, 640, 1280, 2560, 5120, 10000, 10000, 10000, 10000, 10000];
  assert.deepEqual(sleeps.map((d) => Math.round(d)), expected);
});

test('retake: a P in a syscall with nothing queued and an idle P is left alone for 10 ms, then handed off', () => {
  const { model, host, tid } = boot(2);
  runModel(host, model, tid);
  call(host, model, tid, 'runtime.entersyscall');
  runModel(host, model, tid);
  const entered = host.t;
  runSysmon(host, model, 10_000, () => host.events.some((e) => e.ev === 'handoff'));
  const retakeAt = host.t;
  const ev = host.events.filter((e) => e.ev === 'pstatus' || e.ev === 'handoff').map((e) => JSON.stringify(e));
  assert.deepEqual(ev, [
    '{"ev":"pstatus","p":0,"from":"_Prunning","to":"_Psyscall","m":0}',
    '{"ev":"pstatus","p":0,"from":"_Psyscall","to":"_Pidle","m":1}',
    '{"ev":"handoff","p":0,"fromM":0,"toM":2,"reason":"sysmon retake"}',
  ]);
  assert.ok(retakeAt - entered >= 10_000_000, `retaken after ${retakeAt - entered} ns`);
  // The first sysmon round after 10 ms: by then sysmon has backed off to rounds of about 1.3 ms.
  assert.ok(retakeAt - entered < 12_000_000, `retaken after ${retakeAt - entered} ns`);
  assert.equal(host.threads.length, 3); // M2 started for the last running P (Go keeps one M able to poll)
});
