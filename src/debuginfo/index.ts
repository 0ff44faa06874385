// Reading static linux/amd64 Go binaries: the public surface the debugger and the real-runtime reader use.
//   GoBinary.open(bytes, name) → { binary } | { error }   (never throws)
//   binary.goVersion, .functions, .lookupPC(pc), .funcForPC(pc), .findFunction(name), .symbol(name),
//   .frameSize(pc), .unwind(pc, sp, read), .files(), .matchFile(path), .linesForFile(file), .pcsForLine(path, line),
//   .lineEntries(), .runtimeLayout(), .runtimeHooks(), .warnings, .stripped, .readStatic
export { GoBinary } from './goBinary';
export type { GoFunc, PCInfo, ReadMemory, RuntimeHooks, SourceFrame, StackFrame, Symbol, UnwindResult } from './goBinary';
export type { FieldLayout, RuntimeLayout, StructLayout } from './runtimeLayout';
export { DebugInfoError } from './errors';
