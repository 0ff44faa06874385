// Goroutine creation, the main goroutine, sysmon, deadlock detection and semaphores (Go 1.23 runtime/proc.go and
// runtime/sema.go) as model functions.

import type { Ctx } from '../ctx';
import type { ModelFuncDef, Step } from '../program';
import { GSTACK_SIZE } from '../limits';
import { _Gdead, _Gidle, _Grunnable, _Grunning, _Gsyscall, _Gwaiting, _Psyscall, runqempty } from '../state';
import { gStatusName } from '../snapshot';

const s = (text: string, run: Step, label?: string): [string, Step] | [string, Step, string] => (label ? [text, run, label] : [text, run]);
const newg = (c: Ctx) => c.g(c.l.newg);
const forcePreemptNS = 10 * 1000 * 1000;

export const procFuncs: ModelFuncDef[] = [
  {
    name: 'runtime.main', file: 'runtime/proc.go', sig: 'func main()',
    doc: ['Model of runtime.main (Go 1.23 runtime/proc.go): the main goroutine (G1) starts here, starts', 'sysmon, calls main.main and exits with status 0 when it returns.'],
    body: [
      s('mp := getg().m', (c) => { c.l.mp = c.m.id; }),
      '',
      '// From now on newproc wakes idle Ps for new goroutines.',
      s('mainStarted = true', (c) => { c.st.mainStarted = true; }),
      '',
      s('if haveSysmon {', () => undefined),
      '\tsystemstack(func() {',
      s('\t\tnewm(sysmon, nil, -1)', (c) => c.call('runtime.newm', { fn: 'runtime.sysmon', pp: null, id: -1 })),
      '\t})',
      '}',
      '',
      '// (Package initialisers and the GC start here in Go; a model program has neither.)',
      '',
      s('fn := main_main // the linker fills in main.main', (c) => { c.l.fn = c.model.mainPC; }),
      s('fn()', (c) => ({ k: 'callAsm', addr: c.num('fn') })),
      '',
      s('exit(0)', (c) => { c.model.exit(0); return { k: 'halt' }; }),
      'for {',
      '\tvar x *int32',
      '\t*x = 0',
      '}',
    ],
  },
  {
    name: 'runtime.newproc', file: 'runtime/proc.go', sig: 'func newproc(fn *funcval)', exported: true,
    abi0Args: [['fn', 0]],
    doc: ['Model of newproc (Go 1.23 runtime/proc.go): the `go` statement. fn points to a funcval whose', 'first word is the function\'s PC (DATA ·f+0(SB)/8, $·worker(SB)). The new G goes to runnext.'],
    body: [
      s('gp := getg()', (c) => { c.l.gp = c.m.curg; }),
      s('pc := getcallerpc()', (c) => { c.l.pc = c.host.read64(c.num('__sp')); }),
      'systemstack(func() {',
      s('\tnewg := newproc1(fn, gp, pc, false, waitReasonZero)', (c) => c.call('runtime.newproc1', { fn: c.l.fn, callergp: c.l.gp, callerpc: c.l.pc }, 'newg')),
      '',
      s('\tpp := getg().m.p.ptr()', (c) => { c.l.pp = c.m.p; }),
      s('\trunqput(pp, newg, true)', (c) => { c.runqput(c.p(c.l.pp), c.num('newg'), true); }),
      '',
      s('\tif mainStarted {', (c) => c.when(c.st.mainStarted, 'end')),
      s('\t\twakep()', (c) => c.call('runtime.wakep')),
      '\t}',
      '})',
    ],
  },
  {
    name: 'runtime.newproc1', file: 'runtime/proc.go', sig: 'func newproc1(fn *funcval, callergp *g, callerpc uintptr, parked bool, waitreason waitReason) *g',
    doc: ['Model of newproc1 (Go 1.23 runtime/proc.go): a _Grunnable G whose stack makes fn "return"', 'into goexit.'],
    body: [
      s('if fn == nil {', (c) => c.when(!c.l.fn, 'ok')),
      s('\tfatal("go of nil func value")', (c) => c.throw('go of nil func value')),
      '}',
      '',
      s('mp := acquirem() // no preemption while we hold mp and pp', (c) => { c.l.mp = c.m.id; c.m.locks++; }, 'ok'),
      s('pp := mp.p.ptr()', (c) => { c.l.pp = c.m.p; }),
      s('newg := gfget(pp)', (c) => { c.l.newg = c.gfget(c.p(c.l.pp))?.goid ?? null; }),
      s('if newg == nil {', (c) => c.when(c.l.newg === null, 'frame')),
      s('\tnewg = malg(stackMin)', (c) => {
        const g = c.malg(GSTACK_SIZE);
        c.st.allgs.push(g);
        c.l.newg = 0;
      }),
      s('\tcasgstatus(newg, _Gidle, _Gdead)', (c) => { c.casgstatus(newg(c), _Gidle, _Gdead); }),
      '\t// Published as _Gdead, so nobody looks at its stack yet.',
      s('\tallgadd(newg)', () => undefined),
      '}',
      '',
      s('totalSize := uintptr(4*goarch.PtrSize + sys.MinFrameSize) // a little room above the first frame', (c) => { c.l.totalSize = 32; }, 'frame'),
      s('sp := newg.stack.hi - totalSize', (c) => { c.l.sp = newg(c).stack.hi - c.num('totalSize'); }),
      s('newg.sched.sp = sp', (c) => { newg(c).sched.sp = c.num('sp'); }),
      '// The goroutine\'s function will return to the instruction after goexit\'s first one.',
      s('newg.sched.pc = abi.FuncPCABI0(goexit) + sys.PCQuantum', (c) => { newg(c).sched.pc = c.model.prog.byName.get('runtime.goexit')!.steps[1].addr; }),
      s('gostartcallfn(&newg.sched, fn)', (c) => {
        const g = newg(c);
        let pc = 0;
        try { pc = c.host.read64(c.num('fn')); } catch { pc = -1; }
        if (!pc) c.throw('go of nil func value');
        // A funcval is a word holding the code address; passing the code address itself is a common slip.
        if (pc < 0 || (c.host.describePc && c.host.describePc(pc) === null && !c.model.prog.funcAt(pc))) {
          c.throw(`go of invalid func value 0x${c.num('fn').toString(16)}: newproc takes a funcval, the address of a word holding the function's PC (DATA ·fPC+0(SB)/8, $·f(SB))`);
        }
        g.sched.sp -= 8;
        c.host.write64(g.sched.sp, g.sched.pc);
        g.sched.pc = pc;
        g.sched.bp = 0;
        c.l.fnpc = pc;
      }),
      s('newg.parentGoid = callergp.goid', (c) => { newg(c).parentGoid = c.num('callergp'); }),
      s('newg.gopc = callerpc', (c) => { newg(c).gopc = c.num('callerpc'); }),
      s('newg.startpc = fn.fn', (c) => { newg(c).startpc = c.num('fnpc'); }),
      '// (Go numbers the G just after the next line; the model numbers it first, so the trace names it.)',
      s('newg.goid = pp.goidcache; pp.goidcache++', (c) => {
        const g = newg(c);
        g.goid = c.newgoid(c.p(c.l.pp));
        c.l.newg = g.goid;
      }),
      s('casgstatus(newg, _Gdead, _Grunnable)', (c) => { c.casgstatus(newg(c), _Gdead, _Grunnable); }),
      s('releasem(mp)', (c) => { c.m.locks--; }),
      '',
      s('return newg', (c) => c.ret(c.l.newg)),
    ],
  },
  {
    name: 'runtime.sysmon', file: 'runtime/proc.go', sig: 'func sysmon()',
    doc: ['Model of sysmon (Go 1.23 runtime/proc.go): runs on its own M without a P. Sleeps 20 µs,', 'doubling after 1 ms without work up to 10 ms, and retakes Ps stuck in syscalls.'],
    body: [
      s('lock(&sched.lock)', (c) => { c.st.sched.sysmonm = c.m.id; return c.lock(); }),
      s('sched.nmsys++', (c) => { c.st.sched.nmsys++; }),
      s('checkdead()', (c) => c.call('runtime.checkdead')),
      s('unlock(&sched.lock)', (c) => { c.unlock(); }),
      '',
      s('idle := 0 // rounds in a row in which sysmon woke nobody', (c) => { c.l.idle = 0; }),
      s('delay := uint32(0)', (c) => { c.l.delay = 0; }),
      'for {',
      s('\tif idle == 0 { // busy: look every 20 µs', (c) => c.when(c.num('idle') === 0, 'double'), 'loop'),
      s('\t\tdelay = 20', (c) => { c.l.delay = 20; return c.goto('cap'); }),
      s('\t} else if idle > 50 { // quiet for about 1 ms: back off', (c) => c.when(c.num('idle') > 50, 'cap'), 'double'),
      s('\t\tdelay *= 2', (c) => { c.l.delay = c.num('delay') * 2; }),
      '\t}',
      s('\tif delay > 10*1000 { // but never sleep more than 10 ms', (c) => c.when(c.num('delay') > 10000, 'sleep'), 'cap'),
      s('\t\tdelay = 10 * 1000', (c) => { c.l.delay = 10000; }),
      '\t}',
      s('\tusleep(delay)', (c) => { c.host.sleepUntil(c.m.procid, c.now() + c.num('delay') * 1000); }, 'sleep'),
      '',
      s('\tnow := nanotime()', (c) => { c.l.now = c.now(); }),
      '\t// Every P idle: nothing to watch. Sleep until a P enters a syscall or leaves the idle list.',
      s('\tif sched.gcwaiting.Load() || sched.npidle.Load() == gomaxprocs {', (c) => c.when(c.st.sched.npidle === c.st.gomaxprocs, 'retake')),
      s('\t\tlock(&sched.lock)', (c) => c.lock()),
      s('\t\tif sched.gcwaiting.Load() || sched.npidle.Load() == gomaxprocs {', (c) => c.when(c.st.sched.npidle === c.st.gomaxprocs, 'unlock')),
      s('\t\t\tsched.sysmonwait.Store(true)', (c) => { c.st.sched.sysmonwait = true; }),
      s('\t\t\tunlock(&sched.lock)', (c) => { c.unlock(); }),
      '\t\t\t// Go bounds this sleep by the next timer or forced GC; the model has neither.',
      s('\t\t\tsyscallWake = notetsleep(&sched.sysmonnote, sleep)', (c) => {
        if (c.st.sched.sysmonnote) return undefined;
        c.host.block(c.m.procid, 'sysmonnote');
        return { k: 'stay' };
      }),
      s('\t\t\tlock(&sched.lock)', (c) => c.lock()),
      s('\t\t\tsched.sysmonwait.Store(false)', (c) => { c.st.sched.sysmonwait = false; }),
      s('\t\t\tnoteclear(&sched.sysmonnote)', (c) => { c.st.sched.sysmonnote = false; }),
      s('\t\t\tif syscallWake {', () => undefined),
      s('\t\t\t\tidle = 0', (c) => { c.l.idle = 0; }),
      s('\t\t\t\tdelay = 20', (c) => { c.l.delay = 20; }),
      '\t\t\t}',
      '\t\t}',
      s('\t\tunlock(&sched.lock)', (c) => { c.unlock(); }, 'unlock'),
      '\t}',
      '',
      '\t// Take back the Ps that sit in syscalls.',
      s('\tif retake(now) != 0 {', (c) => c.call('runtime.retake', { now: c.l.now }, 'n', 'idleinc'), 'retake'),
      s('\t\tidle = 0', (c) => { c.l.idle = 0; return c.goto('loop'); }),
      s('\t} else {', () => undefined),
      s('\t\tidle++', (c) => { c.l.idle = c.num('idle') + 1; }, 'idleinc'),
      '\t}',
      s('}', (c) => c.goto('loop')),
    ],
  },
  {
    name: 'runtime.retake', file: 'runtime/proc.go', sig: 'func retake(now int64) uint32',
    doc: ['Model of retake (Go 1.23 runtime/proc.go), without the preemption of long-running goroutines', '(the model has no asynchronous preemption).'],
    body: [
      s('n := 0', (c) => { c.l.n = 0; }),
      s('for i := 0; i < len(allp); i++ {', (c) => { c.l.i = 0; }),
      s('\tpp := allp[i]', (c) => {
        if (c.num('i') >= c.st.allp.length) return c.goto('done');
        c.l.pp = c.num('i');
        return undefined;
      }, 'loop'),
      s('\tpd := &pp.sysmontick', () => undefined),
      s('\ts := pp.status', (c) => { c.l.s = c.p(c.l.pp).status; }),
      s('\tsysretake := false', (c) => { c.l.sysretake = false; }),
      s('\tif s == _Psyscall {', (c) => c.when(c.l.s === _Psyscall, 'next')),
      '\t\t// First time sysmon sees this syscall: remember when, and look again next round.',
      s('\t\tt := int64(pp.syscalltick)', (c) => { c.l.t = c.p(c.l.pp).syscalltick; }),
      s('\t\tif !sysretake && int64(pd.syscalltick) != t {', (c) => c.when(c.l.sysretake !== true && c.p(c.l.pp).sysmontick.syscalltick !== c.num('t'), 'work')),
      s('\t\t\tpd.syscalltick = uint32(t)', (c) => { c.p(c.l.pp).sysmontick.syscalltick = c.num('t'); }),
      s('\t\t\tpd.syscallwhen = now', (c) => { c.p(c.l.pp).sysmontick.syscallwhen = c.num('now'); }),
      s('\t\t\tcontinue', (c) => c.goto('next')),
      '\t\t}',
      '\t\t// Leave the P alone if there is nothing else to run and someone else could run it, for up to 10ms.',
      s('\t\tif runqempty(pp) && sched.nmspinning.Load()+sched.npidle.Load() > 0 && pd.syscallwhen+10*1000*1000 > now {', (c) => {
        const pp = c.p(c.l.pp);
        const sc = c.st.sched;
        return c.when(runqempty(pp) && sc.nmspinning + sc.npidle > 0 && pp.sysmontick.syscallwhen + forcePreemptNS > c.num('now'), 'cas');
      }, 'work'),
      s('\t\t\tcontinue', (c) => c.goto('next')),
      '\t\t}',
      s('\t\tif atomic.Cas(&pp.status, s, _Pidle) {', (c) => {
        const pp = c.p(c.l.pp);
        if (pp.status !== c.l.s) return c.goto('next');
        c.l.fromM = c.st.allm.find((m) => m.oldp === pp.id && !m.exited)?.id ?? null;
        c.setpstatus(pp, 0);
        return undefined;
      }, 'cas'),
      s('\t\t\tn++', (c) => { c.l.n = c.num('n') + 1; }),
      s('\t\t\tpp.syscalltick++', (c) => { c.p(c.l.pp).syscalltick++; }),
      s('\t\t\thandoffp(pp)', (c) => c.call('runtime.handoffp', { pp: c.l.pp, reason: 'sysmon retake', fromM: c.l.fromM })),
      '\t\t}',
      '\t}',
      s('}', (c) => { c.l.i = c.num('i') + 1; return c.goto('loop'); }, 'next'),
      s('return uint32(n)', (c) => c.ret(c.l.n), 'done'),
    ],
  },
  {
    name: 'runtime.checkdead', file: 'runtime/proc.go', sig: 'func checkdead()',
    doc: ['Model of checkdead (Go 1.23 runtime/proc.go): called as an M goes idle. If no M is running', 'and no goroutine can ever run again, the program is deadlocked.'],
    body: [
      s('run := mcount() - sched.nmidle - sched.nmidlelocked - sched.nmsys', (c) => {
        const sc = c.st.sched;
        c.l.run = c.st.allm.filter((m) => !m.exited).length - sc.nmidle - sc.nmidlelocked - sc.nmsys;
      }),
      s('if run > run0 {', (c) => c.when(c.num('run') > 0, 'neg')),
      s('\treturn', (c) => c.ret()),
      '}',
      s('if run < 0 {', (c) => c.when(c.num('run') < 0, 'count'), 'neg'),
      s('\tthrow("checkdead: inconsistent counts")', (c) => c.throw('checkdead: inconsistent counts')),
      '}',
      '',
      s('grunning := 0', (c) => { c.l.grunning = 0; }, 'count'),
      s('forEachG(func(gp *g) { ... }) // count the waiting; a runnable G here is a bug', (c) => {
        let n = 0;
        for (const g of c.st.allgs) {
          if (g.goid === 0) continue;
          const st = g.atomicstatus;
          if (st === _Gwaiting) n++;
          else if (st === _Grunnable || st === _Grunning || st === _Gsyscall) {
            c.throw(`checkdead: runnable g (goroutine ${g.goid} in status ${gStatusName(st)})`);
          }
        }
        c.l.grunning = n;
      }),
      s('if grunning == 0 { // main called Goexit and nothing is left', (c) => c.when(c.num('grunning') === 0, 'dead')),
      s('\tunlock(&sched.lock)', (c) => { c.unlock(); }),
      s('\tfatal("no goroutines (main called runtime.Goexit) - deadlock!")', (c) => c.throw('no goroutines (main called runtime.Goexit) - deadlock!')),
      '}',
      '// (Go would wake an M for a pending timer here; the model has no timers.)',
      s('unlock(&sched.lock)', (c) => { c.unlock(); }, 'dead'),
      s('fatal("all goroutines are asleep - deadlock!")', (c) => c.throw('all goroutines are asleep - deadlock!')),
    ],
  },
  {
    name: 'runtime.semacquire', file: 'runtime/sema.go', sig: 'func semacquire(addr *uint32)', exported: true,
    abi0Args: [['addr', 0]],
    doc: ['Model of semacquire/semacquire1 (Go 1.23 runtime/sema.go) with a FIFO of waiters per address', 'instead of the treap: take one unit of *addr, or park until semrelease readies us.'],
    body: [
      'for {',
      s('\tif cansemacquire(addr) {', (c) => {
        const a = c.num('addr');
        const v = c.host.read32(a);
        if (v === 0) return c.goto('park');
        c.host.write32(a, v - 1);
        return undefined;
      }, 'loop'),
      s('\t\tbreak', (c) => c.ret()),
      '\t}',
      '\t// Sleep on the semaphore. gopark\'s unlock function queues us once we are _Gwaiting.',
      s('\tgoparkunlock(&root.lock, waitReasonSemacquire, traceBlockSync, 4+skipframes)', (c) => {
        c.m.waitunlockf = 'semaqueue';
        c.m.waitlock = c.num('addr');
        return c.call('runtime.gopark', { reason: 'semacquire' });
      }, 'park'),
      s('}', (c) => c.goto('loop')),
    ],
  },
  {
    name: 'runtime.semrelease', file: 'runtime/sema.go', sig: 'func semrelease(addr *uint32)', exported: true,
    abi0Args: [['addr', 0]],
    doc: ['Model of semrelease/semrelease1 (Go 1.23 runtime/sema.go): add one unit to *addr and ready', 'the first waiter, if any.'],
    body: [
      s('atomic.Xadd(addr, 1)', (c) => { const a = c.num('addr'); c.host.write32(a, (c.host.read32(a) + 1) >>> 0); }),
      s('if root.nwait.Load() == 0 {', (c) => {
        const q = c.st.sema['0x' + c.num('addr').toString(16)];
        return c.when(!q || q.length === 0, 'dequeue');
      }),
      s('\treturn', (c) => c.ret()),
      '}',
      s('s, t0, tailtime := root.dequeue(addr)', (c) => {
        const key = '0x' + c.num('addr').toString(16);
        const q = c.st.sema[key];
        c.l.gp = q.shift()!;
        if (q.length === 0) delete c.st.sema[key];
      }, 'dequeue'),
      s('readyWithTime(s, 5+skipframes) // goready(s.g)', (c) => c.call('runtime.goready', { gp: c.l.gp })),
    ],
  },
];

