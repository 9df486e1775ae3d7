/**
 * What adding a dialect costs (issue 17 item 4): adds a throwaway dialect to a temporary copy of the repository, as a
 * copy of an existing one under a new name, lets the compiler say which files must change, fills every registry the
 * compiler names (a `Record<DialectName, ...>` missing the new key gets a copy of the source dialect's entry) until
 * the compiler is content or asks for something a registry copy cannot give, and prints the files flagged and touched,
 * inside and outside `src/dialects/`, and the dialect-name comparisons that compile silently. The working tree is
 * never written; the copy is removed at the end.
 *
 *   npx tsx scripts/add-dialect-probe.ts [--root DIR] [--from zenlayer-vm] [--name probe-vm] [--keep]
 *
 * `--root` measures another checkout (e.g. /work/main, the tree before the descriptions); only its tracked files are
 * copied, as they are in its working tree.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ts from 'typescript';
import { DIALECT_NAMES } from '../src/dialects/types.ts';
import { NAME_SCAN_SCOPE, scanTree } from '../src/testing/dialect-name-scan.ts';

const TYPES = 'src/dialects/types.ts';
const DESCRIPTIONS = 'src/dialects/descriptions/index.ts';
const MODULES = 'src/dialects/index.ts';
const MAX_ROUNDS = 4;

/** One compiler error. */
interface TscError {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly code: string;
  readonly message: string;
}

const { values: opts } = parseArgs({
  options: {
    root: { type: 'string' },
    from: { type: 'string', default: 'zenlayer-vm' },
    name: { type: 'string', default: 'probe-vm' },
    keep: { type: 'boolean', default: false },
  },
});
const root = resolve(opts.root ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const from = opts.from ?? 'zenlayer-vm';
const name = opts.name ?? 'probe-vm';
if (!(DIALECT_NAMES as readonly string[]).includes(from)) throw new Error(`--from must be one of ${DIALECT_NAMES.join(', ')}`);

const git = (...args: string[]): string => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' });
const statusBefore = git('status', '--porcelain');
const work = mkdtempSync(join(tmpdir(), 'add-dialect-probe-'));
const touched = new Map<string, string[]>();
const touch = (file: string, why: string): void => void touched.set(file, [...(touched.get(file) ?? []), why]);
const read = (file: string): string => readFileSync(join(work, file), 'utf8');
const write = (file: string, text: string): void => writeFileSync(join(work, file), text);
const outside = (file: string): boolean => !file.startsWith('src/dialects/');

/** Copies the tracked files (as they are in the working tree) and links node_modules. */
function copyTree(): void {
  for (const file of git('ls-files', '-z').split('\0').filter((f) => f !== '' && f !== 'node_modules')) {
    if (!existsSync(join(root, file))) continue;
    mkdirSync(dirname(join(work, file)), { recursive: true });
    cpSync(join(root, file), join(work, file));
  }
  symlinkSync(realpathSync(join(root, 'node_modules')), join(work, 'node_modules'));
}

/** Inserts `text` into `file` at character offset `at`. */
function insertAt(file: string, at: number, text: string): void {
  const src = read(file);
  write(file, src.slice(0, at) + text + src.slice(at));
}

/** The source file of a copy's file, parsed. */
const parse = (file: string): ts.SourceFile => ts.createSourceFile(file, read(file), ts.ScriptTarget.Latest, true);

/** The name of a property (`'zenlayer-vm'`, `zenlayer`), or undefined. */
function propertyName(p: ts.ObjectLiteralElementLike): string | undefined {
  const n = p.name;
  return n !== undefined && (ts.isStringLiteral(n) || ts.isIdentifier(n)) ? n.text : undefined;
}

/** The object literal under `start` (breadth first) with a property named `key`. */
function objectWith(start: ts.Node, key: string): ts.ObjectLiteralExpression | undefined {
  const queue: ts.Node[] = [start];
  for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
    if (ts.isObjectLiteralExpression(n) && n.properties.some((p) => propertyName(p) === key)) return n;
    n.forEachChild((c) => void queue.push(c));
  }
  return undefined;
}

