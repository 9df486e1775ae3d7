/**
 * The dependency rules of DESIGN.md §1, enforced: the provider never imports the judge (cases, engine, suites) nor the
 * client-side dialect modules; dialects never import cases, engine or provider (they never decide verdicts); cases
 * never touch the wire; reporters only read results. And the command line starts light: `--help` and `--version`
 * load the command registrations and commander, nothing a command runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NAME_SCAN_SCOPE, scanSource, scanTree, scopeFiles } from './testing/dialect-name-scan.ts';
import { loadedModules } from './testing/loaded-modules.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** Project-relative paths of the local modules a file imports (static and dynamic imports, re-exports). */
function localImports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1] ?? '');
  return specs.map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)));
}

function violations(dir: string, forbidden: (target: string) => boolean): string[] {
  return sources(dir).flatMap((file) => localImports(file).filter(forbidden).map((target) => `${file} imports ${target}`));
}

const under = (...prefixes: string[]) => (target: string) => prefixes.some((p) => target === p || target.startsWith(`${p}/`));

describe('dependency rules (DESIGN.md §1)', () => {
  it('finds the imports it checks (the scan itself works)', () => {
    expect(localImports('src/engine/run-case.ts')).toContain('src/engine/target-session.ts');
    expect(localImports('src/engine/target-session.ts')).toContain('src/engine/recorded-client.ts');
    expect(localImports('src/engine/recorded-client.ts')).toContain('src/dialects/client.ts');
  });

  it('the reference provider imports no case, engine, suite, coverage or wrong provider, and of the dialects only their descriptions', () => {
    const allowedDialect = (t: string): boolean => t === 'src/dialects/types.ts' || t === 'src/dialects/description.ts' || t.startsWith('src/dialects/descriptions/');
    expect(
      violations('src/provider', (t) =>
        under('src/cases', 'src/engine', 'suites', 'src/coverage', 'src/wrong-providers', 'src/cli', 'reporters')(t) ||
        (t.startsWith('src/dialects/') && !allowedDialect(t)),
      ),
    ).toEqual([]);
  });

  it('dialects and signing never import cases, engine, provider or reporters (they never decide verdicts)', () => {
    const judge = under('src/cases', 'src/engine', 'src/provider', 'reporters', 'suites', 'src/coverage', 'src/cli');
    expect([...violations('src/dialects', judge), ...violations('src/signing', judge)]).toEqual([]);
  });

  it('cases are data: no engine, provider or wire code', () => {
    expect(
      violations('src/cases', (t) =>
        under('src/engine', 'src/provider', 'src/signing', 'reporters')(t) ||
        ['src/dialects/client.ts', 'src/dialects/transport.ts', 'src/dialects/curl.ts'].includes(t),
      ),
    ).toEqual([]);
  });

  it('reporters only read results: they never send requests or run cases (curl.ts only formats a request)', () => {
    expect(
      violations('reporters', (t) =>
        (under('src/dialects', 'src/provider', 'src/cases')(t) && t !== 'src/dialects/types.ts' && t !== 'src/dialects/curl.ts') ||
        [
          'src/engine/run-case.ts',
          'src/engine/checks.ts',
          'src/engine/launch.ts',
          'src/engine/attempts.ts',
          'src/engine/recorded-client.ts',
          'src/engine/target-session.ts',
          'src/engine/provider-states.ts',
        ].includes(t),
      ),
    ).toEqual([]);
  });

  it('Pact loads lazily: only src/pact/verify.ts imports @pact-foundation, and nothing imports it statically but the verifier child process and test support', () => {
    const all = [...sources('src'), ...sources('reporters'), ...sources('bin'), ...sources('suites')];
    const pactImports = all.filter((file) => /from\s+'@pact-foundation\//.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(pactImports).toEqual(['src/pact/verify.ts']);
    const staticImports = (file: string): string[] =>
      [...readFileSync(join(ROOT, file), 'utf8').matchAll(/^import\s(?!type\s)[^;]*?from\s+'(\.{1,2}\/[^']+)'/gm)].map((m) => relative(ROOT, resolve(ROOT, dirname(file), m[1] ?? '')));
    const importers = all.filter((file) => staticImports(file).includes('src/pact/verify.ts'));
    // verify-child.ts is the entry of the child process that src/pact/isolated.ts forks: Pact loads only there.
    expect(importers.filter((file) => !file.startsWith('src/testing/'))).toEqual(['src/pact/verify-child.ts']);
  });
});

describe('an instant command line (issue 12): --help and --version load no command', () => {
  /** Packages only a command's action may load. */
  const HEAVY = ['vitest', 'vite', '@vitest', 'msw', '@mswjs', 'ajv', 'yaml', 'undici', 'fast-xml-parser', 'fast-check', '@pact-foundation', 'graphql'];
  /** The project's modules a registration may load (sources or their build in dist/), by path without the extension. */
  const LIGHT = new Set([
    'bin/vmconform',
    'src/errors',
    'src/package-root',
    'src/dialects/types',
    'src/engine/defaults',
    'src/fuzz/names',
    'src/signing/credentials',
    'src/cli/main',
    'src/cli/options',
    'src/cli/vocabulary',
    'src/cli/consent',
    'src/cli/internal-error',
    'reporters/safe-text',
    'src/engine/interrupt',
    ...['run', 'mock', 'conformance', 'coverage', 'cases', 'fuzz', 'pact', 'repro', 'judge', 'proxy'].map((c) => `src/cli/${c}-command`),
    'src/cli/results-commands',
  ]);

  it.for(['--help', '--version', 'run --help', 'pact verify --help'])('vmconform %s', async (line) => {
    const loaded = await loadedModules(line.split(' '));
    const ours = loaded
      .filter((file) => !file.includes('/node_modules/') && file.startsWith(`${ROOT}/`))
      .map((file) => relative(ROOT, file).replace(/^dist\//, '').replace(/\.(ts|js)$/, ''));
    const packages = new Set(loaded.flatMap((file) => (/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file) ?? []).slice(1)));
    // The scan sees what it should: the entry point, the CLI and commander.
    expect(ours).toContain('src/cli/main');
    expect(packages.has('commander')).toBe(true);
    expect(ours.filter((m) => !LIGHT.has(m))).toEqual([]);
    expect([...packages].filter((p) => HEAVY.some((h) => p === h || p.startsWith(`${h}/`)))).toEqual([]);
  });
});

describe('dialects are told apart by their descriptions only (issue 17)', () => {
  it('the scan finds every form of comparison (fed a string, not the tree)', () => {
    const code = [
      "if (d === 'aliyun-ecs') a();",
      "switch (d) { case 'zenlayer-vm': break; }",
      "d.startsWith('tencent');",
      "['zenlayer-vm', 'zenlayer-bmc'].includes(d);",
      "new Set(['tencent-cvm-api3']).has(d);",
      '/^zenlayer/.test(d);',
      "const k = d === x ? 'aliyun-ecs' : 'zenlayer-vm';",
      "const ok = describeDialect('aliyun-ecs').protocol === p; const z = 'zen' === d; /aliyun-ecs http:/.test(out);",
    ].join('\n');
    expect(scanSource('probe.ts', code).map((c) => `${c.line}:${c.kind}`)).toEqual(['1:compare', '2:case', '3:call', '4:list', '5:list', '6:regexp', '7:choice']);
  });

  it('no dialect-name comparison outside src/dialects/ (sources, tests, scripts, benches, reporters, suites, bin)', () => {
    expect(scopeFiles(ROOT, NAME_SCAN_SCOPE)).toContain('src/provider/core.ts');
    expect(scanTree(ROOT, NAME_SCAN_SCOPE).map((c) => `${c.file}:${c.line} ${c.text}`)).toEqual([]);
  });
});
