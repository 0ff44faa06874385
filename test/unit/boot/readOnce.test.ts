// readOnce (src/boot/readOnce.ts): the files read at every start share one buffer, grown when a file needs more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOnce, releaseReadBuffer } from '../../../src/boot/readOnce';

test("readOnce: each file's bytes, in one reused buffer; a larger file grows it; a missing file throws", () => {
  const dir = mkdtempSync(join(tmpdir(), 'gosyscall-readonce-'));
  try {
    const small = Buffer.from('first file'), other = Buffer.from('the second, longer file');
    const big = Buffer.alloc(3 << 20, 7);
    big.write('end', big.length - 3);
    for (const [name, b] of [['a', small], ['b', other], ['c', big]] as const) writeFileSync(join(dir, name), b);
    const a = readOnce(join(dir, 'a'));
    assert.deepEqual(Buffer.from(a), small);
    const b = readOnce(join(dir, 'b'));
    assert.deepEqual(Buffer.from(b), other);
    assert.equal(b.buffer, a.buffer, "the second read reuses the first one's memory");
    const c = readOnce(join(dir, 'c'));
    assert.equal(c.length, big.length);
    assert.equal(c.toString('latin1', c.length - 3), 'end');
    assert.deepEqual(Buffer.from(readOnce(join(dir, 'a'))), small);
    assert.throws(() => readOnce(join(dir, 'missing')), { code: 'ENOENT' });
    releaseReadBuffer();
    const again = readOnce(join(dir, 'b'));
    assert.notEqual(again.buffer, c.buffer, 'once released, a read makes a buffer of its own');
    assert.deepEqual(Buffer.from(again), other);
    releaseReadBuffer();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
