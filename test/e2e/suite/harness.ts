// The suite's side of the contract with the harness (README.md): report lines, screenshots and UI actions over
// HTTP, plus a record of the DAP traffic of gosyscall sessions to wait on. Without the harness (electron runs)
// screenshots are skipped and `ui.available` is false: steps then use the API instead of the workbench's DOM.
import * as vscode from 'vscode';

const SHOT_URL = process.env.GOSYSCALL_E2E_SCREENSHOT_URL;
export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

export async function report(line: string): Promise<void> {
  console.log(`[e2e] ${line}`);
  if (!SHOT_URL) return;
  try { await fetch(`${new URL('log', SHOT_URL)}?line=${encodeURIComponent(line)}`); } catch { /* harness gone: console only */ }
}

/** A PNG of the whole workbench as test-results/<name>.png, after the UI has had a moment to render. */
export async function screenshot(name: string, settle = 500): Promise<void> {
  if (!SHOT_URL) return;
  await sleep(settle);
  // no hover left from the last click (a tooltip, a toolbar) in the picture
  await ui.call('hover', { selector: '.part.titlebar .titlebar-left', timeout: 2000 }).catch(() => undefined);
  try {
    const r = await fetch(`${SHOT_URL}?name=${encodeURIComponent(name)}`);
    if (!r.ok) await report(`# screenshot ${name} failed: ${await r.text()}`);
  } catch (e) { await report(`# screenshot ${name} failed: ${(e as Error).message}`); }
}

type UiParams = Record<string, string | number | boolean | undefined>;

