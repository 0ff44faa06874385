// The package manifest's contract fields (DESIGN.md §4) and the README's launch reference kept in sync with it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../../../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

test('package identity and entry points', () => {
  assert.equal(pkg.name, 'go-syscall-stepper');
  assert.equal(pkg.publisher, 'gosyscall');
  assert.equal(pkg.displayName, 'Go Syscall Stepper');
  assert.equal(pkg.bin.gosyscall, './bin/gosyscall.js');
  assert.match(pkg.engines.vscode, /^\^1\.(9\d|\d{3})/);
  assert.deepEqual([...pkg.categories].sort(), ['Debuggers', 'Programming Languages']);
  for (const s of ['build', 'watch', 'test', 'test:e2e', 'test:electron', 'bench', 'package', 'start', 'serve']) {
    assert.ok(pkg.scripts[s], `npm script ${s}`);
  }
});

test('debugger contribution: type, languages, every launch attribute documented', () => {
  const dbg = pkg.contributes.debuggers.find((d: { type: string }) => d.type === 'gosyscall');
  assert.ok(dbg, 'debug type gosyscall');
  assert.deepEqual(dbg.languages, ['go.asm', 'go']);
  assert.equal(dbg.program, './dist/debugAdapter.js');
  const props = dbg.configurationAttributes.launch.properties;
  const want = ['program', 'args', 'env', 'cwd', 'stdin', 'stopOnEntry', 'gomaxprocs', 'root', 'maxInstructions', 'goBuildFlags'];
  assert.deepEqual(Object.keys(props).sort(), [...want].sort());
  for (const [name, p] of Object.entries<{ description: string; type: string; default: unknown }>(props)) {
    assert.ok(p.description.length > 20, `${name} has a description`);
    assert.ok(p.type, `${name} has a type`);
    assert.ok('default' in p, `${name} has a default`);
    assert.ok(readme.includes(`| \`${name}\` | ${p.type}`), `README's launch reference lists ${name} as ${p.type}`);
  }
  assert.equal(dbg.configurationSnippets.length, 3, 'snippets for a .s model program, a Go binary and a Go package');
});

test('language, grammar and breakpoints contracts', () => {
  const lang = pkg.contributes.languages.find((l: { id: string }) => l.id === 'go.asm');
  assert.ok(lang.aliases.includes('Go Assembly') && lang.aliases.includes('Plan 9 Assembly'));
  assert.ok(lang.extensions.includes('.s'));
  const g = pkg.contributes.grammars.find((x: { language: string }) => x.language === 'go.asm');
  assert.equal(g.scopeName, 'source.go.asm');
  assert.equal(g.path, './syntaxes/goasm.tmLanguage.json');
  assert.ok(existsSync(join(root, 'syntaxes/goasm.tmLanguage.json')));
  const bps = pkg.contributes.breakpoints.map((b: { language: string }) => b.language).sort();
  assert.deepEqual(bps, ['go', 'go.asm']);
  const conf = JSON.parse(readFileSync(join(root, 'language-configuration.json'), 'utf8'));
  const word = new RegExp(conf.wordPattern, 'u');
  assert.equal('CALL runtime·entersyscall(SB)'.slice(5).match(word)?.[0], 'runtime·entersyscall');
});

test('.vscodeignore ships only what runs', () => {
  const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8');
  for (const keep of ['!dist/*.js', '!dist/*.wasm', '!syntaxes/**', '!media/timeline.js', '!samples/**', '!README.md', '!LICENSE']) {
    assert.ok(ignore.includes(keep), keep);
  }
  assert.match(ignore, /^\*\*$/m, 'everything else is excluded');
});
