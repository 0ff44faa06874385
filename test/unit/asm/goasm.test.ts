// Oracle: Go's own assembler. `go tool asm -S` (Go 1.23) assembles fixtures/goasm-oracle.s and prints each
// function's bytes; ours must be identical: frame prologue/epilogue, FP and pseudo-SP offsets, branch
// relaxation, n(PC), prefixes, PCALIGN and the choice among equivalent encodings.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { assemble, dotted, formatDiagnostic } from '../../../src/asm';
import { GO, GOROOT, goEnv, requireGo, TMP } from './goroot';

const FIXTURE = path.join(__dirname, '../../../../test/unit/asm/fixtures/goasm-oracle.s');

/** Parses `go tool asm -S`: symbol name → its bytes (from the hex dump under each STEXT header). */
function goFunctions(listing: string): Map<string, string> {
  const out = new Map<string, string>();
  let cur: string | undefined;
  for (const line of listing.split('\n')) {
    const h = /^(\S+) (S[A-Z]+) /.exec(line);
    if (h) { cur = h[2] === 'STEXT' ? h[1] : undefined; if (cur) out.set(cur, ''); continue; }
    const d = /^\t0x[0-9a-f]{4}((?: [0-9a-f]{2}){1,16})(?:\s{2,}|$)/.exec(line);
    if (d && cur) out.set(cur, out.get(cur)! + d[1].replace(/ /g, ''));
  }
  return out;
}

test('functions assemble to the same bytes as go tool asm', () => {
  requireGo();
  fs.mkdirSync(TMP, { recursive: true });
  const listing = execFileSync(GO, ['tool', 'asm', '-I', path.join(GOROOT, 'pkg/include'), '-S', '-p', 'main', '-o', path.join(TMP, 'oracle.o'), FIXTURE],
    { env: goEnv(), encoding: 'utf8' });
  const want = goFunctions(listing);
  assert.ok(want.size >= 7, `go tool asm listed ${want.size} functions`);
  const r = assemble([{ path: FIXTURE, text: fs.readFileSync(FIXTURE, 'utf8') }]);
  assert.deepEqual(r.diagnostics.map(formatDiagnostic), []);
  const img = r.image!;
  const text = img.segments[0];
  for (const f of img.functions) {
    const name = dotted(f.name);
    const ours = Buffer.from(text.bytes.subarray(f.addr - text.vaddr, f.addr - text.vaddr + f.size)).toString('hex');
    assert.equal(ours, want.get(name), `${name} differs`);
  }
});
