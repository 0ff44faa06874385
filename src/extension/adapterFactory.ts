// Runs the debug adapter (dist/debugAdapter.js) as its own node process, speaking DAP over stdio: the emulator
// never runs in the extension host. process.execPath is node in code-server and Electron in desktop VS Code;
// ELECTRON_RUN_AS_NODE makes the latter behave as node.
import * as vscode from 'vscode';
import { join } from 'node:path';

export class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly extensionPath: string) {}

  createDebugAdapterDescriptor(): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    // GOSYSCALL_DEBUG_ADAPTER: another adapter script, for developing the adapter itself
    const script = process.env.GOSYSCALL_DEBUG_ADAPTER || join(this.extensionPath, 'dist', 'debugAdapter.js');
    return new vscode.DebugAdapterExecutable(process.execPath, [script], {
      env: { ELECTRON_RUN_AS_NODE: '1' },
      cwd: this.extensionPath,
    });
  }
}
