/**
 * Rule coverage: which catalog rows check which rule of a dialect's inventory (`src/specs/inventory.ts`), which
 * testable rules no row checks yet, which are only partly checked (a way of breaking them that no row catches, each
 * declared with why in `UNCAUGHT_FLIPS`), and which rules a black-box suite cannot check (with the inventory's
 * reason). A rule counts as checked only when rows name it and every flip of it is caught by one of them; the
 * rule-observation test proves that for every rule this report counts as checked.
 */
import { casesFor } from '../cases/index.ts';
import type { CaseRow } from '../cases/types.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { FLIPS_TO_WRITE, ruleFlips, UNCAUGHT_FLIPS } from '../rule-flips/index.ts';
import { pactGapTables } from '../pact/files.ts';
import { ruleInventory, type Rule } from '../specs/inventory.ts';

/** One rule and the ids of the rows that check it. */
export interface RuleCoverage {
  readonly rule: Rule;
  /** Case ids naming the rule, in catalog order. */
  readonly cases: readonly string[];
  /** The ways the rule-observation test breaks the rule (`src/rule-flips/`); each crediting case fails on one. */
  readonly flips: readonly string[];
  /** The flips of the rule no case catches yet, each with why (`UNCAUGHT_FLIPS`). */
  readonly uncaught: readonly { readonly how: string; readonly why: string }[];
}

/**
 * Whether a rule is checked: testable, named by a case, broken by at least one flip, and every flip caught (none
 * declared uncaught).
 */
export function isChecked(c: RuleCoverage): boolean {
  return c.rule.testable === true && c.cases.length > 0 && c.flips.length > 0 && c.uncaught.length === 0;
}

/** The coverage of one dialect. */
export interface CoverageReport {
  readonly dialect: DialectName;
  /** Every inventory rule with the rows that check it, in inventory order. */
  readonly rules: readonly RuleCoverage[];
  /** Testable rules no row checks (the coverage test requires none). */
  readonly uncovered: readonly Rule[];
  /** Testable rules rows name but do not fully check: a flip no row catches, or no flip at all. */
  readonly partial: readonly RuleCoverage[];
  /** Rules a black-box case cannot check, with the reason (`Rule.testable`). */
  readonly untestable: readonly { readonly rule: Rule; readonly reason: string }[];
  /** Rule ids named by rows that the inventory does not have (stale or mistyped ids). */
  readonly unknownRuleRefs: readonly { readonly caseId: string; readonly rule: string }[];
  /** Number of rows in the dialect's catalog. */
  readonly caseCount: number;
}

/**
 * Map every inventory rule of a dialect to the rows that check it.
 *
 * @example
 * coverageReport('aliyun-ecs').uncovered // [] when every testable rule has a row
 */
export function coverageReport(
  dialect: DialectName,
  rows: readonly CaseRow[] = casesFor(dialect),
  inventory: readonly Rule[] = ruleInventory(dialect),
  flips: readonly { readonly rule: string; readonly how: string }[] = ruleFlips(dialect),
  uncaughtFlips: Readonly<Record<string, string>> = UNCAUGHT_FLIPS,
): CoverageReport {
  const byRule = new Map<string, string[]>(inventory.map((r) => [r.id, []]));
  const unknownRuleRefs: { caseId: string; rule: string }[] = [];
  for (const row of rows) {
    for (const rule of new Set(row.rules)) {
      const list = byRule.get(rule);
      if (list) list.push(row.id);
      else unknownRuleRefs.push({ caseId: row.id, rule });
    }
  }
  const rules = inventory.map((rule) => {
    const hows = flips.filter((f) => f.rule === rule.id).map((f) => f.how);
    const uncaught = hows.flatMap((how) => {
      const why = uncaughtFlips[`${dialect} ${rule.id}/${how}`];
      return why === undefined ? [] : [{ how, why }];
    });
    // A rule whose flips are still to be written is partly checked, whatever flips it has so far.
    const toWrite = FLIPS_TO_WRITE[`${dialect} ${rule.id}`];
    if (toWrite !== undefined) uncaught.push({ how: 'flips to write', why: toWrite });
    return { rule, cases: byRule.get(rule.id) ?? [], flips: hows, uncaught };
  });
  return {
    dialect,
    rules,
    uncovered: rules.filter((c) => c.rule.testable === true && c.cases.length === 0).map((c) => c.rule),
    partial: rules.filter((c) => c.rule.testable === true && c.cases.length > 0 && !isChecked(c)),
    untestable: inventory.flatMap((rule) => (rule.testable === true ? [] : [{ rule, reason: rule.testable }])),
    unknownRuleRefs,
    caseCount: rows.length,
  };
}