/** Mouse, keyboard and DOM reads on the real workbench, done by the harness with playwright. */
export const ui = {
  available: !!SHOT_URL,
  async call<T = Record<string, unknown>>(op: string, params: UiParams): Promise<T> {
    if (!SHOT_URL) throw new Error(`ui ${op}: no harness (GOSYSCALL_E2E_SCREENSHOT_URL is not set)`);
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
    const r = await fetch(`${new URL(`ui/${op}`, SHOT_URL)}?${q}`);
    const body = await r.json() as { ok: boolean; error?: string } & T;
    if (!body.ok) throw new Error(`ui ${op} ${params.selector ?? params.key ?? ''}: ${body.error}`);
    return body;
  },
  click: (selector: string, more: UiParams = {}) => ui.call('click', { selector, ...more }),
  check: (selector: string, checked = true, more: UiParams = {}) => ui.call<{ was: boolean; now: boolean }>('check', { selector, checked, ...more }),
  press: (key: string, more: UiParams = {}) => ui.call('press', { key, ...more }),
  type: (text: string) => ui.call('type', { text }),
  wait: (selector: string, more: UiParams = {}) => ui.call('wait', { selector, ...more }),
  drag: (selector: string, dx: number, dy = 0) => ui.call('drag', { selector, dx, dy }),
  async texts(selector: string, more: UiParams = {}): Promise<string[]> {
    return (await ui.call<{ texts: string[] }>('text', { selector, ...more })).texts;
  },
  /** Texts of the matches once `pred` holds for them (the workbench renders asynchronously). */
  async textsUntil(what: string, selector: string, pred: (texts: string[]) => boolean, ms = 15_000, more: UiParams = {}): Promise<string[]> {
    const end = Date.now() + ms;
    let last: string[] = [];
    for (;;) {
      last = await ui.texts(selector, { wait: false, ...more });
      if (pred(last)) return last;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the workbench shows ${JSON.stringify(last.slice(0, 12)).slice(0, 600)}`);
      await sleep(200);
    }
  },
};

export async function until<T>(what: string, get: () => T | undefined | false | Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface DapMessage { type: string; event?: string; body?: any; command?: string; arguments?: any; seq?: number }

/** Every message to and from gosyscall adapters, for waiting on events and checking what VS Code asked. */
export class Traffic {
  readonly messages: { session: vscode.DebugSession; dir: 'in' | 'out'; msg: DapMessage }[] = [];
  readonly exits: { session: vscode.DebugSession; at: number }[] = [];
  constructor(ctx: vscode.Disposable[]) {
    ctx.push(vscode.debug.registerDebugAdapterTrackerFactory('gosyscall', {
      createDebugAdapterTracker: session => ({
        onDidSendMessage: (msg: DapMessage) => { this.messages.push({ session, dir: 'out', msg }); },
        onWillReceiveMessage: (msg: DapMessage) => { this.messages.push({ session, dir: 'in', msg }); },
        onExit: () => { this.exits.push({ session, at: Date.now() }); },
      }),
    }));
  }
  mark(): number { return this.messages.length; }
  /** Requests VS Code sent to the adapter since `from` (to `session` only, when given). */
  requests(from: number, command: string, session?: vscode.DebugSession): DapMessage[] {
    return this.messages.slice(from).filter(m => m.dir === 'in' && m.msg.type === 'request' && m.msg.command === command &&
      (!session || m.session === session)).map(m => m.msg);
  }
  events(from: number, event: string): { session: vscode.DebugSession; body: any }[] {
    return this.messages.slice(from).filter(m => m.dir === 'out' && m.msg.type === 'event' && m.msg.event === event)
      .map(m => ({ session: m.session, body: m.msg.body ?? {} }));
  }
  /** What the adapters said since `from`: events (with output text) and failed responses, for failure messages. */
  describe(from: number): string {
    const said = this.messages.slice(from).filter(m => m.dir === 'out' && (m.msg.type === 'event' || (m.msg.type === 'response' && !(m.msg as { success?: boolean }).success)))
      .map(({ msg }) => msg.type === 'response' ? `${msg.command} failed: ${(msg as { message?: string }).message ?? ''} ${JSON.stringify(msg.body ?? {}).slice(0, 200)}`
        : `${msg.event}${msg.body?.reason ? `(${msg.body.reason})` : ''}${msg.event === 'output' ? `:${String(msg.body?.output).trim().slice(0, 160)}` : ''}`);
    return said.slice(-12).join(', ') || 'nothing';
  }
  async waitEvent(from: number, event: string, pred: (body: any) => boolean = () => true, ms = 60_000): Promise<{ session: vscode.DebugSession; body: any }> {
    const end = Date.now() + ms;
    for (let i = from; ; ) {
      for (; i < this.messages.length; i++) {
        const { session, dir, msg } = this.messages[i];
        if (dir === 'out' && msg.type === 'event' && msg.event === event && pred(msg.body ?? {})) return { session, body: msg.body ?? {} };
      }
      if (Date.now() > end) {
        throw new Error(`no '${event}' event within ${ms} ms; the adapter said: ${this.describe(from)}`);
      }
      await sleep(50);
    }
  }
}

/**
 * Sets the colour theme where it wins (the harness puts one in the workspace settings) and waits until the
 * workbench shows it. The web workbench ignores the setting at start, so a setting that already names the
 * theme may not be what is on screen: then it is changed away and back.
 */
export async function setTheme(name: string): Promise<void> {
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  const dark = /dark/i.test(name);
  const shown = () => {
    const k = vscode.window.activeColorTheme.kind;
    return dark ? k === vscode.ColorThemeKind.Dark || k === vscode.ColorThemeKind.HighContrast
      : k === vscode.ColorThemeKind.Light || k === vscode.ColorThemeKind.HighContrastLight;
  };
  const config = () => vscode.workspace.getConfiguration('workbench');
  const set = (theme: string) => config().update('colorTheme', theme, target).then(undefined, () => undefined);
  if (config().get('colorTheme') === name && shown()) return;
  if (config().get('colorTheme') === name) await set(dark ? 'Default Light Modern' : 'Default Dark Modern');
  await set(name);
  await until(`the ${name} theme on screen`, shown, 10_000).catch(() => undefined);
  await sleep(600);   // the workbench and webviews repaint with the new colours
}

/** The same view in the dark and the light default themes: <name>-dark.png and <name>-light.png. */
export async function screenshotBothThemes(name: string): Promise<void> {
  if (!ui.available) return;
  await setTheme('Default Dark Modern');
  await screenshot(`${name}-dark`);
  await setTheme('Default Light Modern');
  await screenshot(`${name}-light`);
  await setTheme('Default Dark Modern');
}

/** Ends a session and waits until VS Code says it ended. */
export async function stopSession(s: vscode.DebugSession, ms = 20_000): Promise<void> {
  const ended = new Promise<void>(r => { const d = vscode.debug.onDidTerminateDebugSession(x => { if (x === s) { d.dispose(); r(); } }); });
  await vscode.debug.stopDebugging(s);
  await Promise.race([ended, sleep(ms).then(() => { throw new Error(`session ${s.name} did not terminate within ${ms} ms`); })]);
}
