/**
 * Which case `vmconform repro` reproduces, against what: the case of a results.json (its run found by id, or by
 * `--dialect` when several runs have it), its row in this vmconform's catalog, and the run's recorded options
 * (`--target` and `--states-url` override them). Everything the user can get wrong is a {@link UsageError} (exit 2)
 * that says what to do.
 */
import { ruleInventory } from '../specs/inventory.ts';
import { casesFor } from '../cases/index.ts';
import type { CaseRow } from '../cases/types.ts';
import type { DialectName } from '../dialects/types.ts';
import { DEFAULT_POLL_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, defaultStatesUrl, PREFLIGHT_ID } from '../engine/defaults.ts';
import { rowNeedsStates } from '../engine/run-case.ts';
import { UsageError } from '../errors.ts';
import { readResultsJson, type ResultsCase, type ResultsDocument } from '../../reporters/results-json.ts';
import type { RecordedCase } from './print.ts';

/** Where and how a repro sends its requests: the run's recorded options, with the user's overrides. */
export interface ReproRun {
  readonly dialect: DialectName;
  readonly target: string;
  readonly statesUrl: string;
  readonly region?: string;
  readonly pollTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** The run had no provider states (`--no-states`): nothing is seeded. */
  readonly noStates?: boolean;
}

/** The case a repro runs. */
export interface ReproCase {
  readonly row: CaseRow;
  readonly run: ReproRun;
  /** What the run recorded for it. */
  readonly recorded: RecordedCase;
  /** The results file and its run id. */
  readonly resultsPath: string;
  readonly runId: string;
}

/** What the user asked for. */
export interface ReproSelection {
  readonly dialect?: DialectName;
  readonly target?: string;
  readonly statesUrl?: string;
}

function listRuns(doc: ResultsDocument): string {
  return doc.runs.map((r) => `${r.dialect} at ${r.target}`).join(', ') || 'none';
}

/**
 * Find a case in a results.json and its row in the catalog.
 *
 * @example
 * const repro = selectCase('reports/results.json', 'state.STOPPED.rejected', { dialect: 'tencent-cvm-api2' });
 */
export function selectCase(resultsPath: string, caseId: string, selection: ReproSelection): ReproCase {
  const doc = readResultsJson(resultsPath);
  const runs = doc.runs.filter((r) => selection.dialect === undefined || r.dialect === selection.dialect);
  if (runs.length === 0) {
    throw new UsageError(`${resultsPath} has no run of ${selection.dialect ?? 'any dialect'} (its runs: ${listRuns(doc)})`);
  }
  const having = runs.filter((r) => r.cases.some((c) => c.id === caseId));
  if (having.length === 0) {
    const where = selection.dialect !== undefined ? `the ${selection.dialect} run of ${resultsPath}` : resultsPath;
    const hint = caseId === PREFLIGHT_ID ? ' (the preflight is not a case: run the command again once the target answers)' : '';
    throw new UsageError(`no case ${JSON.stringify(caseId)} in ${where} (its runs: ${listRuns(doc)})${hint}`);
  }
  if (having.length > 1) {
    const which = having.map((r) => r.dialect);
    const hint = new Set(which).size === which.length ? `: choose one with --dialect (${which.join(', ')})` : ` of the same dialect (${which.join(', ')}): split the file`;
    throw new UsageError(`case ${JSON.stringify(caseId)} is in ${having.length} runs of ${resultsPath}${hint}`);
  }
  const run = having[0] as ResultsDocument['runs'][number];
  const recordedCase = run.cases.find((c) => c.id === caseId) as ResultsCase;
  if (caseId === PREFLIGHT_ID) {
    throw new UsageError(`${caseId} is the run's preflight, not a case of the catalog: run the command again once the target answers`);
  }
  const row = casesFor(run.dialect).find((r) => r.id === caseId);
  // A run of judged rules says so (results.json `rows`); older files are told by the rule inventory.
  if (run.rows === 'rules' || (row === undefined && ruleInventory(run.dialect).some((r) => r.id === caseId))) {
    throw new UsageError(
      `${JSON.stringify(caseId)} is a rule row of traffic judged by \`vmconform proxy\` or \`vmconform judge\`, not a case of the catalog: it is not replayable (the client's requests it judged are in the run's exchanges.har, and its findings carry their curl lines)`,
    );
  }
  if (row === undefined) {
    const fuzz = caseId.startsWith('fuzz.') ? '; a fuzz finding replays with the `vmconform fuzz` line it printed' : '';
    throw new UsageError(
      `case ${JSON.stringify(caseId)} of ${run.dialect} is not in the catalog of this vmconform (the results were written by vmconform ${doc.version}; the row was renamed or retired${fuzz})`,
    );
  }
  const target = selection.target ?? checkedUrl(run.target, `the target ${resultsPath} records`);
  const recordedStates = run.statesUrl !== undefined ? checkedUrl(run.statesUrl, `the states URL ${resultsPath} records`) : undefined;
  // A new --target without --states-url takes the new target's default endpoint, not the old target's.
  const statesUrl = selection.statesUrl ?? (selection.target !== undefined ? defaultStatesUrl(selection.target) : (recordedStates ?? defaultStatesUrl(target)));
  return {
    row,
    run: {
      dialect: run.dialect,
      target,
      statesUrl,
      ...(run.region !== undefined ? { region: run.region } : {}),
      pollTimeoutMs: run.pollTimeoutMs ?? DEFAULT_POLL_TIMEOUT_MS,
      requestTimeoutMs: run.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      // A --no-states run skipped the rows that need seeded instances: repro runs those with them.
      ...(run.noStates === true && !rowNeedsStates(row) ? { noStates: true } : {}),
    },
    recorded: { status: recordedCase.status, fingerprints: recordedCase.findings.map((f) => f.fingerprint).filter((f): f is string => typeof f === 'string') },
    resultsPath,
    runId: doc.runId,
  };
}

/** A URL read from a results file: an http(s) URL, else a {@link UsageError} naming where it came from. */
function checkedUrl(value: string, what: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`${what} is not an http(s) URL (${JSON.stringify(value)}): give --target`);
  }
  return value.replace(/\/+$/, '');
}
