// `gosyscall asm` and `gosyscall disasm` as a person runs them: a subprocess, its stdout, stderr and exit code.
// The commands are started through their module (src/cli/asmCommand.ts), as src/cli/main.ts dispatches to them.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const REPO = path.resolve(__dirname, '../../..');
const TMP = path.join(REPO, '.tmp', 'asm-cli');
const MODULE = path.join(REPO, 'out/src/cli/asmCommand.js');
const FIXTURE = path.join(REPO, 'test/unit/asm/fixtures/rawsyscall.s');

fs.mkdirSync(TMP, { recursive: true });
const RUNNER = path.join(TMP, 'gosyscall-asm.js');
fs.writeFileSync(RUNNER, `const m = require(${JSON.stringify(MODULE)});
const [cmd, ...args] = process.argv.slice(2);
(cmd === 'asm' ? m.asmCommand(args) : m.disasmCommand(args)).then(c => { process.exitCode = c; });
`);

function gosyscall(cmd: 'asm' | 'disasm', args: string[], input?: string) {
  return spawnSync(process.execPath, [RUNNER, cmd, ...args], { encoding: 'utf8', cwd: TMP, timeout: 60000, input });
}

test('asm -o writes an executable ELF that runs', () => {
  const out = path.join(TMP, 'raw.elf');
  fs.rmSync(out, { force: true });
  const r = gosyscall('asm', [FIXTURE, '-o', out]);
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  const run = spawnSync(out, [], { encoding: 'utf8' });
  assert.equal(run.stdout, 'hello from Plan 9\nsum=55\n');
});

test('asm --listing prints ADDR<TAB>HEX<TAB>FILE:LINE<TAB>SOURCE per instruction', () => {
  const r = gosyscall('asm', [FIXTURE, '--listing']);
  assert.equal(r.status, 0);
  const lines = r.stdout.trimEnd().split('\n');
  assert.ok(lines.length > 50);
  for (const l of lines) assert.match(l, /^0x[0-9a-f]+\t[0-9a-f]+\t[^\t]+:\d+\t.*$/);
  assert.ok(lines.some(l => /^0x[0-9a-f]+\t0f05\t.*rawsyscall\.s:\d+\tSYSCALL$/.test(l)));
  const first = lines[0].split('\t');
  assert.equal(first[0], '0x401000');
  assert.equal(first[1], '488b7c2408');
  assert.equal(first[3], 'MOVQ fd+0(FP), DI', 'tabs inside SOURCE become spaces so the four columns stay');
});

test('asm errors: FILE:LINE:COL: message on stderr, exit 2, no stack trace', () => {
  const bad = path.join(TMP, 'bad.s');
  fs.writeFileSync(bad, 'TEXT ·f(SB),4,$0\n\tMOVQ AX\n\tJMP nowhere\n\tFROB $1\n\tRET\n');
  const r = gosyscall('asm', [bad, '-o', path.join(TMP, 'bad.elf')]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.deepEqual(lines.map(l => l.replace(/: .*/, '')), [`${bad}:2:2`, `${bad}:3:6`, `${bad}:4:2`]);
  assert.ok(!/\n\s+at /.test(r.stderr));
});

test('asm - --as PATH: the source from standard input (an editor\'s unsaved text), named PATH, includes beside it', () => {
  const dir = path.join(TMP, 'stdin');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'consts.h'), '#define NR_getpid 39\n');
  const named = path.join(dir, 'edited.s');
  fs.writeFileSync(named, 'this text on disk is not what gets assembled\n');
  const good = '#include "consts.h"\nTEXT _start(SB),4,$0\n\tMOVQ $NR_getpid, AX\n\tSYSCALL\n\tMOVQ $60, AX\n\tSYSCALL\n';
  const ok = gosyscall('asm', ['-', '--as', named, '-o', path.join(dir, 'ok.elf')], good);
  assert.deepEqual([ok.status, ok.stderr], [0, '']);
  const bad = gosyscall('asm', ['-', '--as', named, '-o', path.join(dir, 'bad.elf')], good.replace('MOVQ $60, AX', 'MOVQ $60'));
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trimEnd().split('\n').map(l => l.replace(/: .*/, '')).join(), `${named}:5:2`);
  const two = gosyscall('asm', ['-', '-'], good);
  assert.deepEqual([two.status, /standard input \(-\) can be read once/.test(two.stderr)], [2, true]);
  const stray = gosyscall('asm', [FIXTURE, '--as', named]);
  assert.deepEqual([stray.status, /--as names standard input/.test(stray.stderr)], [2, true]);
});

