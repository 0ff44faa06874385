// All model functions, laid out in the native region, one document per Go source file.

import { ModelProgram } from './program';
import { syscallFuncs } from './funcs/syscall';
import { schedFuncs } from './funcs/sched';
import { mgmtFuncs } from './funcs/mgmt';
import { procFuncs } from './funcs/proc';

import { MODEL_TEXT_BASE } from './limits';

export { MODEL_TEXT_BASE };

function header(file: string): string[] {
  return [
    `// ${file} — Go Syscall Stepper's model of Go 1.23's runtime (read-only).`,
    '//',
    '// Each line with code is one step: stepping walks these lines, and each step changes the G/M/P state',
    '// the Scheduler view shows. The logic follows the cited Go function; the text is the model\'s own.',
    '// Parts of the runtime the model does not have (GC, timers, network poller, async preemption,',
    '// tracing) are left out.',
  ];
}

export function buildProgram(base: number): ModelProgram {
  return new ModelProgram([...procFuncs, ...syscallFuncs, ...schedFuncs, ...mgmtFuncs], base, header);
}

let cached: ModelProgram | undefined;
/** The model's layout: the same for every program, built once (steps are stateless functions). */
export function modelProgram(): ModelProgram {
  return (cached ??= buildProgram(MODEL_TEXT_BASE));
}
