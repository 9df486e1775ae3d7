/**
 * From Pact's verification result to vmconform's: one {@link CaseResult} per case of the dialect, each failing
 * interaction's mismatches as findings in the one finding shape (case id, dialect, level, check, message, docRef,
 * curl line), a refused provider-state setup as a `provider-state` finding quoting the target's answer. Cases with
 * no interaction are `skipped`, saying why and that `vmconform run` covers them. Pure: no I/O, no Pact import.
 */
import { describeAnswer } from '../engine/checks.ts';
import type { IdAssignments } from '../engine/provider-states.ts';
import { caseIdentity } from '../engine/run-case.ts';
import { getDialect } from '../dialects/index.ts';
import { toCurl } from '../dialects/curl.ts';
import type { Credentials, DialectName, Exchange, OperationCall, WireRequest, WireResponse } from '../dialects/types.ts';
import { ExchangeLog } from '../engine/exchange-log.ts';
import { PROTOCOL_RULES, type CaseIdentity, type CaseResult, type CheckName, type Finding, type RecordedExchange } from '../engine/types.ts';
import { UsageError, VmconformError } from '../errors.ts';
import { redactSecret } from '../signing/credentials.ts';
import { PACT_GAPS, WHOLE_STEP_GAPS } from './gaps.ts';
import { planContract, type CasePlan } from './generate.ts';

/** One provider-state call the relay passed on, with what came back. */
export interface StateCall {
  readonly action: string;
  readonly curl: string;
  readonly status?: number;
  readonly body?: string;
  readonly transportError?: string;
  /** Why a 2xx setup reply still failed the setup (its id map cannot be used, DESIGN.md §4). */
  readonly problem?: string;
  /** The round trip as sent, for the reports' exchanges (absent in records made by hand). */
  readonly sent?: { readonly request: WireRequest; readonly response?: WireResponse; readonly startedMs: number; readonly durationMs: number };
}

/** What vmconform saw of one interaction: its state calls, the signed request and the target's answer. */
export interface InteractionRecord {
  readonly stateCalls: readonly StateCall[];
  /** The ids the target gave the seeded instances, by requested id (the setup reply's id map, DESIGN.md §4). */
  readonly ids?: IdAssignments;
  readonly request?: WireRequest;
  readonly answer?: WireResponse;
  /** When the signed request left (epoch ms) and how long its answer took. */
  readonly sentAtMs?: number;
  readonly durationMs?: number;
}

/**
 * The exchanges of one case as the reports keep them (HAR, HTML): per interaction its setup, its request and its
 * teardown, secrets redacted and long bodies cut as for `run`.
 */
function caseExchanges(plan: CasePlan, records: InteractionRecords, credentials: Credentials): readonly RecordedExchange[] {
  const log = new ExchangeLog(plan.row, credentials);
  for (const interaction of plan.interactions) {
    const record = records.get(interaction.key);
    if (record === undefined) continue;
    const step = Number(interaction.key.slice(interaction.key.lastIndexOf('#') + 1)) || 1;
    const state = (teardown: boolean): void => {
      for (const call of record.stateCalls) {
        if ((call.action === 'teardown') !== teardown || call.sent === undefined) continue;
        log.add(teardown ? 'teardown' : 'setup', 'provider-state', call.sent.request, call.sent.response, call.transportError, call.sent.startedMs, call.sent.durationMs);
      }
    };
    state(false);
    if (record.request) log.add(step, 'call', record.request, record.answer, record.answer ? undefined : 'no answer recorded', record.sentAtMs ?? Date.now(), record.durationMs ?? 0);
    state(true);
  }
  return log.entries();
}

/** Records by interaction key. */
export type InteractionRecords = Map<string, InteractionRecord>;

/** One mismatch as the verifier reports it. */
export interface VerifierMismatch {
  readonly type: string;
  readonly mismatch?: string;
  readonly path?: string;
  readonly key?: string;
}

/** The verifier's JSON result, as far as vmconform reads it. */
export interface VerifierOutput {
  readonly result: boolean;
  readonly output: readonly string[];
  readonly interactionResults: readonly { readonly interactionKey?: string; readonly description: string; readonly result: string }[];
  readonly errors: readonly {
    readonly interaction: string;
    readonly mismatch: { readonly type: string; readonly message?: string; readonly mismatches?: readonly VerifierMismatch[] };
  }[];
}

/** Strip ANSI colour codes from the verifier's text. */
const plain = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parse the JSON the verifier resolves (or rejects) with. Throws {@link VmconformError} when it is not that document
 * (the verifier could not run at all).
 */
export function parseVerifierOutput(raw: string): VerifierOutput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new VmconformError(`Pact's verifier did not report a result: ${raw.slice(0, 500)}`);
  }
  if (!isRecord(parsed) || !Array.isArray(parsed['interactionResults']) || !Array.isArray(parsed['errors'])) {
    throw new VmconformError(`Pact's verifier reported an unexpected document: ${raw.slice(0, 500)}`);
  }
  return {
    result: parsed['result'] === true,
    output: Array.isArray(parsed['output']) ? parsed['output'].map((line) => plain(String(line))) : [],
    interactionResults: parsed['interactionResults'] as VerifierOutput['interactionResults'],
    errors: parsed['errors'] as VerifierOutput['errors'],
  };
}

