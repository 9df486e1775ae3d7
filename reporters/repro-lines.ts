/**
 * The two command lines every report shows under a failed case of a catalog run: `vmconform repro` (the case again
 * from scratch: its seeded instances, every request freshly signed, the status reads and the teardown, each with
 * what the run expected) and a `vmconform run --grep` that runs that one case alone. Built from the results alone.
 */
import { shellQuote } from '../src/dialects/curl.ts';
import { defaultStatesUrl, PREFLIGHT_ID } from '../src/engine/defaults.ts';
import type { ResultsRun } from './results-json.ts';

/** The lines that reproduce one case. */
export interface ReproLines {
  /** `npx vmconform repro <results.json> <case> --dialect D`; absent when the results file's place is unknown. */
  readonly repro?: string;
  /** `npx vmconform run --dialect D --target URL --grep '^<case>$'` (and the run's states URL, region, --no-states). */
  readonly rerun: string;
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The repro and rerun lines of a case of a run, or `undefined` when the run is not a run of the catalog (fuzz, Pact:
 * they print their own replay lines) or the row is the preflight's. `resultsPath` is where the run's results.json is.
 *
 * @example
 * reproLinesOf(run, 'stop.single', 'reports/results.json')?.repro
 * // "npx vmconform repro reports/results.json stop.single --dialect zenlayer-vm"
 */
export function reproLinesOf(run: ResultsRun, caseId: string, resultsPath: string | undefined): ReproLines | undefined {
  // Runs of the catalog (run, conformance) record their options; only their cases are rows repro can run again.
  if (run.pollTimeoutMs === undefined || caseId === PREFLIGHT_ID) return undefined;
  const options = [
    ...(run.statesUrl !== undefined && run.statesUrl !== defaultStatesUrl(run.target) ? ['--states-url', shellQuote(run.statesUrl)] : []),
    ...(run.region !== undefined ? ['--region', shellQuote(run.region)] : []),
    ...(run.noStates === true ? ['--no-states'] : []),
  ];
  return {
    ...(resultsPath !== undefined ? { repro: `npx vmconform repro ${shellQuote(resultsPath)} ${shellQuote(caseId)} --dialect ${run.dialect}` } : {}),
    rerun: ['npx vmconform run --dialect', run.dialect, '--target', shellQuote(run.target), ...options, '--grep', shellQuote(`^${escapeRegex(caseId)}$`)].join(' '),
  };
}

/**
 * The lines as text lines, `repro: ...` then `rerun: ...`.
 *
 * @example
 * out.push(...reproTextLines(reproLinesOf(run, c.id, resultsPath)).map((l) => `    ${l}`));
 */
export function reproTextLines(lines: ReproLines | undefined): string[] {
  if (lines === undefined) return [];
  return [...(lines.repro !== undefined ? [`repro: ${lines.repro}`] : []), `rerun: ${lines.rerun}`];
}
