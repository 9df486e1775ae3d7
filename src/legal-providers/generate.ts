/**
 * The generator of legal providers: a fast-check arbitrary of combinations of perturbation families (each with its
 * own random parameters) per dialect, a property "the whole catalog passes against the reference provider with this
 * combination" run over real HTTP, and shrinking to the smallest failing combination. A rule flip composes with a
 * combination too (the mirror: the flip must still be caught), minus the families that cannot meaningfully go with it.
 */
import fc from 'fast-check';
import type { CaseRow } from '../cases/types.ts';
import { casesFor } from '../cases/index.ts';
import type { DialectName } from '../dialects/types.ts';
import type { CaseResult } from '../engine/types.ts';
import type { ProviderOptions } from '../provider/handlers.ts';
import type { RunningProvider } from '../provider/server.ts';
import { mergeOptions, optionKnobs, startSpec, type VariantSpec } from '../provider-variants/build.ts';
import { limiter, runRowsAgainst } from '../testing/run-catalog.ts';
import { BASE_POLL_TIMEOUT_MS, DEFAULT_LIMITS, PERTURBATION_FAMILIES, perturbationFamily, type FamilyParams, type GenerationLimits, type PerturbationFamily } from './perturbations.ts';

/** One family chosen, with its parameters. */
export interface Perturbation {
  readonly family: string;
  readonly params: FamilyParams;
}

/** A combination of perturbations, in layer order (outermost first): one generated legal provider. */
export type Combination = readonly Perturbation[];

/** STOPPING -> STOPPED time of a generated provider unless `stop-duration` picks another. */
const BASE_TRANSITION_MS = 150;

/**
 * The families of `catalog` (default: every family) that apply to a dialect (all, or those named), in layer order.
 *
 * @example
 * familiesFor('tencent-cvm-api2', ['list-order']).map((f) => f.name) // ['list-order']
 */
export function familiesFor(dialect: DialectName, names?: readonly string[], catalog: readonly PerturbationFamily[] = PERTURBATION_FAMILIES): PerturbationFamily[] {
  for (const name of names ?? []) perturbationFamily(name, catalog);
  return catalog.filter((f) => f.dialects.includes(dialect) && (names === undefined || names.includes(f.name)));
}

/** Options of {@link combinationArbitrary}. */
export interface CombinationOptions {
  /** Only these families (default: every family of the dialect). */
  readonly families?: readonly string[];
  /** Leave these families out (e.g. those a rule flip cannot go with). */
  readonly exclude?: (family: PerturbationFamily) => boolean;
  readonly limits?: GenerationLimits;
  /** The families to draw from (default: every family; tests add deliberately illegal ones). */
  readonly catalog?: readonly PerturbationFamily[];
}

/**
 * Combinations of a dialect's families: each family in with probability 2/3 and its own random parameters; at least
 * one family. Shrinks towards fewer families and simpler parameters.
 *
 * @example
 * fc.sample(combinationArbitrary('aliyun-ecs'), { seed: 1, numRuns: 3 })
 */
export function combinationArbitrary(dialect: DialectName, options: CombinationOptions = {}): fc.Arbitrary<Combination> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const families = familiesFor(dialect, options.families, options.catalog).filter((f) => !(options.exclude?.(f) ?? false));
  if (families.length === 0) throw new Error(`no perturbation family to combine for ${dialect}${options.families ? ` among ${options.families.join(', ')}` : ''}`);
  const slots = Object.fromEntries(families.map((f) => [f.name, fc.option(f.params(dialect, limits), { nil: undefined, freq: 3 })]));
  return fc
    .record(slots)
    .map((chosen): Combination => families.flatMap((f) => (chosen[f.name] === undefined ? [] : [{ family: f.name, params: chosen[f.name] as FamilyParams }])))
    .filter((c) => c.length > 0);
}

/**
 * A combination in one line: `[name{params}, ...]`.
 *
 * @example
 * formatCombination([{ family: 'list-order', params: { order: 'reverse', seed: 1 } }]) // '[list-order{"order":"reverse","seed":1}]'
 */
