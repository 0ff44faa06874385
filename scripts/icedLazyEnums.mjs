// iced-x86's enums, made when first read instead of when the module loads (a transform of its glue at bundling).
//
// iced-x86's JavaScript defines 41 enums as frozen object literals (module.exports.Code = Object.freeze({...})),
// ~17,000 properties in all; Code alone has ~4,900 names, each with its reverse mapping. Every start of the CLI
// and the adapter built all of them, and the code cache carried their boilerplate: ~300 KB of cache and ~350 page
// faults (Go hello world), for the handful of enums the emulator reads. Each definition becomes a getter that
// builds the same frozen object on first read and then replaces itself with it: same values, same object
// identity afterwards, only the time it is made changes. An enum whose values are 0, 1, 2... in order (most of
// them) is written as its list of names, a quarter of the text (the bundle is read at every start), and that list
// is exported (`__sequentialEnumNames`): a few values of Mnemonic (3,800 properties, 6–12 ms to build while the
// code is cold) are found in it without building the enum (src/cpu/icedEnums.ts).
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
    const names = sequentialNames(body);
    const def = names ? `lazySequentialEnum('${m[1]}', () => '${names.join(',')}');` : `lazyEnum('${m[1]}', () => Object.freeze({${body}}));`;
    out += src.slice(from, m.index) + def;
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
    '}\n' +
    '/** The enum of names[i] = i, with its reverse mapping, as iced-x86 writes its literals. */\n' +
    'function sequentialEnum(list) {\n' +
    '  const e = {};\n' +
    '  list.split(\',\').forEach((name, i) => { e[name] = i; e[i] = name; });\n' +
    '  return Object.freeze(e);\n' +
    '}\n' +
    '/**\n' +
    ' * Sequential enums by name: a function giving their names, comma-separated (a value is its name\'s index). The\n' +
    ' * lists stay in functions compiled only when called, so the code cache does not carry the ones never asked for.\n' +
    ' */\n' +
    'const sequentialLists = Object.create(null);\n' +
    'function lazySequentialEnum(name, list) { sequentialLists[name] = list; lazyEnum(name, () => sequentialEnum(list())); }\n' +
    '/** The names of a sequential enum, comma-separated (without building it), or undefined. */\n' +
    'module.exports.__sequentialEnumNames = (name) => sequentialLists[name]?.();\n';
  return helper + out + src.slice(from);
}

/** The names of an enum body whose pairs are exactly `Name:i,"i":"Name",` for i = 0, 1, 2..., else undefined. */
function sequentialNames(body) {
  const PAIR = /(\w+):(-?\d+),"(-?\d+)":"(\w+)",/g;
  const text = body.replace(/\/\*\*[\s\S]*?\*\//g, '');
  const names = [];
  for (const [, name, value, key, back] of text.matchAll(PAIR)) {
    if (Number(value) !== names.length || key !== value || back !== name) return undefined;
    names.push(name);
  }
  // every pair was matched: nothing else in the body but comments and blanks
  return names.length > 0 && text.replace(PAIR, '').trim() === '' ? names : undefined;
}
