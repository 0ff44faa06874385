import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Memory } from '../../../src/cpu/memory';
import { Cpu } from '../../../src/cpu/cpu';
import { FUSE_AFTER, PAGE_DECODERS } from '../../../src/cpu/decoder';
import { PROT_EXEC, PROT_READ, PROT_WRITE, Reg, type Stop } from '../../../src/cpu/types';

const CODE = 0x400000, DATA = 0x600000, STACK_TOP = 0x800000;

function machine(code: number[]): { m: Memory; c: Cpu } {
  const m = new Memory();
  m.map(CODE, 0x2000, PROT_READ | PROT_EXEC);
  m.map(DATA, 0x1000, PROT_READ | PROT_WRITE);
  m.map(STACK_TOP - 0x4000, 0x4000, PROT_READ | PROT_WRITE);
  m.pokeBytes(CODE, Uint8Array.from(code));
  const c = new Cpu(m);
  c.rip = CODE;
  c.setRegNum(Reg.RSP, STACK_TOP - 0x100);
  return { m, c };
}

function faultOf(s: Stop) {
  assert.equal(s.kind, 'fault', JSON.stringify(s));
  return (s as Extract<Stop, { kind: 'fault' }>).fault;
}

// mov eax, 5 / mov ecx, 10 / L: add rax, rcx / dec rcx / jnz L / syscall
const LOOP = [0xb8, 5, 0, 0, 0, 0xb9, 10, 0, 0, 0, 0x48, 0x01, 0xc8, 0x48, 0xff, 0xc9, 0x75, 0xf8, 0x0f, 0x05];

test('run stops AT a SYSCALL with the instruction count of what executed', () => {
  const { c } = machine(LOOP);
  assert.deepEqual(c.run(1000), { kind: 'syscall' });
  assert.equal(c.getReg(Reg.RAX), 60n);
  assert.equal(c.rip, CODE + 18);
  assert.equal(c.icount, 2 + 30);
});

test('budgets are exact, step executes one instruction', () => {
  const { c } = machine(LOOP);
  assert.deepEqual(c.run(7), { kind: 'budget' });
  assert.equal(c.icount, 7);
  assert.equal(c.rip, CODE + 16); // after mov, mov, (add, dec, jnz) x1, add, dec: at jnz
  assert.deepEqual(c.step(), { kind: 'budget' });
  assert.equal(c.rip, CODE + 10);
  assert.equal(c.icount, 8);
});

test('address breakpoints stop before the instruction; resuming executes it', () => {
  const { c } = machine(LOOP);
  c.addBreakpoint(CODE + 13); // dec rcx, in the middle of a block
  assert.deepEqual(c.run(1000), { kind: 'breakpoint', addr: CODE + 13 });
  assert.equal(c.icount, 3);
  assert.equal(c.getReg(Reg.RCX), 10n);
  assert.deepEqual(c.run(1000), { kind: 'breakpoint', addr: CODE + 13 });
  assert.equal(c.getReg(Reg.RCX), 9n);
  c.removeBreakpoint(CODE + 13);
  assert.deepEqual(c.run(1000), { kind: 'syscall' });
  assert.equal(c.getReg(Reg.RAX), 60n);
});

test('registers: BigInt and number views, 32-bit writes zero-extend', () => {
  // mov eax, ecx
  const { c } = machine([0x89, 0xc8]);
  c.setReg(Reg.RAX, -1n);
  c.setReg(Reg.RCX, 0x1_8000_0000n);
  c.step();
  assert.equal(c.getReg(Reg.RAX), 0x8000_0000n);
  c.setRegNum(Reg.RDX, -5);
  assert.equal(c.getReg(Reg.RDX), 0xffff_ffff_ffff_fffbn);
  assert.equal(c.getRegSigned(Reg.RDX), -5);
  c.setRflags(0x8d5 | 0x400);
  assert.equal(c.getRflags(), 0x8d5 | 0x400 | 0x202);
});

test('#UD carries the bytes and their disassembly; state unchanged', () => {
  const { c } = machine([0x90, 0x0f, 0x0b]); // nop; ud2
  const f = faultOf(c.run(10));
  assert.equal(f.kind, '#UD');
  assert.equal(f.rip, CODE + 1);
  assert.deepEqual(Array.from(f.bytes!.slice(0, 2)), [0x0f, 0x0b]);
  assert.match(f.text!, /ud2/);
  assert.equal(c.rip, CODE + 1);
  assert.equal(c.icount, 1);
});