const CHECK_OF_MISMATCH: Readonly<Record<string, CheckName>> = {
  StatusMismatch: 'pact-status',
  HeaderMismatch: 'pact-header',
  BodyMismatch: 'pact-body',
  BodyTypeMismatch: 'pact-body',
  MetadataMismatch: 'pact-header',
};

/** "received HTTP 403 with error X": the target's answer decoded by the dialect, worded as the engine words it. */
function received(dialect: DialectName, call: OperationCall | undefined, request: WireRequest | undefined, answer: WireResponse | undefined): string | undefined {
  if (!answer || !call || !request) return undefined;
  const exchange: Exchange = { call, request, response: answer, outcome: getDialect(dialect).decode(call, answer), transportError: undefined, durationMs: 0 };
  return describeAnswer(exchange);
}

function stateFindings(record: InteractionRecord | undefined): { check: CheckName; message: string; curl: string }[] {
  const out: { check: CheckName; message: string; curl: string }[] = [];
  for (const call of record?.stateCalls ?? []) {
    const body = JSON.stringify((call.body ?? '').slice(0, 500));
    if (call.status !== undefined && call.status >= 200 && call.status < 300) {
      if (call.problem !== undefined) out.push({ check: 'provider-state', message: `provider-state ${call.action}: ${call.problem}; received HTTP ${call.status} with body ${body}`, curl: call.curl });
      continue;
    }
    const answer = call.status === undefined ? `no answer (${call.transportError ?? 'no response'})` : `HTTP ${call.status} with body ${body}`;
    out.push({ check: 'provider-state', message: `provider-state ${call.action}: expected HTTP 2xx (DESIGN.md §4), received ${answer}`, curl: call.curl });
  }
  return out;
}

/** Where the verified interactions came from: its name, and whether it is the package's own contract of the dialect. */
export interface VerifiedSource {
  readonly name: string;
  /** The package's contract holds every interaction of the catalog: one without a result is vmconform's failure. */
  readonly packaged: boolean;
}

/** Error entries of the verifier that are about loading the pacts, not about an interaction. */
const LOAD_ERRORS = new Set(['Failed to load pact', 'Could not verify the provided pact']);

/**
 * Throws a {@link UsageError} when the verifier could not load the pacts (a wrong URL, a broker that refused the
 * token or holds no pact for the provider) or, from another source than the package's contract, verified no
 * interaction: nothing was verified, which is no verdict on the target.
 */
function requireLoaded(output: VerifierOutput, source: VerifiedSource): void {
  const failed = output.errors.filter((e) => LOAD_ERRORS.has(e.interaction));
  if (failed.length > 0) {
    const why = failed.map((e) => plain(e.mismatch.message ?? e.mismatch.type)).join('; ');
    throw new UsageError(`Pact's verifier could not load ${source.name}: ${why}`);
  }
  // Another source that selects nothing: a verdict on no interaction would read as a pass.
  if (!source.packaged && output.interactionResults.length === 0) throw new UsageError(`${source.name} holds no interaction to verify (of the cases selected)`);
}

/** The findings of one interaction's result: its state calls, then its mismatches or error. */
function interactionFindings(
  dialect: DialectName,
  call: OperationCall | undefined,
  result: { readonly description: string; readonly result: string },
  label: string,
  output: VerifierOutput,
  record: InteractionRecord | undefined,
  finding: (check: CheckName, message: string, curl: string | undefined) => Finding,
): Finding[] {
  const findings: Finding[] = [];
  const curl = record?.request ? toCurl(record.request) : undefined;
  const states = stateFindings(record);
  for (const s of states) findings.push(finding(s.check, `${label}: ${s.message}`, s.curl));
  if (result.result === 'OK') return findings;
  const errors = output.errors.filter((e) => e.interaction.endsWith(` - ${result.description}`) || e.interaction === result.description);
  const answer = received(dialect, call, record?.request, record?.answer);
  const tail = answer === undefined ? '' : `; received ${answer}`;
  if (errors.length === 0 && states.length === 0) {
    findings.push(finding('pact-request', `${label}: Pact's verifier reported ${result.result} without a reason${tail}`, curl));
  }
  for (const e of errors) {
    if (e.mismatch.type !== 'mismatches') {
      // A state change that failed is already a provider-state finding with the target's answer.
      if (states.length > 0 && /state change/i.test(e.mismatch.message ?? '')) continue;
      findings.push(finding('pact-request', `${label}: ${plain(e.mismatch.message ?? 'the request failed')}${tail}`, curl));
      continue;
    }
    (e.mismatch.mismatches ?? []).forEach((m, i) => {
      const where = m.path !== undefined && m.path !== '' && m.path !== '$' ? ` (at ${m.path})` : m.key !== undefined ? ` (header ${m.key})` : '';
      const text = plain(m.mismatch ?? m.type);
      findings.push(finding(CHECK_OF_MISMATCH[m.type] ?? 'pact-body', `${label}: ${text}${where}${i === 0 ? tail : ''}`, curl));
    });
  }
  return findings;
}

