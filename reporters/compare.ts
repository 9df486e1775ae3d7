/**
 * Compares runs from their results.json documents (wpt.fyi-style run diffs, Allure-style history): per dialect, the
 * cases fixed (failed -> passed), broken (passed -> failed), no longer run (passed -> skipped: the newer run was
 * interrupted, stopped by its preflight or ran fewer cases), new, removed and still failing between the two latest
 * runs of that dialect (still failing split by whether the findings' fingerprints changed: "for a different reason"),
 * and with more runs each case's history, newest last, marking cases whose status flips. Runs of judged rules
 * (`judge`, `proxy`) are compared with runs of judged rules only: their ids are rule ids, never case ids.
 * Reads documents only; never re-judges.
 */
import type { DialectName } from '../src/dialects/types.ts';
import { fingerprintsOf } from '../src/engine/baseline.ts';
import { rowNoun, type ResultsCase, type ResultsDocument, type ResultsRun, type RowKind } from './results-json.ts';
import { mdId, mdText, terminalSafe } from './safe-text.ts';

/** A results document and where it came from. */
export interface SourcedResults {
  readonly source: string;
  readonly doc: ResultsDocument;
}

/** A case's status in one run, or `absent` when that run did not have it. */
export type HistoryStatus = ResultsCase['status'] | 'absent';

/** One case that changed (or still fails) between the two latest runs of its dialect. */
export interface CaseChange {
  readonly id: string;
  readonly level: ResultsCase['level'];
  readonly title: string;
  readonly docRef: string;
  readonly before: HistoryStatus;
  readonly after: HistoryStatus;
  /** The newer run's first finding, when the case fails there. */
  readonly finding?: string;
  /** Still failing for a different reason: the fingerprints the newer run has and the older had not. */
  readonly gained?: readonly string[];
  /** ... and those the older run had and the newer has not. */
  readonly lost?: readonly string[];
}

/** The comparison of one dialect (its runs of cases, or its runs of judged rules). */
export interface DialectComparison {
  readonly dialect: DialectName;
  /** `rules` when the runs compared are of judged rules (`judge`, `proxy`); absent for runs of cases. */
  readonly rows?: RowKind;
  /** The two runs compared (older, newer); `older` is absent when only one run has this dialect. */
  readonly older?: RunRef;
  readonly newer: RunRef;
  readonly fixed: readonly CaseChange[];
  readonly broken: readonly CaseChange[];
  /** Passed before, skipped now: no longer verified. */
  readonly notRun: readonly CaseChange[];
  readonly added: readonly CaseChange[];
  readonly removed: readonly CaseChange[];
  /** Failed in both runs with the same fingerprints (or runs too old to have fingerprints). */
  readonly stillFailing: readonly CaseChange[];
  /** Failed in both runs, with different fingerprints: still failing, for a different reason. */
  readonly otherReason: readonly CaseChange[];
  /** Every case's status in each run of this dialect, oldest first (only with three runs or more). */
  readonly history: readonly CaseHistory[];
  /** How many runs the history covers. */
  readonly runs: number;
}

/** One run of a comparison. */
export interface RunRef {
  readonly runId: string;
  readonly startedAt: string;
  readonly source: string;
  readonly target: string;
  /** The run was interrupted (Ctrl-C): the cases it did not run read skipped. */
  readonly interrupted?: boolean;
}

/** One case across runs. */
export interface CaseHistory {
  readonly id: string;
  readonly statuses: readonly HistoryStatus[];
  /** Passed and failed alternate: two or more changes between passed and failed. */
  readonly flipping: boolean;
}

/** The whole comparison. */
export interface Comparison {
  readonly dialects: readonly DialectComparison[];
  /**
   * True when, in some dialect, a case broke (passed -> failed), no longer runs (passed -> skipped), is new and
   * fails (the preflight row of a run it stopped, a case a newer catalog added), or still fails for a different
   * reason (its findings' fingerprints changed): `vmconform compare` exits 1.
   */
  readonly broke: boolean;
}

