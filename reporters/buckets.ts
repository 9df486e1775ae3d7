/**
 * What the reports fold so that one cause reads once (like RESTler's bug buckets): the findings of a run that share
 * a cause (the same dialect, check, rule and answer: the fingerprint without its case id) are one bucket, with the
 * count and the cases; a curl line shows once per request; the skipped cases of a run are one line with their
 * reasons. results.json and JUnit keep one row per case: this only decides how the rows read.
 */
import { DIFFERENT_REASON } from '../src/engine/baseline.ts';
import type { Finding } from '../src/engine/types.ts';
import { rowNoun, type ResultsCase, type ResultsRun } from './results-json.ts';

/** One cause shared by several cases of a run: its fingerprint pattern (the case id replaced by `*`) and rule. */
export interface Cause {
  /** What tells this cause from others ({@link causeOf}'s key). */
  readonly key: string;
  /** The fingerprint with `*` for the case id, e.g. `zenlayer-vm/` `*` `/request-id-present/200` (without the spaces). */
  readonly pattern: string;
  readonly check: Finding['check'];
  readonly rule: string;
  /**
   * The first case's findings of this cause (one, or several where a check found more than one thing in the same
   * answer): their messages stand for every case's (the same check judged the same answer).
   */
  readonly findings: readonly Finding[];
}

/** Cases of one run that failed with the same cause (or causes: the same cases each): shown once, with the count and ids. */
export interface Bucket {
  readonly causes: readonly Cause[];
  /** Two or more, in the run's order. */
  readonly cases: readonly ResultsCase[];
  /** The shortest curl line among the bucket's findings, and its case (the requests differ only in their ids). */
  readonly example?: { readonly caseId: string; readonly curl: string };
}

/** The findings of some cases sorted into buckets, and per case what no bucket holds. */
export interface Bucketed {
  readonly buckets: readonly Bucket[];
  /** Per case, the findings that are not in a bucket (in their order). */
  readonly rest: ReadonlyMap<ResultsCase, readonly Finding[]>;
  /** The buckets that hold a case (none when it shares no cause). */
  readonly bucketsOfCase: ReadonlyMap<ResultsCase, readonly Bucket[]>;
}

/**
 * The cause of a finding: its fingerprint with `*` for the case id, and its rule; `undefined` when the fingerprint
 * names no answer (`none`: the finding says what went wrong only in its message) or is missing (an older results.json).
 *
 * @example
 * causeOf(finding)?.pattern // the fingerprint zenlayer-vm/stop.single/request-id-present/200 with `*` for stop.single
 */
export function causeOf(f: Finding): { key: string; pattern: string } | undefined {
  const fingerprint: unknown = f.fingerprint;
  const prefix = `${f.dialect}/${f.caseId}/${f.check}/`;
  if (typeof fingerprint !== 'string' || !fingerprint.startsWith(prefix)) return undefined;
  const answer = fingerprint.slice(prefix.length);
  if (answer === '' || answer === 'none') return undefined;
  // Checks of an answer's shape find the same fault whatever the answer's code: one cause across codes and envelopes
  // (a target that drops its request id is one bucket, not one per error code), told apart by what they found.
  if (SHAPE_CHECKS.has(f.check)) {
    const pattern = `${f.dialect}/*/${f.check}/*`;
    return { key: `${pattern} ${shapeOf(f.message)}`, pattern };
  }
  const pattern = `${f.dialect}/*/${f.check}/${answer}`;
  return { key: `${pattern} ${f.rule}`, pattern };
}

/** The checks that judge an answer's shape, not which answer it was. */
const SHAPE_CHECKS: ReadonlySet<string> = new Set(['request-id-present', 'schema-valid']);

/** A message with what differs from answer to answer taken out (the answer's description, ids, quoted text, numbers). */
function shapeOf(message: string): string {
  return message
    .replace(/ \((HTTP \d{3}|no answer).*$/s, '')
    .replace(/"(?:[^"\\]|\\.)*"/g, '"..."')
    .replace(/\b(ins|vm|bmc|i)-[a-z0-9]+\b/g, '<id>')
    .replace(/\d+/g, '#');
}

