import { describe, expect, it } from 'vitest';
import { getDialect } from '../dialects/index.ts';
import type { Expectation } from '../cases/types.ts';
import type { StatusRead } from '../dialects/client.ts';
import type { DialectName, Exchange, Outcome, WireRequest } from '../dialects/types.ts';
import {
  CALL_CHECKS,
  callChecksFor,
  answerKind,
  codeMatches,
  runCallChecks,
  STEP_CHECKS,
  type CallCheckInput,
  type FindingScope,
} from './checks.ts';

const CHECKS = CALL_CHECKS;
const requestIdUnique = (scope: FindingScope, exchanges: Exchange[]) => STEP_CHECKS['request-id-unique']({ scope, exchanges });
const stateImmediate = (scope: FindingScope, expected: { alias: string; id: string; accept: string[] }[], read: StatusRead, blame: WireRequest) =>
  STEP_CHECKS['state-immediate']({ scope, expected, read, blame });
const burstAllServed = (scope: FindingScope, answers: Exchange[]) => STEP_CHECKS['burst-all-served']({ scope, answers });
const burstSomeRefused = (scope: FindingScope, answers: Exchange[], code: string) => STEP_CHECKS['burst-some-refused']({ scope, answers, code });

const request: WireRequest = { method: 'POST', url: 'http://127.0.0.1:9/api/v2/vm', headers: { 'content-type': 'application/json' }, body: '{"instanceIds":["vm-1"]}' };
const scopeOf = (dialect: DialectName = 'zenlayer-vm'): FindingScope => ({ caseId: 'c.1', dialect, level: 'MUST', docRef: 'seed.txt:1' });

function outcome(over: Partial<Outcome> = {}): Outcome {
  return {
    httpStatus: 200,
    contentType: 'application/json',
    format: 'json',
    body: {},
    requestId: 'r-1',
    ok: true,
    error: undefined,
    instances: undefined,
    schemaErrors: [],
    decodeProblems: [],
    ...over,
  };
}

function exchange(o: Outcome | undefined, over: Partial<Exchange> = {}): Exchange {
  return {
    call: { operation: 'StopInstances', instanceIds: ['vm-1'] },
    request,
    response: o ? { status: o.httpStatus, headers: {}, bodyText: '{}' } : undefined,
    outcome: o,
    transportError: o ? undefined : 'connect ECONNREFUSED 127.0.0.1:9',
    durationMs: 1,
    ...over,
  };
}

const errorOutcome = (status: number, code: string): Outcome =>
  outcome({ httpStatus: status, ok: false, error: { code, message: 'm' } });

function input(ex: Exchange, expect: Expectation, dialect: DialectName = 'zenlayer-vm'): CallCheckInput {
  return {
    scope: scopeOf(dialect),
    exchange: ex,
    expect,
    idOf: (k) => (k === 'a' ? 'vm-1' : k === 'b' ? 'vm-2' : k),
    statusForCode: (code) => (code === 'INVALID_INSTANCE_NOT_FOUND' ? [404] : code === 'NOT_RUNNING' ? [403] : undefined),
  };
}

const names = (fs: readonly { check: string }[]): string[] => fs.map((f) => f.check);

