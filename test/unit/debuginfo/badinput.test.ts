// Bad input never throws out of the API and never passes for good data: a C static binary, garbage, truncated
// files, a non-amd64 Go binary, corrupted .gopclntab and corrupted DWARF each give one clear message.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GoBinary } from '../../../src/debuginfo/goBinary';
import { ElfFile } from '../../../src/debuginfo/elf';
import { buildGo, SAMPLES, TMP, TOOLCHAINS } from './helpers';

const tc = TOOLCHAINS[2];

function section(bytes: Uint8Array, name: string) {
  return new ElfFile(bytes).section(name)!;
}

test('a C static binary: "not a Go binary", no throw', () => {
  mkdirSync(TMP, { recursive: true });
  const c = join(TMP, 'hello-c.c'), bin = join(TMP, 'hello-c');
  writeFileSync(c, '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n');
  if (!existsSync(bin)) execFileSync('gcc', ['-static', '-O1', '-o', bin, c]);
  const r = GoBinary.open(readFileSync(bin), 'hello-c');
  assert.equal(r.binary, undefined);
  assert.match(r.error!, /^hello-c: no \.gopclntab section: not a Go binary/);
});

test('garbage, truncated and non-amd64 files give clear errors', () => {
  assert.match(GoBinary.open(new Uint8Array(0), 'empty').error!, /empty: not an ELF file/);
  assert.match(GoBinary.open(new TextEncoder().encode('#!/bin/sh\necho hi\n'), 'script').error!, /script: not an ELF file/);
  const good = readFileSync(buildGo(tc, join(SAMPLES, 'rawsyscall'), 'rawsyscall'));
  for (const n of [64, 4096, good.length >> 1]) {
    const r = GoBinary.open(good.subarray(0, n), `cut${n}`);
    assert.equal(r.binary, undefined, `truncated at ${n}`);
    assert.match(r.error!, new RegExp(`^cut${n}: `));
  }
  const armDir = join(SAMPLES, 'rawsyscall');
  const arm = join(TMP, 'rawsyscall-arm64');
  if (!existsSync(arm)) execFileSync(tc.go, ['build', '-o', arm, 'main.go'], { cwd: armDir, env: { ...process.env, CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'arm64', GOTOOLCHAIN: 'local' } });
  assert.match(GoBinary.open(readFileSync(arm), 'arm').error!, /arm: not an amd64 binary \(ELF machine 183\)/);
});

