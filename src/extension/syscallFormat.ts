// Syscalls view model: one log entry (DESIGN.md §4 trace `syscall` event) → label, description, tooltip. vscode-free.
import type { SyscallEvent } from '../linux/trace';
import { syscallArity } from '../linux/decode';
import { formatTime, shortArg } from './format';

export type SyscallEntry = SyscallEvent & { seq: number; t: number };

export function syscallCall(e: SyscallEntry): string {
  if (typeof e.text === 'string' && e.text) return e.text;
  const args = Array.isArray(e.args) ? e.args : [];
  // Arity from the Linux layer's decoder; otherwise trailing zero arguments are dropped.
  let n = syscallArity(e.name);
  if (n === undefined) { n = args.length; while (n > 0 && /^0x0*$/i.test(args[n - 1])) n--; }
  return `${e.name ?? `syscall_${e.nr}`}(${args.slice(0, n).map(shortArg).join(', ')})`;
}

export function syscallResult(e: SyscallEntry): string {
  if (e.errno) return `${e.ret} ${e.errno}`;
  if (typeof e.ret !== 'number') return '?';
  return e.ret > 0xffffff ? `0x${e.ret.toString(16)}` : String(e.ret);
}

export interface SyscallItemModel {
  id: string;
  seq: number;
  label: string;           // name(args) = result
  description: string;     // t, M, G, blocked
  tooltip: string;
  failed: boolean;
  blocked: boolean;
}

/** `origin`: the session's first known virtual time; times show as +offset from it. */
export function syscallItem(e: SyscallEntry, origin = 0): SyscallItemModel {
  const who = [e.m != null ? `M${e.m}` : '', e.p != null ? `P${e.p}` : '', e.g != null ? `G${e.g}` : ''].filter(Boolean).join(' ');
  const call = syscallCall(e);
  // a decoded text may carry its result already ("read(3, ...) = 1")
  const label = /\)\s*=\s*\S[^()]*$/.test(call) ? call : `${call} = ${syscallResult(e)}`;
  const description = [`+${formatTime(e.t - origin)}`, who, e.blocked ? 'blocked' : ''].filter(Boolean).join(' · ');
  const tooltip = [label, `#${e.seq} at +${formatTime(e.t - origin)} (virtual time ${e.t} ns)`, who && `on ${who}`, `pc ${e.pc}`,
    `nr ${e.nr}`, e.blocked ? 'the thread blocked in the kernel' : ''].filter(Boolean).join('\n');
  return { id: `sys:${e.seq}`, seq: e.seq, label, description, tooltip, failed: !!e.errno, blocked: !!e.blocked };
}

export function sanitizeSyscallLog(raw: unknown): SyscallEntry[] {
  const entries = (raw as { entries?: unknown })?.entries;
  if (!Array.isArray(entries)) return [];
  return entries.filter((e): e is SyscallEntry => !!e && typeof e === 'object' && typeof e.seq === 'number' &&
    typeof e.name === 'string');
}
