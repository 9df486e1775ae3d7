/**
 * The end `vmconform judge` and `vmconform proxy` share: the judge's rule rows through the usual reports (one run in
 * results.json, junit.xml, summary.md, report.html), `exchanges.har` with every exchange seen (not only those of
 * failed rules), a line on what the traffic held, and the exit code: 0 nothing violated, 1 a violation (a new one
 * under `--baseline`), 2 when no exchange of the dialect was judged at all ("no traffic reached vmconform").
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DialectName } from '../dialects/types.ts';
import { withoutSignatures } from '../engine/attempts.ts';
import type { Baseline } from '../engine/baseline.ts';
import { newRunId } from '../engine/run-case.ts';
import type { CaseResult, RecordedExchange } from '../engine/types.ts';
import { EXIT_USAGE } from '../errors.ts';
import { toHar } from '../../reporters/har.ts';
import { reportRun } from '../../reporters/report-run.ts';
import { writeReports } from '../../reporters/write-reports.ts';
import type { ResultsCase, ResultsDocument } from '../../reporters/results-json.ts';
import { safeJson } from '../../reporters/safe-text.ts';
import { formatSummaryBody, type Verbosity } from '../../reporters/summary.ts';
import type { Paint } from '../../reporters/color.ts';
import type { JudgeReport, TrafficCounts } from './judge.ts';

/** How the judged traffic is reported. */
export interface TrafficReportOptions {
  readonly dialect: DialectName;
  /** The target as results.json records it (the upstream, or `--target`, or the HAR files). */
  readonly target: string;
  readonly startedAt: Date;
  readonly reportDir: string;
  readonly baseline: Baseline;
  readonly baselineFile?: string;
  readonly level: 'MUST' | 'ALL';
  /** Only the rules whose id matches (`--grep`). */
  readonly grep?: string;
  readonly redactSignatures: boolean;
  /** Entries of other hosts, left out before judging (HAR files). */
  readonly otherHosts?: number;
  readonly verbosity: Verbosity;
  readonly paint: Paint;
  readonly write: (text: string) => void;
}

/** The line that says what the traffic held and what was not judged. */
export function trafficLine(c: TrafficCounts, dialect: DialectName, otherHosts = 0): string {
  const parts = [
    `${c.seen} exchange(s) seen`,
    `${c.stops} StopInstances judged`,
    `${c.statusReads} status read(s)`,
    `${c.providerStates} provider-state call(s)`,
    ...(c.noAnswer > 0 ? [`${c.noAnswer} the upstream never answered (failures of the target)`] : []),
  ];
  const skipped = [
    c.otherActions > 0 ? `${c.otherActions} other action(s)` : '',
    c.ignored + otherHosts > 0 ? `${c.ignored + otherHosts} of other hosts, paths or methods` : '',
    c.notOfDialect > 0 ? `${c.notOfDialect} not of ${dialect} (no action, id list or parameter of its wire style: is --dialect right?)` : '',
    c.unreadableBodies > 0 ? `${c.unreadableBodies} with a body missing, base64-encoded, truncated or cut short by the client` : '',
  ].filter((s) => s !== '');
  return `traffic: ${parts.join(', ')}${skipped.length > 0 ? `; not judged: ${skipped.join(', ')}` : ''}`;
}

/** The HAR of every exchange seen, as one page. */
function trafficHar(doc: ResultsDocument, exchanges: readonly RecordedExchange[], redact: boolean): string {
  const run = doc.runs[0];
  if (!run) return safeJson(toHar([doc]));
  // The redaction `run --redact-signatures` applies to its results (URL, headers and body of every request).
  const shown = redact ? (withoutSignatures({ id: 'traffic', dialect: run.dialect, level: 'MUST', title: '', docRef: '', rules: [], status: 'passed', durationMs: 0, findings: [], exchanges: [...exchanges] }).exchanges ?? []) : exchanges;
  const traffic: ResultsCase = {
    id: 'traffic',
    level: 'MUST',
    status: doc.gate.failed ? 'failed' : 'passed',
    gate: 'ok',
    failsRun: false,
    durationMs: doc.durationMs,
    docRef: '',
    title: `every exchange seen (${exchanges.length})`,
    rules: [],
    findings: [],
    exchanges: shown,
  };
  return safeJson(toHar([{ ...doc, runs: [{ ...run, cases: [traffic] }] }]));
}

/**
 * Write the reports of judged traffic, print the summary, and return the exit code.
 *
 * @example
 * return reportTraffic(judge.finish(), { dialect, target, startedAt, reportDir, baseline, level: 'ALL', ... });
 */
export function reportTraffic(report: JudgeReport, o: TrafficReportOptions): number {
  const pattern = o.grep !== undefined ? new RegExp(o.grep) : undefined;
  const rows: CaseResult[] = report.results.filter((r) => !pattern || pattern.test(r.id)).map((r) => (o.redactSignatures ? withoutSignatures(r) : r));
  const judgedNothing = report.counts.stops + report.counts.statusReads + report.counts.noAnswer === 0;
  const line0 = trafficLine(report.counts, o.dialect, o.otherHosts);
  const nothing = `no traffic reached vmconform: no exchange of ${o.dialect} was judged (${line0.replace(/^traffic: /, '')})`;
  const gated = reportRun({
    runId: newRunId(),
    startedAt: o.startedAt,
    // Its rows are the judged rules of the inventory, not cases: every report words them so.
    targets: [{ dialect: o.dialect, target: o.target, rows: 'rules' }],
    results: rows,
    baseline: o.baseline,
    ...(o.baselineFile !== undefined ? { baselineFile: o.baselineFile } : {}),
    level: o.level,
    ...(judgedNothing ? { errors: [nothing] } : {}),
  });
  // Traffic that judged nothing fails the gate in every report (a CI gate on junit.xml or summary.md must not pass).
  const doc: ResultsDocument = judgedNothing ? { ...gated.doc, gate: { ...gated.doc.gate, failed: true } } : gated.doc;
  const outcome = { doc, verdict: gated.verdict, files: writeReports(o.reportDir, doc) };
  const kept = report.exchanges.length < report.counts.seen ? ` (exchanges.har keeps ${report.exchanges.length} of them: the first, the latest and every one a finding names; never a request of a method other than GET and POST)` : '';
  const line = `${line0}${kept}`;
  writeFileSync(join(o.reportDir, 'exchanges.har'), trafficHar(outcome.doc, report.exchanges, o.redactSignatures));
  appendFileSync(join(o.reportDir, 'summary.md'), `\n${line}\n`);
  appendFileSync(join(o.reportDir, 'summary.txt'), `${line}\n`);
  o.write(formatSummaryBody(outcome.doc, o.paint, o.verbosity, join(o.reportDir, 'results.json')));
  o.write(`${line}\n`);
  if (o.verbosity !== 'quiet') o.write(`reports: ${outcome.files.join(', ')}\n`);
  if (judgedNothing) {
    process.stderr.write(`vmconform: ${nothing}\n`);
    return EXIT_USAGE;
  }
  return outcome.verdict.failed ? 1 : 0;
}
