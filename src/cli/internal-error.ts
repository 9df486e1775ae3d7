/**
 * Exit 3 (vmconform itself failed) the way a user can act on: one line on stderr naming a log file, and the stack in
 * that file in the report dir (never a raw stack on the console). The log holds no argument values and no secret.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ENV_ACCESS_KEY_SECRET, redactSecret } from '../signing/credentials.ts';

/** The log's file name. */
export const INTERNAL_ERROR_LOG = 'vmconform-error.log';

/** The report dir a command line names (`--report-dir D` or `--report-dir=D`), else `reports` for commands that write reports. */
export function reportDirOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--report-dir') return argv[i + 1];
    if (a.startsWith('--report-dir=')) return a.slice('--report-dir='.length);
  }
  return ['run', 'fuzz', 'conformance', 'pact'].includes(argv[0] ?? '') ? 'reports' : undefined;
}

/**
 * Write the log of an internal error and return the one line for stderr.
 *
 * @example
 * process.stderr.write(internalErrorLine(err, argv, version)); return EXIT_INTERNAL;
 */
export function internalErrorLine(err: unknown, argv: readonly string[], version: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const scrub = (text: string): string => redactSecret(text, env[ENV_ACCESS_KEY_SECRET]);
  const message = scrub(err instanceof Error ? err.message : String(err));
  const body = [
    `vmconform ${version} internal error at ${new Date().toISOString()}`,
    `command: ${argv[0] ?? '(none)'} (arguments not recorded)`,
    `node ${process.version} on ${process.platform}-${process.arch}`,
    '',
    scrub(err instanceof Error ? (err.stack ?? err.message) : String(err)),
    '',
    'This is a bug in vmconform, not a finding about the target. Please report it with this file.',
  ].join('\n');
  for (const dir of [reportDirOf(argv), tmpdir()]) {
    if (dir === undefined) continue;
    try {
      mkdirSync(dir, { recursive: true });
      const path = resolve(join(dir, INTERNAL_ERROR_LOG));
      writeFileSync(path, `${body}\n`);
      return `vmconform: internal error: ${message} (a bug in vmconform; details in ${path})\n`;
    } catch {
      // try the next place
    }
  }
  return `vmconform: internal error: ${message} (a bug in vmconform)\n`;
}
