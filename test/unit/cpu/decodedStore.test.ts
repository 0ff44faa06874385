// The decode cache's store (src/cpu/decodedStore.ts): records found only at their address with their bytes, kept
// across serialize/parse, the latest per address, damage refused; and a real Go program run from a warm store
// behaves exactly as one decoded by iced (the oracle), without decoding anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { Decoder, DecoderOptions, Instruction, Mnemonic } from 'iced-x86';
import { DecodedStore, indexOf, RECORD, RUNS_PAST } from '../../../src/cpu/decodedStore';
import { branchTarget, insnLength, memInfo, mnemonic, nextInsn } from '../../../src/cpu/insninfo';
import { Kernel } from '../../../src/linux';
import { translate } from '../../../src/cpu/translate';
import { FaultSignal } from '../../../src/cpu/fault';
import { buildPrograms } from '../linux/goFixtures';

const ICED = '1.21.0';
const crc32 = (zlib as unknown as { crc32(b: Uint8Array): number }).crc32;

/** mov rax,[rbx+8]; jne -8 (to 0x401000 from 0x401004+6); mov rcx,[rip+0x10]; syscall */
const CODE = Uint8Array.from([0x48, 0x8b, 0x43, 0x08, 0x0f, 0x85, 0xf6, 0xff, 0xff, 0xff, 0x48, 0x8b, 0x0d, 0x10, 0, 0, 0, 0x0f, 0x05]);

/** Each instruction of `bytes` at `base`, decoded by iced and added to `store`; their addresses and lengths. */
function addAll(store: DecodedStore, bytes: Uint8Array, base: number): { addr: number; len: number }[] {
  const dec = new Decoder(64, bytes, DecoderOptions.None);
  dec.ip = BigInt(base);
  const insn = new Instruction();
  const out: { addr: number; len: number }[] = [];
  while (dec.canDecode) {
    const pos = dec.position;
    dec.decodeOut(insn);
    nextInsn(insn);
    store.add(insn, base + pos, bytes, pos, insn.length, null);
    out.push({ addr: base + pos, len: insn.length });
  }
  dec.free(); insn.free();
  return out;
}

function roundTrip(store: DecodedStore): DecodedStore {
  const r = DecodedStore.parse(store.serialize(ICED, crc32), ICED, crc32);
  assert.ok(typeof r !== 'string', `parse: ${r}`);
  return r as DecodedStore;
}

test('records come back from a file at their addresses, with the fields iced decoded', () => {
  const s = DecodedStore.empty();
  const insns = addAll(s, CODE, 0x401000);
  assert.equal(s.misses, 4);
  assert.ok(s.changed);
  const t = roundTrip(s);
  assert.equal(t.size, 4);
  assert.equal(t.changed, false);
  const found = insns.map(({ addr }) => t.find(addr, CODE, addr - 0x401000));
  assert.ok(found.every((k) => k >= 0), `${found}`);
  t.use(found[0]);
  assert.deepEqual([insnLength(null), mnemonic(null), memInfo(null).disp], [4, Mnemonic.Mov, 8]);
  t.use(found[1]);
  assert.deepEqual([insnLength(null), mnemonic(null), branchTarget(null)], [6, Mnemonic.Jne, 0x401000]);
  t.use(found[2]);
  assert.equal(memInfo(null).disp, 0x40100a + 7 + 0x10, 'RIP-relative: the absolute address, as iced gives it');
  t.use(found[3]);
  assert.equal(mnemonic(null), Mnemonic.Syscall);
  assert.equal(t.hits, 4);
});

