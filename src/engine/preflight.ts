/**
 * The preflight of a run (DESIGN.md §6): before the catalog, one request shows the target answers HTTP, and (unless
 * `--no-states`) one setup of a few instances in different statuses, a read of them with the status query, and their
 * teardown show that the provider-state endpoint works and that the status query every case reads states with reads
 * the seeded statuses. When one fails, the run is one clear diagnosis (what was sent, what came back, what the target
 * must implement, a curl line), not N identical failures.
 */
import { callTarget, queryStatuses, type StatusRead } from '../dialects/client.ts';
import { toCurl } from '../dialects/curl.ts';
import { getDialect } from '../dialects/index.ts';
import type { Credentials, Dialect, DialectContext, DialectName } from '../dialects/types.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { makeFinding } from './checks.ts';
import { ProviderStateCallError, setupInstances, teardownInstances, type SeedInstance } from './provider-states.ts';
import { PREFLIGHT_ID } from './defaults.ts';
import { PROTOCOL_RULES, type CaseIdentity, type CaseResult } from './types.ts';

/** The id of the preflight's result row (see defaults.ts). */
export { PREFLIGHT_ID };

/** What the preflight needs. */
export interface PreflightInput {
  readonly dialect: DialectName;
  readonly target: string;
  readonly statesUrl: string;
  readonly credentials: Credentials;
  readonly region?: string;
  /** Timeout of each preflight request in ms. */
  readonly timeoutMs: number;
  /** Check the provider-state endpoint too (false with `--no-states`). */
  readonly states: boolean;
  /** Where a warning goes (one line, no newline): the status query looked refused for its credentials. */
  readonly warn?: (line: string) => void;
}

/** Error codes that read as refused credentials or signatures, whatever the dialect spells them. */
const CREDENTIALS_CODE = /auth|signature|access.?key|secret.?id|credential|token/i;

/** The preflight's row identity (a row of its own in the reports). */
export function preflightIdentity(dialect: DialectName): CaseIdentity {
  return {
    id: PREFLIGHT_ID,
    dialect,
    level: 'MUST',
    title: 'The target answers HTTP, its provider-state endpoint accepts a setup and a teardown, and its status query reads the seeded statuses',
    docRef: 'DESIGN.md §4 One extra endpoint on the target, Pact\'s provider-state convention',
    rules: [],
  };
}

/**
 * Run the preflight; `undefined` when the target is ready, else the failing `preflight` result.
 *
 * @example
 * const failed = await preflight({ dialect, target, statesUrl, credentials, timeoutMs: 10_000, states: true });
 */