export function formatCombination(combination: Combination): string {
  return `[${combination.map((p) => `${p.family}${JSON.stringify(p.params)}`).join(', ')}]`;
}

/** A rule flip as the composition sees it: the rule it breaks and its spec. */
export interface FlipToCompose {
  readonly rule: string;
  readonly how: string;
  readonly spec: VariantSpec;
}

/** A family left out of a composition with a rule flip, and why. */
export interface Exclusion {
  readonly family: string;
  readonly why: string;
}

/** A combination (and maybe a rule flip) made into one provider. */
export interface ComposedProvider {
  /** Options and layers: outer perturbation layers, the flip's layers, inner perturbation layers. */
  readonly spec: VariantSpec;
  /** The poll timeout a run against it needs. */
  readonly pollTimeoutMs: number;
  /** The perturbations it is made of (those not excluded). */
  readonly combination: Combination;
  /** Families of the combination left out because of the flip. */
  readonly excluded: readonly Exclusion[];
}

/**
 * Why a family cannot meaningfully go with a rule flip, or `undefined` when it can:
 * - the family declares it may legally hide the flip's rule (`hides`, e.g. a StopCharging stop legally refused);
 * - the family sets a provider option the flip sets too (the same knob: `transitionMs`, a rule, a code): the flip's
 *   setting of that knob is the flip, and merging would let one undo the other (a slow stop would undo "never
 *   stopped", another rate-limit window would undo "no rate limit").
 *
 * @example
 * exclusionFor(flip, perturbationFamily('stop-duration'), { options: { transitionMs: 0 } })
 */
export function exclusionFor(flip: FlipToCompose, family: PerturbationFamily, options: ProviderOptions | undefined): string | undefined {
  if (family.hides?.rules.test(flip.rule)) return family.hides.why;
  const flipKnobs = new Set(optionKnobs(flip.spec.options ?? {}));
  const shared = optionKnobs(options ?? {}).filter((k) => flipKnobs.has(k));
  if (shared.length > 0) return `sets ${shared.join(', ')}, which the flip ${flip.rule}/${flip.how} sets itself`;
  return undefined;
}

/**
 * One provider from a combination, optionally with a rule flip in the middle: outer layers (legal answers rewritten)
 * outside the flip, inner layers (legal behaviours) between the flip and the reference; the flip's options win over
 * the perturbations'. Families that cannot go with the flip are left out (see {@link exclusionFor}).
 *
 * @example
 * const { spec, pollTimeoutMs } = composeCombination('zenlayer-vm', combination);
 */
export function composeCombination(
  dialect: DialectName,
  combination: Combination,
  flip?: FlipToCompose,
  catalog: readonly PerturbationFamily[] = PERTURBATION_FAMILIES,
): ComposedProvider {
  let options: ProviderOptions = {};
  const outer: NonNullable<VariantSpec['layers']>[number][] = [];
  const inner: NonNullable<VariantSpec['layers']>[number][] = [];
  let pollTimeoutMs = BASE_POLL_TIMEOUT_MS;
  const kept: Perturbation[] = [];
  const excluded: Exclusion[] = [];
  for (const p of combination) {
    const f = perturbationFamily(p.family, catalog);
    if (!f.dialects.includes(dialect)) throw new Error(`perturbation family ${f.name} does not apply to ${dialect}`);
    const built = f.build(dialect, p.params);
    const why = flip === undefined ? undefined : exclusionFor(flip, f, built.options);
    if (why !== undefined) {
      excluded.push({ family: f.name, why });
      continue;
    }
    kept.push(p);
    options = mergeOptions(options, built.options ?? {});
    outer.push(...(built.outer ?? []));
    inner.push(...(built.inner ?? []));
    pollTimeoutMs = Math.max(pollTimeoutMs, built.pollTimeoutMs ?? 0);
  }
  if (flip !== undefined) options = mergeOptions(options, flip.spec.options ?? {});
  const layers = [...outer, ...(flip?.spec.layers ?? []), ...inner];
  return { spec: { options, layers }, pollTimeoutMs, combination: kept, excluded };
}

