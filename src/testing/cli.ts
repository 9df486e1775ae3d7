/**
 * Test support: the vmconform command line, run the way a user runs it (`node bin/vmconform.js ...` in a child
 * process, asynchronously so that targets served by the test process keep answering) or, for commands that only
 * read files, in the test's own process (no start-up per call).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { main } from '../cli/main.ts';

/** The installed command's entry point. */
export const BIN: string = fileURLToPath(new URL('../../bin/vmconform.js', import.meta.url));

/** What a command did. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Spawn `node bin/vmconform.js ...args` (NO_COLOR set; `env` adds to the environment).
 *
 * @example
 * const r = await runCli(['run', '--dialect', 'zenlayer-vm', '--target', provider.url]);
 */
export function runCli(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { timeout: 120_000, env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

/**
 * Run the CLI's `main` in this process, capturing stdout and stderr. Calls must not overlap.
 *
 * @example
 * const r = await runCliInProcess(['compare', 'old/results.json', 'new/results.json']);
 */
export async function runCliInProcess(args: readonly string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
