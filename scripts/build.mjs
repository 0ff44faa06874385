// Build: esbuild bundles the three entry points into dist/ (extension, debug adapter, CLI) and transpiles every
// TypeScript file under src/, test/ and bench/ into out/ (one file each, CommonJS) for `node --test` and the
// extension test suite. Type checking is `npm run typecheck` (tsc --noEmit): esbuild never blocks on types.
import * as esbuild from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lazyEnums } from './icedLazyEnums.mjs';
import { exportsThroughTable, glueThroughTable } from './icedWasmTable.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');

function tsFiles(dir) {
  const out = [];
  let entries;
  try { entries = readdirSync(join(root, dir)); } catch { return out; }
  for (const name of entries) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) out.push(...tsFiles(rel));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

// iced-x86 as bundled: its wasm with the functions exported through a table, its glue calling them from there and
// making its enums on first read (scripts/icedWasmTable.mjs, scripts/icedLazyEnums.mjs; both for start-up time).
const icedDir = join(root, 'node_modules/iced-x86');
const icedWasm = exportsThroughTable(readFileSync(join(icedDir, 'iced_x86_bg.wasm')));
const icedGlue = {
  name: 'iced-x86',
  setup(build) {
    build.onLoad({ filter: /[\\/]iced-x86[\\/]iced_x86\.js$/ }, async (args) => ({
      contents: readWasmOnce(glueThroughTable(lazyEnums(await readFile(args.path, 'utf8')), icedWasm.names)),
      loader: 'js',
    }));
  },
};

// The glue reads its wasm through src/boot/readOnce.ts (one buffer for the files every start reads), straight into
// the module's compile: a `bytes` binding would keep the shared buffer alive. The module is compiled on iced-x86's
// first call (scripts/icedWasmTable.mjs), after the loader is done with the buffer: it is let go again.
const WASM_READ = /const bytes = require\('fs'\)\.readFileSync\(path\);\s*const wasmModule = new WebAssembly\.Module\(bytes\);/;
function readWasmOnce(glue) {
  if (!WASM_READ.test(glue)) throw new Error("iced-x86's glue no longer reads and compiles its wasm as expected; update scripts/build.mjs");
  const readOnce = `require(${JSON.stringify(join(root, 'src/boot/readOnce.ts'))})`;
  return glue.replace(WASM_READ, `const wasmModule = new WebAssembly.Module(${readOnce}.readOnce(path));\n${readOnce}.releaseReadBuffer();`);
}

const bundles = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // whitespace and syntax minified: 40% fewer bytes to read and compile at every start; names are kept, so stack
  // traces and CPU profiles stay readable
  minifyWhitespace: true,
  minifySyntax: true,
  external: ['vscode'],
  plugins: [icedGlue],
  outdir: 'dist',
  entryPoints: {
    extension: 'src/extension/extension.ts',
    debugAdapter: 'src/adapter/boot.ts',
    cli: 'src/cli/boot.ts',
  },
  logLevel: 'warning',
};

// The bundles the boot loaders start from V8's code cache (src/boot/codeCache.ts): each file is one function
// expression taking CommonJS's arguments, so the loader compiles the file's text as it is (no wrapped copy of a
// megabyte of source to flatten) and reads it as latin1 (the bytes as they are: esbuild writes ASCII only).
const cached = {
  ...bundles,
  entryPoints: {
    debugAdapterMain: 'src/adapter/debugAdapter.ts',
    cliMain: 'src/cli/main.ts',
  },
  charset: 'ascii',
  banner: { js: '(function (exports, require, module, __filename, __dirname) {' },
  footer: { js: '})' },
};

const perFile = {
  absWorkingDir: root,
  bundle: false,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  outdir: 'out',
  outbase: '.',
  entryPoints: [...tsFiles('src'), ...tsFiles('test'), ...tsFiles('bench')],
  logLevel: 'warning',
};

function copyAssets() {
  mkdirSync(join(root, 'dist'), { recursive: true });
  // iced-x86 loads its wasm from __dirname, which is dist/ once bundled.
  writeFileSync(join(root, 'dist/iced_x86_bg.wasm'), icedWasm.wasm);
}

if (watch) {
  copyAssets();
  const contexts = await Promise.all([bundles, cached, perFile].map((o) => esbuild.context(o)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching src/, test/, bench/ ...');
} else {
  copyAssets();
  await Promise.all([esbuild.build(bundles), esbuild.build(cached), esbuild.build(perFile)]);
}
