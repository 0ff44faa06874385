// The MemoryReader on real Go runtimes. Live: the fixture program (GOMAXPROCS=2, goroutines blocked on a channel
// and in time.Sleep, main blocked in syscall.Read on stdin) is read through /proc/PID/mem while it blocks, and the
// snapshot is compared with what the program printed about itself (runtime.NumGoroutine, runtime.Stack(all)).
// Static: the file image before the runtime starts. Plus identify() via m0's TLS and layout-mismatch detection.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { GoBinary, type ReadMemory } from '../../../src/debuginfo/goBinary';
import { MemoryReader, readMemoryOf, userGoroutines } from '../../../src/goruntime/reader/memoryReader';
import type { SchedSnapshot } from '../../../src/goruntime/snapshot';
import { buildGo, FIXTURES, SAMPLES, TOOLCHAINS } from './helpers';

const readLineOfFixture = readFileSync(join(FIXTURES, 'sched', 'main.go'), 'utf8').split('\n').findIndex((l) => l.includes('syscall.Read(0, in)')) + 1;

interface Live { stdout: string; pid: number; read: ReadMemory; finish: () => Promise<string> }

/** Runs the fixture until it prints "ready" (then it blocks in read(0)), and gives a reader of its memory. */
function runUntilBlocked(path: string): Promise<Live> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '', done = false;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('fixture never got ready')); }, 20_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (done || !out.includes('\nready\n')) return;
      done = true;
      clearTimeout(timer);
      setTimeout(() => {
        const fd = openSync(`/proc/${child.pid}/mem`, 'r');
        const read: ReadMemory = (addr, len) => {
          const buf = Buffer.alloc(len);
          try { return readSync(fd, buf, 0, len, addr) === len ? new Uint8Array(buf) : undefined; } catch { return undefined; }
        };
        const finish = () => new Promise<string>((res) => {
          closeSync(fd);
          child.on('close', () => res(out));
          child.stdin.end('x\n');
        });
        resolve({ stdout: out, pid: child.pid!, read, finish });
      }, 20);
    });
  });
}

/** A snapshot taken twice in a row must agree (the process is quiescent); retried once if sysmon moved things. */
function stableSnapshot(r: MemoryReader): SchedSnapshot {
  for (let i = 0; i < 5; i++) {
    const a = r.trySnapshot(), b = r.trySnapshot();
    if (a.snapshot && b.snapshot && JSON.stringify(a.snapshot) === JSON.stringify(b.snapshot)) return a.snapshot;
  }
  const last = r.trySnapshot();
  assert.ok(last.snapshot, last.error);
  return last.snapshot;
}

