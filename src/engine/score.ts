/**
 * The conformance score of a run: the share of MUST and of SHOULD cases that passed (flaky ones count as passed;
 * skipped ones, for `--no-states`, a preflight that stopped the run, an interrupt or any other reason, count as not
 * passed: a case not run verified nothing), overall and per rule family. Families come from the rule ids a case checks
 * (`src/specs/inventory.ts`): a case counts in every family one of its rules belongs to.
 */
import type { Level } from '../cases/types.ts';
import type { CaseStatus } from './types.ts';

/** The rule families a score is broken down by, in display order. */
export const RULE_FAMILIES = [
  'parameters',
  'limits',
  'states',
  'errors',
  'envelopes',
  'dry run',
  'batch modes',
  'resolutions',
] as const;

/** One rule family. */
export type RuleFamily = (typeof RULE_FAMILIES)[number];

/** Which rule ids belong to each family (a rule may belong to several: `param:DryRun` is a parameter and dry run). */
const FAMILY_RULES: Readonly<Record<RuleFamily, RegExp>> = {
  parameters: /^(param|enum|default):/,
  limits: /^limit:|rate-limit/,
  states: /^(state|transition):/,
  errors: /^error:/,
  envelopes: /^envelope:/,
  'dry run': /dry-?run/i,
  'batch modes': /batch|success-?first|all-?together/i,
  // Where the documents contradict themselves or are silent, and DESIGN.md §3 resolved it.
  resolutions: /^resolution:/,
};

/**
 * The families of a case, from the rule ids it checks.
 *
 * @example
 * familiesOf(['param:DryRun', 'error:DRYRUN.SUCCESS']) // ['parameters', 'errors', 'dry run']
 */
export function familiesOf(rules: readonly string[]): RuleFamily[] {
  return RULE_FAMILIES.filter((f) => rules.some((r) => FAMILY_RULES[f].test(r)));
}

/**
 * A share: how many of `total` cases passed (the skipped ones count in `total`, never in `passed`), how many of them
 * were skipped, and the percentage (one decimal; `null` when there is no case).
 */
export interface Share {
  readonly passed: number;
  readonly total: number;
  /** How many of `total` did not run (skipped). */
  readonly skipped: number;
  readonly percent: number | null;
}

/** The score of one run. */
export interface RunScore {
  readonly must: Share;
  readonly should: Share;
  /** Per family with at least one case, in {@link RULE_FAMILIES} order. */
  readonly families: readonly { readonly family: RuleFamily; readonly must: Share; readonly should: Share }[];
}

/** What the score reads of a case. */
export interface ScoredCase {
  readonly level: Level;
  readonly status: CaseStatus;
  readonly rules: readonly string[];
}

function share(cases: readonly ScoredCase[]): Share {
  const passed = cases.filter((c) => c.status === 'passed').length;
  const skipped = cases.filter((c) => c.status === 'skipped').length;
  return { passed, total: cases.length, skipped, percent: cases.length === 0 ? null : Math.round((passed / cases.length) * 1000) / 10 };
}

/**
 * Score a run's cases.
 *
 * @example
 * scoreOf(run.cases).must.percent // 97.4
 */
export function scoreOf(cases: readonly ScoredCase[]): RunScore {
  const byLevel = (level: Level, cs: readonly ScoredCase[]): Share => share(cs.filter((c) => c.level === level));
  const families = RULE_FAMILIES.map((family) => {
    const members = cases.filter((c) => familiesOf(c.rules).includes(family));
    return { family, must: byLevel('MUST', members), should: byLevel('SHOULD', members) };
  }).filter((f) => f.must.total + f.should.total > 0);
  return { must: byLevel('MUST', cases), should: byLevel('SHOULD', cases), families };
}

/**
 * A share as text, e.g. `97.4% (37/38)` (skipped cases are in the 38), or `n/a` when there is no case.
 *
 * @example
 * formatShare({ passed: 37, total: 38, skipped: 0, percent: 97.4 }) // '97.4% (37/38)'
 */
export function formatShare(s: Share): string {
  return s.percent === null ? 'n/a' : `${s.percent}% (${s.passed}/${s.total})`;
}
