/**
 * Proof with traffic no one here wrote: the official SDKs (tencentcloud-sdk-nodejs-cvm, @alicloud/ecs20140526,
 * @aws-sdk/client-ec2) drive
 * realistic scenarios (stop, stop again, a batch of 101, stop a stopped instance, a dry run, SuccessFirst) through
 * `vmconform proxy` in front of the reference provider, which verifies their signatures (so the proxy forwarded every
 * signed part unchanged) and breaks no rule, and in front of wrong providers, whose broken rule the traffic shows.
 */
import { DescribeInstanceStatusCommand, EC2Client, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it, vi } from 'vitest';
import type { DialectName } from '../dialects/types.ts';
import { main } from '../cli/main.ts';
import type { CaseResult } from '../engine/types.ts';
import { aliyunClient, EcsModels, rejectionCode, tencentClient } from '../provider/sdk-scenarios.ts';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import { seed } from '../provider/test-helpers.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { wrongProvider } from '../wrong-providers/index.ts';
import { ExchangeJudge, type ObservedExchange } from './judge.ts';
import { startProxy } from './proxy.ts';
import { readingSink } from '../testing/reading-sink.ts';

const transitionMs = 100;
let serial = 0;

/** What a scenario saw through the SDK (the codes it raised), for the reference run's sanity. */
type Seen = Record<string, string>;

/** The Tencent SDK (API 3.0, TC3) against `endpoint`: seeds through `base` (the proxy), then the scenarios. */
async function tencentScenarios(base: string, endpoint: string): Promise<Seen> {
  const tag = String(++serial).padStart(2, '0');
  const id = (n: number): string => `ins-${tag}${String(n).padStart(6, '0')}`;
  await seed(base, [
    { id: id(1), status: 'RUNNING' },
    { id: id(2), status: 'STOPPED' },
    ...Array.from({ length: 25 }, (_, i) => ({ id: id(300 + i), status: 'RUNNING' })),
  ]);
  const client = tencentClient(endpoint, TEST_CREDENTIALS);
  const seen: Seen = {};
  seen['stop'] = await rejectionCode(client.StopInstances({ InstanceIds: [id(1)], StopType: 'SOFT' }));
  seen['status'] = (await client.DescribeInstancesStatus({ InstanceIds: [id(1)] })).InstanceStatusSet?.[0]?.InstanceState ?? '';
  seen['stop again'] = await rejectionCode(client.StopInstances({ InstanceIds: [id(1)] }));
  seen['stop stopped'] = await rejectionCode(client.StopInstances({ InstanceIds: [id(2)] }));
  seen['101 ids'] = await rejectionCode(client.StopInstances({ InstanceIds: Array.from({ length: 101 }, (_, i) => id(100 + i)) }));
  // A burst of 25 at once, one instance each (the documented limit is 10 per second).
  const burst = await Promise.all(Array.from({ length: 25 }, (_, i) => rejectionCode(client.StopInstances({ InstanceIds: [id(300 + i)] }))));
  seen['burst of 25'] = [...new Set(burst)].sort().join(',');
  await new Promise((r) => setTimeout(r, transitionMs * 3));
  seen['status later'] = (await client.DescribeInstancesStatus({ InstanceIds: [id(1), id(2)] })).InstanceStatusSet?.map((s) => s.InstanceState).join(',') ?? '';
  return seen;
}

/** The Alibaba Cloud SDK (ACS3) against `endpoint`: seeds through `base` (the proxy), then the scenarios. */
async function aliyunScenarios(base: string, endpoint: string): Promise<Seen> {
  const tag = `p${++serial}`;
  const id = (n: number): string => `i-${tag}x${n}`;
  await seed(base, [
    { id: id(1), status: 'Running' },
    { id: id(2), status: 'Stopped' },
    { id: id(3), status: 'Running' },
    { id: id(4), status: 'Running' },
    { id: id(5), status: 'Running' },
  ]);
  const client = aliyunClient(endpoint, TEST_CREDENTIALS);
  const stop = (ids: string[], extra: Record<string, unknown> = {}): Promise<string> =>
    rejectionCode(client.stopInstances(new EcsModels.StopInstancesRequest({ regionId: 'cn-hangzhou', instanceId: ids, ...extra })));
  const status = async (ids: string[]): Promise<string> =>
    (await client.describeInstanceStatus(new EcsModels.DescribeInstanceStatusRequest({ regionId: 'cn-hangzhou', instanceId: ids }))).body?.instanceStatuses?.instanceStatus
      ?.map((s: { status?: string }) => s.status)
      .join(',') ?? '';
  const seen: Seen = {};
  seen['stop'] = await stop([id(1)]);
  seen['status'] = await status([id(1)]);
  seen['stop again'] = await stop([id(1)]);
  seen['stop stopped'] = await stop([id(2)]);
  seen['101 ids'] = await stop(Array.from({ length: 101 }, (_, i) => id(100 + i)));
  seen['dry run'] = await stop([id(3)], { dryRun: true });
  seen['dry run of a stopped one'] = await stop([id(2)], { dryRun: true });
  seen['batch with a stopped one'] = await stop([id(5), id(2)]);
  seen['after dry run'] = await status([id(3)]);
  seen['success first'] = await stop([id(4), id(2)], { batchOptimization: 'SuccessFirst' });
  await new Promise((r) => setTimeout(r, transitionMs * 3));
  seen['status later'] = await status([id(1), id(2), id(3), id(4), id(5)]);
  return seen;
}