/** Adds the new name to DIALECT_NAMES, after the source dialect. */
function addName(): void {
  const sf = parse(TYPES);
  const literal = objectOrArrayLiteral(sf, 'DIALECT_NAMES');
  const last = literal.elements[literal.elements.length - 1];
  if (last === undefined) throw new Error('DIALECT_NAMES is empty');
  insertAt(TYPES, last.getEnd(), `,\n  '${name}'`);
  touch(TYPES, `'${name}' added to DIALECT_NAMES`);
}

function objectOrArrayLiteral(sf: ts.SourceFile, variable: string): ts.ArrayLiteralExpression {
  let found: ts.ArrayLiteralExpression | undefined;
  const visit = (n: ts.Node): void => {
    if (found === undefined && ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === variable && n.initializer) {
      const queue: ts.Node[] = [n.initializer];
      for (let c = queue.shift(); c !== undefined && found === undefined; c = queue.shift()) {
        if (ts.isArrayLiteralExpression(c)) found = c;
        else c.forEachChild((x) => void queue.push(x));
      }
    }
    n.forEachChild(visit);
  };
  visit(sf);
  if (found === undefined) throw new Error(`no ${variable} array in ${sf.fileName}`);
  return found;
}

/** With descriptions: the new dialect's description (a copy of the source's under the new name) and its module. */
function addDescription(): void {
  if (!existsSync(join(work, DESCRIPTIONS))) return;
  const sf = parse(DESCRIPTIONS);
  const registry = objectWith(sf, from);
  const entry = registry?.properties.find((p) => propertyName(p) === from);
  if (entry === undefined || !ts.isPropertyAssignment(entry) || !ts.isIdentifier(entry.initializer)) {
    throw new Error(`${DESCRIPTIONS}: no '${from}': IDENTIFIER entry`);
  }
  const source = entry.initializer.text;
  const importOf = sf.statements.find(
    (s): s is ts.ImportDeclaration => ts.isImportDeclaration(s) && s.getText(sf).includes(source) && ts.isStringLiteral(s.moduleSpecifier),
  );
  if (importOf === undefined || !ts.isStringLiteral(importOf.moduleSpecifier)) throw new Error(`${DESCRIPTIONS}: no import of ${source}`);
  const constant = name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  const file = `src/dialects/descriptions/${name}.ts`;
  write(
    file,
    `/** Throwaway dialect of scripts/add-dialect-probe.ts: ${from} under another name. */\n` +
      `import { defineDialect, type DialectDescription } from '../description.ts';\n` +
      `import { ${source} } from '${importOf.moduleSpecifier.text}';\n\n` +
      `/** ${name}'s description. */\n` +
      `export const ${constant}: DialectDescription = defineDialect({ ...${source}, name: '${name}' });\n`,
  );
  touch(file, `new: ${from}'s description under the name '${name}'`);
  insertAt(DESCRIPTIONS, entry.getEnd(), `,\n  '${name}': ${constant}`);
  insertAt(DESCRIPTIONS, 0, `import { ${constant} } from './${name}.ts';\n`);
  touch(DESCRIPTIONS, `'${name}': ${constant} registered`);
  // The dialect module: the source's module with the new description over it (same protocol, same wire code).
  const modules = parse(MODULES);
  const moduleEntry = objectWith(modules, from)?.properties.find((p) => propertyName(p) === from);
  if (moduleEntry === undefined || !ts.isPropertyAssignment(moduleEntry)) throw new Error(`${MODULES}: no '${from}' entry`);
  insertAt(MODULES, moduleEntry.getEnd(), `,\n  '${name}': Object.freeze({ ...${moduleEntry.initializer.getText(modules)}, ...${constant} })`);
  insertAt(MODULES, 0, `import { ${constant} } from './descriptions/${name}.ts';\n`);
  touch(MODULES, `'${name}' registered (${from}'s module over the new description)`);
}

