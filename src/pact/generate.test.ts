/**
 * The contracts as files: checked in and current (same catalog, same bytes), V4-shaped, one interaction per
 * expressible call step keyed `<case id>#<step>`, provider states carrying exactly the instances each case seeds,
 * no signing artifact in any request, and code and status rules that accept exactly what the engine accepts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { casesFor } from '../cases/index.ts';
import { getDialect } from '../dialects/index.ts';
import { DIALECT_NAMES } from '../dialects/types.ts';
import { parseJson } from '../dialects/wire-util.ts';
import { codeMatches } from '../engine/checks.ts';
import { expandSeeds } from '../engine/run-case.ts';
import { defaultRules, isValidId } from '../provider/rules.ts';
import { contractFiles, contractsReadme, PACKAGE_CONTRACTS_DIR } from './files.ts';
import { GENERAL_PACT_GAPS, PACT_GAPS } from './gaps.ts';
import { alternativesRegex, buildContract, contractText, INTERACTION_HEADER, isInexpressible, planContract } from './generate.ts';
import type { PactFile, PactGenerator } from './model.ts';
import { SIGNING_HEADERS, SIGNING_PARAMS } from './wire.ts';

/** The value at a Pact body path (`$.a[0]['b.c']`) of a JSON value. */
function atPath(value: unknown, path: string): unknown {
  const tokens = path.slice(1).match(/\.[_A-Za-z][_A-Za-z0-9]*|\['(?:[^'\\]|\\.)*'\]|\[\d+\]/g) ?? [];
  expect(tokens.join(''), path).toBe(path.slice(1));
  return tokens.reduce<unknown>((at, t) => {
    const key = t.startsWith('.') ? t.slice(1) : t.startsWith("['") ? t.slice(2, -2).replace(/\\(.)/g, '$1') : Number(t.slice(1, -1));
    return at !== null && typeof at === 'object' ? (at as Record<string | number, unknown>)[key] : undefined;
  }, value);
}

/** How many strings of a JSON value are seeded ids. */
function seededStrings(value: unknown, seeded: ReadonlySet<string>): number {
  if (typeof value === 'string') return seeded.has(value) ? 1 : 0;
  if (value === null || typeof value !== 'object') return 0;
  return Object.values(value).reduce((n: number, v) => n + seededStrings(v, seeded), 0);
}

describe('contracts/ is generated and current', () => {
  it.each(Object.keys(contractFiles()))('%s matches `npx vmconform pact generate`', (name) => {
    const onDisk = readFileSync(join(PACKAGE_CONTRACTS_DIR, name), 'utf8');
    expect(onDisk === contractFiles()[name], `contracts/${name} is stale: run npx vmconform pact generate`).toBe(true);
  });

  it('is deterministic: the same catalog gives the same bytes', () => {
    for (const d of DIALECT_NAMES) expect(contractText(d)).toBe(contractText(d));
    expect(contractsReadme()).toBe(contractsReadme());
  });
});

