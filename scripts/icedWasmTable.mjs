// iced-x86's WebAssembly with its functions exported through one table, each made callable on first use.
//
// iced-x86 exports 761 functions. Instantiating it made V8 build an exports object of 761 properties, one map
// transition at a time: ~17 ms and ~500 page faults at every start of the CLI and the adapter, for the ~60
// functions a run calls. The build rewrites the module (dist/iced_x86_bg.wasm) so the functions sit in an exported
// funcref table, in export order, and rewrites the JavaScript glue so each `wasm.name(...)` takes its function from
// the table the first time (`table.get(i)`), then from an array. Same functions, same calls; memory stays exported.
// The module is compiled and instantiated at the first call, not when the glue loads.

const TABLE_EXPORT = '__wbg_function_table_exports';
const SEC_TABLE = 4, SEC_EXPORT = 7, SEC_ELEMENT = 9, FUNCREF = 0x70, KIND_FUNC = 0, KIND_TABLE = 1;

function readU32(b, p) {
  let r = 0, s = 0, x;
  do { x = b[p.i++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80);
  return r;
}
function leb(n) {
  const out = [];
  do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; out.push(b); } while (n);
  return out;
}

/** The module with its function exports moved into an exported table; `names[i]` is the function in slot i. */
export function exportsThroughTable(bytes) {
  const sections = [];
  const p = { i: 8 };
  while (p.i < bytes.length) {
    const id = bytes[p.i++], len = readU32(bytes, p);
    sections.push({ id, body: bytes.subarray(p.i, p.i + len) });
    p.i += len;
  }
  const find = (id) => {
    const s = sections.find((x) => x.id === id);
    if (!s) throw new Error(`iced-x86's wasm has no section ${id}; update scripts/icedWasmTable.mjs`);
    return s;
  };
  const exp = find(SEC_EXPORT), tbl = find(SEC_TABLE), el = find(SEC_ELEMENT);

  const q = { i: 0 };
  const kept = [], funcs = [];
  for (let k = readU32(exp.body, q); k > 0; k--) {
    const start = q.i, n = readU32(exp.body, q);
    const name = Buffer.from(exp.body.subarray(q.i, q.i + n)).toString('utf8');
    q.i += n;
    const kind = exp.body[q.i++], index = readU32(exp.body, q);
    if (kind === KIND_FUNC) funcs.push({ name, index }); else kept.push(exp.body.subarray(start, q.i));
  }
  if (funcs.length < 500) throw new Error(`iced-x86's wasm exports ${funcs.length} functions, expected ~760; update scripts/icedWasmTable.mjs`);

  const tq = { i: 0 };
  const tables = readU32(tbl.body, tq); // the new table's index
  const n = funcs.length;
  const tableBody = [...leb(tables + 1), ...tbl.body.subarray(tq.i), FUNCREF, 0x01, ...leb(n), ...leb(n)];
  // an active element segment for table `tables` at offset (i32.const 0): flags 2, elemkind funcref (0)
  const eq = { i: 0 };
  const segments = readU32(el.body, eq);
  const elementBody = [...leb(segments + 1), ...el.body.subarray(eq.i), 0x02, ...leb(tables), 0x41, 0x00, 0x0b, 0x00, ...leb(n)];
  for (const f of funcs) elementBody.push(...leb(f.index));
  const name = Buffer.from(TABLE_EXPORT, 'utf8');
  const exportBody = [...leb(kept.length + 1)];
  for (const k of kept) exportBody.push(...k);
  exportBody.push(...leb(name.length), ...name, KIND_TABLE, ...leb(tables));

  const parts = [bytes.subarray(0, 8)];
  for (const s of sections) {
    const body = s === tbl ? tableBody : s === el ? elementBody : s === exp ? exportBody : s.body;
    parts.push(Uint8Array.from([s.id, ...leb(body.length)]), body instanceof Uint8Array ? body : Uint8Array.from(body));
  }
  return { wasm: Buffer.concat(parts), names: funcs.map((f) => f.name) };
}

/**
 * The glue with each call of an exported function taken from the table (see exportsThroughTable), and the module
 * compiled and instantiated on the first call, not when the glue loads: a run that finds every instruction in the
 * decode cache (src/cpu/decodedStore.ts) never calls iced-x86 (~13 ms and ~450 page faults of every start).
 */
export function glueThroughTable(src, names) {
  const slot = new Map(names.map((n, i) => [n, i]));
  let calls = 0;
  const LAZY = '(wasm || instantiate())';
  const out = src.replace(/\bwasm\.(\w+)/g, (all, name) => {
    if (!slot.has(name)) {
      if (name === 'memory') return `${LAZY}.memory`;
      throw new Error(`iced-x86's glue uses wasm.${name}, which the module does not export as a function; update scripts/icedWasmTable.mjs`);
    }
    calls++;
    return `(wasmFunctions[${slot.get(name)}] || wasmFunction(${slot.get(name)}))`;
  });
  const start = "const path = require('path').join(__dirname, 'iced_x86_bg.wasm');";
  const init = 'wasm = wasmInstance.exports;\nmodule.exports.__wasm = wasm;';
  const at = out.indexOf(start), end = out.indexOf(init);
  if (calls < 500 || at < 0 || end < at || out.slice(end + init.length).trim() !== '') {
    throw new Error("iced-x86's glue does not look as expected; update scripts/icedWasmTable.mjs");
  }
  return 'const wasmFunctions = [];\n' +
    `function wasmFunction(i) { return (wasmFunctions[i] = ${LAZY}.${TABLE_EXPORT}.get(i)); }\n` +
    out.slice(0, at) +
    `function instantiate() {\n${out.slice(at, end)}wasm = wasmInstance.exports;\nreturn wasm;\n}\n` +
    `Object.defineProperty(module.exports, '__wasm', { enumerable: true, get: () => ${LAZY} });\n`;
}