test('a record is used only for its own bytes at its own address', () => {
  const t = roundTrip((() => { const s = DecodedStore.empty(); addAll(s, CODE, 0x401000); return s; })());
  const other = CODE.slice();
  other[3] = 0x10; // mov rax,[rbx+10h]
  assert.equal(t.find(0x401000, other, 0), -1, 'other bytes');
  assert.equal(t.find(0x401001, CODE, 1), -1, 'no record there');
  assert.equal(t.find(0x500000, CODE, 0), -1, 'another address, same bytes');
  // the jne's bytes cut after 3 of 6: the instruction runs past them (a page's end), as iced would say
  assert.equal(t.find(0x401004, CODE.subarray(0, 7), 4), RUNS_PAST);
  const cut = CODE.slice(0, 7);
  cut[5] = 0x84; // je: other bytes, cut short
  assert.equal(t.find(0x401004, cut, 4), -1);
  assert.ok(t.find(0x401004, CODE, 4) >= 0);
});

test('a later run adds to what it loaded; an address decoded again keeps its latest record', () => {
  const t = roundTrip((() => { const s = DecodedStore.empty(); addAll(s, CODE, 0x401000); return s; })());
  const changed = CODE.slice();
  changed[3] = 0x10;
  assert.equal(t.find(0x401000, changed, 0), -1);
  addAll(t, changed.subarray(0, 4), 0x401000); // decoded again: other bytes at the same address
  addAll(t, CODE, 0x7fff_0000_1000); // and code above 2^32 (sorted without packing)
  const u = roundTrip(t);
  assert.equal(u.size, 4 + 4);
  assert.ok(u.find(0x401000, changed, 0) >= 0, 'the new bytes');
  assert.equal(u.find(0x401000, CODE, 0), -1, 'the old record is gone');
  assert.ok(u.find(0x401004, CODE, 4) >= 0, 'the others stay');
  assert.ok(u.find(0x7fff_0000_1004, CODE, 4) >= 0);
  u.use(u.find(0x7fff_0000_1004, CODE, 4));
  assert.equal(branchTarget(null), 0x7fff_0000_1000);
});

test('instructions whose op depends only on their bytes share one record; each remembers its op', () => {
  const s = DecodedStore.empty();
  const mov = CODE.subarray(0, 4); // mov rax,[rbx+8], at two addresses
  for (const base of [0x401000, 0x402000]) {
    const dec = new Decoder(64, mov, DecoderOptions.None);
    dec.ip = BigInt(base);
    const insn = new Instruction();
    dec.decodeOut(insn);
    nextInsn(insn);
    s.add(insn, base, mov, 0, 4, 'mov rax,[rbx+8]');
    dec.free(); insn.free();
  }
  const unshared = DecodedStore.empty();
  addAll(unshared, mov, 0x401000);
  addAll(unshared, mov, 0x402000);
  const one = s.serialize(ICED, crc32), two = unshared.serialize(ICED, crc32);
  assert.equal(two.length - one.length, RECORD, 'one record fewer');
  const t = roundTrip(s);
  const a = t.find(0x401000, mov, 0), b = t.find(0x402000, mov, 0);
  assert.ok(a >= 0 && a === b);
  const op = () => {};
  assert.equal(t.opOf(a), undefined);
  t.setOp(a, op);
  assert.equal(t.opOf(b), op);
});

test('finds each of thousands of addresses spread unevenly, and none between them (below 2^31 and above 2^32)', () => {
  for (const origin of [0x401000, 0x7fff_0000_0000]) {
    const s = DecodedStore.empty();
    // clusters of code with gaps of every size, as functions and padding in a binary, and one far away (a guess
    // in proportion to the address is then far off)
    let base = origin, x = 12345;
    const at: number[] = [];
    for (let i = 0; i < 800; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      base += CODE.length + (x % 7 === 0 ? (x >>> 8) % 65536 : x % 37) + (i === 600 ? 0x1000_0000 : 0);
      for (const { addr } of addAll(s, CODE, base)) at.push(addr);
    }
    const t = roundTrip(s);
    assert.equal(t.size, at.length);
    // in a scrambled order: each lookup searches (the one after the last found is tried first)
    let found = 0;
    const offsets = [0, 4, 10, 17];
    for (let j = 0, i = 0; j < at.length; j++, i = (i + 1231) % at.length) {
      if (t.find(at[i], CODE, offsets[i % 4]) >= 0) found++;
      assert.equal(t.find(at[i] + 1, CODE, offsets[i % 4]), -1, `between, near ${at[i]}`);
    }
    assert.equal(found, at.length);
    assert.equal(t.find(origin - 1, CODE, 0), -1);
    assert.equal(t.find(base + 1000, CODE, 0), -1);
  }
});

