/**
 * `summary.md`: the run as Markdown for a CI job page (GitHub's job summary, GitLab, a PR comment). The verdict and
 * counts per dialect first (with how many cases ran), the score per rule family, then new failures with their docRef,
 * finding and curl line (the failures of one cause once, with their cases); flaky and fixed cases; known failures one
 * line each and ungated failures, folded. Always under {@link MAX_SUMMARY_MD_BYTES} (GitHub's job summary limit is
 * 1 MiB): details that do not fit are left out with a note saying how many.
 */
import { RULE_FAMILIES, formatShare, type Share } from '../src/engine/score.ts';
import type { Finding } from '../src/engine/types.ts';
import { bucketRules, bucketTitle, curlOnce, failsForAnotherReason, newFailureBuckets, ranLine, type Bucket } from './buckets.ts';
import { reproLinesOf } from './repro-lines.ts';
import { rowNoun, verdictOf, type ResultsCase, type ResultsDocument, type ResultsRun, type RunVerdict } from './results-json.ts';
import { mdId, mdText, terminalSafe } from './safe-text.ts';

const VERDICT_MD: Readonly<Record<RunVerdict, string>> = { passed: '✅ PASSED', failed: '❌ FAILED', interrupted: '⚠️ INTERRUPTED' };

/** The size summary.md never reaches. */
export const MAX_SUMMARY_MD_BYTES = 1024 * 1024;

/** Room kept for the truncation note and the closing lines. */
const RESERVE_BYTES = 4 * 1024;

/** A fenced code block whose fence no line of `text` can close. */
function codeBlock(raw: string, lang = ''): string {
  const text = terminalSafe(raw);
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
}

/** Appends blocks while they fit the byte budget; counts what it had to leave out. */
class Budget {
  private readonly parts: string[] = [];
  private used = 0;
  omitted = 0;
  constructor(private readonly limit: number) {}
  /** Add a block that must be there (headings, tables). */
  force(text: string): void {
    this.parts.push(text);
    this.used += Buffer.byteLength(text) + 1;
  }
  private full = false;
  /** Add a block if it fits (and nothing before it was left out); false (and counted) otherwise. */
  add(text: string): boolean {
    const size = Buffer.byteLength(text) + 1;
    if (this.full || this.used + size > this.limit) {
      this.full = true;
      this.omitted++;
      return false;
    }
    this.parts.push(text);
    this.used += size;
    return true;
  }
  text(): string {
    return `${this.parts.join('\n')}\n`;
  }
}

interface Located {
  readonly run: ResultsRun;
  readonly doc: ResultsDocument;
  readonly c: ResultsCase;
  /** Where the run's results.json is, when known (the repro line names it). */
  readonly resultsPath: string | undefined;
}

/** The repro and rerun lines of a case as a shell code block; `undefined` for a run that is not of the catalog. */
function reproBlock(run: ResultsRun, caseId: string, resultsPath: string | undefined): string | undefined {
  const lines = reproLinesOf(run, caseId, resultsPath);
  if (lines === undefined) return undefined;
  return `**reproduce:**\n\n${codeBlock([...(lines.repro !== undefined ? [lines.repro] : []), lines.rerun].join('\n'), 'sh')}`;
}

/** A curl line as a shell code block (a very long one cut, with a note). */
const curlBlock = (curl: string): string => codeBlock(curl.length > 4000 ? `${curl.slice(0, 4000)} …` : curl, 'sh');

/**
 * A failed (or flaky) case in full: its findings (`shown`: those no bucket holds; default all), each curl line once
 * per request, how many causes a bucket above shows, and for a failed case the lines that reproduce it.
 */
