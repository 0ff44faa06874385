// F5 without a launch.json: fills type/request/name/program from the active editor (a .s, .go file or a Go
// binary), offers dynamic configurations for the workspace's .s files, and refuses a program it cannot run with
// one clear message before any session starts (so no session hangs on a bad program).
import * as vscode from 'vscode';
import { basename, isAbsolute, join } from 'node:path';
import { classifyProgram } from './programKind';

const TYPE = 'gosyscall';

/** The file shown in the active editor tab: text editors and binary (custom / unknown) editors alike. */
export function activeProgramUri(): vscode.Uri | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && doc.uri.scheme === 'file') return doc.uri;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input as { uri?: unknown } | undefined;
  return input?.uri instanceof vscode.Uri && input.uri.scheme === 'file' ? input.uri : undefined;
}

export function launchConfigFor(program: string): vscode.DebugConfiguration {
  return { type: TYPE, request: 'launch', name: `Step through ${basename(program)}`, program, stopOnEntry: true };
}

export class ConfigProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.ProviderResult<vscode.DebugConfiguration[]> {
    return [{ type: TYPE, request: 'launch', name: 'Step through syscalls', program: '${file}', stopOnEntry: true, gomaxprocs: 2 }];
  }

  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration):
    vscode.ProviderResult<vscode.DebugConfiguration> {
    if (!config.type && !config.request && !config.name) {
      const uri = activeProgramUri();
      if (!uri) {
        void vscode.window.showErrorMessage('Go Syscall Stepper: open a .s, .go file or a Go binary to debug, or add a "gosyscall" launch configuration.');
        return undefined;
      }
      return launchConfigFor(uri.fsPath);
    }
    config.type ??= TYPE;
    if (config.request !== 'launch') {
      void vscode.window.showErrorMessage(`Go Syscall Stepper: only "request": "launch" is supported (got ${JSON.stringify(config.request)}).`);
      return undefined;
    }
    config.name ??= 'Step through syscalls';
    if (!config.program) {
      const uri = activeProgramUri();
      if (!uri) {
        void vscode.window.showErrorMessage('Go Syscall Stepper: the launch configuration has no "program" and no file is open.');
        return undefined;
      }
      config.program = uri.fsPath;
    }
    return config;
  }

  resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration):
    vscode.ProviderResult<vscode.DebugConfiguration> {
    if (typeof config.program !== 'string' || !config.program) {
      void vscode.window.showErrorMessage('Go Syscall Stepper: "program" must be a path to a .s, .go file, Go package folder or linux/amd64 binary.');
      return undefined;
    }
    if (!isAbsolute(config.program) && folder) config.program = join(folder.uri.fsPath, config.program);
    const check = classifyProgram(config.program);
    if (!check.ok) {
      void vscode.window.showErrorMessage(check.message);
      return undefined;
    }
    return config;
  }
}

/** Dynamic configurations (the "Go Syscall Stepper" entry of the Run and Debug picker). */
export class DynamicConfigProvider implements vscode.DebugConfigurationProvider {
  async provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): Promise<vscode.DebugConfiguration[]> {
    const out: vscode.DebugConfiguration[] = [];
    const active = activeProgramUri();
    if (active && classifyProgram(active.fsPath).ok) out.push(launchConfigFor(active.fsPath));
    const pattern = folder ? new vscode.RelativePattern(folder, '**/*.s') : '**/*.s';
    const files = await vscode.workspace.findFiles(pattern, '**/{node_modules,.git,out,dist}/**', 30);
    for (const f of files.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
      if (f.fsPath !== active?.fsPath) out.push(launchConfigFor(f.fsPath));
    }
    return out;
  }
}
