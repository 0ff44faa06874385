// The seams others build on, on tiny hand-assembled static ELF programs: syscall-entry stops before anything runs,
// syscall events with decoded text, native regions with block/sleep, ENOSYS warnings, deadlock detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reg } from '../../../src/cpu/types';
import { Kernel, type SyscallEvent, type TraceEventBody } from '../../../src/linux';

const BASE = 0x400000, CODE = BASE + 120;

/** A static ELF64 with one RWX PT_LOAD at 0x400000: headers, then `code` (entry), then `data`. */
function elf(code: number[], data: number[] = []): Uint8Array {
  const b = new Uint8Array(120 + code.length + data.length);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  const v = new DataView(b.buffer);
  v.setUint16(16, 2, true); v.setUint16(18, 62, true); v.setUint32(20, 1, true);
  v.setBigUint64(24, BigInt(CODE), true); v.setBigUint64(32, 64n, true);
  v.setUint16(52, 64, true); v.setUint16(54, 56, true); v.setUint16(56, 1, true);
  v.setUint32(64, 1, true); v.setUint32(68, 7, true);
  v.setBigUint64(80, BigInt(BASE), true); v.setBigUint64(96, BigInt(b.length), true); v.setBigUint64(104, BigInt(b.length + 4096), true);
  b.set(code, 120);
  b.set(data, 120 + code.length);
  return b;
}
const imm = (x: number) => [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, (x >>> 24) & 0xff];
const movEax = (x: number) => [0xb8, ...imm(x)], movEdi = (x: number) => [0xbf, ...imm(x)];
const movEsi = (x: number) => [0xbe, ...imm(x)], movEdx = (x: number) => [0xba, ...imm(x)];
const SYSCALL = [0x0f, 0x05];

function kernel(bytes: Uint8Array): { k: Kernel; out: string[]; events: TraceEventBody[] } {
  const out: string[] = [];
  const events: TraceEventBody[] = [];
  const k = new Kernel({ stdout: (b) => out.push(Buffer.from(b).toString()), trace: { emit: (e) => events.push(e) } });
  k.load(bytes, { argv: ['t'], env: [] });
  return { k, out, events };
}

test('stopAtSyscallEntry stops AT the SYSCALL with nothing done; resuming performs it', () => {
  const code = [...movEax(1), ...movEdi(1), ...movEsi(0), ...movEdx(6), ...SYSCALL, ...movEax(231), ...movEdi(7), ...SYSCALL];
  const msg = CODE + code.length;
  code.splice(10, 5, ...movEsi(msg));
  const { k, out, events } = kernel(elf(code, [...Buffer.from('hello\n')]));
  const seen: number[] = [];
  const s = k.run(1000, { stopAtSyscallEntry: (t, nr) => { seen.push(nr); return nr === 1; } });
  assert.equal(s.kind, 'syscall-entry');
  assert.ok(s.kind === 'syscall-entry');
  assert.equal(s.nr, 1);
  assert.equal(s.thread.cpu.rip, CODE + 20, 'RIP at the SYSCALL instruction');
  assert.deepEqual(out, [], 'nothing written yet');
  assert.equal(k.instructions, 4);
  let ret: SyscallEvent | undefined;
  const s2 = k.run(1000, { stopAtSyscallEntry: () => false, stopAtSyscallReturn: (t, ev) => { ret = ev; return true; } });
  assert.equal(s2.kind, 'syscall-return');
  assert.deepEqual(out, ['hello\n']);
  assert.equal(ret!.text, 'write(1, "hello\\n", 6) = 6');
  assert.equal(ret!.pc, '0x' + (CODE + 20).toString(16));
  assert.equal(s2.kind === 'syscall-return' && s2.thread.cpu.getRegNum(Reg.RAX), 6);
  const s3 = k.run(1000);
  assert.deepEqual(s3, { kind: 'exit', code: 7, signal: undefined });
  assert.deepEqual(seen, [1]);
  assert.deepEqual(events.map((e) => e.ev), ['syscall', 'syscall', 'exit']);
  assert.equal(events[2].ev === 'exit' && events[2].instructions, k.instructions);
});

