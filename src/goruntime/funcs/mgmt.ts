// Ms and Ps changing hands, as in Go 1.23's runtime/proc.go: newm/mstart (a new OS thread), startm/stopm (an M
// takes a P or parks), handoffp (a P whose M is stuck in a syscall goes to another M), wakep (start a spinning M).

import type { Ctx } from '../ctx';
import type { ModelFuncDef, Step } from '../program';
import { G0STACK_SIZE } from '../limits';
import { newM, runqempty } from '../state';

const s = (text: string, run: Step, label?: string): [string, Step] | [string, Step, string] => (label ? [text, run, label] : [text, run]);

/** The trace's handoff event: the P went from the M that held it to another M (or to the idle list). */
function handoff(c: Ctx, pp: number, toM: number | null): void {
  if (typeof c.l.reason !== 'string') return;
  c.host.emit({ ev: 'handoff', p: pp, fromM: typeof c.l.fromM === 'number' ? c.l.fromM : null, toM, reason: c.l.reason });
}
const handoffArgs = (c: Ctx) => ({ reason: c.l.reason ?? null, fromM: c.l.fromM ?? null });

export const mgmtFuncs: ModelFuncDef[] = [
  {
    name: 'runtime.newm', file: 'runtime/proc.go', sig: 'func newm(fn func(), pp *p, id int64)',
    doc: ['Model of newm (Go 1.23 runtime/proc.go): a new M on a new OS thread, which starts in mstart1', 'and takes pp (its nextp).'],
    body: [
      s('mp := allocm(pp, fn, id)', (c) => {
        let id = c.num('id');
        if (id < 0) id = c.st.sched.mnext++;
        const mp = newM(id, -1, c.allocStack(G0STACK_SIZE));
        mp.mstartfn = typeof c.l.fn === 'string' ? c.l.fn : null;
        mp.startfn = mp.mstartfn === 'runtime.sysmon' ? 'sysmon' : 'mstart';
        c.st.allm.push(mp);
        c.l.mp = id;
      }),
      s('mp.nextp.set(pp)', (c) => { c.mm(c.l.mp).nextp = typeof c.l.pp === 'number' ? c.l.pp : null; }),
      '// newm1 → newosproc: clone(2) a thread that starts in mstart on mp.g0\'s stack.',
      s('newm1(mp)', (c) => {
        const mp = c.mm(c.l.mp);
        const rsp = mp.g0.stack.hi - 16;
        c.host.write64(rsp, 0); // no caller: mstart never returns
        c.model.setPendingM(mp.id);
        mp.procid = c.host.createThread({ rip: c.model.prog.entry('runtime.mstart1'), rsp, name: `M${mp.id}` });
        c.model.setPendingM(null);
      }),
    ],
  },
  {
    name: 'runtime.mstart1', file: 'runtime/proc.go', sig: 'func mstart1()',
    doc: ['Model of mstart → mstart0 → mstart1 (Go 1.23 runtime/asm_amd64.s, proc.go): where a new M\'s', 'thread begins, on its g0 stack.'],
    body: [
      s('gp := getg()', () => undefined),
      '',
      s('if fn := gp.m.mstartfn; fn != nil {', (c) => c.when(c.m.mstartfn !== null, 'acquire')),
      s('\tfn()', (c) => c.call(c.m.mstartfn!)),
      '}',
      '',
      s('if gp.m != &m0 {', (c) => c.when(c.m.id !== 0, 'sched'), 'acquire'),
      s('\tacquirep(gp.m.nextp.ptr())', (c) => {
        if (c.m.nextp === null) c.throw('mstart1: the new M has no P');
        c.acquirep(c.p(c.m.nextp));
      }),
      s('\tgp.m.nextp = 0', (c) => { c.m.nextp = null; }),
      '}',
      s('schedule()', (c) => c.call('runtime.schedule'), 'sched'),
    ],
  },
  {
    name: 'runtime.mspinning', file: 'runtime/proc.go', sig: 'func mspinning()',
    doc: ['Model of mspinning (Go 1.23 runtime/proc.go): start function of an M started to spin;', 'whoever started it already counted it in sched.nmspinning.'],
    body: [
      s('getg().m.spinning = true', (c) => { c.m.spinning = true; }),
    ],
  },
  {
    name: 'runtime.startm', file: 'runtime/proc.go', sig: 'func startm(pp *p, spinning, lockheld bool)',
    doc: ['Model of startm (Go 1.23 runtime/proc.go): run pp (or an idle P) on an idle M, or on a new one.'],
    body: [
      s('mp := acquirem()', (c) => { c.l.mp = c.m.id; c.m.locks++; }),
      s('if !lockheld {', (c) => c.when(c.l.lockheld !== true, 'nopp')),
      s('\tlock(&sched.lock)', (c) => c.lock()),
      '}',
      s('if pp == nil {', (c) => c.when(c.l.pp === null || c.l.pp === undefined, 'mget'), 'nopp'),
      s('\tif spinning {', (c) => c.when(c.l.spinning === true, 'pidleget')),
      s('\t\tthrow("startm: P required for spinning=true")', (c) => c.throw('startm: P required for spinning=true')),
      '\t}',
      s('\tpp, _ = pidleget(0)', (c) => { c.l.pp = c.pidleget()?.id ?? null; }, 'pidleget'),
      s('\tif pp == nil {', (c) => c.when(c.l.pp === null, 'mget')),
      s('\t\tunlock(&sched.lock)', (c) => { if (c.l.lockheld !== true) c.unlock(); }),
      s('\t\treleasem(mp)', (c) => { c.m.locks--; }),
      s('\t\treturn', (c) => c.ret()),
      '\t}',
      '}',
      s('nmp := mget()', (c) => { c.l.nmp = c.mget()?.id ?? null; }, 'mget'),
      s('if nmp == nil {', (c) => c.when(c.l.nmp === null, 'wake')),
      '\t// No idle M: reserve an id and start a new one, which takes pp when it starts.',
      s('\tid := mReserveID()', (c) => { c.l.id = c.st.sched.mnext++; }),
      s('\tunlock(&sched.lock)', (c) => { if (c.l.lockheld !== true) c.unlock(); }),
      '',
      '\tvar fn func()',
      s('\tif spinning {', (c) => c.when(c.l.spinning === true, 'newm')),
      s('\t\tfn = mspinning', (c) => { c.l.fn = 'runtime.mspinning'; }),
      '\t}',
      s('\tnewm(fn, pp, id)', (c) => {
        handoff(c, c.num('pp'), c.num('id'));
        return c.call('runtime.newm', { fn: c.l.fn ?? null, pp: c.l.pp, id: c.l.id });
      }, 'newm'),
      '',
      s('\treleasem(mp)', (c) => { c.m.locks--; }),
      s('\treturn', (c) => c.ret()),
      '}',
      s('unlock(&sched.lock)', (c) => { if (c.l.lockheld !== true) c.unlock(); }, 'wake'),
      s('if nmp.spinning {', (c) => c.when(c.mm(c.l.nmp).spinning, 'hasp')),
      s('\tthrow("startm: m is spinning")', (c) => c.throw('startm: m is spinning')),
      '}',
      s('if nmp.nextp != 0 {', (c) => c.when(c.mm(c.l.nmp).nextp !== null, 'give'), 'hasp'),
      s('\tthrow("startm: m has p")', (c) => c.throw('startm: m has p')),
      '}',
      '// The M wakes up in stopm and acquires nextp.',
      s('nmp.spinning = spinning', (c) => { c.mm(c.l.nmp).spinning = c.l.spinning === true; }, 'give'),
      s('nmp.nextp.set(pp)', (c) => {
        c.mm(c.l.nmp).nextp = c.num('pp');
        handoff(c, c.num('pp'), c.num('nmp'));
      }),
      s('notewakeup(&nmp.park)', (c) => { c.notewakeupPark(c.mm(c.l.nmp)); }),
      s('releasem(mp)', (c) => { c.m.locks--; }),
    ],
  },
  {
    name: 'runtime.stopm', file: 'runtime/proc.go', sig: 'func stopm()',
    doc: ['Model of stopm (Go 1.23 runtime/proc.go): park this M on the idle list until startm', 'gives it a P.'],
    body: [
      s('gp := getg()', () => undefined),
      '',
      s('if gp.m.locks != 0 {', (c) => c.when(c.m.locks !== 0, 'p')),
      s('\tthrow("stopm holding locks")', (c) => c.throw('stopm holding locks')),
      '}',
      s('if gp.m.p != 0 {', (c) => c.when(c.m.p !== null, 'spin'), 'p'),
      s('\tthrow("stopm holding p")', (c) => c.throw('stopm holding p')),
      '}',
      s('if gp.m.spinning {', (c) => c.when(c.m.spinning, 'park'), 'spin'),
      s('\tthrow("stopm spinning")', (c) => c.throw('stopm spinning')),
      '}',
      '',
      s('lock(&sched.lock)', (c) => c.lock(), 'park'),
      s('mput(gp.m)', (c) => { c.mput(c.m); }),
      s('checkdead() // mput checks for deadlock while it holds sched.lock', (c) => c.call('runtime.checkdead')),
      s('unlock(&sched.lock)', (c) => { c.unlock(); }),
      s('mPark() // notesleep(&gp.m.park)', (c) => c.notesleepPark()),
      s('acquirep(gp.m.nextp.ptr())', (c) => {
        if (c.m.nextp === null) c.throw('stopm: woken without a P');
        c.acquirep(c.p(c.m.nextp));
      }),
      s('gp.m.nextp = 0', (c) => { c.m.nextp = null; }),
    ],
  },
  {
    name: 'runtime.handoffp', file: 'runtime/proc.go', sig: 'func handoffp(pp *p)',
    doc: ['Model of handoffp (Go 1.23 runtime/proc.go): pp\'s M is in a syscall (or blocked); give pp', 'to another M if there is work for it, else put it on the idle list.'],
    body: [
      '// Work is waiting: the P gets an M now.',
      s('if !runqempty(pp) || sched.runqsize != 0 {', (c) => c.when(!runqempty(c.p(c.l.pp)) || c.st.sched.runqsize !== 0, 'spin')),
      s('\tstartm(pp, false, false)', (c) => c.call('runtime.startm', { pp: c.l.pp, spinning: false, lockheld: false, ...handoffArgs(c) })),
      s('\treturn', (c) => c.ret()),
      '}',
      '',
      '// No work here. If no M is spinning and no P is idle, start a spinning M to look for some.',
      s('if sched.nmspinning.Load()+sched.npidle.Load() == 0 && sched.nmspinning.CompareAndSwap(0, 1) {', (c) => {
        const sc = c.st.sched;
        if (sc.nmspinning + sc.npidle === 0 && sc.nmspinning === 0) { sc.nmspinning = 1; return undefined; }
        return c.goto('lock');
      }, 'spin'),
      s('\tsched.needspinning.Store(0)', (c) => { c.st.sched.needspinning = 0; }),
      s('\tstartm(pp, true, false)', (c) => c.call('runtime.startm', { pp: c.l.pp, spinning: true, lockheld: false, ...handoffArgs(c) })),
      s('\treturn', (c) => c.ret()),
      '}',
      s('lock(&sched.lock)', (c) => c.lock(), 'lock'),
      s('if sched.runqsize != 0 {', (c) => c.when(c.st.sched.runqsize !== 0, 'last')),
      s('\tunlock(&sched.lock)', (c) => { c.unlock(); }),
      s('\tstartm(pp, false, false)', (c) => c.call('runtime.startm', { pp: c.l.pp, spinning: false, lockheld: false, ...handoffArgs(c) })),
      s('\treturn', (c) => c.ret()),
      '}',
      '// The last running P, and nobody is polling the network: start an M anyway (Go keeps one M',
      '// able to poll; the model has no poller, so that M will find nothing and stop).',
      s('if sched.npidle.Load() == gomaxprocs-1 && sched.lastpoll.Load() != 0 {', (c) =>
        c.when(c.st.sched.npidle === c.st.gomaxprocs - 1 && c.st.sched.lastpoll !== 0, 'idle'), 'last'),
      s('\tunlock(&sched.lock)', (c) => { c.unlock(); }),
      s('\tstartm(pp, false, false)', (c) => c.call('runtime.startm', { pp: c.l.pp, spinning: false, lockheld: false, ...handoffArgs(c) })),
      s('\treturn', (c) => c.ret()),
      '}',
      '',
      s('pidleput(pp, 0)', (c) => {
        c.pidleput(c.p(c.l.pp));
        handoff(c, c.num('pp'), null);
      }, 'idle'),
      s('unlock(&sched.lock)', (c) => { c.unlock(); }),
    ],
  },
  {
    name: 'runtime.wakep', file: 'runtime/proc.go', sig: 'func wakep()',
    doc: ['Model of wakep (Go 1.23 runtime/proc.go): new work appeared; if no M is spinning and a P is', 'idle, start a spinning M on it.'],
    body: [
      '// One spinning M at a time is enough.',
      s('if sched.nmspinning.Load() != 0 || !sched.nmspinning.CompareAndSwap(0, 1) {', (c) => {
        if (c.st.sched.nmspinning !== 0) return undefined;
        c.st.sched.nmspinning = 1;
        return c.goto('acq');
      }),
      s('\treturn', (c) => c.ret()),
      '}',
      '',
      s('mp := acquirem()', (c) => { c.l.mp = c.m.id; c.m.locks++; }, 'acq'),
      '',
      'var pp *p',
      s('lock(&sched.lock)', (c) => c.lock()),
      s('pp, _ = pidlegetSpinning(0)', (c) => { c.l.pp = c.pidleget()?.id ?? null; }),
      s('if pp == nil {', (c) => c.when(c.l.pp === null, 'start')),
      s('\tif sched.nmspinning.Add(-1) < 0 {', (c) => c.when(--c.st.sched.nmspinning < 0, 'none')),
      s('\t\tthrow("wakep: negative nmspinning")', (c) => c.throw('wakep: negative nmspinning')),
      '\t}',
      s('\tunlock(&sched.lock)', (c) => { c.unlock(); }, 'none'),
      s('\treleasem(mp)', (c) => { c.m.locks--; }),
      s('\treturn', (c) => c.ret()),
      '}',
      s('unlock(&sched.lock)', (c) => { c.unlock(); }, 'start'),
      '',
      s('startm(pp, true, false)', (c) => c.call('runtime.startm', { pp: c.l.pp, spinning: true, lockheld: false })),
      '',
      s('releasem(mp)', (c) => { c.m.locks--; }),
    ],
  },
];