describe.each(DIALECT_NAMES.map((d) => [d] as const))('contracts/%s.json', (dialect) => {
  const file = JSON.parse(readFileSync(join(PACKAGE_CONTRACTS_DIR, `${dialect}.json`), 'utf8')) as PactFile;
  const rows = casesFor(dialect);
  const plans = planContract(dialect);

  it('is a V4 pact between vmconform and the dialect, with unique keys <case id>#<step> and unique descriptions', () => {
    expect(file.consumer.name).toBe('vmconform');
    expect(file.provider.name).toBe(dialect);
    expect(file.metadata.pactSpecification.version).toBe('4.0');
    const keys = file.interactions.map((i) => i.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(file.interactions.map((i) => i.description)).size).toBe(keys.length);
    for (const i of file.interactions) {
      expect(i.type).toBe('Synchronous/HTTP');
      const [caseId, step] = i.key.split('#');
      const row = rows.find((r) => r.id === caseId);
      expect(row, i.key).toBeDefined();
      expect(Number(step)).toBeGreaterThanOrEqual(1);
      expect(row?.steps[Number(step) - 1]?.kind, i.key).toBe('call');
      expect(i.comments.testname).toBe(caseId);
      expect(i.request.headers?.[INTERACTION_HEADER]).toEqual([i.key]);
    }
    expect(file.metadata.vmconform['interactions']).toBe(keys.length);
  });

  it('seeds exactly the instances each case seeds, with valid ids of the dialect, in the provider state', () => {
    const rules = defaultRules(dialect);
    for (const i of file.interactions) {
      const row = rows.find((r) => r.id === i.comments.testname);
      const seeds = row ? expandSeeds(row) : [];
      if (seeds.length === 0) {
        expect(i.providerStates, i.key).toBeUndefined();
        continue;
      }
      expect(i.providerStates?.map((s) => s.name)).toEqual(['instances exist']);
      const instances = i.providerStates?.[0]?.params.instances ?? [];
      expect(instances.map((x) => [x.status, x.securityLocked])).toEqual(seeds.map((s) => [s.status, s.securityLocked ?? false]));
      for (const x of instances) expect(isValidId(rules, x.id), `${i.key}: ${x.id}`).toBe(true);
      expect(new Set(instances.map((x) => x.id)).size).toBe(instances.length);
    }
  });

  it('carries no signature: no signing parameter, header or timestamp in any request', () => {
    for (const i of file.interactions) {
      for (const name of Object.keys(i.request.query ?? {})) expect(SIGNING_PARAMS.has(name), `${i.key}: ${name}`).toBe(false);
      for (const name of Object.keys(i.request.headers ?? {})) expect(SIGNING_HEADERS.has(name), `${i.key}: ${name}`).toBe(false);
      const body = i.request.body?.content;
      if (typeof body === 'string') for (const name of SIGNING_PARAMS) expect(body).not.toMatch(new RegExp(`(^|&)${name}=`));
    }
  });

  it('puts a ProviderState generator `${<requested id>}` wherever a request or an expected answer names a seeded id, and nowhere else', () => {
    let generators = 0;
    for (const i of file.interactions) {
      const seeded = new Set(i.providerStates?.[0]?.params.instances.map((x) => x.id) ?? []);
      const check = (where: string, gens: Readonly<Record<string, PactGenerator>> | undefined, valueAt: (key: string) => unknown, occurrences: number): void => {
        const entries = Object.entries(gens ?? {});
        expect(entries.length, `${i.key} ${where}`).toBe(occurrences);
        for (const [key, g] of entries) {
          const id = valueAt(key);
          expect(typeof id === 'string' && seeded.has(id), `${i.key} ${where} ${key}`).toBe(true);
          expect(g).toEqual({ type: 'ProviderState', expression: `\${${String(id)}}`, dataType: 'STRING' });
          generators++;
        }
      };
      const query = i.request.query ?? {};
      check('query', i.request.generators?.query, (k) => query[k]?.[0], Object.values(query).filter((v) => v.some((x) => seeded.has(x))).length);
      const content = i.request.body?.content;
      if (typeof content === 'string') {
        const form = new URLSearchParams(content);
        check('form', i.request.generators?.body, (k) => form.get(/^\$\['(.*)'\]$/.exec(k)?.[1] ?? ''), [...form.values()].filter((v) => seeded.has(v)).length);
      } else {
        check('body', i.request.generators?.body, (k) => atPath(content, k), seededStrings(content, seeded));
      }
      const answer = i.response.body?.content;
      if (typeof answer !== 'string') check('answer', i.response.generators?.body, (k) => atPath(answer, k), seededStrings(answer, seeded));
      else expect(i.response.generators, i.key).toBeUndefined();
    }
    expect(generators).toBeGreaterThan(file.interactions.length);
  });

  /** A body that is not JSON never reaches a target through Pact's verifier; a JSON body of another shape does. */
  const malformed = (raw: string | undefined): boolean => raw !== undefined && !parseJson(raw).ok;

  it('has an interaction for every call step but bursts and malformed bodies, and lists what it leaves out', () => {
    for (const plan of plans) {
      const calls = plan.row.steps.filter((s) => s.kind === 'call' && !malformed(s.call.rawBody)).length;
      expect(plan.interactions.length, plan.row.id).toBe(calls);
      if (plan.interactions.length === 0) expect(isInexpressible(plan), plan.row.id).toBe(true);
      for (const g of plan.gaps) expect(Object.keys(PACT_GAPS)).toContain(g);
    }
    const inexpressible = plans.filter(isInexpressible).map((p) => p.row.id);
    const expected = rows.filter((r) => r.steps.some((s) => s.kind === 'burst' || malformed(s.call.rawBody))).map((r) => r.id);
    expect(inexpressible).toEqual(expected);
  });

  it('asks exactly the HTTP status a row allows: 200 for tencent and successes, the row\'s or the spec\'s statuses for errors', () => {
    for (const i of file.interactions) {
      const row = rows.find((r) => r.id === i.comments.testname);
      const step = row?.steps[Number(i.key.split('#')[1]) - 1];
      if (step?.kind !== 'call') continue;
      const rule = i.response.matchingRules?.status;
      if (getDialect(dialect).errorsAsHttp200 || step.expect.result === 'success') {
        expect([i.key, i.response.status, rule]).toEqual([i.key, 200, undefined]);
      } else if (step.expect.result === 'client-error' && step.expect.httpStatus === undefined) {
        expect(rule?.matchers).toEqual([{ match: 'statusCode', status: 'clientError' }]);
      }
    }
  });
});

