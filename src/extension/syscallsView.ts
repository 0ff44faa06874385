// The Syscalls tree view (gosyscall.syscalls): the session's syscall log, newest last. Selecting an entry reveals
// the SYSCALL's source line; "Travel here" runs the program backwards to the stop just before that SYSCALL
// (custom request `travelTo` {seq}).
import * as vscode from 'vscode';
import { syscallItem, type SyscallEntry } from './syscallFormat';
import type { SessionHub } from './sessionHub';
import { revealLocation } from './reveal';

export class SyscallsView implements vscode.TreeDataProvider<SyscallEntry>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<SyscallEntry | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  readonly view: vscode.TreeView<SyscallEntry>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly hub: SessionHub) {
    this.view = vscode.window.createTreeView('gosyscall.syscalls', { treeDataProvider: this });
    this.disposables.push(this.view, this.emitter,
      hub.onDidChange(c => {
        if (c === 'syscalls' || c === 'ended') this.emitter.fire(undefined);
        this.view.description = hub.syscalls.length ? `${hub.syscalls.length}` : undefined;
      }),
      vscode.commands.registerCommand('gosyscall.revealSyscall', (e: SyscallEntry) => this.reveal(e)),
      vscode.commands.registerCommand('gosyscall.travelHere', (e?: SyscallEntry) => this.travel(e ?? this.view.selection[0])));
  }

  dispose(): void { for (const d of this.disposables) d.dispose(); }

  getTreeItem(e: SyscallEntry): vscode.TreeItem {
    const m = syscallItem(e, this.hub.origin);
    const item = new vscode.TreeItem(m.label, vscode.TreeItemCollapsibleState.None);
    item.id = m.id;
    item.description = m.description;
    item.tooltip = m.tooltip;
    item.contextValue = 'syscall';
    item.iconPath = new vscode.ThemeIcon(m.failed ? 'error' : m.blocked ? 'watch' : 'arrow-swap',
      new vscode.ThemeColor(m.failed ? 'charts.red' : m.blocked ? 'charts.orange' : 'charts.blue'));
    item.command = { command: 'gosyscall.revealSyscall', title: 'Reveal source line', arguments: [e] };
    return item;
  }

  getChildren(e?: SyscallEntry): SyscallEntry[] { return e ? [] : this.hub.syscalls; }

  /** Finds the SYSCALL's source line through the adapter's disassembly (it carries source locations). */
  async reveal(e: SyscallEntry): Promise<void> {
    const session = this.hub.session;
    if (!session || !e?.pc) return;
    const dis = await this.hub.request<{ instructions: { location?: { path?: string; name?: string; sourceReference?: number }; line?: number }[] }>(
      'disassemble', { memoryReference: e.pc, instructionCount: 1, resolveSymbols: true });
    const ins = dis?.instructions?.[0];
    if (!ins?.location || !ins.line || !(await revealLocation(session, ins.location, ins.line, true))) {
      void vscode.window.setStatusBarMessage(`No source line for ${e.name} at ${e.pc}`, 3000);
    }
  }

  async travel(e: SyscallEntry | undefined): Promise<void> {
    if (!e || !this.hub.session) { void vscode.window.showInformationMessage('Go Syscall Stepper: select a syscall of a running session first.'); return; }
    try {
      await this.hub.session.customRequest('travelTo', { seq: e.seq });
    } catch (err) {
      void vscode.window.showErrorMessage(`Go Syscall Stepper: cannot travel to #${e.seq} ${e.name}: ${(err as Error).message}`);
    }
  }
}
