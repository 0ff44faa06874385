// The runtime layout: DWARF (zlib SHF_COMPRESSED as Go writes it, uncompressed, and GNU .zdebug_*) gives the
// offsets of g/m/p/schedt/gobuf fields; the built-in table for each Go version must equal what fresh DWARF says;
// a binary without DWARF (-w) falls back to that table and says so.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GoBinary } from '../../../src/debuginfo/goBinary';
import { ElfFile } from '../../../src/debuginfo/elf';
import { BUILTIN_LAYOUTS } from '../../../src/debuginfo/builtinLayouts';
import { builtinLayout, WANTED_FIELDS } from '../../../src/debuginfo/runtimeLayout';
import { buildGo, SAMPLES, TMP, TOOLCHAINS } from './helpers';

const open = (p: string) => GoBinary.open(readFileSync(p), p).binary!;

/** DESIGN.md §1's constants: the reader names statuses by these. */
const DESIGN_CONSTS = { _Gidle: 0, _Grunnable: 1, _Grunning: 2, _Gsyscall: 3, _Gwaiting: 4, _Gdead: 6, _Gcopystack: 8, _Gpreempted: 9, _Gscan: 0x1000, _Pidle: 0, _Prunning: 1, _Psyscall: 2, _Pgcstop: 3, _Pdead: 4 };

for (const tc of TOOLCHAINS) {
  test(`go${tc.version}: DWARF layout equals the built-in table; -w falls back to it and says so`, () => {
    const bin = open(buildGo(tc, join(SAMPLES, 'filerw'), 'filerw'));
    const elf = new ElfFile(readFileSync(bin.name));
    assert.ok(elf.section('.debug_info')!.flags & 0x800, 'Go writes SHF_COMPRESSED DWARF');
    const { layout, error } = bin.runtimeLayout();
    assert.equal(error, undefined);
    assert.equal(layout!.source, 'dwarf');
    assert.equal(layout!.exact, true);
    for (const [k, w] of Object.entries(WANTED_FIELDS)) {
      assert.ok(layout!.structs[k].size > 0, k);
      for (const f of w.fields) assert.ok(layout!.structs[k].fields[f], `${k}.${f} present in DWARF`);
    }
    assert.deepEqual(layout!.consts, DESIGN_CONSTS);
    assert.ok(layout!.waitReasons.includes('chan receive') && layout!.waitReasons.includes('sleep'));

    const key = `go${tc.version}`;
    assert.ok(BUILTIN_LAYOUTS[key], `a built-in table for ${key}`);
    assert.deepEqual(BUILTIN_LAYOUTS[key].structs, layout!.structs, 'built-in offsets = DWARF offsets');
    assert.deepEqual(BUILTIN_LAYOUTS[key].consts, layout!.consts);
    assert.deepEqual(BUILTIN_LAYOUTS[key].waitReasons, layout!.waitReasons);

    const noDwarf = open(buildGo(tc, join(SAMPLES, 'filerw'), 'filerw', '-w'));
    const fb = noDwarf.runtimeLayout().layout!;
    assert.equal(fb.source, 'builtin');
    assert.equal(fb.exact, true);
    assert.match(fb.note, new RegExp(`no DWARF.*built-in runtime layout for go${tc.version.replace('.', '\\.')}`));
    assert.deepEqual(fb.structs, layout!.structs);
    assert.equal(noDwarf.stripped, false, '-w keeps the symbol table');
    assert.ok(noDwarf.symbol('runtime.allgs')!.addr > 0, 'runtime variables found without DWARF');
  });
}

test('uncompressed and GNU .zdebug DWARF read the same as zlib SHF_COMPRESSED', () => {
  const tc = TOOLCHAINS[2];
  const plain = buildGo(tc, join(SAMPLES, 'rawsyscall'), 'rawsyscall', '-compressdwarf=false');
  const zdebug = join(TMP, 'rawsyscall-zdebug');
  execFileSync('objcopy', ['--compress-debug-sections=zlib-gnu', plain, zdebug]);
  const ez = new ElfFile(readFileSync(zdebug));
  assert.ok(ez.section('.zdebug_info') && !ez.section('.debug_info'), 'objcopy wrote .zdebug_info');
  const ref = open(buildGo(tc, join(SAMPLES, 'rawsyscall'), 'rawsyscall')).runtimeLayout().layout!;
  for (const p of [plain, zdebug]) {
    const l = open(p).runtimeLayout().layout!;
    assert.equal(l.source, 'dwarf', p);
    assert.deepEqual(l.structs, ref.structs);
    assert.deepEqual(l.consts, ref.consts);
  }
  // DWARF also locates globals when the symbol table is stripped (-s keeps DWARF only with older linkers; here
  // the same lookup through DWARF variables is checked directly)
  const d = open(plain).dwarfInfo().info!;
  const sym = new ElfFile(readFileSync(plain)).symbols().find((s) => s.name === 'runtime.allgs')!;
  assert.equal(d.vars.get('runtime.allgs'), sym.addr);
  assert.ok(existsSync(zdebug));
});

test('unknown Go versions: nearest built-in table, flagged as inexact; no version: none', () => {
  const l = builtinLayout('go1.22.4')!;
  assert.equal(l.exact, false);
  assert.match(l.note, /no built-in runtime layout for go1\.22\.4: using go1\.2[13]'s, which may not match/);
  assert.equal(builtinLayout(undefined), undefined);
  assert.equal(builtinLayout('devel +abc'), undefined);
  assert.equal(builtinLayout('go1.23.1')!.exact, true);
});
