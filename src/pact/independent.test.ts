/**
 * The contracts are real Pact, read by tools that share no code with vmconform: the standalone Pact CLI
 * (`@pact-foundation/pact-cli`, its `pact` binary).
 * - `pact stub` (Pact Stub Server) loads every contract and answers every interaction's request with that
 *   interaction's status and example body, and every whole example answer is valid against the dialect's spec;
 * - `pact verifier` (the standalone verifier a provider team runs in its own CI) verifies every contract against the
 *   reference provider through the provider-state URL, with no help from vmconform (no signing: that provider does not
 *   check signatures, and its api3 rate limit is off because this verifier does not pace);
 * - the same verifier against a target that creates its own ids and answers each setup with them under the requested
 *   ids' keys (what the README tells such a target to answer): every request names the target's ids, and only the
 *   interactions whose expected answer names an id fail, as Pact's Rust verifier generates requests only.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDialect } from '../dialects/index.ts';
import { sendWire } from '../dialects/transport.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { startProviderServer } from '../provider/server.ts';
import { renamingProvider } from '../testing/renaming-provider.ts';
import { PACKAGE_CONTRACTS_DIR } from './files.ts';
import { contractFileName, planContract } from './generate.ts';
import type { PactFile, PactInteraction } from './model.ts';

/** The standalone `pact` binary of @pact-foundation/pact-cli (its platform package), found the way its own bin scripts do. */
const PACT_BIN = (createRequire(import.meta.url)('@pact-foundation/pact-cli/src/pact-standalone') as { standalone(): { pactFullPath: string } }).standalone().pactFullPath;
const ENV = { ...process.env, PACT_DO_NOT_TRACK: 'true' };
const contractPath = (d: DialectName): string => join(PACKAGE_CONTRACTS_DIR, contractFileName(d));

function requestOf(i: PactInteraction, base: string): { method: 'GET' | 'POST'; url: string; headers: Record<string, string>; body?: string } {
  const query = Object.entries(i.request.query ?? {})
    .flatMap(([k, vs]) => vs.map((v) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`))
    .join('&');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(i.request.headers ?? {})) headers[k] = v.join(', ');
  const content = i.request.body?.content;
  return {
    method: i.request.method,
    url: `${base}${i.request.path}${query === '' ? '' : `?${query}`}`,
    headers,
    ...(content === undefined ? {} : { body: typeof content === 'string' ? content : JSON.stringify(content) }),
  };
}

describe('Pact Stub Server (pact stub) loads every contract and serves every interaction', () => {
  const stubs = new Map<DialectName, { process: ChildProcess; url: string; log: string }>();

  beforeAll(async () => {
    await Promise.all(
      DIALECT_NAMES.map(
        (d) =>
          new Promise<void>((resolve, reject) => {
            const child = spawn(PACT_BIN, ['stub', '-f', contractPath(d), '-p', '0', '-l', 'info'], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
            let log = '';
            const onData = (data: Buffer): void => {
              log += data.toString();
              const port = /Server started on port (\d+)/.exec(log)?.[1];
              if (port) {
                stubs.set(d, { process: child, url: `http://127.0.0.1:${port}`, log });
                resolve();
              }
            };
            child.stdout.on('data', onData);
            child.stderr.on('data', onData);
            child.once('exit', (code) => reject(new Error(`pact stub for ${d} exited ${String(code)}: ${log}`)));
          }),
      ),
    );
  }, 60_000);
  afterAll(() => {
    for (const s of stubs.values()) s.process.kill();
  });

  it.each(DIALECT_NAMES.map((d) => [d] as const))('%s: every interaction answers its own status and example, a valid answer of the dialect', async (d) => {
    const stub = stubs.get(d);
    const file = JSON.parse(readFileSync(contractPath(d), 'utf8')) as PactFile;
    expect(stub?.log).toContain(`(${file.interactions.length} total interactions)`);
    const plans = planContract(d);
    const calls = new Map(plans.flatMap((p) => [...p.calls.entries()]));
    // Where a row accepts either envelope, the example is only what both carry (the request id), not a whole answer.
    const partial = new Set(plans.filter((p) => p.gaps.includes('either-envelope')).flatMap((p) => p.interactions.map((i) => i.key)));
    for (const i of file.interactions) {
      const sent = await sendWire(requestOf(i, stub?.url ?? ''));
      const answer = sent.response;
      expect(answer?.status, `${i.key}: ${answer?.bodyText ?? sent.transportError ?? ''}`).toBe(i.response.status);
      const content = i.response.body?.content;
      if (typeof content === 'string') expect(answer?.bodyText, i.key).toBe(content);
      // An XML dialect's answer that may be either envelope (aws-ec2's not-5xx rows) has no body to match.
      else if (content === undefined) expect(answer?.bodyText ?? '', i.key).toBe('');
      else expect(JSON.parse(answer?.bodyText ?? 'null'), i.key).toEqual(content);
      const call = calls.get(i.key);
      if (answer && call && !partial.has(i.key)) {
        const outcome = getDialect(d).decode(call, answer);
        expect([i.key, outcome.schemaErrors, outcome.decodeProblems]).toEqual([i.key, [], []]);
      }
    }
  }, 60_000);
});