/**
 * Two or more passed/failed changes in a history (absent and skipped runs do not count): the case flips, which is
 * not `flaky` (a retry verdict within one run) but the same thing seen across runs.
 *
 * @example
 * isFlipping(['passed', 'failed', 'passed']) // true
 * isFlipping(['passed', 'passed', 'failed']) // false: it broke once
 */
export function isFlipping(statuses: readonly HistoryStatus[]): boolean {
  const judged = statuses.filter((s) => s === 'passed' || s === 'failed');
  let changes = 0;
  for (let i = 1; i < judged.length; i++) if (judged[i] !== judged[i - 1]) changes++;
  return changes >= 2;
}

function firstFinding(c: ResultsCase | undefined): string | undefined {
  if (!c || c.status !== 'failed') return undefined;
  const f = c.findings[0];
  return f ? `[${f.check}] ${f.message}` : c.message;
}

/**
 * Compare runs given oldest first. Each dialect is compared between the two latest runs that have it.
 *
 * @example
 * const c = compareRuns([{ source: 'old.json', doc: oldDoc }, { source: 'new.json', doc: newDoc }]);
 * c.dialects[0]?.broken.map((x) => x.id)
 */
export function compareRuns(runs: readonly SourcedResults[]): Comparison {
  // Per dialect, its runs of cases and its runs of judged rules apart.
  const kindOf = (run: Pick<ResultsRun, 'rows'>): RowKind => run.rows ?? 'cases';
  const groups = new Map(runs.flatMap((r) => r.doc.runs.map((run) => [`${run.dialect} ${kindOf(run)}`, { dialect: run.dialect, rows: kindOf(run) }] as const)));
  const out = [...groups.values()].map(({ dialect, rows }): DialectComparison => {
    // Each document's run of this dialect (the first, when one document has the dialect twice).
    const seq = runs.flatMap((r) => {
      const run = r.doc.runs.find((x) => x.dialect === dialect && kindOf(x) === rows);
      return run ? [{ source: r.source, doc: r.doc, run, cases: new Map(run.cases.map((c) => [c.id, c])) }] : [];
    });
    const newer = seq[seq.length - 1];
    const older = seq.length > 1 ? seq[seq.length - 2] : undefined;
    if (!newer) throw new Error('unreachable: a dialect without a run');
    const ids = [...new Set(seq.flatMap((s) => [...s.cases.keys()]))];
    const change = (id: string): CaseChange => {
      const a = older?.cases.get(id);
      const b = newer.cases.get(id);
      const c = (b ?? a) as ResultsCase;
      const finding = firstFinding(b);
      const reasons = a?.status === 'failed' && b?.status === 'failed' ? reasonChange(a, b) : undefined;
      return {
        id,
        level: c.level,
        title: c.title,
        docRef: c.docRef,
        before: a?.status ?? 'absent',
        after: b?.status ?? 'absent',
        ...(finding !== undefined ? { finding } : {}),
        ...reasons,
      };
    };
    // The diff covers the two latest runs; an id only older runs had shows in the history alone.
    const changes = [...new Set([...(older?.cases.keys() ?? []), ...newer.cases.keys()])].map(change);
    const pick = (test: (c: CaseChange) => boolean): CaseChange[] => (older ? changes.filter(test) : []);
    const history =
      seq.length >= 3
        ? ids.map((id) => {
            const statuses = seq.map((s) => s.cases.get(id)?.status ?? 'absent');
            return { id, statuses, flipping: isFlipping(statuses) };
          })
        : [];
    const at = (s: (typeof seq)[number]): RunRef => ({
      runId: s.doc.runId,
      startedAt: s.doc.startedAt,
      source: s.source,
      target: s.run.target,
      ...(s.doc.interrupted === true ? { interrupted: true } : {}),
    });
    return {
      dialect,
      ...(rows === 'rules' ? { rows } : {}),
      ...(older ? { older: at(older) } : {}),
      newer: at(newer),
      fixed: pick((c) => c.before === 'failed' && c.after === 'passed'),
      broken: pick((c) => c.before === 'passed' && c.after === 'failed'),
      notRun: pick((c) => c.before === 'passed' && c.after === 'skipped'),
      added: pick((c) => c.before === 'absent'),
      removed: pick((c) => c.after === 'absent'),
      stillFailing: pick((c) => c.before === 'failed' && c.after === 'failed' && c.gained === undefined),
      otherReason: pick((c) => c.gained !== undefined),
      history,
      runs: seq.length,
    };
  });
  return {
    dialects: out,
    broke: out.some((d) => d.broken.length + d.notRun.length + d.added.filter((c) => c.after === 'failed').length + d.otherReason.length > 0),
  };
}

