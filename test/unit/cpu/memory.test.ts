import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Memory, MemoryError, PageFault } from '../../../src/cpu/memory';
import { Cpu } from '../../../src/cpu/cpu';
import { PROT_EXEC, PROT_NONE, PROT_READ, PROT_WRITE, Reg } from '../../../src/cpu/types';

const RW = PROT_READ | PROT_WRITE;

function fault(fn: () => void): PageFault {
  try { fn(); } catch (e) { if (e instanceof PageFault) return e; throw e; }
  assert.fail('expected a page fault');
}

test('map, guest read/write, little-endian halves', () => {
  const m = new Memory();
  m.map(0x10000, 0x2000, RW);
  m.write64(0x10ffc, 0x11223344, 0x55667788 | 0); // crosses a page boundary
  assert.equal(m.read32(0x10ffc), 0x11223344);
  assert.equal(m.read64(0x10ffc), 0x11223344);
  assert.equal(m.hi, 0x55667788);
  assert.equal(m.peek64(0x10ffc), 0x5566778811223344n);
  assert.equal(m.read8(0x11003), 0x55);
  assert.equal(m.read16(0x10fff), 0x8811);
  assert.equal(m.read32(0x12000 - 4), 0, 'untouched memory reads as zero');
});

test('page faults carry address, access and protection', () => {
  const m = new Memory();
  m.map(0x10000, 0x1000, PROT_READ);
  const f1 = fault(() => m.write32(0x10010, 1));
  assert.deepEqual([f1.addr, f1.access, f1.protection], [0x10010, 'write', true]);
  const f2 = fault(() => m.read8(0x20000));
  assert.deepEqual([f2.addr, f2.access, f2.protection], [0x20000, 'read', false]);
  const f3 = fault(() => m.read64(0x10ffc)); // second half unmapped
  assert.equal(f3.addr, 0x11000);
  const f4 = fault(() => m.execPage(0x10000));
  assert.deepEqual([f4.access, f4.protection], ['exec', true]);
  assert.equal(fault(() => m.read8(-8)).protection, false);
  assert.equal(fault(() => m.read8(2 ** 47)).protection, false);
});

test('a faulting cross-page write changes nothing', () => {
  const m = new Memory();
  m.map(0x10000, 0x1000, RW);
  m.map(0x11000, 0x1000, PROT_READ);
  m.poke64(0x10ff8, 0x0102030405060708n);
  fault(() => m.write64(0x10ffc, -1, -1));
  assert.equal(m.peek64(0x10ff8), 0x0102030405060708n);
});

test('protect, unmap, host access ignores permissions but not holes', () => {
  const m = new Memory();
  m.map(0x10000, 0x3000, RW);
  m.protect(0x11000, 0x1000, PROT_NONE);
  fault(() => m.read8(0x11000));
  m.poke32(0x11000, 0xdeadbeef);
  assert.equal(m.peek32(0x11000), 0xdeadbeef);
  m.unmap(0x11000, 0x1000);
  assert.equal(m.isMapped(0x10000, 0x3000), false);
  assert.throws(() => m.peek8(0x11000), (e: unknown) => e instanceof MemoryError && e.code === 'EFAULT');
  assert.throws(() => m.protect(0x10000, 0x3000, RW), (e: unknown) => e instanceof MemoryError && e.code === 'ENOMEM');
  assert.throws(() => m.map(0x10001, 10, RW), (e: unknown) => e instanceof MemoryError && e.code === 'EINVAL');
  assert.deepEqual(m.mappings(), [{ start: 0x10000, end: 0x11000, prot: RW }, { start: 0x12000, end: 0x13000, prot: RW }]);
  m.poke8(0x12000, 7);
  m.map(0x12000, 0x1000, RW); // MAP_FIXED over it: fresh zero page
  assert.equal(m.peek8(0x12000), 0);
  assert.equal(m.peekCString(0x10000), '');
});

test('commit cap: PROT_NONE reservations are free, committed pages count', () => {
  const m = new Memory({ capBytes: 1 << 20 });
  m.map(0x100000000, 1 << 30, PROT_NONE);
  m.protect(0x100000000, 1 << 19, RW);
  assert.equal(m.committedBytes, 1 << 19);
  assert.throws(() => m.protect(0x100000000, (1 << 20) + 4096, RW), (e: unknown) => e instanceof MemoryError && e.code === 'ENOMEM');
  assert.throws(() => m.map(0x200000000, 2 << 20, RW), /memory cap/);
});

test('findFree honours a free hint, else searches below mmapBase', () => {
  const m = new Memory({ mmapBase: 0x7f0000000000 });
  assert.equal(m.findFree(0x4000, 0xc000000000), 0xc000000000);
  m.map(0xc000000000, 0x4000, RW);
  const a = m.findFree(0x4000, 0xc000000000);
  assert.equal(a, 0x7f0000000000 - 0x4000);
  m.map(a, 0x4000, RW);
  assert.equal(m.findFree(0x1000), a - 0x1000);
});

