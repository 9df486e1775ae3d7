/**
 * fast-check arbitraries for the fuzzer, derived from a dialect's spec (its status words, parameters with their
 * enums and types, its id syntax, its wire styles): instance pools to seed, StopInstances requests (valid values,
 * invalid ones, boundary batch sizes, duplicates, unknown parameters, wrong index bases, unknown actions, broken
 * bodies, the other wire styles a dialect allows) and sequences of them. Templates name instances by pool index;
 * the session turns them into fresh ids.
 */
import fc from 'fast-check';
import type { DialectName, ParamValue, WireStyle } from '../dialects/types.ts';
import { defaultWire } from '../dialects/description.ts';
import { getDialect } from '../dialects/index.ts';
import type { ParamFacts } from '../specs/inventory.ts';
import { dialectModel, type DialectModel } from './model.ts';

/** An instance of a request: a seeded one (pool index), a valid id nobody seeded, or a malformed literal. */
export type IdPick = { readonly seeded: number } | { readonly unknown: number } | { readonly malformed: string };

/** An instance to seed. */
export interface SeedSpec {
  readonly status: string;
  readonly securityLocked: boolean;
}

/** A StopInstances request as the fuzzer generates it. */
export interface StopTemplate {
  /** `undefined`: no id list at all. */
  readonly ids?: readonly IdPick[];
  readonly params: Readonly<Record<string, ParamValue>>;
  /** `null`: no region. */
  readonly region?: null;
  readonly style?: WireStyle;
  /** An unknown action sent instead of StopInstances. */
  readonly action?: string;
  /** A body that is not JSON (JSON-body styles only). */
  readonly rawBody?: string;
  /** An id sent at an index below the dialect's first (`InstanceIds.0` on a 1-based dialect). */
  readonly wrongIndex?: IdPick;
}

/** One generated case of the single-request properties: a pool to seed and one request. */
export interface RequestCase {
  readonly pool: readonly SeedSpec[];
  readonly stop: StopTemplate;
}

/** Parameters that are not StopInstances options the fuzzer varies (wire, paging, format, signing). */
const NOT_OPTIONS = /^(X-|Action$|Version$|Region|InstanceIds?|instanceIds$|Offset$|Limit$|pageNum$|pageSize$|PageNumber$|PageSize$)/;

/** The StopInstances options of a dialect the fuzzer varies, with their spec facts. */
export function optionParams(m: DialectModel): ParamFacts[] {
  return [...m.params.values()].filter((f) => !f.required && !NOT_OPTIONS.test(f.name) && (f.enum !== undefined || f.type === 'boolean'));
}

/** Values that are invalid for any enum or Boolean option on every wire (never `true`/`false` in any spelling). */
const INVALID_VALUES: readonly ParamValue[] = ['MAYBE', 'sometimes', 7];

function valueArb(f: ParamFacts): fc.Arbitrary<ParamValue> {
  if (f.name === 'Format') {
    // aliyun: JSON, XML or absent (the RPC default, XML). Never another value: no document says what a target does
    // with one, and DESIGN.md §2 counts Format among the common parameters a target may ignore.
    return fc.oneof({ weight: 6, arbitrary: fc.constant('JSON') }, { weight: 2, arbitrary: fc.constant('XML') }, { weight: 1, arbitrary: fc.constant(null) });
  }
  const valid: fc.Arbitrary<ParamValue> =
    f.type === 'boolean' || (f.enum ?? []).some((e) => /^(true|false)$/i.test(String(e)))
      ? fc.boolean()
      : fc.constantFrom(...((f.enum ?? []) as ParamValue[]));
  return fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: fc.constantFrom(...INVALID_VALUES) });
}

/**
 * Literals that are not valid ids of the dialect; for zenlayer, where any non-empty string is an id, the empty string
 * (DESIGN.md §2: ids are non-empty strings).
 */
export function malformedIds(m: DialectModel): string[] {
  if (m.idPattern === undefined) return [''];
  // Not `i-TestID`: aliyun's own document answers it InvalidInstanceId.NotFound (004:136-139), so it is no test of
  // the malformed code.
  return ['ins-1122', 'x-bp67acfmxazb4p', 'INS-ABCDEFGH'].filter((id) => !(m.idPattern as RegExp).test(id));
}

/** The arbitraries of one dialect. */
export interface DialectArbitraries {
  readonly model: DialectModel;
  readonly seed: fc.Arbitrary<SeedSpec>;
  readonly pool: fc.Arbitrary<SeedSpec[]>;
  /** A documented request over a pool of `size` seeded instances (MUST territory). */
  stop(size: number): fc.Arbitrary<StopTemplate>;
  /** A documented request made undocumented one way (SHOULD territory: DESIGN.md §3 undocumented-but-sane). */
  undocumented(size: number): fc.Arbitrary<StopTemplate>;
}

/**
 * The arbitraries of a dialect, from its spec.
 *
 * @example
 * const a = dialectArbitraries('aliyun-ecs');
 * fc.sample(a.stop(3), 1)
 */
