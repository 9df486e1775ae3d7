/**
 * `vmconform pact verify`: Pact's own verifier (`@pact-foundation/pact`, its Rust core) checks a dialect's contract
 * against a target, and each interaction's result is mapped back to its case (`results.ts`). This is the only module
 * that loads Pact; the CLI imports it only for `pact verify`.
 *
 * Around the verifier, and nothing more:
 * - its `requestFilter` signs each request as it reaches the verification proxy (`signArriving`), at send time, paced
 *   below tencent-cvm-api3's 10 StopInstances per second, and records the signed request and the answer;
 * - a loopback relay stands in for the provider-state URL (`state-relay.ts`): any 2xx is a working state change,
 *   a setup reply's id map reaches the verifier as provider-state values (the target's ids go into the request), a
 *   teardown names the target's ids, and a refused setup fails its interaction with the target's answer;
 * - where the setup renamed ids, the target's answer reaches Pact with its ids and the requested ids swapped
 *   (`answerIdSwap`): Pact's verifier compares answers with the contract's own ids.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Verifier } from '@pact-foundation/pact';
import type { Credentials, DialectName, WireRequest, WireResponse } from '../dialects/types.ts';
import { requestAction } from '../dialects/description.ts';
import { describeDialect } from '../dialects/descriptions/index.ts';
import { getDialect } from '../dialects/index.ts';
import { joinUrl, parseJson } from '../dialects/wire-util.ts';
import { WindowPacer } from '../engine/pacer.ts';
import type { CaseResult } from '../engine/types.ts';
import { RunInterrupted, VmconformError } from '../errors.ts';
import { PACKAGE_CONTRACTS_DIR } from './files.ts';
import { contractFileName, INTERACTION_HEADER, planContract } from './generate.ts';
import { answerIdSwap, swapIdsInJson } from './id-map.ts';
import { caseResultsFromVerification, parseVerifierOutput, type InteractionRecords } from './results.ts';
import { startStatesRelay } from './state-relay.ts';
import { signArriving } from './wire.ts';

/** What {@link verifyContract} needs. */
export interface PactVerifyOptions {
  readonly dialect: DialectName;
  /** The target base URL (a path prefix is kept). */
  readonly target: string;
  /** The provider-state endpoint (DESIGN.md §4). */
  readonly statesUrl: string;
  readonly credentials: Credentials;
  /** The contract: a file or an http(s) URL; default `contracts/<dialect>.json` of the package. Unused with `broker`. */
  readonly contractPath?: string;
  /** Verify the pacts a Pact Broker holds for the provider instead of a contract file. */
  readonly broker?: BrokerSource;
  /**
   * Verify only the interactions of these cases (Pact's description filter, which it reads from the process's
   * environment: a verification with `only` must be alone in its process, as `verify-child.ts` runs it).
   */
  readonly only?: readonly string[];
  /** Per-request timeout in ms (the verifier's and the relay's); default 10 000. */
  readonly requestTimeoutMs?: number;
  /**
   * Ctrl-C: the relay refuses further setups, tears down every instance set up and not yet torn down, and
   * {@link verifyContract} rejects with {@link RunInterrupted} (Pact's verifier cannot be stopped; end the process).
   */
  readonly signal?: AbortSignal;
}

/** Where a broker's pacts come from and what is published back (Pact's own workflow with a Pact Broker). */
export interface BrokerSource {
  readonly url: string;
  /** The provider's name in the broker. */
  readonly providerName: string;
  /** Pact's consumer version selectors (the broker's provider-pacts-for-verification body). */
  readonly consumerVersionSelectors: readonly Readonly<Record<string, string | boolean>>[];
  readonly providerVersion?: string;
  readonly providerBranch?: string;
  /** Publish Pact's verdict for `providerVersion` (and `providerBranch`). */
  readonly publish: boolean;
}

/** Whether the broker took the published verification results, in the verifier's words. */
export interface Publication {
  readonly ok: boolean;
  readonly detail: string;
}

/** What a verification produced: one result per case of the dialect, and the verifier's own words. */
export interface PactVerifyOutcome {
  readonly results: readonly CaseResult[];
  /** The verifier's console output (it prints it too), without colour codes. */
  readonly output: readonly string[];
  /** The descriptions of the interactions Pact's verifier failed (its own verdict: the one published). */
  readonly failedInteractions: readonly string[];
  /** With `broker.publish`: what became of the publication. */
  readonly publication?: Publication;
}

