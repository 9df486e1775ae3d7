/**
 * `pact verify` next to `vmconform run` and a raw loop of the same requests, on the same dialect and the same kind
 * of target (a fresh reference provider each), in this process.
 *
 * `npm run bench` runs it (`--only pact`); alone: `npx tsx bench/pact-verify.ts [dialect=zenlayer-vm|all] [rounds=3]`
 * prints the table. Not part of `npm test`.
 *
 * - `pact verify`: what the command runs, `verifyInChild` (Pact's verifier over `contracts/<dialect>.json` in its
 *   child process, signing filter, state relay, mapping to cases).
 * - `vmconform run`: `launchSuite`, what `vmconform run` runs after parsing its options (vitest, every case with
 *   its status reads and its wait for STOPPED, 16 cases at once).
 * - raw loop: every interaction of the contract as plain HTTP, one after another like the verifier: provider-state
 *   setup, the signed request, teardown, api3's StopInstances paced like everywhere else (8 per second). No Pact, no
 *   checks: the floor for these requests.
 * - our share inside `pact verify`: signing every request of the contract and mapping the verifier's report to cases.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { requestAction } from '../src/dialects/description.ts';
import { describeDialect } from '../src/dialects/descriptions/index.ts';
import { sendWire } from '../src/dialects/transport.ts';
import { DIALECT_NAMES, isDialectName, type DialectName } from '../src/dialects/types.ts';
import { EMPTY_BASELINE } from '../src/engine/baseline.ts';
import { launchSuite } from '../src/engine/launch.ts';
import { WindowPacer } from '../src/engine/pacer.ts';
import { planContract } from '../src/pact/generate.ts';
import type { PactInteraction } from '../src/pact/model.ts';
import { caseResultsFromVerification, parseVerifierOutput } from '../src/pact/results.ts';
import { verifyInChild } from '../src/pact/isolated.ts';
import { signArriving, type ArrivingRequest } from '../src/pact/wire.ts';
import { startProviderServer, type RunningProvider } from '../src/provider/server.ts';
import { TEST_CREDENTIALS } from '../src/signing/credentials.ts';

const TRANSITION_MS = 100;

const statesOf = (url: string): string => `${url}/_vmconform/provider-states`;

/** The request of an interaction as it reaches the target (what the verifier sends, before signing). */
function arriving(i: PactInteraction): ArrivingRequest {
  const query = Object.entries(i.request.query ?? {})
    .flatMap(([k, vs]) => vs.map((v) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`))
    .join('&');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(i.request.headers ?? {})) headers[k.toLowerCase()] = v.join(', ');
  const content = i.request.body?.content;
  const body = content === undefined ? '' : typeof content === 'string' ? content : JSON.stringify(content);
  return { method: i.request.method, target: query === '' ? i.request.path : `${i.request.path}?${query}`, headers, body };
}

async function rawLoop(dialect: DialectName, p: RunningProvider): Promise<void> {
  const pacer = new WindowPacer();
  const description = describeDialect(dialect);
  const state = (action: string, params: unknown): Promise<unknown> =>
    sendWire({ method: 'POST', url: statesOf(p.url), headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action, state: 'instances exist', params }) });
  for (const plan of planContract(dialect)) {
    for (const i of plan.interactions) {
      const params = i.providerStates?.[0]?.params;
      if (params) await state('setup', params);
      const req = arriving(i);
      const send = async (): Promise<void> => {
        const signed = signArriving(dialect, req, { baseUrl: p.url, credentials: TEST_CREDENTIALS, nowMs: Date.now() });
        await sendWire({ method: req.method === 'GET' ? 'GET' : 'POST', url: `${p.url}${signed.target}`, headers: { ...req.headers, ...signed.setHeaders }, ...(signed.body !== '' ? { body: signed.body } : {}) });
      };
      const action = requestAction(description, req.headers, new URLSearchParams(req.target.split('?')[1] ?? ''));
      const limit = description.rateLimit;
      if (limit !== undefined && action === description.actions[limit.operation]) await pacer.paced(send);
      else await send();
      if (params) await state('teardown', params);
    }
  }
}

async function timed(dialect: DialectName, rounds: number, run: (p: RunningProvider) => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const p = await startProviderServer({ dialect, transitionMs: TRANSITION_MS });
    const t = performance.now();
    try {
      await run(p);
    } finally {
      samples.push(performance.now() - t);
      await p.close();
    }
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0;
}

/** One dialect's times, medians of the rounds. */
export interface PactRow {
  readonly dialect: DialectName;
  readonly interactions: number;
  readonly pactMs: number;
  readonly runMs: number;
  readonly rawMs: number;
  /** Our share inside `pact verify`: signing every request of the contract, and mapping a report of its size. */
  readonly signMs: number;
  readonly mapMs: number;
}

/**
 * `pact verify`, `vmconform run` and a raw loop of the contract's requests per dialect, each against a fresh
 * reference provider per round; fails when either command fails against it.
 */
export async function measurePactVerify(dialects: readonly DialectName[], rounds: number, progress: (line: string) => void): Promise<PactRow[]> {
  const rows: PactRow[] = [];
  for (const dialect of dialects) {
    progress(`pact: ${dialect}`);
    const plans = planContract(dialect);
    const interactions = plans.flatMap((p) => p.interactions);
    let lastRaw = '';
    const pactMs = await timed(dialect, rounds, async (p) => {
      const out = await verifyInChild({ dialect, target: p.url, statesUrl: statesOf(p.url), credentials: TEST_CREDENTIALS });
      lastRaw = JSON.stringify({ result: true, output: [], interactionResults: out.results.map((r) => ({ interactionKey: `${r.id}#1`, description: r.title, result: 'OK' })), errors: [] });
      if (out.results.some((r) => r.status === 'failed')) throw new Error(`${dialect}: pact verify failed against the reference provider`);
    });
    const runMs = await timed(dialect, rounds, async (p) => {
      const { verdict } = await launchSuite({
        runs: [{ dialect, target: p.url, statesUrl: statesOf(p.url) }],
        credentials: TEST_CREDENTIALS,
        pollTimeoutMs: 10_000,
        requestTimeoutMs: 10_000,
        baseline: EMPTY_BASELINE,
        level: 'ALL',
        print: () => undefined,
      });
      if (verdict.failed) throw new Error(`${dialect}: vmconform run failed against the reference provider`);
    });
    const rawMs = await timed(dialect, rounds, (p) => rawLoop(dialect, p));
    const signStart = performance.now();
    for (const i of interactions) signArriving(dialect, arriving(i), { baseUrl: 'http://127.0.0.1:1', credentials: TEST_CREDENTIALS, nowMs: Date.now() });
    const signMs = performance.now() - signStart;
    const mapStart = performance.now();
    caseResultsFromVerification(dialect, plans, parseVerifierOutput(lastRaw), new Map(), TEST_CREDENTIALS);
    const mapMs = performance.now() - mapStart;
    rows.push({ dialect, interactions: interactions.length, pactMs, runMs, rawMs, signMs, mapMs });
  }
  return rows;
}