test('AVX and other non-baseline instructions are #UD', () => {
  const { c } = machine([0xc5, 0xfd, 0x6f, 0x00, 0x0f, 0x01, 0xd0]); // vmovdqa ymm0,[rax]
  assert.equal(faultOf(c.run(10)).kind, '#UD');
  c.rip = CODE + 4; // xgetbv: OSXSAVE is not advertised
  assert.equal(faultOf(c.run(10)).kind, '#UD');
});

test('#GP for a misaligned MOVAPS, #DE for a zero divisor, precise', () => {
  const { c } = machine([0x0f, 0x28, 0x00, 0x48, 0xf7, 0xf1]); // movaps xmm0,[rax]; div rcx
  c.setRegNum(Reg.RAX, DATA + 8);
  const f = faultOf(c.run(10));
  assert.deepEqual([f.kind, f.rip, f.addr], ['#GP', CODE, DATA + 8]);
  c.setRegNum(Reg.RAX, DATA);
  const f2 = faultOf(c.run(10));
  assert.deepEqual([f2.kind, f2.rip], ['#DE', CODE + 3]);
  assert.equal(c.icount, 1);
});

test('#PF leaves state unchanged: PUSH to a read-only stack, ADD to read-only memory', () => {
  // push rax / add [rbx], rcx
  const { m, c } = machine([0x50, 0x48, 0x01, 0x0b]);
  m.protect(STACK_TOP - 0x4000, 0x4000, PROT_READ);
  const sp = c.getReg(Reg.RSP);
  const flags = c.getRflags();
  const f = faultOf(c.run(10));
  assert.deepEqual([f.kind, f.access, f.protection, f.addr], ['#PF', 'write', true, Number(sp) - 8]);
  assert.equal(c.getReg(Reg.RSP), sp);
  m.protect(STACK_TOP - 0x4000, 0x4000, PROT_READ | PROT_WRITE);
  m.protect(DATA, 0x1000, PROT_READ);
  c.setRegNum(Reg.RBX, DATA);
  c.setRegNum(Reg.RCX, 1);
  assert.equal(faultOf(c.run(10)).rip, CODE + 1);
  assert.equal(c.getRflags(), flags);
});

test('executing a non-executable page and an instruction cut by the page end fault precisely', () => {
  const { m, c } = machine([]);
  c.rip = DATA;
  const f = faultOf(c.run(1));
  assert.deepEqual([f.kind, f.access, f.addr], ['#PF', 'exec', DATA]);
  // A 10-byte movabs starting 3 bytes before the end of the mapped code.
  m.pokeBytes(CODE + 0x2000 - 3, Uint8Array.of(0x48, 0xb8, 0x01));
  c.rip = CODE + 0x2000 - 3;
  const g = faultOf(c.run(1));
  assert.deepEqual([g.kind, g.access, g.addr, g.rip], ['#PF', 'exec', CODE + 0x2000, CODE + 0x2000 - 3]);
});

test('an instruction running into the next code page executes, whether a block reaches it or starts with it', () => {
  const { m, c } = machine([]);
  const END = CODE + 0x1000;
  // mov eax, 1 / movabs rbx, 0x1122334455667788 (10 bytes, 3 of them on the first page) / syscall
  const movabs = [0x48, 0xbb, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11];
  m.pokeBytes(END - 8, Uint8Array.from([0xb8, 1, 0, 0, 0, ...movabs, 0x0f, 0x05]));
  c.rip = END - 8;
  assert.deepEqual(c.run(100), { kind: 'syscall' });
  assert.deepEqual([c.getReg(Reg.RAX), c.getReg(Reg.RBX), c.rip, c.icount], [1n, 0x1122334455667788n, END + 7, 2]);
  // The same instruction as the first of a block, then one instruction at a time.
  c.setRegNum(Reg.RBX, 0);
  c.rip = END - 3;
  assert.deepEqual(c.run(100), { kind: 'syscall' });
  assert.equal(c.getReg(Reg.RBX), 0x1122334455667788n);
  c.setRegNum(Reg.RBX, 0);
  c.rip = END - 8;
  for (const rip of [END - 3, END + 7]) { assert.deepEqual(c.step(), { kind: 'budget' }); assert.equal(c.rip, rip); }
  assert.equal(c.getReg(Reg.RBX), 0x1122334455667788n);
});

