// The scheduler loop of Go 1.23's runtime/proc.go as model functions: schedule, findRunnable, execute, and the
// ways a goroutine leaves the CPU (gopark/park_m, Gosched/gosched_m, goexit) or comes back (goready/ready).

import type { Ctx } from '../ctx';
import type { ModelFuncDef, Step } from '../program';
import { _Gdead, _Grunnable, _Grunning, _Gwaiting, runqempty } from '../state';

const s = (text: string, run: Step, label?: string): [string, Step] | [string, Step, string] => (label ? [text, run, label] : [text, run]);
const hex = (n: number): string => '0x' + n.toString(16);
const gp = (c: Ctx) => c.g(c.l.gp);
const stackTries = 4;

/**
 * The unlock function of a semacquire park: queue the G on the semaphore unless it can be taken now (then the G
 * does not sleep and semacquire tries again). Go queues before parking, under the semaphore root's lock, which
 * the unlock function releases; queueing here, once the G is _Gwaiting, gives the same guarantees.
 */
function unlockf(c: Ctx): boolean {
  const addr = c.m.waitlock ?? 0;
  if (c.host.read32(addr) > 0) return false;
  const key = '0x' + addr.toString(16);
  (c.st.sema[key] ??= []).push(gp(c).goid);
  return true;
}

/** stealWork without timers: try every other P, in a fixed order (Go picks a random start; the model is deterministic). */
function stealWork(c: Ctx): number | null {
  const pp = c.p(c.m.p);
  const n = c.st.gomaxprocs;
  for (let i = 0; i < stackTries; i++) {
    const stealRunNextG = i === stackTries - 1;
    for (let k = 1; k < n; k++) {
      const p2 = c.p((pp.id + k) % n);
      if (runqempty(p2)) continue;
      const gp = c.runqsteal(pp, p2, stealRunNextG);
      if (gp !== null) return gp;
    }
  }
  return null;
}

