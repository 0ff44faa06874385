// The build's transform of iced-x86's enums (scripts/icedLazyEnums.mjs): the transformed module exports the same
// enums, frozen, with the same values, made on first read; our written-out constants match iced's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Module from 'node:module';
import * as iced from 'iced-x86';
import { CODE_INVALID } from '../../../src/cpu/decoder';
import { pickEnum, pickFrom } from '../../../src/cpu/icedEnums';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

test('iced-x86 with lazy enums: every enum is there, frozen, equal to the original, and built on first read', async () => {
  const { lazyEnums } = await import(path.join(ROOT, 'scripts', 'icedLazyEnums.mjs')) as { lazyEnums: (s: string) => string };
  const file = require.resolve('iced-x86');
  const m = new Module(file) as Module & { _compile(src: string, file: string): void };
  m.filename = file;
  m.paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(path.dirname(file));
  m._compile(lazyEnums(fs.readFileSync(file, 'utf8')), file);
  const lazy = m.exports as Record<string, unknown>;
  const orig = iced as unknown as Record<string, unknown>;
  const isEnum = (v: unknown) => typeof v === 'object' && v !== null && Object.isFrozen(v)
    && Object.values(v).every((x) => typeof x === 'number' || typeof x === 'string');
  const enums = Object.keys(orig).filter((k) => isEnum(orig[k]));
  assert.ok(enums.length >= 40, `${enums.length} enums`);
  assert.equal(typeof Object.getOwnPropertyDescriptor(lazy, 'Code')!.get, 'function', 'not built before it is read');
  for (const k of enums) {
    assert.ok(Object.getOwnPropertyDescriptor(lazy, k)!.enumerable, k);
    const v = lazy[k];
    assert.ok(Object.isFrozen(v), `${k} is frozen`);
    assert.deepEqual(v, orig[k], k);
    assert.equal(lazy[k], v, `${k} is built once`);
    assert.equal(Object.getOwnPropertyDescriptor(lazy, k)!.value, v, `${k} is a plain property once read`);
  }
  // a sequential enum's names are listed without building it; a value is its name's index
  const names = (lazy.__sequentialEnumNames as (n: string) => string | undefined);
  const fresh = new Module(file) as Module & { _compile(src: string, file: string): void };
  fresh.filename = file; fresh.paths = m.paths;
  fresh._compile(lazyEnums(fs.readFileSync(file, 'utf8')), file);
  const unbuilt = fresh.exports as Record<string, unknown>;
  const list = (unbuilt.__sequentialEnumNames as (n: string) => string | undefined)('Mnemonic')!.split(',');
  assert.equal(typeof Object.getOwnPropertyDescriptor(unbuilt, 'Mnemonic')!.get, 'function', 'listing Mnemonic does not build it');
  list.forEach((n, i) => assert.equal((iced.Mnemonic as unknown as Record<string, number>)[n], i, n));
  assert.equal(list.length * 2, Object.keys(iced.Mnemonic).length);
  assert.equal(names('DecoderOptions'), undefined, 'flags are not sequential');
  // pickEnum's source when bundled: the values from the list, the enum still not built
  assert.deepEqual(pickFrom(unbuilt, 'Mnemonic', ['Jmp', 'Syscall', 'Cmovne']), { Jmp: iced.Mnemonic.Jmp, Syscall: iced.Mnemonic.Syscall, Cmovne: iced.Mnemonic.Cmovne });
  assert.throws(() => pickFrom(unbuilt, 'Mnemonic', ['NoSuchMnemonic']), /iced-x86's Mnemonic has no NoSuchMnemonic/);
  assert.equal(typeof Object.getOwnPropertyDescriptor(unbuilt, 'Mnemonic')!.get, 'function', 'picking from Mnemonic does not build it');
  // the module works: decode one instruction with it
  const dec = new (lazy.Decoder as typeof iced.Decoder)(64, new Uint8Array([0x48, 0x89, 0xc8]), 0);
  const insn = dec.decode();
  assert.equal(insn.mnemonic, iced.Mnemonic.Mov);
  insn.free(); dec.free();
});

test('constants written out instead of reading iced enums match iced', () => {
  assert.equal(CODE_INVALID, iced.Code.INVALID);
});

test('pickEnum gives iced\'s values from the enum (the package as published), and refuses a name iced lacks', () => {
  const picked = pickEnum('Mnemonic', ['Jmp', 'Syscall', 'Cmovne', 'Addsd']);
  assert.deepEqual(picked, { Jmp: iced.Mnemonic.Jmp, Syscall: iced.Mnemonic.Syscall, Cmovne: iced.Mnemonic.Cmovne, Addsd: iced.Mnemonic.Addsd });
  assert.throws(() => pickEnum('Mnemonic', ['NoSuchMnemonic' as 'Jmp']), /iced-x86's Mnemonic has no NoSuchMnemonic/);
});