/** Runs the compiler in the copy. */
function compile(): TscError[] {
  const run = spawnSync(join(work, 'node_modules/.bin/tsc'), ['--noEmit', '-p', 'tsconfig.json'], { cwd: work, encoding: 'utf8' });
  const errors: TscError[] = [];
  for (const m of run.stdout.matchAll(/^(\S[^(\n]*)\((\d+),(\d+)\): error (TS\d+): (.*)$/gm)) {
    errors.push({ file: m[1] ?? '', line: Number(m[2]), col: Number(m[3]), code: m[4] ?? '', message: m[5] ?? '' });
  }
  if (errors.length === 0 && run.status !== 0) throw new Error(`tsc failed without errors:\n${run.stdout}${run.stderr}`);
  return errors;
}

/** Fills the registry an error names (a missing key) with a copy of the source dialect's entry; false if it cannot. */
function fill(error: TscError): boolean {
  if (!error.message.includes(`'"${name}"'`) && !error.message.includes(`'${name}'`)) return false;
  const sf = parse(error.file);
  const at = sf.getPositionOfLineAndCharacter(error.line - 1, error.col - 1);
  let node: ts.Node | undefined = findToken(sf, at);
  while (node !== undefined && !ts.isStatement(node) && !ts.isVariableDeclaration(node) && !ts.isPropertyAssignment(node)) {
    const obj = objectWith(node, from);
    if (obj !== undefined && !obj.properties.some((p) => propertyName(p) === name)) return fillObject(error.file, sf, obj);
    node = node.parent;
  }
  const obj = node === undefined ? undefined : objectWith(node, from);
  return obj !== undefined && !obj.properties.some((p) => propertyName(p) === name) && fillObject(error.file, sf, obj);
}

function fillObject(file: string, sf: ts.SourceFile, obj: ts.ObjectLiteralExpression): boolean {
  const entry = obj.properties.find((p) => propertyName(p) === from);
  if (entry === undefined || !ts.isPropertyAssignment(entry)) return false;
  insertAt(file, entry.getEnd(), `,\n  '${name}': ${entry.initializer.getText(sf)}`);
  touch(file, `line ${sf.getLineAndCharacterOfPosition(entry.getStart(sf)).line + 1}: '${name}' gets ${from}'s entry`);
  return true;
}

function findToken(sf: ts.SourceFile, at: number): ts.Node {
  let node: ts.Node = sf;
  for (;;) {
    const child: ts.Node | undefined = node.getChildren(sf).find((c) => c.getStart(sf) <= at && at < c.getEnd());
    if (child === undefined) return node;
    node = child;
  }
}

const files = (errors: readonly TscError[]): string[] => [...new Set(errors.map((e) => e.file))].sort();
const list = (label: string, items: readonly string[]): void => {
  console.log(`${label}: ${items.length}`);
  for (const i of items) console.log(`  ${i}`);
};

try {
  console.log(`add-dialect-probe: '${name}' as a copy of '${from}' in a copy of ${root} (${git('rev-parse', '--short', 'HEAD').trim()})`);
  copyTree();
  addName();
  addDescription();
  let errors = compile();
  const firstRound = errors;
  list('files the compiler flags outside src/dialects/ (first compile)', files(firstRound).filter(outside));
  list('files the compiler flags inside src/dialects/ (first compile)', files(firstRound).filter((f) => !outside(f)));
  for (let round = 1; round < MAX_ROUNDS && errors.length > 0; round++) {
    // Bottom-up, so that an insertion does not move the places later errors point at.
    const ordered = [...errors].sort((a, b) => b.file.localeCompare(a.file) || b.line - a.line || b.col - a.col);
    const filled = ordered.map(fill).filter(Boolean).length;
    if (filled === 0) break;
    errors = compile();
  }
  list('compiler errors a registry copy cannot fix (a person must change the code)', errors.map((e) => `${e.file}:${e.line} ${e.code} ${e.message.slice(0, 140)}`));
  const entries = [...touched.entries()].sort(([a], [b]) => a.localeCompare(b));
  list('files touched outside src/dialects/', entries.filter(([f]) => outside(f)).map(([f, why]) => `${f} (${why.join('; ')})`));
  list('files touched inside src/dialects/', entries.filter(([f]) => !outside(f)).map(([f, why]) => `${f} (${why.join('; ')})`));
  const silent = scanTree(work, { ...NAME_SCAN_SCOPE, tests: false });
  const silentTests = scanTree(work, NAME_SCAN_SCOPE).length - silent.length;
  list(
    `dialect-name comparisons outside src/dialects/ that compile silently (non-test code; tests: ${silentTests} more)`,
    silent.map((c) => `${c.file}:${c.line} ${c.text}`),
  );
} finally {
  if (opts.keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
  const statusAfter = git('status', '--porcelain');
  console.log(statusAfter === statusBefore ? `tree unchanged: ${root}` : `TREE CHANGED: ${root}\n${statusAfter}`);
  if (statusAfter !== statusBefore) process.exitCode = 1;
}
