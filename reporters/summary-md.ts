/**
 * `summary.md`: the run as Markdown for a CI job page (GitHub's job summary, GitLab, a PR comment). The verdict and
 * counts per dialect first, the score per rule family, then new failures with their docRef, finding and curl line;
 * flaky and fixed cases; known and ungated failures folded. Always under {@link MAX_SUMMARY_MD_BYTES} (GitHub's job
 * summary limit is 1 MiB): details that do not fit are left out with a note saying how many.
 */
import { RULE_FAMILIES, formatShare, type Share } from '../src/engine/score.ts';
import { verdictOf, type ResultsCase, type ResultsDocument, type ResultsRun, type RunVerdict } from './results-json.ts';

const VERDICT_MD: Readonly<Record<RunVerdict, string>> = { passed: '✅ PASSED', failed: '❌ FAILED', interrupted: '⚠️ INTERRUPTED' };
import { mdText, terminalSafe } from './safe-text.ts';

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
}

function failureBlock({ run, c }: Located, withCurl: boolean): string {
  const out = [`#### \`${run.dialect}\` · \`${mdText(c.id, 200)}\` [${c.level}]`, '', `${mdText(c.title, 300)}`, '', `**doc:** ${mdText(c.docRef, 600)}`];
  if (c.gateReason && c.gate !== 'new') out.push('', `**gate:** ${mdText(c.gateReason, 400)}`);
  const findings = c.status === 'failed' ? c.findings : (c.previousAttempts?.at(-1)?.findings ?? []);
  if (findings.length === 0 && c.message) out.push('', `- ${mdText(c.message)}`);
  out.push('');
  const shown = findings.slice(0, 10);
  shown.forEach((f, i) => {
    out.push(`- **[${f.check}]** ${mdText(f.message)}`);
    // One curl line after consecutive findings about the same request.
    if (withCurl && f.curl && shown[i + 1]?.curl !== f.curl) out.push('', codeBlock(f.curl.length > 4000 ? `${f.curl.slice(0, 4000)} …` : f.curl, 'sh'), '');
  });
  if (findings.length > 10) out.push(`- … ${findings.length - 10} more finding(s)`);
  return out.join('\n');
}

const shareCell = (s: Share): string => (s.percent === null ? '–' : `${s.percent}% (${s.passed}/${s.total})`);

/** A label per run, unique within the view: the dialect, with the target when one dialect ran several times. */
export function runLabels(docs: readonly ResultsDocument[]): Map<ResultsRun, string> {
  const runs = docs.flatMap((d) => d.runs);
  const count = new Map<string, number>();
  for (const r of runs) count.set(r.dialect, (count.get(r.dialect) ?? 0) + 1);
  return new Map(runs.map((r) => [r, (count.get(r.dialect) ?? 0) > 1 ? `${r.dialect} (${r.target})` : r.dialect]));
}

/**
 * summary.md for one run or several merged (`vmconform report`).
 *
 * @example
 * writeFileSync('summary.md', toSummaryMarkdown([doc]));
 */
