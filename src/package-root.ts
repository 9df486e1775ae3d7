/**
 * Where the package's files are: the folder holding vmconform's `package.json`, with `specs/`, `schemas/`,
 * `contracts/` and `reporters/html/` in it. Found by walking up from this module, so the same code finds them when it
 * runs from the sources (`src/package-root.ts`), from the build (`dist/src/package-root.js`, one level deeper) and
 * from an installed package (`node_modules/vmconform/dist/src/package-root.js`); never from the working directory.
 * Imports nothing but Node's own modules: every layer may use it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The nearest folder at or above `start` that holds a `package.json`.
 *
 * @example
 * findPackageRoot('/home/me/app/node_modules/vmconform/dist/src') // '/home/me/app/node_modules/vmconform'
 */
export function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json at or above ${start}`);
  }
}

/** Absolute path of the package root (no trailing separator). */
export const PACKAGE_ROOT: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/**
 * Absolute path of a file or folder of the package.
 *
 * @example
 * packagePath('specs', 'aliyun-ecs.yaml') // '/…/vmconform/specs/aliyun-ecs.yaml'
 */
export function packagePath(...segments: readonly string[]): string {
  return join(PACKAGE_ROOT, ...segments);
}

let version: string | undefined;

/**
 * The package version (from `package.json`; `0.0.0` when it cannot be read). Read once.
 *
 * @example
 * toolVersion() // '0.1.0'
 */
export function toolVersion(): string {
  if (version === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version?: unknown };
      version = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
    } catch {
      version = '0.0.0';
    }
  }
  return version;
}
