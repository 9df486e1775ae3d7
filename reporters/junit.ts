/**
 * JUnit XML from a results document, agreeing with the exit code: a case is a `<failure>` exactly when it fails the
 * run (`failsRun`: a new failure, or a flaky case under `--fail-on-flaky`). Known failures and ungated SHOULD
 * failures are `<skipped>` with the gate's reason; a flaky case that does not fail the run passes with a
 * `<flakyFailure>` per failed attempt (Maven Surefire's element, which Jenkins shows as flaky).
 *
 * One `<testsuite>` per dialect run (time = its wall time), `classname` `vmconform.<dialect>` (Jenkins reads package
 * `vmconform`, class `<dialect>`), `name` the case id, `file` the dialect's catalog (for a run of judged rules its spec,
 * where the rule inventory comes from), properties with level, docRef, gate and rules. One row per case; a finding
 * whose cause other cases of the run share says so in its text (the first of those cases lists them all and keeps the
 * curl line), and a curl line shows once per request. Built with fast-xml-parser's XMLBuilder from text escaped here
 * (`&`, `<`, `>`; the builder adds the quotes of attributes); characters XML 1.0 cannot carry at all (control
 * characters) are replaced first.
 */
import { XMLBuilder } from 'fast-xml-parser';
import { NEW_FAILURE } from '../src/engine/baseline.ts';
import type { Finding } from '../src/engine/types.ts';
import { bucketHolding, bucketsOf, causeOf, curlOnce, failsForAnotherReason, type Bucket } from './buckets.ts';
import { reproLinesOf, reproTextLines } from './repro-lines.ts';
import { rowNoun, type ResultsCase, type ResultsDocument, type ResultsRun, type RowNoun } from './results-json.ts';
import { terminalSafe } from './safe-text.ts';
import { compactSource } from '../src/engine/assertions.ts';

// Characters outside XML 1.0's Char production (and lone surrogates) cannot be escaped, only replaced.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Control characters shown escaped (`\u001b`, as everywhere); what XML 1.0 still cannot represent becomes U+FFFD. */
export function xmlSafe(text: string): string {
  return terminalSafe(text).replace(INVALID_XML, '\uFFFD');
}

/**
 * Text as the builder takes it ({@link xmlSafe}, then `&`, `<` and `>` escaped): the builder escapes nothing else in
 * text (quotes stay quotes, not `&quot;`) and only quotes in attributes.
 */