/** The variables through which Pact's libraries would take sources, filters or publishing from the environment. */
const PACT_ENVIRONMENT = ['PACT_BROKER_BASE_URL', 'PACT_BROKER_PUBLISH_VERIFICATION_RESULTS', 'PACT_DESCRIPTION', 'PACT_PROVIDER_STATE', 'PACT_PROVIDER_NO_STATE'];

/** Pact's description filter for the interactions of `ids` (a description starts with its key, `<case id>#<step>: `). */
export function descriptionFilter(ids: readonly string[]): string {
  return `^(?:${ids.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})#[0-9]+: `;
}

/** The broker's answer to the publication, read from the verifier's log (it only logs it). */
function publicationOf(logFile: string): Publication {
  let log = '';
  try {
    log = readFileSync(logFile, 'utf8').replace(/\u001b\[[0-9;]*m/g, '');
  } catch {
    return { ok: false, detail: "Pact's verifier left no log of the publication" };
  }
  const failed = /Publishing of verification results failed with an error: (.*)/.exec(log);
  if (failed) return { ok: false, detail: (failed[1] ?? '').trim() };
  if (log.includes('Results published to Pact Broker')) return { ok: true, detail: 'published' };
  return { ok: false, detail: "Pact's verifier did not publish (no pact came from the broker)" };
}

/** The minimal view of the verification proxy's (express) request that the filter uses. */
interface ProxyRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

/** The minimal view of the proxy's response that the filter uses to record (and rename ids in) the target's answer. */
interface ProxyResponse {
  statusCode: number;
  getHeaders(): Record<string, number | string | string[] | undefined>;
  removeHeader(name: string): void;
  setHeader(name: string, value: string): unknown;
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

/** Whether a request is one the target rate-limits (the description's documented limit: api3 StopInstances), so the filter paces it. */
function isPaced(dialect: DialectName, req: ProxyRequest): boolean {
  const description = describeDialect(dialect);
  const limit = description.rateLimit;
  if (limit === undefined) return false;
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, headerText(v)]));
  return requestAction(description, headers, new URL(req.url, 'http://x').searchParams) === description.actions[limit.operation];
}

/**
 * What a target's answer becomes before Pact compares it (the reports keep the answer as it came): what the pins make
 * legal but Pact's matching rules cannot say.
 * - DESIGN.md §4 id map: the target's ids and the requested ids swapped one-for-one (`swap`);
 * - DESIGN.md §3 "`Error`: null is none" (tencent): a `Response.Error` that is null is dropped, so the contract's rule
 *   that a success carries no `Error` key holds;
 * - DESIGN.md §3 content types: where no seed states one (`Dialect.sources.contentType` absent), a body that is JSON
 *   reaches Pact as `application/json` whatever the header said, so Pact reads it as JSON.
 * Returns the body and content type to send on, or `undefined` when nothing changes.
 */
export function adaptAnswer(dialect: DialectName, text: string, contentType: string | undefined, swap: ReadonlyMap<string, string> | undefined): { text: string; contentType: string | undefined } | undefined {
  let out = swap === undefined ? text : swapIdsInJson(text, swap);
  let type = contentType;
  const d = getDialect(dialect);
  const parsed = parseJson(out);
  if (parsed.ok && d.sources.contentType === undefined && !/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType ?? '')) type = 'application/json';
  if (parsed.ok && d.errorsAsHttp200) {
    const body = parsed.value;
    const response = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)['Response'] : undefined;
    if (typeof response === 'object' && response !== null && !Array.isArray(response) && Object.hasOwn(response, 'Error') && (response as Record<string, unknown>)['Error'] === null) {
      const { Error: _none, ...rest } = response as Record<string, unknown>;
      out = JSON.stringify({ ...(body as Record<string, unknown>), Response: rest });
    }
  }
  return out === text && type === contentType ? undefined : { text: out, contentType: type };
}

/**
 * Capture what the proxy answers (status, headers, body) once it has answered: the target's own answer. The body is
 * held until its end and reaches the verifier as {@link adaptAnswer} makes it.
 */
