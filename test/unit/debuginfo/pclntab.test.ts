// .gopclntab against Go's own tools: the function list and every instruction's file:line against
// `go tool objdump`, pc → function and file:line against `go tool addr2line`, for binaries built by Go 1.19, 1.21
// and 1.23, with and without symbols (-s -w).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GoBinary } from '../../../src/debuginfo/goBinary';
import { basename, buildGo, goTool, goVersion, objdump, SAMPLES, TOOLCHAINS } from './helpers';

/** objdump names functions by symbol: `[5]T` where the line table says `[...]T`, and prints `·` as `.`. */
function sameName(n: string): string { return n.replace(/\[\d+\]/g, '[...]').replace(/\u00b7/g, '.'); }

function open(path: string): GoBinary {
  const r = GoBinary.open(readFileSync(path), path);
  assert.ok(r.binary, r.error);
  return r.binary;
}

for (const tc of TOOLCHAINS) {
  test(`go${tc.version}: functions and every instruction's line match go tool objdump; stripped binaries agree`, (t) => {
    const path = buildGo(tc, join(SAMPLES, 'blocking'), 'blocking');
    const bin = open(path);
    const stripped = open(buildGo(tc, join(SAMPLES, 'blocking'), 'blocking', '-s -w'));
    assert.equal(bin.goVersion, goVersion(tc));
    assert.equal(stripped.goVersion, goVersion(tc));
    assert.equal(bin.stripped, false);
    assert.equal(stripped.stripped, true);
    assert.equal(bin.pclntabFormat, tc.version === '1.19' ? 'go1.18' : 'go1.20+');
    // moduledata found by scanning (no symbols needed) agrees with the linker's go:func.* symbol
    const gofunc = bin.symbol(tc.version === '1.19' ? 'go.func.*' : 'go:func.*')!;
    assert.equal(bin.moduledata?.gofunc, gofunc.addr);
    assert.equal(stripped.moduledata?.gofunc, gofunc.addr);
    assert.deepEqual(bin.warnings, []);

    const od = objdump(tc, path);
    assert.equal(bin.functions.length, od.length, 'function count');
    let insns = 0, mismatches = 0;
    for (const f of od) {
      const ours = bin.funcForPC(f.insns[0].pc);
      assert.ok(ours, `function ${f.name} missing`);
      assert.equal(ours.entry, f.insns[0].pc, `${f.name} entry`);
      assert.equal(sameName(ours.name), sameName(f.name));
      assert.equal(ours.file, f.file, `${f.name} file`);
      const next = od[od.indexOf(f) + 1];
      if (next) assert.equal(ours.end, next.insns[0].pc, `${f.name} ends where the next function starts`);
      const s = stripped.funcForPC(ours.entry);
      assert.deepEqual(s, ours, `${f.name} in the stripped binary`);
      for (const ins of f.insns) {
        insns++;
        const a = bin.lookupPC(ins.pc);
        const b = stripped.lookupPC(ins.pc);
        if (!a || basename(a.file) !== ins.base || a.line !== ins.line || a.func !== ours) mismatches++;
        if (!b || b.file !== a?.file || b.line !== a?.line || b.func.name !== a?.func.name) mismatches++;
      }
    }
    assert.ok(insns > 50_000, `compared ${insns} instructions`);
    t.diagnostic(`go${tc.version}: ${od.length} functions, ${insns} instructions compared with objdump (and the -s -w binary)`);
    assert.equal(mismatches, 0, `${mismatches} of ${insns} instructions differ from objdump`);
  });

  test(`go${tc.version}: pc → function and file:line match go tool addr2line`, (t) => {
    const path = buildGo(tc, join(SAMPLES, 'rawsyscall'), 'rawsyscall');
    const bin = open(path);
    // every function's entry, plus pcs a third and two thirds in
    const pcs: number[] = [];
    for (const f of bin.functions) pcs.push(f.entry, f.entry + Math.floor((f.end - f.entry) / 3), f.entry + Math.floor((2 * (f.end - f.entry)) / 3));
    const lines = goTool(tc, ['addr2line', path], pcs.map((p) => '0x' + p.toString(16)).join('\n') + '\n').trim().split('\n');
    assert.equal(lines.length, 2 * pcs.length);
    let diffs = 0;
    pcs.forEach((pc, i) => {
      const info = bin.lookupPC(pc);
      const [name, loc] = [lines[2 * i], lines[2 * i + 1]];
      const m = /^(.*):(-?\d+)$/.exec(loc)!;
      const want = { file: m[1], line: Math.max(0, Number(m[2])) }; // ":-1" (no line: padding) is file '' line 0 here
      if (!info || info.func.name !== name || info.file !== want.file || info.line !== want.line) diffs++;
    });
    assert.equal(diffs, 0, `${diffs} of ${pcs.length} pcs differ from addr2line`);
    t.diagnostic(`go${tc.version}: ${pcs.length} pcs compared with addr2line`);
    // the flat line table agrees with lookupPC at every range start
    const entries = bin.lineEntries();
    assert.ok(entries.length > 10_000);
    for (let k = 0; k < entries.length; k += 97) {
      const e = entries[k], info = bin.lookupPC(e.addr + e.size - 1)!;
      assert.deepEqual([info.file, info.line], [e.file, e.line]);
    }
    assert.equal(bin.lookupPC(bin.functions[0].entry - 1), undefined, 'before the text: no function');
  });

  test(`go${tc.version}: source lines → pcs for breakpoints, consistent with objdump`, () => {
    const path = buildGo(tc, join(SAMPLES, 'blocking'), 'blocking');
    const bin = open(path);
    const main = bin.findFunction('main.main')!;
    const file = bin.matchFile(join(SAMPLES, 'blocking', 'main.go'));
    assert.equal(file, main.file);
    assert.equal(bin.matchFile('blocking/main.go'), main.file);
    assert.equal(bin.matchFile('/nowhere/unknown.go'), undefined);
    const lines = bin.linesForFile(file!);
    // objdump: every line with code in main.go, and the lowest pc of each per function
    const want = new Map<number, Set<string>>();
    for (const f of objdump(tc, path)) for (const i of f.insns) if (i.base === 'main.go' && f.file === file) {
      if (!want.has(i.line)) want.set(i.line, new Set());
      want.get(i.line)!.add(f.name);
    }
    assert.deepEqual([...lines.keys()].sort((a, b) => a - b), [...want.keys()].sort((a, b) => a - b));
    for (const [line, pcs] of lines) {
      for (const pc of pcs) {
        const info = bin.lookupPC(pc)!;
        assert.equal(info.file, file);
        assert.equal(info.line, line);
      }
    }
    // The read line of the sample: `n, err := syscall.Read(fds[0], buf)`
    const src = readFileSync(join(SAMPLES, 'blocking', 'main.go'), 'utf8').split('\n');
    const readLine = src.findIndex((l) => l.includes('syscall.Read(fds[0]')) + 1;
    const pcs = bin.pcsForLine(join(SAMPLES, 'blocking', 'main.go'), readLine);
    assert.ok(pcs.length >= 1);
    assert.equal(bin.lookupPC(pcs[0])!.func.name, 'main.main');
    assert.deepEqual(bin.pcsForLine(join(SAMPLES, 'blocking', 'main.go'), 1), [], 'a comment line has no code');

    // a breakpoint in Go's own runtime/proc.go inside reentersyscall (GOROOT's source is the oracle)
    const goroot = execFileSync(tc.go, ['env', 'GOROOT']).toString().trim();
    const proc = readFileSync(join(goroot, 'src/runtime/proc.go'), 'utf8').split('\n');
    const start = proc.findIndex((l) => l.startsWith('func reentersyscall('));
    const rel = proc.slice(start).findIndex((l) => /casgstatus\((gp|_g_), _Grunning, _Gsyscall\)/.test(l));
    assert.ok(start > 0 && rel > 0, 'reentersyscall sets _Gsyscall in proc.go');
    const casLine = start + rel + 1;
    const procPcs = bin.pcsForLine(join(goroot, 'src/runtime/proc.go'), casLine);
    assert.ok(procPcs.length >= 1, `proc.go:${casLine} has code`);
    for (const pc of procPcs) assert.ok(bin.lookupPC(pc)!.frames.some((f) => f.function === 'runtime.reentersyscall' && f.line === casLine));
    assert.deepEqual(bin.pcsForLine('runtime/proc.go', casLine), procPcs, 'matched by path suffix too');
  });
}