/** Coverage of every dialect, in {@link DIALECT_NAMES} order. */
export function coverageReports(): CoverageReport[] {
  return DIALECT_NAMES.map((d) => coverageReport(d));
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();

/**
 * The coverage reports as Markdown: a summary table, then per dialect the uncovered rules, the untestable rules
 * with their reason, and every rule with the rows that check it; last, per case, what the Pact contracts cannot
 * express (and `vmconform run` alone checks).
 *
 * @example
 * process.stdout.write(formatCoverage(coverageReports()))
 */
export function formatCoverage(reports: readonly CoverageReport[]): string {
  const out: string[] = [
    '# vmconform rule coverage',
    '',
    'A case is credited with a rule only when it fails against a variant of the reference provider that breaks that',
    'rule alone (the "broken by" column, `src/rule-flips/`), and a rule counts as checked only when every such variant',
    'is caught by one of its cases; the rule-observation test proves both whenever `npm test` runs. A way of breaking',
    'a rule that no case catches yet is listed with the reason, and its rule counts as partly checked. Rules a',
    'black-box case cannot check are listed with the reason.',
    '',
  ];
  out.push('| dialect | cases | rules | checked | partly checked | unchecked (testable, no case) | untestable | unknown rule ids in cases |');
  out.push('|---|---|---|---|---|---|---|---|');
  for (const r of reports) {
    const checked = r.rules.filter(isChecked).length;
    out.push(
      `| ${r.dialect} | ${r.caseCount} | ${r.rules.length} | ${checked} | ${r.partial.length} | ${r.uncovered.length} | ${r.untestable.length} | ${r.unknownRuleRefs.length} |`,
    );
  }
  for (const r of reports) {
    out.push('', `## ${r.dialect}`, '');
    if (r.uncovered.length === 0 && r.partial.length === 0) {
      out.push('Every testable rule is checked: cases name it, and each way of breaking it fails one of them.');
    }
    if (r.uncovered.length > 0) {
      out.push('### Uncovered testable rules', '');
      for (const rule of r.uncovered) out.push(`- \`${rule.id}\`: ${cell(rule.summary)} (${cell(rule.docRef)})`);
    }
    if (r.partial.length > 0) {
      if (r.uncovered.length > 0) out.push('');
      out.push('### Partly checked rules', '', 'Named by cases, but broken in a way none of them catches yet:', '');
      for (const c of r.partial) {
        const ways = c.flips.length === 0 ? ['no way of breaking it is built yet'] : c.uncaught.map((u) => `${u.how}: ${cell(u.why)}`);
        for (const way of ways) out.push(`- \`${c.rule.id}\` (${c.cases.map((id) => `\`${id}\``).join(', ')}) ${way}`);
      }
    }
    if (r.untestable.length > 0) {
      out.push('', '### Not testable black-box', '');
      for (const u of r.untestable) out.push(`- \`${u.rule.id}\`: ${cell(u.reason)}`);
    }
    if (r.unknownRuleRefs.length > 0) {
      out.push('', '### Rule ids named by cases but absent from the inventory', '');
      for (const u of r.unknownRuleRefs) out.push(`- \`${u.caseId}\` names \`${u.rule}\``);
    }
    out.push('', '### Rules and the cases that check them', '', '| rule | testable | checked | cases | broken by | not caught yet |', '|---|---|---|---|---|---|');
    for (const c of r.rules) {
      const testable = c.rule.testable === true ? 'yes' : 'no';
      const checked = isChecked(c) ? 'yes' : c.rule.testable === true && c.cases.length > 0 ? 'partly' : 'no';
      const cases = c.cases.length === 0 ? '—' : c.cases.map((id) => `\`${id}\``).join(', ');
      const flips = c.flips.length === 0 ? '—' : c.flips.join(', ');
      const uncaught = c.uncaught.length === 0 ? '—' : c.uncaught.map((u) => u.how).join(', ');
      out.push(`| \`${cell(c.rule.id)}\` | ${testable} | ${checked} | ${cases} | ${flips} | ${uncaught} |`);
    }
  }
  out.push(
    '',
    '## What the Pact contracts leave to `vmconform run`',
    '',
    'The Pact V4 contracts (`contracts/<dialect>.json`, verified by `npx vmconform pact verify`) hold every call a case',
    'makes that Pact can express. What a Pact interaction cannot express stays covered by `vmconform run` only:',
    '',
    ...pactGapTables(3, reports.map((r) => r.dialect)),
  );
  return `${out.join('\n')}\n`;
}