test('native regions: an instruction fetch there calls the handler (one instruction each), which may sleep', () => {
  const NATIVE = 0x10000000;
  const code = [...movEax(NATIVE), 0xff, 0xd0 /* call rax */, 0x89, 0xc7 /* mov edi, eax */, ...movEax(231), ...SYSCALL];
  const { k } = kernel(elf(code));
  const calls: number[] = [];
  k.registerNative(NATIVE, NATIVE + 16, (t, rip) => {
    calls.push(rip);
    if (rip === NATIVE) { k.sleepUntil(t, k.clockNs + 5_000_000); t.cpu.rip = NATIVE + 1; return; }
    t.cpu.setRegNum(Reg.RAX, 42);
    const rsp = t.cpu.getRegNum(Reg.RSP);
    t.cpu.rip = Number(k.memory.peek64(rsp));
    t.cpu.setRegNum(Reg.RSP, rsp + 8);
  });
  const stops: number[] = [];
  let s = k.run(1_000_000, { stopAtNative: (t, rip) => { stops.push(rip); return rip === NATIVE + 1; } });
  assert.equal(s.kind, 'native');
  assert.deepEqual(calls, [NATIVE]);
  s = k.run(1_000_000);
  assert.deepEqual(s, { kind: 'exit', code: 42, signal: undefined });
  assert.deepEqual(calls, [NATIVE, NATIVE + 1]);
  assert.deepEqual(stops, [NATIVE, NATIVE + 1]);
  assert.equal(k.instructions, 2 + 2 + 1 + 1 + 1, 'mov, call, 2 native steps, mov, mov, syscall');
  assert.ok(k.clockNs >= 1e9 + 5e6, 'the clock jumped over the sleep');
});

test('an unimplemented syscall returns ENOSYS and warns, naming it', () => {
  const code = [...movEax(999), ...SYSCALL, 0x89, 0xc7, 0xf7, 0xdf /* mov edi, eax; neg edi */, ...movEax(231), ...SYSCALL];
  const { k, events } = kernel(elf(code));
  assert.deepEqual(k.run(1000), { kind: 'exit', code: 38, signal: undefined });
  const w = events.find((e) => e.ev === 'warning');
  assert.ok(w && w.ev === 'warning' && /unimplemented syscall syscall_999 \(999\)/.test(w.message));
  const sc = events.find((e) => e.ev === 'syscall');
  assert.ok(sc && sc.ev === 'syscall' && sc.errno === 'ENOSYS' && sc.ret === -38);
});

test('every thread blocked with no timer is a deadlock, not a hang', () => {
  const data = CODE + 32; // futex words are 4-byte aligned
  const code = [...movEax(202), ...movEdi(data), ...movEsi(128), ...movEdx(0), 0x45, 0x31, 0xd2 /* xor r10d */, ...SYSCALL];
  while (code.length < 32) code.push(0x90);
  const { k } = kernel(elf(code, [0, 0, 0, 0]));
  assert.deepEqual(k.run(1000), { kind: 'deadlock' });
  assert.equal(k.threads[0].state, 'blocked');
  assert.equal(k.threads[0].wait?.reason, 'futex');
  assert.equal(k.threads[0].wait?.addr, data);
});

test('a guest fault with no handler kills with the signal (exit 128+11) after the fault hook', () => {
  const code = [0x48, 0x8b, 0x04, 0x25, 0x08, 0x00, 0x00, 0x00 /* mov rax, [8] */];
  const { k, events } = kernel(elf(code));
  const s = k.run(1000, { stopOnFault: () => true });
  assert.equal(s.kind, 'fault');
  assert.ok(s.kind === 'fault' && s.fault.kind === '#PF' && s.fault.addr === 8 && s.signal === 11);
  assert.deepEqual(k.run(1000), { kind: 'exit', code: 139, signal: 11 });
  assert.ok(events.some((e) => e.ev === 'signal' && e.sig === 'SIGSEGV'));
});

