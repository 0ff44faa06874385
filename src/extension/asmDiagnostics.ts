// Assembler diagnostics in Problems for open Go-asm .s files, on open, on save and while typing (half a second
// after the last change). The project's CLI runs as a child process (errors as FILE:LINE:COL: message): nothing of
// the assembler runs in the extension host. A saved model program is checked the way a session loads it, linked
// with the syscall library and the runtime model (`run FILE --max-instructions 1`: one instruction, no guest
// output); any other saved Go asm file with `asm FILE -o TMP`. Unsaved text goes to `asm - --as FILE` on stdin,
// which links a model program with the library and the model too. Files of other assemblers (GNU, NASM) are left
// alone: only text that looks like Go asm is checked.
import * as vscode from 'vscode';
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { childEnv } from './childEnv';
import { isModelProgram, keepAsmMessage, looksLikeGoAsm, parseAsmErrors } from './asmText';

export class AsmDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('gosyscall-asm');
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private readonly running = new Map<string, number>();
  private readonly typing = new Map<string, ReturnType<typeof setTimeout>>();
  private counter = 0;

  constructor(private readonly extensionPath: string) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument(d => this.check(d)),
      vscode.workspace.onDidSaveTextDocument(d => this.check(d)),
      vscode.workspace.onDidChangeTextDocument(e => { if (e.contentChanges.length) this.checkSoon(e.document); }),
      vscode.workspace.onDidCloseTextDocument(d => { this.collection.delete(d.uri); this.cancelTyping(d.uri.toString()); }),
    );
    for (const d of vscode.workspace.textDocuments) this.check(d);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    for (const t of this.typing.values()) clearTimeout(t);
  }

  /** Check after typing pauses: one CLI run per pause, not per keystroke. */
  private checkSoon(doc: vscode.TextDocument): void {
    if (doc.languageId !== 'go.asm' || doc.uri.scheme !== 'file') return;
    const key = doc.uri.toString();
    this.cancelTyping(key);
    this.typing.set(key, setTimeout(() => { this.typing.delete(key); if (!doc.isClosed) this.check(doc); }, TYPING_PAUSE_MS));
  }

  private cancelTyping(key: string): void {
    const t = this.typing.get(key);
    if (t !== undefined) { clearTimeout(t); this.typing.delete(key); }
  }

  check(doc: vscode.TextDocument): void {
    if (doc.languageId !== 'go.asm' || doc.uri.scheme !== 'file') return;
    const text = doc.getText();
    if (!looksLikeGoAsm(text)) { this.collection.delete(doc.uri); return; }
    const cli = join(this.extensionPath, 'dist', 'cli.js');
    if (!existsSync(cli)) return;
    const program = isModelProgram(text);
    const key = doc.uri.toString();
    const version = doc.version;
    const ticket = ++this.counter;
    this.running.set(key, ticket);
    const out = join(tmpdir(), `gosyscall-diag-${process.pid}-${ticket}.elf`);
    const unsaved = doc.isDirty;
    const args = unsaved ? ['asm', '-', '--as', doc.uri.fsPath, '-o', out]
      : program ? ['run', doc.uri.fsPath, '--max-instructions', '1'] : ['asm', doc.uri.fsPath, '-o', out];
    const child = execFile(process.execPath, [cli, ...args], { env: childEnv(), timeout: 15000, cwd: dirname(doc.uri.fsPath) },
      (_err, stdout, stderr) => {
        rmSync(out, { force: true });
        if (this.running.get(key) !== ticket) return;    // a newer check is under way
        this.running.delete(key);
        if (doc.isClosed || doc.version !== version) return; // the text changed since: its own check follows
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
    child.stdin?.on('error', () => { /* the CLI may exit before reading it all */ });
    child.stdin?.end(unsaved ? text : undefined);
  }
}

/** How long typing must pause before unsaved text is checked. */
const TYPING_PAUSE_MS = 500;