/**
 * Sort the findings of some cases of one run into buckets: a cause two or more cases share is a bucket (causes shared
 * by exactly the same cases are one bucket). `findingsOf` picks a case's findings (default: its own; a flaky case's
 * are its last failed attempt's).
 *
 * @example
 * const { buckets, rest } = bucketsOf(run.cases.filter((c) => c.failsRun));
 */
export function bucketsOf(cases: readonly ResultsCase[], findingsOf: (c: ResultsCase) => readonly Finding[] = (c) => c.findings): Bucketed {
  const byCause = new Map<string, { pattern: string; cases: ResultsCase[]; findings: Finding[] }>();
  for (const c of cases) {
    for (const f of findingsOf(c)) {
      const cause = causeOf(f);
      if (!cause) continue;
      const entry = byCause.get(cause.key) ?? { pattern: cause.pattern, cases: [], findings: [] };
      if (!entry.cases.includes(c)) entry.cases.push(c);
      entry.findings.push(f);
      byCause.set(cause.key, entry);
    }
  }
  // Causes shared by two cases or more; those of exactly the same cases are one bucket.
  const byCases = new Map<string, { causes: string[]; cases: ResultsCase[]; findings: Finding[] }>();
  for (const [key, e] of byCause) {
    if (e.cases.length < 2) continue;
    const signature = e.cases.map((c) => c.id).join('\n');
    const b = byCases.get(signature) ?? { causes: [], cases: e.cases, findings: [] };
    b.causes.push(key);
    // (a loop: a spread of a very long list overflows the call stack)
    for (const f of e.findings) b.findings.push(f);
    byCases.set(signature, b);
  }
  const buckets: Bucket[] = [];
  const bucketsOfCase = new Map<ResultsCase, Bucket[]>();
  const bucketed = new Set<Finding>();
  for (const b of byCases.values()) {
    const withCurl = b.findings.filter((f): f is Finding & { curl: string } => typeof f.curl === 'string' && f.curl !== '');
    const shortest = withCurl.reduce<(Finding & { curl: string }) | undefined>((a, f) => (a === undefined || f.curl.length < a.curl.length ? f : a), undefined);
    const bucket: Bucket = {
      causes: b.causes.map((key) => {
        const e = byCause.get(key);
        const first = e?.findings[0];
        if (!e || !first) throw new Error(`unreachable: cause ${key} without findings`);
        // The rules of every finding of the cause (a shape cause spans envelopes: envelope:success, envelope:error).
        const rule = [...new Set(e.findings.map((f) => f.rule))].join(', ');
        return { key, pattern: e.pattern, check: first.check, rule, findings: e.findings.filter((f) => f.caseId === first.caseId) };
      }),
      cases: b.cases,
      ...(shortest ? { example: { caseId: shortest.caseId, curl: shortest.curl } } : {}),
    };
    buckets.push(bucket);
    for (const f of b.findings) bucketed.add(f);
    for (const c of b.cases) bucketsOfCase.set(c, [...(bucketsOfCase.get(c) ?? []), bucket]);
  }
  // In the order of their first case, then the larger first.
  const order = new Map(cases.map((c, i) => [c, i]));
  const first = (b: Bucket): number => Math.min(...b.cases.map((c) => order.get(c) ?? 0));
  buckets.sort((x, y) => first(x) - first(y) || y.cases.length - x.cases.length);
  const rest = new Map(cases.map((c) => [c, findingsOf(c).filter((f) => !bucketed.has(f))] as const));
  return { buckets, rest, bucketsOfCase };
}

/**
 * A known case failing with a fingerprint its baseline entry does not list: a new failure that every report shows
 * alone, with why (never folded into a bucket).
 *
 * @example
 * failsForAnotherReason(c) // true when c.gateReason starts with 'known case failing for a different reason'
 */
export function failsForAnotherReason(c: Pick<ResultsCase, 'gate' | 'gateReason'>): boolean {
  return c.gate === 'new' && (c.gateReason ?? '').startsWith(DIFFERENT_REASON);
}

/**
 * The buckets of a run's new failures (the reports' one grouping): the failed cases of gate `new`, but for those
 * failing for another reason than their baseline lists.
 *
 * @example
 * const { buckets, rest } = newFailureBuckets(run.cases);
 */
export function newFailureBuckets(cases: readonly ResultsCase[]): Bucketed {
  return bucketsOf(cases.filter((c) => c.status === 'failed' && c.gate === 'new' && !failsForAnotherReason(c)));
}

