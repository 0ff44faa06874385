// Every sample and the syscall library must also be accepted by Go's own assembler (Go 1.23).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SAMPLES } from './harness';

const GO = process.env.GO123 ?? '/usr/lib/go-1.23/bin/go';

test('go tool asm accepts samples/*.s and samples/lib/*.s', () => {
  const out = join(ROOT, '.tmp', 'goasm');
  mkdirSync(out, { recursive: true });
  const files = [
    ...readdirSync(SAMPLES).filter((f) => f.endsWith('.s')).map((f) => join(SAMPLES, f)),
    ...readdirSync(join(SAMPLES, 'lib')).filter((f) => f.endsWith('.s')).map((f) => join(SAMPLES, 'lib', f)),
  ];
  assert.ok(files.length >= 6);
  for (const f of files) {
    const o = join(out, f.replace(/[/\\]/g, '_') + '.o');
    execFileSync(GO, ['tool', 'asm', '-p', 'main', '-I', '/usr/lib/go-1.23/pkg/include', '-o', o, f], { stdio: 'pipe' });
  }
});
