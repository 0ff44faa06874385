// Every instruction in a real Go 1.23 GOAMD64=v1 static binary translates to something executable, except
// the ones Go only runs after checking CPUID for features our baseline CPU does not report.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decoder, DecoderOptions, Mnemonic } from 'iced-x86';
import { translate } from '../../../src/cpu/translate';
import { nextInsn } from '../../../src/cpu/insninfo';
import { TMP } from '../../fixtures/cpu/build';

const GO = '/usr/lib/go-1.23/bin/go';

// Reached only behind CPUID checks: AVX/AVX2 (and VZEROUPPER), AES-NI (aeshash), SSSE3/SSE4.1 (with AES),
// XGETBV (behind OSXSAVE). UD2 is Go's own deliberate trap.
const GUARDED = /^(V.*|Aes.*|Pshufb|Pinsrd|Pinsrq|Ptest|Xgetbv|Ud2)$/;

const SOURCE = `package main

import (
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() {
	m := map[string]float64{}
	for i, a := range os.Args {
		m[strings.ToUpper(a)] = math.Sqrt(float64(i)) * 1.5
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Println(keys, strconv.Quote("hi"), time.Duration(1500)*time.Millisecond)
}
`;

function textSection(b: Buffer): { addr: number; bytes: Uint8Array } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const shoff = Number(dv.getBigUint64(0x28, true)), shentsize = dv.getUint16(0x3a, true);
  const shnum = dv.getUint16(0x3c, true), shstrndx = dv.getUint16(0x3e, true);
  const sh = (i: number) => {
    const o = shoff + i * shentsize;
    return { name: dv.getUint32(o, true), addr: Number(dv.getBigUint64(o + 16, true)), off: Number(dv.getBigUint64(o + 24, true)), size: Number(dv.getBigUint64(o + 32, true)) };
  };
  const strtab = sh(shstrndx);
  for (let i = 0; i < shnum; i++) {
    const s = sh(i);
    const end = b.indexOf(0, strtab.off + s.name);
    if (b.subarray(strtab.off + s.name, end).toString() === '.text') {
      return { addr: s.addr, bytes: new Uint8Array(b.buffer, b.byteOffset + s.off, s.size) };
    }
  }
  throw new Error('no .text section');
}

test('a Go 1.23 GOAMD64=v1 binary decodes to supported instructions only', () => {
  assert.ok(existsSync(GO), `Go 1.23 is required at ${GO} (the CI installs golang-1.23-go)`);
  const dir = join(TMP, 'goprog');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'main.go'), SOURCE);
  if (!existsSync(join(dir, 'go.mod'))) writeFileSync(join(dir, 'go.mod'), 'module goprog\n\ngo 1.23\n');
  const exe = join(dir, 'goprog');
  const r = spawnSync(GO, ['build', '-o', exe, '.'], {
    cwd: dir, encoding: 'utf8',
    env: { ...process.env, CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64', GOAMD64: 'v1', GOFLAGS: '-mod=mod' },
  });
  assert.equal(r.status, 0, r.stderr);

  const { addr, bytes } = textSection(readFileSync(exe));
  const dec = new Decoder(64, bytes, DecoderOptions.None);
  dec.ip = BigInt(addr);
  const names = Object.fromEntries(Object.entries(Mnemonic).map(([k, v]) => [v, k])) as Record<number, string>;
  const unsupported = new Map<string, number>();
  const mnemonics = new Set<string>();
  let count = 0;
  while (dec.canDecode) {
    const pos = dec.position;
    const insn = dec.decode();
    const name = names[insn.mnemonic];
    mnemonics.add(name);
    nextInsn(insn);
    const t = translate(insn, addr + pos, bytes.subarray(pos, pos + insn.length));
    if (t.ud && !GUARDED.test(name)) unsupported.set(name, (unsupported.get(name) ?? 0) + 1);
    insn.free();
    count++;
  }
  dec.free();
  console.log(`Go binary: ${count} instructions, ${mnemonics.size} mnemonics decoded and translated`);
  assert.ok(count > 100000);
  assert.deepEqual([...unsupported], []);
});
