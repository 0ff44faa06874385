// The steppable model source: documents, line tables and what stepping through them walks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kernel } from '../../../src/linux/kernel';
import { loadModelProgram, modelExterns, modelProgram } from '../../../src/goruntime';
import { SAMPLES } from './harness';

test('each step line has one address, and its document line shows that step', () => {
  const p = modelProgram();
  const seen = new Set<number>();
  for (const src of p.sources) {
    assert.match(src.path, /^runtime\/[a-z_0-9]+\.(go|s) \(model\)$/);
    const lines = src.text.split('\n');
    for (const { addr, line } of src.lines) {
      assert.ok(!seen.has(addr), `address 0x${addr.toString(16)} used twice`);
      seen.add(addr);
      const st = p.stepAt(addr)!;
      assert.equal(lines[line - 1].trim(), st.text, `${src.path}:${line}`);
      assert.ok(addr >= p.start && addr < p.end);
    }
  }
  const proc = p.sources.find((s) => s.path === 'runtime/proc.go (model)')!;
  for (const fn of ['entersyscall', 'reentersyscall', 'exitsyscall', 'exitsyscallfast', 'exitsyscall0', 'entersyscallblock',
    'handoffp', 'startm', 'stopm', 'newm', 'wakep', 'schedule', 'findRunnable', 'execute', 'gopark', 'park_m', 'goready',
    'ready', 'Gosched', 'newproc', 'newproc1', 'sysmon', 'retake', 'checkdead', 'main']) {
    assert.match(proc.text, new RegExp(`\\nfunc ${fn}\\(`), fn);
    assert.match(proc.text, new RegExp(`// Model of (runtime\\.)?${fn}\\b[^\\n]*\\(Go 1\\.23 runtime/proc\\.go`), `${fn} cites Go`);
  }
});

test('the guest can call exactly the exported model functions, in both spellings', () => {
  const ex = modelExterns();
  for (const n of ['entersyscall', 'exitsyscall', 'entersyscallblock', 'newproc', 'Gosched', 'Goexit', 'block', 'semacquire', 'semrelease']) {
    assert.equal(ex.get(`runtime·${n}`), ex.get(`runtime.${n}`));
    assert.ok(ex.get(`runtime.${n}`)! >= modelProgram().start);
  }
  assert.equal(ex.has('runtime.schedule'), false);
});

test('stepping hello.s on M0 walks main → entersyscall → reentersyscall → exitsyscall → exitsyscallfast', () => {
  const kernel = new Kernel({});
  const path = join(SAMPLES, 'hello.s');
  const res = loadModelProgram(kernel, [{ path, text: readFileSync(path, 'utf8') }]);
  assert.ok(res.ok && res.model);
  const model = res.model;
  const m0 = kernel.threads[0];
  const walked: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const s = kernel.run(1_000_000, { stopAtNative: (t) => t === m0 });
    if (s.kind !== 'native') { assert.equal(s.kind, 'exit'); break; }
    const st = model.prog.stepAt(s.rip)!;
    const name = st.fn.def.name.replace('runtime.', '');
    if (walked[walked.length - 1] !== name) walked.push(name);
    // Each stop is at a model line: the debugger shows that document and line.
    assert.ok(model.lines().some((l) => l.addr === s.rip && l.file === st.fn.path && l.line === st.line));
  }
  assert.deepEqual(walked, ['main', 'newm', 'main', 'entersyscall', 'reentersyscall', 'entersyscall', 'exitsyscall', 'exitsyscallfast', 'exitsyscall', 'main']);
});

test('function table for the debugger: model functions are frameless, with their ABI0 arguments', () => {
  const kernel = new Kernel({});
  const path = join(SAMPLES, 'hello.s');
  const res = loadModelProgram(kernel, [{ path, text: readFileSync(path, 'utf8') }]);
  const fns = res.model!.functions();
  const np = fns.find((f) => f.name === 'runtime·newproc')!;
  assert.deepEqual([np.frameSize, np.argsSize, np.args], [0, 8, [{ name: 'fn', offset: 0, size: 8 }]]);
  assert.equal(np.file, 'runtime/proc.go (model)');
  assert.ok(fns.every((f) => f.model && f.frameSize === 0));
});
