// dist/cli.js: the `gosyscall` command's entry point. It starts the CLI bundle (dist/cliMain.js) from V8's code
// cache (see boot/codeCache.ts).
import path = require('node:path');
import { tuneEngine } from '../cpu/engine';
import { runCached } from '../boot/codeCache';

// V8's flags are part of a code cache's identity: set the CPU's flags before compiling, not when the first Cpu is made.
tuneEngine();
runCached(path.join(__dirname, 'cliMain.js'));
