// The build's rewrite of iced-x86 (scripts/icedWasmTable.mjs): functions exported through a table, the glue calling
// them from it. Every table slot holds the function its export named, and the rewritten package decodes, formats
// and encodes as the original does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as iced from 'iced-x86';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
/** The WebAssembly API (the project's TypeScript libs do not declare it). */
interface WasmTable { length: number; get(i: number): { name: string } }
const WA = (globalThis as unknown as { WebAssembly: {
  Module: { new(b: Uint8Array): object; exports(m: object): { name: string; kind: string }[] };
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
} }).WebAssembly;
type Transform = {
  exportsThroughTable(b: Uint8Array): { wasm: Uint8Array; names: string[] };
  glueThroughTable(src: string, names: string[]): string;
};

test('iced-x86 through a table: each slot is the function its export named; the package works the same', async () => {
  const t = await import(path.join(ROOT, 'scripts', 'icedWasmTable.mjs')) as Transform;
  const dir = path.dirname(require.resolve('iced-x86'));
  const original = fs.readFileSync(path.join(dir, 'iced_x86_bg.wasm'));
  const { wasm, names } = t.exportsThroughTable(original);

  const before = WA.Module.exports(new WA.Module(original));
  const mod = new WA.Module(wasm);
  assert.deepEqual(WA.Module.exports(mod).map((e) => `${e.name}:${e.kind}`), ['memory:memory', '__wbg_function_table_exports:table']);
  assert.deepEqual(names, before.filter((e) => e.kind === 'function').map((e) => e.name));
  // instantiate both with the real glue's imports and compare functions slot by slot (a wasm function's name is
  // its index in the module)
  const glue = iced as unknown as { __wasm: Record<string, { name: string }> };
  const imports = { __wbindgen_placeholder__: iced };
  const table = new WA.Instance(mod, imports).exports.__wbg_function_table_exports as WasmTable;
  assert.equal(table.length, names.length);
  names.forEach((n, i) => assert.equal(table.get(i).name, glue.__wasm[n].name, n));

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gs-iced-'));
  try {
    fs.writeFileSync(path.join(tmp, 'iced_x86_bg.wasm'), wasm);
    fs.writeFileSync(path.join(tmp, 'iced_x86.js'), t.glueThroughTable(fs.readFileSync(path.join(dir, 'iced_x86.js'), 'utf8'), names));
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const rewritten = require(path.join(tmp, 'iced_x86.js')) as typeof iced;
    for (const lib of [iced, rewritten]) {
      const dec = new lib.Decoder(64, new Uint8Array([0x48, 0x8b, 0x44, 0x24, 0x08, 0x0f, 0x05]), lib.DecoderOptions.None);
      dec.ip = 0x401000n;
      const a = dec.decode(), b = dec.decode();
      const fmt = new lib.Formatter(lib.FormatterSyntax.Gas);
      assert.deepEqual([fmt.format(a), fmt.format(b), a.length, b.code], ['mov 8(%rsp),%rax', 'syscall', 5, iced.Code.Syscall], 'decode and format');
      const enc = new lib.Encoder(64);
      assert.equal(enc.encode(a, 0x401000n), 5);
      assert.deepEqual([...enc.takeBuffer()], [0x48, 0x8b, 0x44, 0x24, 0x08], 'encode');
      // src/cpu/insninfo.ts reads decoded Instructions from the exported memory (the length at offset 8 + 38)
      const mem = new Uint8Array((lib as unknown as { __wasm: { memory: { buffer: ArrayBuffer } } }).__wasm.memory.buffer);
      assert.equal(mem[(a as unknown as { __wbg_ptr: number }).__wbg_ptr + 8 + 38], 5, 'the Instruction in wasm memory');
      for (const o of [a, b, dec, fmt, enc]) o.free();
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('a glue call of a function the module does not export stops the build', async () => {
  const t = await import(path.join(ROOT, 'scripts', 'icedWasmTable.mjs')) as Transform;
  assert.throws(() => t.glueThroughTable('wasm.no_such_function(1);', ['f']), /wasm\.no_such_function/);
});

test('the rewritten glue compiles its wasm at the first call, not when it is loaded', async () => {
  const t = await import(path.join(ROOT, 'scripts', 'icedWasmTable.mjs')) as Transform;
  const dir = path.dirname(require.resolve('iced-x86'));
  const { wasm, names } = t.exportsThroughTable(fs.readFileSync(path.join(dir, 'iced_x86_bg.wasm')));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gs-iced-lazy-'));
  try {
    fs.writeFileSync(path.join(tmp, 'iced_x86.js'), t.glueThroughTable(fs.readFileSync(path.join(dir, 'iced_x86.js'), 'utf8'), names));
    // no wasm file yet: loading the glue and reading its enums must not need it
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const lib = require(path.join(tmp, 'iced_x86.js')) as typeof iced;
    assert.equal(lib.OpKind.Memory, iced.OpKind.Memory);
    fs.writeFileSync(path.join(tmp, 'iced_x86_bg.wasm'), wasm);
    const dec = new lib.Decoder(64, new Uint8Array([0x0f, 0x05]), lib.DecoderOptions.None);
    const insn = dec.decode();
    assert.equal(insn.code, iced.Code.Syscall);
    const glue = lib as unknown as { __wasm: { memory: { buffer: ArrayBuffer } } };
    assert.ok(glue.__wasm.memory.buffer.byteLength > 0, 'the exports, once instantiated');
    insn.free(); dec.free();
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