const xmlText = (text: string): string => xmlSafe(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** The file a run's rows come from: the dialect's catalog, or for judged rules its spec (the rule inventory's source). */
const rowsFile = (run: ResultsRun): string => (run.rows === 'rules' ? `specs/${run.dialect}.yaml` : `src/cases/${run.dialect}.ts`);

/** The wall time of a run: first case start to last case end (the sum of durations when starts are unknown). */
export function wallTimeMs(run: ResultsRun): number {
  const spans = run.cases.flatMap((c) => (c.startedAt ? [[Date.parse(c.startedAt), Date.parse(c.startedAt) + c.durationMs] as const] : []));
  if (spans.length === 0 || spans.length < run.cases.length) return run.cases.reduce((sum, c) => sum + c.durationMs, 0);
  return Math.max(...spans.map((s) => s[1])) - Math.min(...spans.map((s) => s[0]));
}

/** The buckets of a run's cases as JUnit reads them: what fails the run, and what is reported but does not. */
type RunBuckets = ReadonlyMap<ResultsCase, readonly Bucket[]>;

/**
 * A case's findings as text: each once, with its curl line once per request. A finding of a cause other cases share
 * says so: the bucket's first case lists the cases and keeps the curl line; the others point to it. `rows` names the
 * run's rows (cases, or judged rules).
 */
function findingLines(c: ResultsCase, findings: readonly Finding[], fallback: string, rows: RowNoun, buckets?: readonly Bucket[]): string[] {
  if (findings.length === 0) return [fallback];
  const showCurl = curlOnce(findings);
  // A bucket's example request shows once, after its last finding here.
  const lastOfBucket = new Map<Bucket, number>();
  findings.forEach((f, i) => {
    const b = bucketHolding(f, buckets);
    if (b !== undefined) lastOfBucket.set(b, i);
  });
  return findings.map((f, i) => {
    const b = bucketHolding(f, buckets);
    const lead = b?.cases[0];
    const pattern = causeOf(f)?.pattern ?? '';
    // The other cases of a bucket point to its first, which says it all once.
    if (b !== undefined && lead !== c) return `[${f.check}] one cause in ${b.cases.length} ${rows.many} of this run (${pattern}): see ${lead?.id ?? ''}, which lists them`;
    const note = b === undefined ? '' : `\n  one cause in ${b.cases.length} ${rows.many} of this run (${pattern}, rule ${f.rule}): ${b.cases.map((x) => x.id).join(', ')}`;
    // A bucket's request: the shortest of its cases' (they differ only in their ids).
    const example = b?.example;
    const curl =
      example !== undefined ? (lastOfBucket.get(b as Bucket) === i ? `\n  request of ${example.caseId}: ${example.curl}` : '') : showCurl[i] && f.curl ? `\n  ${f.curl}` : '';
    return `[${f.check}] ${f.message}${note}${curl}`;
  });
}

/** What a case says whose every finding another case tells in full: one line naming those cases and their causes. */
function followerLine(buckets: readonly Bucket[], rows: RowNoun): string {
  const parts = buckets.map((b) => `${b.cases[0]?.id ?? ''} (${b.causes.map((x) => x.check).join(', ')}; one cause in ${b.cases.length} ${rows.many})`);
  return `the same causes as ${parts.join(' and ')}, which say them in full`;
}

function firstLine(findings: readonly Finding[], fallback: string, rows: RowNoun, buckets?: readonly Bucket[]): string {
  const f = findings[0];
  const b = f ? bucketHolding(f, buckets) : undefined;
  if (!f) return fallback.slice(0, 300);
  const note = b ? ` (one cause in ${b.cases.length} ${rows.many})` : '';
  const message = f.message.length + note.length > 280 ? `${f.message.slice(0, 280 - note.length)}...` : f.message;
  return `[${f.check}] ${message}${note}`;
}

/** Findings of a case as the gate saw them: its own, or for a passing flaky case those of its last failed attempt. */
const gatedFindings = (c: ResultsCase): readonly Finding[] => (c.status === 'failed' ? c.findings : (c.previousAttempts?.at(-1)?.findings ?? []));

/** The buckets of a run: of the cases that fail the run, and apart from them of the failures that do not. */
function runBuckets(run: ResultsRun): RunBuckets {
  // A known case failing for another reason stands alone, as in every report.
  const failing = bucketsOf(run.cases.filter((c) => c.failsRun && !failsForAnotherReason(c)), gatedFindings).bucketsOfCase;
  const reported = bucketsOf(run.cases.filter((c) => !c.failsRun && c.status === 'failed')).bucketsOfCase;
  return new Map([...failing, ...reported]);
}

const prop = (name: string, value: string): Record<string, string> => ({ '@_name': name, '@_value': xmlText(value) });

/** The lines that reproduce a failed case (`vmconform repro`, and a rerun of it alone), after a blank line. */
function reproText(run: ResultsRun, c: ResultsCase, resultsPath: string | undefined): string {
  const lines = reproTextLines(reproLinesOf(run, c.id, resultsPath));
  return lines.length > 0 ? `\n\n${lines.join('\n')}` : '';
}

function testcase(run: ResultsRun, c: ResultsCase, buckets: RunBuckets, resultsPath: string | undefined): Record<string, unknown> {
  const el: Record<string, unknown> = {
    '@_classname': `vmconform.${run.dialect}`,
    '@_name': xmlText(c.id),
    '@_time': seconds(c.durationMs),
    '@_file': rowsFile(run),
    // The document lines only (`NNN_<hex>.txt:L`, a pin's first words): results.json and report.html quote them.
    properties: {
      property: [prop('level', c.level), prop('docRef', compactSource(c.docRef)), prop('gate', c.gate)],
    },
  };
  const attempts = c.previousAttempts ?? [];
  const mine = buckets.get(c);
  const rows = rowNoun(run);
  if (c.failsRun) {
    const findings = gatedFindings(c);
    const lead = c.status === 'failed' ? firstLine(findings, c.message ?? 'failed', rows, mine) : (c.gateReason ?? 'flaky');
    const follower = mine !== undefined && mine.length > 0 && mine.every((b) => b.cases[0] !== c) && findings.every((f) => bucketHolding(f, mine) !== undefined);
    const leadCase = follower ? mine[0]?.cases[0] : undefined;
    el['failure'] = {
      '@_message': xmlText(follower && leadCase ? `[${findings[0]?.check ?? 'failed'}] the cause of ${leadCase.id}, which says it in full (one cause in ${mine[0]?.cases.length ?? 0} ${rows.many})` : lead.slice(0, 300)),
      '@_type': c.status === 'failed' ? 'vmconform.finding' : 'vmconform.flaky',
      // A case whose every finding another case of its bucket tells in full says only where; the gate's reason when it
      // says more than "a new failure" (flaky, or a known case failing for a different reason).
      '#text': xmlText(
        (follower
          ? followerLine(mine, rows)
          : `${c.title}\n${c.gateReason && c.gateReason !== NEW_FAILURE ? `${c.gateReason}\n` : ''}${findingLines(c, findings, c.message ?? 'failed', rows, mine).join('\n')}`) +
          (c.status === 'failed' ? reproText(run, c, resultsPath) : ''),
      ),
    };
  } else if (c.status === 'failed') {
    // Known (baseline) or an ungated SHOULD failure: reported, not failing; the findings stay readable.
    el['skipped'] = {
      '@_message': xmlText((c.gateReason ?? 'not gated').slice(0, 1000)),
      '#text': xmlText(findingLines(c, c.findings, c.message ?? 'failed', rows, mine).join('\n') + reproText(run, c, resultsPath)),
    };
  } else if (c.status === 'skipped') {
    el['skipped'] = { '@_message': xmlText(c.message ?? 'skipped') };
  } else if (c.gate === 'flaky') {
    el['flakyFailure'] = attempts.map((a) => ({
      '@_message': xmlText(firstLine(a.findings, a.message ?? 'failed', rows)),
      '@_type': 'vmconform.finding',
      stackTrace: xmlText(findingLines(c, a.findings, a.message ?? 'failed', rows).join('\n')),
    }));
  }
  // The title, docRef and gate, where no failure text says them already.
  if (c.status !== 'failed' && !c.failsRun) el['system-out'] = xmlText(`${c.title}\ndocRef: ${c.docRef}\ngate: ${c.gate}${c.gateReason ? ` (${c.gateReason})` : ''}`);
  return el;
}

/** How many cases of a run JUnit reports as `<failure>` and as `<skipped>`. */
function counts(run: ResultsRun): { failures: number; skipped: number } {
  return {
    failures: run.cases.filter((c) => c.failsRun).length,
    skipped: run.cases.filter((c) => !c.failsRun && (c.status === 'failed' || c.status === 'skipped')).length,
  };
}

/**
 * The JUnit XML text. `resultsPath`, where the document is written, makes each failure show its `vmconform repro` line.
 *
 * @example
 * writeFileSync('junit.xml', toJUnitXml(doc, 'reports/results.json'));
 */
export function toJUnitXml(doc: ResultsDocument, resultsPath?: string): string {
  const interrupted = doc.interrupted === true;
  const suites = doc.runs.map((run, k) => {
    const n = counts(run);
    const buckets = runBuckets(run);
    const notRun = run.cases.filter((c) => c.status === 'skipped').length;
    // An interrupted run exits 130: one <error> per run says so, so that no JUnit reader shows it green.
    const interruption = [
      ...(interrupted
        ? [
            {
              '@_classname': `vmconform.${run.dialect}`,
              '@_name': 'run interrupted',
              '@_time': '0',
              error: { '@_message': `the run was interrupted (exit 130): ${notRun} ${rowNoun(run).one}(s) not run or skipped`, '@_type': 'vmconform.interrupted' },
            },
          ]
        : []),
      // Errors outside the cases (the first suite carries them): one <error> each, so that no JUnit reader shows it green.
      ...(k === 0 ? doc.errors.map((e) => ({ '@_classname': `vmconform.${run.dialect}`, '@_name': 'run error', '@_time': '0', error: { '@_message': xmlText(e), '@_type': 'vmconform.error' } })) : []),
    ];
    return {
      '@_name': xmlText(`vmconform ${run.dialect}`),
      '@_tests': String(run.cases.length + interruption.length),
      '@_failures': String(n.failures),
      '@_errors': String(interruption.length),
      '@_skipped': String(n.skipped),
      '@_time': seconds(wallTimeMs(run)),
      '@_timestamp': xmlText(run.cases.map((c) => c.startedAt).filter((s) => s !== undefined).sort()[0] ?? doc.startedAt),
      '@_file': rowsFile(run),
      properties: {
        property: [
          prop('dialect', run.dialect),
          prop('target', run.target),
          prop('level', doc.gate.level),
          ...(doc.gate.baseline !== undefined ? [prop('baseline', doc.gate.baseline)] : []),
          prop('score.must', run.score.must.percent === null ? 'n/a' : String(run.score.must.percent)),
          prop('score.should', run.score.should.percent === null ? 'n/a' : String(run.score.should.percent)),
        ],
      },
      testcase: [...run.cases.map((c) => testcase(run, c, buckets, resultsPath)), ...interruption],
    };
  });
  const all = doc.runs.map(counts);
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format: true,
    indentBy: '  ',
    suppressEmptyNode: true,
    // Every text and attribute is escaped by xmlText already.
    processEntities: false,
  });
  const body = builder.build({
    testsuites: {
      '@_name': 'vmconform',
      '@_tests': String(doc.runs.reduce((n, r) => n + r.cases.length + (interrupted ? 1 : 0), 0) + (doc.runs.length > 0 ? doc.errors.length : 0)),
      '@_failures': String(all.reduce((n, c) => n + c.failures, 0)),
      '@_errors': String(doc.errors.length + (interrupted ? doc.runs.length : 0)),
      '@_skipped': String(all.reduce((n, c) => n + c.skipped, 0)),
      '@_time': seconds(doc.durationMs),
      '@_timestamp': xmlText(doc.startedAt),
      testsuite: suites,
    },
  }) as string;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
}
