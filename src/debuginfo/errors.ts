// One error type for everything that reads a binary: the message names the file and the offset or address, so a
// person can tell which part of which binary is unreadable. Public APIs catch it and return it as data.

export class DebugInfoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DebugInfoError';
  }
}

export function hex(n: number | bigint): string {
  return '0x' + n.toString(16);
}

/** Runs `f`; a DebugInfoError (or any other throw from malformed data) becomes `{ error }`. */
export function attempt<T>(what: string, f: () => T): { value: T; error?: undefined } | { value?: undefined; error: string } {
  try {
    return { value: f() };
  } catch (e) {
    const msg = e instanceof DebugInfoError ? e.message : `${what}: ${(e as Error)?.message ?? String(e)}`;
    return { error: msg };
  }
}
