// fd-table semantics the Go netpoller depends on, and the sandbox's rules for new entries: edge-triggered epoll reports an edge once, HUP on close,
// lowest-free-fd allocation, description sharing across dup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addDesc, closeFd, collectEpoll, EPOLLET, EPOLLHUP, EPOLLIN, EPOLLOUT, installFd, lowestFreeFd, newFileTable,
  notifyReady, readiness, type Desc,
} from '../../../src/linux/files';
import { SandboxFs } from '../../../src/linux/vfs';
import { EACCES, EEXIST, ENOENT, ENOTDIR } from '../../../src/linux/errno';

function setup() {
  const ft = newFileTable();
  ft.pipes[1] = { data: [], readers: 0, writers: 0 };
  const r = addDesc(ft, { kind: 'pipe', pipe: 1, end: 'r', flags: 0 });
  const w = addDesc(ft, { kind: 'pipe', pipe: 1, end: 'w', flags: 1 });
  installFd(ft, 3, r, true);
  installFd(ft, 4, w, true);
  const epId = addDesc(ft, { kind: 'epoll', interests: [], flags: 0 });
  installFd(ft, 5, epId, true);
  const ep = ft.descs[epId] as Desc & { kind: 'epoll' };
  return { ft, r, w, ep };
}

test('edge-triggered epoll: initial readiness once, then one report per edge', () => {
  const { ft, r, w, ep } = setup();
  ep.interests.push({ fd: 3, desc: r, events: EPOLLIN | EPOLLET, data: 33n, pending: readiness(ft, r) });
  ep.interests.push({ fd: 4, desc: w, events: EPOLLOUT | EPOLLET, data: 44n, pending: readiness(ft, w) });
  assert.deepEqual(collectEpoll(ft, ep, 10), [[EPOLLOUT, 44n]], 'write end writable at registration; read end empty');
  assert.deepEqual(collectEpoll(ft, ep, 10), [], 'an edge is reported once');
  ft.pipes[1].data.push(1, 2, 3);
  assert.deepEqual(notifyReady(ft, r, EPOLLIN).length, 1, 'the epoll watching the read end is woken');
  assert.deepEqual(collectEpoll(ft, ep, 10), [[EPOLLIN, 33n]]);
  assert.deepEqual(collectEpoll(ft, ep, 10), [], 'still readable, but no new edge');
  closeFd(ft, 4);
  notifyReady(ft, r, EPOLLHUP | EPOLLIN);
  assert.deepEqual(collectEpoll(ft, ep, 10), [[EPOLLIN | EPOLLHUP, 33n]], 'writer closed: HUP edge');
  assert.equal(ep.interests.length, 1, 'closing the last reference drops its registration');
});

test('level-triggered epoll reports while ready', () => {
  const { ft, r, ep } = setup();
  ep.interests.push({ fd: 3, desc: r, events: EPOLLIN, data: 1n, pending: 0 });
  assert.deepEqual(collectEpoll(ft, ep, 10), []);
  ft.pipes[1].data.push(9);
  assert.deepEqual(collectEpoll(ft, ep, 10), [[EPOLLIN, 1n]]);
  assert.deepEqual(collectEpoll(ft, ep, 10), [[EPOLLIN, 1n]]);
});

test('fd numbers: lowest free first; dup shares the description until the last close', () => {
  const { ft, r } = setup();
  assert.equal(lowestFreeFd(ft), 0);
  installFd(ft, 0, r, false);
  assert.equal(lowestFreeFd(ft), 1);
  assert.equal(lowestFreeFd(ft, 4), 6);
  assert.equal(closeFd(ft, 3), null, 'fd 0 still refers to the read end');
  assert.equal(ft.pipes[1].readers, 1);
  const last = closeFd(ft, 0);
  assert.ok(last && last.kind === 'pipe');
  assert.equal(ft.pipes[1].readers, 0);
});

test('the sandbox file system: new files, directories and symlinks need a directory parent and stay out of /proc, /sys, /dev', () => {
  const fs = new SandboxFs(undefined, 2);
  assert.equal(fs.mkdir('/work', 0o755, 0), 0);
  assert.equal(fs.create('/work/a.txt', 0o644, 0), 0);
  assert.equal(fs.symlink('a.txt', '/work/link', 0), 0);
  assert.deepEqual([fs.mkdir('/work', 0o755, 0), fs.symlink('x', '/work/link', 0)], [EEXIST, EEXIST]);
  assert.deepEqual([fs.create('/none/b', 0o644, 0), fs.mkdir('/none/d', 0o755, 0), fs.symlink('x', '/none/l', 0)], [ENOENT, ENOENT, ENOENT]);
  assert.deepEqual([fs.create('/work/a.txt/b', 0o644, 0), fs.symlink('x', '/work/a.txt/l', 0)], [ENOTDIR, ENOTDIR]);
  assert.deepEqual([fs.create('/dev/evil', 0o644, 0), fs.mkdir('/proc/evil', 0o755, 0), fs.symlink('/etc', '/dev/evil', 0)], [EACCES, EACCES, EACCES]);
});
