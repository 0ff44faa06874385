// DAP benchmarks (DESIGN.md §7): launch → first stop, step round trips (median, p99), stackTrace+scopes+variables,
// disassemble 50 instructions, step back at ~10 M executed instructions, the cost of the `syscall` filter on a
// run that never stops, the adapter's peak memory, and real Go figures. Run: npm run build && node out/bench/dap.bench.js [--real]
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { blockingBinary, BLOCKING_SRC } from '../test/dap/realgoBuild';

const ROOT = resolve(__dirname, '..', '..');
const ADAPTER = join(ROOT, 'dist', 'debugAdapter.js');
const TMP = join(ROOT, '.tmp', 'bench');
mkdirSync(TMP, { recursive: true });

// ~10 M instructions (5 M iterations of DECQ/JNE), then one write.
const SPIN = `#include "textflag.h"
DATA ·msg+0(SB)/8, $"done\\n\\x00\\x00\\x00"
GLOBL ·msg(SB), RODATA|NOPTR, $8
TEXT ·main(SB), $56-0
	MOVQ $5000000, CX
loop:
	DECQ CX
	JNE loop
	MOVQ $1, 0(SP)
	MOVQ $1, 8(SP)
	LEAQ ·msg(SB), AX
	MOVQ AX, 16(SP)
	MOVQ $5, 24(SP)
	CALL syscall·Syscall(SB)
	RET
`;
// 20 000 getpid calls through RawSyscall: a run that makes many syscalls.
const SYSCALLS = `#include "textflag.h"
TEXT ·main(SB), $56-0
	MOVQ $20000, BX
loop:
	MOVQ $39, 0(SP)
	MOVQ $0, 8(SP)
	MOVQ $0, 16(SP)
	MOVQ $0, 24(SP)
	CALL syscall·RawSyscall(SB)
	DECQ BX
	JNE loop
	RET
`;
const spin = join(TMP, 'spin.s'), sys = join(TMP, 'syscalls.s');
writeFileSync(spin, SPIN);
writeFileSync(sys, SYSCALLS);
const hello = join(ROOT, 'samples', 'hello.s');
const loop = join(ROOT, 'test', 'dap', 'fixtures', 'loop.s');

