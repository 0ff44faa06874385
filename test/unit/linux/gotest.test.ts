// `go test -c` binaries of standard-library packages that need no testdata must PASS inside the emulator,
// exactly as they do natively.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { buildStdTests, runEmu, runNative, tempDir, warnings } from './goFixtures';

const PACKAGES = ['container/list', 'container/ring', 'unicode/utf8', 'unicode/utf16', 'encoding/hex', 'path', 'errors',
  'math/bits', 'hash/crc32'];
let bins = new Map<string, string>();
before(() => { bins = buildStdTests(PACKAGES); });

for (const pkg of PACKAGES) {
  test(`go test ${pkg} passes in the emulator`, () => {
    const bin = bins.get(pkg)!;
    const native = runNative(bin, ['-test.short'], { cwd: tempDir('gs-std-') });
    const emu = runEmu(bin, ['-test.short'], { root: tempDir('gs-std-root-') });
    assert.deepEqual(warnings(emu), []);
    assert.equal(emu.stdout, 'PASS\n');
    assert.equal(emu.code, 0);
    assert.equal(emu.stdout, native.stdout);
    assert.equal(emu.code, native.code);
  });
}
