// Plan 9 text for the Disassembly view, from src/asm's formatter (one formatter for the whole product).
import { disassemble } from '../asm/index';

export interface TextLine { length: number; text: string }
type Symbolize = (addr: number) => { name: string; offset: number } | undefined;

/** Decode up to n instructions of bytes at addr, in Go's syntax (`go tool objdump` style). */
export function formatLines(bytes: Uint8Array, addr: number, n: number, symbolize: Symbolize): TextLine[] {
  try {
    return disassemble(bytes, addr, { syntax: 'plan9', symbolize, max: n }).map((l) => ({ length: l.length, text: l.text }));
  } catch {
    return [];
  }
}