function captureAnswer(res: ProxyResponse, dialect: DialectName, swap: ReadonlyMap<string, string> | undefined, done: (answer: WireResponse) => void): void {
  const chunks: Buffer[] = [];
  const keep = (chunk: unknown): void => {
    if (typeof chunk === 'string') chunks.push(Buffer.from(chunk));
    else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
  };
  const headersNow = (): Record<string, string> => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.getHeaders())) {
      const text = headerText(value);
      if (text !== undefined) headers[name.toLowerCase()] = text;
    }
    return headers;
  };
  let headers: Record<string, string> | undefined;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => unknown;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    keep(chunk);
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as ProxyResponse['write'];
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'function') keep(chunk);
    headers = headersNow();
    const callback = [chunk, ...rest].find((r) => typeof r === 'function');
    const original = Buffer.concat(chunks);
    const adapted = adaptAnswer(dialect, original.toString('utf8'), headers['content-type'], swap);
    if (adapted === undefined) return end(original, callback);
    res.removeHeader('content-length');
    if (adapted.contentType !== undefined) res.setHeader('content-type', adapted.contentType);
    return end(Buffer.from(adapted.text, 'utf8'), callback);
  }) as ProxyResponse['end'];
  res.once('finish', () => {
    done({ status: res.statusCode, headers: headers ?? headersNow(), bodyText: Buffer.concat(chunks).toString('utf8') });
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
        const swap = record.ids !== undefined && record.ids.size > 0 ? answerIdSwap(record.ids) : undefined;
        captureAnswer(res, options.dialect, swap, (answer) => {
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
  // vmconform's options choose the sources, filters and publishing, not variables the user's shell happens to hold.
  for (const name of PACT_ENVIRONMENT) delete process.env[name];
  if (options.only !== undefined) process.env['PACT_DESCRIPTION'] = descriptionFilter(options.only);
  const broker = options.broker;
  // The broker's answer to a publication reaches only the verifier's log (it never fails the verification).
  const logFile = broker?.publish === true ? join(mkdtempSync(join(tmpdir(), 'vmconform-pact-log-')), 'verifier.log') : undefined;
  const token = process.env['PACT_BROKER_TOKEN'];
  const records: InteractionRecords = new Map();
  const relay = await startStatesRelay(options, records);
  const filter = signingFilter(options, records);
  let raw: string;
  try {
    const verifier = new Verifier({
      provider: broker?.providerName ?? options.dialect,
      providerBaseUrl: options.target,
      ...(broker === undefined
        ? { pactUrls: [options.contractPath ?? defaultContractPath(options.dialect)] }
        : {
            pactBrokerUrl: broker.url,
            ...(token !== undefined && token !== '' ? { pactBrokerToken: token } : {}),
            consumerVersionSelectors: broker.consumerVersionSelectors.map((s) => ({ ...s })),
            ...(broker.providerBranch !== undefined ? { providerVersionBranch: broker.providerBranch } : {}),
            ...(broker.providerVersion !== undefined ? { providerVersion: broker.providerVersion } : {}),
            ...(broker.publish ? { publishVerificationResult: true } : {}),
            failIfNoPactsFound: true,
          }),
      providerStatesSetupUrl: relay.url,
      // The filter's own types (the verifier types it as express's RequestHandler, whose typings are not installed).
      requestFilter: filter as unknown as NonNullable<ConstructorParameters<typeof Verifier>[0]['requestFilter']>,
      changeOrigin: true,
      ...(logFile !== undefined ? { logLevel: 'info' as const, logFile } : { logLevel: 'error' as const }),
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
  const only = options.only === undefined ? undefined : new Set(options.only);
  const plans = planContract(options.dialect).filter((p) => only === undefined || only.has(p.row.id));
  const source = broker !== undefined ? `the pacts of ${broker.providerName} in ${broker.url}` : (options.contractPath ?? defaultContractPath(options.dialect));
  const packaged = broker === undefined && (options.contractPath === undefined || options.contractPath === defaultContractPath(options.dialect));
  return {
    results: caseResultsFromVerification(options.dialect, plans, output, records, options.credentials, { name: source, packaged }),
    output: output.output,
    failedInteractions: output.interactionResults.filter((r) => r.result !== 'OK').map((r) => r.description),
    ...(logFile !== undefined ? { publication: publicationOf(logFile) } : {}),
  };
}
