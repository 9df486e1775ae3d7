/**
 * A fuzz finding's printed replay line replays as printed: taken from the console of a run against a wrong provider
 * the catalog cannot see (src/wrong-providers/fuzz-only.ts), run by a shell exactly as printed (through the real
 * command, over real HTTP), it finds the same failure again; the same line pointed at the reference provider passes.
 * One single-request property and one `sequences` property (whose replay used to crash in fast-check).
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { DialectName } from '../dialects/types.ts';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import { BIN, runCli, type CliRun } from '../testing/cli.ts';
import { FUZZ_ONLY_WRONG_PROVIDERS } from '../wrong-providers/fuzz-only.ts';

const root = mkdtempSync(join(tmpdir(), 'vmconform-fuzz-replay-'));

/** A `vmconform` on PATH that runs this checkout's command, as an installed package would. */
const SHIM_DIR = ((): string => {
  const dir = join(root, 'bin');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'vmconform');
  writeFileSync(file, `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
  chmodSync(file, 0o755);
  return dir;
})();

/** Run a printed command line in a shell, in a fresh working directory (its reports land there). */
function runInShell(line: string, cwd: string): Promise<CliRun> {
  mkdirSync(cwd, { recursive: true });
  return new Promise((resolve) => {
    execFile(
      'sh',
      ['-c', line],
      { cwd, timeout: 120_000, env: { ...process.env, NO_COLOR: '1', PATH: `${SHIM_DIR}:${process.env['PATH'] ?? ''}` }, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

/**
 * The checks of the failure lines a run printed for a property. Ids differ between runs; how a check groups the
 * instances it names may too (a target's stop that completes during a paged status read reads STOPPING for some and
 * STOPPED for others), so the distinct checks are compared.
 */
function failureChecks(stdout: string, property: string): string[] {
  const block = stdout.slice(stdout.indexOf(`FAIL fuzz.${property} `));
  return [...new Set([...block.matchAll(/^ {4}\[([a-z-]+)\] /gm)].map((m) => m[1] ?? ''))];
}

/** What a replay case finds: the wrong provider, the property, and a seed and run count that find it quickly. */
const CASES = [
  { kind: 'a single-request property', wrong: 'zenlayer-vm-100-batch-not-atomic', property: 'requests-boundary', seed: '1', runs: '5' },
  { kind: 'a sequences property', wrong: 'api2-refused-ids-stop-later', property: 'sequences', seed: '8', runs: '30' },
] as const;

describe('a printed fuzz replay line replays as printed', () => {
  const wrong = new Map<string, RunningProvider>();
  const reference = new Map<DialectName, RunningProvider>();
  const found = new Map<string, CliRun>();

  beforeAll(async () => {
    await Promise.all(
      CASES.map(async (c) => {
        const w = FUZZ_ONLY_WRONG_PROVIDERS.find((x) => x.name === c.wrong);
        if (!w) throw new Error(`no fuzz-only wrong provider ${c.wrong}`);
        wrong.set(c.wrong, await w.start({ transitionMs: 100 }));
        reference.set(w.dialect, await startProviderServer({ dialect: w.dialect, transitionMs: 100 }));
        const target = wrong.get(c.wrong) as RunningProvider;
        found.set(
          c.wrong,
          await runCli(['fuzz', '--dialect', w.dialect, '--target', target.url, '--property', c.property, '--seed', c.seed, '--runs', c.runs, '--report-dir', join(root, c.wrong, 'found')]),
        );
      }),
    );
  }, 120_000);
  afterAll(async () => {
    await Promise.all([...wrong.values(), ...reference.values()].map((p) => p.close()));
  });

  it.concurrent.for(CASES)('$kind ($wrong): the same finding again, and a pass against the reference provider', async (c, { expect }) => {
    const first = found.get(c.wrong) as CliRun;
    expect(first.code, first.stdout + first.stderr).toBe(1);
    const target = (wrong.get(c.wrong) as RunningProvider).url;
    const line = /replay with: (vmconform fuzz [^\n]+)$/m.exec(first.stdout)?.[1] ?? '';
    expect(line).toMatch(new RegExp(`^vmconform fuzz --dialect \\S+ --target ${target.replace(/\./g, '\\.')} --seed ${c.seed} --path [\\d:]+ --property ${c.property}$`));

    const dialect = FUZZ_ONLY_WRONG_PROVIDERS.find((x) => x.name === c.wrong)?.dialect as DialectName;
    const good = (reference.get(dialect) as RunningProvider).url;
    const [again, passes] = await Promise.all([
      runInShell(line, join(root, c.wrong, 'again')),
      runInShell(line.replace(`--target ${target} `, `--target ${good} `), join(root, c.wrong, 'reference')),
    ]);
    expect(again.stderr).toBe('');
    expect(again.code, again.stdout).toBe(1);
    expect(again.stdout).toContain(`FAIL fuzz.${c.property} [MUST]`);
    expect(failureChecks(again.stdout, c.property)).toEqual(failureChecks(first.stdout, c.property));
    // The shrunk case and its path are the same: the replay line of the replay is the line itself.
    expect(again.stdout).toContain(`replay with: ${line}\n`);
    const shrunk = (out: string): string | undefined => / to: (.*); replay with: /.exec(out)?.[1];
    expect(shrunk(again.stdout)).toBe(shrunk(first.stdout));

    expect(passes.stderr).toBe('');
    expect(passes.code, passes.stdout).toBe(0);
    expect(passes.stdout).toContain('RESULT: PASSED');
    expect(passes.stdout).toContain('fuzz: 1 of 1 properties ran fully');
  });
});