test('writing the next page invalidates an instruction decoded across into it', () => {
  const m = new Memory();
  m.map(CODE, 0x2000, PROT_READ | PROT_WRITE | PROT_EXEC);
  m.map(STACK_TOP - 0x4000, 0x4000, PROT_READ | PROT_WRITE);
  const END = CODE + 0x1000;
  // mov eax, 1 / movabs rbx, 7 (immediate bytes END-1..END+6) / syscall
  m.pokeBytes(END - 8, Uint8Array.from([0xb8, 1, 0, 0, 0, 0x48, 0xbb, 7, 0, 0, 0, 0, 0, 0, 0, 0x0f, 0x05]));
  const c = new Cpu(m);
  c.setRegNum(Reg.RSP, STACK_TOP - 0x100);
  const runAt = (rip: number) => { c.rip = rip; assert.deepEqual(c.run(100), { kind: 'syscall' }); };
  runAt(END - 8);
  assert.equal(c.getReg(Reg.RBX), 7n);
  m.poke8(END + 2, 9); // by the host (the debugger): the immediate's byte 3, on the next page
  runAt(END - 8);
  assert.equal(c.getReg(Reg.RBX), 0x09000007n);
  // by the guest: mov eax, END+3 / mov byte [rax], 0x0a / syscall, run from the start of the first page
  m.pokeBytes(CODE, Uint8Array.from([0xb8, ...[0, 1, 2, 3].map((k) => ((END + 3) >>> (8 * k)) & 0xff), 0xc6, 0x00, 0x0a, 0x0f, 0x05]));
  runAt(CODE);
  runAt(END - 8);
  assert.equal(c.getReg(Reg.RBX), 0x0a09000007n);
});

test('writing code invalidates its decoded form', () => {
  const m = new Memory();
  m.map(CODE, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC);
  m.pokeBytes(CODE, Uint8Array.of(0xb8, 1, 0, 0, 0, 0x0f, 0x05)); // mov eax,1; syscall
  const c = new Cpu(m);
  c.rip = CODE;
  c.run(10);
  assert.equal(c.getReg(Reg.RAX), 1n);
  m.poke8(CODE + 1, 2);
  c.rip = CODE;
  c.run(10);
  assert.equal(c.getReg(Reg.RAX), 2n);
});

test('code on many pages decodes right when blocks on a page are built long after its first ones', () => {
  // The decoder keeps iced Decoders for the PAGE_DECODERS most recent code pages: more pages than that, each entered
  // at two offsets in two rounds, make every page's second block be decoded after its Decoder was dropped.
  const PAGES = PAGE_DECODERS + 8, LIB = 0x500000;
  const m = new Memory();
  m.map(CODE, 0x1000, PROT_READ | PROT_EXEC);
  m.map(LIB, PAGES * 0x1000, PROT_READ | PROT_EXEC);
  m.map(STACK_TOP - 0x4000, 0x4000, PROT_READ | PROT_WRITE);
  const imm32 = (v: number) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
  let expect = 0;
  const driver: number[] = [0x31, 0xc0]; // xor eax, eax
  for (const off of [0, 0x800]) {
    for (let p = 0; p < PAGES; p++) {
      const add = (p + 1) * (off ? 1000 : 1);
      m.pokeBytes(LIB + p * 0x1000 + off, Uint8Array.from([0x48, 0x05, ...imm32(add), 0xc3])); // add rax, imm32; ret
      expect += add;
      driver.push(0xbb, ...imm32(LIB + p * 0x1000 + off), 0xff, 0xd3); // mov ebx, target; call rbx
    }
  }
  driver.push(0x0f, 0x05);
  m.pokeBytes(CODE, Uint8Array.from(driver));
  const c = new Cpu(m);
  c.rip = CODE;
  c.setRegNum(Reg.RSP, STACK_TOP - 0x100);
  assert.deepEqual(c.run(10_000), { kind: 'syscall' });
  assert.equal(c.getRegNum(Reg.RAX), expect);
});

test('saveState/loadState round-trip through structuredClone', () => {
  const { c, m } = machine(LOOP);
  c.run(5);
  c.setXmm(3, Uint8Array.from({ length: 16 }, (_, i) => i));
  const s = structuredClone(c.saveState());
  const d = new Cpu(m);
  d.loadState(s);
  assert.deepEqual(d.saveState(), c.saveState());
  assert.deepEqual(d.run(1000), { kind: 'syscall' });
  assert.equal(d.getReg(Reg.RAX), 60n);
  assert.deepEqual(Array.from(d.getXmm(3)), Array.from({ length: 16 }, (_, i) => i));
});

