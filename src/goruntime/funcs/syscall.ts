// The syscall path of Go 1.23's runtime/proc.go as model functions: entersyscall/reentersyscall, exitsyscall with
// its fast paths and exitsyscall0, entersyscallblock. Each step line mirrors one line of the real function.

import type { Ctx } from '../ctx';
import type { ModelFuncDef, Step } from '../program';
import { _Grunnable, _Grunning, _Gsyscall, _Pidle, _Prunning, _Psyscall, stackPreempt } from '../state';

const s = (text: string, run: Step, label?: string): [string, Step] | [string, Step, string] => (label ? [text, run, label] : [text, run]);
const hex = (n: number): string => '0x' + n.toString(16);
/** stackGuard on linux/amd64 (928 bytes above stack.lo). */
export const stackGuard = 928;

const gp = (c: Ctx) => c.g(c.l.gp);

export const syscallFuncs: ModelFuncDef[] = [
  {
    name: 'runtime.entersyscall', file: 'runtime/proc.go', sig: 'func entersyscall()', exported: true,
    doc: ['Model of entersyscall (Go 1.23 runtime/proc.go): the syscall package calls it before every', 'syscall that may block. It passes its caller\'s PC, SP and BP to reentersyscall.'],
    body: [
      s('fp := getcallerfp()', (c) => { c.l.fp = c.regs.rbp; }),
      s('reentersyscall(getcallerpc(), getcallersp(), fp)', (c) => {
        const sp0 = c.num('__sp');
        return c.call('runtime.reentersyscall', { pc: c.host.read64(sp0), sp: sp0 + 8, bp: c.l.fp });
      }),
    ],
  },
  {
    name: 'runtime.reentersyscall', file: 'runtime/proc.go', sig: 'func reentersyscall(pc, sp, bp uintptr)',
    doc: ['Model of reentersyscall (Go 1.23 runtime/proc.go). The goroutine enters _Gsyscall and its P', '_Psyscall; the M keeps the P only as oldp, so sysmon can retake it while the syscall blocks.'],
    body: [
      s('gp := getg()', (c) => { c.l.gp = c.m.curg; }),
      '',
      '// No preemption while the G and P are half-way between states.',
      s('gp.m.locks++', (c) => { c.m.locks++; }),
      '',
      '// Make every stack check fail: the stack must not move during the syscall.',
      s('gp.stackguard0 = stackPreempt', (c) => { gp(c).stackguard0 = stackPreempt; }),
      s('gp.throwsplit = true', (c) => { gp(c).throwsplit = true; }),
      '',
      '// Record where the syscall was made (the GC and tracebacks read these).',
      s('save(pc, sp, bp)', (c) => { gp(c).sched = { pc: c.num('pc'), sp: c.num('sp'), bp: c.num('bp') }; }),
      s('gp.syscallsp = sp', (c) => { gp(c).syscallsp = c.num('sp'); }),
      s('gp.syscallpc = pc', (c) => { gp(c).syscallpc = c.num('pc'); }),
      s('gp.syscallbp = bp', (c) => { gp(c).syscallbp = c.num('bp'); }),
      s('casgstatus(gp, _Grunning, _Gsyscall)', (c) => { c.casgstatus(gp(c), _Grunning, _Gsyscall); }),
      s('if gp.syscallsp < gp.stack.lo || gp.stack.hi < gp.syscallsp {', (c) => {
        const g = gp(c);
        return c.when(g.syscallsp < g.stack.lo || g.stack.hi < g.syscallsp, 'sysmonwait');
      }),
      s('\tthrow("entersyscall")', (c) => {
        const g = gp(c);
        c.throw(`entersyscall inconsistent sp ${hex(g.syscallsp)} [${hex(g.stack.lo)},${hex(g.stack.hi)}]`);
      }),
      '}',
      '',
      '// sysmon sleeps while every P is idle; wake it, since this P may now sit in a syscall.',
      s('if sched.sysmonwait.Load() {', (c) => c.when(c.st.sched.sysmonwait, 'tick'), 'sysmonwait'),
      s('\tsystemstack(entersyscall_sysmon)', (c) => c.call('runtime.entersyscall_sysmon')),
      '}',
      '',
      s('gp.m.syscalltick = gp.m.p.ptr().syscalltick', (c) => {
        if (c.m.p === null) c.throw('entersyscall: the M has no P');
        c.m.syscalltick = c.p(c.m.p).syscalltick;
      }, 'tick'),
      s('pp := gp.m.p.ptr()', (c) => { c.l.pp = c.m.p; }),
      s('pp.m = 0', (c) => { c.p(c.l.pp).m = null; }),
      s('gp.m.oldp.set(pp)', (c) => { c.m.oldp = c.num('pp'); }),
      s('gp.m.p = 0', (c) => { c.m.p = null; }),
      '// From now on sysmon may retake the P (retake CASes it _Psyscall → _Pidle).',
      s('atomic.Store(&pp.status, _Psyscall)', (c) => { c.setpstatus(c.p(c.l.pp), _Psyscall); }),
      '',
      s('gp.m.locks--', (c) => { c.m.locks--; }),
    ],
  },
  {
    name: 'runtime.entersyscall_sysmon', file: 'runtime/proc.go', sig: 'func entersyscall_sysmon()',
    doc: ['Model of entersyscall_sysmon (Go 1.23 runtime/proc.go).'],
    body: [
      s('lock(&sched.lock)', (c) => c.lock()),
      s('if sched.sysmonwait.Load() {', (c) => c.when(c.st.sched.sysmonwait, 'unlock')),
      s('\tsched.sysmonwait.Store(false)', (c) => { c.st.sched.sysmonwait = false; }),
      s('\tnotewakeup(&sched.sysmonnote)', (c) => { c.wakeSysmon(); }),
      '}',
      s('unlock(&sched.lock)', (c) => { c.unlock(); }, 'unlock'),
    ],
  },
  {
    name: 'runtime.entersyscallblock', file: 'runtime/proc.go', sig: 'func entersyscallblock()', exported: true,
    doc: ['Model of entersyscallblock (Go 1.23 runtime/proc.go): for a syscall known to block. Unlike', 'entersyscall it hands the P off at once instead of leaving it for sysmon to retake.'],
    body: [
      s('gp := getg()', (c) => { c.l.gp = c.m.curg; }),
      '',
      s('gp.m.locks++ // as in reentersyscall', (c) => { c.m.locks++; }),
      s('gp.throwsplit = true', (c) => { gp(c).throwsplit = true; }),
      s('gp.stackguard0 = stackPreempt // as in reentersyscall', (c) => { gp(c).stackguard0 = stackPreempt; }),
      s('gp.m.syscalltick = gp.m.p.ptr().syscalltick', (c) => {
        if (c.m.p === null) c.throw('entersyscallblock: the M has no P');
        c.m.syscalltick = c.p(c.m.p).syscalltick;
      }),
      s('gp.m.p.ptr().syscalltick++', (c) => { c.p(c.m.p).syscalltick++; }),
      '',
      s('pc := getcallerpc()', (c) => { c.l.pc = c.host.read64(c.num('__sp')); }),
      s('sp := getcallersp()', (c) => { c.l.sp = c.num('__sp') + 8; }),
      s('bp := getcallerfp()', (c) => { c.l.bp = c.regs.rbp; }),
      s('save(pc, sp, bp)', (c) => { gp(c).sched = { pc: c.num('pc'), sp: c.num('sp'), bp: c.num('bp') }; }),
      s('gp.syscallsp = gp.sched.sp', (c) => { gp(c).syscallsp = gp(c).sched.sp; }),
      s('gp.syscallpc = gp.sched.pc', (c) => { gp(c).syscallpc = gp(c).sched.pc; }),
      s('gp.syscallbp = gp.sched.bp', (c) => { gp(c).syscallbp = gp(c).sched.bp; }),
      s('casgstatus(gp, _Grunning, _Gsyscall)', (c) => { c.casgstatus(gp(c), _Grunning, _Gsyscall); }),
      '',
      s('systemstack(entersyscallblock_handoff)', (c) => c.call('runtime.entersyscallblock_handoff')),
      '',
      '// Save the caller\'s context again, for tracebacks during the call.',
      s('save(getcallerpc(), getcallersp(), getcallerfp())', () => undefined),
      '',
      s('gp.m.locks--', (c) => { c.m.locks--; }),
    ],
  },
  {
    name: 'runtime.entersyscallblock_handoff', file: 'runtime/proc.go', sig: 'func entersyscallblock_handoff()',
    doc: ['Model of entersyscallblock_handoff (Go 1.23 runtime/proc.go).'],
    body: [
      s('handoffp(releasep())', (c) => {
        const fromM = c.m.id;
        const pp = c.releasep();
        return c.call('runtime.handoffp', { pp: pp.id, reason: 'entersyscallblock', fromM });
      }),
    ],
  },
  {
    name: 'runtime.exitsyscall', file: 'runtime/proc.go', sig: 'func exitsyscall()', exported: true,
    doc: ['Model of exitsyscall (Go 1.23 runtime/proc.go): the goroutine leaves the syscall. The fast path', 'gets a P back without the scheduler (its old P if sysmon left it, else an idle one); the slow', 'path puts the goroutine on the global run queue and stops the M (mcall(exitsyscall0)).'],
    body: [
      s('gp := getg()', (c) => { c.l.gp = c.m.curg; }),
      '',
      s('gp.m.locks++ // as in reentersyscall', (c) => { c.m.locks++; }),
      s('if getcallersp() > gp.syscallsp {', (c) => c.when(c.num('__sp') + 8 > gp(c).syscallsp, 'ok')),
      s('\tthrow("exitsyscall: syscall frame is no longer valid")', (c) => c.throw('exitsyscall: syscall frame is no longer valid')),
      '}',
      '',
      s('gp.waitsince = 0', (c) => { gp(c).waitsince = 0; }, 'ok'),
      s('oldp := gp.m.oldp.ptr()', (c) => { c.l.oldp = c.m.oldp; }),
      s('gp.m.oldp = 0', (c) => { c.m.oldp = null; }),
      s('if exitsyscallfast(oldp) {', (c) => c.call('runtime.exitsyscallfast', { oldp: c.l.oldp }, 'ok', 'slow')),
      '\t// There is a P for us: go on running without the scheduler.',
      s('\tgp.m.p.ptr().syscalltick++', (c) => { c.p(c.m.p).syscalltick++; }),
      '\t// The G changes status only now that it owns a P again.',
      s('\tcasgstatus(gp, _Gsyscall, _Grunning)', (c) => { c.casgstatus(gp(c), _Gsyscall, _Grunning); }),
      '',
      s('\tgp.syscallsp = 0', (c) => { gp(c).syscallsp = 0; gp(c).syscallpc = 0; gp(c).syscallbp = 0; }),
      s('\tgp.m.locks--', (c) => { c.m.locks--; }),
      s('\tgp.stackguard0 = gp.stack.lo + stackGuard', (c) => { gp(c).stackguard0 = hex(gp(c).stack.lo + stackGuard); }),
      s('\tgp.throwsplit = false', (c) => { gp(c).throwsplit = false; }),
      s('\treturn', (c) => c.ret()),
      '}',
      '',
      s('gp.m.locks--', (c) => { c.m.locks--; }, 'slow'),
      '',
      '// No P: let the scheduler run us later.',
      s('mcall(exitsyscall0)', (c) => {
        c.host.emit({ ev: 'exitsyscall', g: gp(c).goid, m: c.m.id, path: 'slow' });
        return { k: 'mcall', fn: 'runtime.exitsyscall0', gp: gp(c).goid };
      }),
      '',
      '// The scheduler ran us again, on some M with a P.',
      s('gp.syscallsp = 0', (c) => { gp(c).syscallsp = 0; gp(c).syscallpc = 0; gp(c).syscallbp = 0; }),
      s('gp.m.p.ptr().syscalltick++', (c) => { c.p(c.m.p).syscalltick++; }),
      s('gp.throwsplit = false', (c) => { gp(c).throwsplit = false; }),
    ],
  },
  {
    name: 'runtime.exitsyscallfast', file: 'runtime/proc.go', sig: 'func exitsyscallfast(oldp *p) bool',
    doc: ['Model of exitsyscallfast (Go 1.23 runtime/proc.go).'],
    body: [
      '// Try to get the old P back. Go CASes it _Psyscall → _Pidle and wirep makes it _Prunning;',
      '// no other M can take it in between, so the model makes both changes in this one step.',
      s('if oldp != nil && oldp.status == _Psyscall && atomic.Cas(&oldp.status, _Psyscall, _Pidle) {', (c) => {
        const oldp = c.l.oldp;
        if (oldp === null || c.p(oldp).status !== _Psyscall) return c.goto('idle');
        const pp = c.p(oldp);
        pp.status = _Pidle;
        pp.m = c.m.id;
        c.m.p = pp.id;
        pp.status = _Prunning;
        c.host.emit({ ev: 'pstatus', p: pp.id, from: '_Psyscall', to: '_Prunning', m: c.m.id });
        return undefined;
      }),
      '\t// Our P is back.',
      '\twirep(oldp)',
      s('\texitsyscallfast_reacquired(trace)', (c) => {
        const pp = c.p(c.m.p);
        if (c.m.syscalltick !== pp.syscalltick) pp.syscalltick++;
      }),
      s('\treturn true', (c) => {
        c.host.emit({ ev: 'exitsyscall', g: c.m.curg ?? 0, m: c.m.id, path: 'fast' });
        return c.ret(true);
      }),
      '}',
      '',
      '// Try to get any other idle P.',
      s('if sched.pidle != 0 {', (c) => c.when(c.st.sched.pidle.length > 0, 'none'), 'idle'),
      '\tvar ok bool',
      '\tsystemstack(func() {',
      s('\t\tok = exitsyscallfast_pidle()', (c) => c.call('runtime.exitsyscallfast_pidle', {}, 'ok')),
      '\t})',
      s('\tif ok {', (c) => c.when(c.l.ok === true, 'none')),
      s('\t\treturn true', (c) => {
        c.host.emit({ ev: 'exitsyscall', g: c.m.curg ?? 0, m: c.m.id, path: 'fast-idle-p' });
        return c.ret(true);
      }),
      '\t}',
      '}',
      s('return false', (c) => c.ret(false), 'none'),
    ],
  },
  {
    name: 'runtime.exitsyscallfast_pidle', file: 'runtime/proc.go', sig: 'func exitsyscallfast_pidle() bool',
    doc: ['Model of exitsyscallfast_pidle (Go 1.23 runtime/proc.go).'],
    body: [
      s('lock(&sched.lock)', (c) => c.lock()),
      s('pp, _ := pidleget(0)', (c) => { c.l.pp = c.pidleget()?.id ?? null; }),
      s('if pp != nil && sched.sysmonwait.Load() {', (c) => c.when(c.l.pp !== null && c.st.sched.sysmonwait, 'unlock')),
      s('\tsched.sysmonwait.Store(false)', (c) => { c.st.sched.sysmonwait = false; }),
      s('\tnotewakeup(&sched.sysmonnote)', (c) => { c.wakeSysmon(); }),
      '}',
      s('unlock(&sched.lock)', (c) => { c.unlock(); }, 'unlock'),
      s('if pp != nil {', (c) => c.when(c.l.pp !== null, 'none')),
      s('\tacquirep(pp)', (c) => { c.acquirep(c.p(c.l.pp)); }),
      s('\treturn true', (c) => c.ret(true)),
      '}',
      s('return false', (c) => c.ret(false), 'none'),
    ],
  },
  {
    name: 'runtime.exitsyscall0', file: 'runtime/proc.go', sig: 'func exitsyscall0(gp *g)',
    doc: ['Model of exitsyscall0 (Go 1.23 runtime/proc.go): exitsyscall\'s slow path, on g0.'],
    body: [
      s('casgstatus(gp, _Gsyscall, _Grunnable)', (c) => { c.casgstatus(gp(c), _Gsyscall, _Grunnable); }),
      s('dropg()', (c) => { gp(c).m = null; c.m.curg = null; }),
      s('lock(&sched.lock)', (c) => c.lock()),
      'var pp *p',
      s('pp, _ = pidleget(0)', (c) => { c.l.pp = c.pidleget()?.id ?? null; }),
      s('if pp == nil {', (c) => c.when(c.l.pp === null, 'sysmonwait')),
      s('\tglobrunqput(gp)', (c) => { c.globrunqput(gp(c).goid); return c.goto('unlock'); }),
      s('} else if sched.sysmonwait.Load() {', (c) => c.when(c.st.sched.sysmonwait, 'unlock'), 'sysmonwait'),
      s('\tsched.sysmonwait.Store(false)', (c) => { c.st.sched.sysmonwait = false; }),
      s('\tnotewakeup(&sched.sysmonnote)', (c) => { c.wakeSysmon(); }),
      '}',
      s('unlock(&sched.lock)', (c) => { c.unlock(); }, 'unlock'),
      s('if pp != nil {', (c) => c.when(c.l.pp !== null, 'stop')),
      s('\tacquirep(pp)', (c) => { c.acquirep(c.p(c.l.pp)); }),
      s('\texecute(gp, false) // does not return', (c) => c.call('runtime.execute', { gp: c.l.gp, inheritTime: false })),
      '}',
      s('stopm()', (c) => c.call('runtime.stopm'), 'stop'),
      s('schedule() // does not return', (c) => c.call('runtime.schedule')),
    ],
  },
];