function failureBlock({ run, c, resultsPath }: Located, withCurl: boolean, shown?: readonly Finding[], bucketed = 0): string {
  const out = [`#### \`${run.dialect}\` · \`${mdText(c.id, 200)}\` [${c.level}]`, '', `${mdText(c.title, 300)}`, '', `**doc:** ${mdText(c.docRef, 600)}`];
  if (c.gateReason && (c.gate !== 'new' || failsForAnotherReason(c))) out.push('', `**gate:** ${mdText(c.gateReason, 1000)}`);
  const findings = shown ?? (c.status === 'failed' ? c.findings : (c.previousAttempts?.at(-1)?.findings ?? []));
  if (findings.length === 0 && bucketed === 0 && c.message) out.push('', `- ${mdText(c.message)}`);
  out.push('');
  const listed = findings.slice(0, 10);
  const showCurl = curlOnce(listed);
  listed.forEach((f, i) => {
    out.push(`- **[${f.check}]** ${mdText(f.message)}`);
    if (withCurl && showCurl[i] && f.curl) out.push('', curlBlock(f.curl), '');
  });
  if (findings.length > 10) out.push(`- … ${findings.length - 10} more finding(s)`);
  if (bucketed > 0) out.push(`- and ${bucketed} cause(s) it shares with other ${rowNoun(run).many}, above`);
  const repro = c.status === 'failed' ? reproBlock(run, c.id, resultsPath) : undefined;
  if (repro !== undefined) out.push('', repro);
  return out.join('\n');
}

/**
 * The cases of one run that failed with the same causes, once: the count, the cases, each cause, one curl line, and
 * the lines that reproduce `reproCase` (one of its cases without a block of its own).
 */
function bucketBlock(run: ResultsRun, b: Bucket, reproCase: string | undefined, resultsPath: string | undefined): string {
  const out = [`#### \`${run.dialect}\` · ${bucketTitle(b, run)}`, '', b.cases.map((c) => mdId(c.id)).join(', '), ''];
  const rules = bucketRules(b);
  if (rules.length > 0) out.push(`**rules:** ${mdText(rules.join(', '), 600)}`, '');
  for (const cause of b.causes) for (const f of cause.findings) out.push(`- **[${cause.check}]** ${mdText(f.message)} · ${mdText(cause.pattern, 300)}`);
  if (b.example) out.push('', `request of ${mdId(b.example.caseId)} (the others differ in their ids):`, '', curlBlock(b.example.curl));
  const repro = reproCase !== undefined ? reproBlock(run, reproCase, resultsPath) : undefined;
  if (repro !== undefined) out.push('', repro);
  return out.join('\n');
}

/** A failure that does not fail the run, on one line: the baseline's reason, or the first finding. */
function oneLine({ run, c }: Located): string {
  const first = c.findings[0];
  const why = c.gate === 'known' ? (c.gateReason ?? '') : first ? `[${first.check}] ${first.message}` : (c.message ?? 'failed');
  return `- \`${run.dialect}\` ${mdId(c.id)} [${c.level}]: ${mdText(why, 300)}`;
}

const shareCell = (s: Share): string => (s.percent === null ? '–' : formatShare(s));

/**
 * The new failures as blocks: per run, the buckets (one cause, several cases) first, then each case with what no
 * bucket shows. A known case failing for a different reason stands alone, with why.
 */
function newFailureBlocks(list: readonly Located[]): string[] {
  const out: string[] = [];
  const runs = [...new Set(list.map((l) => l.run))];
  for (const run of runs) {
    const mine = list.filter((l) => l.run === run);
    const grouped = newFailureBuckets(mine.map((l) => l.c));
    const rest = (c: ResultsCase): readonly Finding[] | undefined => grouped.rest.get(c);
    const bucketed = (c: ResultsCase): number => grouped.bucketsOfCase.get(c)?.reduce((n, x) => n + x.causes.length, 0) ?? 0;
    const ownBlock = (c: ResultsCase): boolean => (rest(c)?.length ?? 1) > 0 || bucketed(c) === 0;
    // Each case's repro lines once: in its own block, else in the first bucket that holds it (its example first).
    const shown = new Set(mine.filter((l) => ownBlock(l.c)).map((l) => l.c.id));
    const resultsPath = mine[0]?.resultsPath;
    for (const bucket of grouped.buckets) {
      const candidates = [...bucket.cases].sort((x, y) => Number(y.id === bucket.example?.caseId) - Number(x.id === bucket.example?.caseId));
      const reproCase = candidates.find((c) => !shown.has(c.id))?.id;
      if (reproCase !== undefined) shown.add(reproCase);
      out.push(bucketBlock(run, bucket, reproCase, resultsPath));
    }
    for (const l of mine) if (ownBlock(l.c)) out.push(failureBlock(l, true, rest(l.c), bucketed(l.c)));
  }
  return out;
}

