import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyProgram } from '../../../src/extension/programKind';

const dir = mkdtempSync(join(tmpdir(), 'gosyscall-kind-'));

function elf(machine: number, cls = 2): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = cls; b[5] = 1;
  b.writeUInt16LE(machine, 18);
  return b;
}

test('kinds: .s, .go, package folder, amd64 ELF', () => {
  writeFileSync(join(dir, 'a.s'), 'TEXT main·main(SB),$0\n');
  writeFileSync(join(dir, 'a.go'), 'package main\n');
  mkdirSync(join(dir, 'pkg'));
  writeFileSync(join(dir, 'pkg', 'main.go'), 'package main\n');
  writeFileSync(join(dir, 'prog'), elf(62));
  assert.deepEqual(classifyProgram(join(dir, 'a.s')), { ok: true, kind: 'asm' });
  assert.deepEqual(classifyProgram(join(dir, 'a.go')), { ok: true, kind: 'go-file' });
  assert.deepEqual(classifyProgram(join(dir, 'pkg')), { ok: true, kind: 'go-package' });
  assert.deepEqual(classifyProgram(join(dir, 'prog')), { ok: true, kind: 'elf' });
});

test('bad programs get one clear message naming the file', () => {
  mkdirSync(join(dir, 'empty'));
  writeFileSync(join(dir, 'notes.txt'), 'hello');
  writeFileSync(join(dir, 'arm'), elf(183));
  writeFileSync(join(dir, 'x86'), elf(3, 1));
  const msg = (p: string) => { const r = classifyProgram(join(dir, p)); assert.equal(r.ok, false, p); return (r as { message: string }).message; };
  // the reason first with the file's name (a notification shows one line), the full path last
  assert.match(msg('missing.s'), /^Go Syscall Stepper cannot run missing\.s: the file does not exist\. \(\/.*\/missing\.s\)$/);
  assert.match(msg('empty'), /^Go Syscall Stepper cannot run empty: the folder holds no \.go files/);
  assert.match(msg('notes.txt'), /^Go Syscall Stepper cannot run notes\.txt: it is not a program/);
  assert.match(msg('arm'), /cannot run arm: it is not an amd64 binary \(arm64, ELF machine 183\): build it with GOOS=linux GOARCH=amd64/);
  assert.match(msg('x86'), /cannot run x86: it is a 32-bit binary/);
});
