// Command-line parsing for `gosyscall run|trace`: the options of DESIGN.md §4, `--opt value` or `--opt=value`,
// guest arguments after `--`.

export class UsageError extends Error {}

export interface RunArgs {
  program: string;
  stdin?: string;
  root?: string;
  gomaxprocs?: number;
  maxInstructions?: number;
  stats: boolean;
  json: boolean;
  debug: boolean;
  args: string[];
}

const VALUE_OPTS = new Set(['--stdin', '--root', '--gomaxprocs', '--max-instructions']);

export function parseRunArgs(argv: string[], allowJson: boolean): RunArgs {
  const out: RunArgs = { program: '', stats: false, json: false, debug: false, args: [] };
  let i = 0;
  while (i < argv.length) {
    let a = argv[i++];
    if (a === '--') { out.args = argv.slice(i); break; }
    let value: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { value = a.slice(eq + 1); a = a.slice(0, eq); }
    if (VALUE_OPTS.has(a)) {
      if (value === undefined) {
        if (i >= argv.length) throw new UsageError(`${a} needs a value`);
        value = argv[i++];
      }
      switch (a) {
        case '--stdin': out.stdin = value; break;
        case '--root': out.root = value; break;
        case '--gomaxprocs': out.gomaxprocs = intArg(a, value, 1, 256); break;
        case '--max-instructions': out.maxInstructions = intArg(a, value, 0, Number.MAX_SAFE_INTEGER); break;
      }
      continue;
    }
    if (value !== undefined) throw new UsageError(`${a} takes no value`);
    if (a === '--stats') out.stats = true;
    else if (a === '--debug') out.debug = true;
    else if (a === '--json' && allowJson) out.json = true;
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else if (!out.program) out.program = a;
    else out.args.push(a);
  }
  if (!out.program) throw new UsageError('missing PROGRAM');
  return out;
}

function intArg(name: string, v: string, min: number, max: number): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`${name} needs a whole number, not '${v}'`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`${name} must be between ${min} and ${max}`);
  return n;
}

export const USAGE = `usage:
  gosyscall run PROGRAM [--stdin TEXT] [--root DIR] [--gomaxprocs N] [--max-instructions N] [--stats] [-- ARGS...]
  gosyscall trace PROGRAM [--json] [same options]
  gosyscall asm FILE.s... [-o OUT.elf] [--listing] [--as PATH]   (FILE - reads the source from stdin)
  gosyscall disasm PROGRAM [--syntax plan9|intel|gnu] [--symbol NAME]
PROGRAM is a Plan 9 assembly model program (.s) or a static linux/amd64 ELF.
`;
