/**
 * Every kind of answer the reference provider gives is one its dialect's spec allows (the yardstick is judged by the
 * specs, not by itself). Each dialect runs a matrix of successes and errors, auth failures, expired timestamps, unknown
 * keys, bodies over the size limit, rate limits, unknown actions and (aliyun) XML; for every answer:
 *   (a) its HTTP status is a response the spec declares for that operation (method and path),
 *   (b) its body validates against that declared response's schema and against the schema named for the situation,
 *   (c) its error code (also aliyun's per-instance codes) is in the spec's `x-vmconform.errors` with that HTTP status.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTarget } from '../dialects/client.ts';
import { getDialect } from '../dialects/index.ts';
import { memberAt } from '../dialects/description.ts';
import { describeDialect } from '../dialects/descriptions/index.ts';
import { DIALECT_NAMES, type Credentials, type DialectName, type OperationCall } from '../dialects/types.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { checkDeclaredAnswer, checkErrorCode, errorRows } from '../specs/responses.ts';
import { schemaValidator } from '../specs/validator.ts';
import { parseAliyunXml } from '../specs/xml.ts';
import { startProviderServer, type ProviderServerOptions, type RunningProvider } from './server.ts';
import { aliCall, dig, indexedIds, queryCall, readAnswer, seed, tc2Call, tc3Call, zcCall, type RawAnswer } from './test-helpers.ts';

type Op = 'stop' | 'status';

interface Checked {
  readonly label: string;
  readonly op: Op;
  /** The request line the answer belongs to (the spec operation it is judged by). */
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly answer: RawAnswer;
  /** The error code this situation must produce (`undefined`: a success). */
  readonly code: string | undefined;
}

const DIALECTS = DIALECT_NAMES;
const MAX_BODY = 8192;
const servers = new Map<string, RunningProvider>();

async function start(key: string, options: ProviderServerOptions): Promise<void> {
  servers.set(key, await startProviderServer(options));
}

beforeAll(async () => {
  for (const dialect of DIALECTS) {
    await start(dialect, { dialect, transitionMs: 60_000, maxBodyBytes: MAX_BODY, rateLimitPerSecond: false });
    await start(`${dialect}/auth`, { dialect, transitionMs: 60_000, verifySignatures: TEST_CREDENTIALS, rateLimitPerSecond: false });
  }
  await start('tencent-cvm-api3/limited', { dialect: 'tencent-cvm-api3', transitionMs: 60_000, rateLimitPerSecond: 1 });
});
afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.close()));
});

function server(key: string): string {
  const s = servers.get(key);
  if (!s) throw new Error(`no server for ${key}`);
  return s.url;
}

/** A GET carrying a body (the api2 wire style is GET only; its provider must still refuse an oversized request). */
function getWithBody(url: string, body: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
        resolve(readAnswer(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, headers })));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** An answer through the suite's own signing client (auth situations need real signatures), with its request line. */
async function signed(dialect: DialectName, call: OperationCall, credentials: Credentials, now?: () => number): Promise<{ answer: RawAnswer; method: 'GET' | 'POST'; path: string }> {
  const ex = await callTarget(getDialect(dialect), call, { baseUrl: server(`${dialect}/auth`), credentials, ...(now ? { now } : {}) });
  if (!ex.response) throw new Error(`transport failure: ${ex.transportError ?? '?'}`);
  const headers = new Headers(Object.entries(ex.response.headers));
  const answer = await readAnswer(new Response(ex.response.bodyText, { status: ex.response.status, headers }));
  return { answer, method: ex.request.method, path: new URL(ex.request.url).pathname };
}

/** Record a signed answer with the request line it was sent with. */
function pushSigned(out: Checked[], label: string, op: Op, s: { answer: RawAnswer; method: 'GET' | 'POST'; path: string }, code: string | undefined): void {
  out.push({ label, op, method: s.method, path: s.path, answer: s.answer, code });
}

const WRONG_SECRET: Credentials = { accessKeyId: TEST_CREDENTIALS.accessKeyId, accessKeySecret: 'not-the-secret' };
const UNKNOWN_KEY: Credentials = { accessKeyId: 'AKIDunknownKey000000', accessKeySecret: TEST_CREDENTIALS.accessKeySecret };
const STALE = (): number => Date.now() - 20 * 60_000;