export async function preflight(input: PreflightInput): Promise<CaseResult | undefined> {
  const started = performance.now();
  const identity = preflightIdentity(input.dialect);
  const scope = { caseId: PREFLIGHT_ID, dialect: input.dialect, level: identity.level, docRef: identity.docRef, ...PROTOCOL_RULES.preflight };
  const dialect = getDialect(input.dialect);
  const token = `preflight.${Date.now().toString(36)}`;
  const fail = (message: string, curl?: string): CaseResult => {
    const finding = { ...makeFinding(scope, 'preflight', message), curl };
    return { ...identity, status: 'failed', durationMs: Math.round(performance.now() - started), message: `[preflight] ${message}`, findings: [finding] };
  };
  const dctx: DialectContext = {
    baseUrl: input.target,
    credentials: input.credentials,
    timeoutMs: input.timeoutMs,
    ...(input.region !== undefined ? { region: input.region } : {}),
  };
  const ex = await callTarget(dialect, { operation: 'DescribeStatus', instanceIds: [dialect.instanceId(`${token}.probe`)], pageSize: dialect.statusPageSize }, dctx);
  if (!ex.response) {
    return fail(
      `the target does not answer HTTP: sent the ${dialect.name} status query to ${input.target}, received no answer (${ex.transportError ?? 'no response'}). Check --target (the base URL; the dialect's paths are appended) and that the target is up.`,
      toCurl(ex.request),
    );
  }
  // No document lists the vendors' authentication errors, so this never fails the preflight (a legal target may
  // answer the probe 401/403 for another reason): it warns, so that a run whose every case fails for its credentials
  // says why once.
  const code = ex.outcome?.error?.code ?? '';
  if (ex.response.status === 401 || ex.response.status === 403 || CREDENTIALS_CODE.test(code)) {
    input.warn?.(
      `the preflight's status query was refused (HTTP ${ex.response.status}${code !== '' ? `, ${code}` : ''}): if the target checks signatures, ` +
        (input.credentials.accessKeyId === TEST_CREDENTIALS.accessKeyId
          ? 'set VMCONFORM_ACCESS_KEY_ID / VMCONFORM_ACCESS_KEY_SECRET to its credentials (they are unset: the suite signs with fixed test credentials)'
          : `check VMCONFORM_ACCESS_KEY_ID / VMCONFORM_ACCESS_KEY_SECRET (the suite signs with access key ${input.credentials.accessKeyId} from them)`),
    );
  }
  if (!input.states) return undefined;
  const requested = preflightSeeds(dialect, token);
  const statesFailure = (err: unknown): CaseResult => {
    const what = err instanceof Error ? err.message : String(err);
    return fail(
      `the provider-state endpoint does not work: ${what}. The target must implement POST ${input.statesUrl} (DESIGN.md §4: {"action":"setup"|"teardown","state":"instances exist","params":{"instances":[{"id","status"}]}} -> any 2xx), or the run must use --no-states (only the cases that need no seeded instance).`,
      err instanceof ProviderStateCallError ? err.curl : undefined,
    );
  };
  let seeds = requested;
  try {
    // DESIGN.md §4: the target may name the ids it created; they are read and torn down under those.
    const assigned = await setupInstances(input.statesUrl, requested, input.timeoutMs);
    seeds = requested.map((s) => ({ ...s, id: assigned.get(s.id) ?? s.id }));
  } catch (err: unknown) {
    return statesFailure(err);
  }
  let misread: { message: string; curl: string | undefined } | undefined;
  let teardownError: unknown;
  try {
    misread = seededStatusProblem(dialect, seeds, await queryStatuses(dialect, seeds.map((s) => s.id), dctx), input.statesUrl);
  } finally {
    teardownError = await teardownInstances(input.statesUrl, seeds.map((s) => s.id), input.timeoutMs).then(
      () => undefined,
      (err: unknown) => err ?? new Error('teardown failed'),
    );
  }
  if (misread) return fail(misread.message, misread.curl);
  if (teardownError !== undefined) return statesFailure(teardownError);
  return undefined;
}

/**
 * The instances the preflight seeds: the dialect's running and stopped words and one more (the first other word of
 * the dialect, e.g. PENDING), so that a status query that reads every instance alike is caught.
 */
export function preflightSeeds(dialect: Dialect, token: string): SeedInstance[] {
  const { running, stopping, stopped } = dialect.lifecycle;
  const other = dialect.statusWords.find((w) => w !== running && w !== stopping && w !== stopped) ?? stopping;
  return [running, stopped, other].map((status, i) => ({ id: dialect.instanceId(`${token}.seed${i}`), status }));
}

/**
 * Why a status read does not show the seeded statuses (one diagnosis, with the status query as a curl line), or
 * `undefined` when it reads each seeded instance as seeded. DESIGN.md §3: the status query is the suite's instrument,
 * read for the ids and their status words only.
 */
export function seededStatusProblem(
  dialect: Dialect,
  seeds: readonly SeedInstance[],
  read: StatusRead,
  statesUrl: string,
): { message: string; curl: string | undefined } | undefined {
  const last = read.exchanges.at(-1);
  const curl = last ? toCurl(last.request) : undefined;
  const seeded = seeds.map((s) => `${s.id} as ${s.status}`).join(', ');
  const must =
    `Every case reads instance statuses with the ${dialect.name} status query (DESIGN.md §2), looking only at the ids and their status words ` +
    '(DESIGN.md §3); the target must answer it with the status each instance was seeded with (a seeded instance keeps its status until an API call changes it).';
  if (read.problem) {
    return { message: `the status query does not read the seeded instances: seeded ${seeded} through ${statesUrl}, then the ${read.problem}. ${must}`, curl };
  }
  const wrong = seeds.filter((s) => read.statuses.get(s.id) !== s.status);
  if (wrong.length === 0) return undefined;
  const got = wrong.map((s) => `${s.id} ${read.statuses.has(s.id) ? `as ${read.statuses.get(s.id) ?? ''}` : 'not at all (left out)'}`).join(', ');
  return { message: `the status query does not read the seeded statuses: seeded ${seeded} through ${statesUrl}, read ${got}. ${must}`, curl };
}

/** The result of a row the preflight kept from running. */
export function skippedByPreflight(identity: CaseIdentity, failed: CaseResult): CaseResult {
  const why = failed.findings[0]?.message ?? 'the preflight failed';
  return { ...identity, status: 'skipped', durationMs: 0, message: `not run: the preflight failed (${why.split('. ')[0] ?? why})`, findings: [] };
}
