/**
 * The reference provider as msw 2 request handlers: one `providerHandlers` call is one provider with its own
 * store. The HTTP server (`server.ts`) runs these same handlers, so in-process tests and real HTTP agree.
 *
 * Dependency rule (DESIGN.md §1): nothing here imports cases, engine, suites or the client dialect modules.
 */
import { http, type RequestHandler } from 'msw';
import type { Credentials, DialectName } from '../dialects/types.ts';
import { aliyunError, handleAliyun, ALIYUN_PATH } from './aliyun.ts';
import { jsonResponse, type Incoming } from './common.ts';
import { SlidingWindowLimiter, type ProviderContext } from './context.ts';
import { resolveRules, type DialectRules, type ErrorKey, type RulesOverride } from './rules.ts';
import { handleProviderState, PROVIDER_STATES_PATH } from './states.ts';
import { InstanceStore } from './store.ts';
import { handleTencent, tencentError, TENCENT_API2_PATH, TENCENT_API3_PATH } from './tencent.ts';
import { handleZenlayer, zenlayerError, ZENLAYER_BMC_PATH, ZENLAYER_VM_PATH } from './zenlayer.ts';

/** Default body cap: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Default STOPPING -> STOPPED time. */
export const DEFAULT_TRANSITION_MS = 1000;
/** tencent-cvm-api3's documented limit (seeds/002:14). */
export const DEFAULT_API3_RATE_LIMIT = 10;

/** Options of one provider. */
export interface ProviderOptions {
  /** How long an instance stopped by the API reads STOPPING before STOPPED (default 1000). */
  transitionMs?: number;
  /** Verify signatures with these credentials; `false`/absent = accept any signature (and ignore its parameters). */
  verifySignatures?: Credentials | false;
  /**
   * StopInstances requests allowed per second; default 10 for tencent-cvm-api3 (seeds/002:14), none for the others;
   * `false` = off. Only the tencent dialects enforce it: no zenlayer or aliyun document states a limit, so their
   * specs declare no rate-limit answer and those providers ignore this option.
   */
  rateLimitPerSecond?: number | false;
  /** Largest request body in bytes (default 1 MiB); larger -> the dialect's error (HTTP 413 for zenlayer/aliyun). */
  maxBodyBytes?: number;
  /** Clock (ms); default `Date.now`. */
  now?: () => number;
  /** Override some rules (codes, stoppable words, max ids...) to build a deliberately different provider. */
  rules?: RulesOverride;
  /** Path prefix the provider lives under, e.g. `/aliyun` (default ''). */
  basePath?: string;
  /** Only answer requests to this origin, e.g. `http://ecs.test` (default: any origin). */
  origin?: string;
}

/** One provider: its handlers plus the parts tests and wrong-provider builders may want to reach. */
export interface Provider {
  readonly dialect: DialectName;
  readonly rules: DialectRules;
  readonly store: InstanceStore;
  readonly context: ProviderContext;
  /** `[API handler, provider-state handler]`; prepend your own to change one behaviour. */
  readonly handlers: RequestHandler[];
}

/** The API paths each dialect serves, relative to the base (DESIGN.md §2). */
export const DIALECT_PATHS: Readonly<Record<DialectName, readonly string[]>> = {
  'tencent-cvm-api2': [TENCENT_API2_PATH],
  'tencent-cvm-api3': [TENCENT_API3_PATH],
  'zenlayer-vm': [ZENLAYER_VM_PATH],
  'zenlayer-bmc': [ZENLAYER_BMC_PATH],
  'aliyun-ecs': [ALIYUN_PATH],
};

function normalizeBasePath(basePath: string | undefined): string {
  if (!basePath || basePath === '/') return '';
  const withSlash = basePath.startsWith('/') ? basePath : `/${basePath}`;
  return withSlash.replace(/\/+$/, '');
}

/**
 * Create one provider (own store, own rate limiter).
 *
 * @example
 * const provider = createProvider('zenlayer-vm', { rules: { stoppableWords: ['STOPPED'] } });
 * server.use(...provider.handlers);
 */