test('bad usage: exit 2 with a gosyscall: message', () => {
  for (const [cmd, args] of [['asm', []], ['asm', ['--frob']], ['asm', ['missing.s']], ['disasm', []], ['disasm', ['x', '--syntax', 'att']]] as const) {
    const r = gosyscall(cmd, [...args]);
    assert.equal(r.status, 2, `${cmd} ${args.join(' ')}`);
    assert.match(r.stderr, /^gosyscall: /);
  }
  fs.writeFileSync(path.join(TMP, 'junk'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 9, 9]));
  const r = gosyscall('disasm', ['junk']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^gosyscall: junk: /);
});

test('disasm prints objdump-style listings in plan9, intel and gnu syntax, one symbol or all', () => {
  const elf = path.join(TMP, 'raw2.elf');
  assert.equal(gosyscall('asm', [FIXTURE, '-o', elf]).status, 0);
  const all = gosyscall('disasm', [elf]);
  assert.equal(all.status, 0);
  assert.match(all.stdout, /^TEXT main\.write\(SB\) /m);
  assert.match(all.stdout, /^TEXT _start\(SB\) /m);
  const one = gosyscall('disasm', [elf, '--symbol', 'main·write']);
  const lines = one.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^TEXT main\.write\(SB\) /);
  assert.equal(lines[1], '  0x401000\t488b7c2408\tMOVQ 0x8(SP), DI');
  assert.ok(lines.includes('  0x401016\t0f05\tSYSCALL'));
  const intel = gosyscall('disasm', [elf, '--symbol', 'main.write', '--syntax', 'intel']);
  assert.ok(intel.stdout.includes('\tmov rdi,[rsp+8]\n'));
  const gnu = gosyscall('disasm', [elf, '--symbol', 'main.write', '--syntax', 'gnu']);
  assert.ok(gnu.stdout.includes('\tmov 8(%rsp),%rdi\n'));
  // A .s file is assembled first and shows file:line like objdump.
  const src = gosyscall('disasm', [FIXTURE, '--symbol', '_start']);
  assert.match(src.stdout, /\n  rawsyscall\.s:\d+\t0x[0-9a-f]+\te8[0-9a-f]{8}\tCALL main\.main\(SB\)\n/);
});

test('through the gosyscall entry point (dist/cli.js): asm, disasm and an error', () => {
  const cli = path.join(REPO, 'dist/cli.js');
  assert.ok(fs.existsSync(cli), 'npm run build first');
  const out = path.join(TMP, 'via-cli.elf');
  const a = spawnSync(process.execPath, [cli, 'asm', FIXTURE, '-o', out], { encoding: 'utf8', cwd: TMP });
  assert.equal(a.status, 0, a.stderr);
  assert.equal(spawnSync(out, [], { encoding: 'utf8' }).stdout, 'hello from Plan 9\nsum=55\n');
  const d = spawnSync(process.execPath, [cli, 'disasm', out, '--symbol', 'main.write'], { encoding: 'utf8', cwd: TMP });
  assert.equal(d.status, 0);
  assert.ok(d.stdout.includes('\tSYSCALL\n'));
  const bad = path.join(TMP, 'bad-cli.s');
  fs.writeFileSync(bad, 'TEXT f(SB),4,$0\n\tFOO AX\n\tRET\n');
  const e = spawnSync(process.execPath, [cli, 'asm', bad], { encoding: 'utf8', cwd: TMP });
  assert.equal(e.status, 2);
  assert.equal(e.stderr, `${bad}:2:2: unrecognized instruction "FOO"\n`);
});

test('a model program links with the syscall library and the model runtime, as gosyscall run links it', () => {
  const hello = path.join(REPO, 'samples/hello.s');
  const r = gosyscall('asm', [hello, '--listing']);
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^0x401000\t55\t.*hello\.s:\d+\tTEXT ·main\(SB\)/m);
  // The library's SYSCALL is in the same image: the wrapper's `SYSCALL` line is listed with its bytes 0f05.
  assert.match(r.stdout, /\t0f05\t.*syscall_linux_amd64\.s:\d+\tSYSCALL/);
  const d = gosyscall('disasm', [hello, '--symbol', 'main.main']);
  assert.equal(d.status, 0, d.stderr);
  assert.match(d.stdout, /CALL syscall\.Syscall\(SB\)/);
});
