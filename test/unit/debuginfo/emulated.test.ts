// The MemoryReader live on the emulator (src/linux Kernel running the unmodified samples/go/blocking binary with
// two CPUs): at the SYSCALL of main's syscall.Read the calling G is _Gsyscall and its P _Psyscall; while the read
// blocks, sysmon retakes that P (_Psyscall → _Pidle, syscalltick+1), seen at a later syscall stop; at the writer's
// write, G1 is still in its syscall. The goroutine count matches what the program printed from NumGoroutine.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Reg } from '../../../src/cpu/types';
import { GoBinary } from '../../../src/debuginfo/goBinary';
import { Kernel } from '../../../src/linux/kernel';
import { MemoryReader, readMemoryOf, userGoroutines } from '../../../src/goruntime/reader/memoryReader';
import type { SchedSnapshot } from '../../../src/goruntime/snapshot';
import { buildGo, SAMPLES, TOOLCHAINS } from './helpers';

const SYS_read = 0, SYS_write = 1;

for (const tc of TOOLCHAINS) {
  test(`go${tc.version}: blocking sample on the emulator: _Gsyscall/_Psyscall at the read, P retaken by sysmon later`, (t) => {
    const path = buildGo(tc, join(SAMPLES, 'blocking'), 'blocking');
    const bytes = new Uint8Array(readFileSync(path));
    const bin = GoBinary.open(bytes, path).binary!;
    let out = '';
    const k = new Kernel({ ncpu: 2, stdout: (b) => { out += Buffer.from(b).toString(); } });
    k.load(bytes, { argv: ['blocking'], env: [], path: '/blocking' });
    const reader = MemoryReader.create(bin, readMemoryOf(k.memory), {
      now: () => k.clockNs,
      syscallOf: (tid) => (k.threads.find((t) => t.tid === tid)?.sys ? 'syscall' : null),
    }).reader!;
    assert.ok(reader);

    let atRead: SchedSnapshot | undefined, atRetake: SchedSnapshot | undefined, atWrite: SchedSnapshot | undefined, printedBefore = -1;
    let readerP = -1, tickAtRead = -1;
    let queued = 0, snapshots = 0;
    const hooks = {
      stopAtSyscallEntry: (t: (typeof k.threads)[number], nr: number) => {
        if (!atRead) return true; // every syscall before the read: run queues are checked at each
        if (!atRetake) return true; // every syscall (sysmon's usleeps) until the retake is seen
        if (nr !== SYS_write) return false;
        const id = reader.identify(t.cpu.fsBase);
        if (atRead && !atWrite && nr === SYS_write && id.g !== null && id.g !== 1 && Number(t.cpu.getReg(Reg.RDX)) === 4) {
          return Buffer.from(k.memory.peekBytes(Number(t.cpu.getReg(Reg.RSI)), 4)).toString() === 'ping';
        }
        return false;
      },
    };
    for (let stops = 0; stops < 20_000 && !k.exited && k.instructions < 500_000_000; stops++) {
      const s = k.run(2_000_000, hooks);
      if (s.kind === 'syscall-entry') {
        const snap = reader.trySnapshot();
        assert.ok(snap.snapshot, snap.error);
        // Run queues, at any instruction boundary: each queued G is _Grunnable and queued once
        snapshots++;
        const inQueues = [...snap.snapshot.ps.flatMap((p) => p.runq), ...snap.snapshot.sched.runq];
        queued += inQueues.length;
        assert.equal(new Set(inQueues).size, inQueues.length, `a G queued twice: ${JSON.stringify(snap.snapshot.ps)}`);
        for (const goid of inQueues) assert.equal(snap.snapshot.gs.find((g) => g.goid === goid)?.status, '_Grunnable', `queued G ${goid}`);
        const id = reader.identify(s.thread.cpu.fsBase);
        if (!atRead && !(s.nr === SYS_read && id.g === 1 && out.includes('goroutines before read'))) continue;
        if (!atRead) {
          atRead = snap.snapshot;
          printedBefore = Number(/goroutines before read: (\d+)/.exec(out)![1]);
          assert.equal(id.g, 1);
          assert.equal(id.p, null, 'entersyscall released the P (m.p = 0)');
          readerP = atRead.ms.find((x) => x.curg === 1)?.oldp ?? -1;
        } else if (!atRetake) {
          const p = snap.snapshot.ps.find((x) => x.id === readerP);
          const g1 = snap.snapshot.gs.find((g) => g.goid === 1);
          if (p?.status !== '_Psyscall' && g1?.status === '_Gsyscall') atRetake = snap.snapshot;
        } else {
          atWrite = snap.snapshot;
        }
      }
      if (s.kind === 'exit' || s.kind === 'deadlock') break;
    }
    assert.ok(atRead && atRetake && atWrite, 'all three stops happened');
    assert.ok(queued > 0, `some of the ${snapshots} snapshots saw a queued G (runnext or a run queue)`);
    t.diagnostic(`go${tc.version}: ${snapshots} snapshots at syscall stops, ${queued} queued Gs checked`);
    assert.match(out, /read 4 bytes "ping"/);

    // at the read: G1 _Gsyscall on an M whose oldp is a _Psyscall P
    const g1 = atRead.gs.find((g) => g.goid === 1)!;
    assert.equal(g1.status, '_Gsyscall');
    assert.notEqual(g1.syscallpc, '0x0');
    const m = atRead.ms.find((x) => x.curg === 1)!;
    assert.equal(g1.m, m.id);
    assert.equal(m.p, null);
    assert.notEqual(m.oldp, null);
    assert.equal(readerP, m.oldp);
    const p = atRead.ps.find((x) => x.id === readerP)!;
    assert.equal(p.status, '_Psyscall');
    assert.equal(g1.p, readerP);
    tickAtRead = p.syscalltick;
    assert.equal(atRead.ps.length, 2);
    assert.equal(userGoroutines(atRead).length, printedBefore, 'goroutines = runtime.NumGoroutine() printed just before');

    // after sysmon's retake: G1 still in read, its P idle, the tick moved on, no M holds it; virtual time ≥ 10 ms later
    const pr = atRetake.ps.find((x) => x.id === readerP)!;
    assert.equal(pr.status, '_Pidle');
    assert.equal(pr.m, null);
    assert.ok(pr.syscalltick > tickAtRead, `syscalltick ${tickAtRead} → ${pr.syscalltick}`);
    assert.ok(atRetake.t - atRead.t >= 10e6, `retake after ${(atRetake.t - atRead.t) / 1e6} ms`);
    // (sched.npidle may still lag by one here: sysmon is between retake's CAS and handoffp's pidleput)
    assert.ok(atRetake.sched.npidle >= 1);

    // at the writer's write ("ping", 50 ms after the writer began to sleep): G1 still _Gsyscall, its M still without a P
    const g1w = atWrite.gs.find((g) => g.goid === 1)!;
    assert.equal(g1w.status, '_Gsyscall');
    assert.equal(atWrite.ms.find((x) => x.curg === 1)!.p, null);
    assert.ok(atWrite.t > atRetake.t);
  });
}