test('frame sizes (pcsp): zero at entry, the frame size inside a function with a frame', () => {
  const tc = TOOLCHAINS[2];
  const bin = open(buildGo(tc, join(SAMPLES, 'blocking'), 'blocking'));
  const main = bin.findFunction('main.main')!;
  assert.equal(bin.frameSize(main.entry), 0);
  // objdump shows main.main's `SUBQ $N, SP` (or ADJSP): after it, the frame size is N
  const od = goTool(tc, ['objdump', '-s', '^main\\.main$', bin.name]);
  const lines = od.split('\n').filter((l) => /\t0x[0-9a-f]+\t/.test(l));
  const at = lines.findIndex((l) => /\tSUBQ \$0x[0-9a-f]+, SP/.test(l));
  assert.ok(at > 0, 'main.main allocates a frame');
  const size = parseInt(/SUBQ \$0x([0-9a-f]+), SP/.exec(lines[at])![1], 16);
  const pcAfter = parseInt(/\t0x([0-9a-f]+)\t/.exec(lines[at + 1])![1], 16);
  assert.ok(/\tPUSHQ BP/.test(lines[at - 2]), 'the prologue pushes BP before SUBQ');
  assert.equal(bin.frameSize(pcAfter), size + 8, 'SUBQ size + the pushed BP');
  assert.equal(bin.frameSize(0x10), undefined);
  const hooks = bin.runtimeHooks();
  for (const k of ['entersyscall', 'entersyscallblock', 'exitsyscall', 'exitsyscallfast', 'exitsyscall0', 'handoffp', 'retake'] as const) {
    assert.equal(hooks[k], bin.findFunction('runtime.' + k)?.entry, k);
    assert.ok(hooks[k]! > 0, k);
  }
});