async function client(): Promise<DebugClient> {
  const dc = new DebugClient('node', ADAPTER, 'gosyscall');
  dc.defaultTimeout = 120000;
  await dc.start();
  return dc;
}
async function stopped(dc: DebugClient, action: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const p = dc.waitForEvent('stopped');
  await action();
  return (await p) as DebugProtocol.StoppedEvent;
}
function stats(xs: number[]): string {
  const s = xs.slice().sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(2)} ms, p90 ${q(0.9).toFixed(2)} ms, p99 ${q(0.99).toFixed(2)} ms (n=${s.length})`;
}
async function launch(dc: DebugClient, args: Record<string, unknown>, filters: DebugProtocol.SetExceptionBreakpointsArguments, bps?: () => Promise<unknown>) {
  const p = dc.waitForEvent('stopped');
  await dc.initializeRequest({ adapterID: 'gosyscall', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  await Promise.all([dc.waitForEvent('initialized'), dc.launch(args as any)]);
  await dc.setExceptionBreakpointsRequest(filters);
  if (bps) await bps();
  await dc.configurationDoneRequest();
  return (await p) as DebugProtocol.StoppedEvent;
}
function peakRss(dc: DebugClient): string {
  const pid = (dc as any)._adapterProcess?.pid;
  try { return /VmHWM:\s+(\d+ kB)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '?'; } catch { return '?'; }
}

/** `--real`: only the real-program figures (section 5). */
const realOnly = process.argv.includes('--real');

async function main(): Promise<void> {
  const rows: string[] = [];
  // 1. launch → first stop (adapter process already started)
  if (!realOnly) {
    const xs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const dc = await client();
      await new Promise((r) => setTimeout(r, 1500)); // the adapter process start (and its warm-up) is excluded
      const t0 = performance.now();
      await launch(dc, { program: hello, stopOnEntry: true }, { filters: [] });
      xs.push(performance.now() - t0);
      await dc.stop();
    }
    rows.push(`initialize → first stop (hello.s, stopOnEntry; adapter start excluded): ${stats(xs)}`);
  }
  // 2. step round trips, stack+scopes+variables, disassemble 50
  if (!realOnly) {
    const dc = await client();
    let s = await launch(dc, { program: loop, stopOnEntry: true }, { filters: [] });
    const tid = s.body.threadId!;
    const line: number[] = [], insn: number[] = [], state: number[] = [], dis: number[] = [];
    for (let i = 0; i < 60; i++) {
      let t0 = performance.now();
      s = await stopped(dc, () => dc.nextRequest({ threadId: tid }));
      line.push(performance.now() - t0);
      t0 = performance.now();
      await stopped(dc, () => dc.nextRequest({ threadId: tid, granularity: 'instruction' }));
      insn.push(performance.now() - t0);
      t0 = performance.now();
      const st = await dc.stackTraceRequest({ threadId: tid });
      const sc = await dc.scopesRequest({ frameId: st.body.stackFrames[0].id });
      await dc.variablesRequest({ variablesReference: sc.body.scopes.find((x) => x.name === 'Registers')!.variablesReference });
      state.push(performance.now() - t0);
      t0 = performance.now();
      await dc.disassembleRequest({ memoryReference: st.body.stackFrames[0].instructionPointerReference!, instructionOffset: -25, instructionCount: 50 });
      dis.push(performance.now() - t0);
    }
    rows.push(`next (line) → stopped: ${stats(line)}`);
    rows.push(`next (instruction) → stopped: ${stats(insn)}`);
    rows.push(`stackTrace + scopes + variables: ${stats(state)}`);
    rows.push(`disassemble 50 instructions: ${stats(dis)}`);
    await dc.stop();
  }
  // 3. step back at ~10 M executed instructions
  if (!realOnly) {
    const dc = await client();
    const s = await launch(dc, { program: spin }, { filters: [], filterOptions: [{ filterId: 'syscall', condition: 'write' }] });
    const tid = s.body.threadId!;
    const xs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await stopped(dc, () => dc.stepBackRequest({ threadId: tid, granularity: 'instruction' }));
      xs.push(performance.now() - t0);
    }
    rows.push(`stepBack (instruction) at 10 M instructions: ${stats(xs)}`);
    rows.push(`adapter peak memory (VmHWM) after 10 M instructions with snapshots: ${peakRss(dc)}`);
    await dc.stop();
  }
  // 4. the syscall filter on a run that never stops
  if (!realOnly) {
    const run = async (filters: DebugProtocol.SetExceptionBreakpointsArguments) => {
      const dc = await client();
      const exited = dc.waitForEvent('exited', 120000);
      await dc.initializeRequest({ adapterID: 'gosyscall', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
      await Promise.all([dc.waitForEvent('initialized'), dc.launch({ program: sys } as any)]);
      await dc.setExceptionBreakpointsRequest(filters);
      const t0 = performance.now();
      await dc.configurationDoneRequest();
      await exited;
      const ms = performance.now() - t0;
      await dc.stop();
      return ms;
    };
    const plain: number[] = [], filtered: number[] = [];
    for (let i = 0; i < 3; i++) {
      plain.push(await run({ filters: [] }));
      filtered.push(await run({ filters: [], filterOptions: [{ filterId: 'syscall', condition: 'openat' }] }));
    }
    const med = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
    rows.push(`20 000 syscalls, no filter: ${stats(plain)}; with syscall filter (never matches): ${stats(filtered)}; cost ${(100 * (med(filtered) / med(plain) - 1)).toFixed(1)} %`);
  }
  // 5. a real Go program (samples/go/blocking built by Go 1.23): launch → first stop, next by Go line
  {
    const bin = blockingBinary('1.23');
    const entry: number[] = [], toBp: number[] = [];
    for (let i = 0; i < 3; i++) {
      for (const [xs, args, bps] of [
        [entry, { program: bin, stopOnEntry: true }, undefined],
        [toBp, { program: bin }, (dc: DebugClient) => dc.setBreakpointsRequest({ source: { path: BLOCKING_SRC }, breakpoints: [{ line: 33 }] })],
      ] as const) {
        const dc = await client();
        await new Promise((r) => setTimeout(r, 1500));
        const t0 = performance.now();
        await launch(dc, args, { filters: [] }, bps ? () => bps(dc) : undefined);
        xs.push(performance.now() - t0);
        await dc.stop();
      }
    }
    rows.push(`real Go (go1.23 blocking): initialize → first stop, stopOnEntry: ${stats(entry)}`);
    rows.push(`real Go: initialize → breakpoint in main.main (main.go:33, ~250 k instructions of runtime start): ${stats(toBp)}`);
    const dc = await client();
    const s = await launch(dc, { program: bin }, { filters: [] }, () => dc.setBreakpointsRequest({ source: { path: BLOCKING_SRC }, breakpoints: [{ line: 33 }] }));
    const tid = s.body.threadId!;
    const next: number[] = [], state: number[] = [];
    for (let i = 0; i < 20; i++) {
      let t0 = performance.now();
      await stopped(dc, () => dc.nextRequest({ threadId: tid }));
      next.push(performance.now() - t0);
      t0 = performance.now();
      const st = await dc.stackTraceRequest({ threadId: tid });
      const sc = await dc.scopesRequest({ frameId: st.body.stackFrames[0].id });
      for (const x of sc.body.scopes) await dc.variablesRequest({ variablesReference: x.variablesReference });
      state.push(performance.now() - t0);
      await stopped(dc, () => dc.stepBackRequest({ threadId: tid }));
    }
    rows.push(`real Go: next by line (main.go:33 → 34) → stopped: ${stats(next)}`);
    rows.push(`real Go: stackTrace + scopes + variables (Registers, Goroutine from memory): ${stats(state)}`);
    await dc.stop();
  }
  process.stdout.write(['DAP benchmarks (bench/dap.bench.ts)', ...rows.map((r) => '  ' + r)].join('\n') + '\n');
}

main().then(() => process.exit(0), (e) => { process.stderr.write(`dap bench: ${(e as Error).stack ?? e}\n`); process.exit(1); });
