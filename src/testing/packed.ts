/**
 * Test support: vmconform as a user gets it. {@link packCopy} packs a copy of this checkout with `npm pack` (its
 * `prepare` builds `dist/` in the copy, never in the checkout, where other tests run the command meanwhile);
 * {@link installPacked} installs the tarball in a scratch project, offline.
 *
 * Offline, robustly: the scratch project gets a lockfile made of this checkout's own (the production entries, at the
 * exact versions `npm ci` installed here, so their tarballs are in npm's cache) and `npm ci --offline` installs from it.
 * A plain `npm install <tarball>` would resolve version ranges from cached metadata and could pick a version newer
 * than the one cached, then fail without a network.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.ts';

/** What a command did. */
export interface CommandRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment for a nested npm: npm's script variables of the outer `npm test` removed (they name this checkout
 * as the project), its configuration (cache, registry, user config) kept; offline.
 */
export function nestedNpmEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    const lower = key.toLowerCase();
    if (lower.startsWith('npm_') && (!lower.startsWith('npm_config_') || lower === 'npm_config_local_prefix')) continue;
    out[key] = value;
  }
  return { ...out, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}

/**
 * Run a command to its end (never rejects: the exit code says how it went).
 *
 * @example
 * const r = await command('npm', ['pack', '--json'], { cwd });
 */
export function command(file: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CommandRun> {
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { cwd: options.cwd, env: options.env ?? nestedNpmEnv(), timeout: options.timeoutMs ?? 300_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** What `npm pack --json` reports of the tarball. */
export interface PackedTarball {
  /** Absolute path of the tarball. */
  readonly path: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly entryCount: number;
  /** Package-relative paths of every file in it. */
  readonly files: readonly string[];
}

/** The checkout's files a pack needs: what `files` names, and what the build reads. */
function packInputs(): string[] {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { files: string[] };
  const fromFiles = pkg.files.map((f) => f.split('/')[0] ?? f).filter((f) => f !== 'dist');
  return [...new Set([...fromFiles, 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'reporters', 'suites'])];
}

/**
 * Copy this checkout's sources into `dir/checkout` (with its node_modules linked) and `npm pack` there: `prepare`
 * builds `dist/` in the copy. Throws with npm's output when packing fails.
 */
export async function packCopy(dir: string): Promise<PackedTarball> {
  const copy = join(dir, 'checkout');
  mkdirSync(copy, { recursive: true });
  for (const name of packInputs()) cpSync(join(PACKAGE_ROOT, name), join(copy, name), { recursive: true });
  symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const r = await command('npm', ['pack', '--json', '--pack-destination', dir], { cwd: copy });
  if (r.code !== 0) throw new Error(`npm pack failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  const [report] = JSON.parse(r.stdout) as { filename: string; size: number; unpackedSize: number; entryCount: number; files: { path: string }[] }[];
  if (report === undefined) throw new Error(`npm pack reported nothing:\n${r.stdout}`);
  return {
    path: join(dir, basename(report.filename)),
    size: report.size,
    unpackedSize: report.unpackedSize,
    entryCount: report.entryCount,
    files: report.files.map((f) => f.path),
  };
}

/** One package of a lockfile's `packages` map (the fields this needs). */
interface LockEntry {
  readonly version?: string;
  readonly dev?: boolean;
  readonly link?: boolean;
  readonly [field: string]: unknown;
}

/** A lockfile (v3), the fields this needs. */
interface Lockfile {
  readonly packages: Readonly<Record<string, LockEntry>>;
}

/** A scratch project's manifest. */
export interface ScratchManifest {
  readonly name: string;
  readonly version: string;
  readonly type: 'module';
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
}

/**
 * The manifest and lockfile of a scratch project that depends on the tarball (`file:` + `tarballName`, next to the
 * project) and, for type checks, on `@types/node`: vmconform's production dependencies at the versions of the
 * checkout's lockfile (the hoisted tree without the dev-only entries is a valid tree of its own).
 *
 * @example
 * const { manifest, lock } = scratchProject(checkoutLock, checkoutManifest, '../vmconform-0.1.0.tgz');
 */
export function scratchProject(
  checkoutLock: Lockfile,
  checkoutManifest: { version: string; license?: string; dependencies: Record<string, string>; bin?: Record<string, string>; engines?: Record<string, string> },
  tarballName: string,
): { manifest: ScratchManifest; lock: object } {
  const typesNode = checkoutLock.packages['node_modules/@types/node'];
  if (typesNode?.version === undefined) throw new Error('the checkout lockfile has no @types/node');
  const manifest: ScratchManifest = {
    name: 'vmconform-scratch',
    version: '1.0.0',
    type: 'module',
    dependencies: { vmconform: `file:${tarballName}` },
    devDependencies: { '@types/node': typesNode.version },
  };
  const packages: Record<string, object> = {
    '': { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies, devDependencies: manifest.devDependencies },
    'node_modules/vmconform': {
      version: checkoutManifest.version,
      resolved: `file:${tarballName}`,
      ...(checkoutManifest.license !== undefined ? { license: checkoutManifest.license } : {}),
      dependencies: checkoutManifest.dependencies,
      ...(checkoutManifest.bin !== undefined ? { bin: checkoutManifest.bin } : {}),
      ...(checkoutManifest.engines !== undefined ? { engines: checkoutManifest.engines } : {}),
    },
  };
  for (const [path, entry] of Object.entries(checkoutLock.packages)) {
    if (path === '' || entry.link === true || !path.startsWith('node_modules/')) continue;
    if (entry.dev !== true) packages[path] = entry;
  }
  for (const path of ['node_modules/@types/node', 'node_modules/undici-types']) {
    const entry = checkoutLock.packages[path];
    if (entry !== undefined && packages[path] === undefined) packages[path] = { ...entry, dev: true };
  }
  return { manifest, lock: { name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages } };
}

/**
 * Make `dir` a scratch project depending on the tarball and install it with `npm ci --offline` (see the module's
 * note). Throws with npm's output when installing fails.
 */
export async function installPacked(dir: string, tarball: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  cpSync(tarball, join(dir, basename(tarball)));
  const read = (file: string): unknown => JSON.parse(readFileSync(join(PACKAGE_ROOT, file), 'utf8'));
  const { manifest, lock } = scratchProject(read('package-lock.json') as Lockfile, read('package.json') as Parameters<typeof scratchProject>[1], basename(tarball));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  const r = await command('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: dir });
  if (r.code !== 0) throw new Error(`npm ci --offline in the scratch project failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
}
