// Oracle: `go tool objdump` of a Go 1.23 hello world built at test time. Our Plan 9 formatter over iced-x86's
// decoder must print the same text for ≥ 99% of the instructions of every function.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { disassemble, symbolizerFor } from '../../../src/asm';
import { readElf, readVirtual } from '../../../src/asm/elfread';
import { buildGo, GO, goEnv } from './goroot';

const HELLO = 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello, world") }\n';

test('disassembly of a Go 1.23 hello world matches go tool objdump (≥ 99% of instructions)', () => {
  const bin = buildGo('hello', HELLO);
  const dump = execFileSync(GO, ['tool', 'objdump', bin], { env: goEnv(), maxBuffer: 1 << 30 }).toString('utf8');
  const want = new Map<number, string>();
  for (const line of dump.split('\n')) {
    const m = /^\s+\S+\t+0x([0-9a-f]+)\t+[0-9a-f]+\t+(.*?)\s*$/.exec(line);
    if (m) want.set(parseInt(m[1], 16), m[2].replace(/\s+/g, ' '));
  }
  assert.ok(want.size > 50000, `objdump printed only ${want.size} instructions`);
  const bytes = fs.readFileSync(bin);
  const info = readElf(bytes);
  assert.ok(typeof info !== 'string', String(info));
  const symbolize = symbolizerFor(info.symbols.filter(s => s.addr !== 0));
  let same = 0, seen = 0;
  const diffs: string[] = [];
  for (const f of info.symbols.filter(s => s.func && s.size > 0)) {
    const code = readVirtual(bytes, info, f.addr, f.size)!;
    for (const l of disassemble(code, f.addr, { symbolize })) {
      const w = want.get(l.addr);
      if (w === undefined) continue;
      seen++;
      const got = l.text.replace(/\s+/g, ' ');
      if (got === w) same++;
      else if (diffs.length < 20) diffs.push(`0x${l.addr.toString(16)} ${Buffer.from(l.bytes).toString('hex')}: objdump "${w}", ours "${got}"`);
    }
  }
  const pct = (100 * same) / want.size;
  console.log(`objdump: ${same}/${want.size} instructions identical (${pct.toFixed(3)}%), ${seen} compared`);
  assert.ok(seen >= want.size * 0.999, `only ${seen} of ${want.size} objdump instructions found at our instruction boundaries`);
  assert.ok(pct >= 99, `only ${pct.toFixed(2)}%:\n${diffs.join('\n')}`);
});
