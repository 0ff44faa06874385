// Files read once at start (the bundle's text, its code cache, iced-x86's wasm) are read into one buffer, reused.
// Each is copied at once by its reader (into a string, V8's heap, the wasm engine), so a buffer of its own would be
// ~190 pages of fresh memory per file; on the VMs we measured a first touch of a page costs ~15 µs. The loader
// and the bundles are separate bundles: the buffer is shared through a global.

const SCRATCH = Symbol.for('gosyscall.readOnce.buffer');

/**
 * The bytes of `file`, in a buffer that the next call reuses: copy what must outlive that call. Throws Node's
 * error when the file cannot be read.
 */
export function readOnce(file: string): Buffer {
  // required here, not imported: the glue of iced-x86 calls this before the bundle's own imports are done
  const fs = require('node:fs') as typeof import('node:fs');
  const g = globalThis as Record<symbol, Buffer | undefined>;
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    let buf = g[SCRATCH];
    // untouched capacity costs nothing: only the pages a read writes are backed
    if (!buf || buf.length < size) g[SCRATCH] = buf = Buffer.allocUnsafeSlow(Math.max(size, 2 << 20));
    let done = 0;
    while (done < size) {
      const n = fs.readSync(fd, buf, done, size - done, done);
      if (n === 0) break; // shorter than fstat said: what is there
      done += n;
    }
    return buf.subarray(0, done);
  } finally { fs.closeSync(fd); }
}

/**
 * The bytes of `file` for the caller to keep: read into the shared buffer when there is one (its pages are already
 * backed: the bundle and its code cache were read into it), which is then the caller's, not reused. Throws Node's
 * error when the file cannot be read.
 */
export function readOwned(file: string): Buffer {
  const bytes = readOnce(file);
  releaseReadBuffer();
  return bytes;
}

/** Lets the buffer go (the loader calls this once the bundle has started: a long-lived adapter need not keep it). */
export function releaseReadBuffer(): void {
  delete (globalThis as Record<symbol, Buffer | undefined>)[SCRATCH];
}
