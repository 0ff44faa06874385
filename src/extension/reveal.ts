// Opening a DAP source location in an editor: a file path, or a `debug:` document for sources the adapter serves
// by reference (the read-only Go runtime model).
import * as vscode from 'vscode';

export interface DapSource { path?: string; name?: string; sourceReference?: number }

export function sourceUri(session: vscode.DebugSession, src: DapSource): vscode.Uri | undefined {
  if (src.sourceReference && src.sourceReference > 0) {
    const path = src.path ?? src.name ?? `source-${src.sourceReference}`;
    return vscode.Uri.from({ scheme: 'debug', path, query: `session=${encodeURIComponent(session.id)}&ref=${src.sourceReference}` });
  }
  return src.path ? pathUri(src.path) : undefined;
}

/**
 * A DAP path as the extension host must open it. In a remote window (code-server) the workbench rewrites paths in
 * DAP answers to `vscode-remote://host/path`; inside the extension host those files are plain `file:` paths.
 */
export function pathUri(path: string): vscode.Uri {
  if (/^[a-z][\w+.-]+:\/\//i.test(path)) {
    const u = vscode.Uri.parse(path);
    return u.scheme === 'vscode-remote' || u.scheme === 'file' ? vscode.Uri.file(u.path) : u;
  }
  return vscode.Uri.file(path);
}

export async function revealLocation(session: vscode.DebugSession, src: DapSource | undefined, line: number, preserveFocus: boolean): Promise<boolean> {
  const uri = src && sourceUri(session, src);
  if (!uri || !(line >= 1)) return false;
  try {
    const doc = await vscode.workspace.openTextDocument(uri);
    const pos = new vscode.Position(Math.min(line - 1, doc.lineCount - 1), 0);
    await vscode.window.showTextDocument(doc, { preserveFocus, preview: true, selection: new vscode.Range(pos, pos) });
    return true;
  } catch {
    return false;
  }
}
