// The CLI's start from V8's code cache (src/boot/codeCache.ts), on a copy of dist/ so the repository's own cache
// is left alone: the cache is made, upgraded once by a run of a program, survives corruption, and never changes
// what a program prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');
const DIST = join(ROOT, 'dist');

/** A copy of dist/ in a fresh folder (samples/ beside it, as in the repository: the model's library is there). */
function copyOfDist(): string {
  const top = mkdtempSync(join(tmpdir(), 'gosyscall-cache-'));
  const dir = join(top, 'dist');
  mkdirSync(dir);
  for (const f of ['cli.js', 'cliMain.js', 'iced_x86_bg.wasm']) copyFileSync(join(DIST, f), join(dir, f));
  symlinkSync(join(ROOT, 'samples'), join(top, 'samples'));
  return dir;
}

function cli(dir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [join(dir, 'cli.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60000, env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The cache file's header: the bundle's key and whether a program had run when it was saved. */
function header(file: string): string {
  const b = readFileSync(file);
  const n = b.readUInt32LE(0);
  // padded so that V8's data starts at a multiple of 8 (V8 copies cache data that is not pointer-aligned)
  assert.equal((4 + n) % 8, 0, `${file}: V8's data at offset ${4 + n}`);
  return b.toString('utf8', 4, 4 + n).trimEnd();
}

test('code cache: made by the first run, upgraded once by a run of a program, then reused as it is', () => {
  const dir = copyOfDist();
  try {
    const cache = join(dir, `cliMain.js.${process.versions.v8}.v8cache`);
    assert.equal(existsSync(cache), false);
    assert.equal(cli(dir, ['--help']).code, 0);
    assert.match(header(cache), /\|cold$/, 'a run that ran no program saves a cold cache');
    const coldSize = statSync(cache).size;

    const hello = join(ROOT, 'samples', 'hello.s');
    const r = cli(dir, ['run', hello]);
    assert.deepEqual([r.code, r.out, r.err], [0, 'hello, world\n', '']);
    assert.match(header(cache), /\|warm$/, 'the first run of a program replaces it with a warm one');
    assert.ok(statSync(cache).size > coldSize, 'the warm cache holds the functions the run compiled');

    const before = readFileSync(cache);
    assert.equal(cli(dir, ['run', hello]).code, 0);
    assert.deepEqual(readFileSync(cache), before, 'a usable warm cache is left as it is');
  } finally {
    rmSync(dirname(dir), { recursive: true, force: true });
  }
});

test('code cache: a corrupt or stale cache is replaced, and output is the same with, without and after it', () => {
  const dir = copyOfDist();
  try {
    const cache = join(dir, `cliMain.js.${process.versions.v8}.v8cache`);
    const blocking = join(ROOT, 'samples', 'blocking.s');
    const plain = cli(dir, ['trace', blocking, '--json'], { GOSYSCALL_NO_CODE_CACHE: '1' });
    assert.equal(plain.code, 0);
    assert.equal(existsSync(cache), false, 'GOSYSCALL_NO_CODE_CACHE neither reads nor writes a cache');

    const first = cli(dir, ['trace', blocking, '--json']);
    assert.equal(first.out, plain.out, 'the trace is byte for byte the same');
    // right key, garbage data: V8 rejects it, the run goes on and a good cache replaces it
    const key = header(cache);
    const head = Buffer.from(key, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(head.length, 0);
    writeFileSync(cache, Buffer.concat([len, head, Buffer.from('not a V8 code cache at all')]));
    const corrupt = cli(dir, ['trace', blocking, '--json']);
    assert.deepEqual([corrupt.code, corrupt.out], [0, plain.out]);
    assert.ok(statSync(cache).size > 10_000, 'the corrupt cache was replaced');
    // a different bundle (another build) never uses the old cache: its key names the bundle's size and time
    writeFileSync(join(dir, 'cliMain.js'), readFileSync(join(dir, 'cliMain.js'), 'utf8') + '\n// rebuilt\n');
    const rebuilt = cli(dir, ['trace', blocking, '--json']);
    assert.deepEqual([rebuilt.code, rebuilt.out], [0, plain.out]);
    assert.notEqual(header(cache), key);
    // truncated to nothing: read as no cache
    writeFileSync(cache, Buffer.alloc(2));
    assert.equal(cli(dir, ['trace', blocking, '--json']).out, plain.out);
  } finally {
    rmSync(dirname(dir), { recursive: true, force: true });
  }
});

test('code-cached bundles are ASCII function expressions (the loader compiles their text as latin1, unwrapped)', () => {
  for (const f of ['cliMain.js', 'debugAdapterMain.js']) {
    const bytes = readFileSync(join(DIST, f));
    assert.equal(bytes.findIndex((b) => b > 0x7f), -1, `${f} has a non-ASCII byte`);
    assert.match(bytes.toString('latin1', 0, 80), /^\(function \(exports, require, module, __filename, __dirname\) \{/, f);
    // iced-x86's wasm is read through the loader's shared buffer straight into its compile: no binding of the glue
    // keeps that buffer once the loader lets it go (scripts/build.mjs)
    const text = bytes.toString('latin1');
    assert.match(text, /new WebAssembly\.Module\([^;]*\.readOnce\(path\d*\)\)/, f);
    assert.doesNotMatch(text, /readFileSync\(path\d*\)[,;]\s*(const |var )?wasmModule/, f);
  }
});

test('the buffer start-up reads files into is let go once the bundle has started (src/boot/readOnce.ts)', () => {
  // A preload watches the loader's shared buffer (its global, by name) and, at exit, reports the memory held by
  // array buffers after a full collection; with KEEP it holds the buffer itself, as a control.
  const dir = mkdtempSync(join(tmpdir(), 'gosyscall-readonce-'));
  try {
    const preload = join(dir, 'watch.cjs');
    writeFileSync(preload, `const S = Symbol.for('gosyscall.readOnce.buffer'); let v, kept;
Object.defineProperty(globalThis, S, { configurable: true, get() { return v; }, set(b) { v = b; if (b && process.env.KEEP) kept = b; } });
process.on('exit', () => { v = undefined; global.gc(); process.stderr.write('arrayBuffers ' + process.memoryUsage().arrayBuffers + ' ' + (kept ? kept.buffer.byteLength : 0) + '\\n'); });
`);
    const held = (keep: boolean) => {
      const r = spawnSync(process.execPath, ['--expose-gc', '-r', preload, join(DIST, 'cli.js'), 'run', join(ROOT, 'samples', 'hello.s')],
        { cwd: ROOT, encoding: 'utf8', timeout: 60000, env: { ...process.env, KEEP: keep ? '1' : '' } });
      assert.equal(r.stdout, 'hello, world\n', r.stderr);
      const m = /arrayBuffers (\d+) (\d+)/.exec(r.stderr);
      assert.ok(m, r.stderr);
      return { bytes: Number(m[1]), buffer: Number(m[2]) };
    };
    const kept = held(true), free = held(false);
    assert.ok(kept.buffer >= 2 << 20, 'the control holds the buffer');
    assert.ok(kept.bytes - free.bytes >= kept.buffer * 0.9, `the buffer was not freed: ${free.bytes} bytes of array buffers left, ${kept.bytes} with it kept`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
