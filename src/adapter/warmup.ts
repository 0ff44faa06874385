// Warm-up at adapter start: assemble, load and run a tiny model program once, so the first launch does not pay for
// compiling the assembler, the decoder's WebAssembly and the CPU's hot paths (measured: ~100 ms on a quiet machine).
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Machine } from '../machine/machine';

const WARMUP = `#include "textflag.h"
DATA ·w+0(SB)/8, $0
GLOBL ·w(SB), NOPTR, $8
TEXT ·main(SB), $56-0
	MOVQ $3, BX
loop:
	MOVQ $39, 0(SP)
	CALL syscall·Syscall(SB)
	DECQ BX
	JNE loop
	RET
`;

export async function warmUp(): Promise<void> {
  let dir: string | undefined;
  try {
    dir = mkdtempSync(join(tmpdir(), 'gosyscall-warmup-'));
    const path = join(dir, 'warmup.s');
    writeFileSync(path, WARMUP);
    const m = new Machine({ headless: true });
    await m.load(path, { maxInstructions: 200_000 });
    m.disassemble(m.info.lookup('main.main')?.addr ?? 0, 0, 8);
    m.runToCompletion();
  } catch {
    // warm-up is an optimisation only
  } finally {
    if (dir) try { rmSync(dir, { recursive: true, force: true }); } catch { /* ignore */ }
  }
}
