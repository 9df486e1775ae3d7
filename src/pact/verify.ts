/**
 * `vmconform pact verify`: Pact's own verifier (`@pact-foundation/pact`, its Rust core) checks a dialect's contract
 * against a target, and each interaction's result is mapped back to its case (`results.ts`). This is the only module
 * that loads Pact; the CLI imports it only for `pact verify`.
 *
 * Around the verifier, and nothing more:
 * - its `requestFilter` signs each request as it reaches the verification proxy (`signArriving`), at send time, paced
 *   below tencent-cvm-api3's 10 StopInstances per second, and records the signed request and the answer;
 * - a loopback relay stands in for the provider-state URL: it passes every setup and teardown through to the
 *   target's endpoint unchanged and answers the verifier with the target's own status and body, so a refused setup
 *   fails its interaction (Pact's verifier fails an interaction whose state change is not 2xx) and the finding can
 *   quote the target's answer. A state URL the relay cannot reach is answered 400, so the verifier does not retry.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Verifier } from '@pact-foundation/pact';
import { toCurl } from '../dialects/curl.ts';
import { sendWire } from '../dialects/transport.ts';
import type { Credentials, DialectName, WireRequest, WireResponse } from '../dialects/types.ts';
import { joinUrl } from '../dialects/wire-util.ts';
import { WindowPacer } from '../engine/pacer.ts';
import type { CaseResult } from '../engine/types.ts';
import { RunInterrupted, VmconformError } from '../errors.ts';
import { PACKAGE_CONTRACTS_DIR } from './files.ts';
import { contractFileName, INTERACTION_HEADER, planContract } from './generate.ts';
import { caseResultsFromVerification, parseVerifierOutput, type InteractionRecords, type StateCall } from './results.ts';
import { signArriving } from './wire.ts';

/** What {@link verifyContract} needs. */
export interface PactVerifyOptions {
  readonly dialect: DialectName;
  /** The target base URL (a path prefix is kept). */
  readonly target: string;
  /** The provider-state endpoint (DESIGN.md §4). */
  readonly statesUrl: string;
  readonly credentials: Credentials;
  /** The contract file; default `contracts/<dialect>.json` of the package. */
  readonly contractPath?: string;
  /** Per-request timeout in ms (the verifier's and the relay's); default 10 000. */
  readonly requestTimeoutMs?: number;
  /**
   * Ctrl-C: the relay refuses further setups, tears down every instance set up and not yet torn down, and
   * {@link verifyContract} rejects with {@link RunInterrupted} (Pact's verifier cannot be stopped; end the process).
   */
  readonly signal?: AbortSignal;
}

/** What a verification produced: one result per case of the dialect, and the verifier's own words. */
export interface PactVerifyOutcome {
  readonly results: readonly CaseResult[];
  /** The verifier's console output (it prints it too), without colour codes. */
  readonly output: readonly string[];
}

/** The minimal view of the verification proxy's (express) request that the filter uses. */
interface ProxyRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

/** The minimal view of the proxy's response that the filter uses to record the target's answer. */
interface ProxyResponse {
  statusCode: number;
  getHeaders(): Record<string, number | string | string[] | undefined>;
  write: (...args: never[]) => boolean;
  end: (...args: never[]) => unknown;
  once(event: 'finish', listener: () => void): unknown;
}

type RequestFilter = (req: ProxyRequest, res: ProxyResponse, next: () => void) => Promise<void>;

const headerText = (value: string | string[] | number | undefined): string | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value.join(', ') : String(value);

/** The body as the proxy will forward it: a Buffer as is, a parsed form re-encoded, parsed JSON re-serialized. */
function bodyText(req: ProxyRequest): string {
  const body = req.body;
  if (body === undefined || body === null) return '';
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  if (typeof body === 'string') return body;
  const contentType = (headerText(req.headers['content-type']) ?? '').toLowerCase();
  if (contentType.startsWith('application/x-www-form-urlencoded') && typeof body === 'object') {
    const pairs = Object.entries(body as Record<string, unknown>).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, String(x)]));
    return new URLSearchParams(pairs).toString();
  }
  return JSON.stringify(body);
}

/** Whether a request is one the target rate-limits (api3 StopInstances), so the filter paces it. */
function isPaced(dialect: DialectName, req: ProxyRequest): boolean {
  if (dialect !== 'tencent-cvm-api3') return false;
  const action = headerText(req.headers['x-tc-action']) ?? new URL(req.url, 'http://x').searchParams.get('Action');
  return action === 'StopInstances';
}

