// Small text formatting shared by the views (vscode-free).

/** Virtual time in ns as a short human string: 950ns, 12.5µs, 3.25ms, 1.5s. */
export function formatTime(ns: number): string {
  if (!Number.isFinite(ns)) return '?';
  const a = Math.abs(ns);
  if (a < 1e3) return `${Math.round(ns)}ns`;
  if (a < 1e6) return `${trim(ns / 1e3)}µs`;
  if (a < 1e9) return `${trim(ns / 1e6)}ms`;
  return `${trim(ns / 1e9)}s`;
}

function trim(x: number): string {
  return (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

/** "0x1f" → 31 when small enough to read as a number; otherwise the hex string unchanged. */
export function shortArg(hex: string): string {
  if (!/^0x[0-9a-f]+$/i.test(hex)) return hex;
  const n = parseInt(hex, 16);
  if (n < 0x10000) return String(n);                   // a count, fd or flag word; larger ones are addresses
  return hex.toLowerCase();
}
