// iced-x86's Code and Mnemonic enums are objects of thousands of properties, which V8 keeps in dictionary mode:
// each `Mnemonic.Jmp` is a hash lookup (~20 ns while the code is cold), and the translators test dozens of them
// per instruction. Each translator module takes a small copy (a fast object) holding the names it uses; since
// the copy's type has only those names, TypeScript rejects a use that the list lacks.
//
// As bundled, iced-x86 makes an enum when it is first read (scripts/icedLazyEnums.mjs), and making Mnemonic's
// 3,800 properties took 6–12 ms of a Go hello world's start. Its values are the indices of its names, and the
// bundled package lists them: the copy is taken from that list without making the enum.

import * as iced from '../iced';

type Icd = typeof iced;
/** The bundled package's list of a sequential enum's names (comma-separated), when it has one. */
type Lists = { __sequentialEnumNames?: (name: string) => string | undefined };

/** Name → value of each sequential enum asked for, per package. */
const indices = new WeakMap<object, Map<string, Map<string, number>>>();

/** The values of `names` in the enum `name` of the iced-x86 package `pkg` (exported for the tests). */
export function pickFrom(pkg: object, name: string, names: readonly string[]): Record<string, number> {
  const list = (pkg as Lists).__sequentialEnumNames?.(name);
  let get: (n: string) => number | undefined;
  if (list === undefined) {
    const e = (pkg as Record<string, Record<string, number>>)[name];
    get = (n) => e[n];
  } else {
    let byPkg = indices.get(pkg);
    if (!byPkg) indices.set(pkg, (byPkg = new Map()));
    let index = byPkg.get(name);
    if (index === undefined) {
      // a plain loop: the code is cold here, and an iterable of pairs costs twice as much (~1 ms for Mnemonic)
      const all = list.split(',');
      index = new Map();
      for (let i = 0; i < all.length; i++) index.set(all[i], i);
      byPkg.set(name, index);
    }
    const values = index;
    get = (n) => values.get(n);
  }
  // Object.fromEntries makes a fast-mode object (adding the properties one by one would not, past ~128)
  return Object.fromEntries(names.map((n) => {
    const v = get(n);
    if (v === undefined) throw new Error(`iced-x86's ${name} has no ${n}`);
    return [n, v];
  }));
}

export function pickEnum<E extends keyof Icd & string, K extends keyof Icd[E] & string>(name: E, names: readonly K[]): Pick<Icd[E], K> {
  return pickFrom(iced, name, names) as Pick<Icd[E], K>;
}