test('CPUID reports a baseline SSE2 CPU; RDTSC comes from the hook', () => {
  // cpuid / rdtsc
  const { c } = machine([0x0f, 0xa2, 0x0f, 0x31]);
  c.setRegNum(Reg.RAX, 1);
  c.rdtsc = () => 0x1234_5678_9abcn;
  c.run(2);
  const ecx = Number(c.getReg(Reg.RCX)), edx = Number(c.getReg(Reg.RDX));
  assert.equal(ecx & ((1 << 0) | (1 << 9) | (1 << 19) | (1 << 20) | (1 << 23) | (1 << 25) | (1 << 27) | (1 << 28)), 0);
  assert.equal(c.getReg(Reg.RAX), 0x5678_9abcn);
  assert.equal(c.getReg(Reg.RDX), 0x1234n);
  void edx;
  const { c: c2 } = machine([0x0f, 0xa2]);
  c2.setRegNum(Reg.RAX, 1);
  c2.run(1);
  assert.equal(Number(c2.getReg(Reg.RDX)) & (1 << 26), 1 << 26, 'SSE2');
});

test('a watch returning true stops right after the writing instruction', () => {
  // mov [rbx], eax / mov [rbx+4], eax / nop / syscall
  const { m, c } = machine([0x89, 0x03, 0x89, 0x43, 0x04, 0x90, 0x0f, 0x05]);
  c.setRegNum(Reg.RBX, DATA);
  const id = m.addWriteWatch(DATA + 4, 4, () => true);
  assert.deepEqual(c.run(100), { kind: 'watch', id, addr: DATA + 4, len: 4 });
  assert.equal(c.rip, CODE + 5);
  assert.equal(c.icount, 2);
  assert.deepEqual(c.run(100), { kind: 'syscall' });
});

test('INT3 is a #BP trap and HLT halts; garbage never throws', () => {
  const { c } = machine([0xcc, 0xf4]);
  assert.equal(faultOf(c.run(5)).kind, '#BP');
  c.rip = CODE + 1;
  assert.deepEqual(c.run(5), { kind: 'halt' });
  const { c: g, m } = machine([]);
  let x = 12345;
  const junk = Uint8Array.from({ length: 4096 }, () => (x = (x * 1103515245 + 12345) & 0x7fffffff) >> 16);
  m.pokeBytes(CODE, junk);
  for (let i = 0; i < 300; i++) {
    g.rip = CODE + ((i * 13) % 4000);
    const s = g.run(50);
    assert.ok(['fault', 'budget', 'syscall', 'halt'].includes(s.kind));
  }
});

test('a fault inside a hot (fused) block is still precise', () => {
  // L: mov [rbx], eax / add rbx, 8 / inc eax / jmp L   -- walks off the end of the data pages, long after the
  // block became hot (FUSE_AFTER executions)
  const { c, m } = machine([0x89, 0x03, 0x48, 0x83, 0xc3, 0x08, 0xff, 0xc0, 0xeb, 0xf6]);
  const pages = 4 * Math.ceil((FUSE_AFTER * 8) / 0x1000), end = DATA + pages * 0x1000;
  m.map(DATA, pages * 0x1000, PROT_READ | PROT_WRITE);
  c.setRegNum(Reg.RBX, DATA);
  const f = faultOf(c.run(1e7));
  assert.deepEqual([f.kind, f.rip, f.addr, f.access], ['#PF', CODE, end, 'write']);
  assert.equal(c.getRegNum(Reg.RBX), end);
  assert.equal(c.getRegNum(Reg.RAX), pages * 512);
  assert.equal(c.icount, pages * 512 * 4);
});

test('an indirect CALL pushes its return address, whatever that address is (low half 0xffffffff too)', () => {
  // call rax at 0xfffffffd: the return address 0xffffffff has a low half of -1 as an int32
  const { m, c } = machine([0x0f, 0x05]);
  m.map(0xfffff000, 0x1000, PROT_READ | PROT_EXEC);
  m.pokeBytes(0xfffffffd, Uint8Array.from([0xff, 0xd0]));
  c.rip = 0xfffffffd;
  c.setRegNum(Reg.RAX, CODE); // a SYSCALL there ends the run
  assert.deepEqual(c.run(10), { kind: 'syscall' });
  assert.equal(c.getRegNum(Reg.RSP), STACK_TOP - 0x108);
  assert.equal(m.peek64(STACK_TOP - 0x108), 0xffffffffn);
});

