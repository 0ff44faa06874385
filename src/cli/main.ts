// `gosyscall`: run | trace | asm | disasm. Errors are one `gosyscall: ` line and exit 2; a JavaScript stack trace
// only with --debug.
import { USAGE, UsageError } from './args';
import { runCommand } from './runCommand';
import { asmCommand, disasmCommand } from './asmCommand';

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'run': return runCommand(rest, false);
    case 'trace': return runCommand(rest, true);
    case 'asm': return asmCommand(rest);
    case 'disasm': return disasmCommand(rest);
    case '-h': case '--help': case 'help':
      process.stdout.write(USAGE);
      return 0;
    case undefined:
      process.stderr.write(USAGE);
      return 2;
    default:
      throw new UsageError(`unknown command '${cmd}' (run, trace, asm, disasm)`);
  }
}

// `gosyscall trace x.s | head`: a closed pipe ends the command quietly, as other tools do
for (const s of [process.stdout, process.stderr]) s.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); });

const argv = process.argv.slice(2);
const debug = argv.includes('--debug');
main(debug && argv[0] !== 'run' && argv[0] !== 'trace' ? argv.filter((a) => a !== '--debug') : argv).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    const msg = e instanceof Error ? e.message : String(e);
    const diags = (e as { diagnostics?: string[] }).diagnostics;
    // assembler errors are FILE:LINE:COL: message lines, as `gosyscall asm` prints them
    if (diags && diags.length) process.stderr.write(diags.map((d) => d + '\n').join(''));
    else process.stderr.write(`gosyscall: ${msg.split('\n').join('\ngosyscall: ')}${e instanceof UsageError ? ' (gosyscall --help shows the usage)' : ''}\n`);
    if (debug && e instanceof Error && e.stack) process.stderr.write(e.stack + '\n');
    process.exitCode = 2;
  },
);
