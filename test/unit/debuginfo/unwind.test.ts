// Unwinding and inlined frames against the Go runtime itself: the fixture captures its own pc/sp inside the
// inlined c() (called from main.b, recursively), dumps its stack, and prints runtime.CallersFrames for the same
// chain. Our pclntab unwinder, run over that stack dump, must name the same frames at the same lines.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GoBinary, type ReadMemory } from '../../../src/debuginfo/goBinary';
import { buildGo, FIXTURES, TOOLCHAINS } from './helpers';

const SRC = join(FIXTURES, 'unwind', 'main.go');
const srcLines = readFileSync(SRC, 'utf8').split('\n');
const lineOf = (marker: string) => srcLines.findIndex((l) => l.includes(marker)) + 1;

for (const tc of TOOLCHAINS) for (const ld of ['', '-s -w']) {
  test(`go${tc.version}${ld ? ' stripped (-s -w)' : ''}: unwinding a real goroutine stack matches runtime.CallersFrames, inlined frame included`, () => {
    const path = buildGo(tc, join(FIXTURES, 'unwind'), 'unwind', ld);
    const out = execFileSync(path).toString().split('\n');
    const [pcHex, spHex] = out.find((l) => l.startsWith('regs '))!.split(' ').slice(1);
    const stack = Buffer.from(out.find((l) => l.startsWith('stack '))!.slice(6), 'hex');
    const want = out.filter((l) => l.startsWith('frame ')).map((l) => {
      const [, fn, file, line] = l.split(' ');
      return { fn, file, line: Number(line) };
    });
    const pc = parseInt(pcHex, 16), sp = parseInt(spHex, 16);
    const read: ReadMemory = (addr, len) => (addr >= sp && addr + len <= sp + stack.length ? new Uint8Array(stack.subarray(addr - sp, addr - sp + len)) : undefined);

    const bin = GoBinary.open(readFileSync(path), path).binary!;
    // The captured pc is the return address into c's inlined body: look it up as a caller frame (pc-1).
    const r = bin.unwind(pc - 1, sp, read);
    assert.equal(r.error, undefined, r.error);
    const got = r.frames.map((f) => ({ fn: f.function, file: f.file, line: f.line, inlined: f.inlined }));
    // innermost: main.c inlined into main.b at the getregs call, then main.b at the call to c
    assert.deepEqual(got[0], { fn: 'main.c', file: SRC, line: lineOf('// capture line'), inlined: true });
    assert.deepEqual(got[1], { fn: 'main.b', file: SRC, line: lineOf('// call-c line'), inlined: false });
    assert.equal(r.frames[0].sp, r.frames[1].sp, 'an inlined frame shares its function\'s SP');
    // CallersFrames was taken one line earlier in b; from its caller on, the frames must be identical
    assert.equal(want[0].fn, 'main.b');
    assert.deepEqual(got.slice(2).map(({ fn, file, line }) => ({ fn, file, line })), want.slice(1));
    assert.equal(got[got.length - 1].fn, 'runtime.goexit');
    // the recursion: b called itself three times from the same line
    assert.equal(got.filter((f) => f.fn === 'main.b').length, 4);

    // the same walk from the return address itself
    const ra = bin.unwind(pc, sp, read, { returnAddress: true });
    assert.deepEqual(ra.frames.map((f) => [f.function, f.line, f.sp]), r.frames.map((f) => [f.function, f.line, f.sp]));
    // lookupPC on the same pc gives the same inline expansion
    const info = bin.lookupPC(pc - 1)!;
    assert.deepEqual(info.frames.map((f) => f.function), ['main.c', 'main.b']);
    assert.equal(info.func.name, 'main.b');

    // unreadable stack: frames so far and a clear reason, no throw
    const cut = bin.unwind(pc - 1, sp, () => undefined);
    assert.equal(cut.frames.length, 2);
    assert.match(cut.error!, /cannot read the return address of main\.b at 0x/);
    const outside = bin.unwind(0x10, sp, read);
    assert.deepEqual(outside.frames, []);
    assert.match(outside.error!, /pc 0x10 is not in Go code/);
  });
}
