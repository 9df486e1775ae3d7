/**
 * The reference provider's logic as one plain function: a {@link ProviderRequest} in, a {@link ProviderAnswer} out,
 * routed once by path (API or provider-state endpoint) and then by action inside the dialect module. The HTTP
 * server's fast path calls it directly; the msw handlers (`handlers.ts`) wrap it.
 *
 * Dependency rule (DESIGN.md §1): nothing here imports cases, engine, suites or the client dialect modules.
 */
import type { Protocol } from '../dialects/description.ts';
import { DESCRIPTIONS, describeDialect } from '../dialects/descriptions/index.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { aliyunError, aliyunQueryFormat, handleAliyun } from './aliyun.ts';
import { ec2Error, handleEc2 } from './ec2.ts';
import type { Incoming } from './common.ts';
import type { ProviderContext } from './context.ts';
import { bodyText, jsonAnswer, type ProviderAnswer, type ProviderRequest } from './exchange.ts';
import type { ErrorKey } from './rules.ts';
import { handleProviderState, PROVIDER_STATES_PATH } from './states.ts';
import { handleTencent, tencentError } from './tencent.ts';
import { handleZenlayer, zenlayerError } from './zenlayer.ts';

/** The API paths each dialect serves, relative to the base (DESIGN.md §2), from the descriptions. */
export const DIALECT_PATHS: Readonly<Record<DialectName, readonly string[]>> = Object.freeze(
  Object.fromEntries(DIALECT_NAMES.map((d) => [d, Object.freeze([DESCRIPTIONS[d].path])])) as Record<DialectName, readonly string[]>,
);

/** How the reference provider speaks one protocol: its behaviour module's handler and error envelope. */
interface ProtocolBehaviour {
  handle(ctx: ProviderContext, incoming: Incoming): ProviderAnswer;
  /** An error in the protocol's envelope; `format` is the body format where the protocol has several (aliyun). */
  error(ctx: ProviderContext, incoming: Incoming | undefined, key: ErrorKey, message: string, format: 'JSON' | 'XML'): ProviderAnswer;
}

/** The behaviour module of each protocol (one entry per protocol, checked by the compiler). */
const BEHAVIOURS: Readonly<Record<Protocol, ProtocolBehaviour>> = {
  tencent: { handle: handleTencent, error: (ctx, _incoming, key, message) => tencentError(ctx, key, message) },
  zenlayer: { handle: handleZenlayer, error: (ctx, _incoming, key, message) => zenlayerError(ctx, key, message) },
  aliyun: { handle: handleAliyun, error: (ctx, incoming, key, message, format) => aliyunError(ctx, key, message, format, incoming) },
  ec2: { handle: handleEc2, error: (ctx, _incoming, key, message) => ec2Error(ctx, key, message) },
};

/** The behaviour module of a dialect's protocol. */
function behaviourOf(dialect: DialectName): ProtocolBehaviour {
  return BEHAVIOURS[describeDialect(dialect).protocol];
}

/** Which endpoint of a provider a request is for. */
export interface Route {
  readonly endpoint: 'api' | 'states';
  /** Path relative to the provider's base path, starting with `/`. */
  readonly path: string;
}

/** Where a provider answers and how much body it reads. */
export interface CoreOptions {
  /** Path prefix, normalized: `''` or `/something` without a trailing slash. */
  readonly basePath: string;
  /** Only this origin (`http://ecs.test`), or any when `undefined`. */
  readonly origin: string | undefined;
  readonly maxBodyBytes: number;
  /** Sees every request the core answers, with the answer; what it throws is ignored. */
  readonly onExchange?: ((request: ProviderRequest, answer: ProviderAnswer) => void) | undefined;
}

/** One provider's logic: where it answers and what it answers. */
export interface ProviderCore {
  /** The endpoint a URL is for, or `undefined` when it is not this provider's (origin, base path, path). */
  route(url: URL): Route | undefined;
  /** The answer to a request, or `undefined` when it is not this provider's. Never throws for anything sent. */
  handle(request: ProviderRequest): ProviderAnswer | undefined;
}

