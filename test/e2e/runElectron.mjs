// npm run test:electron: the same extension test suite (out/test/e2e/suite/index.js, run() contract) under
// @vscode/test-electron, for contributors whose machines can download VS Code. CI here uses code-server
// (npm run test:e2e) because this network cannot reach VS Code's download servers.
import { cpSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const workspace = join(root, '.tmp/electron-workspace');
rmSync(workspace, { recursive: true, force: true });
cpSync(join(root, 'samples'), workspace, { recursive: true });
process.env.GOSYSCALL_E2E_WORKSPACE = workspace;
try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out/test/e2e/suite/index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (e) {
  console.error(`test:electron: ${e?.message ?? e}`);
  process.exit(1);
}