describe('code alternatives', () => {
  it('accept exactly what the engine accepts (codeMatches), wildcards included', () => {
    const samples = ['InvalidInstance.NotSupported', 'UnsupportedOperation.InstanceStateStopped', 'UnsupportedOperation.InstanceState', 'InvalidInstanceXNotSupported', 'DRYRUN.SUCCESS', 'DRYRUNXSUCCESS', ''];
    const lists = new Set<string>();
    for (const d of DIALECT_NAMES) for (const r of casesFor(d)) for (const s of r.steps) if (s.expect && 'codes' in s.expect && s.expect.codes) lists.add(JSON.stringify(s.expect.codes));
    expect(lists.size).toBeGreaterThan(5);
    for (const json of lists) {
      const codes = JSON.parse(json) as string[];
      const re = new RegExp(alternativesRegex(codes));
      for (const sample of [...samples, ...codes.map((c) => c.replace('*', 'Running'))]) {
        expect(re.test(sample), `${json} vs ${sample}`).toBe(codes.some((c) => codeMatches(c, sample)));
      }
    }
  });
});

describe('contracts/README.md', () => {
  it('lists every case of every dialect with its interactions and gaps, and the general limits', () => {
    const readme = contractsReadme();
    for (const d of DIALECT_NAMES) {
      expect(readme).toContain(`## ${d}`);
      for (const r of casesFor(d)) expect(readme).toContain(`| \`${r.id}\` |`);
    }
    for (const text of [...Object.values(PACT_GAPS), ...GENERAL_PACT_GAPS]) expect(readme).toContain(text);
    expect(buildContract('tencent-cvm-api3').interactions.some((i) => i.key.startsWith('rate.'))).toBe(false);
  });
});

describe('codes that are never accepted (Rust regexes have no look-ahead)', () => {
  it('notLiteralRegex matches every string but the one, with or without letter case', async () => {
    const { notLiteralRegex } = await import('./generate.ts');
    const not = new RegExp(notLiteralRegex('DRYRUN.SUCCESS'));
    expect(['DRYRUN.SUCCESS'].filter((s) => not.test(s))).toEqual([]);
    expect(['DRYRUN.SUCCESSX', 'DRYRUN', '', 'MissingRegionId', 'DRYRUNxSUCCESS'].every((s) => not.test(s))).toBe(true);
    const noSuccess = new RegExp(notLiteralRegex('success', true));
    expect(['success', 'Success', 'SUCCESS'].some((s) => noSuccess.test(s))).toBe(false);
    expect(['succes', 'successes', 'OperationDenied.SecurityLocked'].every((s) => noSuccess.test(s))).toBe(true);
    expect(notLiteralRegex('ab')).toBe('^(|[^a].*|a([^b].*)?|ab.+)$');
  });
});
