// Symbol naming: Go writes `pkg·name` (middle dot) and `a∕b·name` (division slash) in assembly; tools and the
// UI show `pkg.name` and `a/b.name`. A leading `·` means the current package (always `main` here); `<>` marks a
// symbol private to its file.

/** Source form with the package filled in: `·foo` → `main·foo`. */
export function qualify(name: string): string {
  return name.startsWith('\u00b7') ? 'main' + name : name;
}

/** Dotted form used by function breakpoints, the UI and the ELF symbol table: `runtime·x` → `runtime.x`. */
export function dotted(name: string): string {
  return qualify(name).replace(/\u00b7/g, '.').replace(/\u2215/g, '/');
}

/** Lookup key: dotted, plus the file for `<>` symbols so that two files may each have their own. */
export function symbolKey(name: string, local: boolean, file: string): string {
  return local ? `${dotted(name)}<>\u0000${file}` : dotted(name);
}

/** Name as shown in `symbols` and diagnostics. */
export function displayName(name: string, local: boolean): string {
  return qualify(name) + (local ? '<>' : '');
}