test('a handled signal interrupts a blocked pipe read, runs the handler on a real frame, and the read restarts (SA_RESTART)', () => {
  // Two-pass assembly: labels are byte offsets resolved on the second pass.
  const build = (L: Record<string, number>) => {
    const a = (x: string) => CODE + (L[x] ?? 0);
    const movR10 = (x: number) => [0x41, 0xba, ...imm(x)];
    const parts: [string, number[]][] = [
      ['main', [...movEax(13), ...movEdi(10), ...movEsi(a('act')), ...movEdx(0), ...movR10(8), ...SYSCALL,
        ...movEax(293), ...movEdi(a('fds')), ...movEsi(0), ...SYSCALL,
        ...movEax(0), ...movEdi(3), ...movEsi(a('buf')), ...movEdx(1), ...SYSCALL,
        0x89, 0xc7, 0x83, 0xc7, 0x28 /* mov edi, eax; add edi, 40 */, ...movEax(231), ...SYSCALL]],
      ['handler', [...movEax(1), ...movEdi(1), ...movEsi(a('msg')), ...movEdx(1), ...SYSCALL, 0xc3]],
      ['restorer', [...movEax(15), ...SYSCALL]],
      ['thread2', [...movEax(234), ...movEdi(1000), ...movEsi(1000), ...movEdx(10), ...SYSCALL,
        ...movEax(1), ...movEdi(4), ...movEsi(a('msg')), ...movEdx(1), ...SYSCALL, ...movEax(60), ...movEdi(0), ...SYSCALL]],
      ['act', [...imm(a('handler')), 0, 0, 0, 0, ...imm(0x14000004), 0, 0, 0, 0, ...imm(a('restorer')), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
      ['fds', [0, 0, 0, 0, 0, 0, 0, 0]],
      ['buf', [0, 0, 0, 0, 0, 0, 0, 0]],
      ['msg', [0x48]],
    ];
    const labels: Record<string, number> = {};
    const bytes: number[] = [];
    for (const [name, b] of parts) { while (bytes.length % 8) bytes.push(0x90); labels[name] = bytes.length; bytes.push(...b); }
    return { labels, bytes };
  };
  const { labels, bytes } = build(build({}).labels);
  const { k, out, events } = kernel(elf(bytes));
  assert.deepEqual(k.run(100_000), { kind: 'deadlock' }, 'main blocks in read(3, ...)');
  assert.equal(k.threads[0].wait?.key, 'pipe:1:r');
  k.createThread({ rip: CODE + labels.thread2, rsp: 0x7ffffff00000, name: 'killer' });
  const s = k.run(100_000);
  assert.deepEqual(s, { kind: 'exit', code: 41, signal: undefined }, 'the restarted read returned 1');
  assert.deepEqual(out, ['H'], 'the handler ran');
  const texts = events.filter((e) => e.ev === 'syscall').map((e) => (e as SyscallEvent).text ?? '');
  const i = texts.indexOf(`read(3, 0x${(CODE + labels.buf).toString(16)}, 1) = -1 ERESTARTSYS`);
  assert.ok(i >= 0, texts.join('\n'));
  assert.ok(texts.slice(i).includes('rt_sigreturn() = 0'), texts.join('\n'));
  assert.match(texts[texts.length - 2], /^read\(3, "H", 1\) = 1$/);
  assert.ok(events.some((e) => e.ev === 'signal' && e.sig === 'SIGUSR1' && e.tid === 1000));
});

test('identify (installed by the scheduler source) gives syscall events their m/p/g; 64-bit values are hex strings', () => {
  const code = [...movEax(39) /* getpid */, ...SYSCALL, ...movEax(231), ...movEdi(0), ...SYSCALL];
  const { k, events } = kernel(elf(code));
  k.identify = (t) => ({ m: 5, p: 1, g: t.tid === 1000 ? 7 : null });
  k.run(100);
  const ev = events.find((e) => e.ev === 'syscall') as SyscallEvent;
  assert.deepEqual({ m: ev.m, p: ev.p, g: ev.g, name: ev.name, nr: ev.nr, ret: ev.ret, errno: ev.errno, blocked: ev.blocked },
    { m: 5, p: 1, g: 7, name: 'getpid', nr: 39, ret: 1000, errno: null, blocked: false });
  assert.equal(ev.args.length, 6);
  assert.ok(ev.args.every((a) => /^0x[0-9a-f]+$/.test(a)));
  assert.equal(ev.pc, '0x' + (CODE + 5).toString(16));
});