test('snapshot and replay: clone memory + saveState, re-run deterministically', () => {
  // L: add [rbx], eax / add rbx, 4 / inc eax / cmp eax, 1000 / jne L / syscall
  const code = [0x01, 0x03, 0x48, 0x83, 0xc3, 0x04, 0xff, 0xc0, 0x3d, 0xe8, 0x03, 0x00, 0x00, 0x75, 0xf1, 0x0f, 0x05];
  const { c, m } = machine(code);
  c.setRegNum(Reg.RBX, DATA);
  c.run(1500);
  const snapMem = m.clone(), snapCpu = structuredClone(c.saveState());
  assert.deepEqual(c.run(1e6), { kind: 'syscall' });
  const final = { state: c.saveState(), bytes: Array.from(m.peekBytes(DATA, 4000)) };
  const d = new Cpu(snapMem);
  d.loadState(snapCpu);
  assert.deepEqual(d.run(1e6), { kind: 'syscall' });
  assert.deepEqual({ state: d.saveState(), bytes: Array.from(snapMem.peekBytes(DATA, 4000)) }, final);
});

test('a huge REP STOSB yields: run() returns on budget and resumes the same instruction', () => {
  // rep stosb / syscall
  const { m, c } = machine([0xf3, 0xaa, 0x0f, 0x05]);
  m.map(0x10000000, 1 << 20, PROT_READ | PROT_WRITE);
  c.setRegNum(Reg.RDI, 0x10000000);
  c.setRegNum(Reg.RCX, 1 << 20);
  c.setRegNum(Reg.RAX, 0xab);
  assert.deepEqual(c.run(3), { kind: 'budget' });
  assert.equal(c.rip, CODE);
  assert.equal(c.getRegNum(Reg.RCX), (1 << 20) - 3 * (1 << 16));
  assert.deepEqual(c.run(1000), { kind: 'syscall' });
  assert.equal(c.getRegNum(Reg.RCX), 0);
  assert.equal(m.peek8(0x10000000 + (1 << 20) - 1), 0xab);
});

test('a hot one-block loop keeps budgets exact however the run is sliced', () => {
  // mov eax, 5 / mov ecx, 100000 / L: add rax, rcx / dec rcx / jnz L / syscall
  const code = [0xb8, 5, 0, 0, 0, 0xb9, 0xa0, 0x86, 0x01, 0x00, 0x48, 0x01, 0xc8, 0x48, 0xff, 0xc9, 0x75, 0xf8, 0x0f, 0x05];
  const whole = machine(code).c;
  assert.deepEqual(whole.run(1e7), { kind: 'syscall' });
  assert.equal(whole.icount, 2 + 3 * 100000);
  assert.equal(whole.getRegNum(Reg.RAX), 5 + (100000 * 100001) / 2);
  const sliced = machine(code).c;
  let s: Stop;
  let runs = 0;
  do { s = sliced.run(37); runs++; assert.ok(sliced.icount <= 37 * runs); } while (s.kind === 'budget');
  assert.deepEqual(s, { kind: 'syscall' });
  assert.deepEqual(sliced.saveState(), whole.saveState());
  // Mid-loop: exactly 1000 instructions, RIP at the right instruction of the loop.
  const mid = machine(code).c;
  assert.deepEqual(mid.run(1000), { kind: 'budget' });
  assert.equal(mid.icount, 1000);
  assert.equal(mid.getRegNum(Reg.RCX), 100000 - 333); // 2 + 3*332 = 998, then ADD and DEC of iteration 333
  assert.equal(mid.rip, CODE + 16); // at the JNZ
  const stepped = machine(code).c;
  for (let i = 0; i < 1000; i++) stepped.step();
  assert.deepEqual(stepped.saveState(), mid.saveState());
});

test('a hot one-block loop that rewrites its own code sees the new code on its next iteration', () => {
  // Data page D then code page C (RWX). C: L: mov [rbx], edx / add rbx, 16 / inc eax / cmp eax, 1000 / jne L / syscall
  // rbx walks through D for 200 iterations, then stores edx (203) over the CMP's immediate at C+9.
  const D = 0x500000, C = 0x501000;
  const m = new Memory();
  m.map(D, 0x1000, PROT_READ | PROT_WRITE);
  m.map(C, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC);
  m.pokeBytes(C, Uint8Array.from([0x89, 0x13, 0x48, 0x83, 0xc3, 0x10, 0xff, 0xc0, 0x3d, 0xe8, 0x03, 0, 0, 0x75, 0xf1, 0x0f, 0x05]));
  const c = new Cpu(m);
  c.rip = C;
  c.setRegNum(Reg.RBX, C + 9 - 16 * 200);
  c.setRegNum(Reg.RDX, 203);
  assert.deepEqual(c.run(1e6), { kind: 'syscall' });
  assert.equal(c.getRegNum(Reg.RAX), 203);
  assert.equal(c.icount, 5 * 203);
  assert.equal(m.peek32(C + 9), 203);
});
