// Loads syntaxes/goasm.tmLanguage.json into vscode-textmate (with the oniguruma wasm VS Code itself uses) and turns
// text into per-line tokens. Shared by the grammar tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const root = join(__dirname, '..', '..', '..', '..');
export const GRAMMAR_PATH = join(root, 'syntaxes', 'goasm.tmLanguage.json');

export interface Token { text: string; start: number; end: number; scopes: string[] }

let grammarPromise: Promise<vsctm.IGrammar> | undefined;

export function loadGrammar(): Promise<vsctm.IGrammar> {
  grammarPromise ??= (async () => {
    const wasm = readFileSync(join(root, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName: string) => scopeName === 'source.go.asm'
        ? vsctm.parseRawGrammar(readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH) : null,
    });
    const grammar = await registry.loadGrammar('source.go.asm');
    if (!grammar) throw new Error('grammar source.go.asm did not load');
    return grammar;
  })();
  return grammarPromise;
}

/** Tokenizes a whole document; one token array per line. */
export async function tokenize(text: string): Promise<Token[][]> {
  const grammar = await loadGrammar();
  let stack = vsctm.INITIAL;
  const out: Token[][] = [];
  for (const line of text.split(/\r?\n/)) {
    const r = grammar.tokenizeLine(line, stack);
    out.push(r.tokens.map(t => ({ text: line.slice(t.startIndex, t.endIndex), start: t.startIndex, end: t.endIndex, scopes: t.scopes })));
    stack = r.ruleStack;
  }
  return out;
}

/** Scopes of the token covering column `col` of a tokenized line. */
export function scopesAt(line: Token[], col: number): string[] {
  for (const t of line) if (col >= t.start && col < t.end) return t.scopes;
  return [];
}

export function hasScope(scopes: string[], prefix: string): boolean {
  return scopes.some(s => s === prefix || s.startsWith(prefix + '.'));
}
