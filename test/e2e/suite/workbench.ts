// What a person sees and does in VS Code 1.100's workbench, as CSS selectors for the harness (playwright) and
// small actions built on them. The selectors name VS Code's own DOM classes; when a VS Code update renames one,
// this is the one file to change.
import * as vscode from 'vscode';
import { sleep, ui, until } from './harness';

export const SEL = {
  /** A row of the Breakpoints view's exception filters, by its label (the adapter's filter label). */
  exceptionFilter: (label: string) => `.debug-breakpoints .monaco-list-row:has(.breakpoint.exception > .name:text-is(${JSON.stringify(label)}))`,
  variablesRows: '.debug-variables .monaco-list-row',
  /** A scope's row in the Variables view, by the start of its name; `expanded` true/false picks its state. */
  scopeRow: (name: string, expanded?: boolean) =>
    `.debug-variables .monaco-list-row[aria-label^=${JSON.stringify(`Scope ${name}`)}]${expanded === undefined ? '' : `[aria-expanded="${expanded}"]`}`,
  watchRows: '.debug-watch .monaco-list-row',
  /** The Disassembly view's row of the instruction the thread is stopped at (the stack frame arrow). */
  disassemblyCurrent: '.disassembly-view .monaco-list-row:has(.codicon-debug-stackframe)',
  toastMessages: '.notifications-toasts .notification-toast .notification-list-item-message:visible',
  disassemblyRows: '.disassembly-view .monaco-list-row',
  sidebarRows: '.part.sidebar .monaco-list-row',
  paneHeader: (title: string) => `.part.sidebar .pane-header:has(h3.title:text-is(${JSON.stringify(title)}))`,
  webviewFrames: 'iframe.webview.ready >>> iframe#active-frame',
};

/** Ticks (or clears) an exception filter's checkbox in the Breakpoints view, as a person does. */
export async function setExceptionFilter(label: string, on: boolean): Promise<void> {
  await vscode.commands.executeCommand('workbench.view.debug');
  await expandPane('Breakpoints');
  await ui.wait(SEL.exceptionFilter(label));
  await ui.check(`${SEL.exceptionFilter(label)} input[type=checkbox]`, on);
}

/** Expands a sidebar pane (Variables, Watch, Call Stack, Breakpoints...) when it is collapsed. */
export async function expandPane(title: string): Promise<void> {
  const header = SEL.paneHeader(title);
  await ui.wait(header);
  const collapsed = await ui.texts(`${header}[aria-expanded="false"]`, { wait: false });
  if (collapsed.length) await ui.click(header);
  await ui.wait(`${header}[aria-expanded="true"]`);
}

export async function collapsePane(title: string): Promise<void> {
  const header = SEL.paneHeader(title);
  const expanded = await ui.texts(`${header}[aria-expanded="true"]`, { wait: false });
  if (expanded.length) await ui.click(`${header} h3.title`);
}

/**
 * Expands or collapses a scope of the Variables view. Its list only renders the rows in view, so scopes below
 * a long one appear once the ones above are collapsed: call this top to bottom.
 */
export async function setScopeExpanded(name: string, expanded: boolean): Promise<void> {
  const other = SEL.scopeRow(name, !expanded);
  if (!(await ui.texts(other, { wait: false })).length) return;
  await ui.click(other);
  await ui.wait(SEL.scopeRow(name, expanded), { timeout: 5000 });
}

/** Adds a watch expression as a person does: Watch's "+" opens an input box; type and Enter. */
export async function addWatch(expression: string): Promise<void> {
  await vscode.commands.executeCommand('workbench.debug.viewlet.action.addWatchExpression');
  await ui.wait('.debug-watch .monaco-inputbox input:focus', { timeout: 5000 });
  await ui.type(expression);
  await ui.press('Enter');
}

/** The visible notification toasts' messages. */
export async function toastMessages(): Promise<string[]> {
  return ui.texts(SEL.toastMessages, { wait: false });
}

/** Clears every notification and waits until no toast is shown. */
export async function clearNotifications(): Promise<void> {
  await vscode.commands.executeCommand('notifications.clearAll').then(undefined, () => undefined);
  if (ui.available) await until('the notification toasts to go', async () => (await toastMessages()).length === 0, 5000);
}

/** Waits for the error toasts a refused launch shows; returns them once they have stopped coming. */
export async function settledToasts(ms = 10_000): Promise<string[]> {
  const first = await ui.textsUntil('an error notification', SEL.toastMessages, t => t.length > 0, ms);
  await sleep(600);   // a second message would come right after the first
  const now = await toastMessages();
  return now.length ? now : first;
}
