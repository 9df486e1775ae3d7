/**
 * Baselines, WPT-style expectations kept outside the tests: a JSON file listing the cases known to fail on a target,
 * each with a reason. `gate` decides the exit verdict: new failures fail the run; known failures that now pass are
 * reported ("fixed: remove from baseline") without failing it.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { casesFor } from '../cases/index.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { UsageError } from '../errors.ts';
import type { CaseResult } from './types.ts';

/** One known failure. */
export interface KnownFailure {
  readonly dialect: DialectName;
  readonly id: string;
  /** Why it fails (an issue link, a vendor quirk...). Required. */
  readonly reason: string;
}

/** The baseline file: `{"version":1,"known":[{"dialect","id","reason"}]}`. */
export interface Baseline {
  readonly version: 1;
  readonly known: readonly KnownFailure[];
}

/** JSON Schema of the baseline file. */
export const BASELINE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'known'],
  properties: {
    version: { const: 1 },
    known: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['dialect', 'id', 'reason'],
        properties: {
          dialect: { enum: [...DIALECT_NAMES] },
          id: { type: 'string', minLength: 1 },
          reason: { type: 'string', minLength: 1, pattern: '\\S' },
        },
      },
    },
  },
} as const;

const ajv = new Ajv2020({ allErrors: true });
const validateBaseline = ajv.compile<Baseline>(BASELINE_SCHEMA);

/** An empty baseline (every failure counts). */
export const EMPTY_BASELINE: Baseline = { version: 1, known: [] };

/**
 * Validate parsed JSON as a baseline; throws {@link UsageError} naming every problem.
 *
 * @example
 * parseBaseline({ version: 1, known: [{ dialect: 'aliyun-ecs', id: 'dryrun.success', reason: 'gateway strips DryRun' }] })
 */
export function parseBaseline(value: unknown, source = 'baseline'): Baseline {
  if (!validateBaseline(value)) {
    const problems = (validateBaseline.errors ?? [])
      .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''}`)
      .join('; ');
    throw new UsageError(
      `${source} is not a valid baseline (expected {"version":1,"known":[{"dialect","id","reason"}]}): ${problems}`,
    );
  }
  const seen = new Set<string>();
  for (const k of value.known) {
    const key = `${k.dialect}/${k.id}`;
    if (seen.has(key)) throw new UsageError(`${source}: ${key} is listed twice`);
    seen.add(key);
  }
  return value;
}

/** Read and validate a baseline file; throws {@link UsageError} when it cannot be read or is invalid. */
export function loadBaseline(path: string): Baseline {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err: unknown) {
    throw new UsageError(`cannot read baseline ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err: unknown) {
    throw new UsageError(`baseline ${path} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseBaseline(value, `baseline ${path}`);
}

/** The verdict of a run against a baseline. */
export interface GateResult {
  /** True when the run fails (exit 1). */
  readonly failed: boolean;
  /** Failures not in the baseline (these fail the run). */
  readonly newFailures: readonly CaseResult[];
  /** Failures the baseline lists (do not fail the run). */
  readonly knownFailures: readonly CaseResult[];
  /** Baseline entries whose case now passes: "fixed: remove from baseline". */
  readonly fixed: readonly KnownFailure[];
  /** Failures ignored because `--level must` gates on MUST cases only. */
  readonly ignoredShould: readonly CaseResult[];
}

/**
 * Gate results against a baseline. With `level: 'MUST'`, only MUST cases can fail the run.
 *
 * @example
 * const verdict = gate(results, loadBaseline('baseline.json'), 'MUST');
 * process.exitCode = verdict.failed ? 1 : 0;
 */
export function gate(results: readonly CaseResult[], baseline: Baseline, level: 'MUST' | 'ALL' = 'ALL'): GateResult {
  const known = new Map(baseline.known.map((k) => [`${k.dialect}/${k.id}`, k]));
  const newFailures: CaseResult[] = [];
  const knownFailures: CaseResult[] = [];
  const ignoredShould: CaseResult[] = [];
  const fixed: KnownFailure[] = [];
  for (const r of results) {
    const entry = known.get(`${r.dialect}/${r.id}`);
    if (r.status === 'failed') {
      if (entry) knownFailures.push(r);
      else if (level === 'MUST' && r.level !== 'MUST') ignoredShould.push(r);
      else newFailures.push(r);
    } else if (r.status === 'passed' && entry) {
      fixed.push(entry);
    }
  }
  return { failed: newFailures.length > 0, newFailures, knownFailures, fixed, ignoredShould };
}

/**
 * Baseline entries of the given dialects that name no case of the dialect's catalog (`casesFor`): typos or cases
 * renamed away. They never match a result, so the run warns about each instead of ignoring it silently.
 *
 * @example
 * for (const k of unknownBaselineEntries(baseline, ['tencent-cvm-api3'])) console.warn(unknownBaselineWarning(k));
 */
export function unknownBaselineEntries(baseline: Baseline, dialects: readonly DialectName[]): KnownFailure[] {
  const wanted = new Set(dialects);
  const idsOf = new Map<DialectName, Set<string>>();
  const unknown: KnownFailure[] = [];
  for (const k of baseline.known) {
    if (!wanted.has(k.dialect)) continue;
    let ids = idsOf.get(k.dialect);
    if (!ids) {
      ids = new Set(casesFor(k.dialect).map((c) => c.id));
      idsOf.set(k.dialect, ids);
    }
    if (!ids.has(k.id)) unknown.push(k);
  }
  return unknown;
}

/** The warning line for an unknown baseline entry, e.g. `baseline lists unknown case tencent-cvm-api3/no.such.case`. */
export function unknownBaselineWarning(entry: KnownFailure): string {
  return `baseline lists unknown case ${entry.dialect}/${entry.id}`;
}