/** The situation-specific schema name (precise: a stop must not answer with a status body). */
function namedSchema(dialect: DialectName, c: Checked): string {
  const { errorsAsHttp200, answers } = describeDialect(dialect);
  if (errorsAsHttp200) {
    return memberAt(c.answer.json, answers.error) !== undefined ? 'ErrorResponse' : c.op === 'stop' ? 'StopInstancesResponse' : 'DescribeStatusResponse';
  }
  const base = c.answer.status === 200 ? (c.op === 'stop' ? 'StopInstancesResponse' : 'DescribeStatusResponse') : 'ErrorResponse';
  return c.answer.contentType.includes('xml') ? `${base}Xml` : base;
}

/** The error code of an answer, `undefined` for a success. */
function errorCodeOf(dialect: DialectName, a: RawAnswer): string | undefined {
  const { errorsAsHttp200, answers } = describeDialect(dialect);
  if (!errorsAsHttp200 && a.status === 200) return undefined;
  const error = a.contentType.includes('xml') ? dig(parseAliyunXml(a.text), 'Error') : memberAt(a.json, answers.error);
  return memberAt(error, [answers.errorCode]) as string | undefined;
}

/** Every problem of one answer against its dialect's spec: (a) declared status, (b) body, (c) error table. */
function problemsOf(dialect: DialectName, c: Checked): string[] {
  const { answer } = c;
  const problems = checkDeclaredAnswer(dialect, { method: c.method, path: c.path, status: answer.status, contentType: answer.contentType, bodyText: answer.text });
  const schema = namedSchema(dialect, c);
  const body = answer.contentType.includes('xml') ? parseAliyunXml(answer.text) : answer.json;
  problems.push(...schemaValidator(dialect).validate(schema, body).map((p) => `${schema}${p}`));
  const code = errorCodeOf(dialect, answer);
  if (code !== undefined) {
    const bad = checkErrorCode(dialect, code, answer.status);
    if (bad) problems.push(bad);
  }
  // aliyun SuccessFirst: each per-instance code must be a code of the table too.
  const entries = dig(answer.contentType.includes('xml') ? dig(body, 'StopInstancesResponse') : body, 'InstanceResponses', 'InstanceResponse');
  for (const e of Array.isArray(entries) ? entries : []) {
    const entryCode = dig(e, 'Code');
    if (typeof entryCode === 'string' && entryCode !== '200' && errorRows(dialect, entryCode).length === 0) {
      problems.push(`per-instance code ${entryCode} is not in the ${dialect} error table`);
    }
  }
  if (code !== c.code) problems.push(`expected ${c.code ?? 'success'}, got ${code ?? `success (HTTP ${answer.status})`}`);
  return problems;
}

