// The Scheduler tree view (gosyscall.scheduler): Ps, Ms, Gs and sched from the hub's snapshot. Items changed since
// the previous stop are highlighted; selecting an M shows its thread's stack.
import * as vscode from 'vscode';
import { buildSchedulerTree, mIdOfThreadName, type SchedNode } from './schedulerModel';
import type { SessionHub } from './sessionHub';
import { revealLocation } from './reveal';

export class SchedulerView implements vscode.TreeDataProvider<SchedNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<SchedNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private roots: SchedNode[] = [];
  readonly view: vscode.TreeView<SchedNode>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly hub: SessionHub) {
    this.view = vscode.window.createTreeView('gosyscall.scheduler', { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(this.view, this.emitter,
      hub.onDidChange(c => { if (c === 'scheduler' || c === 'ended') this.refresh(); else if (c === 'running' || c === 'stopped') this.updateMessage(); }),
      this.view.onDidChangeSelection(e => { const n = e.selection[0]; if (n?.mId !== undefined) void this.selectM(n.mId); }));
  }

  dispose(): void { for (const d of this.disposables) d.dispose(); }

  /** The current tree (for tests and the e2e suite). */
  get nodes(): SchedNode[] { return this.roots; }

  private refresh(): void {
    this.roots = this.hub.snapshot ? buildSchedulerTree(this.hub.snapshot, this.hub.previous, this.hub.origin) : [];
    this.updateMessage();
    this.emitter.fire(undefined);
  }

  private updateMessage(): void {
    this.view.message = this.hub.session && !this.hub.stop && this.roots.length ? 'Running… (showing the last stop)' : undefined;
    this.view.description = this.hub.snapshot ? (this.hub.snapshot.source === 'model' ? 'model' : 'from memory') : undefined;
  }

  getTreeItem(n: SchedNode): vscode.TreeItem {
    const label: vscode.TreeItemLabel = { label: n.label, highlights: n.changed ? [[0, n.label.length]] : undefined };
    const item = new vscode.TreeItem(label, n.children ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = n.id;
    item.description = n.changed && !n.children ? `● ${n.description ?? ''}` : n.description;
    item.tooltip = n.tooltip;
    item.contextValue = n.contextValue;
    if (n.icon) item.iconPath = new vscode.ThemeIcon(n.icon.id, n.icon.color ? new vscode.ThemeColor(n.icon.color) : undefined);
    return item;
  }

  getChildren(n?: SchedNode): SchedNode[] { return n ? n.children ?? [] : this.roots; }

  getParent(n: SchedNode): SchedNode | undefined { return this.roots.find(r => r.children?.includes(n)); }

  /** Shows the DAP thread of M `id`: focuses Call Stack and opens its top frame's source. */
  async selectM(id: number): Promise<void> {
    const threads = await this.hub.request<{ threads: { id: number; name: string }[] }>('threads');
    const thread = threads?.threads.find(t => mIdOfThreadName(t.name) === id);
    if (!thread) { void vscode.window.setStatusBarMessage(`M${id} has no thread to show`, 3000); return; }
    const st = await this.hub.request<{ stackFrames: { line: number; column: number; source?: { path?: string; sourceReference?: number } }[] }>(
      'stackTrace', { threadId: thread.id, startFrame: 0, levels: 1 });
    await vscode.commands.executeCommand('workbench.debug.action.focusCallStackView').then(undefined, () => undefined);
    const top = st?.stackFrames[0];
    if (top && this.hub.session) await revealLocation(this.hub.session, top.source, top.line, true);
  }
}