/** The standalone verifier's JSON report, as far as these tests read it. */
interface CliReport {
  readonly result: boolean;
  readonly interactionResults?: readonly { readonly interactionKey?: string; readonly description: string; readonly result: string }[];
}

/** Run `pact verifier` over a dialect's contract against a target, provider states through its state URL. */
async function verifyWithCli(d: DialectName, target: string): Promise<{ code: number; stdout: string; stderr: string; report: CliReport }> {
  const dir = mkdtempSync(join(tmpdir(), 'vmconform-pact-cli-verifier-'));
  const url = new URL(target);
  const args = [
    'verifier',
    '-f', contractPath(d),
    '--hostname', url.hostname,
    '--port', url.port,
    '--state-change-url', `${target}/_vmconform/provider-states`,
    '--state-change-teardown',
    '--no-colour',
    '--json', join(dir, 'report.json'),
  ];
  const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(PACT_BIN, args, { env: ENV, timeout: 60_000, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
  return { ...run, report: JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as CliReport };
}

describe('the standalone Pact verifier (pact verifier) verifies every contract against the reference provider', () => {
  it.each(DIALECT_NAMES.map((d) => [d] as const))('%s: every interaction passes, provider states through the state URL', async (d) => {
    const provider = await startProviderServer({ dialect: d, rateLimitPerSecond: false, transitionMs: 100 });
    try {
      const run = await verifyWithCli(d, provider.url);
      expect(run.code, `${run.stderr}\n${run.stdout.slice(-3000)}`).toBe(0);
      expect(run.report.result).toBe(true);
      const file = JSON.parse(readFileSync(contractPath(d), 'utf8')) as PactFile;
      expect(run.stdout).toContain(`Verifying a pact between vmconform and ${d}`);
      // One line per interaction; a duration reads `12ms`, or `1s 23ms` on a loaded machine.
      expect(run.stdout.match(/ \([^()]* loading, [^()]* verification\)/g)?.length).toBe(file.interactions.length);
      expect(provider.provider?.store.size, 'every setup was torn down').toBe(0);
    } finally {
      await provider.close();
    }
  }, 90_000);
});

describe('the standalone Pact verifier against a target that names its own ids with top-level keys (README)', () => {
  // aliyun-ecs has ids in query parameters, in a form body and in expected answers (JSON request bodies go through the
  // same generator code of the same Rust core in `renaming.test.ts`).
  it.each([['aliyun-ecs']] as const)(
    '%s: every request carries the target\'s ids; only the interactions whose expected answer names an id fail (Pact\'s Rust verifier generates requests only)',
    async (d) => {
      const provider = await renamingProvider(d, { flatKeys: true, teardownByRequestedId: true, provider: { rateLimitPerSecond: false } })({ transitionMs: 100 });
      try {
        const run = await verifyWithCli(d, provider.url);
        const failing = (run.report.interactionResults ?? []).filter((r) => r.result !== 'OK').map((r) => r.interactionKey ?? r.description).sort();
        const namesIds = planContract(d)
          .flatMap((p) => p.interactions)
          .filter((i) => i.response.generators !== undefined)
          .map((i) => i.key)
          .sort();
        expect(namesIds.length).toBeGreaterThan(0);
        expect(failing, run.stdout.slice(-3000)).toEqual(namesIds);
        expect(run.code).not.toBe(0);
        expect(provider.provider?.store.size, 'every setup was torn down (by the requested ids)').toBe(0);
      } finally {
        await provider.close();
      }
    },
    90_000,
  );
});
