// npm run serve: package the extension, install it into the cached code-server (a complete VS Code in the browser)
// and start it on 127.0.0.1 with samples/ open — how a person without VS Code tries the product.
// Options: --port N (default 8080).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const i = process.argv.indexOf('--port');
const port = i > 0 ? Number(process.argv[i + 1]) : 8080;
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) { console.error(`serve: ${cmd} ${args.join(' ')} failed`); process.exit(r.status ?? 1); }
};

run('npm', ['run', 'package', '--silent']);
run('bash', ['scripts/install-code-server.sh']);
const cs = join(root, '.vscode-test/node_modules/.bin/code-server');
const data = join(root, '.vscode-test/serve');
mkdirSync(data, { recursive: true });
const common = ['--user-data-dir', join(data, 'user'), '--extensions-dir', join(data, 'ext')];
run(cs, [...common, '--install-extension', join(root, 'go-syscall-stepper.vsix'), '--force']);
if (!existsSync(join(root, 'samples'))) { console.error('serve: samples/ is missing'); process.exit(1); }
console.log(`\nGo Syscall Stepper in VS Code: open http://127.0.0.1:${port}/ (Ctrl+C stops)\n`);
const child = spawn(cs, [...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry',
  '--disable-update-check', '--disable-workspace-trust', join(root, 'samples')], { stdio: 'inherit' });
child.on('exit', (c) => process.exit(c ?? 0));
