/**
 * Deliberately wrong providers: each is the reference provider with ONE documented rule broken, by a rule override
 * (`ProviderOptions.rules`) or by one msw handler prepended to the reference handlers (first match wins; the
 * building blocks are in `src/provider-variants/build.ts`). They
 * prove the catalog and the engine catch what they claim to: each names the rule it breaks and EXACTLY the case ids
 * that fail against it: the ones that name the broken rule ({@link WrongProvider.expectFailing}) and the others the
 * same fault legitimately breaks, each with its reason ({@link WrongProvider.alsoFails}). Every other case passes.
 */
import { http } from 'msw';
import type { DialectName } from '../dialects/types.ts';
import { defaultRules, RECYCLED_LAST_PRECEDENCE, type CodeTable, type ErrorKey } from '../provider/rules.ts';
import type { RunningProvider } from '../provider/server.ts';
import type { Provider } from '../provider/handlers.ts';
import { serveOnlyStringIds } from '../rule-flips/index.ts';
import {
  queryParams,
  refuse,
  rewriteQueryParam,
  startWithHandler,
  startWithOptions,
  type Forward,
  type VariantStartOptions,
} from '../provider-variants/build.ts';

/** Options every wrong provider passes through to the reference provider (e.g. a short `transitionMs` in tests). */
export type WrongProviderStartOptions = VariantStartOptions;

/** One deliberately wrong provider. */
export interface WrongProvider {
  /** Stable slug, e.g. `aliyun-dry-run-stops`. */
  readonly name: string;
  readonly dialect: DialectName;
  /** The one inventory rule id it breaks. */
  readonly breaks: string;
  /** What it does wrong, in one line. */
  readonly description: string;
  /** Case ids of the dialect that name {@link WrongProvider.breaks} and must fail against it. */
  readonly expectFailing: readonly string[];
  /**
   * Case ids that do not name the broken rule but fail because of the same fault, each with why (e.g. a provider that
   * refuses RUNNING instances also fails every other row that stops one). Every case in neither list must pass.
   */
  readonly alsoFails: Readonly<Record<string, string>>;
  /** Start it on an ephemeral loopback port. */
  start(options?: WrongProviderStartOptions): Promise<RunningProvider>;
}

type Spec = Omit<WrongProvider, 'start'>;

/** A wrong provider made by overriding the reference provider's options (rules, rate limit, transition time). */
function byOptions(spec: Spec, extra: Parameters<typeof startWithOptions>[1]): WrongProvider {
  return { ...spec, start: startWithOptions(spec.dialect, extra) };
}

/** A wrong provider made by prepending one msw handler to a fresh reference provider's handlers. */
function byHandler(spec: Spec, make: (forward: Forward) => ReturnType<typeof http.all>): WrongProvider {
  return { ...spec, start: startWithHandler(spec.dialect, (forward) => make(forward)) };
}

/** A wrong provider made by one msw handler that also uses the provider itself (its store, its error answers). */
function byProviderHandler(spec: Spec, make: (forward: Forward, provider: Provider) => ReturnType<typeof http.all>): WrongProvider {
  return { ...spec, start: startWithHandler(spec.dialect, make) };
}

/** Every code of the dialect's table answered with another HTTP status. */
function codesWithStatus(dialect: DialectName, httpStatus: number): Partial<CodeTable> {
  const out: Partial<Record<ErrorKey, { code: string; httpStatus: number }>> = {};
  for (const [key, spec] of Object.entries(defaultRules(dialect).codes) as [ErrorKey, { code: string }][]) {
    out[key] = { code: spec.code, httpStatus };
  }
  return out;
}

const isAliyunStop = async (request: Request): Promise<URLSearchParams | undefined> => {
  const params = await queryParams(request);
  const action = request.headers.get('x-acs-action') ?? params.get('Action');
  return action === 'StopInstances' ? params : undefined;
};

