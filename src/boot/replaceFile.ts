// A cache file (V8's code cache, the decode cache) written whole or not at all: written beside its place, then
// renamed over it, so two runs ending together never leave half a file.
import fs = require('node:fs');
import path = require('node:path');

/** Writes `data` to `file`, making its folder. False (nothing left behind) when it cannot. */
export function replaceFile(file: string, data: Uint8Array): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    makeDir(path.dirname(file));
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
    return true;
  } catch {
    try { fs.unlinkSync(tmp); } catch { /* nothing written */ }
    return false;
  }
}

/**
 * mkdir -p, a level at a time (Node 20's recursive mkdirSync never returns for a path under /proc that does not
 * exist).
 */
function makeDir(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !fs.existsSync(d) && missing.length < 16; d = path.dirname(d)) missing.push(d);
  for (const d of missing.reverse()) fs.mkdirSync(d);
}
