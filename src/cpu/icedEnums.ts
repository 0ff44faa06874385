// iced-x86's Code and Mnemonic enums are objects of thousands of properties, which V8 keeps in dictionary mode:
// each `Mnemonic.Jmp` is a hash lookup (~20 ns while the code is cold), and the translators test dozens of them
// per instruction. Each translator module takes a small copy (a fast object) holding the names it uses; since
// the copy's type has only those names, TypeScript rejects a use that the list lacks.

export function pickEnum<T extends object, K extends keyof T & string>(e: T, names: readonly K[]): Pick<T, K> {
  // Object.fromEntries makes a fast-mode object (adding the properties one by one would not, past ~128)
  return Object.fromEntries(names.map((n) => [n, e[n]])) as Pick<T, K>;
}
