/**
 * The human summary (console and `summary.txt`): a header (printed when the run starts), then per dialect the counts
 * and score, each failure with id, gate, docRef, expected vs received and the curl line, then the gate's verdict.
 * Plain text over a results document; every gate word comes from the document (the engine's verdict).
 */
import { terminalSafe } from './safe-text.ts';
import { formatShare } from '../src/engine/score.ts';
import { type Paint, plain } from './color.ts';
import { verdictOf, type ResultsDocument, type ResultsCase, type RunVerdict } from './results-json.ts';

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
 * The body of the summary (everything after the header): per dialect, failures, flaky and fixed cases, totals and
 * the verdict.
 *
 * @example
 * process.stdout.write(formatSummaryBody(doc, ansi));
 */
export function formatSummaryBody(doc: ResultsDocument, paint: Paint = plain): string {
  const t = terminalSafe;
  const out: string[] = [];
  for (const run of doc.runs) {
    const s = run.summary;
    out.push('');
    out.push(paint('bold', `${run.dialect}  ${t(run.target)}`));
    out.push(
      `  ${s.total} cases: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped${s.flaky > 0 ? ` (${s.flaky} flaky)` : ''}` +
        `  score: MUST ${formatShare(run.score.must)}, SHOULD ${formatShare(run.score.should)}`,
    );
    for (const c of run.cases) {
      if (c.status === 'failed') {
        const word = c.gate === 'new' ? paint('red', 'FAIL') : paint('yellow', 'FAIL');
        out.push(`  ${word} ${t(c.id)} [${c.level}]${gateTag(c)}`);
        if (c.gate === 'known' && c.gateReason) out.push(`    ${t(c.gateReason)}`);
        out.push(`    doc: ${t(c.docRef)}`);
        if (c.rules.length > 0) out.push(`    rules: ${t(c.rules.join(', '))}`);
        if (c.findings.length === 0) out.push(`    ${t(c.message ?? 'failed')}`);
        for (const f of c.findings) {
          out.push(`    [${f.check}] ${t(f.message)}`);
          if (f.curl) out.push(paint('dim', `      ${t(f.curl)}`));
        }
      } else if (c.gate === 'flaky') {
        out.push(`  ${paint(c.failsRun ? 'red' : 'yellow', 'FLAKY')} ${t(c.id)} [${c.level}] ${t(c.gateReason ?? '')}`);
        const last = c.previousAttempts?.at(-1);
        for (const f of last?.findings ?? []) out.push(`    attempt ${c.previousAttempts?.length ?? 0}: [${f.check}] ${t(f.message)}`);
      }
    }
  }
  if (doc.errors.length > 0) {
    out.push('');
    out.push(paint('red', 'Errors outside the cases (the run is incomplete):'));
    for (const e of doc.errors) out.push(`  ${t(e)}`);
  }
  const sum = (pick: (r: ResultsDocument['runs'][number]) => number): number => doc.runs.reduce((n, r) => n + pick(r), 0);
  out.push('');
  out.push(
    `Total: ${sum((r) => r.summary.total)} cases: ${sum((r) => r.summary.passed)} passed, ${sum((r) => r.summary.failed)} failed, ` +
      `${sum((r) => r.summary.skipped)} skipped in ${(doc.durationMs / 1000).toFixed(1)} s`,
  );
  for (const run of doc.runs) {
    for (const c of run.cases) if (c.gate === 'fixed') out.push(paint('green', `fixed: remove from baseline: ${run.dialect} ${t(c.id)} (${t((c.gateReason ?? '').replace(/^fixed: remove from baseline \((.*)\)$/s, '$1'))})`));
  }
  const g = doc.gate.counts;
  if (g.known > 0) out.push(`${g.known} known failure(s) listed in the baseline`);
  const ungated = doc.runs.reduce((n, r) => n + r.cases.filter((c) => c.status === 'failed' && c.gate === 'ok').length, 0);
  if (ungated > 0) out.push(`${ungated} SHOULD failure(s) not gated (--level must)`);
  if (g.flaky > 0) out.push(`${g.flaky} flaky case(s) (passed on a retry)${doc.gate.failOnFlaky ? ': --fail-on-flaky' : ''}`);
  const failing = doc.runs.reduce((n, r) => n + r.cases.filter((c) => c.failsRun).length, 0);
  const result: Readonly<Record<RunVerdict, string>> = {
    interrupted: paint('red', `RESULT: INTERRUPTED (the cases not run are missing; ${failing} failure(s) beyond the baseline among those run)`),
    failed: paint('red', `RESULT: FAILED (${failing} failure(s) beyond the baseline)`),
    passed: paint('green', 'RESULT: PASSED (nothing failed beyond the baseline)'),
  };
  out.push(result[verdictOf([doc])]);
  return `${out.join('\n')}\n`;
}

/**
 * The whole summary (header and body), as `summary.txt` holds it.
 *
 * @example
 * writeFileSync('summary.txt', formatSummary(doc));
 */
export function formatSummary(doc: ResultsDocument, paint: Paint = plain): string {
  return formatHeader(headerOf(doc), paint) + formatSummaryBody(doc, paint);
}
