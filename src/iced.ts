// iced-x86, imported once. esbuild gives every module that imports a CommonJS package its own copy of the
// package's exports (a getter for each of iced-x86's ~800), made when the bundle starts: the CPU, the assembler and
// the disassembler import iced-x86 from here, so the copy is made once.
export * from 'iced-x86';