/**
 * How a case that failed in both runs changed its fingerprints: `undefined` when they are the same, or when either
 * run has none to compare (a results.json older than fingerprints).
 */
function reasonChange(a: ResultsCase, b: ResultsCase): { gained: string[]; lost: string[] } | undefined {
  const [before, after] = [fingerprintsOf(a.findings), fingerprintsOf(b.findings)];
  if (before.length === 0 || after.length === 0) return undefined;
  const gained = after.filter((f) => !before.includes(f));
  const lost = before.filter((f) => !after.includes(f));
  return gained.length + lost.length > 0 ? { gained, lost } : undefined;
}

const MARK: Readonly<Record<HistoryStatus, string>> = { passed: 'P', failed: 'F', skipped: 'S', absent: '-' };

/** A history as a trend string, oldest first: `P P F P` (P passed, F failed, S skipped, - absent). */
export function trend(statuses: readonly HistoryStatus[]): string {
  return statuses.map((s) => MARK[s]).join(' ');
}

/**
 * How a comparison names one dialect's runs: the dialect, and for runs of judged rules says so.
 *
 * @example
 * comparedLabel(d) // 'aliyun-ecs', or 'aliyun-ecs (judged rules)'
 */
export function comparedLabel(d: Pick<DialectComparison, 'dialect' | 'rows'>): string {
  return d.rows === 'rules' ? `${d.dialect} (judged rules)` : d.dialect;
}

/** The histories worth showing: every case that did not pass in every run. */
function notAlwaysPassing(d: DialectComparison): CaseHistory[] {
  return d.history.filter((h) => h.statuses.some((s) => s !== 'passed'));
}

/** What changed in a case's fingerprints: `now X, Y; no longer Z`. */
function reasonText(c: CaseChange): string {
  const parts = [c.gained?.length ? `now ${c.gained.join(', ')}` : '', c.lost?.length ? `no longer ${c.lost.join(', ')}` : ''];
  return parts.filter(Boolean).join('; ');
}

const line = (c: CaseChange): string =>
  `${c.id} [${c.level}] ${c.before} -> ${c.after}${c.gained ? ` (${reasonText(c)})` : ''}${c.finding ? `: ${c.finding}` : ''}`;

/**
 * The comparison as console text.
 *
 * @example
 * process.stdout.write(formatComparison(compareRuns(runs)));
 */
