// Assembler and disassembler speed: lines/s assembling Go's amd64enc.s (as one file, the way the tests read it)
// and instructions/s disassembling it back in Plan 9 syntax (and Intel, for comparison with iced's formatter).
// Run: npm run build && node out/bench/asm.bench.js
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assemble, disassemble, symbolizerFor, dotted } from '../src/asm';

const GOROOT = process.env.GOROOT_1_23 ?? '/usr/lib/go-1.23';
const FILE = path.join(GOROOT, 'src/cmd/asm/internal/asm/testdata/amd64enc.s');

function best<T>(runs: number, f: () => T): { ms: number; value: T } {
  let ms = Infinity, value!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    value = f();
    ms = Math.min(ms, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ms, value };
}

function main(): void {
  if (!fs.existsSync(FILE)) { console.log(`asm bench: ${FILE} not found (install golang-1.23-go)`); process.exitCode = 1; return; }
  const text = fs.readFileSync(FILE, 'utf8');
  // VEX/EVEX lines (mnemonics starting with V) are outside the assembler's scope: keep the rest.
  const kept = text.split('\n').filter(l => !/^\s+V[A-Z0-9]/.test(l) || /^\s+VER[RW]\b/.test(l)).filter(l => !/^\s+(SYSENTER64|UD1)\b/.test(l));
  const src = kept.join('\n');
  const lines = kept.length;
  assemble([{ path: FILE, text: src }]); // warm-up: builds the opcode table
  const a = best(3, () => assemble([{ path: FILE, text: src }]));
  if (!a.value.ok || !a.value.image) { console.log('asm bench: assembly failed', a.value.diagnostics.slice(0, 3)); process.exitCode = 1; return; }
  const img = a.value.image;
  const text0 = img.segments[0];
  const sym = symbolizerFor(img.symbols.map(s => ({ ...s, name: dotted(s.name) })));
  const d = best(3, () => disassemble(text0.bytes, text0.vaddr, { symbolize: sym }));
  const di = best(3, () => disassemble(text0.bytes, text0.vaddr, { syntax: 'intel' }));
  const n = d.value.length;
  console.log(`asm: ${lines} lines in ${a.ms.toFixed(0)} ms = ${Math.round(lines / (a.ms / 1000))} lines/s (amd64enc.s without VEX/EVEX)`);
  console.log(`disasm plan9: ${n} instructions in ${d.ms.toFixed(0)} ms = ${Math.round(n / (d.ms / 1000))} instructions/s`);
  console.log(`disasm intel (iced formatter): ${di.value.length} instructions in ${di.ms.toFixed(0)} ms = ${Math.round(di.value.length / (di.ms / 1000))} instructions/s`);
  const fifty = best(20, () => disassemble(text0.bytes.subarray(0, 400), text0.vaddr, { symbolize: sym, max: 50 }));
  console.log(`disasm 50 instructions (DAP disassemble request): ${fifty.ms.toFixed(3)} ms`);
}

main();
