/**
 * The human summary (console and `summary.txt`): a header (printed when the run starts), then per dialect the counts,
 * score and how many cases ran, each new failure with id, gate, docRef, expected vs received and the curl line (the
 * failures of one cause once, with their cases), known and ungated failures one line each, then the gate's verdict.
 * Plain text over a results document; every gate word comes from the document (the engine's verdict).
 */
import { terminalSafe } from './safe-text.ts';
import { formatShare } from '../src/engine/score.ts';
import type { Finding } from '../src/engine/types.ts';
import { bucketRules, bucketTitle, curlOnce, failsForAnotherReason, newFailureBuckets, ranLine, skippedNote, type Bucket } from './buckets.ts';
import { type Paint, plain } from './color.ts';
import { reproLinesOf, reproTextLines } from './repro-lines.ts';
import { rowNoun, verdictOf, type ResultsDocument, type ResultsCase, type ResultsRun, type RunVerdict } from './results-json.ts';

/** What the header shows: known before the first case runs. */
export interface SummaryHeader {
  readonly version: string;
  readonly runId: string;
  readonly startedAt: string;
  readonly targets: readonly { readonly dialect: string; readonly target: string }[];
  readonly level: 'MUST' | 'ALL';
  readonly retries: number;
  readonly failOnFlaky: boolean;
  readonly baseline?: string;
}

/**
 * The header lines: version, run id, start, each target, and how the gate judges.
 *
 * @example
 * process.stdout.write(formatHeader(header));
 */
export function formatHeader(h: SummaryHeader, paint: Paint = plain): string {
  const out = [paint('bold', `vmconform ${h.version}  run ${h.runId}  started ${h.startedAt}`)];
  for (const t of h.targets) out.push(`  ${t.dialect}  ${terminalSafe(t.target)}`);
  const gate = [
    `level ${h.level === 'MUST' ? 'must (SHOULD failures not gated)' : 'all'}`,
    h.baseline !== undefined ? `baseline ${terminalSafe(h.baseline)}` : 'no baseline',
    `retries ${h.retries}${h.failOnFlaky ? ', flaky fails' : ''}`,
  ];
  out.push(`  gate: ${gate.join(', ')}`);
  return `${out.join('\n')}\n`;
}

/** The header of a finished document. */
export function headerOf(doc: ResultsDocument): SummaryHeader {
  return {
    version: doc.version,
    runId: doc.runId,
    startedAt: doc.startedAt,
    targets: doc.runs.map((r) => ({ dialect: r.dialect, target: r.target })),
    level: doc.gate.level,
    retries: doc.gate.retries,
    failOnFlaky: doc.gate.failOnFlaky,
    ...(doc.gate.baseline !== undefined ? { baseline: doc.gate.baseline } : {}),
  };
}

/** The tag after a failed case's id: what the gate made of it. */
function gateTag(c: ResultsCase): string {
  if (c.gate === 'known') return ' (known, in baseline)';
  if (c.gate === 'ok') return ' (SHOULD, not gated)';
  return '';
}

/**
 * How much the console says. `normal`: new failures in full, the findings of one cause once for all its cases (a
 * bucket: the count, the case ids, one curl line), known and ungated failures one line each. `quiet`: only the new
 * failures and the result line. `verbose`: every failed case in full, as each case's findings read alone.
 */
export type Verbosity = 'quiet' | 'normal' | 'verbose';

const KNOWN_PREFIX = 'known failure (baseline): ';

/** The lines of findings, each curl line once per request (after the last finding about it). */
function findingLines(findings: readonly Finding[], paint: Paint, indent = '    '): string[] {
  const t = terminalSafe;
  const showCurl = curlOnce(findings);
  return findings.flatMap((f, i) => [`${indent}[${f.check}] ${t(f.message)}`, ...(showCurl[i] && f.curl ? [paint('dim', `${indent}  ${t(f.curl)}`)] : [])]);
}

/**
 * Where the run's results.json is (for the repro line), the run (for the rerun line), and the cases whose lines were
 * shown (each case's once).
 */
interface RunPlace {
  readonly run: ResultsRun;
  readonly resultsPath: string | undefined;
  readonly shown: Set<string>;
}

/** The repro and rerun lines of a case, dimmed and indented, once per case; none for a run that is not of the catalog. */
function reproEntry(place: RunPlace, caseId: string, paint: Paint, indent = '    '): string[] {
  if (place.shown.has(caseId)) return [];
  place.shown.add(caseId);
  return reproTextLines(reproLinesOf(place.run, caseId, place.resultsPath)).map((l) => paint('dim', `${indent}${terminalSafe(l)}`));
}

/**
 * A failed case in full: id, gate, docRef, rules, its findings (those no bucket shows), how many a bucket shows, and
 * the lines that reproduce it.
 */