export function dialectArbitraries(dialect: DialectName): DialectArbitraries {
  const m = dialectModel(dialect);
  const d = getDialect(dialect);
  const words = d.statusWords;
  const locks = m.spec.situations['security-locked'] !== undefined;
  const seed = fc.record({
    status: fc.oneof({ weight: 3, arbitrary: fc.constant(m.words.running) }, { weight: 2, arbitrary: fc.constantFrom(...words) }),
    securityLocked: locks ? fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) : fc.constant(false),
  });
  const pool = fc.array(seed, { minLength: 0, maxLength: 6 });
  const malformed = malformedIds(m);
  const pick = (size: number): fc.Arbitrary<IdPick> =>
    fc.oneof(
      ...(size > 0 ? [{ weight: 8, arbitrary: fc.nat(size - 1).map((i): IdPick => ({ seeded: i })) }] : []),
      { weight: 1, arbitrary: fc.nat(3).map((i): IdPick => ({ unknown: i })) },
      ...(malformed.length > 0 ? [{ weight: 1, arbitrary: fc.constantFrom(...malformed).map((x): IdPick => ({ malformed: x })) }] : []),
    );
  const options = optionParams(m);
  // An option left out is absent; `Format` is always decided (absent means `null`: the dialect then sends none).
  const params = fc
    .tuple(...options.map((f) => (f.name === 'Format' ? valueArb(f) : fc.option(valueArb(f), { nil: undefined, freq: 2 }))))
    .map((values) => Object.fromEntries(options.map((f, i) => [f.name, values[i]]).filter(([, v]) => v !== undefined)) as Record<string, ParamValue>);
  const regionRequired = m.spec.situations['missing-region'] !== undefined;
  const stop = (size: number): fc.Arbitrary<StopTemplate> =>
    fc
      .record({
        ids: fc.oneof(
          { weight: 12, arbitrary: fc.uniqueArray(pick(size), { minLength: 1, maxLength: 4, selector: (p) => JSON.stringify(p) }) },
          { weight: 1, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.constant([] as IdPick[]) },
        ),
        params,
        noRegion: regionRequired ? fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) : fc.constant(false),
      })
      .map(({ ids, params: p, noRegion }): StopTemplate => ({ ...(ids === undefined ? {} : { ids }), params: p, ...(noRegion ? { region: null } : {}) }));
  const otherStyles = d.styles.slice(1);
  const ids = defaultWire(d).ids;
  const jsonBody = ids.in === 'json';
  // An index below a 1-based list's first (`InstanceId.0`) must not lose an id.
  const oneBased = ids.in === 'query' && ids.indexBase === 1;
  const undocumented = (size: number): fc.Arbitrary<StopTemplate> =>
    fc
      .tuple(
        stop(size),
        fc.constantFrom(
          'unknown-param',
          'duplicate',
          'unknown-action',
          'empty-action',
          ...(jsonBody ? ['bad-json'] : []),
          ...(oneBased ? ['wrong-index'] : []),
          ...(otherStyles.length > 0 ? ['other-style'] : []),
        ),
        pick(size),
        fc.constantFrom(...(otherStyles.length > 0 ? otherStyles : d.styles)),
      )
      .map(([base, how, extra, style]): StopTemplate => {
        switch (how) {
          case 'unknown-param':
            return { ...base, params: { ...base.params, VmconformProbe: 'x' } };
          case 'duplicate': {
            const list = base.ids && base.ids.length > 0 ? base.ids : [extra];
            return { ...base, ids: [...list, list[0] as IdPick] };
          }
          case 'unknown-action':
            return { ...base, action: 'StopInstancez' };
          case 'empty-action':
            // No action at all (an empty one): a client error that changes nothing, like an unknown one (DESIGN.md §3).
            return { ...base, action: '' };
          case 'bad-json':
            return { ...base, rawBody: '{"InstanceIds": [' };
          case 'wrong-index':
            return { ...base, wrongIndex: extra };
          default:
            return { ...base, style };
        }
      });
  return { model: m, seed, pool, stop, undocumented };
}

/**
 * Boundary batches: a pool of 101 running instances (and one stopped) and a request of 0, 1, 99, 100 or 101 ids,
 * with or without one bad id among them.
 */
export function boundaryCase(dialect: DialectName): fc.Arbitrary<RequestCase> {
  const m = dialectModel(dialect);
  const running: SeedSpec = { status: m.words.running, securityLocked: false };
  const other: SeedSpec = { status: m.words.stopped, securityLocked: false };
  const max = m.maxIds;
  return fc
    .record({
      // The edges of the limit more often than the trivial sizes.
      n: fc.constantFrom(0, 1, max - 1, max, max, max + 1, max + 1),
      bad: fc.constantFrom<'none' | 'unknown' | 'stopped' | 'duplicate'>('none', 'unknown', 'stopped', 'duplicate'),
    })
    .map(({ n, bad }): RequestCase => {
      // Pool: max + 1 running instances (indexes 0..max) and one stopped (index max + 1).
      const ids: IdPick[] = Array.from({ length: n }, (_, i) => ({ seeded: i }));
      if (bad !== 'none' && ids.length > 0) {
        ids[ids.length - 1] = bad === 'unknown' ? { unknown: 1 } : bad === 'stopped' ? { seeded: max + 1 } : (ids[0] as IdPick);
      }
      return { pool: [...Array.from({ length: max + 1 }, () => running), other], stop: { ids, params: {} } };
    });
}
