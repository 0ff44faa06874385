// Every *_amd64.s of the installed Go toolchain's src/runtime and src/internal, checked by an independent little
// lexer: each token class a reader sees (comment, register, pseudo-register, mnemonic, label, number, string,
// identifier) must carry its scope. Instruction lines may hold no identifier without a scope of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tokenize, scopesAt, hasScope, Token } from './tokenize';

const GOROOT = process.env.GOROOT_FOR_TESTS ?? '/usr/lib/go-1.23';

function amd64Files(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...amd64Files(p));
    else if (name.endsWith('_amd64.s')) out.push(p);
  }
  return out;
}

const REGISTERS = new Set(('AL CL DL BL AH CH DH BH SPB BPB SIB DIB AX CX DX BX BP SI DI CS SS DS ES FS GS ' +
  'GDTR IDTR LDTR MSW TASK').split(' '));
for (let i = 8; i <= 15; i++) { REGISTERS.add(`R${i}`); REGISTERS.add(`R${i}B`); }
for (let i = 0; i < 32; i++) for (const p of ['X', 'Y', 'Z']) REGISTERS.add(`${p}${i}`);
for (let i = 0; i < 8; i++) for (const p of ['K', 'F', 'M', 'DR', 'TR']) REGISTERS.add(`${p}${i}`);
for (let i = 0; i < 16; i++) REGISTERS.add(`CR${i}`);
const PSEUDO = new Set(['SB', 'FP', 'SP', 'PC', 'TLS']);
const BARE = new Set(['meta', 'source']);   // scopes that do not count as "has a scope"

interface Lexeme { kind: 'word' | 'number' | 'string' | 'char' | 'comment' | 'punct'; text: string; col: number }

