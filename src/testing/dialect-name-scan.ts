/**
 * Finds code that tells dialects apart by name (issue 17): a comparison with a dialect's name or a prefix of one
 * (`d === 'aliyun-ecs'`, `case 'zenlayer-vm':`, `d.startsWith('tencent')`, `['zenlayer-vm', 'zenlayer-bmc'].includes(d)`,
 * `/^zenlayer/.test(d)`, `d === 'x' ? 'aliyun-ecs' : ...`). Such code compiles silently when a dialect is added and does
 * the wrong thing for it; facts belong in the dialect's description (`src/dialects/descriptions/`) or in a
 * `Record<DialectName, ...>` the compiler checks for completeness. Used by the architecture test and by
 * `scripts/add-dialect-probe.ts`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { DIALECT_NAMES } from '../dialects/types.ts';

/** One place that compares a dialect name. */
export interface NameComparison {
  /** Project-relative path. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** What kind of comparison: `compare`, `case`, `call`, `list`, `regexp` or `choice`. */
  readonly kind: 'compare' | 'case' | 'call' | 'list' | 'regexp' | 'choice';
  /** The code, whitespace folded, at most 90 characters. */
  readonly text: string;
}

/** Methods whose string argument compares (`d.startsWith('tencent')`, `names.has('zenlayer-vm')`). */
const COMPARING_METHODS = new Set(['includes', 'startsWith', 'endsWith', 'indexOf', 'lastIndexOf', 'has', 'match', 'test', 'search']);
/** Methods that, called on an array literal of names, ask whether a value is one of them. */
const MEMBERSHIP_METHODS = new Set(['includes', 'indexOf', 'has', 'some', 'every', 'find', 'filter']);
const EQUALITY = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

/**
 * Whether a string is a dialect name or a hyphen-bounded prefix of one (`tencent`, `tencent-cvm`, `zenlayer-vm`).
 *
 * @example
 * isNameLike('zenlayer', ['zenlayer-vm']) // true
 * isNameLike('zen', ['zenlayer-vm'])      // false
 */
export function isNameLike(s: string, names: readonly string[] = DIALECT_NAMES): boolean {
  return s.length > 0 && names.some((n) => n === s || n.startsWith(`${s}-`));
}

/**
 * The dialect-name comparisons in one source text.
 *
 * @example
 * scanSource('x.ts', "if (d === 'aliyun-ecs') go();").map((c) => c.kind) // ['compare']
 */
export function scanSource(file: string, text: string, names: readonly string[] = DIALECT_NAMES): NameComparison[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const nameLiteral = (n: ts.Node | undefined): boolean =>
    n !== undefined && ts.isStringLiteralLike(n) && isNameLike(n.text, names);
  const nameRegExp = (n: ts.Node): boolean => {
    if (!ts.isRegularExpressionLiteral(n)) return false;
    // Only a pattern that is nothing but names (`/^zenlayer/`, `/^(tencent|aliyun)-/`), not one that reads a text.
    const alternatives = n.text.slice(1, n.text.lastIndexOf('/')).replace(/[\^$()?:]/g, '').split('|');
    return alternatives.every((a) => isNameLike(a.replace(/-$/, ''), names));
  };
  const out: NameComparison[] = [];
  const hit = (n: ts.Node, kind: NameComparison['kind']): void => {
    const line = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
    out.push({ file, line, kind, text: n.getText(sf).replace(/\s+/g, ' ').slice(0, 90) });
  };
  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && EQUALITY.has(n.operatorToken.kind) && (nameLiteral(n.left) || nameLiteral(n.right))) {
      hit(n, 'compare');
    } else if (ts.isCaseClause(n) && nameLiteral(n.expression)) {
      hit(n.expression, 'case');
    } else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
      const method = n.expression.name.text;
      const receiver = n.expression.expression;
      if (COMPARING_METHODS.has(method) && n.arguments.some((a) => nameLiteral(a) || nameRegExp(a))) hit(n, 'call');
      else if (COMPARING_METHODS.has(method) && nameRegExp(receiver)) hit(n, 'regexp');
      else if (MEMBERSHIP_METHODS.has(method) && ts.isArrayLiteralExpression(receiver) && receiver.elements.some((e) => nameLiteral(e))) hit(n, 'list');
    } else if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'Set') {
      const first = n.arguments?.[0];
      if (first !== undefined && ts.isArrayLiteralExpression(first) && first.elements.some((e) => nameLiteral(e))) hit(n, 'list');
    } else if (ts.isConditionalExpression(n) && (nameLiteral(n.whenTrue) || nameLiteral(n.whenFalse))) {
      hit(n, 'choice');
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** What {@link scanTree} scans. */
export interface ScanScope {
  /** Top-level folders to scan. */
  readonly dirs: readonly string[];
  /** Project-relative path prefixes left out. */
  readonly exclude: readonly string[];
  /** Whether `*.test.ts` files are scanned too. */
  readonly tests: boolean;
}

/** The folders the architecture test scans: every TypeScript source but the dialect modules themselves. */
export const NAME_SCAN_SCOPE: ScanScope = Object.freeze({
  dirs: Object.freeze(['src', 'suites', 'reporters', 'scripts', 'bench', 'bin']),
  exclude: Object.freeze(['src/dialects/']),
  tests: true,
});

/**
 * The project-relative TypeScript files of a scope under `root`.
 *
 * @example
 * scopeFiles(process.cwd(), NAME_SCAN_SCOPE).includes('src/provider/core.ts') // true
 */
export function scopeFiles(root: string, scope: ScanScope): string[] {
  return scope.dirs
    .flatMap((dir) => {
      try {
        return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
          .map((e) => relative(root, join(e.parentPath, e.name)));
      } catch {
        return [];
      }
    })
    .filter((f) => !f.split('/').includes('node_modules'))
    .filter((f) => !scope.exclude.some((p) => f.startsWith(p)))
    .filter((f) => scope.tests || !f.endsWith('.test.ts'))
    .sort();
}

/**
 * Every dialect-name comparison in a scope of a source tree.
 *
 * @example
 * scanTree(process.cwd(), NAME_SCAN_SCOPE) // [] when dialects are told apart by their descriptions only
 */
export function scanTree(root: string, scope: ScanScope = NAME_SCAN_SCOPE, names: readonly string[] = DIALECT_NAMES): NameComparison[] {
  return scopeFiles(root, scope).flatMap((f) => scanSource(f, readFileSync(join(root, f), 'utf8'), names));
}
