// "Open Samples": the bundled samples/ folder copied where the person can edit and run it, and a command that
// starts a session on one sample (used by the walkthrough).
import * as vscode from 'vscode';
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { launchConfigFor } from './configProvider';

/** Where a sample lives: the workspace (its root, samples/ or gosyscall-samples/), else the bundled copy. */
export function findSample(extensionPath: string, name: string): string | undefined {
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    for (const sub of ['', 'samples', 'gosyscall-samples']) {
      const p = join(f.uri.fsPath, sub, name);
      if (existsSync(p)) return p;
    }
  }
  const bundled = join(extensionPath, 'samples', name);
  return existsSync(bundled) ? bundled : undefined;
}

export async function openSamples(context: vscode.ExtensionContext): Promise<void> {
  const bundled = join(context.extensionPath, 'samples');
  if (!existsSync(bundled)) { void vscode.window.showErrorMessage('Go Syscall Stepper: the samples folder is missing from the extension.'); return; }
  const inWorkspace = findSample(context.extensionPath, 'hello.s');
  if (inWorkspace && !inWorkspace.startsWith(bundled)) { await showFile(inWorkspace); return; }
  const folder = vscode.workspace.workspaceFolders?.[0];
  let dest: string;
  if (folder) {
    dest = join(folder.uri.fsPath, 'gosyscall-samples');
  } else {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Copy samples here' });
    if (!picked?.[0]) return;
    dest = join(picked[0].fsPath, 'gosyscall-samples');
  }
  try {
    if (!existsSync(dest)) cpSync(bundled, dest, { recursive: true });
  } catch (e) {
    void vscode.window.showErrorMessage(`Go Syscall Stepper: cannot copy the samples to ${dest}: ${(e as Error).message}`);
    return;
  }
  if (!folder) {
    const open = await vscode.window.showInformationMessage(`Samples copied to ${dest}.`, 'Open Folder');
    if (open) await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(dest));
    return;
  }
  const hello = join(dest, 'hello.s');
  if (existsSync(hello)) await showFile(hello);
  else void vscode.window.showInformationMessage(`Samples copied to ${dest}.`);
}

async function showFile(path: string): Promise<void> {
  await vscode.window.showTextDocument(vscode.Uri.file(path), { preview: false });
}

/** Opens a sample and starts a session on it, stopped on entry. */
export async function debugSample(context: vscode.ExtensionContext, name: unknown): Promise<boolean> {
  const file = typeof name === 'string' && /^[\w.-]+$/.test(name) ? name : 'hello.s';
  const path = findSample(context.extensionPath, file);
  if (!path) { void vscode.window.showErrorMessage(`Go Syscall Stepper: sample ${file} not found.`); return false; }
  await showFile(path);
  return vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], launchConfigFor(path));
}
