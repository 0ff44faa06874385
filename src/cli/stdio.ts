// The CLI's standard output and error, written with fs.writeSync. Not process.stdout / process.stderr: Node makes
// those streams on first use and, for a pipe or a terminal, loads its net, stream and tty modules to do it (~10 ms
// of every start). Writes are synchronous, as Node's own streams are for files: output keeps its order with the
// guest's, and nothing is left unwritten when the process exits. EPIPE (the reader went away) ends the process
// quietly, as `| head` expects; EAGAIN (a full pipe another process made non-blocking) waits a moment and retries.
import { writeSync } from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

export function writeOut(data: string | Uint8Array): void { write(1, data); }
export function writeErr(data: string | Uint8Array): void { write(2, data); }

function write(fd: number, data: string | Uint8Array): void {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') { Atomics.wait(pause, 0, 0, 1); continue; }
      if (code === 'EPIPE') process.exit(0);
      throw e;
    }
  }
}