/** The AWS SDK v3 (SigV4) against the proxy: seeds through `base` (the proxy), then the scenarios. */
async function ec2Scenarios(base: string): Promise<Seen> {
  const tag = (++serial).toString(16).padStart(2, '0');
  const id = (n: number): string => `i-0e${tag}${String(n).padStart(13, '0')}`;
  await seed(base, [
    { id: id(1), status: 'running' },
    { id: id(2), status: 'stopped' },
    { id: id(3), status: 'running' },
    { id: id(4), status: 'pending' },
    { id: id(5), status: 'running' },
  ]);
  const sdk = new EC2Client({ endpoint: base, region: 'eu-west-1', credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: TEST_CREDENTIALS.accessKeySecret }, maxAttempts: 1 });
  // The EC2 code is the SDK error's name.
  const code = async (pending: Promise<unknown>): Promise<string> => {
    try {
      await pending;
      return '<resolved>';
    } catch (err: unknown) {
      return err instanceof Error ? err.name : String(err);
    }
  };
  const stop = (ids: string[], dryRun = false): Promise<string> => code(sdk.send(new StopInstancesCommand({ InstanceIds: ids, ...(dryRun ? { DryRun: true } : {}) })));
  const status = async (ids: string[]): Promise<string> =>
    ((await sdk.send(new DescribeInstanceStatusCommand({ InstanceIds: ids, IncludeAllInstances: true }))).InstanceStatuses ?? []).map((s) => s.InstanceState?.Name ?? '').join(',');
  const seen: Seen = {};
  seen['stop'] = await stop([id(1)]);
  seen['status'] = await status([id(1)]);
  seen['stop again'] = await stop([id(1)]);
  seen['stop stopped'] = await stop([id(2)]);
  seen['stop pending'] = await stop([id(4)]);
  seen['101 ids'] = await stop(Array.from({ length: 101 }, (_, i) => id(100 + i)));
  seen['dry run'] = await stop([id(3)], true);
  seen['after dry run'] = await status([id(3)]);
  seen['batch with a pending one'] = await stop([id(5), id(4)]);
  seen['after the batch'] = await status([id(5)]);
  seen['malformed'] = await stop(['i-nothex']);
  sdk.destroy();
  return seen;
}

const SCENARIOS: Readonly<Partial<Record<DialectName, (base: string, endpoint: string) => Promise<Seen>>>> = {
  'tencent-cvm-api3': tencentScenarios,
  'aliyun-ecs': aliyunScenarios,
  'aws-ec2': ec2Scenarios,
};

/** Start `provider`, put the proxy and a judge in front of it, run the dialect's SDK scenarios through the proxy. */
async function throughProxy(
  dialect: DialectName,
  start: () => Promise<RunningProvider>,
): Promise<{ results: readonly CaseResult[]; seen: Seen; stops: number; exchanges: readonly ObservedExchange[] }> {
  const provider = await start();
  const judge = new ExchangeJudge({ dialect, pollTimeoutMs: 5_000 });
  const exchanges: ObservedExchange[] = [];
  const sink = readingSink(provider.url, (ex) => (exchanges.push(ex), judge.add(ex)));
  const proxy = await startProxy({ upstream: provider.url, host: '127.0.0.1', port: 0, sink });
  try {
    const run = SCENARIOS[dialect];
    if (!run) throw new Error(`no SDK scenarios for ${dialect}`);
    const seen = await run(proxy.url, new URL(proxy.url).host);
    await proxy.close();
    sink.finish();
    const report = judge.finish();
    return { results: report.results, seen, stops: report.counts.stops, exchanges };
  } finally {
    await proxy.close();
    await provider.close();
  }
}

