// Start a bundle from V8's code cache. Node 20 compiles a 1.7 MB bundle on every start (~40 ms) and each function
// again the first time it runs (the emulator's translators: tens of ms more); Node 22's module.enableCompileCache
// is not there yet. So the entry point (dist/cli.js) is this loader: it compiles the real bundle with vm.Script and
// the cache saved by an earlier run. A run without a usable cache saves one when it ends, after the program ran, so
// the cache also holds the functions that run compiled; a cache saved by a run that never ran a program (--help)
// is replaced once by one that did (boot/warm.ts). Only start-up time changes: the code is the same.
import fs = require('node:fs');
import path = require('node:path');
import vm = require('node:vm');
import { readOnce, releaseReadBuffer } from './readOnce';
import { WARM } from './warm';
import { replaceFile } from './replaceFile';
import { withoutBaselineCompiler } from '../cpu/engine';

/**
 * Where the cache of `bundle` lives: beside it, or in the temp folder when that is not writable. One file per V8
 * version: the editor runs the same bundles with its own runtime (Electron's V8) as the shell's node does, and one
 * shared file would be thrown away and rewritten at each turn.
 */
export function* cachePaths(bundle: string): Generator<string> {
  const name = `${path.basename(bundle)}.${process.versions.v8}.v8cache`;
  yield path.join(path.dirname(bundle), name);
  // Only when the first will not do: node:os is not loaded otherwise (~1 ms of every start). The uid keeps users
  // apart in a shared temp folder (process.getuid: no /etc/passwd lookup, unlike os.userInfo).
  const os = require('node:os') as typeof import('node:os');
  yield path.join(os.tmpdir(), `gosyscall-${process.getuid?.() ?? 'user'}`, name);
}

/** V8 checks a cache against the source's length, its own version and flags, not the text: the key adds the rest. */
function keyOf(st: fs.Stats): string { return `${st.size}:${Math.floor(st.mtimeMs)}:${process.version}:${process.arch}`; }

interface Cache { data: Buffer; warm: boolean }

/**
 * A cache file: a 4-byte header length, the header (key and `warm` or `cold`, padded with spaces), V8's data. The
 * padding puts the data at a multiple of 8 bytes: V8 copies cache data that is not pointer-aligned (~700 KB).
 */
function readCache(file: string, key: string): Cache | undefined {
  try {
    const b = readOnce(file); // valid until the next readOnce: V8 reads the data before the bundle runs
    const n = b.readUInt32LE(0);
    const [k, warm] = b.toString('utf8', 4, 4 + n).trimEnd().split('|');
    if (k !== key) return undefined;
    return { data: b.subarray(4 + n), warm: warm === 'warm' };
  } catch { return undefined; }
}

function writeCache(files: Iterable<string>, header: string, data: Buffer): void {
  const head = Buffer.from(header.padEnd(header.length + ((8 - ((4 + Buffer.byteLength(header)) % 8)) % 8)), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length, 0);
  const bytes = Buffer.concat([len, head, data]);
  for (const file of files) if (replaceFile(file, bytes)) return;
}

/**
 * Run the bundle at `bundle` as Node's loader would run a CommonJS module (module, require, __dirname), from the
 * code cache. The file is one function expression taking those arguments (scripts/build.mjs wraps it), so its text
 * is compiled as it is; it is ASCII, and latin1 reads the bytes straight into a one-byte string.
 */
export function runCached(bundle: string): void {
  const source = readOnce(bundle).toString('latin1');
  if (process.env.GOSYSCALL_NO_CODE_CACHE) { start(new vm.Script(source, { filename: bundle }), bundle); return; }
  const key = keyOf(fs.statSync(bundle));
  let cache: Cache | undefined;
  for (const f of cachePaths(bundle)) if ((cache = readCache(f, key))) break;
  const script = new vm.Script(source, { filename: bundle, cachedData: cache?.data });
  const usable = cache !== undefined && !script.cachedDataRejected;
  const cachedWarm = cache?.warm === true; // not `cache`: its data lies in readOnce's buffer, which must not be kept
  process.once('exit', () => {
    const warm = (globalThis as Record<symbol, unknown>)[WARM] === true;
    if (usable && (cachedWarm || !warm)) return;
    try { writeCache(cachePaths(bundle), `${key}|${warm ? 'warm' : 'cold'}`, script.createCachedData()); } catch { /* an optimisation only */ }
  });
  start(script, bundle);
}

function start(script: vm.Script, bundle: string): void {
  const mod = { exports: {} as unknown, filename: bundle, id: '.', loaded: false };
  withoutBaselineCompiler(() => {
    const fn = script.runInThisContext() as (e: unknown, r: NodeRequire, m: unknown, f: string, d: string) => void;
    // The loader's own require: the bundles require only Node's built-ins (node:module's createRequire would load
    // Node's ES module loader, ~8 ms of every start, to make an equivalent one).
    fn(mod.exports, require, mod, bundle, path.dirname(bundle));
  });
  releaseReadBuffer(); // the bundle's top level has read iced-x86's wasm
}
