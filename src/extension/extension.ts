// Placeholder until src/extension is written (owned by the extension work).
import * as vscode from 'vscode';
export function activate(_context: vscode.ExtensionContext): void { /* filled by the extension work */ }
export function deactivate(): void { /* nothing */ }