const failed = (results: readonly CaseResult[]): string[] => results.filter((r) => r.status === 'failed').map((r) => r.id).sort();
const passed = (results: readonly CaseResult[]): string[] => results.filter((r) => r.status === 'passed').map((r) => r.id);

describe('official SDKs through vmconform proxy', () => {
  it('tencent SDK in front of the reference provider (signatures verified through the proxy): no violation', async () => {
    const { results, seen, stops, exchanges } = await throughProxy('tencent-cvm-api3', () => startProviderServer({ dialect: 'tencent-cvm-api3', verifySignatures: TEST_CREDENTIALS, transitionMs }));
    expect(seen).toEqual({
      stop: '<resolved>',
      status: expect.stringMatching(/^STOPP(ING|ED)$/),
      'stop again': 'InvalidInstance.NotSupported',
      'stop stopped': 'InvalidInstance.NotSupported',
      '101 ids': 'InvalidParameterValue.LimitExceeded',
      'burst of 25': '<resolved>,RequestLimitExceeded',
      'status later': 'STOPPED,STOPPED',
    });
    expect(stops).toBe(29);
    expect(failed(results)).toEqual([]);
    expect(passed(results)).toEqual(
      expect.arrayContaining(['transition:RUNNING->STOPPING', 'transition:STOPPING->STOPPED', 'state:not-stoppable=STOPPED', 'error:InvalidParameterValue.LimitExceeded', 'limit:instance-ids-max', 'enum:StopType=SOFT']),
    );
    // Rules the traffic exercised are judged, never "not observed": the headers every SDK request carries, the
    // not-stoppable code, the rate limit's resolution, errors as HTTP 200.
    expect(passed(results)).toEqual(
      expect.arrayContaining(['param:X-TC-Action', 'param:X-TC-Version', 'param:X-TC-Region', 'param:X-TC-Timestamp', 'resolution:not-stoppable-code', 'resolution:api3-rate-limit', 'resolution:tencent-errors-http-200']),
    );
    // Counted per exchange: the one 101-id request judged the limit once.
    expect(results.find((r) => r.id === 'limit:instance-ids-max')?.message).toBe('judged on 1 exchange(s) of the traffic');
    // The same traffic judged as another dialect on the same path: not of that dialect, nothing judged (exit 2).
    const wrong = new ExchangeJudge({ dialect: 'aliyun-ecs', pollTimeoutMs: 5_000 });
    for (const ex of exchanges) wrong.add(ex);
    const report = wrong.finish();
    expect(report.counts).toMatchObject({ stops: 0, statusReads: 0, notOfDialect: exchanges.length - report.counts.providerStates });
    expect(report.results.filter((r) => r.status === 'failed')).toEqual([]);
  });

  it('aliyun SDK in front of the reference provider (signatures verified through the proxy): no violation', async () => {
    const { results, seen } = await throughProxy('aliyun-ecs', () => startProviderServer({ dialect: 'aliyun-ecs', verifySignatures: TEST_CREDENTIALS, transitionMs }));
    expect(seen).toMatchObject({
      stop: '<resolved>',
      'stop again': 'IncorrectInstanceStatus',
      'stop stopped': 'IncorrectInstanceStatus',
      'dry run': 'DRYRUN.SUCCESS',
      'after dry run': 'Running',
      'dry run of a stopped one': 'IncorrectInstanceStatus',
      'batch with a stopped one': 'IncorrectInstanceStatus',
      'success first': '<resolved>',
    });
    expect(failed(results)).toEqual([]);
    expect(passed(results)).toEqual(
      expect.arrayContaining(['error:DRYRUN.SUCCESS', 'resolution:batch-successfirst-per-instance', 'state:not-stoppable=Stopped', 'transition:Running->Stopping', 'resolution:failed-request-changes-nothing']),
    );
  });

  it('AWS SDK in front of the reference provider (SigV4 verified through the proxy): no violation', async () => {
    const { results, seen } = await throughProxy('aws-ec2', () => startProviderServer({ dialect: 'aws-ec2', verifySignatures: TEST_CREDENTIALS, transitionMs }));
    expect(seen).toMatchObject({
      stop: '<resolved>',
      status: expect.stringMatching(/^stopp(ing|ed)$/),
      'stop pending': 'IncorrectInstanceState',
      'dry run': 'DryRunOperation',
      'after dry run': 'running',
      'batch with a pending one': 'IncorrectInstanceState',
      'after the batch': 'running',
      malformed: expect.stringMatching(/^InvalidInstanceID\.(Malformed|NotFound)$/),
    });
    expect(failed(results)).toEqual([]);
    expect(passed(results)).toEqual(
      expect.arrayContaining(['error:DryRunOperation', 'resolution:dryrun-operation-any-4xx', 'error:IncorrectInstanceState', 'resolution:malformed-or-unknown-id', 'resolution:failed-request-changes-nothing', 'resolution:request-ids', 'transition:running->stopping']),
    );
  });

  it.for([
    // Answers errors with HTTP 400: every refusal the SDK met breaks the documented code's rule.
    { wrong: 'api3-errors-http-400', breaks: ['envelope:error', 'error:InvalidInstance.NotSupported', 'error:InvalidParameterValue.LimitExceeded', 'resolution:tencent-errors-http-200'], never: ['envelope:success'] },
    // A dry run stops the instance: the status read after it shows the change.
    { wrong: 'aliyun-dry-run-stops', breaks: ['resolution:dryrun-success-400', 'resolution:failed-request-changes-nothing'] },
    // SuccessFirst answered all or nothing: the per-instance answer is missing, the stoppable instance not stopped.
    { wrong: 'aliyun-success-first-as-all-together', breaks: ['resolution:batch-successfirst-per-instance', 'transition:Running->Stopping'] },
    // The default batch mode stops the running one of a refused batch: the status read after it shows the change.
    { wrong: 'aliyun-all-together-not-atomic', breaks: ['resolution:failed-request-changes-nothing'] },
    // A dry run of a stopped instance answers DRYRUN.SUCCESS instead of the real error.
    { wrong: 'aliyun-dry-run-skips-checks', breaks: ['error:IncorrectInstanceStatus', 'resolution:dryrun-failure-real-error'] },
    // aws-ec2: a refused batch stops its running instance anyway; a dry run answered as a success.
    { wrong: 'ec2-batch-not-atomic', breaks: ['resolution:failed-request-changes-nothing'] },
    { wrong: 'ec2-dry-run-succeeds', breaks: ['error:DryRunOperation', 'resolution:dryrun-operation-any-4xx'] },
  ] as { wrong: string; breaks: string[]; never?: string[] }[])('$wrong: the traffic shows the broken rule', async ({ wrong, breaks, never }) => {
    const w = wrongProvider(wrong);
    const { results } = await throughProxy(w.dialect, () => w.start({ transitionMs }));
    expect(failed(results)).toEqual(expect.arrayContaining(breaks));
    for (const rule of never ?? []) expect(failed(results)).not.toContain(rule);
  });

  it('vmconform proxy on the command line: first line, violations as they happen, reports, exit 1; --exit-after ends it', async () => {
    const w = wrongProvider('aliyun-dry-run-stops');
    const provider = await w.start({ transitionMs });
    let stdout = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    let stderr = '';
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
    try {
      const dir = `${process.env['TMPDIR'] ?? '/tmp'}/vmconform-proxy-cli-${process.pid}`;
      // The aliyun scenarios make 1 seed + 11 SDK calls.
      const running = main(['proxy', '--dialect', 'aliyun-ecs', '--upstream', provider.url, '--report-dir', dir, '--exit-after', '12', '--redact-signatures']);
      await vi.waitFor(() => expect(stdout).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n/), { timeout: 30_000 });
      const url = /^listening on (\S+)/.exec(stdout)?.[1] ?? '';
      await aliyunScenarios(url, new URL(url).host);
      const code = await running;
      expect(code, stdout).toBe(1);
      // Judged in the worker thread (from the sources here: behind tsx's loader), not on the proxy's own thread.
      expect(stderr).not.toContain("judging on the proxy's own thread");
      expect(stdout).toMatch(/violation: resolution:failed-request-changes-nothing, resolution:dryrun-success-400: \[state-immediate\]/);
      // One line per request blamed, whatever number of rules it breaks.
      expect(stdout.match(/^violation: /gm)?.length).toBe(1);
      expect(stdout).toMatch(/traffic: 12 exchange\(s\) seen, 8 StopInstances judged/);
      const { readFileSync } = await import('node:fs');
      const har = readFileSync(`${dir}/exchanges.har`, 'utf8');
      expect(JSON.parse(har).log.entries).toHaveLength(12);
      expect(har).not.toMatch(/Signature=[0-9a-f]{20}/);
    } finally {
      out.mockRestore();
      err.mockRestore();
      await provider.close();
    }
  });
});
