// Runs the debug adapter (dist/debugAdapter.js) as its own node process, speaking DAP over stdio: the emulator
// never runs in the extension host. process.execPath is node in code-server and Electron in desktop VS Code; its
// environment is ./childEnv's.
import * as vscode from 'vscode';
import { join } from 'node:path';
import { CHILD_ENV } from './childEnv';

export class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly extensionPath: string) {}

  createDebugAdapterDescriptor(): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    // GOSYSCALL_DEBUG_ADAPTER: another adapter script, for developing the adapter itself
    const script = process.env.GOSYSCALL_DEBUG_ADAPTER || join(this.extensionPath, 'dist', 'debugAdapter.js');
    return new vscode.DebugAdapterExecutable(process.execPath, [script], {
      env: { ...CHILD_ENV },
      cwd: this.extensionPath,
    });
  }
}
