// Requests VS Code's views send on their own (the Disassembly view's disassemble) fail quietly: an error response
// without showUser, so no notification pops up whenever the view is open while the program runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { GoSyscallSession } from '../../src/adapter/session';

function ask(session: GoSyscallSession, command: string, args: unknown): DebugProtocol.Response {
  const out: DebugProtocol.Response[] = [];
  (session as unknown as { sendResponse(r: DebugProtocol.Response): void }).sendResponse = (r) => { out.push(r); };
  (session as unknown as { dispatchRequest(r: DebugProtocol.Request): void }).dispatchRequest({ seq: 1, type: 'request', command, arguments: args });
  assert.equal(out.length, 1);
  return out[0];
}

test('disassemble errors (no program, bad memoryReference) are answered without showUser; others still show', () => {
  const s = new GoSyscallSession();
  const r = ask(s, 'disassemble', { memoryReference: '0x401000', instructionCount: 10 });
  assert.equal(r.success, false);
  assert.match(r.message ?? '', /disassemble: no program is running/);
  assert.equal((r.body as { error?: DebugProtocol.Message }).error?.showUser, false);
  const st = ask(s, 'stackTrace', { threadId: 1 });
  assert.equal(st.success, false);
  assert.equal((st.body as { error?: DebugProtocol.Message }).error?.showUser, true);
});
