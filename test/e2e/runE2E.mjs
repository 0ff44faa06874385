// End-to-end tests inside a real VS Code: code-server (VS Code 1.100.3 server) + Debian's Chromium driven by
// playwright-core. Installs code-server once into .vscode-test/, starts it in test mode with this extension under
// development, runs out/test/e2e/suite/index.js through the standard run() contract, serves screenshot requests
// from the suite (test/e2e/suite/README.md) into test-results/, and kills the server's whole process group.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { handleUiRequest } from './uiActions.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const results = join(root, 'test-results');
const TIMEOUT_MS = Number(process.env.GOSYSCALL_E2E_TIMEOUT_MS ?? 300_000);

function log(msg) { process.stdout.write(`e2e: ${msg}\n`); }

function fail(msg) {
  process.stdout.write(`e2e: ${msg}\n`);
  process.exitCode = 1;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

async function waitForHttp(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { const r = await fetch(url); if (r.status < 500) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer at ${url} within ${ms} ms`);
}

// The .vsix a person installs: package it and install it into code-server the way `npm run serve` does.
function installPackagedExtension(data) {
  const vsix = join(tmpdir(), 'gosyscall-e2e-package.vsix');
  const pack = spawnSync(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'package', '--no-dependencies',
    '--allow-missing-repository', '--no-rewrite-relative-links', '-o', vsix], { cwd: root, encoding: 'utf8' });
  if (pack.status !== 0) return fail(`vsce package failed:\n${pack.stdout}${pack.stderr}`);
  const cs = join(root, '.vscode-test/node_modules/.bin/code-server');
  const ext = join(data, 'installed-ext');
  const inst = spawnSync(cs, ['--extensions-dir', ext, '--install-extension', vsix, '--force'], { encoding: 'utf8' });
  const list = spawnSync(cs, ['--extensions-dir', ext, '--list-extensions', '--show-versions'], { encoding: 'utf8' });
  if (inst.status !== 0 || !/gosyscall\.go-syscall-stepper@/.test(list.stdout)) {
    return fail(`the .vsix did not install into code-server:\n${inst.stdout}${inst.stderr}${list.stdout}`);
  }
  log(`the .vsix installs into code-server: ${list.stdout.trim()}`);
}

async function main() {
  const suite = join(root, 'out/test/e2e/suite/index.js');
  if (!existsSync(join(root, 'dist/extension.js')) || !existsSync(suite)) {
    return fail('build first: npm run build (dist/extension.js and out/test/e2e/suite/index.js are needed)');
  }
  const inst = spawnSync('bash', [join(root, 'scripts/install-code-server.sh')], { stdio: 'inherit' });
  if (inst.status !== 0) return fail('code-server is not available (see the message above)');

  mkdirSync(results, { recursive: true });
  // Outside the repository, so VS Code's git does not offer to open the parent repository.
  const tmp = join(tmpdir(), 'gosyscall-e2e');
  rmSync(tmp, { recursive: true, force: true });
  const workspace = join(tmp, 'workspace');
  cpSync(join(root, 'samples'), workspace, { recursive: true });
  // F5 must work without a launch.json (the configuration provider fills it in): the suite tests that path.
  rmSync(join(workspace, '.vscode/launch.json'), { force: true });
  const data = join(tmp, 'data');
  // Settings a person's fresh profile would not have but a test wants: no welcome page, no tips, no telemetry.
  // The web workbench keeps user settings in the browser, so they go in as the server's machine settings.
  // Auto save is off, as in desktop VS Code: the web workbench saves a second after each edit by default, so a
  // mistake typed in a test (which must show in Problems before saving) was saved into the sample whenever the
  // first check took longer than that (a fresh install, no code cache yet), and every later launch of it failed.
  const settings = JSON.stringify({
    'workbench.startupEditor': 'none',
    'files.autoSave': 'off',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'security.workspace.trust.enabled': false,
    'git.openRepositoryInParentFolders': 'never',
    'workbench.colorTheme': process.env.GOSYSCALL_E2E_THEME ?? 'Default Dark Modern',
  }, null, 2);
  for (const dir of ['data/Machine', join(workspace, '.vscode')]) {
    mkdirSync(join(dir.startsWith('/') ? '' : data, dir), { recursive: true });
    writeFileSync(join(dir.startsWith('/') ? '' : data, dir, 'settings.json'), settings);
  }

  // The suite asks for screenshots over HTTP; the page is only known once the browser is up.
  let page = null;
  const steps = { passed: 0, failed: 0, lines: 0 };
  const shots = createServer(async (req, res) => {
    const u = new URL(req.url, 'http://x');
    if (u.pathname === '/log') { // the suite's own report lines (test names, failures)
      const line = u.searchParams.get('line') ?? '';
      steps.lines++;
      if (/^ok \d+ /.test(line)) steps.passed++;
      else if (/^not ok \d+ /.test(line)) steps.failed++;
      process.stdout.write(`  ${line}\n`);
      res.writeHead(200).end('ok');
      return;
    }
    if (await handleUiRequest(page, u, res)) return; // /ui/<op>: clicks, keys and DOM reads for the suite
    const name = u.searchParams.get('name') ?? 'shot';
    const safe = name.replace(/[^\w.-]+/g, '_');
    try {
      if (!page) throw new Error('no page yet');
      await page.screenshot({ path: join(results, `${safe}.png`) });
      log(`screenshot test-results/${safe}.png`);
      res.writeHead(200).end('ok');
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  const shotPort = await freePort();
  await new Promise((r) => shots.listen(shotPort, '127.0.0.1', r));

  const port = await freePort();
  const serverMain = join(root, '.vscode-test/node_modules/code-server/lib/vscode/out/server-main.js');
  const server = spawn(process.execPath, [serverMain, '--host', '127.0.0.1', '--port', String(port),
    '--without-connection-token', '--accept-server-license-terms', '--enable-smoke-test-driver',
    '--disable-workspace-trust', '--disable-telemetry',
    '--server-data-dir', data, '--user-data-dir', join(data, 'user'), '--extensions-dir', join(data, 'ext')], {
    detached: true, // its own process group: children (extension host, adapters) outlive the server otherwise
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      GOSYSCALL_E2E_SCREENSHOT_URL: `http://127.0.0.1:${shotPort}/`,
      GOSYSCALL_E2E_WORKSPACE: workspace,
    },
  });
  let serverLog = '';
  server.stdout.on('data', (d) => { serverLog += d; });
  server.stderr.on('data', (d) => { serverLog += d; });
  const killServer = () => { try { process.kill(-server.pid, 'SIGKILL'); } catch { /* already gone */ } };
  process.on('exit', killServer);

  let browser = null;
  try {
    await waitForHttp(`http://127.0.0.1:${port}/version`, 60_000);
    const { chromium } = require('playwright-core');
    const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    browser = await chromium.launchPersistentContext(join(tmp, 'chromium'), {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    page = browser.pages()[0] ?? await browser.newPage();
    const exited = new Promise((resolve) => {
      page.exposeFunction('codeAutomationExit', (code) => resolve(code));
    });
    page.on('console', (m) => {
      const t = m.text();
      if (steps.lines && t.includes('[e2e]')) return; // already printed through /log
      if (/\[e2e\]|Error|failed/i.test(t) &&
        !/ERR_CONNECTION|net::|favicon|ENOTFOUND|marketplace|gallery|status of 404|manifest\.json|ServiceWorker/.test(t)) {
        process.stdout.write(`  [browser] ${t.slice(0, 400)}\n`);
      }
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [['extensionDevelopmentPath', remote(root)],
      ['extensionTestsPath', remote(join(root, 'out/test/e2e/suite/index.js'))]];
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}` +
      `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    log(`code-server at http://127.0.0.1:${port}/, workspace ${workspace}`);
    await page.goto(url);
    let timer;
    const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), TIMEOUT_MS); });
    const code = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    await page.screenshot({ path: join(results, 'zz-final.png') }).catch(() => {});
    if (code === 'timeout') {
      fail(`the suite did not finish within ${TIMEOUT_MS / 1000} s (last screenshot: test-results/zz-final.png)`);
    } else if (code !== 0) {
      fail(`the suite failed with exit code ${code}; extension host output is above, screenshots in test-results/`);
    }
    // one line per step came through /log; a suite that reported nothing counts as one test
    const passed = steps.passed + steps.failed ? steps.passed : code === 0 ? 1 : 0;
    const failed = steps.passed + steps.failed ? steps.failed + (code !== 0 && !steps.failed ? 1 : 0) : code === 0 ? 0 : 1;
    log(`${passed} passed, ${failed} failed`);
    installPackagedExtension(data);
  } catch (e) {
    fail(String(e?.stack ?? e));
    process.stdout.write(serverLog.slice(-4000));
  } finally {
    await browser?.close().catch(() => {});
    shots.close();
    killServer();
  }
}

await main();
process.exit(process.exitCode ?? 0);
