/**
 * Sends a {@link WireRequest} over real HTTP (undici) and captures the raw answer. Never throws for anything the
 * target does: refused connections, resets, timeouts and oversized bodies come back as `transportError`.
 */
import { Agent, request } from 'undici';
import type { WireRequest, WireResponse } from './types.ts';

/** Largest body the suite reads from a target (a hostile target cannot exhaust memory). */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

const agent = new Agent({ keepAliveTimeout: 4_000, connections: 64 });

/** Result of one HTTP round trip. */
export interface SendResult {
  readonly response: WireResponse | undefined;
  readonly transportError: string | undefined;
  readonly durationMs: number;
}

/**
 * Send a request and read the whole body as text.
 *
 * @example
 * const { response } = await sendWire({ method: 'GET', url: 'http://127.0.0.1:8080/', headers: {} });
 */
export async function sendWire(req: WireRequest, timeoutMs = 10_000): Promise<SendResult> {
  const started = performance.now();
  try {
    const res = await request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      dispatcher: agent,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += buf.length;
      if (size > MAX_RESPONSE_BYTES) {
        res.body.destroy();
        return {
          response: undefined,
          transportError: `response body exceeds ${MAX_RESPONSE_BYTES} bytes`,
          durationMs: performance.now() - started,
        };
      }
      chunks.push(buf);
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      if (value === undefined) continue;
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    return {
      response: { status: res.statusCode, headers, bodyText: Buffer.concat(chunks).toString('utf8') },
      transportError: undefined,
      durationMs: performance.now() - started,
    };
  } catch (err: unknown) {
    return { response: undefined, transportError: describeError(err), durationMs: performance.now() - started };
  }
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${typeof code === 'string' ? `${code} ` : ''}${err.message}${cause}`;
  }
  return String(err);
}
