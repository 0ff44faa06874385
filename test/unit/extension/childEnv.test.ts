// The extension's node processes (debug adapter, CLI for diagnostics) start without NODE_EXTRA_CA_CERTS: with it,
// node parses a whole CA bundle at every start. Node names a certificate file it could not load on stderr, which
// shows whether a process was started with the variable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { CHILD_ENV, childEnv } from '../../../src/extension/childEnv';

const CLI = join(resolve(__dirname, '..', '..', '..', '..'), 'dist', 'cli.js');

test('child processes run as node, without the extra CA certificates of the environment they inherit', () => {
  assert.equal(CHILD_ENV.ELECTRON_RUN_AS_NODE, '1');
  const inherited = { ...process.env, NODE_EXTRA_CA_CERTS: '/nonexistent/corporate-ca.pem', KEPT: 'yes' };
  const env = childEnv(inherited);
  assert.equal(env.KEPT, 'yes', 'the rest of the environment is kept');
  const run = (e: NodeJS.ProcessEnv) => spawnSync(process.execPath, [CLI, '--help'], { env: e, encoding: 'utf8', timeout: 60_000 });
  const plain = run(inherited);
  assert.match(plain.stderr, /Ignoring extra certs from `\/nonexistent\/corporate-ca\.pem`/, 'node reports the file it was given');
  const child = run(env);
  assert.equal(child.status, 0);
  assert.match(child.stdout, /gosyscall/);
  assert.doesNotMatch(child.stderr, /extra certs/, 'the child was started without it');
});