/**
 * Start the provider of a combination on an ephemeral loopback port.
 *
 * @example
 * const p = await startCombination('aliyun-ecs', [{ family: 'list-order', params: { order: 'reverse', seed: 0 } }]);
 */
export function startCombination(dialect: DialectName, combination: Combination, flip?: FlipToCompose): Promise<RunningProvider> {
  return startSpec(dialect, composeCombination(dialect, combination, flip).spec)({ transitionMs: BASE_TRANSITION_MS });
}

/** Options of {@link runCombination}. */
export interface RunCombinationOptions {
  /** Bounds the cases in flight across every run sharing it. */
  readonly limit: <T>(task: () => Promise<T>) => Promise<T>;
  /** The rows to run (default: the dialect's whole catalog). */
  readonly rows?: readonly CaseRow[];
  /** A rule flip to compose with the combination. */
  readonly flip?: FlipToCompose;
  /** A poll timeout at least this long (the rule-observation test's 2 s for flips). */
  readonly minPollTimeoutMs?: number;
  /** The families the combination's names refer to (default: every family). */
  readonly catalog?: readonly PerturbationFamily[];
}

/**
 * Run catalog rows (over real HTTP) against the provider of a combination and return the results in row order.
 *
 * @example
 * const results = await runCombination('zenlayer-bmc', combination, { limit: limiter(32) });
 */
export async function runCombination(dialect: DialectName, combination: Combination, options: RunCombinationOptions): Promise<CaseResult[]> {
  const composed = composeCombination(dialect, combination, options.flip, options.catalog);
  const pollTimeoutMs = Math.max(composed.pollTimeoutMs, options.minPollTimeoutMs ?? 0);
  return runRowsAgainst(() => startSpec(dialect, composed.spec)({ transitionMs: BASE_TRANSITION_MS }), dialect, { limit: options.limit, pollTimeoutMs }, options.rows ?? casesFor(dialect));
}

/** The results that did not pass. */
export function failuresOf(results: readonly CaseResult[]): CaseResult[] {
  return results.filter((r) => r.status !== 'passed');
}

/** One line per failed case: its id and its first finding (or its message). */
export function firstFindingLines(results: readonly CaseResult[]): string[] {
  return failuresOf(results).map((r) => `${r.id}: ${r.findings[0]?.message ?? r.message ?? r.status}`);
}

/** Options of {@link legalFuzz}. */
export interface LegalFuzzOptions {
  readonly dialect: DialectName;
  /** How many combinations to generate and run. */
  readonly runs: number;
  readonly seed: number;
  /** Only these families. */
  readonly families?: readonly string[];
  readonly limits?: GenerationLimits;
  /** Providers running at once (default 4). */
  readonly concurrency?: number;
  /** Progress lines (one per combination run, and for the shrinking). */
  readonly onProgress?: (line: string) => void;
  /** The families to draw from (default: every family). */
  readonly catalog?: readonly PerturbationFamily[];
  /** Run only these rows (default: the whole catalog); for tests that must stay short. */
  readonly rows?: readonly CaseRow[];
}

/** One generated provider that failed. */
export interface LegalFuzzFailure {
  /** Its index in the sequence of the seed (fast-check's path). */
  readonly index: number;
  readonly combination: Combination;
  readonly failures: readonly CaseResult[];
}

/** What {@link legalFuzz} found. */
export interface LegalFuzzReport {
  readonly dialect: DialectName;
  readonly seed: number;
  readonly runs: number;
  readonly failures: readonly LegalFuzzFailure[];
  /** The smallest failing combination fast-check shrank the first failure to, with the failures of the whole catalog against it. */
  readonly minimal?: { readonly combination: Combination; readonly path: string; readonly shrinks: number; readonly failures: readonly CaseResult[] };
}