/** A finding of a verification, in the one finding shape (its fingerprint `<dialect>/<case>/<check>/<HTTP status>`). */
function verificationFinding(
  dialect: DialectName,
  identity: Pick<CaseResult, 'id' | 'level' | 'docRef' | 'rules'>,
  credentials: Credentials,
): (check: CheckName, message: string, curl: string | undefined) => Finding {
  return (check, message, curl) => ({
    fingerprint: `${dialect}/${identity.id}/${check}/${/HTTP (\d{3})/.exec(message)?.[1] ?? 'mismatch'}`,
    caseId: identity.id,
    dialect,
    level: identity.level,
    check,
    // Pact reports per interaction, not per assertion: the row's first rule (the provider-state protocol for its calls).
    ...(check === 'provider-state' ? PROTOCOL_RULES['provider-state'] : { rule: identity.rules[0] ?? '', source: identity.docRef }),
    message: redactSecret(message, credentials),
    docRef: identity.docRef,
    curl: curl === undefined ? undefined : redactSecret(curl, credentials),
  });
}

/** A row id for an interaction the catalog does not know (a contract vmconform did not generate). */
function foreignId(description: string, taken: Set<string>): string {
  const slug = description.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'interaction';
  let id = `pact.${slug}`;
  for (let n = 2; taken.has(id); n++) id = `pact.${slug}.${n}`;
  taken.add(id);
  return id;
}

/**
 * The case results of a verification: one per plan, in catalog order, then one per interaction the catalog does not
 * know (a contract from elsewhere: Pact judged it, so the reports show it, as a MUST row `pact.<description>`). With
 * the package's own contract, an interaction without a result is vmconform's failure (an `engine` finding); with
 * another source, a case none of whose interactions it holds is skipped, saying so.
 *
 * @example
 * caseResultsFromVerification('zenlayer-vm', planContract('zenlayer-vm'), parseVerifierOutput(raw), records, credentials)
 */
export function caseResultsFromVerification(
  dialect: DialectName,
  plans: readonly CasePlan[],
  output: VerifierOutput,
  records: InteractionRecords,
  credentials: Credentials,
  source: VerifiedSource = { name: `the contract of ${dialect}`, packaged: true },
): CaseResult[] {
  requireLoaded(output, source);
  const byKey = new Map(output.interactionResults.filter((r) => r.interactionKey !== undefined).map((r) => [r.interactionKey as string, r]));
  const known = new Set(planContract(dialect).flatMap((p) => p.interactions.map((i) => i.key)));
  const results = plans.map((plan): CaseResult => {
    const base = caseIdentity(plan.row);
    if (plan.interactions.length === 0) {
      const why = plan.gaps.filter((g) => WHOLE_STEP_GAPS.has(g)).map((g) => PACT_GAPS[g]);
      return { ...base, status: 'skipped', durationMs: 0, message: `not in the Pact contract (${why.join('; ')}); \`vmconform run\` checks it`, findings: [] };
    }
    if (!source.packaged && plan.interactions.every((i) => !byKey.has(i.key))) {
      return { ...base, status: 'skipped', durationMs: 0, message: `not in ${source.name}; \`vmconform run\` checks it`, findings: [] };
    }
    const findings: Finding[] = [];
    let durationMs = 0;
    const finding = verificationFinding(dialect, base, credentials);
    for (const interaction of plan.interactions) {
      const result = byKey.get(interaction.key);
      if (!result) {
        if (source.packaged) findings.push(finding('engine', `${interaction.key}: Pact's verifier reported no result for this interaction`, undefined));
        continue;
      }
      durationMs += Number.parseInt(/^(\d+)/.exec(String((result as { duration?: unknown }).duration ?? ''))?.[1] ?? '0', 10);
      findings.push(...interactionFindings(dialect, plan.calls.get(interaction.key), result, interaction.key, output, records.get(interaction.key), finding));
    }
    const exchanges = caseExchanges(plan, records, credentials);
    return findings.length === 0
      ? { ...base, status: 'passed', durationMs, findings: [], exchanges }
      : { ...base, status: 'failed', durationMs, message: findings.map((f) => `[${f.check}] ${f.message}`).join('\n'), findings, exchanges };
  });
  const taken = new Set(results.map((r) => r.id));
  for (const result of output.interactionResults) {
    if (result.interactionKey !== undefined && known.has(result.interactionKey)) continue;
    const base: CaseIdentity = {
      id: foreignId(result.description, taken),
      dialect,
      level: 'MUST',
      title: result.description,
      docRef: `${source.name} (an interaction vmconform's catalog does not know)`,
      rules: [],
    };
    const findings = interactionFindings(dialect, undefined, result, result.description, output, undefined, verificationFinding(dialect, base, credentials));
    results.push(
      findings.length === 0
        ? { ...base, status: 'passed', durationMs: 0, findings: [] }
        : { ...base, status: 'failed', durationMs: 0, message: findings.map((f) => `[${f.check}] ${f.message}`).join('\n'), findings },
    );
  }
  return results;
}
