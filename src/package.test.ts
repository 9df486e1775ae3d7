/**
 * vmconform as a user installs it: the tarball `npm pack` makes (its `prepare` builds dist/), installed in a scratch
 * project offline, run there without tsx, imported from plain Node ESM, and type-checked by a consumer with a
 * default strict tsconfig. One pack and one install for the whole file (see src/testing/packed.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT, toolVersion } from './package-root.ts';
import { command, installPacked, packCopy, type PackedTarball } from './testing/packed.ts';

const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
};

/**
 * The package a bare import specifier names (`@scope/name/sub` -> `@scope/name`), or undefined for Node's own and
 * for vmconform itself (its doc comments show imports from it).
 */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || specifier.startsWith('/') || /^vmconform(\/|$)/.test(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** The packages the files below `dir` with one of the endings import (static, dynamic and type imports). */
function importedPackages(dir: string, ending: string): Set<string> {
  const found = new Set<string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(ending)) continue;
    const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
    for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire(?:Module)?\s*\(\s*|^import\s+|reference types=)["']([^"']+)["']/gm)) {
      const name = packageOf(m[1] ?? '');
      if (name !== undefined) found.add(name);
    }
  }
  return found;
}

describe('the packed package, installed in a scratch project', () => {
  let scratch = '';
  let app = '';
  let packed: PackedTarball;

  beforeAll(async () => {
    scratch = realpathSync(mkdtempSync(join(tmpdir(), 'vmconform-pack-')));
    packed = await packCopy(scratch);
    app = join(scratch, 'app');
    await installPacked(app, packed.path);
  }, 600_000);

  afterAll(() => {
    if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
  });

  it('packs the build, the command and the data files, and no test, test support, bench or TypeScript source', () => {
    const files = packed.files;
    for (const must of [
      'package.json',
      'bin/vmconform.js',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/cli/main.js',
      'dist/src/cli/main.js.map',
      'dist/src/pact/verify-child.js',
      'dist/src/provider/index.d.ts',
      'dist/suites/stop-instances.suite.js',
      'dist/reporters/vmconform-reporter.js',
      'specs/aliyun-ecs.yaml',
      'specs/sources/DESIGN.md',
      'schemas/results.schema.json',
      'contracts/zenlayer-vm.json',
      'reporters/html/report.js',
    ]) {
      expect(files, must).toContain(must);
    }
    const unwanted = files.filter(
      (f) => /\.test\.|(^|\/)testing\/|^bench\/|^scripts\/|^src\/|test-helpers|sdk-suite|wrong-providers|legal-providers/.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')),
    );
    expect(unwanted).toEqual([]);
    // Every path the exports map names is in the tarball.
    for (const [key, target] of Object.entries(manifest.exports)) {
      for (const path of typeof target === 'string' ? [target] : [target.types, target.default]) {
        if (!path.includes('*')) expect(files, key).toContain(path.replace(/^\.\//, ''));
      }
    }
  });

  it('declares as dependencies exactly what its built code imports (Pact and fast-check included, tsx not)', () => {
    const dist = join(app, 'node_modules', 'vmconform', 'dist');
    const runtime = importedPackages(dist, '.js');
    const types = importedPackages(dist, '.d.ts');
    const declared = Object.keys(manifest.dependencies);
    expect([...runtime].filter((p) => !declared.includes(p))).toEqual([]);
    // A dependency is imported at run time, or only by the declarations (openapi-types: types for the spec documents).
    expect(declared.filter((p) => !runtime.has(p) && !types.has(p))).toEqual([]);
    expect(declared.filter((p) => !runtime.has(p))).toEqual(['openapi-types']);
    expect(runtime.has('@pact-foundation/pact') && runtime.has('fast-check') && runtime.has('vitest')).toBe(true);
    expect(Object.keys(manifest.devDependencies)).toContain('tsx');
    expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false);
  });

  it('runs `npx vmconform --version`, a run and a pact verify (Pact in its child process) against `vmconform mock` from the build, without tsx', async () => {
    const version = await command('npx', ['--offline', 'vmconform', '--version'], { cwd: app });
    expect(version.stdout.trim(), version.stderr).toBe(toolVersion());
    const mock = spawn(join(app, 'node_modules', '.bin', 'vmconform'), ['mock', '--dialect', 'zenlayer-vm', '--port', '0'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        mock.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString('utf8');
          const m = /^zenlayer-vm (\S+)$/m.exec(out);
          if (m?.[1] !== undefined) resolve(m[1]);
        });
        mock.on('exit', (code) => reject(new Error(`vmconform mock exited ${code}: ${out}`)));
      });
      const run = await command('npx', ['--offline', 'vmconform', 'run', '--dialect', 'zenlayer-vm', '--target', url, '--report-dir', 'reports'], { cwd: app });
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/34 cases: 34 passed, 0 failed/);
      const results = JSON.parse(readFileSync(join(app, 'reports', 'results.json'), 'utf8')) as { version: string; runs: { cases: unknown[] }[] };
      expect(results.version).toBe(toolVersion());
      expect(results.runs[0]?.cases).toHaveLength(34);
      const pact = await command('npx', ['--offline', 'vmconform', 'pact', 'verify', '--dialect', 'zenlayer-vm', '--target', url, '--report-dir', 'pact-reports'], { cwd: app });
      expect(pact.code, `${pact.stdout}\n${pact.stderr}`).toBe(0);
      expect(pact.stdout).toMatch(/Pact's verifier: every interaction verified/);
      expect(pact.stdout).toMatch(/34 cases: 33 passed, 0 failed, 1 skipped/);
    } finally {
      mock.kill('SIGTERM');
    }
  });

  /** Start `npx vmconform ...` in the scratch app, wait until its stdout matches `ready`, send `signal` to npx (or its group). */
  async function npxUntil(args: readonly string[], ready: RegExp, signal: NodeJS.Signals, group = false): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; match: RegExpExecArray }> {
    const child = spawn('npx', ['--offline', 'vmconform', ...args], { cwd: app, detached: group, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
    const match = await new Promise<RegExpExecArray>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString('utf8');
        const m = ready.exec(stdout);
        if (m) resolve(m);
      });
      void ended.then(() => reject(new Error(`npx ended first: ${stdout}\n${stderr}`)));
    });
    await new Promise((r) => setTimeout(r, 1_000));
    if (group) process.kill(-(child.pid ?? 0), signal);
    else child.kill(signal);
    const end = await ended;
    // npm may end before vmconform has finished its clean stop: give it the time a user's shell would.
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    return { ...end, stdout, stderr, match };
  }

  /** Whether anything still listens on a URL's port. */
  async function listening(url: string): Promise<boolean> {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return true;
    } catch {
      return false;
    }
  }

  async function eventually(what: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    for (;;) {
      if (await what()) return true;
      if (Date.now() > until) return false;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('signals through a real npx: a mock SIGTERMed through npx leaves no orphan on its port; a run SIGTERMed through npx or Ctrl-C\'d (the process group) reports itself interrupted', async () => {
    // `npx` ends at SIGTERM without passing it on to vmconform (npm signals the `sh -c` it runs the bin with); vmconform
    // watches npm and that shell and takes their end as the first signal.
    const mock = await npxUntil(['mock', '--dialect', 'zenlayer-vm', '--port', '0', '--transition-ms', '3000'], /^zenlayer-vm (\S+)$/m, 'SIGTERM');
    const mockUrl = mock.match[1] ?? '';
    expect(await eventually(async () => !(await listening(mockUrl)), 10_000), `the mock still listens on ${mockUrl} after npx ended`).toBe(true);

    const target = spawn(join(app, 'node_modules', '.bin', 'vmconform'), ['mock', '--dialect', 'zenlayer-vm', '--port', '0', '--transition-ms', '3000'], { cwd: app, stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const url = await new Promise<string>((resolve) => {
        let out = '';
        target.stdout.on('data', (c: Buffer) => {
          out += c.toString('utf8');
          const m = /^zenlayer-vm (\S+)$/m.exec(out);
          if (m?.[1] !== undefined) resolve(m[1]);
        });
      });
      for (const [how, signal, group] of [['SIGTERM to npx', 'SIGTERM', false], ['Ctrl-C to the group', 'SIGINT', true]] as const) {
        const dir = join(app, `interrupted-${signal}`);
        // The header's gate line is printed as the cases start; every case takes 3 s (the transition), so all are running.
        const run = await npxUntil(['run', '--dialect', 'zenlayer-vm', '--target', url, '--report-dir', dir], /^ {2}gate: /m, signal, group);
        const results = join(dir, 'results.json');
        expect(await eventually(() => existsSync(results) && (JSON.parse(readFileSync(results, 'utf8')) as { interrupted?: boolean }).interrupted === true, 20_000), `${how}: ${run.stdout}\n${run.stderr}`).toBe(true);
        expect(run.code === 130 || run.code === 143 || run.signal !== null, how).toBe(true);
      }
    } finally {
      target.kill('SIGTERM');
    }
  });

  it('imports the msw handlers and startProviderServer from plain Node ESM', async () => {
    writeFileSync(
      join(app, 'plain.mjs'),
      `import { getResponse } from 'msw';
import { providerHandlers, startProviderServer } from 'vmconform/provider';
import { getDialect } from 'vmconform/dialects';
import { DIALECT_NAMES } from 'vmconform';
const seed = { action: 'setup', state: 'instances exist', params: { instances: [{ id: 'vm-1', status: 'RUNNING' }] } };
const handlers = providerHandlers('zenlayer-vm', { origin: 'http://vm.test' });
const viaMsw = await getResponse(handlers, new Request('http://vm.test/_vmconform/provider-states', { method: 'POST', body: JSON.stringify(seed) }));
const server = await startProviderServer({ dialect: 'zenlayer-vm', port: 0 });
const viaHttp = await fetch(server.url + '/_vmconform/provider-states', { method: 'POST', body: JSON.stringify(seed) });
await server.close();
console.log(JSON.stringify({ msw: viaMsw?.status, http: viaHttp.status, dialects: DIALECT_NAMES.length, name: getDialect('aliyun-ecs').name }));
`,
    );
    const r = await command(process.execPath, ['plain.mjs'], { cwd: app });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ msw: 200, http: 200, dialects: 6, name: 'aliyun-ecs' });
  });

  it('type-checks a consumer with a default strict tsconfig (tsc --init of TypeScript 5.9, DOM lib on, skipLibCheck off)', async () => {
    writeFileSync(
      join(app, 'consumer.ts'),
      `import { setupServer } from 'msw/node';
import { main, DIALECT_NAMES, EXIT_OK, type Baseline, type CaseResult, type DialectName, type ResultsDocument } from 'vmconform';
import { main as cliMain } from 'vmconform/cli';
import { createProvider, providerHandlers, startProviderServer, type ProviderOptions, type RunningProvider } from 'vmconform/provider';
import { DIALECTS, getDialect } from 'vmconform/dialects';
import type { Dialect, WireRequest } from 'vmconform/dialects/types';
import { aliyunEcs } from 'vmconform/dialects/aliyun-ecs';

const options: ProviderOptions = { transitionMs: 50, origin: 'http://cvm.test' };
const server = setupServer(...providerHandlers('tencent-cvm-api3', options));
server.use(...createProvider('zenlayer-vm', { rules: { stoppableWords: ['RUNNING', 'STOPPED'] } }).handlers);
const running: RunningProvider = await startProviderServer({ dialect: 'aliyun-ecs', port: 0 });
const names: readonly DialectName[] = DIALECT_NAMES;
const dialect: Dialect = getDialect(names[0] ?? 'aliyun-ecs');
const same: boolean = DIALECTS['aliyun-ecs'] === aliyunEcs;
const ok: boolean = (await main(['--version'])) === EXIT_OK && (await cliMain(['--help'])) === EXIT_OK;
const baseline: Baseline = { schemaVersion: 1, known: [{ dialect: 'aliyun-ecs', id: 'x', reason: 'y' }] };
declare const doc: ResultsDocument;
const firstCase: string | undefined = doc.runs[0]?.cases[0]?.id;
declare const result: CaseResult;
const url: string | undefined = result.exchanges?.[0]?.request.url;
declare const wire: WireRequest;
const method: 'GET' | 'POST' = wire.method;
await running.close();
export { baseline, dialect, firstCase, method, ok, same, url };
`,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'esnext',
          lib: ['ES2023', 'DOM'],
          types: [],
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          strict: true,
          verbatimModuleSyntax: true,
          isolatedModules: true,
          noUncheckedSideEffectImports: true,
          moduleDetection: 'force',
          skipLibCheck: false,
          noEmit: true,
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = await command(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app });
    expect(`${r.stdout}${r.stderr}`.split('\n').filter((l) => /error TS\d+/.test(l))).toEqual([]);
    expect(r.code).toBe(0);
  });
});