describe('call checks each fail when they should and pass otherwise', () => {
  const success: Expectation = { result: 'success' };

  it('transport-ok', () => {
    expect(CHECKS['transport-ok'](input(exchange(undefined), success))[0]?.message).toMatch(/expected an HTTP answer, received none: connect ECONNREFUSED/);
    expect(CHECKS['transport-ok'](input(exchange(outcome()), success))).toEqual([]);
  });

  it('not-server-error', () => {
    expect(names(CHECKS['not-server-error'](input(exchange(errorOutcome(503, 'X')), { result: 'not-5xx' })))).toEqual(['not-server-error']);
    expect(CHECKS['not-server-error'](input(exchange(errorOutcome(400, 'X')), { result: 'not-5xx' }))).toEqual([]);
  });

  it('decodable: undecodable envelope, or the wrong body format', () => {
    expect(CHECKS.decodable(input(exchange(outcome({ decodeProblems: ['no response object'] })), success))[0]?.message).toMatch(/no response object/);
    expect(CHECKS.decodable(input(exchange(outcome({ format: 'unparseable' })), success))[0]?.message).toMatch(/expected a JSON body, received unparseable/);
    expect(CHECKS.decodable(input(exchange(outcome({ format: 'json' })), { result: 'error', format: 'xml' }))).toHaveLength(1);
    expect(CHECKS.decodable(input(exchange(outcome()), success))).toEqual([]);
  });

  it('content-type: JSON vs XML', () => {
    expect(CHECKS['content-type'](input(exchange(outcome({ contentType: 'text/html' })), success))[0]?.message).toMatch(/expected Content-Type application\/json, received "text\/html"/);
    expect(CHECKS['content-type'](input(exchange(outcome({ contentType: undefined })), success))).toHaveLength(1);
    expect(CHECKS['content-type'](input(exchange(outcome({ contentType: 'application/json; charset=utf-8' })), success))).toEqual([]);
    expect(CHECKS['content-type'](input(exchange(outcome({ contentType: 'text/xml;charset=UTF-8', format: 'xml' })), { result: 'error', format: 'xml' }))).toEqual([]);
    expect(CHECKS['content-type'](input(exchange(outcome()), { result: 'error', format: 'xml' }))).toHaveLength(1);
  });

  it('schema-valid', () => {
    expect(CHECKS['schema-valid'](input(exchange(outcome({ schemaErrors: ['/requestId must be string'] })), success))[0]?.message).toMatch(/1 violation\(s\): \/requestId must be string/);
    expect(CHECKS['schema-valid'](input(exchange(outcome()), success))).toEqual([]);
  });

  it('result-kind: success', () => {
    expect(CHECKS['result-kind'](input(exchange(errorOutcome(403, 'NOT_RUNNING')), success))[0]?.message).toMatch(/expected the success envelope with HTTP 200, received HTTP 403 with error NOT_RUNNING/);
    expect(CHECKS['result-kind'](input(exchange(outcome({ httpStatus: 202 })), success))).toHaveLength(1);
    expect(CHECKS['result-kind'](input(exchange(outcome()), success))).toEqual([]);
  });

  it('result-kind: error and client-error, per dialect (tencent errors are HTTP 200 + Response.Error)', () => {
    expect(CHECKS['result-kind'](input(exchange(outcome()), { result: 'error', codes: ['X'] }))).toHaveLength(1);
    expect(CHECKS['result-kind'](input(exchange(errorOutcome(404, 'X')), { result: 'error' }))).toEqual([]);
    const client: Expectation = { result: 'client-error' };
    expect(CHECKS['result-kind'](input(exchange(errorOutcome(400, 'X')), client))).toEqual([]);
    expect(CHECKS['result-kind'](input(exchange(outcome({ httpStatus: 200 })), client))).toHaveLength(1);
    expect(CHECKS['result-kind'](input(exchange(errorOutcome(500, 'X')), client))).toHaveLength(1);
    expect(CHECKS['result-kind'](input(exchange(errorOutcome(200, 'InvalidParameter')), client, 'tencent-cvm-api3'))).toEqual([]);
    expect(CHECKS['result-kind'](input(exchange(errorOutcome(400, 'InvalidParameter')), client, 'tencent-cvm-api2'))[0]?.message).toMatch(/HTTP 200 with Response.Error/);
    expect(CHECKS['result-kind'](input(exchange(outcome()), client, 'tencent-cvm-api2'))).toHaveLength(1);
    expect(CHECKS['result-kind'](input(exchange(errorOutcome(500, 'X')), { result: 'not-5xx' }))).toEqual([]);
  });

  it('error-code: one of the codes', () => {
    const e: Expectation = { result: 'error', codes: ['A', 'B'] };
    expect(CHECKS['error-code'](input(exchange(errorOutcome(400, 'C')), e))[0]?.message).toMatch(/expected error code one of A, B, received C/);
    expect(CHECKS['error-code'](input(exchange(errorOutcome(400, 'B')), e))).toEqual([]);
  });

  it('error-code: a code ending in * accepts that prefix only (DESIGN.md §3 UnsupportedOperation.InstanceState*)', () => {
    const e: Expectation = { result: 'error', codes: ['InvalidInstance.NotSupported', 'UnsupportedOperation.InstanceState*'] };
    expect(CHECKS['error-code'](input(exchange(errorOutcome(200, 'UnsupportedOperation.InstanceStateStopped')), e, 'tencent-cvm-api2'))).toEqual([]);
    expect(CHECKS['error-code'](input(exchange(errorOutcome(200, 'UnsupportedOperation.Other')), e, 'tencent-cvm-api2'))).toHaveLength(1);
    expect(CHECKS['error-code'](input(exchange(errorOutcome(200, 'UnsupportedOperation.InstanceState')), e, 'tencent-cvm-api2'))).toHaveLength(1);
    expect(codeMatches('A.B', 'A.B')).toBe(true);
    expect(codeMatches('A.B', 'A.BC')).toBe(false);
    expect(codeMatches('A.*', 'A.X')).toBe(true);
  });

  it('http-status: the row statuses, else the spec status for the code', () => {
    expect(CHECKS['http-status'](input(exchange(errorOutcome(400, 'X')), { result: 'error', codes: ['X'], httpStatus: [403] }))[0]?.message).toMatch(/expected HTTP 403 \(per the case\)/);
    expect(CHECKS['http-status'](input(exchange(errorOutcome(403, 'X')), { result: 'error', codes: ['X'], httpStatus: [403] }))).toEqual([]);
    const spec: Expectation = { result: 'error', codes: ['INVALID_INSTANCE_NOT_FOUND'] };
    expect(CHECKS['http-status'](input(exchange(errorOutcome(400, 'INVALID_INSTANCE_NOT_FOUND')), spec))[0]?.message).toMatch(/expected HTTP 404 \(per the spec for INVALID_INSTANCE_NOT_FOUND\)/);
    expect(CHECKS['http-status'](input(exchange(errorOutcome(404, 'INVALID_INSTANCE_NOT_FOUND')), spec))).toEqual([]);
    // the code received picks its own status among several accepted codes
    const two: Expectation = { result: 'error', codes: ['INVALID_INSTANCE_NOT_FOUND', 'NOT_RUNNING'] };
    expect(CHECKS['http-status'](input(exchange(errorOutcome(403, 'NOT_RUNNING')), two))).toEqual([]);
    expect(CHECKS['http-status'](input(exchange(errorOutcome(404, 'NOT_RUNNING')), two))).toHaveLength(1);
    // no status known anywhere: nothing to check
    expect(CHECKS['http-status'](input(exchange(errorOutcome(418, 'Y')), { result: 'error', codes: ['Y'] }))).toEqual([]);
  });

  it('request-id-present', () => {
    expect(CHECKS['request-id-present'](input(exchange(outcome({ requestId: undefined })), success))).toHaveLength(1);
    expect(CHECKS['request-id-present'](input(exchange(outcome({ requestId: '' })), success))).toHaveLength(1);
    expect(CHECKS['request-id-present'](input(exchange(outcome()), success))).toEqual([]);
  });

  it('per-instance: exactly one entry per requested id, codes and statuses', () => {
    const call = { operation: 'StopInstances' as const, instanceIds: ['vm-1', 'vm-2'] };
    const e: Expectation = {
      result: 'success',
      instances: { a: { code: 'success', previousStatus: 'Running', currentStatus: 'Stopping' }, b: { code: ['IncorrectInstanceStatus'] } },
    };
    const good = outcome({
      instances: [
        { instanceId: 'vm-1', code: '200', previousStatus: 'Running', status: 'Stopping' },
        { instanceId: 'vm-2', code: 'IncorrectInstanceStatus' },
      ],
    });
    expect(CHECKS['per-instance'](input(exchange(good, { call }), e))).toEqual([]);
    const bad = outcome({
      instances: [
        { instanceId: 'vm-1', code: '200', previousStatus: 'Running', status: 'Stopped' },
        { instanceId: 'vm-1', code: '200' },
        { instanceId: 'vm-9', code: '200' },
      ],
    });
    const msgs = CHECKS['per-instance'](input(exchange(bad, { call }), e)).map((f) => f.message);
    expect(msgs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/exactly one InstanceResponse for vm-1, received 2/),
        expect.stringMatching(/exactly one InstanceResponse for vm-2, received 0/),
        expect.stringMatching(/received one for "vm-9"/),
        expect.stringMatching(/expected CurrentStatus Stopping, received Stopped/),
      ]),
    );
    expect(CHECKS['per-instance'](input(exchange(outcome(), { call }), e))[0]?.message).toMatch(/no per-instance list/);
  });

  it('per-instance: a list of words accepts any of them (CurrentStatus Stopping, or Stopped at once)', () => {
    const call = { operation: 'StopInstances' as const, instanceIds: ['vm-1'] };
    const e: Expectation = { result: 'success', instances: { a: { code: 'success', currentStatus: ['Stopping', 'Stopped'] } } };
    const at = (status: string) => outcome({ instances: [{ instanceId: 'vm-1', code: '200', status }] });
    expect(CHECKS['per-instance'](input(exchange(at('Stopped'), { call }), e))).toEqual([]);
    expect(CHECKS['per-instance'](input(exchange(at('Stopping'), { call }), e))).toEqual([]);
    expect(CHECKS['per-instance'](input(exchange(at('Running'), { call }), e))[0]?.message).toMatch(/expected CurrentStatus Stopping or Stopped, received Running/);
  });

  it('per-instance `*`: any error code, never a success (004:79); notCodes: a client error with any code but those (004:24)', () => {
    const call = { operation: 'StopInstances' as const, instanceIds: ['vm-1'] };
    const e: Expectation = { result: 'success', instances: { l: { code: ['*'] } } };
    const withCode = (code: string) => outcome({ instances: [{ instanceId: 'vm-1', code }] });
    const idOf = () => 'vm-1';
    expect(CHECKS['per-instance']({ ...input(exchange(withCode('OperationDenied.SecurityLocked'), { call }), e), idOf })).toEqual([]);
    expect(CHECKS['per-instance']({ ...input(exchange(withCode('200'), { call }), e), idOf })[0]?.message).toMatch(/expected Code \*, received 200/);
    const notDry: Expectation = { result: 'client-error', notCodes: ['DRYRUN.SUCCESS'] };
    expect(callChecksFor(getDialect('aliyun-ecs'), notDry)).toContain('error-code');
    expect(runCallChecks(input(exchange(errorOutcome(400, 'MissingRegionId')), notDry, 'aliyun-ecs'))).toEqual([]);
    const dry = runCallChecks(input(exchange(errorOutcome(400, 'DRYRUN.SUCCESS')), notDry, 'aliyun-ecs'));
    expect(dry.map((f) => [f.check, f.fingerprint])).toEqual([['error-code', 'aliyun-ecs/c.1/error-code/DRYRUN.SUCCESS']]);
    expect(dry[0]?.message).toMatch(/expected an error code other than DRYRUN\.SUCCESS, received DRYRUN\.SUCCESS/);
  });

  it('runCallChecks picks the checks by expected result, and only transport-ok without an answer', () => {
    for (const kind of ['client-error', 'not-5xx'] as const) {
      expect(callChecksFor(getDialect('aliyun-ecs'), { result: kind })).toEqual(
        expect.arrayContaining(['transport-ok', 'not-server-error', 'decodable', 'content-type', 'result-kind', 'schema-valid', 'request-id-present']),
      );
      // DESIGN.md §3: a Content-Type is judged only where a seed states it (aliyun, 004:112-147).
      for (const d of ['tencent-cvm-api2', 'tencent-cvm-api3', 'zenlayer-vm', 'zenlayer-bmc'] as const) expect(callChecksFor(getDialect(d), { result: kind })).not.toContain('content-type');
    }
    expect(callChecksFor(getDialect('zenlayer-vm'), { result: 'not-5xx' })).not.toContain('http-status');
    expect(callChecksFor(getDialect('zenlayer-vm'), { result: 'error', codes: ['X'] })).toContain('error-code');
    expect(names(runCallChecks(input(exchange(undefined), { result: 'error', codes: ['X'] })))).toEqual(['transport-ok']);
    expect(runCallChecks(input(exchange(outcome()), { result: 'success' }))).toEqual([]);
    expect(names(runCallChecks(input(exchange(errorOutcome(404, 'INVALID_INSTANCE_NOT_FOUND')), { result: 'error', codes: ['INVALID_INSTANCE_NOT_FOUND'] })))).toEqual([]);
  });
});

