// Assembler diagnostics in Problems for open Go-asm .s files. The project's CLI runs as a child process (errors as
// FILE:LINE:COL: message): nothing of the assembler runs in the extension host. A model program is checked the way
// a session loads it, linked with the syscall library and the runtime model (`run FILE --max-instructions 1`:
// one instruction, no guest output); any other Go asm file with `asm FILE -o TMP`, syntax errors only.
// Files of other assemblers (GNU, NASM) are left alone: only text that looks like Go asm is checked.
import * as vscode from 'vscode';
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { isModelProgram, keepAsmMessage, looksLikeGoAsm, parseAsmErrors } from './asmText';

export class AsmDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('gosyscall-asm');
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private readonly running = new Map<string, number>();
  private counter = 0;

  constructor(private readonly extensionPath: string) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument(d => this.check(d)),
      vscode.workspace.onDidSaveTextDocument(d => this.check(d)),
      vscode.workspace.onDidCloseTextDocument(d => this.collection.delete(d.uri)),
    );
    for (const d of vscode.workspace.textDocuments) this.check(d);
  }

  dispose(): void { for (const d of this.disposables) d.dispose(); }

  check(doc: vscode.TextDocument): void {
    if (doc.languageId !== 'go.asm' || doc.uri.scheme !== 'file' || doc.isDirty) return;
    if (!looksLikeGoAsm(doc.getText())) { this.collection.delete(doc.uri); return; }
    const cli = join(this.extensionPath, 'dist', 'cli.js');
    if (!existsSync(cli)) return;
    const program = isModelProgram(doc.getText());
    const key = doc.uri.toString();
    const ticket = ++this.counter;
    this.running.set(key, ticket);
    const out = join(tmpdir(), `gosyscall-diag-${process.pid}-${ticket}.elf`);
    const args = program ? ['run', doc.uri.fsPath, '--max-instructions', '1'] : ['asm', doc.uri.fsPath, '-o', out];
    execFile(process.execPath, [cli, ...args], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 15000, cwd: dirname(doc.uri.fsPath) },
      (_err, stdout, stderr) => {
        rmSync(out, { force: true });
        if (this.running.get(key) !== ticket) return;    // a newer check is under way
        this.running.delete(key);
        const diags: vscode.Diagnostic[] = [];
        for (const e of parseAsmErrors(`${stderr}\n${stdout}`)) {
          if (resolve(dirname(doc.uri.fsPath), e.file) !== doc.uri.fsPath || !keepAsmMessage(e.message, program)) continue;
          const line = Math.max(0, Math.min(e.line - 1, doc.lineCount - 1));
          const text = doc.lineAt(line).text;
          const col = Math.max(0, Math.min(e.col - 1, text.length));
          const end = /\S/.test(text.slice(col)) ? col + (text.slice(col).match(/^\S+/)?.[0].length ?? 1) : text.length;
          const d = new vscode.Diagnostic(new vscode.Range(line, col, line, Math.max(end, col + 1)), e.message, vscode.DiagnosticSeverity.Error);
          d.source = 'gosyscall asm';
          diags.push(d);
        }
        this.collection.set(doc.uri, diags);
      });
  }
}
