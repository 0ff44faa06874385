// What kind of program a launch's `program` is (vscode-free): a model program (.s), a .go file, a Go package
// folder or an ELF binary. Used by the configuration provider to refuse bad programs with one clear message
// before any debug session starts.
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';

export type ProgramKind = 'asm' | 'go-file' | 'go-package' | 'elf';
export type ProgramCheck = { ok: true; kind: ProgramKind } | { ok: false; message: string };

const EM_X86_64 = 62;

export function classifyProgram(path: string): ProgramCheck {
  let st;
  try { st = statSync(path); } catch { return { ok: false, message: `Go Syscall Stepper: program ${path} does not exist.` }; }
  if (st.isDirectory()) {
    let names: string[] = [];
    try { names = readdirSync(path); } catch { /* unreadable: reported below */ }
    if (names.some(n => n.endsWith('.go') && !n.endsWith('_test.go'))) return { ok: true, kind: 'go-package' };
    return { ok: false, message: `Go Syscall Stepper: folder ${path} holds no .go files to build.` };
  }
  if (path.endsWith('.s')) return { ok: true, kind: 'asm' };
  if (path.endsWith('.go')) return { ok: true, kind: 'go-file' };
  const head = Buffer.alloc(20);
  let n = 0;
  try { const fd = openSync(path, 'r'); try { n = readSync(fd, head, 0, 20, 0); } finally { closeSync(fd); } } catch (e) {
    return { ok: false, message: `Go Syscall Stepper: cannot read ${path}: ${(e as Error).message}` };
  }
  if (n < 20 || head.readUInt32BE(0) !== 0x7f454c46) {
    return { ok: false, message: `Go Syscall Stepper: ${path} is not a program it can run: expected a Plan 9 assembly file (.s), a .go file, a Go package folder or a linux/amd64 ELF binary.` };
  }
  if (head[4] !== 2) return { ok: false, message: `Go Syscall Stepper: ${path} is a 32-bit ELF; only linux/amd64 (64-bit) binaries run.` };
  const machine = head[5] === 1 ? head.readUInt16LE(18) : head.readUInt16BE(18);
  if (machine !== EM_X86_64) return { ok: false, message: `Go Syscall Stepper: ${path} is not an amd64 binary (ELF machine ${machine}); build it with GOOS=linux GOARCH=amd64.` };
  return { ok: true, kind: 'elf' };
}
