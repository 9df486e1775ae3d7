/**
 * JUnit XML from a results document, agreeing with the exit code: a case is a `<failure>` exactly when it fails the
 * run (`failsRun`: a new failure, or a flaky case under `--fail-on-flaky`). Known failures and ungated SHOULD
 * failures are `<skipped>` with the gate's reason; a flaky case that does not fail the run passes with a
 * `<flakyFailure>` per failed attempt (Maven Surefire's element, which Jenkins shows as flaky).
 *
 * One `<testsuite>` per dialect run (time = its wall time), `classname` `vmconform.<dialect>` (Jenkins reads package
 * `vmconform`, class `<dialect>`), `name` the case id, `file` the dialect's catalog, properties with level, docRef,
 * gate and rules. Built with fast-xml-parser's XMLBuilder (it escapes); characters XML 1.0 cannot carry at all
 * (control characters) are replaced first.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { Finding } from '../src/engine/types.ts';
import type { ResultsCase, ResultsDocument, ResultsRun } from './results-json.ts';
import { terminalSafe } from './safe-text.ts';

// Characters outside XML 1.0's Char production (and lone surrogates) cannot be escaped, only replaced.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Control characters shown escaped (`\u001b`, as everywhere); what XML 1.0 still cannot represent becomes U+FFFD. */
export function xmlSafe(text: string): string {
  return terminalSafe(text).replace(INVALID_XML, '\uFFFD');
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** The wall time of a run: first case start to last case end (the sum of durations when starts are unknown). */
export function wallTimeMs(run: ResultsRun): number {
  const spans = run.cases.flatMap((c) => (c.startedAt ? [[Date.parse(c.startedAt), Date.parse(c.startedAt) + c.durationMs] as const] : []));
  if (spans.length === 0 || spans.length < run.cases.length) return run.cases.reduce((sum, c) => sum + c.durationMs, 0);
  return Math.max(...spans.map((s) => s[1])) - Math.min(...spans.map((s) => s[0]));
}

function findingLines(findings: readonly Finding[], fallback: string): string[] {
  return findings.length > 0
    ? findings.map((f) => `[${f.check}] ${f.message}\n  docRef: ${f.docRef}${f.curl ? `\n  ${f.curl}` : ''}`)
    : [fallback];
}

function firstLine(findings: readonly Finding[], fallback: string): string {
  const f = findings[0];
  return (f ? `[${f.check}] ${f.message}` : fallback).slice(0, 1000);
}

const prop = (name: string, value: string): Record<string, string> => ({ '@_name': name, '@_value': xmlSafe(value) });

function testcase(run: ResultsRun, c: ResultsCase): Record<string, unknown> {
  const el: Record<string, unknown> = {
    '@_classname': `vmconform.${run.dialect}`,
    '@_name': xmlSafe(c.id),
    '@_time': seconds(c.durationMs),
    '@_file': `src/cases/${run.dialect}.ts`,
    properties: {
      property: [
        prop('level', c.level),
        prop('docRef', c.docRef),
        prop('gate', c.gate),
        ...(c.rules.length > 0 ? [prop('rules', c.rules.join(', '))] : []),
      ],
    },
  };
  const attempts = c.previousAttempts ?? [];
  if (c.failsRun) {
    const findings = c.status === 'failed' ? c.findings : (attempts.at(-1)?.findings ?? []);
    const lead = c.status === 'failed' ? firstLine(findings, c.message ?? 'failed') : (c.gateReason ?? 'flaky');
    el['failure'] = {
      '@_message': xmlSafe(lead.slice(0, 1000)),
      '@_type': c.status === 'failed' ? 'vmconform.finding' : 'vmconform.flaky',
      '#text': xmlSafe(`${c.title}\n${c.docRef}${c.gateReason ? `\n${c.gateReason}` : ''}\n\n${findingLines(findings, c.message ?? 'failed').join('\n')}`),
    };
  } else if (c.status === 'failed') {
    // Known (baseline) or an ungated SHOULD failure: reported, not failing; the findings stay readable.
    el['skipped'] = {
      '@_message': xmlSafe((c.gateReason ?? 'not gated').slice(0, 1000)),
      '#text': xmlSafe(findingLines(c.findings, c.message ?? 'failed').join('\n')),
    };
  } else if (c.status === 'skipped') {
    el['skipped'] = { '@_message': xmlSafe(c.message ?? 'skipped') };
  } else if (c.gate === 'flaky') {
    el['flakyFailure'] = attempts.map((a) => ({
      '@_message': xmlSafe(firstLine(a.findings, a.message ?? 'failed')),
      '@_type': 'vmconform.finding',
      stackTrace: xmlSafe(findingLines(a.findings, a.message ?? 'failed').join('\n')),
    }));
  }
  el['system-out'] = xmlSafe(`${c.title}\ndocRef: ${c.docRef}\ngate: ${c.gate}${c.gateReason ? ` (${c.gateReason})` : ''}`);
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
 * The JUnit XML text.
 *
 * @example
 * writeFileSync('junit.xml', toJUnitXml(doc));
 */
export function toJUnitXml(doc: ResultsDocument): string {
  const interrupted = doc.interrupted === true;
  const suites = doc.runs.map((run) => {
    const n = counts(run);
    const notRun = run.cases.filter((c) => c.status === 'skipped').length;
    // An interrupted run exits 130: one <error> per run says so, so that no JUnit reader shows it green.
    const interruption = interrupted
      ? [
          {
            '@_classname': `vmconform.${run.dialect}`,
            '@_name': 'run interrupted',
            '@_time': '0',
            error: { '@_message': `the run was interrupted (exit 130): ${notRun} case(s) not run or skipped`, '@_type': 'vmconform.interrupted' },
          },
        ]
      : [];
    return {
      '@_name': xmlSafe(`vmconform ${run.dialect}`),
      '@_tests': String(run.cases.length + interruption.length),
      '@_failures': String(n.failures),
      '@_errors': String(interruption.length),
      '@_skipped': String(n.skipped),
      '@_time': seconds(wallTimeMs(run)),
      '@_timestamp': run.cases.map((c) => c.startedAt).filter((s) => s !== undefined).sort()[0] ?? doc.startedAt,
      '@_file': `src/cases/${run.dialect}.ts`,
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
      testcase: [...run.cases.map((c) => testcase(run, c)), ...interruption],
    };
  });
  const all = doc.runs.map(counts);
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format: true,
    indentBy: '  ',
    suppressEmptyNode: true,
    processEntities: true,
  });
  const body = builder.build({
    testsuites: {
      '@_name': 'vmconform',
      '@_tests': String(doc.runs.reduce((n, r) => n + r.cases.length + (interrupted ? 1 : 0), 0)),
      '@_failures': String(all.reduce((n, c) => n + c.failures, 0)),
      '@_errors': String(doc.errors.length + (interrupted ? doc.runs.length : 0)),
      '@_skipped': String(all.reduce((n, c) => n + c.skipped, 0)),
      '@_time': seconds(doc.durationMs),
      '@_timestamp': doc.startedAt,
      testsuite: suites,
    },
  }) as string;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
}
