// Public API of the Plan 9 (Go) assembler, linker and disassembler for amd64.
//
//   assemble(files, {externs})  → { ok, diagnostics, image?: LinkedImage }   (never throws)
//   disassemble(bytes, addr, {syntax, symbolize}) → DisasmLine[]             (plan9 | intel | gnu)
//   formatPlan9(instr, symbolize?) → string   (one iced Instruction, as `go tool objdump` prints it)
//   formatDiagnostic(d) → "FILE:LINE:COL: message"
//   symbolizerForImage(image, externs?) → Symbolizer   (dotted names, as objdump prints them)
//   readElf(bytes) / readVirtual(...)  → symbols and segments of any ELF64 (Go binaries too), for disasm
//
// Symbols keep Go's `·` and `∕` as written (`runtime·entersyscall`); `dotted()` gives the form the UI and
// function breakpoints use (`runtime.entersyscall`). See docs/asm-known-gaps.md for what is not reproduced.
export * from './types';
export { assemble } from './assemble';
export { disassemble, formatPlan9, symbolizerFor, symbolizerForImage } from './disasm';
export { dotted, qualify } from './symbols';
export { readElf, readVirtual } from './elfread';
export type { ElfInfo } from './elfread';
import type { Diagnostic } from './types';

/** `FILE:LINE:COL: message`, the one format every tool prints assembler errors in. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.message}`;
}
