// Editor features for Go assembly: the current SYSCALL line decorated at a stop, inline register values,
// register hovers during a session, and a hover on a syscall number that works without a session.
import * as vscode from 'vscode';
import { registerAt, registersOnLine, syscallHintAt } from './asmText';
import type { SessionHub } from './sessionHub';
import { sourceUri } from './reveal';

const ASM: vscode.DocumentSelector = [{ language: 'go.asm' }];

export function registerEditorFeatures(hub: SessionHub): { disposables: vscode.Disposable[]; decoration: SyscallLineDecoration } {
  const decoration = new SyscallLineDecoration(hub);
  return { decoration, disposables: [
    decoration,
    vscode.languages.registerInlineValuesProvider(ASM, { provideInlineValues: inlineValues }),
    vscode.languages.registerEvaluatableExpressionProvider(ASM, {
      provideEvaluatableExpression(doc, pos) {
        const r = registerAt(doc.lineAt(pos.line).text, pos.character);
        return r ? new vscode.EvaluatableExpression(new vscode.Range(pos.line, r.start, pos.line, r.end), r.word) : undefined;
      },
    }),
    vscode.languages.registerHoverProvider(ASM, {
      provideHover(doc, pos) {
        const lines = doc.getText().split(/\r?\n/);
        const h = syscallHintAt(lines, pos.line, pos.character);
        if (!h) return undefined;
        const md = new vscode.MarkdownString(`**${h.name}** — Linux amd64 syscall ${h.nr}` +
          (h.via === 'AX' ? '\n\nThe number in AX selects the kernel function SYSCALL enters.' : '\n\nThe `trap` argument of `syscall·Syscall`.'));
        return new vscode.Hover(md, new vscode.Range(pos.line, h.start, pos.line, h.end));
      },
    }),
  ] };
}

/** Register values next to the stopped line and the few lines above it in the same function. */
function inlineValues(doc: vscode.TextDocument, viewPort: vscode.Range, ctx: vscode.InlineValueContext): vscode.InlineValue[] {
  const out: vscode.InlineValue[] = [];
  const stopLine = ctx.stoppedLocation.end.line;
  const first = Math.max(viewPort.start.line, stopLine - 8);
  for (let l = stopLine; l >= first; l--) {
    const text = doc.lineAt(l).text;
    if (l < stopLine && /^\s*TEXT\b/.test(text)) break;
    for (const r of registersOnLine(text)) out.push(new vscode.InlineValueEvaluatableExpression(new vscode.Range(l, r.start, l, r.end), r.word));
    if (/^\s*TEXT\b/.test(text)) break;
  }
  return out;
}

/** Marks the line of the SYSCALL the program stopped at (or before). */
export class SyscallLineDecoration implements vscode.Disposable {
  private readonly type = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('gosyscall.syscallLineBackground'),
    overviewRulerColor: new vscode.ThemeColor('charts.orange'),
    overviewRulerLane: vscode.OverviewRulerLane.Full,
  });
  private current: { uri: string; line: number; text: string } | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly hub: SessionHub) {
    this.disposables.push(this.type,
      hub.onDidChange(c => { if (c === 'stopped') void this.update(); else if (c === 'running' || c === 'ended') this.set(undefined); }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.apply()));
  }

  dispose(): void { for (const d of this.disposables) d.dispose(); }

  /** The line decorated now (the e2e suite reads it). */
  get line(): { uri: string; line: number; text: string } | undefined { return this.current; }

  private async update(): Promise<void> {
    const stop = this.hub.stop;
    const session = this.hub.session;
    if (!stop || !session || stop.threadId === undefined) return this.set(undefined);
    const gen = this.hub.generation;
    const st = await this.hub.request<{ stackFrames: { line: number; source?: { path?: string; name?: string; sourceReference?: number } }[] }>(
      'stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 1 }, gen);
    const top = st?.stackFrames?.[0];
    const uri = top?.source && sourceUri(session, top.source);
    if (!top || !uri || gen !== this.hub.generation) return this.set(undefined);
    let lineText = '';
    let docUri = uri.toString();     // the opened document's own URI is the one its editors carry
    try { const doc = await vscode.workspace.openTextDocument(uri); docUri = doc.uri.toString(); lineText = doc.lineAt(top.line - 1).text; } catch { /* not readable */ }
    // only a SYSCALL instruction's line: the other syscall-family filters (handoff, entersyscall...) stop elsewhere
    const isSyscall = /^\s*(?:[A-Za-z_]\w*:\s*)?SYSCALL\b/.test(lineText);
    if (gen !== this.hub.generation) return;
    const call = stop.reason === 'syscall' && /^\w+\(/.test(stop.description ?? '') ? stop.description ?? '' : '';
    this.set(isSyscall ? { uri: docUri, line: top.line - 1, text: call } : undefined);
  }

  private set(v: { uri: string; line: number; text: string } | undefined): void {
    this.current = v;
    this.apply();
  }

  private apply(): void {
    for (const ed of vscode.window.visibleTextEditors) {
      const c = this.current;
      if (!c || ed.document.uri.toString() !== c.uri || c.line >= ed.document.lineCount) { ed.setDecorations(this.type, []); continue; }
      const range = ed.document.lineAt(c.line).range;
      ed.setDecorations(this.type, [{
        range,
        hoverMessage: c.text ? `Stopped before ${c.text}` : 'SYSCALL',
        renderOptions: c.text ? { after: { contentText: `  ⇢ ${c.text}`, color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic' } } : undefined,
      }]);
    }
  }
}
