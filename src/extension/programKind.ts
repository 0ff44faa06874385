// What kind of program a launch's `program` is (vscode-free): a model program (.s), a .go file, a Go package
// folder or an ELF binary. Used by the configuration provider to refuse bad programs with one clear message
// before any debug session starts.
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { basename } from 'node:path';

export type ProgramKind = 'asm' | 'go-file' | 'go-package' | 'elf';
export type ProgramCheck = { ok: true; kind: ProgramKind } | { ok: false; message: string };

const EM_X86_64 = 62;
/** ELF e_machine values a person is likely to meet, to say what the binary was built for. */
const MACHINES: Record<number, string> = { 3: 'i386', 8: 'mips', 20: 'ppc', 21: 'ppc64', 22: 's390x', 40: 'arm', 183: 'arm64', 243: 'riscv64', 258: 'loong64' };

/** One line a notification shows whole: the reason first with the file's name, the full path last. */
function refuse(path: string, reason: string): ProgramCheck {
  return { ok: false, message: `Go Syscall Stepper cannot run ${basename(path) || path}: ${reason} (${path})` };
}

export function classifyProgram(path: string): ProgramCheck {
  let st;
  try { st = statSync(path); } catch { return refuse(path, 'the file does not exist.'); }
  if (st.isDirectory()) {
    let names: string[] = [];
    try { names = readdirSync(path); } catch { /* unreadable: reported below */ }
    if (names.some(n => n.endsWith('.go') && !n.endsWith('_test.go'))) return { ok: true, kind: 'go-package' };
    return refuse(path, 'the folder holds no .go files to build.');
  }
  if (path.endsWith('.s')) return { ok: true, kind: 'asm' };
  if (path.endsWith('.go')) return { ok: true, kind: 'go-file' };
  const head = Buffer.alloc(20);
  let n = 0;
  try { const fd = openSync(path, 'r'); try { n = readSync(fd, head, 0, 20, 0); } finally { closeSync(fd); } } catch (e) {
    return refuse(path, `it cannot be read: ${(e as Error).message}.`);
  }
  if (n < 20 || head.readUInt32BE(0) !== 0x7f454c46) {
    return refuse(path, 'it is not a program: give a Plan 9 assembly file (.s), a .go file, a Go package folder or a linux/amd64 binary.');
  }
  if (head[4] !== 2) return refuse(path, 'it is a 32-bit binary; only linux/amd64 (64-bit) binaries run: build it with GOOS=linux GOARCH=amd64.');
  const machine = head[5] === 1 ? head.readUInt16LE(18) : head.readUInt16BE(18);
  if (machine !== EM_X86_64) {
    const arch = MACHINES[machine] ? `${MACHINES[machine]}, ELF machine ${machine}` : `ELF machine ${machine}`;
    return refuse(path, `it is not an amd64 binary (${arch}): build it with GOOS=linux GOARCH=amd64.`);
  }
  return { ok: true, kind: 'elf' };
}
