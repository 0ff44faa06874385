// dist/debugAdapter.js: the debug adapter's entry point. It starts the adapter bundle (dist/debugAdapterMain.js)
// from V8's code cache (see boot/codeCache.ts), so a debug session starts sooner.
import path = require('node:path');
import { tuneEngine } from '../cpu/engine';
import { runCached } from '../boot/codeCache';

// V8's flags are part of a code cache's identity: set the CPU's flags before compiling, not when the first Cpu is made.
tuneEngine();
runCached(path.join(__dirname, 'debugAdapterMain.js'));
