/**
 * JUnit XML from a results document: one `<testsuite>` per dialect, one `<testcase>` per case, failures with the
 * findings' messages and curl lines. Built with fast-xml-parser's XMLBuilder (it escapes); characters XML 1.0
 * cannot carry at all (control characters) are replaced first.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLBuilder } from 'fast-xml-parser';
import type { ResultsDocument } from './results-json.ts';

// Characters outside XML 1.0's Char production (and lone surrogates) cannot be escaped, only replaced.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Replace characters XML 1.0 cannot represent with U+FFFD. */
export function xmlSafe(text: string): string {
  return text.replace(INVALID_XML, '\uFFFD');
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/**
 * The JUnit XML text.
 *
 * @example
 * writeFileSync('junit.xml', toJUnitXml(doc));
 */
export function toJUnitXml(doc: ResultsDocument): string {
  const suites = doc.runs.map((run) => {
    const time = run.cases.reduce((sum, c) => sum + c.durationMs, 0);
    return {
      '@_name': xmlSafe(`vmconform ${run.dialect}`),
      '@_tests': String(run.cases.length),
      '@_failures': String(run.summary.failed),
      '@_errors': '0',
      '@_skipped': String(run.summary.skipped),
      '@_time': seconds(time),
      '@_timestamp': doc.startedAt,
      properties: {
        property: [
          { '@_name': 'dialect', '@_value': run.dialect },
          { '@_name': 'target', '@_value': xmlSafe(run.target) },
        ],
      },
      testcase: run.cases.map((c) => {
        const base: Record<string, unknown> = {
          '@_classname': xmlSafe(`${run.dialect}.${c.level}`),
          '@_name': xmlSafe(c.id),
          '@_time': seconds(c.durationMs),
        };
        if (c.status === 'failed') {
          const lines = c.findings.length > 0
            ? c.findings.map((f) => `[${f.check}] ${f.message}\n  docRef: ${f.docRef}${f.curl ? `\n  ${f.curl}` : ''}`)
            : [c.message ?? 'failed'];
          base['failure'] = {
            '@_message': xmlSafe((c.findings[0] ? `[${c.findings[0].check}] ${c.findings[0].message}` : (c.message ?? 'failed')).slice(0, 1000)),
            '@_type': 'vmconform.finding',
            '#text': xmlSafe(`${c.title}\n${c.docRef}\n\n${lines.join('\n')}`),
          };
        } else if (c.status === 'skipped') {
          base['skipped'] = { '@_message': xmlSafe(c.message ?? 'skipped') };
        }
        base['system-out'] = xmlSafe(`${c.title}\ndocRef: ${c.docRef}`);
        return base;
      }),
    };
  });
  const total = doc.runs.reduce((n, r) => n + r.cases.length, 0);
  const failed = doc.runs.reduce((n, r) => n + r.summary.failed, 0);
  const skipped = doc.runs.reduce((n, r) => n + r.summary.skipped, 0);
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
      '@_tests': String(total),
      '@_failures': String(failed),
      '@_errors': String(doc.errors.length),
      '@_skipped': String(skipped),
      '@_time': seconds(doc.durationMs),
      testsuite: suites,
    },
  }) as string;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
}

/** Write `junit.xml` into `dir`; returns the path. */
export function writeJUnitXml(dir: string, doc: ResultsDocument): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'junit.xml');
  writeFileSync(path, toJUnitXml(doc));
  return path;
}
