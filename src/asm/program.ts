// The assembler's model of a program between parsing and linking: functions with their lowered items
// (instructions, raw bytes, alignment) and data symbols.
import type { Pos, Statement } from './parser';
import type { Match, SymRef } from './encode';
import type { FuncArg } from './types';

/** textflag.h values the assembler acts on. */
export const DUPOK = 2, RODATA = 8, NOFRAME = 512;

export const alignUp = (v: number, a: number) => Math.ceil(v / a) * a;

export interface Func {
  name: string; display: string; key: string; local: boolean;
  pos: Pos; file: string;
  flags: number; frame: number; args: number | undefined;
  body: Statement[];
  labels: Map<string, { index: number; pos: Pos }>;
  items: Item[];
  addr: number; size: number;
  bpsize: number; autoffset: number;
  fpArgs: Map<string, FuncArg>;
}

export interface Item {
  kind: 'insn' | 'raw' | 'align';
  pos: Pos;
  /** insn: the chosen encoding. */
  chosen?: Match;
  /** insn: short and near forms of a relative branch to a label. */
  short?: Match; near?: Match;
  raw?: Uint8Array;
  align?: number;
  addr: number; size: number;
  /** Bytes pushed since function entry (entry RSP - RSP) when this instruction starts. */
  sp: number;
  /** LOCK/REP written as their own statement: the CPU sees one instruction with the next item. */
  prefix?: boolean;
}

export interface DataSym {
  name: string; display: string; key: string; local: boolean; pos: Pos; file: string;
  size: number; flags: number; declared: boolean;
  bytes: Uint8Array;
  relocs: { off: number; size: number; sym: SymRef; add: bigint; pos: Pos }[];
  hasData: boolean;
  section?: 'rodata' | 'data' | 'bss';
  addr: number;
}

