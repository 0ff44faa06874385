// `gosyscall`: run | trace | asm | disasm. Errors are one `gosyscall: ` line and exit 2; a JavaScript stack trace
// only with --debug. Output goes through ./stdio (`gosyscall trace x.s | head`: a closed pipe ends it quietly).
import { USAGE, UsageError } from './args';
import { runCommand } from './runCommand';
import { asmCommand, disasmCommand } from './asmCommand';
import { writeErr, writeOut } from './stdio';

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'run': return runCommand(rest, false);
    case 'trace': return runCommand(rest, true);
    case 'asm': return asmCommand(rest);
    case 'disasm': return disasmCommand(rest);
    case '-h': case '--help': case 'help':
      writeOut(USAGE);
      return 0;
    case undefined:
      writeErr(USAGE);
      return 2;
    default:
      throw new UsageError(`unknown command '${cmd}' (run, trace, asm, disasm)`);
  }
}

const argv = process.argv.slice(2);
const debug = argv.includes('--debug');
main(debug && argv[0] !== 'run' && argv[0] !== 'trace' ? argv.filter((a) => a !== '--debug') : argv).then(
  // Every write was synchronous (./stdio), so nothing is pending: exiting here skips Node's teardown of the
  // environment and the heap (~3 ms of every run), and the loader's 'exit' handler still saves the code cache.
  (code) => { process.exit(code); },
  (e: unknown) => {
    const msg = e instanceof Error ? e.message : String(e);
    const diags = (e as { diagnostics?: string[] }).diagnostics;
    // assembler errors are FILE:LINE:COL: message lines, as `gosyscall asm` prints them
    if (diags && diags.length) writeErr(diags.map((d) => d + '\n').join(''));
    else writeErr(`gosyscall: ${msg.split('\n').join('\ngosyscall: ')}${e instanceof UsageError ? ' (gosyscall --help shows the usage)' : ''}\n`);
    if (debug && e instanceof Error && e.stack) writeErr(e.stack + '\n');
    process.exitCode = 2;
  },
);
