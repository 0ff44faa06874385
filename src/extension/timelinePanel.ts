// The timeline webview: lanes per P, M and G over virtual time (media/timeline.js draws them). The data comes
// from the `timeline` custom request (timelineTypes.ts) at every stop; without a session it shows an empty state.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { SessionHub } from './sessionHub';
import { labelSyscallSlices, laneOrder, sanitizeTimeline, timelineOrigin, type TimelineBody } from './timelineTypes';

export interface TimelineRendered { lanes: number; intervals: number; marks: number }

export class TimelinePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private body: TimelineBody | undefined;
  /** What the webview last reported drawing (the e2e suite reads it). */
  rendered: TimelineRendered | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly renderedEmitter = new vscode.EventEmitter<TimelineRendered>();
  readonly onDidRender = this.renderedEmitter.event;

  constructor(private readonly extensionUri: vscode.Uri, private readonly hub: SessionHub) {
    this.disposables.push(this.renderedEmitter, hub.onDidChange(c => {
      if (!this.panel) return;
      if (c === 'stopped') void this.fetch();
      else if (c === 'ended') { this.body = undefined; this.post(); }
      // the syscall log and the snapshot of a stop may come after the timeline: they only label its slices
      else if ((c === 'syscalls' || c === 'scheduler') && this.body && this.hub.stop) this.post(true);
      else if (c === 'running') void this.panel.webview.postMessage({ type: 'running' });
    }));
  }

  dispose(): void { this.panel?.dispose(); for (const d of this.disposables) d.dispose(); }

  show(): void {
    if (this.panel) { this.panel.reveal(undefined, true); return; }
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel('gosyscall.timeline', 'Go Syscall Timeline',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true, localResourceRoots: [media], retainContextWhenHidden: true });
    panel.iconPath = vscode.Uri.joinPath(media, 'icon.svg');
    const nonce = randomBytes(16).toString('base64');
    const csp = `default-src 'none'; style-src ${panel.webview.cspSource}; script-src 'nonce-${nonce}';`;
    panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'timeline.css'))}">
<title>Go Syscall Timeline</title></head><body>
<div id="app" aria-live="polite"></div>
<script nonce="${nonce}" src="${panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'timeline.js'))}"></script>
</body></html>`;
    panel.webview.onDidReceiveMessage((msg: { type?: string; lanes?: number; intervals?: number; marks?: number; command?: string; seq?: number }) => {
      if (msg?.type === 'ready') { if (this.hub.stopped) void this.fetch(); else this.post(); }
      else if (msg?.type === 'rendered') {
        this.rendered = { lanes: Number(msg.lanes) || 0, intervals: Number(msg.intervals) || 0, marks: Number(msg.marks) || 0 };
        this.renderedEmitter.fire(this.rendered);
      } else if (msg?.type === 'command' && (msg.command === 'gosyscall.openSamples' || msg.command === 'workbench.action.debug.start')) {
        void vscode.commands.executeCommand(msg.command);
      } else if (msg?.type === 'travel' && typeof msg.seq === 'number') {
        const e = this.hub.syscalls.find(s => s.seq === msg.seq);
        if (e) void vscode.commands.executeCommand('gosyscall.travelHere', e);
      }
    }, undefined, this.disposables);
    panel.onDidDispose(() => { this.panel = undefined; this.rendered = undefined; this.body = undefined; }, undefined, this.disposables);
    this.panel = panel;
  }

  private async fetch(): Promise<void> {
    const raw = await this.hub.request<unknown>('timeline');
    if (raw === undefined) return;       // failed or stale: keep what is shown
    this.body = sanitizeTimeline(raw);
    this.post();
  }

  /** `keepView`: the same stop's data again (better labelled): the view keeps its zoom and scroll. */
  private post(keepView = false): void {
    if (!this.panel) return;
    if (this.body && this.hub.session) {
      const body = labelSyscallSlices(this.body, this.hub.syscalls, this.hub.snapshot?.ms ?? []);
      void this.panel.webview.postMessage({ type: 'data', body, lanes: laneOrder(body), origin: timelineOrigin(body), running: !this.hub.stop, keepView });
    } else {
      void this.panel.webview.postMessage({ type: 'empty', session: !!this.hub.session });
    }
  }
}
