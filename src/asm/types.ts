// Public vocabulary of the assembler: diagnostics, the linked image and what the debugger reads from it.

/** One error found in the source, as `FILE:LINE:COL: message`. Lines and columns are 1-based. */
export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** A source file handed to the assembler. `path` is used in diagnostics and to resolve `#include "..."`. */
export interface SourceFile {
  path: string;
  text: string;
}

export interface AssembleOptions {
  /**
   * Symbols defined outside the assembled files, e.g. the Go-runtime model's `runtime·entersyscall`, bound to
   * absolute addresses in a native region. Keys may be written with `·`/`∕` or dots/slashes (`runtime.entersyscall`).
   */
  externs?: Map<string, number>;
  /** Folders searched for `#include` after the including file's folder. The built-in headers come last. */
  includeDirs?: string[];
  /** Object-like macros predefined as with `-D NAME=VALUE` (value '' means defined empty). */
  defines?: Record<string, string>;
  /** Overrides the entry rule (`_rt0_amd64_linux`, `_start`, `main·main`): a symbol name. */
  entry?: string;
  /** Address of the text segment's first function. Default 0x401000 (as Go's linker). */
  textAddr?: number;
}

export type SymbolKind = 'text' | 'data' | 'bss' | 'rodata';

export interface ImageSymbol {
  /** Name as written in source (`runtime·entersyscall`, `main·msg<>` is reported as `main·msg<>`). */
  name: string;
  addr: number;
  size: number;
  kind: SymbolKind;
}

/** A named argument or result of an asm function, taken from the `name+off(FP)` operands its body uses. */
export interface FuncArg {
  name: string;
  /** Offset from the pseudo-register FP (0 = first argument). */
  offset: number;
  /** Operand size in bytes as used by the instruction (8 for MOVQ, 4 for MOVL, ...). */
  size: number;
}

export interface FuncInfo {
  name: string;
  addr: number;
  size: number;
  /** Local frame size as declared in TEXT ($frame-args), excluding the saved BP and return address. */
  frameSize: number;
  /** Argument size as declared in TEXT; 0 when not declared. */
  argsSize: number;
  /** TEXT flags as a number (textflag.h values: NOSPLIT=4, NOFRAME=512, ...). */
  flags: number;
  file: string;
  line: number;
  args: FuncArg[];
  /** Size of the automatic prologue's stack adjustment: bytes between FP-8 (return address) and SP after it. */
  spAdjust: number;
}

/** One instruction (or data directive in text) of the text segment, addr ↔ source line. */
export interface LineEntry {
  addr: number;
  size: number;
  file: string;
  line: number;
  /**
   * Bytes the function has pushed/allocated when this instruction starts (entry RSP - RSP): 0 at the first
   * instruction, 8 after PUSHQ BP, frame+8 in the body. The caller's frame (CFA) is RSP + spDelta + 8.
   */
  spDelta: number;
}

export interface LinkedImage {
  /** A static ELF64 x86-64 executable (ET_EXEC), loadable by src/linux and natively by Linux. */
  elf: Uint8Array;
  entry: number;
  symbols: ImageSymbol[];
  functions: FuncInfo[];
  /** Sorted by address; one entry per instruction. */
  lines: LineEntry[];
  /** Segments as loaded (the same bytes the ELF carries), for loaders that do not parse the ELF. */
  segments: ImageSegment[];
}

export interface ImageSegment {
  name: 'text' | 'rodata' | 'data';
  vaddr: number;
  /** File-backed bytes; memSize ≥ bytes.length (the rest is zero: .bss). */
  bytes: Uint8Array;
  memSize: number;
  /** PROT_* bits (1 read, 2 write, 4 exec). */
  prot: number;
}

export interface AssembleResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  image?: LinkedImage;
}

/** One decoded instruction, as the Disassembly view and `gosyscall disasm` show it. */
export interface DisasmLine {
  addr: number;
  bytes: Uint8Array;
  /** Text in the requested syntax. `(bad)` when the bytes do not decode. */
  text: string;
  /** Length in bytes (1 for undecodable bytes). */
  length: number;
  /** Branch or call target, when the instruction has one. */
  target?: number;
}

export type DisasmSyntax = 'plan9' | 'intel' | 'gnu';

/** Maps an address to `name` and offset for `sym+off(SB)` and branch targets. */
export type Symbolizer = (addr: number) => { name: string; offset: number } | undefined;
