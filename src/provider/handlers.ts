/**
 * The reference provider as msw 2 request handlers: one `providerHandlers` call is one provider with its own
 * store. The handlers wrap the provider's plain logic (`core.ts`), which the HTTP server (`server.ts`) calls
 * directly, so in-process tests and real HTTP agree.
 *
 * Dependency rule (DESIGN.md §1): nothing here imports cases, engine, suites or the client dialect modules.
 */
import { http, type RequestHandler } from 'msw';
import { describeDialect } from '../dialects/descriptions/index.ts';
import { API3_RATE_LIMIT } from '../dialects/descriptions/tencent-cvm-api3.ts';
import type { Credentials, DialectName } from '../dialects/types.ts';
import type { Incoming } from './common.ts';
import { SlidingWindowLimiter, type ProviderContext } from './context.ts';
import { createCore, DIALECT_PATHS, errorAnswer, type Route } from './core.ts';
import { headersFromFetch, toResponse, type ProviderAnswer, type ProviderRequest } from './exchange.ts';
import { resolveRules, type DialectRules, type ErrorKey, type RulesOverride } from './rules.ts';
import { InstanceStore } from './store.ts';

export { DIALECT_PATHS };

/** The window of `rateLimitPerSecond` where the description documents none. */
const ONE_SECOND_MS = 1000;

/** Default body cap: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Default STOPPING -> STOPPED time. */
export const DEFAULT_TRANSITION_MS = 1000;
/** tencent-cvm-api3's documented limit (seeds/002:14), from its description. */
export const DEFAULT_API3_RATE_LIMIT = API3_RATE_LIMIT.perSecond;

/** Options of one provider. */
export interface ProviderOptions {
  /** How long an instance stopped by the API reads STOPPING before STOPPED (default 1000). */
  transitionMs?: number;
  /** Verify signatures with these credentials; `false`/absent = accept any signature (and ignore its parameters). */
  verifySignatures?: Credentials | false;
  /**
   * StopInstances requests allowed per second; default the description's documented limit (10 for tencent-cvm-api3,
   * seeds/002:14), none for the others; `false` = off. Only the tencent dialects enforce it: no zenlayer or aliyun document states a limit, so their
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
  /**
   * Called with every request the provider answers and its answer, on both ways in (HTTP server and msw handlers):
   * for logging or recording. What it throws is ignored; it must not keep `request.body` beyond the call unless it
   * copies it.
   */
  onExchange?: (request: ProviderRequest, answer: ProviderAnswer) => void;
}

/** One provider: its handlers plus the parts tests and wrong-provider builders may want to reach. */
export interface Provider {
  readonly dialect: DialectName;
  readonly rules: DialectRules;
  readonly store: InstanceStore;
  readonly context: ProviderContext;
  /** `[API handler, provider-state handler]`; prepend your own to change one behaviour. */
  readonly handlers: RequestHandler[];
  /**
   * Answer one request with the provider's logic directly (no msw, no Fetch objects): what the HTTP server does.
   * `undefined` when the request is not this provider's (another origin, outside `basePath`, a path it does not serve).
   *
   * @example
   * provider.handle({ method: 'POST', url: 'http://x.test/api/v2/vm', headers: { 'x-zc-action': 'StopInstances',
   *   'content-type': 'application/json' }, body: Buffer.from('{"instanceIds":["vm-1"]}') })
   */
  handle(request: ProviderRequest): ProviderAnswer | undefined;
}

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
  // The documented limit of the description (tencent-cvm-api3, seeds/002:14), counted in its window.
  const documented = describeDialect(dialect).rateLimit;
  const limit = options.rateLimitPerSecond === false ? undefined : (options.rateLimitPerSecond ?? documented?.perSecond);
  const context: ProviderContext = {
    dialect,
    rules,
    store,
    now,
    credentials: options.verifySignatures || undefined,
    stopLimiter: limit === undefined ? undefined : new SlidingWindowLimiter(limit, documented?.windowMs ?? ONE_SECOND_MS, now),
  };
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const core = createCore(context, {
    basePath: normalizeBasePath(options.basePath),
    origin: options.origin ? new URL(options.origin).origin : undefined,
    maxBodyBytes,
    onExchange: options.onExchange,
  });
  const routeOf = (request: Request): Route | undefined => {
    try {
      return core.route(new URL(request.url));
    } catch {
      return undefined;
    }
  };
  const handler = (endpoint: Route['endpoint']): RequestHandler =>
    http.all(
      ({ request }) => routeOf(request)?.endpoint === endpoint,
      async ({ request }) => {
        const answer = core.handle(await fromFetchRequest(request, maxBodyBytes));
        // The predicate matched this very URL, so the core answers it; `undefined` would leave it unhandled.
        return answer === undefined ? undefined : toResponse(answer);
      },
    );
  return { dialect, rules, store, context, handlers: [handler('api'), handler('states')], handle: core.handle };
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

/** An error in the dialect's envelope (aliyun: in `format`, JSON unless said), as a Fetch `Response`. */
export function dialectError(
  ctx: ProviderContext,
  incoming: Incoming | undefined,
  key: ErrorKey,
  message: string,
  /** aliyun only: the body format (default JSON). */
  format: 'JSON' | 'XML' = 'JSON',
): Response {
  return toResponse(errorAnswer(ctx, incoming, key, message, format));
}

/** A Fetch request as a {@link ProviderRequest}; a declared or actual body over the cap is not kept. */
async function fromFetchRequest(request: Request, maxBodyBytes: number): Promise<ProviderRequest> {
  const base = { method: request.method, url: request.url, headers: headersFromFetch(request.headers) };
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > maxBodyBytes) return { ...base, body: 'too-large' };
  const bytes = request.body ? new Uint8Array(await request.arrayBuffer()) : new Uint8Array(0);
  return { ...base, body: bytes };
}
