// An executable file read on demand, as Linux pages in a file mapping: a page of the program is read from the file
// when the program first touches it. A Go binary is ~3 MB and hello world touches a tenth of it; reading it all
// costs ~800 host page faults (~10 ms here), more than its start-up spends in the kernel.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const CHUNK = 4096;
/** An image dropped before it was read through still holds its descriptor: closed when the image is collected. */
const openFiles = new FinalizationRegistry<number>((fd) => { try { closeSync(fd); } catch { /* already closed */ } });

export class FileImage {
  /**
   * The file's bytes; a range is valid once need() covered it. A buffer this large is zero-filled memory the OS
   * backs only when written, so the parts never read cost nothing.
   */
  readonly bytes: Uint8Array;
  /** Bytes read from the file so far. */
  bytesRead = 0;
  private readonly have: Uint8Array;
  private missing: number;
  private fd: number;

  private constructor(fd: number, size: number, private readonly path: string) {
    this.fd = fd;
    openFiles.register(this, fd, this);
    this.bytes = new Uint8Array(size);
    this.missing = Math.ceil(size / CHUNK);
    this.have = new Uint8Array(this.missing);
  }

  /** Opens `path` (throws Node's error when it cannot be opened). Nothing is read yet. */
  static open(path: string): FileImage {
    const fd = openSync(path, 'r');
    try { return new FileImage(fd, fstatSync(fd).size, path); } catch (e) { closeSync(fd); throw e; }
  }

  /** Makes bytes [off, off+len) valid (clipped to the file), reading the chunks not read yet. */
  need(off: number, len: number): void {
    const size = this.bytes.length;
    const first = Math.max(0, Math.floor(off / CHUNK)), last = Math.min(Math.ceil(Math.min(off + len, size) / CHUNK), this.have.length);
    for (let c = first; c < last; c++) {
      if (this.have[c]) continue;
      let end = c + 1; // one read for a run of missing chunks
      while (end < last && !this.have[end]) end++;
      this.read(c * CHUNK, Math.min(end * CHUNK, size) - c * CHUNK);
      this.have.fill(1, c, end);
      this.missing -= end - c;
      c = end - 1;
    }
    if (this.missing === 0) this.close();
  }

  /**
   * The CHUNK bytes at `off` (a page of a segment), read into memory of their own rather than into `bytes`: a fresh
   * page of a large buffer costs two page faults when the kernel writes it, a small allocation mostly none.
   */
  page(off: number): Uint8Array {
    const p = new Uint8Array(CHUNK);
    if (this.have[Math.floor(off / CHUNK)] && off % CHUNK === 0) { p.set(this.bytes.subarray(off, off + CHUNK)); return p; }
    this.readInto(p, off, CHUNK);
    return p;
  }

  /** The whole file, read. */
  all(): Uint8Array { this.need(0, this.bytes.length); return this.bytes; }

  /** Stops reading: parts not read stay zero. Called when every chunk has been read. */
  close(): void {
    if (this.fd < 0) return;
    openFiles.unregister(this);
    closeSync(this.fd);
    this.fd = -1;
  }

  private read(pos: number, len: number): void { this.readInto(this.bytes.subarray(pos, pos + len), pos, len); }

  private readInto(dst: Uint8Array, pos: number, len: number): void {
    if (this.fd < 0) throw new Error(`${this.path}: the program file was closed before 0x${pos.toString(16)} was read`);
    let done = 0;
    while (done < len) {
      const n = readSync(this.fd, dst, done, len - done, pos + done);
      if (n === 0) throw new Error(`${this.path}: the program file is shorter than when it was loaded (no bytes at 0x${(pos + done).toString(16)})`);
      done += n;
    }
    this.bytesRead += len;
  }
}
