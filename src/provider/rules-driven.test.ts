/**
 * The id-list limit, the status page and the code table are rules (`ProviderOptions.rules`), read in one place for
 * every dialect and wire style: overriding `maxIds`, `statusPage` or a code moves the behaviour everywhere, with the
 * same error key, and a refused request changes nothing. Ids are seeded RUNNING, so a limit that is not enforced
 * would stop them and answer success (a not-found error cannot pass for the limit).
 */
import { describe, expect, it } from 'vitest';
import { makeInstanceId, memberAt } from '../dialects/description.ts';
import { describeDialect } from '../dialects/descriptions/index.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import type { RulesOverride } from './rules.ts';
import { aliCall, dig, indexedIds, providersPerDialect, queryCall, seed, tc2Call, tc3Call, zcCall, type RawAnswer } from './test-helpers.ts';

const DIALECTS = DIALECT_NAMES;
const MAX_IDS = 3;

/** Codes made distinguishable from every other key, with the dialect's kind of HTTP status. */
function testCodes(d: DialectName): RulesOverride['codes'] {
  const http = describeDialect(d).errorsAsHttp200 ? 200 : 400;
  return {
    limitExceeded: { code: 'Test.LimitExceeded', httpStatus: http },
    invalidParameter: { code: 'Test.InvalidParameter', httpStatus: http },
    invalidParameterValue: { code: 'Test.InvalidParameterValue', httpStatus: http },
  };
}

const RULES = (d: DialectName): RulesOverride => ({
  maxIds: MAX_IDS,
  statusPage: { defaultSize: 2, maxSize: 3 },
  codes: testCodes(d),
});

const url = providersPerDialect(DIALECTS, (d) => ({ rules: RULES(d), rateLimitPerSecond: false, transitionMs: 60_000 }));

let counter = 0;
function freshIds(d: DialectName, n: number): string[] {
  return Array.from({ length: n }, () => {
    counter += 1;
    return makeInstanceId(describeDialect(d).ids.make, `rules-driven-${counter}`);
  });
}

const RUNNING = (d: DialectName): string => describeDialect(d).lifecycle.running;

function errorCode(d: DialectName, a: RawAnswer): unknown {
  const { answers } = describeDialect(d);
  return memberAt(a.json, [...answers.error, answers.errorCode]);
}

/** One wire style of a dialect: a stop, a status query (optional paging), and an indexed-name id list when it has one. */
interface Style {
  readonly name: string;
  readonly dialect: DialectName;
  stop(ids: readonly string[]): Promise<RawAnswer>;
  status(ids: readonly string[] | undefined, page?: { size: number; offset: number }): Promise<RawAnswer>;
  /** Entries of a status answer. */
  entries(a: RawAnswer): unknown[];
  /** A stop with one id at the given list position name (indexed styles only). */
  stopAt?(position: number, id: string): Promise<RawAnswer>;
}

const tcEntries = (a: RawAnswer): unknown[] => (dig(a.json, 'Response', 'InstanceStatusSet') as unknown[] | undefined) ?? [];
const zlEntries = (a: RawAnswer): unknown[] => (dig(a.json, 'response', 'dataSet') as unknown[] | undefined) ?? [];
const aliEntries = (a: RawAnswer): unknown[] => (dig(a.json, 'InstanceStatuses', 'InstanceStatus') as unknown[] | undefined) ?? [];

const tcPage = (page?: { size: number; offset: number }): [string, string][] =>
  page ? [['Limit', String(page.size)], ['Offset', String(page.offset)]] : [];