for (const tc of TOOLCHAINS) {
  for (const variant of ['', '-w'] as const) {
    test(`go${tc.version}${variant ? ' without DWARF' : ''}: live runtime read through /proc/PID/mem matches the program's own report`, async () => {
      const path = buildGo(tc, join(FIXTURES, 'sched'), 'sched', variant);
      const bin = GoBinary.open(readFileSync(path), path).binary!;
      const live = await runUntilBlocked(path);
      try {
        const c = MemoryReader.create(bin, live.read, { now: () => 42 });
        assert.ok(c.reader, c.error);
        const r = c.reader;
        assert.equal(r.layout.source, variant ? 'builtin' : 'dwarf', r.layout.note);
        // sysmon retakes the reader's P after 10 ms in the syscall: wait for that (bounded), then compare
        let s = stableSnapshot(r);
        // (sysmon sets the P _Pidle before handoffp counts it in sched.npidle: wait for both)
        for (let i = 0; i < 100 && !(s.ps.every((p) => p.status === '_Pidle') && s.sched.npidle === 2); i++) {
          await new Promise((res) => setTimeout(res, 20));
          s = stableSnapshot(r);
        }
        assert.equal(s.source, 'memory');
        assert.equal(s.t, 42);

        // The program's own view: NumGoroutine and the goroutine dump (ids and wait reasons)
        const num = Number(/numgoroutine (\d+)/.exec(live.stdout)![1]);
        const dump = [...live.stdout.matchAll(/^goroutine (\d+) \[([^\]]+)\]:/gm)].map((m) => ({ goid: Number(m[1]), state: m[2] }));
        const user = userGoroutines(s);
        assert.equal(user.length, num, 'user goroutines = runtime.NumGoroutine()');
        assert.deepEqual(user.map((g) => g.goid).sort((a, b) => a - b), dump.map((d) => d.goid).sort((a, b) => a - b));
        for (const d of dump.filter((x) => x.goid !== 1)) {
          const g = s.gs.find((x) => x.goid === d.goid)!;
          assert.equal(g.status, '_Gwaiting', `goroutine ${d.goid}`);
          assert.equal(g.waitreason, d.state, `goroutine ${d.goid} wait reason`);
        }
        assert.deepEqual(user.filter((g) => g.waitreason === 'chan receive').map((g) => g.startfn), Array(3).fill(user.find((g) => g.waitreason === 'chan receive')!.startfn));
        assert.equal(user.find((g) => g.waitreason === 'sleep')!.startfn, 'main.sleeper');

        // main goroutine: in the read syscall
        const g1 = s.gs.find((g) => g.goid === 1)!;
        assert.equal(g1.status, '_Gsyscall');
        assert.equal(g1.startfn, 'runtime.main');
        const spc = bin.lookupPC(parseInt(g1.syscallpc, 16))!;
        assert.match(spc.func.name, /^syscall\.(Syscall|RawSyscall6|read)|^internal\/runtime\/syscall\.Syscall6$/, `syscallpc in ${spc.func.name}`);
        assert.ok(BigInt(g1.syscallsp) >= BigInt(g1.stacklo!) && BigInt(g1.syscallsp) < BigInt(g1.stackhi!), 'syscallsp on its stack');
        // the blocked goroutine's stack, unwound from where entersyscall saved it: up to main.main and goexit
        const uw = bin.unwind(parseInt(g1.syscallpc, 16), parseInt(g1.syscallsp, 16), live.read, { returnAddress: true });
        assert.equal(uw.error, undefined, uw.error);
        const names = uw.frames.map((f) => f.function);
        assert.equal(names[0], bin.lookupPC(parseInt(g1.syscallpc, 16) - 1)!.frames[0].function);
        assert.equal(uw.frames[0].line, bin.lookupPC(parseInt(g1.syscallpc, 16) - 1)!.line, 'the line of the call to entersyscall');
        assert.ok(names.includes('syscall.Read') && names.includes('main.main'), names.join(' < '));
        assert.deepEqual(names.slice(-2), ['runtime.main', 'runtime.goexit']);
        const mainFrame = uw.frames.find((f) => f.function === 'main.main')!;
        assert.equal(mainFrame.line, readLineOfFixture, 'main.main is at its syscall.Read line');

        // Ps: two of them (GOMAXPROCS=2), ids in order; the reader's P was retaken (none left _Psyscall after
        // sysmon ran: a blocked syscall keeps its P at most one sysmon tick), and it had a syscall counted
        assert.deepEqual(s.ps.map((p) => p.id), [0, 1]);
        assert.ok(s.ps.every((p) => p.status === '_Pidle'), JSON.stringify(s.ps));
        assert.ok(s.ps.some((p) => p.syscalltick > 0));
        assert.equal(s.sched.npidle, 2);
        assert.deepEqual(s.sched.runq, []);
        // Ms: the one holding goroutine 1 has it as curg, no P, and the P it left in oldp
        const m = s.ms.find((x) => x.curg === 1)!;
        assert.ok(m, 'an M runs goroutine 1');
        assert.equal(g1.m, m.id);
        assert.equal(m.p, null);
        assert.ok(m.oldp === 0 || m.oldp === 1);
        assert.ok(s.ms.length >= 2 && s.ms.every((x) => x.tid! > 0), 'every M has its thread id');
        const tids = new Set(readTaskIds(live.pid));
        assert.ok(s.ms.every((x) => tids.has(x.tid!)), 'm.procid values are the process\'s thread ids');

        // identify: m0's TLS block: FS base points just past tls[0], where g lives
        const m0 = bin.symbol('runtime.m0')!.addr;
        const fs = m0 + r.layout.structs.m.fields.tls.offset + 8;
        const id = r.identify(fs);
        const m0snap = s.ms.find((x) => x.id === 0)!;
        assert.equal(id.m, 0);
        assert.equal(id.g, id.onSystemStack ? null : m0snap.curg);
        assert.deepEqual(r.identify(0), { m: null, p: null, g: null, gAddr: 0, mAddr: 0, pAddr: 0, onSystemStack: false });
        assert.equal(r.identify(0x10).m, null, 'unreadable TLS: unknown, no throw');

        // what the tracer watches
        const w = r.watchTargets().targets!;
        assert.equal(w.gStatusOffset, r.layout.structs.g.fields.atomicstatus.offset);
        assert.equal(w.pStatusOffset, r.layout.structs.p.fields.status.offset);
        assert.equal(w.ps.length, 2);
        const st = new DataView(live.read(w.gs.find((g) => g.goid === 1)!.statusAddr, 4)!.buffer).getUint32(0, true);
        assert.equal(st, 3, 'g.atomicstatus of goroutine 1 reads _Gsyscall');
        assert.equal(w.allglenAddr, bin.symbol('runtime.allglen')!.addr);
      } finally {
        const out = await live.finish();
        assert.match(out, /got 2/);
      }
    });
  }
}

