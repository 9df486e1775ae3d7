/**
 * The preflight of a run (DESIGN.md §6): before the catalog, one request shows the target answers HTTP, and one setup
 * and teardown show its provider-state endpoint works (unless `--no-states`). When either fails, the run is one clear
 * diagnosis (what was sent, what came back, what the target must implement, a curl line), not N identical failures.
 */
import { callTarget } from '../dialects/client.ts';
import { toCurl } from '../dialects/curl.ts';
import { getDialect } from '../dialects/index.ts';
import type { Credentials, DialectName } from '../dialects/types.ts';
import { makeFinding } from './checks.ts';
import { ProviderStateCallError, setupInstances, teardownInstances } from './provider-states.ts';
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
    title: 'The target answers HTTP, and its provider-state endpoint accepts a setup and a teardown',
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
  const ex = await callTarget(
    dialect,
    { operation: 'DescribeStatus', instanceIds: [dialect.instanceId(`${token}.probe`)], pageSize: dialect.statusPageSize },
    { baseUrl: input.target, credentials: input.credentials, timeoutMs: input.timeoutMs, ...(input.region !== undefined ? { region: input.region } : {}) },
  );
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
        'check VMCONFORM_ACCESS_KEY_ID / VMCONFORM_ACCESS_KEY_SECRET (unset, the suite signs with fixed test credentials)',
    );
  }
  if (!input.states) return undefined;
  const id = dialect.instanceId(`${token}.seed`);
  try {
    const assigned = await setupInstances(input.statesUrl, [{ id, status: dialect.lifecycle.running }], input.timeoutMs);
    await teardownInstances(input.statesUrl, [assigned.get(id) ?? id], input.timeoutMs);
  } catch (err: unknown) {
    const what = err instanceof Error ? err.message : String(err);
    return fail(
      `the provider-state endpoint does not work: ${what}. The target must implement POST ${input.statesUrl} (DESIGN.md §4: {"action":"setup"|"teardown","state":"instances exist","params":{"instances":[{"id","status"}]}} -> any 2xx), or the run must use --no-states (only the cases that need no seeded instance).`,
      err instanceof ProviderStateCallError ? err.curl : undefined,
    );
  }
  return undefined;
}

/** The result of a row the preflight kept from running. */
export function skippedByPreflight(identity: CaseIdentity, failed: CaseResult): CaseResult {
  const why = failed.findings[0]?.message ?? 'the preflight failed';
  return { ...identity, status: 'skipped', durationMs: 0, message: `not run: the preflight failed (${why.split('. ')[0] ?? why})`, findings: [] };
}