async function tencentMatrix(dialect: 'tencent-cvm-api2' | 'tencent-cvm-api3'): Promise<Checked[]> {
  const url = server(dialect);
  // api3 speaks JSON POST by default (002), api2 GET with the query (000).
  const api3 = describeDialect(dialect).styles[0] === 'json';
  const run = api3 ? 'ins-a3run001' : 'ins-a2run001';
  const run2 = api3 ? 'ins-a3run002' : 'ins-a2run002';
  const stopped = api3 ? 'ins-a3stp001' : 'ins-a2stp001';
  await seed(url, [
    { id: run, status: 'RUNNING' },
    { id: run2, status: 'RUNNING' },
    { id: stopped, status: 'STOPPED' },
  ]);
  const [method, path] = api3 ? (['POST', '/'] as const) : (['GET', '/v2/index.php'] as const);
  const call = async (action: string, ids: string[] | undefined, extra: Record<string, string> = {}): Promise<RawAnswer> =>
    api3
      ? tc3Call(url, action, { ...(ids ? { InstanceIds: ids } : {}), ...extra })
      : tc2Call(url, action, [...indexedIds('InstanceIds', ids ?? [], 1), ...Object.entries(extra)]);
  const out: Checked[] = [];
  const add = (label: string, op: Op, answer: RawAnswer, code: string | undefined, m: 'GET' | 'POST' = method, p: string = path): void => {
    out.push({ label, op, method: m, path: p, answer, code });
  };
  add('stop ok', 'stop', await call('StopInstances', [run]), undefined);
  add('wrong state', 'stop', await call('StopInstances', [stopped]), 'InvalidInstance.NotSupported');
  add('not found', 'stop', await call('StopInstances', ['ins-zzzzzzzz']), 'InvalidInstanceId.NotFound');
  add('malformed', 'stop', await call('StopInstances', ['ins-1122']), 'InvalidInstanceId.Malformed');
  add('missing', 'stop', await call('StopInstances', undefined), 'MissingParameter');
  add('limit', 'stop', await call('StopInstances', Array.from({ length: 101 }, (_, i) => `ins-${String(i).padStart(8, '0')}`)), 'InvalidParameterValue.LimitExceeded');
  add('bad ForceStop', 'stop', await call('StopInstances', [run], { ForceStop: 'MAYBE' }), 'InvalidParameterValue');
  add('unknown action', 'stop', await call('FooBar', [run]), 'InvalidAction');
  add('status', 'status', await call('DescribeInstancesStatus', [run, stopped, 'ins-nothere0']), undefined);
  add('status all', 'status', await call('DescribeInstancesStatus', undefined), undefined);
  add('status bad limit', 'status', await call('DescribeInstancesStatus', undefined, { Limit: '500' }), 'InvalidParameterValue');
  if (api3) {
    add('bad json', 'stop', await tc3Call(url, 'StopInstances', '{'), 'InvalidParameter');
    add('bad version', 'stop', await tc3Call(url, 'StopInstances', { InstanceIds: [run2] }, { 'x-tc-version': '2099-01-01' }), 'InvalidParameterValue');
    add('body too large', 'stop', await tc3Call(url, 'StopInstances', { InstanceIds: [run2], Pad: 'x'.repeat(MAX_BODY) }), 'RequestSizeLimitExceeded');
    const query = async (params: [string, string][]): Promise<RawAnswer> =>
      readAnswer(await fetch(`${url}/?${new URLSearchParams([['Action', 'StopInstances'], ['Version', '2017-03-12'], ['Region', 'ap-guangzhou'], ...params]).toString()}`));
    add('GET index out of range', 'stop', await query([['InstanceIds.100', run2]]), 'InvalidParameter', 'GET', '/');
    add('GET stop ok', 'stop', await query([['InstanceIds.0', run2]]), undefined, 'GET', '/');
    const limited = server('tencent-cvm-api3/limited');
    await seed(limited, [{ id: 'ins-lim00001', status: 'RUNNING' }, { id: 'ins-lim00002', status: 'RUNNING' }]);
    add('within rate', 'stop', await tc3Call(limited, 'StopInstances', { InstanceIds: ['ins-lim00001'] }), undefined);
    add('rate limited', 'stop', await tc3Call(limited, 'StopInstances', { InstanceIds: ['ins-lim00002'] }), 'RequestLimitExceeded');
  } else {
    add('index out of range', 'stop', await call('StopInstances', undefined, { 'InstanceIds.999999': run2 }), 'InvalidParameter');
    add('duplicated parameter', 'stop', await tc2Call(url, 'StopInstances', [['InstanceIds.1', run2], ['ForceStop', 'TRUE'], ['ForceStop', 'FALSE']]), 'InvalidParameter');
    add('bad version', 'stop', await queryCall(url, '/v2/index.php', [['Action', 'StopInstances'], ['Version', '2099-01-01'], ['Region', 'ap-guangzhou'], ['InstanceIds.1', run2]]), 'InvalidParameterValue');
    // The api2 wire style is GET only, so it has no body to be too large: a body sent with a GET is not read.
    // (RequestSizeLimitExceeded is reachable only through a form POST, which the provider accepts beyond the spec.)
    const query = new URLSearchParams([['Action', 'StopInstances'], ['Version', '2017-03-12'], ['Region', 'ap-guangzhou'], ['InstanceIds.1', 'ins-zzzzzzzz']]).toString();
    add('GET body ignored', 'stop', await getWithBody(`${url}/v2/index.php?${query}`, `Pad=${'x'.repeat(MAX_BODY)}`), 'InvalidInstanceId.NotFound');
  }
  // Auth: a server that verifies signatures, reached through the suite's signing client.
  const auth = server(`${dialect}/auth`);
  await seed(auth, [{ id: run, status: 'RUNNING' }]);
  const stop: OperationCall = { operation: 'StopInstances', instanceIds: [run] };
  pushSigned(out, 'wrong signature', 'stop', await signed(dialect, stop, WRONG_SECRET), 'AuthFailure.SignatureFailure');
  pushSigned(out, 'expired timestamp', 'stop', await signed(dialect, stop, TEST_CREDENTIALS, STALE), 'AuthFailure.SignatureExpire');
  pushSigned(out, 'unknown key', 'stop', await signed(dialect, stop, UNKNOWN_KEY), 'AuthFailure.SecretIdNotFound');
  pushSigned(out, 'signed status', 'status', await signed(dialect, { operation: 'DescribeStatus', instanceIds: [run] }, TEST_CREDENTIALS), undefined);
  return out;
}

