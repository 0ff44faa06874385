// The environment of the node processes the extension starts (the debug adapter, the CLI for diagnostics).
//
// ELECTRON_RUN_AS_NODE: process.execPath is Electron in desktop VS Code; this makes it behave as node.
// NODE_EXTRA_CA_CERTS: when set (corporate machines set it to add their CA), every node start parses the whole CA
// bundle before running any script: ~45 ms and ~300 page faults here. These processes never open a network
// connection (the emulator's sandbox has no sockets), so they start without it. Set empty rather than removed:
// VS Code merges an adapter's env into its own, so a missing key would be inherited.

/** Variables set for the extension's node processes, over the inherited environment. */
export const CHILD_ENV: Readonly<Record<string, string>> = { ELECTRON_RUN_AS_NODE: '1', NODE_EXTRA_CA_CERTS: '' };

/** `base` with CHILD_ENV applied: the whole environment for a process started with child_process. */
export function childEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, ...CHILD_ENV };
}