test('clone is copy-on-write in both directions', () => {
  const m = new Memory();
  m.map(0x10000, 0x2000, RW);
  m.write32(0x10000, 1);
  const c = m.clone();
  assert.equal(c.read32(0x10000), 1);
  c.write32(0x10000, 2);
  m.write32(0x10004, 3);
  assert.equal(m.read32(0x10000), 1);
  assert.equal(c.read32(0x10000), 2);
  assert.equal(c.read32(0x10004), 0);
  assert.equal(m.read32(0x10004), 3);
  m.unmap(0x11000, 0x1000);
  assert.equal(c.isMapped(0x11000, 1), true);
});

test('write watches see guest and host writes; a true result requests a stop', () => {
  const m = new Memory();
  m.map(0x10000, 0x1000, RW);
  const seen: [number, number][] = [];
  const id = m.addWriteWatch(0x10100, 8, (a, n) => { seen.push([a, n]); return a === 0x10104; });
  m.write32(0x10000, 1);
  m.write64(0x100fc, 1, 2); // overlaps the first 4 bytes
  m.poke8(0x10107, 9);
  assert.deepEqual(seen, [[0x100fc, 8], [0x10107, 1]]);
  assert.equal(m.watchHit, null);
  m.write8(0x10104, 1);
  assert.deepEqual(m.watchHit, { id, addr: 0x10104, len: 1 });
  m.removeWriteWatch(id);
  m.write8(0x10104, 1);
  assert.equal(seen.length, 3);
});

test('observing write watches never stop and do not count as stopping; setWatchObserve flips a watch', () => {
  const m = new Memory();
  m.map(0x10000, 0x1000, RW);
  const seen: number[] = [];
  const obs = m.addWriteWatch(0x10100, 8, (a) => { seen.push(a); return true; }, { observe: true });
  assert.equal(m.watchCount, 1);
  assert.equal(m.stoppingWatchCount, 0);
  m.write32(0x10100, 1);
  assert.deepEqual(seen, [0x10100], 'an observing watch still sees the write');
  assert.equal(m.watchHit, null, 'its true answer is ignored');
  const stopper = m.addWriteWatch(0x10200, 4, () => true);
  assert.deepEqual([m.watchCount, m.stoppingWatchCount], [2, 1]);
  m.setWatchObserve(obs, false);
  assert.equal(m.stoppingWatchCount, 2);
  m.write8(0x10104, 7);
  assert.deepEqual(m.watchHit, { id: obs, addr: 0x10104, len: 1 }, 'flipped to may-stop: it stops');
  m.watchHit = null;
  m.setWatchObserve(obs, false); // no change: not counted twice
  assert.equal(m.stoppingWatchCount, 2);
  m.setWatchObserve(stopper, true);
  m.setWatchObserve(12345, true); // unknown id: ignored
  assert.equal(m.stoppingWatchCount, 1);
  m.write32(0x10200, 1);
  assert.equal(m.watchHit, null, 'flipped to observe: no stop');
  m.removeWriteWatch(obs);
  m.removeWriteWatch(stopper);
  assert.deepEqual([m.watchCount, m.stoppingWatchCount], [0, 0]);
});

test('a Cpu running hot code with only an observing watch sees every write and does not stop', () => {
  const CODE = 0x400000, DATA = 0x600000;
  const m = new Memory();
  m.map(CODE, 0x1000, PROT_READ | PROT_EXEC);
  m.map(DATA, 0x1000, RW);
  // mov ecx, 1000 / L: mov [rbx], ecx / dec ecx / jnz L / syscall
  m.pokeBytes(CODE, Uint8Array.from([0xb9, 0xe8, 0x03, 0, 0, 0x89, 0x0b, 0xff, 0xc9, 0x75, 0xfa, 0x0f, 0x05]));
  const c = new Cpu(m);
  c.rip = CODE;
  c.setRegNum(Reg.RBX, DATA);
  const values: number[] = [];
  m.addWriteWatch(DATA, 4, () => { values.push(m.peek32(DATA)); return true; }, { observe: true });
  assert.equal(m.stoppingWatchCount, 0);
  assert.deepEqual(c.run(100_000), { kind: 'syscall' });
  assert.equal(values.length, 1000);
  assert.deepEqual([values[0], values[999]], [1000, 1]);
  assert.equal(m.watchHit, null);
});

test('exec pages and code invalidation on write', () => {
  const m = new Memory();
  m.map(0x10000, 0x1000, PROT_READ | PROT_EXEC);
  const buf = m.execPage(0x10000);
  buf.code = new Map();
  m.poke8(0x10000, 0x90);
  assert.equal(m.execPage(0x10000).code, null);
});