describe("client errors and not-5xx answers must still be the API's envelopes", () => {
  const html = (status: number): Exchange => {
    const o = outcome({ httpStatus: status, contentType: 'text/html', format: 'unparseable', body: undefined, requestId: undefined, ok: false, decodeProblems: ['body is not JSON'] });
    return exchange(o, { response: { status, headers: { 'content-type': 'text/html' }, bodyText: '<html>Bad</html>' } });
  };

  it('client-error: an HTML body with a 4xx status is not the error envelope', () => {
    const found = names(runCallChecks(input(html(400), { result: 'client-error' })));
    expect([...new Set(found)]).toEqual(['decodable', 'result-kind', 'request-id-present']);
    const tencent = names(runCallChecks(input(html(200), { result: 'client-error' }, 'tencent-cvm-api3')));
    expect([...new Set(tencent)]).toEqual(['decodable', 'result-kind', 'request-id-present']);
    const aliyun = names(runCallChecks(input(html(400), { result: 'client-error' }, 'aliyun-ecs')));
    expect([...new Set(aliyun)]).toEqual(['decodable', 'content-type', 'result-kind', 'request-id-present']);
  });

  it('client-error: a 4xx JSON body without a code, or a schema violation, is a finding; the envelope passes', () => {
    const noCode = outcome({ httpStatus: 400, ok: false, decodeProblems: ['neither envelope'] });
    expect(names(runCallChecks(input(exchange(noCode), { result: 'client-error' })))).toEqual(['decodable', 'result-kind']);
    expect(CHECKS['result-kind'](input(exchange(noCode), { result: 'client-error' }))[0]?.message).toMatch(/HTTP 4xx with the dialect's error envelope/);
    const invalid = { ...errorOutcome(400, 'X'), schemaErrors: ['/message must be string'] };
    expect(names(runCallChecks(input(exchange(invalid), { result: 'client-error' })))).toEqual(['schema-valid']);
    expect(runCallChecks(input(exchange(errorOutcome(400, 'ANY_CODE')), { result: 'client-error' }))).toEqual([]);
    expect(runCallChecks(input(exchange(errorOutcome(200, 'InvalidParameter')), { result: 'client-error' }, 'tencent-cvm-api2'))).toEqual([]);
  });

  it('not-5xx: HTML, truncated JSON and null are findings; the success or the error envelope passes', () => {
    const notFive: Expectation = { result: 'not-5xx' };
    expect([...new Set(names(runCallChecks(input(html(200), notFive))))]).toEqual(['decodable', 'result-kind', 'request-id-present']);
    const truncated = outcome({ format: 'unparseable', body: undefined, requestId: undefined, ok: false, decodeProblems: ['body is not JSON: Unexpected end'] });
    expect(names(runCallChecks(input(exchange(truncated), notFive)))).toEqual(expect.arrayContaining(['decodable', 'result-kind', 'request-id-present']));
    const nul = outcome({ body: null, requestId: undefined, ok: false, decodeProblems: ['body is JSON but not an object (no envelope)'], schemaErrors: ['/ must be object'] });
    expect(names(runCallChecks(input(exchange(nul), notFive)))).toEqual(['decodable', 'result-kind', 'schema-valid', 'request-id-present']);
    expect(CHECKS['result-kind'](input(exchange(nul), notFive))[0]?.message).toMatch(/expected the success envelope with HTTP 200 or the dialect's error envelope/);
    expect(runCallChecks(input(exchange(outcome()), notFive))).toEqual([]);
    expect(runCallChecks(input(exchange(errorOutcome(400, 'INVALID_PARAMETER')), notFive))).toEqual([]);
    expect(runCallChecks(input(exchange(errorOutcome(200, 'InvalidParameter')), notFive, 'tencent-cvm-api3'))).toEqual([]);
    // tencent's errors travel with HTTP 200; zenlayer's never do
    expect(names(runCallChecks(input(exchange(errorOutcome(200, 'X')), notFive)))).toEqual(['result-kind']);
  });

  it('answerKind tells the success envelope, the error envelope and anything else apart', () => {
    expect(answerKind(exchange(outcome()))).toBe('success');
    expect(answerKind(exchange(errorOutcome(400, 'X')))).toBe('error');
    expect(answerKind(html(200))).toBe('other');
    expect(answerKind(exchange(undefined))).toBe('other');
  });
});

describe('case-level checks', () => {
  const read = (entries: [string, string][], problem?: string): StatusRead => ({
    statuses: new Map(entries),
    exchanges: [exchange(outcome())],
    problem,
  });

  it('request-id-unique', () => {
    const a = exchange(outcome({ requestId: 'x' }));
    const b = exchange(outcome({ requestId: 'y' }));
    expect(requestIdUnique(scopeOf(), [a, b])).toEqual([]);
    expect(requestIdUnique(scopeOf(), [a, b, a, a])).toHaveLength(1);
    expect(requestIdUnique(scopeOf(), [a, b, a, a])[0]?.message).toMatch(/received 2 answer\(s\) repeating an earlier one in this case: "x"/);
  });

  it('state-immediate: accepted words, missing entries, failed reads', () => {
    const expected = [
      { alias: 'a', id: 'vm-1', accept: ['STOPPING', 'STOPPED'] },
      { alias: 'b', id: 'vm-2', accept: ['RUNNING'] },
    ];
    expect(stateImmediate(scopeOf(), expected, read([['vm-1', 'STOPPING'], ['vm-2', 'RUNNING']]), request)).toEqual([]);
    const f = stateImmediate(scopeOf(), expected, read([['vm-1', 'RUNNING']]), request);
    expect(f.map((x) => x.message)).toEqual([
      expect.stringMatching(/b \(vm-2\): expected status RUNNING, received no status/),
      expect.stringMatching(/a \(vm-1\): expected status STOPPING or STOPPED right after the call, received RUNNING/),
    ]);
    expect(stateImmediate(scopeOf(), expected, read([], 'status query failed: ECONNRESET'), request)[0]?.message).toMatch(/ECONNRESET/);
  });

  it('state-immediate: one finding per root cause, naming how many instances changed, not one per instance', () => {
    const expected = Array.from({ length: 101 }, (_, i) => ({ alias: `n${i}`, id: `vm-${i}`, accept: ['RUNNING'] }));
    const f = stateImmediate(scopeOf(), expected, read(expected.map((e) => [e.id, 'STOPPING'] as [string, string])), request);
    expect(f).toHaveLength(1);
    expect(f[0]?.message).toMatch(/^101 of 101 instances changed \(n0 \(vm-0\), n1 \(vm-1\), n2 \(vm-2\), n3 \(vm-3\), n4 \(vm-4\) and 96 more\): expected status RUNNING right after the call, received STOPPING$/);
    expect(f[0]?.curl?.length ?? 0).toBeLessThan(2_000);
    const mixed = stateImmediate(scopeOf(), expected.slice(0, 3), read([['vm-0', 'STOPPING'], ['vm-1', 'STOPPED'], ['vm-2', 'STOPPING']]), request);
    expect(mixed.map((x) => x.message)).toEqual([
      expect.stringMatching(/^2 of 3 instances changed \(n0 \(vm-0\), n2 \(vm-2\)\): .* received STOPPING$/),
      expect.stringMatching(/^n1 \(vm-1\): .* received STOPPED$/),
    ]);
  });

  it('state-eventual: polls until the stopped word, else reports the last status', async () => {
    let n = 0;
    const reader = async (): Promise<StatusRead> => read([['vm-1', ++n >= 3 ? 'STOPPED' : 'STOPPING']]);
    const eventual = (read: () => Promise<StatusRead>, timeoutMs: number) =>
      STEP_CHECKS['state-eventual']({ scope: scopeOf(), expected: [{ alias: 'a', id: 'vm-1' }], stoppedWord: 'STOPPED', read, timeoutMs, blame: request, intervalMs: 5 });
    expect(await eventual(reader, 2_000)).toEqual([]);
    expect(n).toBe(3);
    const stuck = async (): Promise<StatusRead> => read([['vm-1', 'STOPPING']]);
    const f = await eventual(stuck, 50);
    expect(f[0]?.message).toMatch(/expected status STOPPED within 50 ms, received STOPPING/);
  });

  it('burst checks', () => {
    const served = exchange(outcome());
    const refused = exchange(errorOutcome(200, 'RequestLimitExceeded'));
    const other = exchange(errorOutcome(500, 'InternalError'));
    expect(burstAllServed(scopeOf(), [served, served])).toEqual([]);
    expect(burstAllServed(scopeOf(), [served, refused])[0]?.message).toMatch(/expected all 2 requests of the burst served, received 1 not served/);
    expect(burstSomeRefused(scopeOf(), [served, refused], 'RequestLimitExceeded')).toEqual([]);
    expect(burstSomeRefused(scopeOf(), [served, served], 'RequestLimitExceeded')[0]?.message).toMatch(/received none refused/);
    expect(burstSomeRefused(scopeOf(), [refused, other], 'RequestLimitExceeded')[0]?.message).toMatch(/1 other answer/);
    // A burst that took longer than the window may legally have been served in full: inconclusive, not a finding.
    expect(STEP_CHECKS['burst-some-refused']({ scope: scopeOf(), answers: [served, served], code: 'RequestLimitExceeded', spanMs: 1_500, windowMs: 1_000 })).toEqual([]);
    expect(STEP_CHECKS['burst-some-refused']({ scope: scopeOf(), answers: [served, served], code: 'RequestLimitExceeded', spanMs: 400, windowMs: 1_000 })).toHaveLength(1);
  });
});
