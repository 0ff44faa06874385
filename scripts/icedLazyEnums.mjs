// iced-x86's enums, made when first read instead of when the module loads (a transform of its glue at bundling).
//
// iced-x86's JavaScript defines 41 enums as frozen object literals (module.exports.Code = Object.freeze({...})),
// ~17,000 properties in all; Code alone has ~4,900 names, each with its reverse mapping. Every start of the CLI
// and the adapter built all of them, and the code cache carried their boilerplate: ~300 KB of cache and ~350 page
// faults (Go hello world), for the handful of enums the emulator reads. Each definition becomes a getter that
// builds the same frozen object on first read and then replaces itself with it: same values, same object
// identity afterwards, only the time it is made changes.
const HEAD = /^module\.exports\.(\w+) = Object\.freeze\(\{/gm;
/** An enum body: `Name:0,"0":"Name",` pairs and doc comments, nothing else. */
const BODY = /^(?:\s|\/\*\*[\s\S]*?\*\/|\w+:-?\d+,|"-?\d+":"\w+",)*$/;

export function lazyEnums(src) {
  let out = '', from = 0, count = 0;
  for (const m of src.matchAll(HEAD)) {
    const open = m.index + m[0].length;
    const close = src.indexOf('});', open);
    const body = src.slice(open, close);
    if (close < 0 || !BODY.test(body)) throw new Error(`iced-x86: the enum ${m[1]} is not a plain object literal; update scripts/icedLazyEnums.mjs`);
    out += src.slice(from, m.index) + `lazyEnum('${m[1]}', () => Object.freeze({${body}}));`;
    from = close + 3;
    count++;
  }
  if (count < 30) throw new Error(`iced-x86: found ${count} enums, expected ~41; update scripts/icedLazyEnums.mjs`);
  const helper = 'function lazyEnum(name, make) {\n' +
    '  Object.defineProperty(module.exports, name, { configurable: true, enumerable: true, get() {\n' +
    '    const value = make();\n' +
    '    Object.defineProperty(module.exports, name, { configurable: true, enumerable: true, writable: true, value });\n' +
    '    return value;\n' +
    '  } });\n' +
    '}\n';
  return helper + out + src.slice(from);
}