function caseEntry(place: RunPlace, c: ResultsCase, findings: readonly Finding[], paint: Paint, bucketed = 0): string[] {
  const t = terminalSafe;
  const out = [`  ${paint(c.gate === 'new' ? 'red' : 'yellow', 'FAIL')} ${t(c.id)} [${c.level}]${gateTag(c)}`];
  if (c.gateReason && (c.gate === 'known' || failsForAnotherReason(c))) out.push(`    ${t(c.gateReason)}`);
  out.push(`    doc: ${t(c.docRef)}`);
  if (c.rules.length > 0) out.push(`    rules: ${t(c.rules.join(', '))}`);
  if (findings.length === 0 && bucketed === 0) out.push(`    ${t(c.message ?? 'failed')}`);
  out.push(...findingLines(findings, paint));
  if (bucketed > 0) out.push(`    and ${bucketed} cause(s) it shares with other ${rowNoun(place.run).many}, shown above`);
  out.push(...reproEntry(place, c.id, paint));
  return out;
}

/**
 * A bucket: the cases that failed with the same causes, once, and the lines that reproduce one of them (its example,
 * unless that case has an entry of its own, which shows them).
 */
function bucketEntry(place: RunPlace, b: Bucket, paint: Paint, ownEntry: (c: ResultsCase) => boolean): string[] {
  const t = terminalSafe;
  const out = [`  ${paint('red', 'FAIL')} ${bucketTitle(b, place.run)}: ${t(b.cases.map((c) => c.id).join(', '))}`];
  const rules = bucketRules(b);
  if (rules.length > 0) out.push(`    rules: ${t(rules.join(', '))}`);
  for (const cause of b.causes) for (const f of cause.findings) out.push(`    [${cause.check}] ${t(f.message)} (${t(cause.pattern)})`);
  if (b.example) out.push(`    request of ${t(b.example.caseId)} (the others differ in their ids):`, paint('dim', `      ${t(b.example.curl)}`));
  const candidates = [...b.cases].sort((x, y) => Number(y.id === b.example?.caseId) - Number(x.id === b.example?.caseId));
  const example = candidates.find((c) => !ownEntry(c) && !place.shown.has(c.id));
  if (example !== undefined) out.push(...reproEntry(place, example.id, paint));
  return out;
}

/** One line for a failure that does not fail the run (known, or SHOULD under --level must). */
function oneLine(c: ResultsCase, paint: Paint): string {
  const t = terminalSafe;
  const first = c.findings[0];
  const why = c.gate === 'known' ? (c.gateReason ?? '').replace(KNOWN_PREFIX, '') : first ? `[${first.check}] ${first.message}` : (c.message ?? 'failed');
  return `  ${paint('yellow', 'FAIL')} ${t(c.id)} [${c.level}]${gateTag(c)}: ${t(why.length > 200 ? `${why.slice(0, 200)}…` : why)}`;
}

/** A flaky case: its gate reason and the findings of its last failed attempt. */
function flakyEntry(c: ResultsCase, paint: Paint): string[] {
  const t = terminalSafe;
  const last = c.previousAttempts?.at(-1);
  return [
    `  ${paint(c.failsRun ? 'red' : 'yellow', 'FLAKY')} ${t(c.id)} [${c.level}] ${t(c.gateReason ?? '')}`,
    ...(last?.findings ?? []).map((f) => `    attempt ${c.previousAttempts?.length ?? 0}: [${f.check}] ${t(f.message)}`),
  ];
}

/** The failures of one run at a verbosity: buckets of new failures first, then each case in the run's order. */
function runFailures(place: RunPlace, paint: Paint, verbosity: Verbosity): string[] {
  const { run } = place;
  if (verbosity === 'verbose') {
    return run.cases.flatMap((c) => (c.status === 'failed' ? caseEntry(place, c, c.findings, paint) : c.gate === 'flaky' ? flakyEntry(c, paint) : []));
  }
  const grouped = newFailureBuckets(run.cases);
  const rest = (c: ResultsCase): readonly Finding[] => grouped.rest.get(c) ?? c.findings;
  const bucketed = (c: ResultsCase): number => grouped.bucketsOfCase.get(c)?.reduce((n, b) => n + b.causes.length, 0) ?? 0;
  const ownEntry = (c: ResultsCase): boolean => rest(c).length > 0 || bucketed(c) === 0;
  const out = grouped.buckets.flatMap((b) => bucketEntry(place, b, paint, ownEntry));
  for (const c of run.cases) {
    if (c.status === 'failed' && c.gate === 'new') {
      if (ownEntry(c)) out.push(...caseEntry(place, c, rest(c), paint, bucketed(c)));
    } else if (c.gate === 'flaky' && (verbosity === 'normal' || c.failsRun)) {
      out.push(...flakyEntry(c, paint));
    } else if (c.status === 'failed' && verbosity === 'normal') {
      out.push(oneLine(c, paint));
    }
  }
  return out;
}