/**
 * Generate `runs` legal providers for a dialect from a seed, run the whole catalog against each (several at once), and
 * shrink the first failing one to the smallest failing combination (the shrinking re-runs only the rows that failed).
 *
 * @example
 * const report = await legalFuzz({ dialect: 'zenlayer-vm', runs: 20, seed: 7 });
 * if (report.minimal) console.log(`seed=7 perturbations=${formatCombination(report.minimal.combination)}`);
 */
export async function legalFuzz(options: LegalFuzzOptions): Promise<LegalFuzzReport> {
  const { dialect, runs, seed } = options;
  const progress = options.onProgress ?? (() => undefined);
  const { catalog } = options;
  const arbitrary = combinationArbitrary(dialect, {
    ...(options.families ? { families: options.families } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(catalog ? { catalog } : {}),
  });
  const catalogRows = options.rows ?? casesFor(dialect);
  const sample = fc.sample(arbitrary, { seed, numRuns: runs });
  const cases = limiter(32);
  const providers = limiter(options.concurrency ?? 4);
  const failures: LegalFuzzFailure[] = [];
  await Promise.all(
    sample.map((combination, index) =>
      providers(async () => {
        const failed = failuresOf(await runCombination(dialect, combination, { limit: cases, rows: catalogRows, ...(catalog ? { catalog } : {}) }));
        progress(`#${index} ${failed.length === 0 ? 'passed' : `FAILED (${failed.length} cases)`} ${formatCombination(combination)}`);
        if (failed.length > 0) failures.push({ index, combination, failures: failed });
      }),
    ),
  );
  failures.sort((a, b) => a.index - b.index);
  const first = failures[0];
  if (first === undefined) return { dialect, seed, runs, failures };
  const rows = catalogRows.filter((r) => first.failures.some((f) => f.id === r.id));
  progress(`shrinking #${first.index} over the ${rows.length} rows that failed...`);
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (combination) => {
      const failed = failuresOf(await runCombination(dialect, combination, { limit: cases, rows, ...(catalog ? { catalog } : {}) }));
      progress(`  ${failed.length === 0 ? 'passes' : 'fails '} ${formatCombination(combination)}`);
      return failed.length === 0;
    }),
    { seed, path: String(first.index), numRuns: Math.max(1, runs - first.index), endOnFailure: false },
  );
  const combination = details.counterexample?.[0] ?? first.combination;
  const full = failuresOf(await runCombination(dialect, combination, { limit: cases, rows: catalogRows, ...(catalog ? { catalog } : {}) }));
  return {
    dialect,
    seed,
    runs,
    failures,
    minimal: { combination, path: details.counterexamplePath ?? String(first.index), shrinks: details.numShrinks, failures: full.length > 0 ? full : first.failures },
  };
}

/**
 * A {@link LegalFuzzReport} as the lines `npm run legal-fuzz` prints: the failing providers, then the minimal failing
 * combination as `seed=S perturbations=[...]` with every failing case and its first finding.
 *
 * @example
 * process.stdout.write(`${legalFuzzReportLines(await legalFuzz({ dialect, runs: 10, seed: 1 })).join('\n')}\n`);
 */
export function legalFuzzReportLines(report: LegalFuzzReport): string[] {
  const lines = [`${report.dialect}: ${report.runs} generated legal providers, ${report.failures.length} failed (seed=${report.seed})`];
  for (const f of report.failures) lines.push(`  #${f.index} failed ${f.failures.length} cases: ${formatCombination(f.combination)}`);
  if (report.minimal) {
    lines.push('', `minimal failing combination (path ${report.minimal.path}, ${report.minimal.shrinks} shrinks):`);
    lines.push(`seed=${report.seed} perturbations=${formatCombination(report.minimal.combination)}`);
    for (const line of firstFindingLines(report.minimal.failures)) lines.push(`  ${line}`);
  }
  return lines;
}