export function formatComparison(c: Comparison): string {
  const out: string[] = [];
  for (const d of c.dialects) {
    const run = (r: RunRef): string => `run ${r.runId} (${r.startedAt}${r.interrupted ? ', interrupted' : ''})`;
    out.push(`${comparedLabel(d)}: ${d.older ? `${run(d.older)} -> ${run(d.newer)}` : `only ${run(d.newer)} ${d.newer.source}: nothing to compare`}`);
    const section = (title: string, list: readonly CaseChange[]): void => {
      if (list.length === 0) return;
      out.push(`  ${title} (${list.length}):`);
      for (const x of list) out.push(`    ${line(x)}`);
    };
    section('broken', d.broken);
    section('no longer run', d.notRun);
    section('fixed', d.fixed);
    section('new', d.added);
    section('removed', d.removed);
    section('still failing, for a different reason', d.otherReason);
    section('still failing', d.stillFailing);
    if (d.older && d.broken.length + d.notRun.length + d.fixed.length + d.added.length + d.removed.length + d.stillFailing.length + d.otherReason.length === 0) {
      out.push('  no change, nothing failing');
    }
    if (d.history.length > 0) {
      const shown = notAlwaysPassing(d);
      out.push(`  history over ${d.runs} runs, oldest first (P passed, F failed, S skipped, - absent): ${d.history.length - shown.length} ${rowNoun(d).one}(s) passed in every run`);
      for (const h of shown) out.push(`    ${trend(h.statuses)}  ${h.id}${h.flipping ? '  flipping' : ''}`);
    }
  }
  const total = (pick: (d: DialectComparison) => number): number => c.dialects.reduce((n, d) => n + pick(d), 0);
  out.push('');
  out.push(
    `${total((d) => d.broken.length)} broken, ${total((d) => d.notRun.length)} no longer run, ${total((d) => d.fixed.length)} fixed, ${total((d) => d.added.length)} new, ` +
      `${total((d) => d.removed.length)} removed, ${total((d) => d.stillFailing.length)} still failing, ` +
      `${total((d) => d.otherReason.length)} still failing for a different reason` +
      (c.dialects.some((d) => d.history.length > 0) ? `, ${total((d) => d.history.filter((h) => h.flipping).length)} flipping` : ''),
  );
  out.push(
    c.broke
      ? `RESULT: BROKEN (a ${rowNoun(...c.dialects).one} that passed now fails or no longer runs, a new one fails, or one fails for a different reason)`
      : 'RESULT: nothing broke',
  );
  // Findings, ids and sources come from results files, so from targets: never raw to a terminal.
  return `${terminalSafe(out.join('\n'))}\n`;
}


/**
 * The comparison as Markdown (`vmconform compare --md FILE`).
 *
 * @example
 * writeFileSync('compare.md', comparisonMarkdown(compareRuns(runs)));
 */
export function comparisonMarkdown(c: Comparison): string {
  const out: string[] = [`## vmconform compare: ${c.broke ? 'BROKEN' : 'nothing broke'}`, ''];
  out.push(
    '| dialect | runs | broken | no longer run | fixed | new | removed | still failing | for a different reason | flipping |',
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const d of c.dialects) {
    out.push(
      `| ${comparedLabel(d)} | ${d.older ? `${mdText(d.older.runId)} -> ${mdText(d.newer.runId)}` : mdText(d.newer.runId)} | ${d.broken.length} | ${d.notRun.length} | ${d.fixed.length} | ${d.added.length} | ${d.removed.length} | ${d.stillFailing.length} | ${d.otherReason.length} | ${d.history.filter((h) => h.flipping).length} |`,
    );
  }
  for (const d of c.dialects) {
    const rows = [
      ...d.broken.map((x) => ['broken', x] as const),
      ...d.notRun.map((x) => ['no longer run', x] as const),
      ...d.fixed.map((x) => ['fixed', x] as const),
      ...d.added.map((x) => ['new', x] as const),
      ...d.removed.map((x) => ['removed', x] as const),
      ...d.otherReason.map((x) => ['still failing, for a different reason', x] as const),
      ...d.stillFailing.map((x) => ['still failing', x] as const),
    ];
    const shown = notAlwaysPassing(d);
    if (rows.length === 0 && shown.length === 0) continue;
    const noun = rowNoun(d).one;
    out.push('', `### ${comparedLabel(d)}`, '');
    if (rows.length > 0) {
      out.push(`| change | ${noun} | level | before | after | finding |`, '|---|---|---|---|---|---|');
      for (const [kind, x] of rows) {
        const finding = `${x.gained ? `${reasonText(x)}: ` : ''}${x.finding ?? ''}`;
        out.push(`| ${kind} | ${mdId(x.id)} | ${x.level} | ${x.before} | ${x.after} | ${mdText(finding, 600)} |`);
      }
    }
    if (shown.length > 0) {
      out.push('', `History over ${d.runs} runs, oldest first (P passed, F failed, S skipped, - absent):`, '');
      out.push(`| ${noun} | trend | |`, '|---|---|---|');
      for (const h of shown) out.push(`| ${mdId(h.id)} | ${trend(h.statuses)} | ${h.flipping ? 'flipping' : ''} |`);
    }
  }
  return `${out.join('\n')}\n`;
}
