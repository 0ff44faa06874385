// The debug adapter process: DAP over stdio (VS Code starts `node dist/debugAdapter.js`, which loads this bundle).
import { GoSyscallSession } from './session';
import { warmUp } from './warmup';
import { noteWarm } from '../boot/warm';

// The adapter never exits because of its own error: report it on stderr (VS Code's adapter log) and go on.
process.on('uncaughtException', (e) => { process.stderr.write(`gosyscall adapter: ${e?.stack ?? e}\n`); });
process.on('unhandledRejection', (e) => { process.stderr.write(`gosyscall adapter: ${(e as Error)?.stack ?? e}\n`); });

// compile the hot paths before the first launch arrives (part of the adapter's start)
void warmUp().finally(() => {
  noteWarm();
  const session = new GoSyscallSession();
  process.on('SIGTERM', () => { session.shutdown(); });
  session.start(process.stdin, process.stdout);
});