/** Capture what the proxy answers (status, headers, body) once it has answered. */
function captureAnswer(res: ProxyResponse, done: (answer: WireResponse) => void): void {
  const chunks: Buffer[] = [];
  const keep = (chunk: unknown): void => {
    if (typeof chunk === 'string') chunks.push(Buffer.from(chunk));
    else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => unknown;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    keep(chunk);
    return write(chunk, ...rest);
  }) as ProxyResponse['write'];
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'function') keep(chunk);
    return end(chunk, ...rest);
  }) as ProxyResponse['end'];
  res.once('finish', () => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.getHeaders())) {
      const text = headerText(value);
      if (text !== undefined) headers[name.toLowerCase()] = text;
    }
    done({ status: res.statusCode, headers, bodyText: Buffer.concat(chunks).toString('utf8') });
  });
}

/** The request filter: map to the interaction, sign as arrived (paced for api3), record request and answer. */
function signingFilter(options: PactVerifyOptions, records: InteractionRecords): RequestFilter {
  const pacer = new WindowPacer();
  return async (req, res, next) => {
    const key = headerText(req.headers[INTERACTION_HEADER]);
    delete req.headers[INTERACTION_HEADER];
    const send = async (): Promise<void> => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        const text = headerText(value);
        if (text !== undefined) headers[name.toLowerCase()] = text;
      }
      const body = bodyText(req);
      const signed = signArriving(options.dialect, { method: req.method, target: req.url, headers, body }, {
        baseUrl: options.target,
        credentials: options.credentials,
        nowMs: Date.now(),
      });
      req.url = signed.target;
      for (const [name, value] of Object.entries(signed.setHeaders)) req.headers[name] = value;
      if (signed.body !== '' || req.body !== undefined) {
        req.body = Buffer.from(signed.body, 'utf8');
        req.headers['content-length'] = String(Buffer.byteLength(signed.body, 'utf8'));
      }
      if (key !== undefined) {
        const sent: WireRequest = {
          method: req.method.toUpperCase() === 'GET' ? 'GET' : 'POST',
          url: joinUrl(options.target, signed.target.split('?')[0] ?? '/', signed.target.includes('?') ? signed.target.slice(signed.target.indexOf('?') + 1) : ''),
          headers: { ...headers, ...signed.setHeaders },
          ...(signed.body !== '' ? { body: signed.body } : {}),
        };
        const record = records.get(key) ?? { stateCalls: [] };
        const sentAtMs = Date.now();
        const began = performance.now();
        records.set(key, { ...record, request: sent, sentAtMs });
        captureAnswer(res, (answer) => {
          const latest = records.get(key) ?? { stateCalls: [] };
          records.set(key, { ...latest, answer, durationMs: performance.now() - began });
        });
      }
      next();
    };
    if (isPaced(options.dialect, req)) await pacer.paced(send);
    else await send();
  };
}