/**
 * Build a provider's core over its context.
 *
 * @example
 * const core = createCore(context, { basePath: '', origin: undefined, maxBodyBytes: 1 << 20 });
 * core.handle({ method: 'POST', url: 'http://127.0.0.1/api/v2/vm', headers, body }); // { status: 200, ... }
 */
export function createCore(ctx: ProviderContext, options: CoreOptions): ProviderCore {
  const { basePath, origin, maxBodyBytes } = options;
  const apiPaths = DIALECT_PATHS[ctx.dialect];

  const route = (url: URL): Route | undefined => {
    if (origin !== undefined && url.origin !== origin) return undefined;
    const pathname = url.pathname;
    if (basePath !== '' && pathname !== basePath && !pathname.startsWith(`${basePath}/`)) return undefined;
    const path = basePath === '' ? pathname : pathname.slice(basePath.length) || '/';
    if (path === PROVIDER_STATES_PATH) return { endpoint: 'states', path };
    return apiPaths.includes(path) ? { endpoint: 'api', path } : undefined;
  };

  const handle = (request: ProviderRequest): ProviderAnswer | undefined => {
    const url = toUrl(request.url);
    const where = url && route(url);
    if (!url || !where) return undefined;
    const { body } = request;
    const tooLarge = body === 'too-large' || body.byteLength > maxBodyBytes;
    const contentType = request.headers['content-type'] ?? '';
    const incoming: Incoming = {
      method: request.method,
      url,
      path: where.path,
      headers: request.headers,
      bodyText: tooLarge ? '' : bodyText(body),
      mediaType: mediaTypeOf(contentType),
    };
    if (tooLarge) {
      // The body is unread, so only the query can ask for aliyun's XML.
      return where.endpoint === 'states'
        ? jsonAnswer(413, { error: `the body exceeds ${maxBodyBytes} bytes` })
        : errorAnswer(ctx, incoming, 'bodyTooLarge', `the request body exceeds ${maxBodyBytes} bytes`, aliyunQueryFormat(url));
    }
    return guard(ctx, incoming, () =>
      where.endpoint === 'states' ? handleProviderState(ctx, incoming) : dispatch(ctx, incoming),
    );
  };

  const { onExchange } = options;
  if (!onExchange) return { route, handle };
  return {
    route,
    handle: (request) => {
      const answer = handle(request);
      if (answer !== undefined) {
        try {
          onExchange(request, answer);
        } catch {
          // An observer's failure is not the client's problem.
        }
      }
      return answer;
    },
  };
}

function toUrl(url: string | URL): URL | undefined {
  if (typeof url !== 'string') return url;
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** `application/json; charset=utf-8` -> `application/json`. */
function mediaTypeOf(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

function dispatch(ctx: ProviderContext, incoming: Incoming): ProviderAnswer {
  return behaviourOf(ctx.dialect).handle(ctx, incoming);
}

/**
 * An error in the dialect's envelope (aliyun: JSON here; its module answers XML where the request asked for it).
 *
 * @example
 * errorAnswer(ctx, undefined, 'bodyTooLarge', 'the request body exceeds 1048576 bytes')
 */
export function errorAnswer(
  ctx: ProviderContext,
  incoming: Incoming | undefined,
  key: ErrorKey,
  message: string,
  /** aliyun only: the body format (default JSON). */
  format: 'JSON' | 'XML' = 'JSON',
): ProviderAnswer {
  return behaviourOf(ctx.dialect).error(ctx, incoming, key, message, format);
}

/** Last line of defence: a bug answers a 500 with a JSON body instead of crashing. */
function guard(ctx: ProviderContext, incoming: Incoming, run: () => ProviderAnswer): ProviderAnswer {
  try {
    return run();
  } catch (err: unknown) {
    const detail = err instanceof Error ? err.message : String(err);
    return jsonAnswer(500, { error: `reference provider bug (${ctx.dialect}): ${detail}`, path: incoming.path });
  }
}
