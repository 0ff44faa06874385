// Linux signal numbers on x86-64, their names and default actions (signal(7)).

export const SIG = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGUSR1: 10,
  SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGSTKFLT: 16, SIGCHLD: 17, SIGCONT: 18,
  SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26,
  SIGPROF: 27, SIGWINCH: 28, SIGIO: 29, SIGPWR: 30, SIGSYS: 31,
} as const;

const NAMES: string[] = [];
for (const [k, v] of Object.entries(SIG)) NAMES[v] = k;

export function signalName(sig: number): string {
  if (NAMES[sig]) return NAMES[sig];
  if (sig >= 32 && sig <= 64) return `SIGRT${sig - 32}`;
  return `SIG${sig}`;
}

/** What SIG_DFL does: terminate (core dump or not, same for us), ignore, or stop (treated as ignore here). */
export function defaultAction(sig: number): 'terminate' | 'ignore' {
  switch (sig) {
    case SIG.SIGCHLD: case SIG.SIGURG: case SIG.SIGWINCH: case SIG.SIGCONT:
    case SIG.SIGSTOP: case SIG.SIGTSTP: case SIG.SIGTTIN: case SIG.SIGTTOU:
      return 'ignore';
    default:
      return 'terminate';
  }
}
