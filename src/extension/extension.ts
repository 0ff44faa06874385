// Activation: wires the adapter factory, configuration providers, the views, the timeline, the editor features
// and the commands. Returns a small API the end-to-end suite reads (the views' current models).
import * as vscode from 'vscode';
import { AdapterFactory } from './adapterFactory';
import { ConfigProvider, DynamicConfigProvider } from './configProvider';
import { SessionHub } from './sessionHub';
import { SchedulerView } from './schedulerView';
import { SyscallsView } from './syscallsView';
import { TimelinePanel } from './timelinePanel';
import { registerEditorFeatures } from './editorFeatures';
import { AsmDiagnostics } from './asmDiagnostics';
import { debugSample, openSamples } from './samples';
import type { SchedNode } from './schedulerModel';
import type { SyscallEntry } from './syscallFormat';

export interface GoSyscallApi {
  hub: SessionHub;
  schedulerNodes(): SchedNode[];
  syscalls(): SyscallEntry[];
  timeline: TimelinePanel;
  /** The SYSCALL line decorated now: document URI, 0-based line, decoded call. */
  syscallLine(): { uri: string; line: number; text: string } | undefined;
}

export function activate(context: vscode.ExtensionContext): GoSyscallApi {
  const hub = new SessionHub();
  const scheduler = new SchedulerView(hub);
  const syscalls = new SyscallsView(hub);
  const timeline = new TimelinePanel(context.extensionUri, hub);
  const editor = registerEditorFeatures(hub);
  context.subscriptions.push(
    hub, scheduler, syscalls, timeline,
    vscode.debug.registerDebugAdapterDescriptorFactory('gosyscall', new AdapterFactory(context.extensionPath)),
    vscode.debug.registerDebugConfigurationProvider('gosyscall', new ConfigProvider()),
    vscode.debug.registerDebugConfigurationProvider('gosyscall', new DynamicConfigProvider(), vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    ...editor.disposables,
    new AsmDiagnostics(context.extensionPath),
    vscode.commands.registerCommand('gosyscall.openSamples', () => openSamples(context)),
    vscode.commands.registerCommand('gosyscall.debugSample', (name?: string) => debugSample(context, name)),
    vscode.commands.registerCommand('gosyscall.showTimeline', () => timeline.show()),
  );
  return { hub, schedulerNodes: () => scheduler.nodes, syscalls: () => hub.syscalls, timeline, syscallLine: () => editor.decoration.line };
}

export function deactivate(): void { /* everything is in context.subscriptions */ }