test("the address search agrees with Array's indexOf on 3,000 ascending lists, evenly and unevenly spread", () => {
  let x = 7;
  const next = () => (x = (x * 1103515245 + 12345) >>> 0);
  for (let t = 0; t < 3000; t++) {
    const n = 1 + (t % 300);
    const a = new Int32Array(n);
    let v = 100;
    for (let k = 0; k < n; k++) { v += 1 + (next() % 5 === 0 ? x % 5000 : x % 7); a[k] = v; }
    if (t % 3 === 0 && n > 2) for (let k = n >> 1; k < n; k++) a[k] += 1 << 24; // one far cluster
    const list = Array.from(a);
    for (let k = 0; k < n; k++) {
      assert.equal(indexOf(a, a[k]), k);
      assert.equal(indexOf(a, a[k] + 1), list.indexOf(a[k] + 1));
      assert.equal(indexOf(Float64Array.from(a), a[k]), k);
    }
    assert.equal(indexOf(a, a[0] - 1), -1);
  }
  assert.equal(indexOf(new Int32Array(0), 5), -1);
});

test('a store of a program built again keeps, when saved, only the loaded records this run found, and its additions', () => {
  const s = DecodedStore.empty();
  addAll(s, CODE, 0x401000);
  addAll(s, CODE, 0x402000);
  const file = s.serialize(ICED, crc32, 'build-1');
  const t = DecodedStore.parse(file, ICED, crc32) as DecodedStore;
  assert.equal(t.programId, 'build-1');
  assert.equal(t.size, 8);
  t.compact = true; // as the cache does when the program's identity changed
  assert.ok(t.find(0x401000, CODE, 0) >= 0);
  assert.ok(t.find(0x401004, CODE, 4) >= 0);
  const moved = CODE.slice();
  moved[3] = 0x10;
  addAll(t, moved.subarray(0, 4), 0x403000); // what this build has that the last did not
  const u = DecodedStore.parse(t.serialize(ICED, crc32, 'build-2'), ICED, crc32) as DecodedStore;
  assert.equal(u.programId, 'build-2');
  assert.equal(u.size, 3, 'two found, one added');
  assert.ok(u.find(0x401000, CODE, 0) >= 0 && u.find(0x401004, CODE, 4) >= 0 && u.find(0x403000, moved, 0) >= 0);
  assert.equal(u.find(0x402000, CODE, 0), -1, 'not found in the last run: dropped');
  assert.equal(u.find(0x40100a, CODE, 10), -1);
  u.use(u.find(0x401004, CODE, 4));
  assert.equal(branchTarget(null), 0x401000, 'the records renumbered, each still its own');
  assert.ok(t.serialize(ICED, crc32).length < file.length);
});

test('an instruction this CPU lacks, translated from a record, raises #UD naming it as when iced decoded it', () => {
  const avx = Uint8Array.from([0xc5, 0xf8, 0x77]); // vzeroupper: decoded by iced, not something this CPU has
  const messageOf = (t: { ud?: boolean; op: (c: never) => void }) => {
    assert.equal(t.ud, true);
    try { t.op(undefined as never); } catch (e) { return (e as FaultSignal).fault.message; }
    return assert.fail('no fault');
  };
  const s = DecodedStore.empty();
  const dec = new Decoder(64, avx, DecoderOptions.None);
  dec.ip = 0x401000n;
  const insn = new Instruction();
  dec.decodeOut(insn);
  nextInsn(insn);
  const fromIced = messageOf(translate(insn, 0x401000, avx, 0));
  s.add(insn, 0x401000, avx, 0, 3, null);
  dec.free(); insn.free();
  const t = roundTrip(s);
  t.use(t.find(0x401000, avx, 0));
  const fromRecord = messageOf(translate(null, 0x401000, avx, 0, false));
  assert.match(fromRecord, /c5 f8 77 \(vzeroupper\)/);
  assert.equal(fromRecord, fromIced);
});

