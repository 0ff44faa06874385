// The decode cache as a person meets it: `gosyscall` run again and again on one Go program. The first run leaves an
// empty cache file, the second fills it, the third reads it and adds nothing; the output and the JSON trace are the
// same byte for byte every time, with the cache off, and with a damaged cache file (which is written anew).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join, resolve } from 'node:path';
import { goBuildId } from '../../src/machine/decodeCache';
import { buildPrograms, buildStdTests, GO } from '../unit/linux/goFixtures';

const ROOT = resolve(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'bin', 'gosyscall.js');

function gosyscall(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120000, env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('decode cache: empty after the first run, filled by the second, read by the third; traces identical throughout', () => {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'gs-dcache-'));
  try {
    // a copy of the program: the test rewrites it as `go build` would
    fs.mkdirSync(join(dir, 'prog'));
    const bin = join(dir, 'prog', 'programs');
    fs.copyFileSync(buildPrograms(), bin);
    const env = { GOSYSCALL_CACHE_DIR: dir, GOSYSCALL_NO_DECODE_CACHE: '' };
    const args = ['trace', bin, '--json', '--gomaxprocs', '2', '--', 'goroutines'];
    const files = () => fs.readdirSync(dir).filter((f) => f.endsWith('.decode'));
    const off = gosyscall(args, { ...env, GOSYSCALL_NO_DECODE_CACHE: '1' });
    assert.equal(off.code, 0, off.err);
    assert.deepEqual(files(), [], 'off: nothing written');
    assert.ok(off.out.split('\n').length > 200, 'a real trace');

    const sizes: number[] = [];
    let content: Buffer | undefined;
    for (let run = 1; run <= 3; run++) {
      const r = gosyscall(args, env);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, off.out, `run ${run}: the same trace`);
      assert.equal(r.err, off.err);
      assert.equal(files().length, 1);
      const file = join(dir, files()[0]);
      sizes.push(fs.statSync(file).size);
      if (run === 3) assert.ok(content!.equals(fs.readFileSync(file)), 'the third run added nothing');
      content = fs.readFileSync(file);
    }
    assert.ok(files()[0].startsWith('programs-'), files()[0]);
    assert.ok(sizes[0] < 200, `the first run only notes that the program ran (${sizes[0]} bytes: a header and its build ID)`);
    assert.ok(sizes[1] > 100_000, `the second keeps what iced decoded (${sizes[1]} bytes)`);

    // a damaged file: not used, written again, the run unchanged
    const file = join(dir, files()[0]);
    const bad = fs.readFileSync(file);
    bad[bad.length >> 1] ^= 0xff;
    fs.writeFileSync(file, bad);
    const r = gosyscall(args, env);
    assert.equal(r.out, off.out);
    assert.ok(fs.readFileSync(file).equals(content!), 'written anew, as the second run wrote it');

    // the same program written again (as `go build -o` does at every launch): its Go build ID keeps the cache
    fs.copyFileSync(bin, bin + '.new');
    fs.renameSync(bin + '.new', bin);
    const again = gosyscall(args, env);
    assert.equal(again.out, off.out);
    assert.equal(files().length, 1, 'no second cache file');
    assert.ok(fs.readFileSync(file).equals(content!), 'the same file, nothing added');

    // another program at the same path (a build after an edit, at the extreme): the cache keeps what it still finds
    // (nothing here) and what this run decoded, and the run is the run without a cache
    fs.copyFileSync(buildStdTests(['errors']).get('errors')!, bin + '.new');
    fs.renameSync(bin + '.new', bin);
    const testArgs = ['run', bin, '--', '-test.run=^TestIs$', '-test.v'];
    const plainTest = gosyscall(testArgs, { ...env, GOSYSCALL_NO_DECODE_CACHE: '1' });
    assert.match(plainTest.out, /--- PASS: TestIs/);
    const other = gosyscall(testArgs, env);
    assert.deepEqual([other.code, other.out, other.err], [plainTest.code, plainTest.out, plainTest.err]);
    assert.equal(files().length, 1, 'the same file, by path');
    const rewritten = fs.readFileSync(file);
    assert.ok(!rewritten.equals(content!), 'written for the other build');
    assert.ok(rewritten.includes(Buffer.from(goBuildId(bin)!, 'latin1')), 'with its build ID');
    const again2 = gosyscall(testArgs, env);
    assert.equal(again2.out, plainTest.out);
    assert.ok(fs.readFileSync(file).equals(rewritten), 'a run of the same build adds nothing');
    fs.copyFileSync(buildPrograms(), bin);

    // the plain run (no trace) shares the cache: same output as without it
    const plain = gosyscall(['run', bin, '--', 'hello'], env);
    assert.deepEqual([plain.code, plain.out, plain.err], [0, 'hello, world\n', '']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('decode cache: a folder that cannot be made does not stop the run', () => {
  const bin = buildPrograms();
  const r = gosyscall(['run', bin, '--', 'hello'], { GOSYSCALL_CACHE_DIR: '/proc/no-such-folder/gosyscall', GOSYSCALL_NO_DECODE_CACHE: '' });
  assert.deepEqual([r.code, r.out, r.err], [0, 'hello, world\n', '']);
});

test("a Go program's build ID, as `go tool buildid` reads it, tells its builds apart; other programs have none", () => {
  const bin = buildPrograms();
  const want = spawnSync(GO, ['tool', 'buildid', bin], { encoding: 'utf8' });
  assert.equal(want.status, 0, want.stderr);
  assert.equal(goBuildId(bin), want.stdout.trim());
  assert.equal(goBuildId(process.execPath), undefined);
});
