import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { gStatusName, pStatusName } from '../../../src/goruntime/snapshot';

test('status names follow Go constants', () => {
  assert.equal(gStatusName(3), '_Gsyscall');
  assert.equal(gStatusName(0x1002), '_Gscan|_Grunning');
  assert.equal(pStatusName(2), '_Psyscall');
});