/**
 * The body of the summary (everything after the header): per dialect, failures, flaky and fixed cases, totals and
 * the verdict, at a {@link Verbosity} (default `normal`). `resultsPath`, where the document is written, makes each
 * failure show its `vmconform repro` line.
 *
 * @example
 * process.stdout.write(formatSummaryBody(doc, ansi, 'normal', 'reports/results.json'));
 */
export function formatSummaryBody(doc: ResultsDocument, paint: Paint = plain, verbosity: Verbosity = 'normal', resultsPath?: string): string {
  const t = terminalSafe;
  const out: string[] = [];
  const quiet = verbosity === 'quiet';
  for (const run of doc.runs) {
    const s = run.summary;
    const failures = runFailures({ run, resultsPath, shown: new Set() }, paint, verbosity);
    if (quiet && failures.length === 0) continue;
    out.push('');
    out.push(paint('bold', `${run.dialect}  ${t(run.target)}`));
    if (!quiet) {
      out.push(
        `  ${s.total} ${rowNoun(run).many}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped${s.flaky > 0 ? ` (${s.flaky} flaky)` : ''}` +
          `  score: MUST ${formatShare(run.score.must)}, SHOULD ${formatShare(run.score.should)}`,
      );
      const ran = ranLine(run);
      if (ran !== undefined) out.push(`  ${t(ran)}`);
    }
    out.push(...failures);
  }
  const rows = rowNoun(...doc.runs);
  if (doc.errors.length > 0) {
    out.push('');
    out.push(paint('red', `Errors outside the ${rows.many} (the run is incomplete):`));
    for (const e of doc.errors) out.push(`  ${t(e)}`);
  }
  const sum = (pick: (r: ResultsDocument['runs'][number]) => number): number => doc.runs.reduce((n, r) => n + pick(r), 0);
  out.push('');
  if (!quiet) {
    out.push(
      `Total: ${sum((r) => r.summary.total)} ${rows.many}: ${sum((r) => r.summary.passed)} passed, ${sum((r) => r.summary.failed)} failed, ` +
        `${sum((r) => r.summary.skipped)} skipped in ${(doc.durationMs / 1000).toFixed(1)} s`,
    );
    for (const run of doc.runs) {
      for (const c of run.cases) if (c.gate === 'fixed') out.push(paint('green', `fixed: remove from baseline: ${run.dialect} ${t(c.id)} (${t((c.gateReason ?? '').replace(/^fixed: remove from baseline \((.*)\)$/s, '$1'))})`));
    }
    const g = doc.gate.counts;
    if (g.known > 0) out.push(`${g.known} known failure(s) listed in the baseline`);
    const ungated = doc.runs.reduce((n, r) => n + r.cases.filter((c) => c.status === 'failed' && c.gate === 'ok').length, 0);
    if (ungated > 0) out.push(`${ungated} SHOULD failure(s) not gated (--level must)`);
    if (g.flaky > 0) out.push(`${g.flaky} flaky ${rows.one}(s) (passed on a retry)${doc.gate.failOnFlaky ? ': --fail-on-flaky' : ''}`);
  }
  const failing = doc.runs.reduce((n, r) => n + r.cases.filter((c) => c.failsRun).length, 0);
  const skipped = skippedNote(doc.runs);
  const also = skipped !== undefined ? `; ${skipped}` : '';
  const result: Readonly<Record<RunVerdict, string>> = {
    interrupted: paint('red', `RESULT: INTERRUPTED (the ${rows.many} not run are missing; ${failing} failure(s) beyond the baseline among those run)`),
    failed: paint('red', `RESULT: FAILED (${failing} failure(s) beyond the baseline${also})`),
    passed: paint('green', `RESULT: PASSED (nothing failed beyond the baseline${also})`),
  };
  out.push(result[verdictOf([doc])]);
  return `${out.join('\n')}\n`;
}

/**
 * The whole summary (header and body), as `summary.txt` holds it; `quiet` leaves the header out. `resultsPath` as for
 * {@link formatSummaryBody}.
 *
 * @example
 * writeFileSync('summary.txt', formatSummary(doc, plain, 'normal', 'reports/results.json'));
 */
export function formatSummary(doc: ResultsDocument, paint: Paint = plain, verbosity: Verbosity = 'normal', resultsPath?: string): string {
  return (verbosity === 'quiet' ? '' : formatHeader(headerOf(doc), paint)) + formatSummaryBody(doc, paint, verbosity, resultsPath);
}
