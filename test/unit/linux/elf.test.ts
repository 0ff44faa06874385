// The loader refuses what it cannot run, with one clear LoadError message, and never anything else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Kernel, LoadError, parseElf } from '../../../src/linux';
import { buildPrograms, buildWithLevel } from './goFixtures';

function refuses(bytes: Uint8Array, pattern: RegExp): void {
  const k = new Kernel();
  assert.throws(() => k.load(bytes, { argv: ['p'], env: [], path: '/bad' }), (e: unknown) => {
    assert.ok(e instanceof LoadError, `a LoadError, got ${String(e)}`);
    assert.match((e as Error).message, /^\/bad: /);
    assert.match((e as Error).message, pattern);
    return true;
  });
}

function header(): Uint8Array {
  const b = new Uint8Array(64 + 56);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  const v = new DataView(b.buffer);
  v.setUint16(16, 2, true); v.setUint16(18, 62, true); v.setUint32(20, 1, true);
  v.setBigUint64(24, 0x401000n, true); v.setBigUint64(32, 64n, true);
  v.setUint16(52, 64, true); v.setUint16(54, 56, true); v.setUint16(56, 1, true);
  // one PT_LOAD R+X covering the headers at 0x400000
  v.setUint32(64, 1, true); v.setUint32(68, 5, true); v.setBigUint64(64 + 8, 0n, true);
  v.setBigUint64(64 + 16, 0x400000n, true); v.setBigUint64(64 + 32, 120n, true); v.setBigUint64(64 + 40, 0x2000n, true);
  return b;
}

test('refuses empty, truncated and non-ELF input', () => {
  refuses(new Uint8Array(0), /not an ELF file/);
  refuses(new Uint8Array(10), /not an ELF file/);
  refuses(new Uint8Array(Buffer.from('#!/bin/sh\necho hi\n'.padEnd(80))), /bad magic/);
});

test('refuses 32-bit, big-endian and non-x86-64 ELF files', () => {
  const b32 = header(); b32[4] = 1; refuses(b32, /not a 64-bit ELF/);
  const be = header(); be[5] = 2; refuses(be, /not a little-endian/);
  const arm = header(); new DataView(arm.buffer).setUint16(18, 183, true); refuses(arm, /machine 183 is not x86-64/);
});

test('refuses truncated program headers, segments past the end, overlaps and absurd sizes', () => {
  refuses(header().subarray(0, 100), /truncated: program headers/);
  const past = header(); new DataView(past.buffer).setBigUint64(64 + 32, 5000n, true); refuses(past, /truncated: PT_LOAD/);
  const huge = header(); new DataView(huge.buffer).setBigUint64(64 + 40, 1n << 40n, true); refuses(huge, /absurd size|beyond user space/);
  const bad = header(); new DataView(bad.buffer).setBigUint64(64 + 32, 0x3000n, true); refuses(bad, /truncated|p_filesz/);
  const two = new Uint8Array(64 + 112);
  two.set(header());
  const v = new DataView(two.buffer);
  v.setUint16(56, 2, true);
  two.set(two.subarray(64, 120), 120);
  v.setBigUint64(120 + 16, 0x401000n, true);
  refuses(two, /overlapping PT_LOAD/);
  const entry = header(); new DataView(entry.buffer).setBigUint64(24, 0x900000n, true); refuses(entry, /entry point 0x900000/);
});

test('refuses dynamically linked executables', () => {
  const dyn = new Uint8Array(64 + 112);
  dyn.set(header());
  const v = new DataView(dyn.buffer);
  v.setUint16(56, 2, true);
  v.setUint32(120, 3, true); // PT_INTERP
  refuses(dyn, /dynamically linked/);
  if (fs.existsSync('/bin/true')) refuses(new Uint8Array(fs.readFileSync('/bin/true')), /dynamically linked/);
});

test('reads Go build info and refuses GOAMD64=v3 binaries', () => {
  const ok = parseElf(new Uint8Array(fs.readFileSync(buildPrograms())), 'programs');
  assert.match(ok.go!.version, /^go1\.23/);
  assert.equal(ok.go!.settings.get('GOAMD64'), 'v1');
  refuses(new Uint8Array(fs.readFileSync(buildWithLevel('v3'))), /built with GOAMD64=v3 .*rebuild with GOAMD64=v1/);
});

test('random bytes never throw anything but LoadError', () => {
  let seed = 7;
  const rnd = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed >>> 24; };
  const base = header();
  for (let i = 0; i < 300; i++) {
    const b = new Uint8Array(base);
    for (let j = 0; j < 6; j++) b[16 + (rnd() % (b.length - 16))] = rnd();
    try { new Kernel().load(b, { argv: ['p'], env: [] }); } catch (e) { assert.ok(e instanceof LoadError, String(e)); }
  }
});
