// A program read from its file as it runs (FileImage): the same run as from its bytes, reading a fraction of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileImage, Kernel, type TraceEventBody } from '../../../src/linux';
import { buildPrograms, tempDir } from './goFixtures';

function run(file: Uint8Array | FileImage): { trace: string; out: string; code: number } {
  const events: string[] = [];
  let out = '';
  const k: Kernel = new Kernel({ stdout: (b) => { out += Buffer.from(b).toString(); }, trace: { emit: (e: TraceEventBody) => events.push(JSON.stringify({ ...e, t: k.clockNs })) } });
  k.load(file, { argv: ['programs', 'hello'], env: [], path: '/programs' });
  for (;;) {
    const s = k.run(5_000_000);
    if (s.kind === 'exit') return { trace: events.join('\n'), out, code: s.code };
    if (s.kind === 'deadlock') assert.fail('deadlock');
  }
}

test('a Go program run from a FileImage: the same trace as from its bytes, with most of the file never read', () => {
  const bin = buildPrograms();
  const eager = run(new Uint8Array(fs.readFileSync(bin)));
  const image = FileImage.open(bin);
  const lazy = run(image);
  assert.deepEqual([lazy.code, lazy.out], [0, 'hello, world\n']);
  assert.equal(lazy.trace, eager.trace);
  const size = fs.statSync(bin).size;
  assert.ok(image.bytesRead > 0 && image.bytesRead < size / 2, `read ${image.bytesRead} of ${size} bytes`);
});

test('FileImage: need() reads each 4 KiB chunk once, all() reads the rest, a file that shrank is a clear error', () => {
  const dir = tempDir('gs-fileimage-');
  const f = path.join(dir, 'data');
  const data = Buffer.alloc(10_000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
  fs.writeFileSync(f, data);
  const img = FileImage.open(f);
  assert.equal(img.bytes.length, 10_000);
  img.need(5000, 10);
  assert.equal(img.bytesRead, 4096, 'the chunk holding [5000, 5010)');
  assert.equal(img.bytes[5005], data[5005]);
  assert.equal(img.bytes[10], 0, 'not read yet');
  img.need(4096, 100);
  assert.equal(img.bytesRead, 4096, 'already read');
  img.need(9000, 1e9); // clipped to the file
  assert.equal(img.bytesRead, 4096 + (10_000 - 8192));
  assert.deepEqual(Buffer.from(img.all()), data);
  assert.equal(img.bytesRead, 10_000);

  const shrinking = FileImage.open(f);
  fs.truncateSync(f, 100);
  assert.throws(() => shrinking.need(8192, 10), /data: the program file is shorter than when it was loaded/);
  fs.rmSync(dir, { recursive: true, force: true });
});