function readTaskIds(pid: number): number[] {
  return require('node:fs').readdirSync(`/proc/${pid}/task`).map(Number);
}

test('static image (before the runtime starts): empty lists, not garbage; a wrong layout is an error', () => {
  const tc = TOOLCHAINS[2];
  const bin = GoBinary.open(readFileSync(buildGo(tc, join(SAMPLES, 'blocking'), 'blocking')), 'blocking').binary!;
  const c = MemoryReader.create(bin, bin.readStatic);
  assert.ok(c.reader, c.error);
  const s = c.reader.snapshot();
  assert.equal(c.reader.lastError, undefined);
  assert.deepEqual({ gs: s.gs, ms: s.ms, ps: s.ps, sched: s.sched }, { gs: [], ms: [], ps: [], sched: { runq: [], npidle: 0, nmidle: 0, nmspinning: 0 } });

  // the same reader over src/cpu-style memory (peekBytes throws on unmapped pages)
  const peek = { peekBytes: (a: number, n: number) => { const b = bin.readStatic(a, n); if (!b) throw new Error('unmapped'); return b; } };
  assert.deepEqual(MemoryReader.create(bin, readMemoryOf(peek)).reader!.snapshot().ps, []);
  const none = MemoryReader.create(bin, () => undefined).reader!;
  assert.deepEqual(none.snapshot().gs, []);
  assert.match(none.lastError!, /^cannot read 8 bytes of runtime\.allglen at 0x[0-9a-f]+$/);

  // a fake allp of one P whose id word says 7: the layout cannot be right for this memory
  const allp = bin.symbol('runtime.allp')!.addr;
  const fakeP = 0x7000_0000, arr = 0x7100_0000;
  const pSize = c.reader.layout.structs.p.size;
  const mem = new Map<number, Uint8Array>();
  const slice = new Uint8Array(24); new DataView(slice.buffer).setBigUint64(0, BigInt(arr), true); slice[8] = 1; slice[16] = 1;
  const arrB = new Uint8Array(8); new DataView(arrB.buffer).setBigUint64(0, BigInt(fakeP), true);
  const pB = new Uint8Array(pSize); pB[c.reader.layout.structs.p.fields.id.offset] = 7;
  mem.set(allp, slice); mem.set(arr, arrB); mem.set(fakeP, pB);
  const read: ReadMemory = (a, n) => mem.get(a)?.subarray(0, n) ?? bin.readStatic(a, n);
  const bad = MemoryReader.create(bin, read).reader!;
  assert.deepEqual(bad.snapshot().ps, [], 'nothing shown rather than a wrong P');
  assert.equal(c.reader.layout.source, 'dwarf', c.reader.layout.note);
  assert.match(bad.lastError!, /allp\[0\] at 0x70000000 has id 7: the runtime layout \(dwarf, go1\.23\.\d+\) does not match this binary/);
});

test('stripped binaries without DWARF: the reader says the scheduler view is unavailable', () => {
  const tc = TOOLCHAINS[2];
  const bin = GoBinary.open(readFileSync(buildGo(tc, join(SAMPLES, 'blocking'), 'blocking', '-s -w')), 'sw').binary!;
  const c = MemoryReader.create(bin, bin.readStatic);
  assert.equal(c.reader, undefined);
  assert.match(c.error!, /^sw: runtime\.allgs, runtime\.allglen, runtime\.allp, runtime\.allm, runtime\.sched not found \(stripped binary without symbols or DWARF\): the scheduler view is unavailable$/);
});
