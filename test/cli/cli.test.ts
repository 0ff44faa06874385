// The `gosyscall` command as a person runs it: a subprocess, its output and exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { blockingBinary } from '../dap/realgoBuild';

const ROOT = resolve(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'bin', 'gosyscall.js');
const FIX = join(ROOT, 'test', 'cli', 'fixtures');
const sample = (n: string) => join(ROOT, 'samples', n);

function gosyscall(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', input, timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('run: guest stdout and exit status 0', () => {
  const r = gosyscall(['run', sample('hello.s')]);
  assert.equal(r.out, 'hello, world\n');
  assert.equal(r.err, '');
  assert.equal(r.code, 0);
});

test('run --stdin feeds standard input; --stats ends stderr with the stats line', () => {
  const r = gosyscall(['run', join(FIX, 'echo.s'), '--stdin', 'ping\n', '--stats']);
  assert.equal(r.out, 'ping\n');
  assert.equal(r.code, 0);
  const last = r.err.trimEnd().split('\n').pop()!;
  assert.match(last, /^instructions=\d+ virtual_ns=\d+ wall_ms=\d+ mips=\d+(\.\d+)?$/);
  assert.ok(Number(/instructions=(\d+)/.exec(last)![1]) > 50);
});

test('run: the exit code of a killed guest is 128+signal (SIGSEGV → 139)', () => {
  const r = gosyscall(['run', join(ROOT, 'test', 'dap', 'fixtures', 'fault.s')]);
  assert.equal(r.code, 139);
  assert.match(r.err, /SIGSEGV/);
});

test('run: a static ELF runs and its exit code comes through', () => {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const bin = join(ROOT, '.tmp', 'exit3');
  execFileSync('gcc', ['-static', '-nostdlib', '-O1', '-o', bin, join(FIX, 'exit3.c')]);
  const r = gosyscall(['run', bin]);
  assert.equal(r.out, 'elf\n');
  assert.equal(r.code, 3);
});

test('trace: strace-like lines prefixed [M P G], syscalls and G/P transitions, exit last', () => {
  const r = gosyscall(['trace', sample('hello.s')]);
  assert.equal(r.code, 0);
  const lines = r.out.trimEnd().split('\n');
  assert.ok(lines.includes('[M0 P0 G1] G1 _Grunning -> _Gsyscall'), r.out);
  assert.ok(lines.some((l) => /^\[M0 P0 G1\] write\(1, "hello, world\\n", 13\) = 13$/.test(l)), r.out);
  assert.ok(lines.some((l) => /^\[M0 P- G1\] exitsyscall G1 path=fast$/.test(l)), r.out);
  assert.match(lines[lines.length - 1], /^\+\+\+ exited with 0 \+\+\+/);
  for (const l of lines) if (!l.startsWith('+++') && l !== 'hello, world') assert.match(l, /^\[M(\d+|-) P(\d+|-) G(\d+|-)\] /);
});

test('trace --json: one object per line, seq +1, hex strings, exit last', () => {
  const r = gosyscall(['trace', '--json', sample('blocking.s')]);
  assert.equal(r.code, 0);
  const evs = r.out.trimEnd().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  evs.forEach((e, i) => { assert.equal(e.seq, i + 1); assert.equal(typeof e.t, 'number'); });
  const sc = evs.find((e) => e.ev === 'syscall' && e.name === 'read');
  assert.ok(sc);
  assert.deepEqual(Object.keys(sc).slice(0, 3), ['ev', 'seq', 't']);
  for (const k of ['m', 'p', 'g', 'pc', 'nr', 'name', 'args', 'ret', 'errno', 'blocked']) assert.ok(k in sc, k);
  assert.equal(sc.nr, 0);
  assert.equal(sc.blocked, true);
  assert.equal(sc.args.length, 6);
  for (const a of sc.args) assert.match(a, /^0x[0-9a-f]+$/);
  assert.ok(evs.some((e) => e.ev === 'handoff' && e.reason === 'sysmon retake' && e.p === 0));
  assert.ok(evs.some((e) => e.ev === 'exitsyscall' && e.g === 1 && e.path === 'slow'));
  assert.ok(evs.some((e) => e.ev === 'thread' && e.action === 'create'));
  const last = evs[evs.length - 1];
  assert.equal(last.ev, 'exit');
  assert.equal(last.code, 0);
  assert.ok(last.instructions > 0);
});

test('determinism: two traces of the same program are byte-identical', () => {
  for (const args of [['trace', sample('blocking.s')], ['trace', '--json', sample('blocking.s')]]) {
    const a = gosyscall(args), b = gosyscall(args);
    assert.equal(a.code, 0);
    assert.ok(a.out.length > 200);
    assert.equal(a.out, b.out);
  }
});

test('npm start: the blocking sample traced from the package root', () => {
  const r = gosyscall(['trace', 'samples/blocking.s']);
  assert.equal(r.code, 0);
  assert.match(r.out, /handoff P0 M0 -> M\d+ \(sysmon retake\)/);
});