/** A label per run, unique within the view: the dialect, with the target when one dialect ran several times. */
export function runLabels(docs: readonly ResultsDocument[]): Map<ResultsRun, string> {
  const runs = docs.flatMap((d) => d.runs);
  const count = new Map<string, number>();
  for (const r of runs) count.set(r.dialect, (count.get(r.dialect) ?? 0) + 1);
  return new Map(runs.map((r) => [r, (count.get(r.dialect) ?? 0) > 1 ? `${r.dialect} (${r.target})` : r.dialect]));
}

/**
 * summary.md for one run or several merged (`vmconform report`). `resultsPaths` (where each document is, in the same
 * order) makes each failure show its `vmconform repro` line.
 *
 * @example
 * writeFileSync('summary.md', toSummaryMarkdown([doc], undefined, ['reports/results.json']));
 */
export function toSummaryMarkdown(docs: readonly ResultsDocument[], limitBytes = MAX_SUMMARY_MD_BYTES, resultsPaths: readonly (string | undefined)[] = []): string {
  const b = new Budget(limitBytes - RESERVE_BYTES);
  const labels = runLabels(docs);
  const failed = docs.some((d) => d.gate.failed);
  const errors = docs.flatMap((d) => d.errors);
  const verdict = verdictOf(docs);
  const rows = rowNoun(...docs.flatMap((d) => d.runs));
  b.force(`## vmconform: ${VERDICT_MD[verdict]}${verdict === 'interrupted' && failed ? ' (failures so far)' : ''}${errors.length > 0 ? ' (incomplete run)' : ''}`);
  b.force('');
  for (const d of docs) {
    const gate = [`level ${d.gate.level === 'MUST' ? 'must' : 'all'}`, d.gate.baseline !== undefined ? `baseline \`${mdText(d.gate.baseline, 200)}\`` : 'no baseline', `retries ${d.gate.retries}${d.gate.failOnFlaky ? ', flaky fails' : ''}`];
    b.force(`Run \`${mdText(d.runId, 60)}\` · vmconform ${mdText(d.version, 40)} · ${d.startedAt} · ${(d.durationMs / 1000).toFixed(1)} s · ${gate.join(', ')} · ${d.gate.failed ? 'gate failed' : 'gate passed'}  `);
  }
  b.force('');
  b.force(`| dialect | target | ${rows.many} | passed | failed | skipped | new | known | flaky | fixed | MUST score | SHOULD score |`);
  b.force('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  const located: Located[] = [];
  for (const [d, doc] of docs.entries()) {
    for (const run of doc.runs) {
      const n = (gate: ResultsCase['gate']): number => run.cases.filter((c) => c.gate === gate).length;
      const s = run.summary;
      b.force(
        `| ${mdText(labels.get(run) ?? run.dialect, 200)} | ${mdText(run.target, 200)} | ${s.total} | ${s.passed} | ${s.failed} | ${s.skipped} | ${n('new')} | ${n('known')} | ${n('flaky')} | ${n('fixed')} | ${shareCell(run.score.must)} | ${shareCell(run.score.should)} |`,
      );
      for (const c of run.cases) located.push({ run, doc, c, resultsPath: resultsPaths[d] });
    }
  }
  const runs = docs.flatMap((d) => d.runs);
  const ran = runs.flatMap((r) => {
    const line = ranLine(r);
    return line === undefined ? [] : [`- ${mdText(labels.get(r) ?? r.dialect, 200)}: ${mdText(line, 1200)}`];
  });
  if (ran.length > 0) {
    b.force('');
    for (const line of ran) b.force(line);
  }
  const families = RULE_FAMILIES.filter((f) => runs.some((r) => r.score.families.some((x) => x.family === f)));
  if (families.length > 0) {
    b.force('');
    b.force(`<details><summary>Score per rule family (MUST / SHOULD ${rows.many} passed)</summary>`);
    b.force('');
    b.force(`| dialect | ${families.join(' | ')} |`);
    b.force(`|---|${families.map(() => '--:').join('|')}|`);
    for (const r of runs) {
      const cells = families.map((f) => {
        const x = r.score.families.find((y) => y.family === f);
        if (!x) return '–';
        return [x.must.total > 0 ? `M ${formatShare(x.must)}` : '', x.should.total > 0 ? `S ${formatShare(x.should)}` : ''].filter(Boolean).join('<br>');
      });
      b.force(`| ${mdText(labels.get(r) ?? r.dialect, 200)} | ${cells.join(' | ')} |`);
    }
    b.force('');
    b.force('</details>');
  }
  if (errors.length > 0) {
    b.force('');
    b.force(`### Errors outside the ${rows.many} (the run is incomplete)`);
    for (const e of errors.slice(0, 20)) b.force(`- ${mdText(e, 500)}`);
  }

  const sections: { title: string; pick: (l: Located) => boolean; folded: boolean; render: (list: readonly Located[]) => string[] }[] = [
    { title: '❌ New failures', pick: (l) => l.c.failsRun, folded: false, render: newFailureBlocks },
    { title: '⚠️ Flaky (passed on a retry)', pick: (l) => l.c.gate === 'flaky' && !l.c.failsRun, folded: false, render: (list) => list.map((l) => failureBlock(l, false)) },
    { title: 'Known failures (baseline)', pick: (l) => l.c.gate === 'known', folded: true, render: (list) => list.map(oneLine) },
    { title: 'SHOULD failures, not gated (--level must)', pick: (l) => l.c.status === 'failed' && l.c.gate === 'ok', folded: true, render: (list) => list.map((l) => failureBlock(l, false)) },
  ];
  const notShown: string[] = [];
  for (const s of sections) {
    const list = located.filter(s.pick);
    if (list.length === 0) continue;
    b.force('');
    b.force(s.folded ? `<details><summary>${s.title} (${list.length})</summary>\n` : `### ${s.title} (${list.length})`);
    b.force('');
    b.omitted = 0;
    const blocks = s.render(list);
    for (const block of blocks) b.add(`${block}\n`);
    if (b.omitted > 0) notShown.push(`${b.omitted} of the ${blocks.length} ${s.title.replace(/^\W+/, '').toLowerCase()}`);
    if (s.folded) b.force('\n</details>');
  }
  const fixed = located.filter((l) => l.c.gate === 'fixed');
  if (fixed.length > 0) {
    b.force('');
    b.force(`### ✅ Fixed: remove from the baseline (${fixed.length})`);
    b.omitted = 0;
    for (const l of fixed) b.add(`- \`${l.run.dialect}\` \`${mdText(l.c.id, 200)}\`: ${mdText(l.c.gateReason ?? '', 300)}`);
    if (b.omitted > 0) notShown.push(`${b.omitted} of the ${fixed.length} fixed ${rows.many}`);
  }
  if (notShown.length > 0) {
    b.force('');
    b.force(`> **Truncated** to stay under ${MAX_SUMMARY_MD_BYTES / 1024} KiB: not shown: ${notShown.join(', ')}. Every ${rows.one} is in report.html and results.json.`);
  }
  return b.text();
}