/**
 * The catalog of wrong providers.
 *
 * @example
 * const wp = WRONG_PROVIDERS.find((w) => w.name === 'aliyun-dry-run-stops')!;
 * const running = await wp.start(); // ... run its dialect's cases against running.url ...; await running.close();
 */
export const WRONG_PROVIDERS: readonly WrongProvider[] = Object.freeze([
  byOptions(
    {
      name: 'api2-accepts-101-ids',
      dialect: 'tencent-cvm-api2',
      breaks: 'limit:instance-ids-max',
      description: 'accepts (and stops) 101 instance ids in one request',
      expectFailing: ['ids.limit.101-rejected'],
      alsoFails: {},
    },
    { rules: { maxIds: 101 } },
  ),
  byOptions(
    {
      name: 'api3-ignores-rate-limit',
      dialect: 'tencent-cvm-api3',
      breaks: 'limit:rate-per-second',
      description: 'serves any number of StopInstances requests per second',
      expectFailing: ['rate.burst-25.refused'],
      alsoFails: {},
    },
    { rateLimitPerSecond: false },
  ),
  byOptions(
    {
      name: 'api3-errors-http-400',
      dialect: 'tencent-cvm-api3',
      breaks: 'resolution:tencent-errors-http-200',
      description: 'answers errors with HTTP 400 instead of HTTP 200 with Response.Error',
      // Every row that expects an error names the rule: all of them fail, nothing else does.
      expectFailing: [
        'ids.limit.101-rejected',
        'ids.missing.rejected',
        'ids.empty.rejected',
        'ids.unknown.rejected',
        'ids.unknown.mixed-batch-rejected',
        'ids.malformed.rejected',
        'ids.malformed.mixed-batch-rejected',
        'state.PENDING.rejected',
        'state.LAUNCH_FAILED.rejected',
        'state.STOPPED.rejected',
        'state.STARTING.rejected',
        'state.STOPPING.rejected',
        'state.REBOOTING.rejected',
        'state.SHUTDOWN.rejected',
        'state.TERMINATING.rejected',
        'state.mixed-batch.rejected',
        'ids.several-problems.rejected',
        'action.unknown.rejected',
        'action.empty.rejected',
        'version.missing.rejected',
        'version.wrong.rejected',
        'envelope.error.http-200',
        'param.ForceStop.invalid-rejected',
        'param.StopType.invalid-rejected',
        'param.StoppedMode.invalid-rejected',
        'region.missing.rejected',
        'body.bad-json.rejected',
      ],
      alsoFails: {},
    },
    { rules: { codes: codesWithStatus('tencent-cvm-api3', 400) } },
  ),
  byOptions(
    {
      name: 'api2-malformed-as-not-found',
      dialect: 'tencent-cvm-api2',
      breaks: 'error:InvalidInstanceId.Malformed',
      description: 'takes a malformed id (ins-1122) for a well-formed unknown one: InvalidInstanceId.NotFound',
      expectFailing: ['ids.malformed.rejected', 'ids.malformed.mixed-batch-rejected'],
      alsoFails: {},
    },
    { rules: { idPattern: null } },
  ),
  byOptions(
    {
      name: 'api2-wrong-not-stoppable-code',
      dialect: 'tencent-cvm-api2',
      breaks: 'error:InvalidInstance.NotSupported',
      description: 'rejects a STOPPED (or any non-RUNNING) instance with InvalidParameterValue instead of InvalidInstance.NotSupported',
      expectFailing: [
        'state.PENDING.rejected',
        'state.LAUNCH_FAILED.rejected',
        'state.STOPPED.rejected',
        'state.STARTING.rejected',
        'state.STOPPING.rejected',
        'state.REBOOTING.rejected',
        'state.SHUTDOWN.rejected',
        'state.TERMINATING.rejected',
        'state.mixed-batch.rejected',
      ],
      alsoFails: {},
    },
    { rules: { codes: { wrongState: { code: 'InvalidParameterValue', httpStatus: 200 } } } },
  ),
  byOptions(
    {
      name: 'zenlayer-vm-stops-recycled',
      dialect: 'zenlayer-vm',
      breaks: 'state:not-stoppable=RECYCLE',
      description: 'lets an instance in the recycle bin (RECYCLE) be stopped',
      expectFailing: ['state.RECYCLE.rejected', 'state.mixed-recycled.rejected'],
      alsoFails: {},
    },
    { rules: { stoppableWords: ['RUNNING', 'RECYCLE'], recycledWords: ['RECYCLING'] } },
  ),
  byOptions(
    {
      name: 'zenlayer-vm-recycled-as-not-running',
      dialect: 'zenlayer-vm',
      breaks: 'error:OPERATION_DENIED_INSTANCE_RECYCLED',
      description: 'answers 403 OPERATION_DENIED_INSTANCE_NOT_RUNNING for RECYCLE/RECYCLING instead of ..._RECYCLED',
      expectFailing: ['state.RECYCLE.rejected', 'state.RECYCLING.rejected', 'state.mixed-recycled.rejected', 'state.mixed-recycled-stopped.rejected'],
      alsoFails: {},
    },
    { rules: { recycledWords: [] } },
  ),
  byOptions(
    {
      name: 'zenlayer-vm-not-running-wins',
      dialect: 'zenlayer-vm',
      breaks: 'resolution:recycle-bin-precedence',
      description: 'in a batch of a STOPPED and a RECYCLING instance, answers NOT_RUNNING: the recycle bin does not take precedence',
      expectFailing: ['state.mixed-recycled-stopped.rejected'],
      alsoFails: {},
    },
    { rules: { problemPrecedence: RECYCLED_LAST_PRECEDENCE } },
  ),
  byOptions(
    {
      name: 'zenlayer-vm-follows-stopped-note',
      dialect: 'zenlayer-vm',
      breaks: 'resolution:vm-stoppable-running-wins',
      description: "follows 001's contradicting note: only STOPPED instances may be stopped, RUNNING ones are refused",
      expectFailing: ['stop.single', 'state.STOPPED.rejected'],
      alsoFails: {
        'stop.batch.2': 'stops two RUNNING instances, which this provider refuses (403 NOT_RUNNING)',
        'ids.limit.100-accepted': 'stops 100 RUNNING instances, which this provider refuses',
        'body.content-type.charset': 'stops a RUNNING instance (charset variant), which this provider refuses',
        'param.forceShutdown.true': 'stops a RUNNING instance (forceShutdown=true), which this provider refuses',
        'param.forceShutdown.false': 'stops a RUNNING instance (forceShutdown=false), which this provider refuses',
      },
    },
    { rules: { stoppableWords: ['STOPPED'] } },
  ),
  byOptions(
    {
      name: 'zenlayer-bmc-stops-stopped',
      dialect: 'zenlayer-bmc',
      breaks: 'state:not-stoppable=STOPPED',
      description: 'accepts a stop of a STOPPED instance (it goes STOPPING again)',
      expectFailing: ['state.STOPPED.rejected', 'state.mixed-batch.rejected'],
      alsoFails: {},
    },
    { rules: { stoppableWords: ['RUNNING', 'STOPPED'] } },
  ),
  byOptions(
    {
      name: 'zenlayer-bmc-never-stopped',
      dialect: 'zenlayer-bmc',
      breaks: 'transition:STOPPING->STOPPED',
      description: 'an accepted stop stays STOPPING for ten minutes (never reaches STOPPED within the poll bound)',
      expectFailing: ['stop.single'],
      alsoFails: {
        'stop.batch.2': 'accepted stop: the engine waits for STOPPED, which never comes',
        'ids.limit.100-accepted': 'accepted stop of 100: the engine waits for STOPPED, which never comes',
        'ids.duplicate.handled': 'the duplicated id is stopped once and never reads STOPPED',
        'body.content-type.charset': 'accepted stop (charset variant): never reads STOPPED',
      },
    },
    () => ({ transitionMs: 600_000 }),
  ),
  byHandler(
    {
      name: 'zenlayer-vm-no-request-id',
      dialect: 'zenlayer-vm',
      breaks: 'envelope:success',
      description: 'answers a successful StopInstances without requestId (bad success envelope)',
      expectFailing: ['stop.single'],
      alsoFails: {
        'stop.batch.2': 'its success answer lacks requestId (schema and request-id checks)',
        'ids.limit.100-accepted': 'its success answer lacks requestId',
        'ids.duplicate.handled': 'the duplicated-id stop succeeds, and its answer lacks requestId',
        'body.content-type.charset': 'its success answer lacks requestId',
        'param.forceShutdown.true': 'its success answer lacks requestId',
        'param.forceShutdown.false': 'its success answer lacks requestId',
      },
    },
    (forward) =>
      http.post(
        ({ request }) => new URL(request.url).pathname === '/api/v2/vm' && request.headers.get('x-zc-action') === 'StopInstances',
        async ({ request }) => {
          const answer = await forward(request);
          if (answer.status !== 200) return answer;
          const body = (await answer.json()) as Record<string, unknown>;
          const { requestId: _dropped, ...rest } = body;
          const inner = typeof rest['response'] === 'object' && rest['response'] !== null ? { ...(rest['response'] as Record<string, unknown>) } : {};
          delete inner['requestId'];
          return Response.json({ ...rest, response: inner }, { status: 200 });
        },
      ),
  ),
  byHandler(
    {
      name: 'tencent-api3-5xx-on-duplicates',
      dialect: 'tencent-cvm-api3',
      breaks: 'param:InstanceIds',
      description: 'answers HTTP 500 when the same instance id appears twice in InstanceIds',
      expectFailing: ['ids.duplicate.handled'],
      alsoFails: {},
    },
    (forward) =>
      http.post('*', async ({ request }) => {
        if (request.headers.get('x-tc-action') !== 'StopInstances') return forward(request);
        let ids: unknown;
        try {
          ids = ((await request.clone().json()) as { InstanceIds?: unknown }).InstanceIds;
        } catch {
          return forward(request);
        }
        if (Array.isArray(ids) && new Set(ids).size < ids.length) {
          return Response.json({ Response: { Error: { Code: 'InternalServerError', Message: 'boom' }, RequestId: 'x' } }, { status: 500 });
        }
        return forward(request);
      }),
  ),
  byHandler(
    {
      name: 'aliyun-dry-run-stops',
      dialect: 'aliyun-ecs',
      breaks: 'resolution:dryrun-success-400',
      description: 'answers a passing dry run with DRYRUN.SUCCESS but actually stops the instances',
      expectFailing: ['aliyun.dry-run.pass'],
      alsoFails: {
        'aliyun.success-first.dry-run': 'the SuccessFirst dry run also really stops the Running instance',
      },
    },
    (forward) =>
      http.all('*', async ({ request }) => {
        const params = await isAliyunStop(request);
        if (!params || params.get('DryRun') !== 'true') return forward(request);
        const dryAnswer = await forward(request.clone());
        await forward(await rewriteQueryParam(request, 'DryRun', null));
        return dryAnswer;
      }),
  ),
  byOptions(
    {
      name: 'aliyun-all-together-not-atomic',
      dialect: 'aliyun-ecs',
      breaks: 'resolution:batch-alltogether-atomic',
      description: 'AllTogether: stops the good instances of a mixed batch before failing the request',
      expectFailing: ['state.mixed-batch.rejected', 'aliyun.all-together.mixed-rejected', 'aliyun.security-locked.mixed-batch-rejected'],
      alsoFails: {
        'ids.unknown.mixed-batch-rejected': 'a failed batch (default AllTogether) with an unknown id still stops the Running instance',
        'ids.malformed.mixed-batch-rejected': 'a failed batch (default AllTogether) with a malformed id still stops the Running instance',
        'ids.several-problems.rejected': 'a failed batch (default AllTogether) with several problems still stops the Running instance',
      },
    },
    { rules: { atomicBatch: false } },
  ),
  byHandler(
    {
      name: 'aliyun-ignores-format-xml',
      dialect: 'aliyun-ecs',
      breaks: 'enum:Format=XML',
      description: 'answers JSON when asked for Format=XML',
      expectFailing: ['aliyun.format.xml-success', 'aliyun.format.xml-error', 'aliyun.success-first.xml'],
      alsoFails: {},
    },
    (forward) =>
      http.all('*', async ({ request }) => {
        const params = await queryParams(request);
        if (params.get('Format') !== 'XML') return forward(request);
        return forward(await rewriteQueryParam(request, 'Format', 'JSON'));
      }),
  ),
  byHandler(
    {
      name: 'aliyun-success-first-as-all-together',
      dialect: 'aliyun-ecs',
      breaks: 'resolution:batch-successfirst-per-instance',
      description: 'treats BatchOptimization=SuccessFirst like AllTogether (a mixed batch fails as a whole)',
      expectFailing: [
        'aliyun.success-first.mixed',
        'aliyun.success-first.malformed',
        'aliyun.success-first.not-ready',
        'aliyun.success-first.security-locked',
        'aliyun.success-first.xml',
      ],
      alsoFails: {
        'aliyun.success-first.dry-run': 'a SuccessFirst dry run taken as AllTogether answers the failing check, not DRYRUN.SUCCESS',
      },
    },
    (forward) =>
      http.all('*', async ({ request }) => {
        const params = await isAliyunStop(request);
        if (!params || params.get('BatchOptimization') !== 'SuccessFirst') return forward(request);
        return forward(await rewriteQueryParam(request, 'BatchOptimization', 'AllTogether'));
      }),
  ),
  byHandler(
    {
      name: 'zenlayer-bmc-5xx-on-bad-json',
      dialect: 'zenlayer-bmc',
      breaks: 'resolution:undocumented-error-client-error',
      description: 'answers HTTP 500 to a StopInstances body that is not JSON',
      expectFailing: ['body.bad-json.rejected'],
      alsoFails: {},
    },
    (forward) =>
      http.post('*', async ({ request }) => {
        if (request.headers.get('x-zc-action') !== 'StopInstances') return forward(request);
        try {
          JSON.parse(await request.clone().text());
        } catch {
          return Response.json({ requestId: 'r-1', code: 'INTERNAL_ERROR', message: 'unexpected token' }, { status: 500 });
        }
        return forward(request);
      }),
  ),
  byHandler(
    {
      name: 'api3-no-get-variant',
      dialect: 'tencent-cvm-api3',
      breaks: 'resolution:api3-get-variant',
      description: 'serves only the JSON POST style; GET requests get 405',
      expectFailing: ['style.query-get'],
      alsoFails: {},
    },
    () => http.get('*', ({ request }) => (new URL(request.url).pathname === '/' ? new Response('method not allowed', { status: 405 }) : undefined)),
  ),
  byOptions(
    {
      name: 'aliyun-ignores-security-lock',
      dialect: 'aliyun-ecs',
      breaks: 'resolution:security-locked-never-stopped',
      description: 'stops an instance locked for security reasons',
      expectFailing: [
        'aliyun.security-locked.rejected',
        'aliyun.security-locked.mixed-batch-rejected',
        'aliyun.dry-run.fail-security-locked',
        'aliyun.success-first.security-locked',
      ],
      alsoFails: {},
    },
    { rules: { honourSecurityLock: false } },
  ),
  byProviderHandler(
    {
      name: 'aliyun-dry-run-skips-checks',
      dialect: 'aliyun-ecs',
      breaks: 'resolution:dryrun-failure-real-error',
      description: 'answers every StopInstances dry run with DRYRUN.SUCCESS, also one the real call would refuse',
      // A missing RegionId or 101 ids: the real error is any client error, and DRYRUN.SUCCESS (HTTP 400) is one, so
      // those two rows cannot tell (the checks cannot exclude one code).
      // fail-region and fail-too-many expect any client error but DRYRUN.SUCCESS (004:24), which this provider answers.
      expectFailing: ['aliyun.dry-run.fail-state', 'aliyun.dry-run.fail-unknown', 'aliyun.dry-run.fail-malformed', 'aliyun.dry-run.fail-security-locked', 'aliyun.dry-run.fail-region', 'aliyun.dry-run.fail-too-many'],
      alsoFails: {},
    },
    (forward, provider) =>
      http.all('*', async ({ request }) => {
        const params = await isAliyunStop(request);
        if (!params || params.get('DryRun') !== 'true') return forward(request);
        return refuse(provider, request, 'dryRunSuccess', 'Request validation has been passed with DryRun flag set.');
      }),
  ),
  byHandler(
    {
      name: 'zenlayer-vm-drops-bad-ids',
      dialect: 'zenlayer-vm',
      breaks: 'resolution:instance-id-any-string',
      description: 'drops ids that are not non-empty strings and serves the rest (a list of only such ids is a success that stops nothing)',
      expectFailing: ['ids.empty-string.rejected', 'ids.non-string.rejected'],
      alsoFails: {},
    },
    (forward) =>
      http.post('*', async ({ request }) =>
        request.headers.get('x-zc-action') === 'StopInstances' ? serveOnlyStringIds(request, forward) : forward(request),
      ),
  ),
  byHandler(
    {
      name: 'api2-empty-action-stops',
      dialect: 'tencent-cvm-api2',
      breaks: 'param:Action',
      description: 'takes a request whose Action is empty for StopInstances',
      expectFailing: ['action.empty.rejected'],
      alsoFails: {},
    },
    (forward) =>
      http.get('*', async ({ request }) => {
        const params = await queryParams(request);
        return forward(params.get('Action') === '' ? await rewriteQueryParam(request, 'Action', 'StopInstances') : request);
      }),
  ),
  byOptions(
    {
      name: 'ec2-batch-not-atomic',
      dialect: 'aws-ec2',
      breaks: 'resolution:failed-request-changes-nothing',
      description: 'stops the good instances of a batch before refusing it for a bad one (aws-ec2.md:192: one bad id fails the whole request)',
      expectFailing: ['ids.unknown.mixed-batch-rejected', 'ids.malformed.mixed-batch-rejected', 'state.mixed-batch.rejected', 'ids.several-problems.rejected'],
      alsoFails: {},
    },
    { rules: { atomicBatch: false } },
  ),
  byOptions(
    {
      name: 'ec2-dry-run-succeeds',
      dialect: 'aws-ec2',
      breaks: 'resolution:dryrun-operation-any-4xx',
      description: 'answers a passing dry run DryRunOperation with HTTP 200, a success (aws-ec2.md:193: a 4xx)',
      expectFailing: ['ec2.dry-run.pass'],
      alsoFails: {},
    },
    { rules: { codes: { dryRunSuccess: { code: 'DryRunOperation', httpStatus: 200 } } } },
  ),
]);

/**
 * The wrong provider with this name.
 *
 * @example
 * await wrongProvider('api3-ignores-rate-limit').start()
 */
export function wrongProvider(name: string): WrongProvider {
  const found = WRONG_PROVIDERS.find((w) => w.name === name);
  if (!found) throw new Error(`no wrong provider named ${name}; known: ${WRONG_PROVIDERS.map((w) => w.name).join(', ')}`);
  return found;
}