export const schedFuncs: ModelFuncDef[] = [
  {
    name: 'runtime.schedule', file: 'runtime/proc.go', sig: 'func schedule()',
    doc: ['Model of schedule (Go 1.23 runtime/proc.go): one round of the scheduler: find a runnable', 'goroutine and execute it. Never returns.'],
    body: [
      s('mp := getg().m', (c) => { c.l.mp = c.m.id; }),
      '',
      s('if mp.locks != 0 {', (c) => c.when(c.m.locks !== 0, 'top')),
      s('\tthrow("schedule: holding locks")', (c) => c.throw('schedule: holding locks')),
      '}',
      '',
      'top:',
      s('pp := mp.p.ptr()', (c) => { c.l.pp = c.m.p; }, 'top'),
      s('pp.preempt = false', () => undefined),
      '',
      s('gp, inheritTime, tryWakeP := findRunnable() // parks this M until there is work', (c) => c.call('runtime.findRunnable', {}, ['gp', 'inheritTime', 'tryWakeP'])),
      '',
      '// This thread is about to run a goroutine: if it was spinning, it stops, and may wake another.',
      s('if mp.spinning {', (c) => c.when(c.m.spinning, 'wake')),
      s('\tresetspinning()', (c) => c.call('runtime.resetspinning')),
      '}',
      '',
      '// Scheduling a special goroutine (GC worker, tracer) may leave other work to share.',
      s('if tryWakeP {', (c) => c.when(c.l.tryWakeP === true, 'exec'), 'wake'),
      s('\twakep()', (c) => c.call('runtime.wakep')),
      '}',
      '',
      s('execute(gp, inheritTime)', (c) => c.call('runtime.execute', { gp: c.l.gp, inheritTime: c.l.inheritTime }), 'exec'),
    ],
  },
  {
    name: 'runtime.findRunnable', file: 'runtime/proc.go', sig: 'func findRunnable() (gp *g, inheritTime, tryWakeP bool)',
    doc: ['Model of findRunnable (Go 1.23 runtime/proc.go), without GC workers, timers and the network', 'poller (the model has none): local run queue, global run queue, stealing, then stopm.'],
    body: [
      s('mp := getg().m', (c) => { c.l.mp = c.m.id; }),
      '',
      'top:',
      s('pp := mp.p.ptr()', (c) => { c.l.pp = c.m.p; }, 'top'),
      '',
      '// Now and then look at the global queue first, so its goroutines are not starved.',
      s('if pp.schedtick%61 == 0 && sched.runqsize > 0 {', (c) => c.when(c.p(c.l.pp).schedtick % 61 === 0 && c.st.sched.runqsize > 0, 'local')),
      s('\tlock(&sched.lock)', (c) => c.lock()),
      s('\tgp := globrunqget(pp, 1)', (c) => { c.l.gp = c.globrunqget(c.p(c.l.pp), 1); }),
      s('\tunlock(&sched.lock)', (c) => { c.unlock(); }),
      s('\tif gp != nil {', (c) => c.when(c.l.gp !== null, 'local')),
      s('\t\treturn gp, false, false', (c) => c.ret([c.l.gp, false, false])),
      '\t}',
      '}',
      '',
      '// Our own run queue first,',
      s('if gp, inheritTime := runqget(pp); gp != nil {', (c) => {
        const [g, inherit] = c.runqget(c.p(c.l.pp));
        c.l.gp = g;
        c.l.inheritTime = inherit;
        return c.when(g !== null, 'global');
      }, 'local'),
      s('\treturn gp, inheritTime, false', (c) => c.ret([c.l.gp, c.l.inheritTime, false])),
      '}',
      '',
      '// then the global one.',
      s('if sched.runqsize != 0 {', (c) => c.when(c.st.sched.runqsize !== 0, 'steal'), 'global'),
      s('\tlock(&sched.lock)', (c) => c.lock()),
      s('\tgp := globrunqget(pp, 0)', (c) => { c.l.gp = c.globrunqget(c.p(c.l.pp), 0); }),
      s('\tunlock(&sched.lock)', (c) => { c.unlock(); }),
      s('\tif gp != nil {', (c) => c.when(c.l.gp !== null, 'steal')),
      s('\t\treturn gp, false, false', (c) => c.ret([c.l.gp, false, false])),
      '\t}',
      '}',
      '',
      '// Spinning Ms look for work in other Ps\' queues. Go limits them to half the busy Ps.',
      s('if mp.spinning || 2*sched.nmspinning.Load() < gomaxprocs-sched.npidle.Load() {', (c) =>
        c.when(c.m.spinning || 2 * c.st.sched.nmspinning < c.st.gomaxprocs - c.st.sched.npidle, 'giveup'), 'steal'),
      s('\tif !mp.spinning {', (c) => c.when(!c.m.spinning, 'dosteal')),
      s('\t\tmp.becomeSpinning()', (c) => { c.becomeSpinning(); }),
      '\t}',
      '',
      s('\tgp, inheritTime, tnow, w, newWork := stealWork(now)', (c) => { c.l.gp = stealWork(c); c.l.inheritTime = false; }, 'dosteal'),
      s('\tif gp != nil {', (c) => c.when(c.l.gp !== null, 'giveup')),
      s('\t\treturn gp, inheritTime, false', (c) => c.ret([c.l.gp, false, false])),
      '\t}',
      '}',
      '',
      '// Nothing to do: give up the P. Check the global queue once more, under the lock.',
      s('lock(&sched.lock)', (c) => c.lock(), 'giveup'),
      s('if sched.runqsize != 0 {', (c) => c.when(c.st.sched.runqsize !== 0, 'release')),
      s('\tgp := globrunqget(pp, 0)', (c) => { c.l.gp = c.globrunqget(c.p(c.l.pp), 0); }),
      s('\tunlock(&sched.lock)', (c) => { c.unlock(); }),
      s('\treturn gp, false, false', (c) => c.ret([c.l.gp, false, false])),
      '}',
      s('if releasep() != pp {', (c) => {
        const p = c.releasep();
        return c.when(p.id !== c.l.pp, 'pidleput');
      }, 'release'),
      s('\tthrow("findrunnable: wrong p")', (c) => c.throw('findrunnable: wrong p')),
      '}',
      s('now = pidleput(pp, now)', (c) => { c.pidleput(c.p(c.l.pp)); }, 'pidleput'),
      s('unlock(&sched.lock)', (c) => { c.unlock(); }),
      '',
      '// A spinning M that gives up must look once more at every queue: work queued after its',
      '// last look would otherwise wait with no M to run it.',
      s('if mp.spinning {', (c) => c.when(c.m.spinning, 'stop')),
      s('\tmp.spinning = false', (c) => { c.m.spinning = false; }),
      s('\tif sched.nmspinning.Add(-1) < 0 {', (c) => c.when(--c.st.sched.nmspinning < 0, 'recheck')),
      s('\t\tthrow("findrunnable: negative nmspinning")', (c) => c.throw('findrunnable: negative nmspinning')),
      '\t}',
      s('\tlock(&sched.lock)', (c) => c.lock(), 'recheck'),
      s('\tif sched.runqsize != 0 {', (c) => c.when(c.st.sched.runqsize !== 0, 'unlock2')),
      s('\t\tpp, _ := pidlegetSpinning(0)', (c) => { c.l.pp = c.pidleget()?.id ?? null; }),
      s('\t\tif pp != nil {', (c) => c.when(c.l.pp !== null, 'unlock2')),
      s('\t\t\tgp := globrunqget(pp, 0)', (c) => { c.l.gp = c.globrunqget(c.p(c.l.pp), 0); }),
      s('\t\t\tunlock(&sched.lock)', (c) => { c.unlock(); }),
      s('\t\t\tacquirep(pp)', (c) => { c.acquirep(c.p(c.l.pp)); }),
      s('\t\t\tmp.becomeSpinning()', (c) => { c.becomeSpinning(); }),
      s('\t\t\treturn gp, false, false', (c) => c.ret([c.l.gp, false, false])),
      '\t\t}',
      '\t}',
      s('\tunlock(&sched.lock)', (c) => { c.unlock(); }, 'unlock2'),
      '',
      s('\tpp := checkRunqsNoP(allpSnapshot, idlepMaskSnapshot)', (c) => {
        const busy = c.st.allp.some((p) => !runqempty(p));
        c.l.pp = busy ? c.pidleget()?.id ?? null : null;
      }),
      s('\tif pp != nil {', (c) => c.when(c.l.pp !== null, 'stop')),
      s('\t\tacquirep(pp)', (c) => { c.acquirep(c.p(c.l.pp)); }),
      s('\t\tmp.becomeSpinning()', (c) => { c.becomeSpinning(); }),
      s('\t\tgoto top', (c) => c.goto('top')),
      '\t}',
      '}',
      '',
      s('stopm()', (c) => c.call('runtime.stopm'), 'stop'),
      s('goto top', (c) => c.goto('top')),
    ],
  },
  {
    name: 'runtime.execute', file: 'runtime/proc.go', sig: 'func execute(gp *g, inheritTime bool)',
    doc: ['Model of execute (Go 1.23 runtime/proc.go): run gp on this M. Never returns: gogo jumps to the', 'goroutine\'s saved SP/PC/BP.'],
    body: [
      s('mp := getg().m', (c) => { c.l.mp = c.m.id; }),
      '',
      s('mp.curg = gp', (c) => { c.m.curg = gp(c).goid; }),
      s('gp.m = mp', (c) => { gp(c).m = c.m.id; }),
      s('casgstatus(gp, _Grunnable, _Grunning)', (c) => { c.casgstatus(gp(c), _Grunnable, _Grunning); }),
      s('gp.waitsince = 0', (c) => { gp(c).waitsince = 0; gp(c).waitreason = ''; }),
      s('gp.preempt = false', (c) => { gp(c).preempt = false; }),
      s('gp.stackguard0 = gp.stack.lo + stackGuard', (c) => { gp(c).stackguard0 = hex(gp(c).stack.lo + 928); }),
      s('if !inheritTime {', (c) => c.when(c.l.inheritTime !== true, 'gogo')),
      s('\tmp.p.ptr().schedtick++', (c) => { c.p(c.m.p).schedtick++; }),
      '}',
      '',
      s('gogo(&gp.sched)', (c) => ({ k: 'gogo', goid: gp(c).goid }), 'gogo'),
    ],
  },
  {
    name: 'runtime.resetspinning', file: 'runtime/proc.go', sig: 'func resetspinning()',
    doc: ['Model of resetspinning (Go 1.23 runtime/proc.go).'],
    body: [
      s('gp := getg()', () => undefined),
      s('if !gp.m.spinning {', (c) => c.when(!c.m.spinning, 'reset')),
      s('\tthrow("resetspinning: not a spinning m")', (c) => c.throw('resetspinning: not a spinning m')),
      '}',
      s('gp.m.spinning = false', (c) => { c.m.spinning = false; }, 'reset'),
      s('nmspinning := sched.nmspinning.Add(-1)', (c) => { c.l.nmspinning = --c.st.sched.nmspinning; }),
      s('if nmspinning < 0 {', (c) => c.when(c.num('nmspinning') < 0, 'wake')),
      s('\tthrow("findrunnable: negative nmspinning")', (c) => c.throw('findrunnable: negative nmspinning')),
      '}',
      '// We found work and stop spinning: another M may have to take over the search.',
      s('wakep()', (c) => c.call('runtime.wakep'), 'wake'),
    ],
  },
  {
    name: 'runtime.gopark', file: 'runtime/proc.go', sig: 'func gopark(unlockf func(*g, unsafe.Pointer) bool, lock unsafe.Pointer, reason waitReason, traceReason traceBlockReason, traceskip int)',
    doc: ['Model of gopark (Go 1.23 runtime/proc.go): put the current goroutine to sleep until goready.'],
    body: [
      s('mp := acquirem()', (c) => { c.l.mp = c.m.id; c.m.locks++; }),
      s('gp := mp.curg', (c) => { c.l.gp = c.m.curg; }),
      s('status := readgstatus(gp)', (c) => { c.l.status = gp(c).atomicstatus; }),
      s('if status != _Grunning && status != _Gscanrunning {', (c) => c.when(c.l.status !== _Grunning, 'park')),
      s('\tthrow("gopark: bad g status")', (c) => c.throw('gopark: bad g status')),
      '}',
      s('gp.waitreason = reason', (c) => { gp(c).waitreason = String(c.l.reason ?? ''); }, 'park'),
      s('releasem(mp)', (c) => { c.m.locks--; }),
      '// From here the G may be readied by another M: switch to g0 before anything else.',
      s('mcall(park_m)', (c) => ({ k: 'mcall', fn: 'runtime.park_m', gp: gp(c).goid })),
    ],
  },
  {
    name: 'runtime.park_m', file: 'runtime/proc.go', sig: 'func park_m(gp *g)',
    doc: ['Model of park_m (Go 1.23 runtime/proc.go), on g0.'],
    body: [
      s('mp := getg().m', (c) => { c.l.mp = c.m.id; }),
      s('casgstatus(gp, _Grunning, _Gwaiting)', (c) => { c.casgstatus(gp(c), _Grunning, _Gwaiting); gp(c).waitsince = c.now(); }),
      s('dropg()', (c) => { gp(c).m = null; c.m.curg = null; }),
      '',
      '// Now that the G is _Gwaiting, run gopark\'s unlock function: a goready from another M',
      '// from here on finds the G asleep, as it must.',
      s('if fn := mp.waitunlockf; fn != nil {', (c) => c.when(c.m.waitunlockf !== null, 'sched')),
      s('\tok := fn(gp, mp.waitlock)', (c) => { c.l.ok = unlockf(c); }),
      s('\tmp.waitunlockf = nil', (c) => { c.m.waitunlockf = null; }),
      s('\tmp.waitlock = nil', (c) => { c.m.waitlock = null; }),
      s('\tif !ok {', (c) => c.when(c.l.ok !== true, 'sched')),
      s('\t\tcasgstatus(gp, _Gwaiting, _Grunnable)', (c) => { c.casgstatus(gp(c), _Gwaiting, _Grunnable); gp(c).waitreason = ''; }),
      s('\t\texecute(gp, true) // run it again at once; does not return', (c) => c.call('runtime.execute', { gp: c.l.gp, inheritTime: true })),
      '\t}',
      '}',
      s('schedule()', (c) => c.call('runtime.schedule'), 'sched'),
    ],
  },
  {
    name: 'runtime.goready', file: 'runtime/proc.go', sig: 'func goready(gp *g, traceskip int)',
    doc: ['Model of goready (Go 1.23 runtime/proc.go).'],
    body: [
      'systemstack(func() {',
      s('\tready(gp, traceskip, true)', (c) => c.call('runtime.ready', { gp: c.l.gp, next: true })),
      '})',
    ],
  },
  {
    name: 'runtime.ready', file: 'runtime/proc.go', sig: 'func ready(gp *g, traceskip int, next bool)',
    doc: ['Model of ready (Go 1.23 runtime/proc.go): mark gp runnable, queue it in runnext, wake a P.'],
    body: [
      s('status := readgstatus(gp)', (c) => { c.l.status = gp(c).atomicstatus; }),
      s('mp := acquirem()', (c) => { c.l.mp = c.m.id; c.m.locks++; }),
      s('if status&^_Gscan != _Gwaiting {', (c) => c.when(c.l.status !== _Gwaiting, 'ready')),
      s('\tthrow("bad g->status in ready")', (c) => c.throw('bad g->status in ready')),
      '}',
      s('casgstatus(gp, _Gwaiting, _Grunnable)', (c) => { c.casgstatus(gp(c), _Gwaiting, _Grunnable); gp(c).waitreason = ''; }, 'ready'),
      s('runqput(mp.p.ptr(), gp, next)', (c) => { c.runqput(c.p(c.m.p), gp(c).goid, c.l.next === true); }),
      s('wakep()', (c) => c.call('runtime.wakep')),
      s('releasem(mp)', (c) => { c.m.locks--; }),
    ],
  },
  {
    name: 'runtime.Gosched', file: 'runtime/proc.go', sig: 'func Gosched()', exported: true,
    doc: ['Model of Gosched (Go 1.23 runtime/proc.go): yield the processor; the goroutine goes to the', 'global run queue and runs again later.'],
    body: [
      s('checkTimeouts()', () => undefined),
      s('mcall(gosched_m)', (c) => ({ k: 'mcall', fn: 'runtime.gosched_m', gp: c.m.curg! })),
    ],
  },
  {
    name: 'runtime.gosched_m', file: 'runtime/proc.go', sig: 'func gosched_m(gp *g)',
    doc: ['Model of gosched_m and goschedImpl (Go 1.23 runtime/proc.go), on g0.'],
    body: [
      s('status := readgstatus(gp)', (c) => { c.l.status = gp(c).atomicstatus; }),
      s('if status&^_Gscan != _Grunning {', (c) => c.when(c.l.status !== _Grunning, 'yield')),
      s('\tthrow("bad g status")', (c) => c.throw('bad g status')),
      '}',
      s('casgstatus(gp, _Grunning, _Grunnable)', (c) => { c.casgstatus(gp(c), _Grunning, _Grunnable); }, 'yield'),
      s('dropg()', (c) => { gp(c).m = null; c.m.curg = null; }),
      s('lock(&sched.lock)', (c) => c.lock()),
      s('globrunqput(gp)', (c) => { c.globrunqput(gp(c).goid); }),
      s('unlock(&sched.lock)', (c) => { c.unlock(); }),
      '',
      s('if mainStarted {', (c) => c.when(c.st.mainStarted, 'sched')),
      s('\twakep()', (c) => c.call('runtime.wakep')),
      '}',
      '',
      s('schedule()', (c) => c.call('runtime.schedule'), 'sched'),
    ],
  },
  {
    name: 'runtime.goexit', file: 'runtime/asm_amd64.s', sig: 'TEXT runtime·goexit(SB),NOSPLIT|TOPFRAME|NOFRAME,$0-0', asm: true,
    doc: ['Model of runtime·goexit (Go 1.23 runtime/asm_amd64.s): every goroutine\'s function "returns"', 'here: newproc1 pushed the address of the CALL below as its return address.'],
    landing: [1],
    body: [
      s('BYTE\t$0x90\t// NOP', () => undefined),
      s('CALL\truntime·goexit1(SB)\t// does not return', (c) => c.call('runtime.goexit1')),
      '// (keeps goexit1\'s return address inside goexit, for tracebacks)',
      s('BYTE\t$0x90\t// NOP', () => { throw new Error('goexit1 returned'); }),
    ],
  },
  {
    name: 'runtime.Goexit', file: 'runtime/panic.go', sig: 'func Goexit()', exported: true,
    doc: ['Model of Goexit (Go 1.23 runtime/panic.go), without deferred calls (asm has none).'],
    body: [
      s('goexit1()', (c) => c.call('runtime.goexit1')),
    ],
  },
  {
    name: 'runtime.goexit1', file: 'runtime/proc.go', sig: 'func goexit1()',
    doc: ['Model of goexit1 (Go 1.23 runtime/proc.go): finish the goroutine on g0.'],
    body: [
      s('mcall(goexit0)', (c) => ({ k: 'mcall', fn: 'runtime.goexit0', gp: c.m.curg! })),
    ],
  },
  {
    name: 'runtime.goexit0', file: 'runtime/proc.go', sig: 'func goexit0(gp *g)',
    doc: ['Model of goexit0 and gdestroy (Go 1.23 runtime/proc.go), on g0: the G becomes _Gdead and', 'goes to the P\'s free list for newproc to reuse.'],
    body: [
      s('mp := getg().m', (c) => { c.l.mp = c.m.id; }),
      s('pp := mp.p.ptr()', (c) => { c.l.pp = c.m.p; }),
      s('casgstatus(gp, _Grunning, _Gdead)', (c) => { c.casgstatus(gp(c), _Grunning, _Gdead); }),
      s('gp.m = nil', (c) => { gp(c).m = null; }),
      s('gp.waitreason = waitReasonZero', (c) => { gp(c).waitreason = ''; gp(c).frames = []; }),
      s('dropg()', (c) => { c.m.curg = null; }),
      s('gfput(pp, gp)', (c) => { c.gfput(c.p(c.l.pp), gp(c)); }),
      s('schedule()', (c) => c.call('runtime.schedule')),
    ],
  },
  {
    name: 'runtime.block', file: 'runtime/select.go', sig: 'func block()', exported: true,
    doc: ['Model of block (Go 1.23 runtime/select.go), what `select {}` compiles to: park forever.'],
    body: [
      s('gopark(nil, nil, waitReasonSelectNoCases, traceBlockForever, 1) // forever', (c) => c.call('runtime.gopark', { reason: 'select (no cases)' })),
    ],
  },
];

