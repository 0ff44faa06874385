// Oracle: Go's own encoder test data. Every line of amd64enc.s that is not a VEX/EVEX instruction (mnemonics
// starting with V) must assemble to one of the byte strings in its comment; the rest are listed in the gaps file.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assemble } from '../../../src/asm';
import { encodingCases, requireGo, REPO, TESTDATA } from './goroot';

function bytesOf(line: string): string {
  const r = assemble([{ path: 'case.s', text: `TEXT t(SB),4,$0\n\t${line}\n` }]);
  if (!r.ok || !r.image) return `error: ${r.diagnostics[0]?.message}`;
  return Buffer.from(r.image.segments[0].bytes).toString('hex');
}

test('amd64enc.s: non-VEX lines assemble to Go\'s bytes (≥ 98%, failures are known gaps)', () => {
  requireGo();
  const cases = encodingCases().filter(c => !(/^V/.test(c.op) && !/^VER[RW]$/.test(c.op)));
  assert.ok(cases.length > 5000, `expected > 5000 cases, found ${cases.length}`);
  const gaps = fs.readFileSync(path.join(REPO, 'docs/asm-known-gaps.md'), 'utf8');
  const failures: string[] = [];
  let pass = 0;
  for (const c of cases) {
    const got = bytesOf(c.text);
    if (c.want.includes(got)) pass++;
    else failures.push(`amd64enc.s:${c.line}: ${c.text} => ${got} (want ${c.want.join(' or ')})`);
  }
  const pct = (100 * pass) / cases.length;
  console.log(`amd64enc.s: ${pass}/${cases.length} non-VEX lines match (${pct.toFixed(2)}%)`);
  assert.ok(pct >= 98, `only ${pct.toFixed(2)}% match:\n${failures.slice(0, 30).join('\n')}`);
  for (const f of failures) {
    const op = f.split(': ')[1].split(' ')[0];
    assert.ok(gaps.includes('`' + op + '`'), `failure not listed in docs/asm-known-gaps.md: ${f}`);
  }
});

test('amd64enc.s: the VEX-encoded general-purpose instructions (BMI1/BMI2) assemble too', () => {
  requireGo();
  const cases = encodingCases().filter(c => /^(ANDN|BEXTR|BLSI|BLSMSK|BLSR|BZHI|MULX|PDEP|PEXT|RORX|SARX|SHLX|SHRX)[LQ]$/.test(c.op));
  assert.ok(cases.length > 50);
  for (const c of cases) assert.ok(c.want.includes(bytesOf(c.text)), `${c.text}: want ${c.want.join(' or ')}, got ${bytesOf(c.text)}`);
});

test('amd64enc.s assembles as one file (with its #include) with only the documented gaps reported', () => {
  requireGo();
  const file = path.join(TESTDATA, 'amd64enc.s');
  const r = assemble([{ path: file, text: fs.readFileSync(file, 'utf8') }]);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const nonVex = r.diagnostics.filter(d => !/^\s*V/.test(lines[d.line - 1] ?? ''));
  assert.deepEqual(nonVex.map(d => `${d.line}: ${lines[d.line - 1].trim()}`), [
    '5739: SYSENTER64                              // 480f34',
    '5835: UD1                                     // 0fb9',
  ]);
});

test('amd64error.s: every non-VEX line marked ERROR is rejected at its own line', () => {
  requireGo();
  const file = path.join(TESTDATA, 'amd64error.s');
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const r = assemble([{ path: file, text }]);
  assert.equal(r.ok, false);
  const errLines = new Set(r.diagnostics.map(d => d.line));
  let checked = 0;
  lines.forEach((l, i) => {
    const m = /^\t([A-Z0-9.]+)\s.*\/\/ ERROR "/.exec(l) ?? /^\t([A-Z0-9.]+)\s*\/\/ ERROR "/.exec(l);
    if (!m || /^V/.test(m[1])) return;
    checked++;
    assert.ok(errLines.has(i + 1), `line ${i + 1} accepted: ${l.trim()}`);
    // Each line is also rejected on its own (not only as a consequence of another error).
    const alone = assemble([{ path: 'e.s', text: `TEXT t(SB),4,$0\n${l}\n` }]);
    assert.equal(alone.ok, false, `accepted alone: ${l.trim()}`);
    assert.equal(alone.diagnostics[0].line, 2);
  });
  assert.ok(checked >= 45, `checked only ${checked} lines`);
});