/** The Markdown table of {@link measurePactVerify}'s rows. */
export function pactTable(rows: readonly PactRow[], rounds: number): string[] {
  return [
    `median of ${rounds} rounds, a fresh reference provider per round (transition ${TRANSITION_MS} ms)`,
    '',
    '| dialect | interactions | pact verify | vmconform run | raw loop | pact / raw | run / raw | **pact / run** | our share in pact verify (signing + mapping) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (r) =>
        `| ${r.dialect} | ${r.interactions} | ${(r.pactMs / 1000).toFixed(2)} s | ${(r.runMs / 1000).toFixed(2)} s | ${(r.rawMs / 1000).toFixed(2)} s | ${(r.pactMs / r.rawMs).toFixed(1)} | ${(r.runMs / r.rawMs).toFixed(1)} | **${(r.pactMs / r.runMs).toFixed(2)}** | ${r.signMs.toFixed(1)} ms + ${r.mapMs.toFixed(1)} ms |`,
    ),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const which = process.argv[2] ?? 'zenlayer-vm';
  const rounds = Number(process.argv[3] ?? '3');
  const dialects: readonly DialectName[] = which === 'all' ? DIALECT_NAMES : isDialectName(which) ? [which] : [];
  if (dialects.length === 0) throw new Error(`unknown dialect ${which}`);
  const rows = await measurePactVerify(dialects, rounds, (line) => void process.stderr.write(`${line}\n`));
  process.stdout.write(`${pactTable(rows, rounds).join('\n')}\n`);
}