/** The zenlayer test helpers' name for each zenlayer dialect's API (`/api/v2/vm`, `/api/v2/bmc`). */
const ZENLAYER_KIND: Readonly<Record<'zenlayer-vm' | 'zenlayer-bmc', 'vm' | 'bmc'>> = { 'zenlayer-vm': 'vm', 'zenlayer-bmc': 'bmc' };

async function zenlayerMatrix(dialect: 'zenlayer-vm' | 'zenlayer-bmc'): Promise<Checked[]> {
  const url = server(dialect);
  const kind = ZENLAYER_KIND[dialect];
  const { path, actions } = describeDialect(dialect);
  const statusAction = actions.DescribeStatus;
  await seed(url, [
    { id: 'zl-run', status: 'RUNNING' },
    { id: 'zl-stopped', status: 'STOPPED' },
    { id: 'zl-recycle', status: 'RECYCLE' },
  ]);
  const out: Checked[] = [];
  const add = (label: string, op: Op, answer: RawAnswer, code: string | undefined): void => {
    out.push({ label, op, method: 'POST', path, answer, code });
  };
  const stop = async (body: unknown): Promise<RawAnswer> => zcCall(url, kind, 'StopInstances', body);
  add('stop ok', 'stop', await stop({ instanceIds: ['zl-run'] }), undefined);
  add('not running', 'stop', await stop({ instanceIds: ['zl-stopped'] }), 'OPERATION_DENIED_INSTANCE_NOT_RUNNING');
  add('recycled', 'stop', await stop({ instanceIds: ['zl-recycle'] }), 'OPERATION_DENIED_INSTANCE_RECYCLED');
  add('not found', 'stop', await stop({ instanceIds: ['zl-none'] }), 'INVALID_INSTANCE_NOT_FOUND');
  add('missing', 'stop', await stop({}), 'MISSING_PARAMETER');
  add('empty', 'stop', await stop({ instanceIds: [] }), 'INVALID_PARAMETER');
  add('limit', 'stop', await stop({ instanceIds: Array.from({ length: 101 }, (_, i) => `x${i}`) }), 'INVALID_PARAMETER_LIMIT_EXCEEDED');
  add('bad json', 'stop', await stop('{'), 'INVALID_PARAMETER');
  add('unknown action', 'stop', await zcCall(url, kind, 'FooBar', {}), 'INVALID_ACTION');
  add('no action', 'stop', await zcCall(url, kind, '', {}), 'MISSING_PARAMETER');
  add('body too large', 'stop', await stop({ instanceIds: ['zl-run'], pad: 'x'.repeat(MAX_BODY) }), 'REQUEST_BODY_TOO_LARGE');
  if (describeDialect(dialect).booleanParameters.includes('forceShutdown')) add('bad forceShutdown', 'stop', await stop({ instanceIds: ['zl-run'], forceShutdown: 'yes' }), 'INVALID_PARAMETER');
  add('status', 'status', await zcCall(url, kind, statusAction, { instanceIds: ['zl-run', 'zl-none'] }), undefined);
  add('status all', 'status', await zcCall(url, kind, statusAction, {}), undefined);
  add('status big page', 'status', await zcCall(url, kind, statusAction, { pageSize: 5000 }), undefined);
  add('status bad page', 'status', await zcCall(url, kind, statusAction, { pageSize: 0 }), 'INVALID_PARAMETER');
  const auth = server(`${dialect}/auth`);
  await seed(auth, [{ id: 'zl-auth', status: 'RUNNING' }]);
  const call: OperationCall = { operation: 'StopInstances', instanceIds: ['zl-auth'] };
  pushSigned(out, 'wrong signature', 'stop', await signed(dialect, call, WRONG_SECRET), 'AUTH_FAILURE_SIGNATURE_FAILURE');
  pushSigned(out, 'expired timestamp', 'stop', await signed(dialect, call, TEST_CREDENTIALS, STALE), 'AUTH_FAILURE_SIGNATURE_EXPIRED');
  pushSigned(out, 'unknown key', 'stop', await signed(dialect, call, UNKNOWN_KEY), 'AUTH_FAILURE_ACCESS_KEY_NOT_FOUND');
  add('unsigned', 'stop', await zcCall(auth, kind, 'StopInstances', { instanceIds: ['zl-auth'] }), 'AUTH_FAILURE_SIGNATURE_FAILURE');
  pushSigned(out, 'signed status', 'status', await signed(dialect, { operation: 'DescribeStatus', instanceIds: ['zl-auth'] }, TEST_CREDENTIALS), undefined);
  return out;
}