test('decoded code survives mapping elsewhere; protect taking exec from a code page faults even on a linked path', () => {
  // A at CODE jumps to B on the next page, B makes a syscall: once run, A's block links straight to B's.
  const CODE = 0x400000, B = CODE + 0x1000, HEAP = 0xc000000000;
  const m = new Memory();
  m.map(CODE, 0x2000, PROT_READ | PROT_EXEC);
  m.pokeBytes(CODE, Uint8Array.from([0xb8, 1, 0, 0, 0, 0xe9, 0xf6, 0x0f, 0, 0])); // mov eax, 1; jmp B (B - (CODE + 10))
  m.pokeBytes(B, Uint8Array.from([0xff, 0xc0, 0x0f, 0x05])); // inc eax; syscall
  const c = new Cpu(m);
  const runFromA = () => { c.rip = CODE; return c.run(100); };
  assert.deepEqual(runFromA(), { kind: 'syscall' });
  assert.equal(c.getRegNum(Reg.RAX), 2);
  // Go maps, unmaps and reserves memory far from its code while it starts: the decoded code stays valid
  const gen = m.codeGen;
  m.map(HEAP, 0x40000, RW);
  m.protect(HEAP, 0x10000, PROT_NONE);
  m.unmap(HEAP + 0x20000, 0x20000);
  assert.equal(m.codeGen, gen, 'no code there: nothing invalidated');
  assert.deepEqual(runFromA(), { kind: 'syscall' });
  // taking PROT_EXEC from B's page: the link from A's block must not be followed
  m.protect(B, 0x1000, PROT_READ);
  assert.notEqual(m.codeGen, gen);
  const s = runFromA();
  assert.equal(s.kind, 'fault', JSON.stringify(s));
  const f = (s as Extract<typeof s, { kind: 'fault' }>).fault;
  assert.equal(f.kind, '#PF');
  assert.equal(c.rip, B);
  // and back: it runs again
  m.protect(B, 0x1000, PROT_READ | PROT_EXEC);
  assert.deepEqual(runFromA(), { kind: 'syscall' });
});

test('sharePage: reads see the shared bytes, the first write copies them, the source never changes', () => {
  const m = new Memory();
  m.map(0x10000, 0x2000, PROT_READ | PROT_WRITE | PROT_EXEC);
  const file = new Uint8Array(0x3000);
  for (let i = 0; i < file.length; i++) file[i] = i & 0xff;
  m.sharePage(0x11000, file.subarray(0x1000, 0x2000));
  assert.equal(m.read8(0x11005), 5);
  assert.equal(m.peek32(0x11004), 0x07060504);
  m.write8(0x11005, 0xee);
  assert.equal(m.read8(0x11005), 0xee);
  assert.equal(file[0x1005], 5, 'the shared source is never written');
  const c = m.clone();
  assert.equal(c.read8(0x11005), 0xee);
  assert.throws(() => m.sharePage(0x11001, file.subarray(0, 0x1000)), /not one aligned page/);
  assert.throws(() => m.sharePage(0x20000, file.subarray(0, 0x1000)), /unmapped/);
});

test('sharePage with fill: the bytes are made valid once, before the first read, fetch, peek or write needs them', () => {
  const file = new Uint8Array(0x5000);
  const filled: number[] = [];
  const m = new Memory();
  m.map(0x10000, 0x5000, PROT_READ | PROT_WRITE | PROT_EXEC);
  for (let p = 0; p < 5; p++) {
    m.sharePage(0x10000 + p * 0x1000, file.subarray(p * 0x1000, (p + 1) * 0x1000), () => {
      filled.push(p);
      for (let i = 0; i < 0x1000; i++) file[p * 0x1000 + i] = (p << 4) | (i & 0xf);
    });
  }
  const c = m.clone(); // a clone shares the pages: the bytes are read once for both
  assert.deepEqual(filled, [], 'nothing is read when the pages are mapped');
  assert.equal(m.read8(0x10003), 0x03, 'guest read');
  assert.equal(m.execPage(0x11000).data[5], 0x15, 'instruction fetch');
  assert.equal(m.peek8(0x12007), 0x27, 'host peek');
  m.write8(0x13001, 0xee); // the first write copies the page: its other bytes must be the file's
  assert.equal(m.read8(0x13002), 0x32);
  assert.equal(m.read8(0x13001), 0xee);
  assert.deepEqual(filled, [0, 1, 2, 3]);
  assert.equal(c.read8(0x10003), 0x03);
  assert.equal(c.read8(0x13001), 0x31, 'the clone still sees the file, not the write');
  assert.equal(m.read8(0x10004), 0x04);
  assert.deepEqual(filled, [0, 1, 2, 3], 'each page is filled once, shared by the clone');
  m.unmap(0x14000, 0x1000);
  assert.deepEqual(filled, [0, 1, 2, 3], 'a page never touched is never read');

  // a fill may return the page's bytes (read into memory of their own) instead of writing the shared ones
  const own = new Memory();
  own.map(0x20000, 0x1000, PROT_READ | PROT_WRITE);
  own.sharePage(0x20000, new Uint8Array(0x1000), () => Uint8Array.from({ length: 0x1000 }, (_, i) => 0x80 | (i & 0x7f)));
  assert.equal(own.read8(0x20005), 0x85);
  own.write8(0x20006, 1);
  assert.deepEqual([own.read8(0x20005), own.read8(0x20006)], [0x85, 1]);
});
