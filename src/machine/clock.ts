// Wall-clock milliseconds for slicing runs and measuring them. Not `performance.now()`: the first use of the
// `performance` global loads Node's perf_hooks (~3 ms of every CLI start); process.hrtime is already there.

/** Monotonic milliseconds (sub-millisecond resolution) from an arbitrary origin. */
export function nowMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}
