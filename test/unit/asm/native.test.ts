// The linked ELF runs: natively on this Linux machine, and on the project's own CPU emulator (src/cpu) loaded
// from the image's segments, with the two raw syscalls it uses (write, exit) performed by the test.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { assemble } from '../../../src/asm';
import type { LinkedImage } from '../../../src/asm';
import { Cpu } from '../../../src/cpu/cpu';
import { Memory } from '../../../src/cpu/memory';
import { Reg } from '../../../src/cpu/types';
import { TMP } from './goroot';

const FIXTURE = path.join(__dirname, '../../../../test/unit/asm/fixtures/rawsyscall.s');
const EXPECTED = 'hello from Plan 9\nsum=55\n';

function build(): LinkedImage {
  const r = assemble([{ path: FIXTURE, text: fs.readFileSync(FIXTURE, 'utf8') }]);
  assert.deepEqual(r.diagnostics, []);
  assert.ok(r.ok && r.image);
  return r.image;
}

test('raw-syscall asm program runs natively and prints the expected text', () => {
  const img = build();
  fs.mkdirSync(TMP, { recursive: true });
  const exe = path.join(TMP, 'rawsyscall');
  fs.writeFileSync(exe, img.elf, { mode: 0o755 });
  const r = spawnSync(exe, [], { encoding: 'utf8', timeout: 10000 });
  assert.equal(r.error, undefined);
  assert.equal(r.stdout, EXPECTED);
  assert.equal(r.status, 0);
});

test('the same image runs on the emulator CPU with the same output', () => {
  const img = build();
  const mem = new Memory();
  for (const s of img.segments) {
    const start = Math.floor(s.vaddr / 4096) * 4096;
    const end = Math.ceil((s.vaddr + s.memSize) / 4096) * 4096;
    mem.map(start, end - start, s.prot);
    if (s.bytes.length) mem.pokeBytes(s.vaddr, s.bytes);
  }
  const stackTop = 0x7ff000000000;
  mem.map(stackTop - 0x10000, 0x10000, 3);
  const cpu = new Cpu(mem);
  cpu.rip = img.entry;
  cpu.setRegNum(Reg.RSP, stackTop - 64);
  let out = '';
  let exit: number | undefined;
  for (let steps = 0; steps < 1000 && exit === undefined; steps++) {
    const stop = cpu.run(1_000_000);
    assert.equal(stop.kind, 'syscall', `stopped with ${JSON.stringify(stop)}`);
    const nr = Number(cpu.getReg(Reg.RAX));
    let ret = 0n;
    if (nr === 1) {
      const p = Number(cpu.getReg(Reg.RSI)), n = Number(cpu.getReg(Reg.RDX));
      out += Buffer.from(mem.peekBytes(p, n)).toString('utf8');
      ret = BigInt(n);
    } else if (nr === 60) {
      exit = Number(cpu.getReg(Reg.RDI));
    } else assert.fail(`unexpected syscall ${nr}`);
    cpu.setReg(Reg.RCX, BigInt(cpu.rip + 2));
    cpu.setReg(Reg.R11, BigInt(cpu.getRflags()));
    cpu.setReg(Reg.RAX, ret);
    cpu.rip += 2;
  }
  assert.equal(out, EXPECTED);
  assert.equal(exit, 0);
});
