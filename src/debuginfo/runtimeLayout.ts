// The layout of the runtime's scheduler structures that the memory reader needs: offsets of selected fields of
// runtime.g, m, p, schedt, gobuf, gQueue and stack, plus the status constants. Taken from the binary's DWARF when
// it has some; otherwise from a built-in table for the binary's Go version (builtinLayouts.ts), flagged as such.
import type { DwarfInfo } from './dwarf';
import { BUILTIN_LAYOUTS } from './builtinLayouts';
import { parseGoVersion } from './buildinfo';

export interface FieldLayout { offset: number; size: number; type: string }
export interface StructLayout { size: number; fields: Record<string, FieldLayout> }

export interface RuntimeLayout {
  source: 'dwarf' | 'builtin';
  /** The Go version of the table used (builtin) or of the binary (dwarf). */
  goVersion: string;
  /** False when a built-in table for a different Go version stands in: offsets may be wrong. */
  exact: boolean;
  structs: Record<string, StructLayout>;
  /** _G*, _P* constants by name, e.g. `_Gsyscall: 3`. */
  consts: Record<string, number>;
  /** waitReason value → string as the runtime prints it ("chan receive"); may be empty. */
  waitReasons: string[];
  /** One line for the Debug Console saying where the layout came from. */
  note: string;
}

/** The structures and fields the reader uses. Optional fields (`?`) are absent in some Go versions. */
export const WANTED_FIELDS: Record<string, { dwarf: string; fields: string[] }> = {
  g: { dwarf: 'runtime.g', fields: ['stack', 'sched', 'atomicstatus', 'goid', 'm', 'syscallsp', 'syscallpc', 'waitreason', 'startpc', 'gopc', 'schedlink'] },
  m: { dwarf: 'runtime.m', fields: ['g0', 'gsignal', 'tls', 'curg', 'p', 'nextp', 'oldp', 'id', 'spinning', 'blocked', 'procid', 'alllink', 'schedlink'] },
  p: { dwarf: 'runtime.p', fields: ['id', 'status', 'link', 'schedtick', 'syscalltick', 'm', 'runqhead', 'runqtail', 'runq', 'runnext'] },
  schedt: { dwarf: 'runtime.schedt', fields: ['midle', 'nmidle', 'nmspinning', 'npidle', 'pidle', 'runq', 'runqsize', 'nmsys', 'mnext'] },
  gobuf: { dwarf: 'runtime.gobuf', fields: ['sp', 'pc', 'g', 'ctxt', 'ret', 'lr', 'bp'] },
  gQueue: { dwarf: 'runtime.gQueue', fields: ['head', 'tail'] },
  stack: { dwarf: 'runtime.stack', fields: ['lo', 'hi'] },
};

export const STATUS_CONSTS = ['_Gidle', '_Grunnable', '_Grunning', '_Gsyscall', '_Gwaiting', '_Gdead', '_Gcopystack', '_Gpreempted', '_Gscan',
  '_Pidle', '_Prunning', '_Psyscall', '_Pgcstop', '_Pdead'];

/** Layout from DWARF; a missing wanted structure or field makes it an error (the caller then says so). */
export function layoutFromDwarf(d: DwarfInfo, goVersion: string, waitReasons: string[]): { layout?: RuntimeLayout; error?: string } {
  const structs: Record<string, StructLayout> = {};
  for (const [key, want] of Object.entries(WANTED_FIELDS)) {
    const s = d.structs.get(want.dwarf);
    if (!s) return { error: `DWARF has no ${want.dwarf}` };
    const fields: Record<string, FieldLayout> = {};
    for (const f of want.fields) {
      const m = s.members.find((x) => x.name === f);
      if (m && m.offset >= 0) fields[f] = { offset: m.offset, size: m.size, type: m.type };
    }
    structs[key] = { size: s.size, fields };
  }
  const consts: Record<string, number> = {};
  for (const c of STATUS_CONSTS) {
    const v = d.consts.get('runtime.' + c);
    if (v !== undefined) consts[c] = v;
  }
  return { layout: { source: 'dwarf', goVersion, exact: true, structs, consts, waitReasons, note: `runtime layout from the binary's DWARF (${goVersion})` } };
}

/** The built-in table for goVersion (major.minor), or the nearest one with exact=false. */
export function builtinLayout(goVersion: string | undefined): RuntimeLayout | undefined {
  const v = goVersion ? parseGoVersion(goVersion) : undefined;
  const keys = Object.keys(BUILTIN_LAYOUTS);
  if (!keys.length) return undefined;
  let key = v ? `go${v[0]}.${v[1]}` : undefined;
  let exact = key !== undefined && key in BUILTIN_LAYOUTS;
  if (!exact) {
    // Nearest by minor version; without a version at all there is nothing honest to pick.
    if (!v) return undefined;
    key = keys.reduce((best, k) => (Math.abs(parseGoVersion(k)![1] - v[1]) < Math.abs(parseGoVersion(best)![1] - v[1]) ? k : best));
    exact = false;
  }
  const t = BUILTIN_LAYOUTS[key!];
  const note = exact
    ? `no DWARF in the binary (built with -w?): using the built-in runtime layout for ${key}`
    : `no DWARF in the binary and no built-in runtime layout for ${goVersion}: using ${key}'s, which may not match (the scheduler view checks what it reads)`;
  return { source: 'builtin', goVersion: key!, exact, structs: structuredClone(t.structs), consts: { ...t.consts }, waitReasons: [...t.waitReasons], note };
}
