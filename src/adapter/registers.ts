// The Registers scope: variables named as DESIGN.md §4 says (RAX … R15, RIP, RFLAGS with one child per flag,
// FS_BASE, XMM0…XMM15), values 0x..., the Plan 9 name in `type`.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { FLAG_BITS } from '../cpu/types';
import { hex } from '../machine/types';
import type { RegisterSet } from '../machine/registers';

export function registerVariables(r: RegisterSet, rflagsRef: number): DebugProtocol.Variable[] {
  const out: DebugProtocol.Variable[] = [];
  for (const g of r.gprs) out.push({ name: g.name, value: hex(g.value), type: g.plan9, variablesReference: 0, evaluateName: g.name, memoryReference: hex(g.value) });
  out.push({ name: 'RIP', value: hex(r.rip), type: 'PC', variablesReference: 0, evaluateName: 'RIP', memoryReference: hex(r.rip) });
  out.push({ name: 'RFLAGS', value: hex(r.rflags), type: 'FLAGS', variablesReference: rflagsRef, evaluateName: 'RFLAGS',
    presentationHint: { kind: 'data' } });
  out.push({ name: 'FS_BASE', value: hex(r.fsBase), type: 'FS', variablesReference: 0, evaluateName: 'FS_BASE', memoryReference: hex(r.fsBase) });
  r.xmm.forEach((v, i) => out.push({ name: `XMM${i}`, value: hex(v), type: `X${i}`, variablesReference: 0, evaluateName: `XMM${i}` }));
  return out;
}

export function flagVariables(rflags: bigint): DebugProtocol.Variable[] {
  return FLAG_BITS.map(([name, bit]) => ({ name, value: String(Number((rflags >> BigInt(bit)) & 1n)), type: `bit ${bit}`, variablesReference: 0 }));
}

/** A value typed into the Variables view: a number (hex, decimal, negative) or an expression. */
export function parseRegisterValue(text: string, evaluate: (e: string) => bigint): bigint | string {
  const s = text.trim();
  try {
    if (/^-?\d+$/.test(s)) return BigInt.asUintN(128, BigInt(s));
    if (/^0x[0-9a-fA-F]+$/i.test(s)) return BigInt(s);
    return evaluate(s);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