/** Lexes one code line (no preprocessor); `inBlock` carries an open block comment across lines. */
function lex(line: string, state: { inBlock: boolean }): Lexeme[] {
  const out: Lexeme[] = [];
  let i = 0;
  while (i < line.length) {
    if (state.inBlock) {
      const e = line.indexOf('*/', i);
      const end = e < 0 ? line.length : e + 2;
      out.push({ kind: 'comment', text: line.slice(i, end), col: i });
      if (e >= 0) state.inBlock = false;
      i = end; continue;
    }
    const rest = line.slice(i);
    let m: RegExpMatchArray | null;
    if (rest.startsWith('/*')) { state.inBlock = true; continue; }
    if (rest.startsWith('//')) { out.push({ kind: 'comment', text: rest, col: i }); break; }
    if ((m = rest.match(/^\$?"(?:\\.|[^"\\])*"/))) out.push({ kind: 'string', text: m[0], col: i });
    else if ((m = rest.match(/^\$?'(?:\\[^']+|[^'\\])'/))) out.push({ kind: 'char', text: m[0], col: i });
    else if ((m = rest.match(/^\d[\w.]*/))) out.push({ kind: 'number', text: m[0], col: i });
    else if ((m = rest.match(/^[A-Za-z_·∕][A-Za-z0-9_·∕.]*/))) out.push({ kind: 'word', text: m[0], col: i });
    else if ((m = rest.match(/^\s+/))) { i += m[0].length; continue; }
    else m = [rest[0]], out.push({ kind: 'punct', text: rest[0], col: i });
    i += m[0].length;
  }
  return out;
}

function scoped(scopes: string[]): boolean {
  return scopes.slice(1).some(s => !BARE.has(s.split('.')[0]));
}

/** Checks one file; returns the list of problems (file:line:col: what). */
async function checkFile(path: string): Promise<string[]> {
  const text = readFileSync(path, 'utf8');
  const lines = text.split(/\r?\n/);
  const toks: Token[][] = await tokenize(text);
  const problems: string[] = [];
  const state = { inBlock: false };
  let continued = false;    // inside a preprocessor directive continued with a backslash
  lines.forEach((line, ln) => {
    const at = (l: Lexeme, what: string) => problems.push(`${path}:${ln + 1}:${l.col + 1}: ${JSON.stringify(l.text)} ${what} [${scopesAt(toks[ln], l.col).slice(1).join(' ')}]`);
    const want = (l: Lexeme, scope: string) => {
      for (let c = l.col; c < l.col + l.text.length; c++) {
        if (!hasScope(scopesAt(toks[ln], c), scope)) { at(l, `should be ${scope}`); return; }
      }
    };
    const preproc = continued || (!state.inBlock && /^\s*#/.test(line));
    if (preproc) {
      continued = /\\\s*$/.test(line);
      if (!toks[ln].filter(t => t.text.trim()).every(t => hasScope(t.scopes, 'meta.preprocessor') || hasScope(t.scopes, 'comment')))
        problems.push(`${path}:${ln + 1}: preprocessor line not all meta.preprocessor`);
      // registers inside macro bodies are registers too
      for (const l of lex(line, { inBlock: false })) {
        if (l.kind === 'comment') break;
        if (l.kind === 'word' && REGISTERS.has(l.text)) want(l, 'variable.other.register');
        if (l.kind === 'word' && !scoped(scopesAt(toks[ln], l.col))) at(l, 'has no scope');
      }
      return;
    }
    const lexemes = lex(line, state);
    let stmtStart = true;    // next word is a label or the mnemonic
    let mnemonic = '';
    for (let k = 0; k < lexemes.length; k++) {
      const l = lexemes[k];
      const next = lexemes[k + 1];
      if (l.kind === 'comment') { want(l, 'comment'); continue; }
      if (l.kind === 'string') { want(l, 'string.quoted'); continue; }
      if (l.kind === 'char' || l.kind === 'number') { want(l, 'constant.numeric'); continue; }
      if (l.kind === 'punct') {
        if (l.text === ';') { stmtStart = true; mnemonic = ''; }
        continue;
      }
      if (stmtStart) {
        if (next?.text === ':') { want(l, 'entity.name.label'); k++; continue; }
        stmtStart = false;
        mnemonic = l.text;
        const isMacro = next?.text === '(' && next.col === l.col + l.text.length || /_/.test(l.text.split('.')[0]) || /[a-z]/.test(l.text);
        if (isMacro) want(l, 'entity.name.function');
        else if (/^(J[A-Z]+|CALL|RET)$/.test(l.text)) want(l, 'keyword.control');
        else want(l, 'keyword');
        continue;
      }
      if (REGISTERS.has(l.text)) want(l, 'variable.other.register');
      else if (PSEUDO.has(l.text)) want(l, 'variable.language');
      else if (mnemonic === 'TEXT' && lexemes[k - 1]?.text === 'TEXT') want(l, 'entity.name.function');
      else if (/^(CALL|JMP)$/.test(mnemonic) && lexemes[k + 1]?.text === '(' && lexemes[k + 2]?.text === 'SB') want(l, 'entity.name.function');
      else if (/^(TEXT|GLOBL)$/.test(mnemonic) && /^(NOSPLIT|NOFRAME|DUPOK|RODATA|NOPTR|WRAPPER|NEEDCTXT|TLSBSS|TOPFRAME|ABIWRAPPER)$/.test(l.text)) want(l, 'storage.modifier');
      else if (!scoped(scopesAt(toks[ln], l.col))) at(l, 'has no scope');
    }
  });
  return problems;
}

const files = [...amd64Files(join(GOROOT, 'src', 'runtime')), ...amd64Files(join(GOROOT, 'src', 'internal'))];

test(`Go ${GOROOT} runtime and internal *_amd64.s files are fully scoped`, { skip: files.length === 0 && `no Go at ${GOROOT}` }, async () => {
  assert.ok(files.length >= 30, `expected the runtime's amd64 files, found ${files.length}`);
  const problems: string[] = [];
  for (const f of files) problems.push(...await checkFile(f));
  assert.deepEqual(problems.slice(0, 40), [], `${problems.length} problems`);
});

function sFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap(n => statSync(join(dir, n)).isDirectory() ? sFiles(join(dir, n)) : n.endsWith('.s') ? [join(dir, n)] : []);
}
const samples = sFiles(join(__dirname, '..', '..', '..', '..', 'samples'));

test('the bundled samples are fully scoped', { skip: samples.length === 0 && 'no samples yet' }, async () => {
  const problems: string[] = [];
  for (const f of samples) problems.push(...await checkFile(f));
  assert.deepEqual(problems.slice(0, 40), [], `${problems.length} problems`);
});

test('the checker itself catches an unscoped register (sanity)', async () => {
  // A grammar-independent check: a register inside a comment is not a register, one in code is.
  const l = lex('\tMOVQ AX, BX // CX', { inBlock: false });
  assert.deepEqual(l.map(x => x.kind), ['word', 'word', 'punct', 'word', 'comment']);
});