const STYLES: readonly Style[] = [
  {
    name: 'api2 GET (1-based)',
    dialect: 'tencent-cvm-api2',
    stop: (ids) => tc2Call(url('tencent-cvm-api2'), 'StopInstances', indexedIds('InstanceIds', ids, 1)),
    status: (ids, page) =>
      tc2Call(url('tencent-cvm-api2'), 'DescribeInstancesStatus', [...indexedIds('InstanceIds', ids ?? [], 1), ...tcPage(page)]),
    entries: tcEntries,
    stopAt: (position, id) => tc2Call(url('tencent-cvm-api2'), 'StopInstances', [[`InstanceIds.${position}`, id]]),
  },
  {
    name: 'api3 JSON',
    dialect: 'tencent-cvm-api3',
    stop: (ids) => tc3Call(url('tencent-cvm-api3'), 'StopInstances', { InstanceIds: ids }),
    status: (ids, page) =>
      tc3Call(url('tencent-cvm-api3'), 'DescribeInstancesStatus', {
        ...(ids ? { InstanceIds: ids } : {}),
        ...(page ? { Limit: page.size, Offset: page.offset } : {}),
      }),
    entries: tcEntries,
  },
  {
    name: 'api3 GET (0-based)',
    dialect: 'tencent-cvm-api3',
    stop: (ids) => api3Get('StopInstances', indexedIds('InstanceIds', ids, 0)),
    status: (ids, page) => api3Get('DescribeInstancesStatus', [...indexedIds('InstanceIds', ids ?? [], 0), ...tcPage(page)]),
    entries: tcEntries,
    stopAt: (position, id) => api3Get('StopInstances', [[`InstanceIds.${position - 1}`, id]]),
  },
  ...(['vm', 'bmc'] as const).map(
    (kind): Style => ({
      name: `zenlayer-${kind} JSON`,
      dialect: `zenlayer-${kind}`,
      stop: (ids) => zcCall(url(`zenlayer-${kind}`), kind, 'StopInstances', { instanceIds: ids }),
      status: (ids, page) =>
        zcCall(url(`zenlayer-${kind}`), kind, kind === 'vm' ? 'DescribeInstancesStatus' : 'DescribeInstances', {
          ...(ids ? { instanceIds: ids } : {}),
          ...(page ? { pageSize: page.size, pageNum: page.offset / page.size + 1 } : {}),
        }),
      entries: zlEntries,
    }),
  ),
  ...(['GET', 'POST'] as const).map(
    (method): Style => ({
      name: `aliyun ${method} (1-based)`,
      dialect: 'aliyun-ecs',
      stop: (ids) => aliCall(url('aliyun-ecs'), 'StopInstances', indexedIds('InstanceId', ids, 1), { method }),
      status: (ids, page) =>
        aliCall(
          url('aliyun-ecs'),
          'DescribeInstanceStatus',
          [
            ...indexedIds('InstanceId', ids ?? [], 1),
            ...(page ? ([['PageSize', String(page.size)], ['PageNumber', String(page.offset / page.size + 1)]] as [string, string][]) : []),
          ],
          { method },
        ),
      entries: aliEntries,
      stopAt: (position, id) => aliCall(url('aliyun-ecs'), 'StopInstances', [[`InstanceId.${position}`, id]], { method }),
    }),
  ),
];

function api3Get(action: string, params: readonly (readonly [string, string])[]): Promise<RawAnswer> {
  return queryCall(url('tencent-cvm-api3'), '/', [['Action', action], ['Version', '2017-03-12'], ['Region', 'ap-guangzhou'], ...params]);
}

async function statusesOf(style: Style, ids: readonly string[]): Promise<string[]> {
  const a = await style.status(ids, { size: 3, offset: 0 });
  return style.entries(a).map((e) => {
    const entry = e as Record<string, unknown>;
    return String(entry['InstanceState'] ?? entry['instanceStatus'] ?? entry['Status']);
  });
}

describe.each(STYLES.map((s) => [s.name, s] as const))('%s: rules drive the id limit, paging and codes', (_name, style) => {
  const d = style.dialect;

  it(`accepts ${MAX_IDS} ids; ${MAX_IDS + 1} seeded RUNNING ids get limitExceeded's code and none is stopped`, async () => {
    const over = freshIds(d, MAX_IDS + 1);
    await seed(url(d), over.map((id) => ({ id, status: RUNNING(d) })));
    const refused = await style.stop(over);
    expect(errorCode(d, refused)).toBe('Test.LimitExceeded');
    expect(await statusesOf(style, over.slice(0, 3))).toEqual([RUNNING(d), RUNNING(d), RUNNING(d)]);
    const query = await style.status(over);
    expect(errorCode(d, query)).toBe('Test.LimitExceeded');
    const ok = await style.stop(over.slice(0, MAX_IDS));
    expect(errorCode(d, ok)).toBeUndefined();
    expect((await statusesOf(style, over.slice(0, 3))).every((s) => s !== RUNNING(d))).toBe(true);
  });

  it('pages by the rules: default size, largest size, beyond it invalidParameterValue', async () => {
    const ids = freshIds(d, MAX_IDS);
    await seed(url(d), ids.map((id) => ({ id, status: RUNNING(d) })));
    expect(style.entries(await style.status(ids))).toHaveLength(2);
    expect(style.entries(await style.status(ids, { size: 3, offset: 0 }))).toHaveLength(3);
    expect(errorCode(d, await style.status(ids, { size: 4, offset: 0 }))).toBe('Test.InvalidParameterValue');
  });

  if (style.stopAt) {
    const stopAt = style.stopAt;
    it(`an indexed name past position ${MAX_IDS} is invalidParameter and changes nothing; position ${MAX_IDS} is accepted`, async () => {
      const [id = ''] = freshIds(d, 1);
      await seed(url(d), [{ id, status: RUNNING(d) }]);
      expect(errorCode(d, await stopAt(MAX_IDS + 1, id))).toBe('Test.InvalidParameter');
      expect(await statusesOf(style, [id])).toEqual([RUNNING(d)]);
      expect(errorCode(d, await stopAt(MAX_IDS, id))).toBeUndefined();
      expect(await statusesOf(style, [id])).not.toEqual([RUNNING(d)]);
    });
  }
});
