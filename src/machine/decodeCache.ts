// The decode cache on disk: the instructions iced-x86 decoded in one run of a program, kept for the next runs of the
// same file (cpu/decodedStore.ts says what a record is and why a stale one is never used). A debugger runs the
// same program again and again; from its third run on, Go hello world starts without iced-x86 (~20 ms of ~300).
//
// Keeping the records costs the run that keeps them (~35–45 ms for hello world: copying ~22,000 records and writing
// them, in code V8 has not compiled), so a program's first run only notes that it ran (an empty cache file); its
// second run keeps what iced decoded; a later run that decodes something new adds it. A program run once pays
// nothing. One file per program file (its real path); a run of a program built again uses what is still the same
// and saves only that with what it adds (DecodedStore.compact). Where: $GOSYSCALL_CACHE_DIR,
// else $XDG_CACHE_HOME/gosyscall, else ~/.cache/gosyscall, else the temp folder. GOSYSCALL_NO_DECODE_CACHE=1
// turns it off.
import fs = require('node:fs');
import path = require('node:path');
import zlib = require('node:zlib');
import { DecodedStore } from '../cpu/decodedStore';
import { readOwned } from '../boot/readOnce';
import { replaceFile } from '../boot/replaceFile';
import { version as ICED_VERSION } from 'iced-x86/package.json';

/** Cache files kept in the folder; the least recently used go first. */
const KEEP_FILES = 64;

/** node:zlib's CRC-32 (Node 20.15 and later; without it, no decode cache). */
const crc32 = (zlib as { crc32?: (b: Uint8Array) => number }).crc32;

/** The folder decode caches live in. */
export function decodeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GOSYSCALL_CACHE_DIR) return env.GOSYSCALL_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'gosyscall');
  if (env.HOME) return path.join(env.HOME, '.cache', 'gosyscall');
  const os = require('node:os') as typeof import('node:os');
  return path.join(os.tmpdir(), `gosyscall-${process.getuid?.() ?? 'user'}`);
}

/**
 * The cache file of the program file at `program` (it exists), by its real path: a program built again (the debugger
 * rebuilds a `.go` program at every launch) finds its unchanged code where it was (after an edit of Go hello world's
 * main, 99 % of the instructions its start runs).
 */
export function decodeCacheFile(program: string, dir = decodeCacheDir()): string {
  const real = fs.realpathSync(program);
  // a CRC-32 (not node:crypto: its first hash costs ~7 ms); files that meet in a name only displace each other
  const hex = (crc32!(Buffer.from(real)) >>> 0).toString(16).padStart(8, '0');
  return path.join(dir, `${path.basename(real).replace(/[^\w.-]/g, '_')}-${hex}.decode`);
}

/** What tells one build of a program from another: its Go build ID, else its size and modification time. */
export function programIdentity(program: string): string {
  const st = fs.statSync(program);
  return goBuildId(program) ?? `${st.size}:${st.mtimeMs}`;
}

/**
 * The Go build ID of an ELF program: the `.note.go.buildid` note (name "Go", type 4), which Go's linker puts at the
 * start of the text, in the file's first pages. Undefined when it is not there.
 */
export function goBuildId(file: string): string | undefined {
  const head = Buffer.alloc(8192);
  const fd = fs.openSync(file, 'r');
  let n: number;
  try { n = fs.readSync(fd, head, 0, head.length, 0); } finally { fs.closeSync(fd); }
  for (let p = head.indexOf('Go\0\0', 12, 'latin1'); p >= 12 && p + 4 <= n; p = head.indexOf('Go\0\0', p + 1, 'latin1')) {
    if (head.readUInt32LE(p - 12) !== 4 || head.readUInt32LE(p - 4) !== 4) continue; // namesz 4, type 4
    const size = head.readUInt32LE(p - 8);
    if (size > 0 && size <= 256 && p + 4 + size <= n) return head.toString('latin1', p + 4, p + 4 + size);
  }
  return undefined;
}

/** Stores to write when the process ends, by file, with the identity of their program. */
const pending = new Map<string, { store: DecodedStore; id: string }>();
let hooked = false;
/** A cache file smaller than this is read into memory of its own (an empty one, say), not the start-up's buffer. */
const SMALL = 64 * 1024;

/**
 * The decode cache for a run of `program`: what an earlier run left, or an empty store when there is none or it
 * cannot be used (another iced-x86, a damaged file: replaced, silently, as V8 replaces its code cache); saved when
 * the process exits, if this run added to it or the program was built again. Undefined when turned off.
 */
export function openDecodeCache(program: string): DecodedStore | undefined {
  if (process.env.GOSYSCALL_NO_DECODE_CACHE || crc32 === undefined) return undefined;
  let file: string, id: string;
  try { file = decodeCacheFile(program); id = programIdentity(program); } catch { return undefined; }
  let bytes: Buffer | undefined;
  try {
    // the start-up's buffer stays for iced's WebAssembly when iced will be needed (see prepareDecoder)
    bytes = fs.statSync(file).size < SMALL ? fs.readFileSync(file) : readOwned(file);
  } catch { /* the program's first run */ }
  let store = DecodedStore.empty(bytes !== undefined);
  if (bytes !== undefined) {
    const r = DecodedStore.parse(bytes, ICED_VERSION, crc32);
    if (typeof r !== 'string') {
      store = r;
      store.compact = store.size > 0 && store.programId !== id;
      try { const now = new Date(); fs.utimesSync(file, now, now); } catch { /* read-only: still usable */ }
    }
  }
  pending.set(file, { store, id });
  if (!hooked) { hooked = true; process.once('exit', saveDecodeCaches); }
  return store;
}

/** Writes every store that changed, and an empty one for a program's first run. */
export function saveDecodeCaches(): void {
  for (const [file, { store, id }] of pending) {
    if (store.collects && !store.changed) continue;
    const data = (store.collects ? store : DecodedStore.empty()).serialize(ICED_VERSION, crc32!, id);
    if (replaceFile(file, data)) try { prune(path.dirname(file)); } catch { /* kept: an optimisation only */ }
  }
  pending.clear();
}

/** Keeps the KEEP_FILES most recently used cache files of the folder. */
function prune(dir: string): void {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.decode'));
  if (files.length <= KEEP_FILES) return;
  const byAge = files.map((f) => ({ f, t: fs.statSync(path.join(dir, f)).mtimeMs })).sort((a, b) => b.t - a.t);
  for (const { f } of byAge.slice(KEEP_FILES)) fs.rmSync(path.join(dir, f), { force: true });
}
