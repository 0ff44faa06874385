// One line per trace event: strace-like text prefixed with who ran it ([M1 P0 G7]), or the JSON contract.
import type { TraceEvent } from '../linux/trace';

function id(prefix: string, v: number | null | undefined): string { return `${prefix}${v ?? '-'}`; }

export function traceJson(ev: TraceEvent): string {
  const { text: _text, who: _who, ...rest } = ev as TraceEvent & { text?: string; who?: unknown };
  // key order: ev, seq, t first (readable), then the event's own fields
  return JSON.stringify(Object.assign({ ev: rest.ev, seq: rest.seq, t: rest.t }, rest));
}

export function traceText(ev: TraceEvent): string {
  const who = (m: number | null | undefined, p: number | null | undefined, g: number | null | undefined) =>
    `[${id('M', m)} ${id('P', p)} ${id('G', g)}]`;
  switch (ev.ev) {
    case 'syscall': {
      const res = ev.errno ? `-1 ${ev.errno}` : `${ev.ret}`;
      const call = ev.text ?? `${ev.name}(${ev.args.join(', ')}) = ${res}`;
      return `${who(ev.m, ev.p, ev.g)} ${call}${ev.blocked ? ' <blocked>' : ''}`;
    }
    case 'gstatus': return `${who(ev.m, ev.p, ev.g)} G${ev.g} ${ev.from} -> ${ev.to}`;
    case 'pstatus': return `${who(ev.m, ev.p, null)} P${ev.p} ${ev.from} -> ${ev.to}`;
    case 'handoff': {
      // prefixed with the thread that did it (sysmon's M for a retake), not the Ms it names
      const by = (ev as { who?: { m: number | null; p: number | null; g: number | null } }).who;
      return `${by ? who(by.m, by.p, by.g) : who(ev.fromM, ev.p, null)} handoff P${ev.p} M${ev.fromM ?? '-'} -> M${ev.toM ?? '-'} (${ev.reason})`;
    }
    case 'exitsyscall': return `${who(ev.m, null, ev.g)} exitsyscall G${ev.g} path=${ev.path}`;
    case 'thread': return `${who(ev.m, null, null)} thread M${ev.m} ${ev.action}${ev.tid !== undefined ? ` tid=${ev.tid}` : ''}`;
    case 'signal': return `${who(ev.m, null, null)} --- ${ev.sig} ---`;
    case 'warning': return `${who(ev.m, null, null)} warning: ${ev.message}`;
    case 'exit': return `+++ exited with ${ev.code} +++ (${ev.instructions} instructions, t=${ev.t}ns)`;
  }
  return JSON.stringify(ev);
}
