// Sandbox escapes: a Go program reads and writes outside root (absolute paths, `..`, symlinks to outside) and
// opens sockets. Each attempt fails with the errno Linux gives for a missing or forbidden file, writes inside the
// root land in the overlay only, and the host is unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildPrograms, runEmu, tempDir, warnings } from './goFixtures';
import { SandboxFs } from '../../../src/linux/vfs';

function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of fs.readdirSync(d).sort()) {
      const p = path.join(d, n);
      const st = fs.lstatSync(p);
      out.push(`${path.relative(dir, p)} ${st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : st.size}`);
      if (st.isDirectory() && !st.isSymbolicLink()) walk(p);
    }
  };
  walk(dir);
  return out;
}

test('a Go program cannot escape the sandbox', () => {
  const bin = buildPrograms();
  const outer = tempDir('gs-outer-');
  const root = path.join(outer, 'a', 'b', 'root');
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(outer, 'secret.txt'), 'host secret');
  fs.symlinkSync('/etc', path.join(root, 'escape'));
  fs.symlinkSync('/etc/passwd', path.join(root, 'abs-escape'));
  fs.symlinkSync('../../..', path.join(root, 'rel-escape'));
  const before = listing(outer);
  const r = runEmu(bin, ['sandbox'], { root });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, [
    'read /etc/passwd => open /etc/passwd: no such file or directory',
    'read ../../../../../etc/passwd => open ../../../../../etc/passwd: no such file or directory',
    'read escape/passwd (symlink to /etc) => open escape/passwd: no such file or directory',
    'read abs-escape (symlink to /etc/passwd) => open abs-escape: no such file or directory',
    'read rel-escape/etc/passwd (symlink to ../../..) => open rel-escape/etc/passwd: no such file or directory',
    'write /etc/gosyscall-escape => open /etc/gosyscall-escape: no such file or directory',
    'write ../../../../outside-root.txt => ok',
    'write escape/gosyscall-escape => open escape/gosyscall-escape: no such file or directory',
    'write inside.txt => ok',
    'read back inside.txt: "overlay" <nil>',
    'dial tcp 127.0.0.1:80 => dial tcp 127.0.0.1:80: socket: permission denied',
    'listen tcp => listen tcp 127.0.0.1:0: socket: permission denied',
    'read /proc/self/environ => open /proc/self/environ: no such file or directory',
    '',
  ].join('\n'));
  // `../../../../outside-root.txt` resolves to /outside-root.txt inside the sandbox: an overlay file.
  assert.ok(r.kernel.fs.lookup('/outside-root.txt'), 'the clamped write landed in the overlay');
  assert.deepEqual(listing(outer), before, 'host unchanged');
  assert.ok(warnings(r).some((w) => /socket/.test(w)), 'a warning names the refused socket');
});

test('path resolution clamps `..` at the root and reads symlinks inside the sandbox', () => {
  const root = tempDir('gs-vfs-');
  fs.mkdirSync(path.join(root, 'd'));
  fs.writeFileSync(path.join(root, 'd', 'f'), 'x');
  fs.symlinkSync('../d/f', path.join(root, 'd', 'rel'));
  fs.symlinkSync('/d', path.join(root, 'abs'));
  fs.symlinkSync('loop', path.join(root, 'loop'));
  const v = new SandboxFs(root, 2);
  const p = (cwd: string, s: string, follow = true) => { const r = v.resolve(cwd, s, follow); return typeof r === 'number' ? r : r.path + (r.node ? '' : ' (new)'); };
  assert.equal(p('/', '../../../d/f'), '/d/f');
  assert.equal(p('/d', '..//./d/../../../d/f'), '/d/f');
  assert.equal(p('/', 'd/rel'), '/d/f');
  assert.equal(p('/', 'd/rel', false), '/d/rel');
  assert.equal(p('/', 'abs/f'), '/d/f');
  assert.equal(p('/', 'loop'), 40); // ELOOP
  assert.equal(p('/', 'd/f/x'), 20); // ENOTDIR
  assert.equal(p('/', 'nope/x'), 2); // ENOENT
  assert.equal(p('/', 'd/new'), '/d/new (new)');
  assert.equal(new TextDecoder().decode(v.read('/d/f')), 'x');
  assert.equal(new TextDecoder().decode(v.read('/sys/kernel/mm/transparent_hugepage/hpage_pmd_size')), '2097152\n');
  const o = v.writable('/d/f', 0);
  assert.ok(typeof o !== 'number');
  o.data = new Uint8Array([65]);
  assert.equal(fs.readFileSync(path.join(root, 'd', 'f'), 'utf8'), 'x', 'host file untouched by overlay writes');
  assert.deepEqual(v.list('/').filter((n) => !['dev', 'proc', 'sys', 'tmp'].includes(n)), ['abs', 'd', 'loop']);
});