/**
 * The bucket among `buckets` that holds a finding's cause, if one does.
 *
 * @example
 * bucketHolding(finding, bucketed.bucketsOfCase.get(c))?.cases.length // 9
 */
export function bucketHolding(f: Finding, buckets: readonly Bucket[] | undefined): Bucket | undefined {
  const cause = causeOf(f);
  return cause ? buckets?.find((b) => b.causes.some((x) => x.key === cause.key)) : undefined;
}

/**
 * Which findings show their curl line: one per request, after the last finding about it (two findings on one
 * request print its curl once).
 *
 * @example
 * findings.forEach((f, i) => { print(f.message); if (showCurl[i]) print(f.curl); }) // showCurl = curlOnce(findings)
 */
export function curlOnce(findings: readonly Pick<Finding, 'curl'>[]): boolean[] {
  return findings.map((f, i) => typeof f.curl === 'string' && f.curl !== '' && !findings.slice(i + 1).some((g) => g.curl === f.curl));
}

/**
 * How many cases (or judged rules) of a run ran, and why the others did not, in one line; `undefined` when every one
 * ran.
 *
 * @example
 * ranLine(run) // 'ran 4 of 48 cases; 44 skipped: the case needs seeded instances, and the run has no provider states (--no-states)'
 */
export function ranLine(run: Pick<ResultsRun, 'cases' | 'rows'>): string | undefined {
  const skipped = run.cases.filter((c) => c.status === 'skipped');
  if (skipped.length === 0) return undefined;
  const reasons = new Map<string, number>();
  for (const c of skipped) {
    const why = (c.message ?? 'skipped').replace(/^not run: /, '');
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
  }
  const listed = [...reasons].sort((a, b) => b[1] - a[1]);
  const shown = listed.slice(0, 3).map(([why, n]) => (listed.length === 1 ? cut(why, 300) : `${n}: ${cut(why, 200)}`));
  const more = listed.length > 3 ? `; and ${listed.length - 3} other reason(s)` : '';
  return `ran ${run.cases.length - skipped.length} of ${run.cases.length} ${rowNoun(run).many}; ${skipped.length} skipped: ${shown.join('; ')}${more}`;
}

/** How many cases (or judged rules) of some runs were skipped, e.g. `44 of 48 cases skipped`; `undefined` when none was. */
export function skippedNote(runs: readonly Pick<ResultsRun, 'cases' | 'rows'>[]): string | undefined {
  const total = runs.reduce((n, r) => n + r.cases.length, 0);
  const skipped = runs.reduce((n, r) => n + r.cases.filter((c) => c.status === 'skipped').length, 0);
  return skipped === 0 ? undefined : `${skipped} of ${total} ${rowNoun(...runs).many} skipped`;
}

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);

/**
 * The levels of some cases, e.g. `MUST` or `8 MUST, 1 SHOULD`.
 *
 * @example
 * levelsOf(bucket.cases) // 'MUST'
 */
export function levelsOf(cases: readonly Pick<ResultsCase, 'level'>[]): string {
  const must = cases.filter((c) => c.level === 'MUST').length;
  const should = cases.length - must;
  if (should === 0) return 'MUST';
  if (must === 0) return 'SHOULD';
  return `${must} MUST, ${should} SHOULD`;
}

/**
 * The rules a bucket's causes break, in order, each once.
 *
 * @example
 * bucketRules(bucket) // ['envelope:error']
 */
export function bucketRules(b: Bucket): string[] {
  return [...new Set(b.causes.map((c) => c.rule).filter((r) => r !== ''))];
}

/**
 * A bucket of a run: how many cases (or judged rules) and causes, e.g. `9 cases, one cause [MUST]`.
 *
 * @example
 * bucketTitle(bucket, run) // '9 cases, the same 2 causes [MUST]'; '2 rules, one cause [MUST]' for judged traffic
 */
export function bucketTitle(b: Bucket, run: Pick<ResultsRun, 'rows'>): string {
  return `${b.cases.length} ${rowNoun(run).many}, ${b.causes.length === 1 ? 'one cause' : `the same ${b.causes.length} causes`} [${levelsOf(b.cases)}]`;
}
