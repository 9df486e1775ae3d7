/**
 * `report.html`: one self-contained file (inline CSS, script and data; no network) a person opens to read a run,
 * like Playwright's HTML report. A dialect x case matrix with status and gate, filters by status, gate, level and
 * dialect, the new failures of one cause once (with their cases), and per case its findings, the docRef with the
 * quoted document lines, and every exchange (request, response, timing, curl). The page script (`html/report.js`)
 * renders from the embedded results; nothing here judges.
 */
import { safeJson, terminalSafe } from './safe-text.ts';
import { readFileSync } from 'node:fs';
import { toCurl } from '../src/dialects/curl.ts';
import type { WireRequest } from '../src/dialects/types.ts';
import { packagePath } from '../src/package-root.ts';
import { familiesOf } from '../src/engine/score.ts';
import type { CaseAttempt, RecordedExchange } from '../src/engine/types.ts';
import { quoteDocRef, splitDocRef, type QuotedLine } from '../src/specs/doc-ref.ts';
import { bucketHolding, bucketTitle, newFailureBuckets, ranLine, type Bucket, type Bucketed } from './buckets.ts';
import { reproLinesOf } from './repro-lines.ts';
import { rowNoun, verdictOf, type ResultsCase, type ResultsDocument, type ResultsRun } from './results-json.ts';
import { runLabels } from './summary-md.ts';

// The page's assets stay beside the sources (reporters/html/), also for the build in dist/: found from the package root.
const asset = (name: string): string => readFileSync(packagePath('reporters', 'html', name), 'utf8');

/** An exchange as the page shows it: the recorded one and its curl line. */
type PageExchange = RecordedExchange & { readonly curl: string };

/** A docRef's references with the document lines they quote. */
type QuotedRef = { readonly text: string; readonly file?: string; readonly lines: readonly QuotedLine[] };

function withCurl(exchanges: readonly RecordedExchange[] | undefined): PageExchange[] {
  return (exchanges ?? []).map((ex) => {
    const request: WireRequest = {
      method: ex.request.method === 'GET' ? 'GET' : 'POST',
      url: ex.request.url,
      headers: ex.request.headers,
      ...(ex.request.body !== undefined ? { body: ex.request.body } : {}),
    };
    return { ...ex, curl: toCurl(request) };
  });
}

function pageCase(run: ResultsRun, c: ResultsCase, grouped: Bucketed, resultsPath: string | undefined): Record<string, unknown> {
  const rest = grouped.rest.get(c);
  const mine = grouped.bucketsOfCase.get(c);
  const repro = c.status === 'failed' ? reproLinesOf(run, c.id, resultsPath) : undefined;
  return {
    ...c,
    // The lines that reproduce a failed case (`vmconform repro`, and a rerun of it alone).
    ...(repro !== undefined ? { repro } : {}),
    families: familiesOf(c.rules),
    // Per finding, the index of the run's bucket that holds its cause (the page names its cases), or null.
    shared: c.findings.map((f) => {
      const b = bucketHolding(f, mine);
      return b ? grouped.buckets.indexOf(b) : null;
    }),
    // Every finding of it is in a bucket: the bucket stands for it in "needs attention".
    inBucketOnly: rest !== undefined && rest.length === 0 && grouped.bucketsOfCase.has(c),
    exchanges: withCurl(c.exchanges),
    previousAttempts: (c.previousAttempts ?? []).map((a: CaseAttempt) => ({ ...a, exchanges: withCurl(a.exchanges) })),
  };
}

/** A bucket as the page shows it, with the lines that reproduce its example case. */
function pageBucket(run: ResultsRun, b: Bucket, resultsPath: string | undefined): Record<string, unknown> {
  const repro = reproLinesOf(run, b.example?.caseId ?? b.cases[0]?.id ?? '', resultsPath);
  return {
    title: bucketTitle(b, run),
    cases: b.cases.map((c) => c.id),
    causes: b.causes.flatMap((x) => x.findings.map((f) => ({ check: x.check, pattern: x.pattern, rule: x.rule, message: f.message }))),
    ...(b.example ? { example: b.example } : {}),
    ...(repro !== undefined && b.cases.length > 0 ? { repro } : {}),
  };
}

/**
 * The page's data: every run of every document, and the quoted lines of every docRef used. `resultsPaths` (where each
 * document is, in the same order) makes each failure show its `vmconform repro` line.
 */
export function pageData(docs: readonly ResultsDocument[], generatedAt = new Date(), resultsPaths: readonly (string | undefined)[] = []): Record<string, unknown> {
  const labels = runLabels(docs);
  const docRefs: Record<string, QuotedRef[]> = {};
  const quote = (docRef: string): void => {
    if (docRef in docRefs) return;
    docRefs[docRef] = splitDocRef(docRef).map(({ text, part }) => (part ? { text, file: part.file, lines: quoteDocRef(part) } : { text, lines: [] }));
  };
  const runs = docs.flatMap((doc, d) =>
    doc.runs.map((run, r) => {
      for (const c of run.cases) {
        quote(c.docRef);
        for (const f of c.findings) quote(f.docRef);
      }
      // The new failures of one cause, once (a known case failing for a different reason stands alone, with why).
      const grouped = newFailureBuckets(run.cases);
      const ran = ranLine(run);
      return {
        key: `r${d}-${r}`,
        label: labels.get(run) ?? run.dialect,
        dialect: run.dialect,
        target: run.target,
        doc: d,
        summary: run.summary,
        score: run.score,
        // What the run's rows are called (cases, or judged rules), as every report words them.
        rows: rowNoun(run),
        ...(ran !== undefined ? { ran } : {}),
        buckets: grouped.buckets.map((b) => pageBucket(run, b, resultsPaths[d])),
        cases: run.cases.map((c) => pageCase(run, c, grouped, resultsPaths[d])),
      };
    }),
  );
  return {
    generatedAt: generatedAt.toISOString(),
    verdict: verdictOf(docs),
    docs: docs.map((d) => ({ runId: d.runId, version: d.version, startedAt: d.startedAt, durationMs: d.durationMs, gate: d.gate, interrupted: d.interrupted === true, errors: d.errors })),
    runs,
    // The noun of the rows of every run together (the totals, the matrix).
    rows: rowNoun(...docs.flatMap((d) => d.runs)),
    docRefs,
  };
}

/** JSON that is safe inside a `<script>` element (no `</script>`, no `<!--`). */
function scriptJson(value: unknown): string {
  return safeJson(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const escapeHtml = (s: string): string => terminalSafe(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The HTML text of the report for one run or several merged (`resultsPaths` as for {@link pageData}).
 *
 * @example
 * writeFileSync('report.html', toHtmlReport([doc], ['reports/results.json']));
 */
export function toHtmlReport(docs: readonly ResultsDocument[], resultsPaths: readonly (string | undefined)[] = []): string {
  const title = `vmconform ${verdictOf(docs).toUpperCase()}: ${docs.map((d) => d.runs.map((r) => r.dialect).join(', ')).join(' + ')}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>
${asset('report.css')}
</style>
</head>
<body>
<noscript>This report renders with JavaScript; the same data is in results.json.</noscript>
<div id="app"></div>
<script type="application/json" id="vmconform-data">${scriptJson(pageData(docs, new Date(), resultsPaths))}</script>
<script>
${asset('report.js')}
</script>
</body>
</html>
`;
}