test('a store that does not collect keeps nothing', () => {
  const s = DecodedStore.empty(false);
  addAll(s, CODE, 0x401000);
  assert.equal(s.misses, 4);
  assert.equal(s.size, 0);
  assert.equal(s.changed, false);
});

test('a damaged, foreign or truncated file is refused with the reason', () => {
  const s = DecodedStore.empty();
  addAll(s, CODE, 0x401000);
  const file = s.serialize(ICED, crc32);
  assert.equal(DecodedStore.parse(file, '1.22.0', crc32), 'made with another iced-x86');
  assert.equal(DecodedStore.parse(file.subarray(0, 20), ICED, crc32), 'too short');
  assert.equal(DecodedStore.parse(file.subarray(0, file.length - 1), ICED, crc32), 'damaged (size)');
  assert.equal(DecodedStore.parse(new Uint8Array(file.length), ICED, crc32), 'not a decode cache of this format');
  for (const at of [48, 60, 100, file.length - 1]) {
    const bad = file.slice();
    bad[at] ^= 0x40;
    assert.equal(DecodedStore.parse(bad, ICED, crc32), 'damaged (checksum)', `byte ${at}`);
  }
  const odd = new Uint8Array(file.length + 1).subarray(1); // not 8-aligned: copied, then read
  odd.set(file);
  assert.ok(typeof DecodedStore.parse(odd, ICED, crc32) !== 'string');
});

/** Runs the Go fixture `scenario` with `store` on its memory; its output, trace and instruction count. */
function runGo(bin: string, scenario: string, store: DecodedStore | null): { out: string; trace: string; instructions: number } {
  let out = '';
  const events: string[] = [];
  const k: Kernel = new Kernel({
    stdout: (b) => { out += Buffer.from(b).toString(); }, ncpu: 2,
    trace: { emit: (e) => events.push(JSON.stringify({ ...e, t: k.clockNs })) },
  });
  k.load(new Uint8Array(fs.readFileSync(bin)), { argv: ['programs', scenario], env: ['GOMAXPROCS=2'], path: '/programs' });
  k.memory.decoded = store;
  for (;;) { const s = k.run(50_000_000); if (s.kind === 'exit' || s.kind === 'deadlock') break; }
  return { out, trace: events.join('\n'), instructions: k.instructions };
}

test('a Go program run from a warm store decodes nothing and does exactly what the run decoded by iced did', () => {
  const bin = buildPrograms();
  const plain = runGo(bin, 'goroutines', null);
  const first = DecodedStore.empty();
  const cold = runGo(bin, 'goroutines', first);
  assert.ok(first.misses > 10_000 && first.hits === 0, `${first.misses} decoded`);
  const warmStore = roundTrip(first);
  const warm = runGo(bin, 'goroutines', warmStore);
  assert.equal(warmStore.misses, 0, 'every instruction came from the store');
  assert.ok(warmStore.hits > 10_000);
  assert.equal(warmStore.changed, false);
  assert.ok(plain.trace.length > 1000 && plain.out.length > 0);
  for (const r of [cold, warm]) {
    assert.equal(r.out, plain.out);
    assert.equal(r.instructions, plain.instructions);
    assert.equal(r.trace, plain.trace);
  }
  // a store of another scenario serves what the two share, and iced decodes the rest
  const other = roundTrip(first);
  const pipe = runGo(bin, 'ospipe', other);
  assert.equal(pipe.out, runGo(bin, 'ospipe', null).out);
  assert.ok(other.hits > 5_000 && other.misses > 0 && other.changed, `${other.hits} from the store, ${other.misses} decoded`);
});