test('bad usage and bad input: one `gosyscall:` line, exit 2, no stack trace', () => {
  for (const args of [['run'], ['run', 'x.s', '--bogus'], ['run', 'nonexistent.s'], ['frob'], ['run', sample('hello.s'), '--gomaxprocs', 'x'],
    ['run', join(ROOT, 'package.json')]]) {
    const r = gosyscall(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, /^gosyscall: /, args.join(' '));
    assert.equal(r.err.trimEnd().split('\n').length, 1, r.err);
    assert.doesNotMatch(r.err, /\n\s+at /);
  }
});

test('asm errors in a program print as FILE:LINE:COL: message, exit 2', () => {
  const r = gosyscall(['run', 'test/cli/fixtures/bad.s']);
  assert.equal(r.code, 2);
  assert.match(r.err, /^test\/cli\/fixtures\/bad\.s:5:2: .*FROBQ/);
  assert.doesNotMatch(r.err, /\n\s+at /);
});

test('--max-instructions stops a runaway loop with exit 2 and a message naming where', () => {
  const r = gosyscall(['run', join(ROOT, 'test', 'dap', 'fixtures', 'loop.s'), '--max-instructions', '100000']);
  assert.equal(r.code, 2);
  assert.match(r.err, /^gosyscall: stopped after 100000 instructions \(--max-instructions\) at main\.main\+\d+ \(loop\.s:\d+\)/);
});

test('asm and disasm are dispatched to the assembler commands', () => {
  const r = gosyscall(['asm', join(ROOT, 'test', 'dap', 'fixtures', 'count.s'), '--listing']);
  assert.equal(r.code, 0);
  assert.match(r.out, /^0x[0-9a-f]+\t[0-9a-f]+\t.*count\.s:\d+\t/m);
  const d = gosyscall(['disasm', join(ROOT, '.tmp', 'exit3')]);
  assert.equal(d.code, 0, d.err);
  assert.match(d.out, /SYSCALL/);
});

test('trace of a real Go binary (go1.23, GOMAXPROCS=2): scheduler events from memory, t from 0, handoff by sysmon, byte-identical', () => {
  const bin = blockingBinary('1.23');
  const r = gosyscall(['trace', '--json', bin]);
  assert.equal(r.code, 0, r.err);
  const evs = r.out.trimEnd().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  evs.forEach((e, i) => assert.equal(e.seq, i + 1));
  assert.ok(evs[0].t < 1_000_000, `the first event at ${evs[0].t} ns: t counts from the program's start`);
  assert.ok(evs.every((e, i) => i === 0 || e.t >= evs[i - 1].t), 't never goes back');
  const read = evs.find((e) => e.ev === 'syscall' && e.name === 'read' && e.g === 1 && e.blocked);
  assert.ok(read, 'the blocking read of G1');
  const before = evs.filter((e) => e.seq < read.seq);
  assert.ok(before.some((e) => e.ev === 'gstatus' && e.g === 1 && e.from === '_Grunning' && e.to === '_Gsyscall' && e.m === read.m));
  assert.ok(before.some((e) => e.ev === 'pstatus' && e.from === '_Prunning' && e.to === '_Psyscall' && e.m === read.m));
  const h = before.find((e) => e.ev === 'handoff' && e.reason === 'sysmon retake');
  assert.ok(h, 'sysmon retook the P during the read');
  assert.equal(h.fromM, read.m);
  assert.ok(h.m !== null && h.m !== read.m, 'handed off by sysmon\'s M');
  assert.ok(before.some((e) => e.ev === 'pstatus' && e.p === h.p && e.from === '_Psyscall' && e.to === '_Pidle' && e.m === h.m && e.seq < h.seq));
  const ex = evs.find((e) => e.ev === 'exitsyscall' && e.g === 1 && e.seq > read.seq);
  assert.ok(ex && (ex.path === 'fast-idle-p' || ex.path === 'slow'), JSON.stringify(ex));
  assert.equal(evs[evs.length - 1].ev, 'exit');
  // the text trace: the handoff line carries the identity of the M that did it (sysmon: no P, on g0)
  const t = gosyscall(['trace', bin]);
  assert.ok(t.out.split('\n').some((l) => l === `[M${h.m} P- G-] handoff P${h.p} M${h.fromM} -> M${h.toM ?? '-'} (sysmon retake)`), t.out);
  assert.equal(gosyscall(['trace', '--json', bin]).out, r.out);
  const s = gosyscall(['run', bin, '--stats']);
  assert.equal(s.out, 'goroutines before read: 2\nread 4 bytes "ping" err=<nil>\ngoroutines after read: 1\n');
  const ns = Number(/virtual_ns=(\d+)/.exec(s.err)![1]);
  assert.ok(ns > 50_000_000 && ns < 60_000_000, `virtual_ns=${ns}: 50 ms of sleep, counted from the start`);
});

test('a reader that stops early (`| head`) ends the command quietly: exit 0, nothing on stderr', async () => {
  const { spawn } = await import('node:child_process');
  // disassembling a Go binary writes megabytes: far more than a pipe holds when the reader goes away
  const child = spawn(process.execPath, [CLI, 'disasm', blockingBinary('1.23')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
  assert.deepEqual([code, err], [0, '']);
});