export function createProvider(dialect: DialectName, options: ProviderOptions = {}): Provider {
  const rules = resolveRules(dialect, options.rules);
  const now = options.now ?? Date.now;
  const store = new InstanceStore({
    stopping: rules.lifecycle.stopping,
    stopped: rules.lifecycle.stopped,
    transitionMs: options.transitionMs ?? DEFAULT_TRANSITION_MS,
    now,
  });
  const limit =
    options.rateLimitPerSecond === false
      ? undefined
      : (options.rateLimitPerSecond ?? (dialect === 'tencent-cvm-api3' ? DEFAULT_API3_RATE_LIMIT : undefined));
  const context: ProviderContext = {
    dialect,
    rules,
    store,
    now,
    credentials: options.verifySignatures || undefined,
    stopLimiter: limit === undefined ? undefined : new SlidingWindowLimiter(limit, 1000, now),
  };
  const basePath = normalizeBasePath(options.basePath);
  const origin = options.origin ? new URL(options.origin).origin : undefined;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const apiPaths = DIALECT_PATHS[dialect];

  const relative = (request: Request): string | undefined => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return undefined;
    }
    if (origin !== undefined && url.origin !== origin) return undefined;
    if (basePath !== '' && url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) return undefined;
    const rest = url.pathname.slice(basePath.length);
    return rest === '' ? '/' : rest;
  };

  const stateHandler = http.all(
    ({ request }) => relative(request) === PROVIDER_STATES_PATH,
    async ({ request }) => {
      const incoming = await readIncoming(request, relative(request) ?? '/', maxBodyBytes);
      if (incoming === 'too-large') {
        return jsonResponse(413, { error: `the body exceeds ${maxBodyBytes} bytes` });
      }
      return guard(context, incoming, () => handleProviderState(context, incoming));
    },
  );
  const apiHandler = http.all(
    ({ request }) => {
      const path = relative(request);
      return path !== undefined && apiPaths.includes(path);
    },
    async ({ request }) => {
      const incoming = await readIncoming(request, relative(request) ?? '/', maxBodyBytes);
      if (incoming === 'too-large') {
        return dialectError(context, undefined, 'bodyTooLarge', `the request body exceeds ${maxBodyBytes} bytes`);
      }
      return guard(context, incoming, () => dispatch(context, incoming));
    },
  );
  return { dialect, rules, store, context, handlers: [apiHandler, stateHandler] };
}

/**
 * The msw 2 handlers of one provider (own store): the dialect's API paths and the provider-state endpoint.
 *
 * @example
 * const server = setupServer(...providerHandlers('aliyun-ecs', { origin: 'http://ecs.test' }));
 * server.listen({ onUnhandledRequest: 'error' });
 * await fetch('http://ecs.test/_vmconform/provider-states', { method: 'POST', body: JSON.stringify(setup) });
 */
export function providerHandlers(dialect: DialectName, options?: ProviderOptions): RequestHandler[] {
  return createProvider(dialect, options).handlers;
}

function dispatch(ctx: ProviderContext, incoming: Incoming): Response {
  switch (ctx.dialect) {
    case 'tencent-cvm-api2':
    case 'tencent-cvm-api3':
      return handleTencent(ctx, incoming);
    case 'zenlayer-vm':
    case 'zenlayer-bmc':
      return handleZenlayer(ctx, incoming);
    case 'aliyun-ecs':
      return handleAliyun(ctx, incoming);
  }
}

/** An error in the dialect's envelope (aliyun: in `format`, JSON unless said). */
export function dialectError(
  ctx: ProviderContext,
  incoming: Incoming | undefined,
  key: ErrorKey,
  message: string,
  /** aliyun only: the body format (default JSON). */
  format: 'JSON' | 'XML' = 'JSON',
): Response {
  switch (ctx.dialect) {
    case 'tencent-cvm-api2':
    case 'tencent-cvm-api3':
      return tencentError(ctx, key, message);
    case 'zenlayer-vm':
    case 'zenlayer-bmc':
      return zenlayerError(ctx, key, message);
    case 'aliyun-ecs':
      return aliyunError(ctx, key, message, format, incoming);
  }
}

/** Last line of defence: a bug answers the dialect's documented internal error instead of crashing. */
function guard(ctx: ProviderContext, incoming: Incoming, run: () => Response): Response {
  try {
    return run();
  } catch (err: unknown) {
    const detail = err instanceof Error ? err.message : String(err);
    return jsonResponse(500, { error: `reference provider bug (${ctx.dialect}): ${detail}`, path: incoming.path });
  }
}

async function readIncoming(request: Request, path: string, maxBodyBytes: number): Promise<Incoming | 'too-large'> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > maxBodyBytes) return 'too-large';
  const bytes = request.body ? new Uint8Array(await request.arrayBuffer()) : new Uint8Array(0);
  if (bytes.byteLength > maxBodyBytes) return 'too-large';
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  const contentType = headers['content-type'] ?? '';
  return {
    method: request.method,
    url: new URL(request.url),
    path,
    headers,
    bodyText: new TextDecoder('utf-8').decode(bytes),
    mediaType: (contentType.split(';')[0] ?? '').trim().toLowerCase(),
  };
}
