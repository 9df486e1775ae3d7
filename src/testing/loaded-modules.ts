/**
 * Test support: which modules a `vmconform` command line loads. The command runs the way a user runs it (`node
 * bin/vmconform.js ...` in a child process: the build, or the sources through tsx when the build is stale) with a
 * recorder preloaded: a module resolve hook notes every ES module, and at exit the CommonJS cache adds the rest.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN } from './cli.ts';

/** The resolve hook (runs on the hooks thread): appends every resolved URL to the log file. */
const HOOKS = `
import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(file, resolved.url + '\\n');
  return resolved;
}`;

/** The preloaded module: registers the hook, and at exit appends the CommonJS modules that were required. */
const RECORDER = `
import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
const file = process.env.VMCONFORM_MODULE_LOG;
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}), { data: { file } });
process.on('exit', () => {
  const cache = createRequire(process.cwd() + '/').cache;
  appendFileSync(file, Object.keys(cache).join('\\n') + '\\n');
});`;

/**
 * Run `vmconform ...args` and return the absolute paths of every module file it loaded (Node's own left out), sorted.
 *
 * @example
 * const loaded = await loadedModules(['--help']); // [..., '/…/node_modules/commander/index.js', ...]
 */
export async function loadedModules(args: readonly string[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'vmconform-modules-'));
  const log = join(dir, 'modules.log');
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', `data:text/javascript,${encodeURIComponent(RECORDER)}`, BIN, ...args],
        { env: { ...process.env, NO_COLOR: '1', VMCONFORM_MODULE_LOG: log }, timeout: 60_000 },
        (err, _stdout, stderr) => (err ? reject(new Error(`vmconform ${args.join(' ')} failed: ${err.message}\n${stderr}`)) : resolve()),
      );
    });
    const entries = readFileSync(log, 'utf8').split('\n').filter((line) => line.startsWith('file:') || line.startsWith('/'));
    return [...new Set(entries.map((e) => (e.startsWith('file:') ? fileURLToPath(e) : e)))].sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