async function aliyunMatrix(): Promise<Checked[]> {
  const url = server('aliyun-ecs');
  await seed(url, [
    { id: 'i-run1', status: 'Running' },
    { id: 'i-run2', status: 'Running' },
    { id: 'i-run3', status: 'Running' },
    { id: 'i-stopped1', status: 'Stopped' },
    { id: 'i-starting1', status: 'Starting' },
    { id: 'i-locked1', status: 'Running', securityLocked: true },
  ]);
  const out: Checked[] = [];
  const add = (label: string, op: Op, answer: RawAnswer, code: string | undefined, method: 'GET' | 'POST' = 'GET'): void => {
    out.push({ label, op, method, path: '/', answer, code });
  };
  for (const format of ['JSON', 'XML'] as const) {
    const stop = async (ids: string[], extra: [string, string][] = [], opts: { region?: null } = {}): Promise<RawAnswer> =>
      aliCall(url, 'StopInstances', [...indexedIds('InstanceId', ids, 1), ...extra], { format, ...opts });
    const first = format === 'JSON' ? 'i-run1' : 'i-run2';
    add(`${format} stop ok`, 'stop', await stop([first]), undefined);
    add(`${format} wrong state`, 'stop', await stop(['i-stopped1']), 'IncorrectInstanceStatus');
    add(`${format} not ready`, 'stop', await stop(['i-starting1']), 'InstanceNotReady');
    add(`${format} locked`, 'stop', await stop(['i-locked1']), 'InstanceLockedForSecurity');
    add(`${format} not found`, 'stop', await stop(['i-nothere']), 'InvalidInstanceId.NotFound');
    add(`${format} malformed`, 'stop', await stop(['i-TestID']), 'Abs.InvalidInstanceIds.MalFormed');
    add(`${format} missing ids`, 'stop', await stop([]), 'MissingParameter');
    add(`${format} no region`, 'stop', await stop(['i-run3'], [], { region: null }), 'MissingParameter');
    add(`${format} limit`, 'stop', await stop(Array.from({ length: 101 }, (_, i) => `i-x${i}`)), 'InvalidParameter');
    add(`${format} index out of range`, 'stop', await aliCall(url, 'StopInstances', [['InstanceId.999999', 'i-run3']], { format }), 'InvalidParameter');
    add(`${format} bad bool`, 'stop', await stop(['i-run3'], [['ForceStop', 'maybe']]), 'InvalidParameter');
    add(`${format} bad version`, 'stop', await queryCall(url, '/', [['Action', 'StopInstances'], ['Version', '2099-01-01'], ['RegionId', 'cn-hangzhou'], ['Format', format], ['InstanceId.1', 'i-run3']]), 'InvalidVersion');
    add(`${format} duplicated parameter`, 'stop', await stop(['i-run3'], [['Version', '2014-05-26']]), 'InvalidParameter');
    add(`${format} dry run`, 'stop', await stop(['i-stopped1'], [['DryRun', 'true'], ['BatchOptimization', 'SuccessFirst']]), 'DRYRUN.SUCCESS');
    add(`${format} success first`, 'stop', await stop(['i-stopped1', 'i-TestID', 'i-locked1', 'i-starting1'], [['BatchOptimization', 'SuccessFirst']]), undefined);
    add(`${format} unknown action`, 'stop', await aliCall(url, 'FooBar', [], { format }), 'InvalidAction.NotFound');
    add(`${format} status`, 'status', await aliCall(url, 'DescribeInstanceStatus', [['InstanceId.1', 'i-run1'], ['InstanceId.2', 'i-no']], { format }), undefined);
    add(`${format} status all`, 'status', await aliCall(url, 'DescribeInstanceStatus', [], { format }), undefined);
    add(`${format} status empty`, 'status', await aliCall(url, 'DescribeInstanceStatus', [['InstanceId.1', 'i-none']], { format }), undefined);
    add(`${format} status bad page`, 'status', await aliCall(url, 'DescribeInstanceStatus', [['PageSize', '51']], { format }), 'InvalidParameter');
    add(`${format} POST form not found`, 'stop', await aliCall(url, 'StopInstances', [['InstanceId.1', 'i-nothere']], { format, method: 'POST' }), 'InvalidInstanceId.NotFound', 'POST');
  }
  add('repeated Format', 'stop', await aliCall(url, 'StopInstances', [['InstanceId.1', 'i-run3'], ['Format', 'XML'], ['Format', 'JSON']], { format: null }), 'InvalidParameter');
  add('default format (XML) error', 'stop', await aliCall(url, 'StopInstances', [['InstanceId.1', 'i-nothere']], { format: null }), 'InvalidInstanceId.NotFound');
  const big = new URLSearchParams([['Action', 'StopInstances'], ['Version', '2014-05-26'], ['RegionId', 'cn-hangzhou'], ['InstanceId.1', 'i-run3'], ['Pad', 'x'.repeat(MAX_BODY)]]);
  add(
    'body too large',
    'stop',
    await readAnswer(await fetch(`${url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: big.toString() })),
    'InvalidParameter',
    'POST',
  );
  const acs3 = await readAnswer(
    await fetch(`${url}/?RegionId=cn-hangzhou&InstanceId.1=i-nothere`, {
      method: 'POST',
      headers: { 'x-acs-action': 'StopInstances', 'x-acs-version': '2014-05-26', 'x-acs-date': new Date().toISOString() },
    }),
  );
  add('ACS3 not found', 'stop', acs3, 'InvalidInstanceId.NotFound', 'POST');
  const auth = server('aliyun-ecs/auth');
  await seed(auth, [{ id: 'i-auth1', status: 'Running' }]);
  for (const format of ['JSON', 'XML'] as const) {
    const call: OperationCall = { operation: 'StopInstances', instanceIds: ['i-auth1'], format };
    pushSigned(out, `${format} wrong signature`, 'stop', await signed('aliyun-ecs', call, WRONG_SECRET), 'SignatureDoesNotMatch');
    pushSigned(out, `${format} expired timestamp`, 'stop', await signed('aliyun-ecs', call, TEST_CREDENTIALS, STALE), 'InvalidTimeStamp.Expired');
    pushSigned(out, `${format} unknown key`, 'stop', await signed('aliyun-ecs', call, UNKNOWN_KEY), 'InvalidAccessKeyId.NotFound');
  }
  add('unsigned, foreign AccessKeyId', 'stop', await aliCall(auth, 'StopInstances', [['InstanceId.1', 'i-auth1']]), 'InvalidAccessKeyId.NotFound');
  return out;
}

function report(dialect: DialectName, answers: readonly Checked[]): string[] {
  return answers.flatMap((c) => problemsOf(dialect, c).map((p) => `${c.label}: ${p}`));
}

describe('every provider answer is one its dialect spec declares', () => {
  it.each([['tencent-cvm-api2' as const], ['tencent-cvm-api3' as const]])('%s', async (dialect) => {
    const answers = await tencentMatrix(dialect);
    expect(report(dialect, answers)).toEqual([]);
    expect(answers.every((c) => c.answer.status === 200)).toBe(true);
  });

  it.each([['zenlayer-vm' as const], ['zenlayer-bmc' as const]])('%s', async (dialect) => {
    const answers = await zenlayerMatrix(dialect);
    expect(report(dialect, answers)).toEqual([]);
    expect(new Set(answers.map((c) => c.answer.status))).toEqual(new Set([200, 400, 401, 403, 404, 413]));
  });

  it('aliyun-ecs (JSON and XML)', async () => {
    const answers = await aliyunMatrix();
    expect(report('aliyun-ecs', answers)).toEqual([]);
    expect(new Set(answers.map((c) => c.answer.status))).toEqual(new Set([200, 400, 403, 404, 413]));
    expect(answers.filter((c) => c.answer.contentType.includes('xml')).length).toBeGreaterThanOrEqual(24);
    expect(answers.find((c) => c.label === 'repeated Format')?.answer.contentType).toMatch(/^application\/json/);
  });
});

describe('the checks themselves can fail (negative controls)', () => {
  const answer = (status: number, json: unknown, contentType = 'application/json'): RawAnswer => ({ status, contentType, text: JSON.stringify(json), json });
  const check = (dialect: DialectName, a: RawAnswer, code: string | undefined, op: Op = 'stop', method: 'GET' | 'POST' = 'POST', path = '/api/v2/vm'): string[] =>
    problemsOf(dialect, { label: 'x', op, method, path, answer: a, code });

  it('an envelope that breaks its schema', () => {
    expect(check('tencent-cvm-api3', answer(200, { Response: {} }), undefined, 'stop', 'POST', '/')).not.toEqual([]);
    expect(check('zenlayer-vm', answer(404, { code: 1 }), undefined)).not.toEqual([]);
    const xml: RawAnswer = { status: 403, contentType: 'application/xml', text: '<Error><Foo>1</Foo></Error>', json: undefined };
    expect(check('aliyun-ecs', xml, undefined, 'stop', 'GET', '/')).not.toEqual([]);
  });

  it('an HTTP status the operation does not declare', () => {
    const p = check('zenlayer-vm', answer(429, { requestId: 'r', code: 'REQUEST_LIMIT_EXCEEDED', message: 'm' }), 'REQUEST_LIMIT_EXCEEDED');
    expect(p.join('\n')).toMatch(/declares no such response/);
    expect(check('tencent-cvm-api2', answer(200, { Response: { RequestId: 'r' } }), undefined, 'stop', 'POST', '/v2/index.php').join('\n')).toMatch(/declares no such response/);
  });

  it('an error code missing from the table, or listed with another HTTP status', () => {
    expect(check('zenlayer-vm', answer(400, { requestId: 'r', code: 'SOMETHING_ELSE', message: 'm' }), 'SOMETHING_ELSE').join('\n')).toMatch(/not in the zenlayer-vm error table/);
    expect(check('zenlayer-vm', answer(400, { requestId: 'r', code: 'INVALID_INSTANCE_NOT_FOUND', message: 'm' }), 'INVALID_INSTANCE_NOT_FOUND').join('\n')).toMatch(/with HTTP 404, not 400/);
    const tc = answer(200, { Response: { Error: { Code: 'ResourceNotFound', Message: 'm' }, RequestId: 'r' } });
    expect(check('tencent-cvm-api2', tc, 'ResourceNotFound', 'stop', 'GET', '/v2/index.php').join('\n')).toMatch(/not in the tencent-cvm-api2 error table/);
    const entries = answer(200, { RequestId: 'r', InstanceResponses: { InstanceResponse: [{ Code: 'Made.Up', Message: 'm', InstanceId: 'i-a', PreviousStatus: '', CurrentStatus: '' }] } });
    expect(check('aliyun-ecs', entries, undefined, 'stop', 'GET', '/').join('\n')).toMatch(/per-instance code Made.Up/);
  });

  it('an answer other than the situation requires', () => {
    expect(check('zenlayer-vm', answer(200, { requestId: 'r', response: { requestId: 'r' } }), 'MISSING_PARAMETER').join('\n')).toMatch(/expected MISSING_PARAMETER, got success/);
  });
});
