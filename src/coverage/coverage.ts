/**
 * Rule coverage: which catalog rows check which rule of a dialect's inventory (`src/specs/inventory.ts`), which
 * testable rules no row checks yet, and which rules a black-box suite cannot check (with the inventory's reason).
 */
import { casesFor } from '../cases/index.ts';
import type { CaseRow } from '../cases/types.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { ruleFlips } from '../rule-flips/index.ts';
import { pactGapTables } from '../pact/files.ts';
import { ruleInventory, type Rule } from '../specs/inventory.ts';

/** One rule and the ids of the rows that check it. */
export interface RuleCoverage {
  readonly rule: Rule;
  /** Case ids naming the rule, in catalog order. */
  readonly cases: readonly string[];
  /** The ways the rule-observation test breaks the rule (`src/rule-flips/`); each crediting case fails on one. */
  readonly flips: readonly string[];
}

/** The coverage of one dialect. */
export interface CoverageReport {
  readonly dialect: DialectName;
  /** Every inventory rule with the rows that check it, in inventory order. */
  readonly rules: readonly RuleCoverage[];
  /** Testable rules no row checks (the coverage test requires none). */
  readonly uncovered: readonly Rule[];
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
  const rules = inventory.map((rule) => ({ rule, cases: byRule.get(rule.id) ?? [], flips: flips.filter((f) => f.rule === rule.id).map((f) => f.how) }));
  return {
    dialect,
    rules,
    uncovered: rules.filter((c) => c.rule.testable === true && c.cases.length === 0).map((c) => c.rule),
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
    'rule alone (the "broken by" column, `src/rule-flips/`; the rule-observation test proves every credit). Rules a',
    'black-box case cannot check are listed with the reason.',
    '',
  ];
  out.push('| dialect | cases | rules | covered | uncovered (testable) | untestable | unknown rule ids in cases |');
  out.push('|---|---|---|---|---|---|---|');
  for (const r of reports) {
    const covered = r.rules.filter((c) => c.cases.length > 0).length;
    out.push(
      `| ${r.dialect} | ${r.caseCount} | ${r.rules.length} | ${covered} | ${r.uncovered.length} | ${r.untestable.length} | ${r.unknownRuleRefs.length} |`,
    );
  }
  for (const r of reports) {
    out.push('', `## ${r.dialect}`, '');
    if (r.uncovered.length === 0) out.push('Every testable rule is checked by at least one case.');
    else {
      out.push('### Uncovered testable rules', '');
      for (const rule of r.uncovered) out.push(`- \`${rule.id}\`: ${cell(rule.summary)} (${cell(rule.docRef)})`);
    }
    if (r.untestable.length > 0) {
      out.push('', '### Not testable black-box', '');
      for (const u of r.untestable) out.push(`- \`${u.rule.id}\`: ${cell(u.reason)}`);
    }
    if (r.unknownRuleRefs.length > 0) {
      out.push('', '### Rule ids named by cases but absent from the inventory', '');
      for (const u of r.unknownRuleRefs) out.push(`- \`${u.caseId}\` names \`${u.rule}\``);
    }
    out.push('', '### Rules and the cases that check them', '', '| rule | testable | cases | broken by |', '|---|---|---|---|');
    for (const c of r.rules) {
      const testable = c.rule.testable === true ? 'yes' : 'no';
      const cases = c.cases.length === 0 ? '—' : c.cases.map((id) => `\`${id}\``).join(', ');
      const flips = c.flips.length === 0 ? '—' : c.flips.join(', ');
      out.push(`| \`${cell(c.rule.id)}\` | ${testable} | ${cases} | ${flips} |`);
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
