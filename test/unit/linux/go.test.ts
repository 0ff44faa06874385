// Real Go programs (test/fixtures/go/programs, one binary with a scenario per argv[1]) run natively and on the
// emulator: stdout, stderr and exit code must be identical.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { buildPrograms, runEmu, runNative, tempDir, warnings } from './goFixtures';

let bin = '';
before(() => { bin = buildPrograms(); });

const cases: { name: string; stdin?: string; env?: string[] }[] = [
  { name: 'hello' },
  { name: 'files' },
  { name: 'goroutines', env: ['GOMAXPROCS=2'] },
  { name: 'ospipe' },
  { name: 'syspipe' },
  { name: 'panic' },
  { name: 'nil' },
  { name: 'exit3' },
  { name: 'stdin', stdin: 'the quick brown fox\njumps over\n\nthe lazy dog\n' },
  { name: 'mainreturns' },
  { name: 'preempt' },
  { name: 'signal' },
  { name: 'divzero' },
  { name: 'deadlock' },
];

/**
 * Traceback argument values that point into the Go heap (0xc000...) depend on which P's mcache served an earlier
 * allocation, which natively depends on thread timing (run the panic scenario natively a few times: it varies).
 * Only those are masked; everything else, pc= values included, must match exactly.
 */
function heapless(s: string): string { return s.replace(/0xc0000[0-9a-f]{5}\?/g, '0xc0000?????'); }

for (const c of cases) {
  test(`go ${c.name}: same stdout, stderr and exit code as natively`, () => {
    const native = runNative(bin, [c.name], { cwd: tempDir('gs-native-'), stdin: c.stdin, env: c.env });
    const emu = runEmu(bin, [c.name], { root: tempDir('gs-root-'), stdin: c.stdin, env: c.env, ncpu: 2 });
    assert.deepEqual(warnings(emu), [], 'no emulator warnings');
    assert.equal(emu.stdout, native.stdout);
    assert.equal(heapless(emu.stderr), heapless(native.stderr));
    assert.equal(emu.code, native.code);
    assert.ok(emu.stdout.length > 0, 'the scenario printed something');
  });
}

test('a huge allocation over the memory cap: Go reports out of memory, the kernel warns naming the cap', () => {
  const emu = runEmu(bin, ['bigalloc'], { root: tempDir('gs-root-'), memoryCap: 256 * 2 ** 20 });
  assert.equal(emu.code, 2);
  assert.match(emu.stderr, /^fatal error: runtime: out of memory\n/);
  assert.deepEqual(warnings(emu), ['guest memory cap reached (256 MiB): mmap of 1073741824 bytes fails with ENOMEM']);
  const roomy = runEmu(bin, ['bigalloc'], { root: tempDir('gs-root-') });
  assert.equal(roomy.stdout, 'allocated 1073741824\n', 'under the default 2 GiB cap it fits (pages are only committed when touched)');
});