/** Interaction keys by the first instance id their provider state names (ids are unique per case). */
function keysByInstanceId(dialect: DialectName): Map<string, string> {
  const map = new Map<string, string>();
  for (const plan of planContract(dialect)) {
    for (const interaction of plan.interactions) {
      const first = interaction.providerStates?.[0]?.params.instances[0]?.id;
      if (first !== undefined) map.set(first, interaction.key);
    }
  }
  return map;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

/** The relay: its URL, a way to tear down what was set up and not torn down (interrupts), and close. */
interface StatesRelay {
  readonly url: string;
  teardownOutstanding(): Promise<void>;
  close(): Promise<void>;
}

/** The loopback relay in front of the provider-state URL (see the module comment). */
async function startStatesRelay(options: PactVerifyOptions, records: InteractionRecords): Promise<StatesRelay> {
  const keys = keysByInstanceId(options.dialect);
  const timeout = options.requestTimeoutMs ?? 10_000;
  const stateRequest = (body: string): WireRequest => ({
    method: 'POST',
    url: options.statesUrl,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body,
  });
  // Setups the target accepted and no teardown has followed yet, by their params: what an interrupt tears down.
  const outstanding = new Map<string, Record<string, unknown>>();
  let closing = false;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = await readBody(req);
      let action = 'setup';
      let key: string | undefined;
      let parsed: { state?: unknown; action?: unknown; params?: { instances?: { id?: unknown }[] } } | undefined;
      try {
        parsed = JSON.parse(body) as typeof parsed;
        if (typeof parsed?.action === 'string') action = parsed.action;
        const first = parsed?.params?.instances?.[0]?.id;
        if (typeof first === 'string') key = keys.get(first);
      } catch {
        // not JSON: passed through as it is; the target answers it
      }
      if (closing && action !== 'teardown') {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'vmconform: the run was interrupted; no further setup' }));
        return;
      }
      const request = stateRequest(body);
      const startedMs = Date.now();
      const sent = await sendWire(request, timeout);
      const params = JSON.stringify(parsed?.params ?? null);
      if (action === 'teardown') outstanding.delete(params);
      else if (sent.response && sent.response.status < 300 && parsed?.params !== undefined) outstanding.set(params, { ...parsed, action: 'teardown' });
      const call: StateCall = {
        action,
        curl: toCurl(request),
        ...(sent.response ? { status: sent.response.status, body: sent.response.bodyText } : { transportError: sent.transportError ?? 'no answer' }),
        sent: { request, ...(sent.response ? { response: sent.response } : {}), startedMs, durationMs: sent.durationMs },
      };
      if (key !== undefined) {
        const record = records.get(key) ?? { stateCalls: [] };
        records.set(key, { ...record, stateCalls: [...record.stateCalls, call] });
      }
      if (sent.response) {
        res.writeHead(sent.response.status, { 'content-type': sent.response.headers['content-type'] ?? 'application/json' });
        res.end(sent.response.bodyText);
      } else {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `vmconform could not reach the provider-state URL: ${call.transportError ?? ''}` }));
      }
    })().catch((err: unknown) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `vmconform's provider-state relay failed: ${err instanceof Error ? err.message : String(err)}` }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/provider-states`,
    async teardownOutstanding() {
      closing = true;
      const bodies = [...outstanding.values()];
      outstanding.clear();
      await Promise.all(bodies.map((b) => sendWire(stateRequest(JSON.stringify(b)), timeout)));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The default contract file of a dialect. */
export function defaultContractPath(dialect: DialectName): string {
  return join(PACKAGE_CONTRACTS_DIR, contractFileName(dialect));
}

/**
 * Verify a dialect's contract against a target with Pact's verifier and map every interaction back to its case.
 * Never throws for anything the target does (that is a failed case); throws {@link VmconformError} when the verifier
 * itself could not run or reported something unreadable.
 *
 * @example
 * const { results } = await verifyContract({ dialect: 'zenlayer-vm', target: 'http://127.0.0.1:8080',
 *   statesUrl: 'http://127.0.0.1:8080/_vmconform/provider-states', credentials: TEST_CREDENTIALS });
 */
export async function verifyContract(options: PactVerifyOptions): Promise<PactVerifyOutcome> {
  // Pact's libraries report usage analytics unless told not to; nothing here may reach the network.
  process.env['PACT_DO_NOT_TRACK'] = 'true';
  const records: InteractionRecords = new Map();
  const relay = await startStatesRelay(options, records);
  const filter = signingFilter(options, records);
  let raw: string;
  try {
    const verifier = new Verifier({
      provider: options.dialect,
      providerBaseUrl: options.target,
      pactUrls: [options.contractPath ?? defaultContractPath(options.dialect)],
      providerStatesSetupUrl: relay.url,
      // The filter's own types (the verifier types it as express's RequestHandler, whose typings are not installed).
      requestFilter: filter as unknown as NonNullable<ConstructorParameters<typeof Verifier>[0]['requestFilter']>,
      changeOrigin: true,
      logLevel: 'error',
      timeout: options.requestTimeoutMs ?? 10_000,
    });
    const verified = verifier.verifyProvider().then(
      (ok) => ok,
      (err: unknown) => {
        // A failed verification rejects with the same JSON document as a passing one resolves with.
        if (err instanceof Error) return err.message;
        throw err;
      },
    );
    const signal = options.signal;
    const interrupted =
      signal === undefined
        ? undefined
        : new Promise<never>((_resolve, reject) => {
            const stop = (): void => void relay.teardownOutstanding().finally(() => reject(new RunInterrupted('the verification was interrupted')));
            if (signal.aborted) stop();
            else signal.addEventListener('abort', stop, { once: true });
          });
    raw = await (interrupted ? Promise.race([verified, interrupted]) : verified);
  } catch (err: unknown) {
    if (err instanceof RunInterrupted) throw err;
    throw new VmconformError(`Pact's verifier could not run: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await relay.close();
  }
  const output = parseVerifierOutput(raw);
  return { results: caseResultsFromVerification(options.dialect, planContract(options.dialect), output, records, options.credentials), output: output.output };
}