test('corrupted .gopclntab: header, function table and pc-value tables', () => {
  const good = readFileSync(buildGo(tc, join(SAMPLES, 'rawsyscall'), 'rawsyscall'));
  const pcln = section(good, '.gopclntab');
  const patch = (f: (b: Buffer, o: number) => void) => { const b = Buffer.from(good); f(b, pcln.offset); return b; };

  assert.match(GoBinary.open(patch((b, o) => b.writeUInt32LE(0xfffffffb, o)), 'old').error!, /magic 0xfffffffb \(Go 1\.2–1\.15\) is not a supported Go 1\.18\+ line table/);
  assert.match(GoBinary.open(patch((b, o) => b.writeUInt32LE(0x12345678, o)), 'bad').error!, /\.gopclntab magic 0x12345678/);
  assert.match(GoBinary.open(patch((b, o) => b.writeUInt32LE(0x7fffffff, o + 8)), 'n').error!, /function count 2147483647 does not fit/);
  // the function table: swap two entries' pcs (out of order) / point a function at the wrong _func
  const ftab = pcln.offset + Number(good.readBigUInt64LE(pcln.offset + 8 + 7 * 8));
  const swapped = patch((b) => { const a = b.readUInt32LE(ftab + 8 * 10); b.writeUInt32LE(b.readUInt32LE(ftab + 8 * 11), ftab + 8 * 10); b.writeUInt32LE(a, ftab + 8 * 11); });
  assert.match(GoBinary.open(swapped, 'swap').error!, /function 1[01] at 0x[0-9a-f]+ is out of order|does not match its table entry/);
  const wrongFunc = patch((b) => b.writeUInt32LE(b.readUInt32LE(ftab + 8 * 20 + 4) + 4, ftab + 8 * 20 + 4));
  assert.match(GoBinary.open(wrongFunc, 'wf').error!, /function 20: _func at offset 0x[0-9a-f]+ does not match its table entry/);

  // a pc-value table that runs past its function: lookups say "unknown" instead of a wrong line
  const ok = GoBinary.open(good, 'ok').binary!;
  const main = ok.findFunction('main.main')!;
  const pctab = pcln.offset + Number(good.readBigUInt64LE(pcln.offset + 8 + 6 * 8));
  const funcOff = pcln.offset + Number(good.readBigUInt64LE(pcln.offset + 8 + 7 * 8)) + good.readUInt32LE(ftab + 8 * main.index + 4);
  const pclnOff = good.readUInt32LE(funcOff + 24);
  const runaway = patch((b) => { b[pctab + pclnOff + 1] = 0xff; b[pctab + pclnOff + 2] = 0x7f; }); // first pc delta: huge
  const rb = GoBinary.open(runaway, 'runaway').binary!;
  assert.ok(rb, 'the table as a whole still opens');
  // the same damage in its file table: found when opening, named in a warning
  const pcfileOff = good.readUInt32LE(funcOff + 20);
  const fileDamage = patch((b) => { b[pctab + pcfileOff + 1] = 0xff; b[pctab + pcfileOff + 2] = 0x7f; });
  const fb = GoBinary.open(fileDamage, 'filedamage').binary!;
  assert.ok(fb.warnings.some((w) => /^filedamage: unreadable line tables for 1 functions \(main\.main\): no lines shown for them$/.test(w)), fb.warnings.join('\n'));
  assert.equal(fb.findFunction('main.main')!.file, '');
  assert.equal(fb.lookupPC(main.entry), undefined);
  assert.equal(fb.lookupPC(ok.findFunction('runtime.main')!.entry)!.line, ok.lookupPC(ok.findFunction('runtime.main')!.entry)!.line);
  assert.equal(rb.lookupPC(main.entry + 8), undefined, 'no line rather than a wrong one');
  assert.deepEqual(rb.linesForFile(main.file), new Map(), 'no breakpoints from an unreadable table');
  assert.ok(rb.lookupPC(ok.findFunction('runtime.main')!.entry), 'other functions still answer');

  // random damage anywhere in the table: never a throw out of the API
  let seed = 12345;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  for (let trial = 0; trial < 40; trial++) {
    const b = Buffer.from(good);
    for (let k = 0; k < 8; k++) b[pcln.offset + rnd(pcln.size)] = rnd(256);
    const r = GoBinary.open(b, 'fuzz');
    if (!r.binary) { assert.match(r.error, /^fuzz: /); continue; }
    for (let i = 0; i < r.binary.functions.length; i += 37) {
      const f = r.binary.functions[i];
      r.binary.lookupPC(f.entry);
      r.binary.frameSize(f.entry + 1);
      r.binary.unwind(f.entry, 0x1000, () => undefined);
    }
    r.binary.linesForFile(r.binary.functions[0].file);
  }
});

test('corrupted DWARF: the built-in table stands in and the note says why', () => {
  const path = buildGo(tc, join(SAMPLES, 'rawsyscall'), 'rawsyscall');
  const good = readFileSync(path);
  const info = section(good, '.debug_info');
  const b = Buffer.from(good);
  for (let i = 100; i < 140; i++) b[info.offset + i] ^= 0x5a; // inside the zlib stream
  const bin = GoBinary.open(b, 'zdamage').binary!;
  const l = bin.runtimeLayout();
  assert.equal(l.layout!.source, 'builtin');
  assert.match(l.layout!.note, /zdamage: \.debug_info is not valid zlib data .*; no DWARF in the binary .*built-in runtime layout for go1\.23/);

  // uncompressed DWARF with a damaged abbreviation table: a parse error, not wrong offsets
  const plainPath = buildGo(tc, join(SAMPLES, 'rawsyscall'), 'rawsyscall', '-compressdwarf=false');
  const plain = readFileSync(plainPath);
  const abbrev = section(plain, '.debug_abbrev');
  const p2 = Buffer.from(plain);
  p2.fill(0x7f, abbrev.offset, abbrev.offset + abbrev.size);
  const l2 = GoBinary.open(p2, 'abbrev').binary!.runtimeLayout();
  assert.equal(l2.layout!.source, 'builtin');
  assert.match(l2.layout!.note, /^abbrev: \.debug_/);

  // DWARF damaged and the build info wiped: the version still comes from runtime.buildVersion
  const p3 = Buffer.from(p2);
  const bi = section(p3, '.go.buildinfo');
  p3.fill(0, bi.offset, bi.offset + 16);
  const b3 = GoBinary.open(p3, 'nobuildinfo').binary!;
  assert.equal(b3.goVersion, GoBinary.open(good, 'good').binary!.goVersion);
  assert.ok(b3.warnings.some((w) => /\.go\.buildinfo lacks its "Go buildinf:" header/.test(w)));
  assert.equal(b3.runtimeLayout().layout!.source, 'builtin');
});