export function toSummaryMarkdown(docs: readonly ResultsDocument[], limitBytes = MAX_SUMMARY_MD_BYTES): string {
  const b = new Budget(limitBytes - RESERVE_BYTES);
  const labels = runLabels(docs);
  const failed = docs.some((d) => d.gate.failed);
  const errors = docs.flatMap((d) => d.errors);
  const verdict = verdictOf(docs);
  b.force(`## vmconform: ${VERDICT_MD[verdict]}${verdict === 'interrupted' && failed ? ' (failures so far)' : ''}${errors.length > 0 ? ' (incomplete run)' : ''}`);
  b.force('');
  for (const d of docs) {
    const gate = [`level ${d.gate.level === 'MUST' ? 'must' : 'all'}`, d.gate.baseline !== undefined ? `baseline \`${mdText(d.gate.baseline, 200)}\`` : 'no baseline', `retries ${d.gate.retries}${d.gate.failOnFlaky ? ', flaky fails' : ''}`];
    b.force(`Run \`${mdText(d.runId, 60)}\` · vmconform ${mdText(d.version, 40)} · ${d.startedAt} · ${(d.durationMs / 1000).toFixed(1)} s · ${gate.join(', ')} · ${d.gate.failed ? 'gate failed' : 'gate passed'}  `);
  }
  b.force('');
  b.force('| dialect | target | cases | passed | failed | skipped | new | known | flaky | fixed | MUST score | SHOULD score |');
  b.force('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  const located: Located[] = [];
  for (const doc of docs) {
    for (const run of doc.runs) {
      const n = (gate: ResultsCase['gate']): number => run.cases.filter((c) => c.gate === gate).length;
      const s = run.summary;
      b.force(
        `| ${mdText(labels.get(run) ?? run.dialect, 200)} | ${mdText(run.target, 200)} | ${s.total} | ${s.passed} | ${s.failed} | ${s.skipped} | ${n('new')} | ${n('known')} | ${n('flaky')} | ${n('fixed')} | ${shareCell(run.score.must)} | ${shareCell(run.score.should)} |`,
      );
      for (const c of run.cases) located.push({ run, doc, c });
    }
  }
  const runs = docs.flatMap((d) => d.runs);
  const families = RULE_FAMILIES.filter((f) => runs.some((r) => r.score.families.some((x) => x.family === f)));
  if (families.length > 0) {
    b.force('');
    b.force('<details><summary>Score per rule family (MUST / SHOULD cases passed)</summary>');
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
    b.force('### Errors outside the cases (the run is incomplete)');
    for (const e of errors.slice(0, 20)) b.force(`- ${mdText(e, 500)}`);
  }

  const sections: { title: string; pick: (l: Located) => boolean; folded: boolean; curl: boolean }[] = [
    { title: '❌ New failures', pick: (l) => l.c.failsRun, folded: false, curl: true },
    { title: '⚠️ Flaky (passed on a retry)', pick: (l) => l.c.gate === 'flaky' && !l.c.failsRun, folded: false, curl: false },
    { title: 'Known failures (baseline)', pick: (l) => l.c.gate === 'known', folded: true, curl: false },
    { title: 'SHOULD failures, not gated (--level must)', pick: (l) => l.c.status === 'failed' && l.c.gate === 'ok', folded: true, curl: false },
  ];
  const notShown: string[] = [];
  for (const s of sections) {
    const list = located.filter(s.pick);
    if (list.length === 0) continue;
    b.force('');
    b.force(s.folded ? `<details><summary>${s.title} (${list.length})</summary>\n` : `### ${s.title} (${list.length})`);
    b.force('');
    b.omitted = 0;
    for (const l of list) b.add(`${failureBlock(l, s.curl)}\n`);
    if (b.omitted > 0) notShown.push(`${b.omitted} of the ${list.length} ${s.title.replace(/^\W+/, '').toLowerCase()}`);
    if (s.folded) b.force('\n</details>');
  }
  const fixed = located.filter((l) => l.c.gate === 'fixed');
  if (fixed.length > 0) {
    b.force('');
    b.force(`### ✅ Fixed: remove from the baseline (${fixed.length})`);
    b.omitted = 0;
    for (const l of fixed) b.add(`- \`${l.run.dialect}\` \`${mdText(l.c.id, 200)}\`: ${mdText(l.c.gateReason ?? '', 300)}`);
    if (b.omitted > 0) notShown.push(`${b.omitted} of the ${fixed.length} fixed cases`);
  }
  if (notShown.length > 0) {
    b.force('');
    b.force(`> **Truncated** to stay under ${MAX_SUMMARY_MD_BYTES / 1024} KiB: not shown: ${notShown.join(', ')}. Every case is in report.html and results.json.`);
  }
  return b.text();
}
