/**
 * The wire side of the contracts. A contract's request carries no signature (a signature is only good for minutes):
 * {@link unsignedRequest} encodes a call with the dialect module and strips what signing added, and at verification
 * time {@link signArriving} signs each request as it actually reaches the verification proxy (the Pact verifier may
 * re-encode the query) with the configured credentials, at send time:
 * tencent-cvm-api2 and api3's GET style the HmacSHA256 query signature, api3 TC3-HMAC-SHA256 headers, zenlayer
 * ZC2-HMAC-SHA256 headers, aliyun-ecs the RPC HMAC-SHA1 signature (query or form body) or ACS3 headers.
 */
import { randomInt } from 'node:crypto';
import { arrivingStyle, type SignerScheme, type StyleSigner, type StyleWire } from '../dialects/description.ts';
import { describeDialect } from '../dialects/descriptions/index.ts';
import { getDialect } from '../dialects/index.ts';
import type { Credentials, DialectName, OperationCall } from '../dialects/types.ts';
import { encodePairs } from '../dialects/wire-util.ts';
import { signAcs3 } from '../signing/acs3.ts';
import { rpcCommonParams, signRpc } from '../signing/aliyun-rpc.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { signSigV4 } from '../signing/sigv4.ts';
import { signTc3 } from '../signing/tc3.ts';
import { decodeQueryPairs, encodeQueryPairs, signTencentV2, type ParamPair } from '../signing/tencent-v2.ts';
import { signZc2 } from '../signing/zc2.ts';
import type { PactBody, PactRequest } from './model.ts';

/** Query or form parameters that only signing adds (tencent's and aliyun RPC's common signing parameters). */
export const SIGNING_PARAMS: ReadonlySet<string> = new Set([
  'Timestamp',
  'Nonce',
  'SecretId',
  'SignatureMethod',
  'Signature',
  'AccessKeyId',
  'SignatureVersion',
  'SignatureNonce',
]);

/** Headers that only signing adds (TC3, ZC2, ACS3, SigV4); the API's own headers (`x-tc-action`, `x-acs-action`...) stay. */
export const SIGNING_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'x-amz-date',
  'x-tc-timestamp',
  'x-zc-timestamp',
  'x-zc-signature-method',
  'x-acs-date',
  'x-acs-signature-nonce',
  'x-acs-content-sha256',
]);

const FORM_TYPE = 'application/x-www-form-urlencoded';
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/** Whether a content type is a form body (`application/x-www-form-urlencoded`, any parameters). */
export const isForm = (contentType: string | undefined): boolean => (contentType ?? '').toLowerCase().startsWith(FORM_TYPE);

/** Pairs as a V4 query map (name -> values, in order of first appearance). */
function queryMap(pairs: readonly ParamPair[]): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const [k, v] of pairs) (map[k] ??= []).push(v);
  return map;
}

/**
 * The request of a call as a contract states it: the dialect's own encoding (path relative to the target base URL,
 * API parameters, API headers, body) without anything signing adds. Deterministic: a fixed clock and fixed
 * credentials go in, and every value they influence is stripped.
 *
 * @example
 * unsignedRequest('zenlayer-vm', { operation: 'StopInstances', instanceIds: ['vm-1'] })
 * // { method: 'POST', path: '/api/v2/vm', headers: { 'content-type': ['application/json'], 'x-zc-action': ['StopInstances'],
 * //   'x-zc-version': ['2022-11-20'] }, body: { contentType: 'application/json', encoded: false, content: { instanceIds: ['vm-1'] } } }
 */
export function unsignedRequest(dialect: DialectName, call: OperationCall): PactRequest {
  const wire = getDialect(dialect).encode(call, { baseUrl: 'http://contract.invalid', credentials: TEST_CREDENTIALS, now: () => 0 });
  const url = new URL(wire.url);
  const query = decodeQueryPairs(url.search.slice(1)).filter(([k]) => !SIGNING_PARAMS.has(k));
  const headers: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(wire.headers)) if (!SIGNING_HEADERS.has(name)) headers[name] = [value];
  const contentType = wire.headers['content-type'];
  let body: PactBody | undefined;
  if (wire.body !== undefined) {
    if (isForm(contentType)) {
      const pairs = decodeQueryPairs(wire.body).filter(([k]) => !SIGNING_PARAMS.has(k));
      body = { contentType: contentType ?? FORM_TYPE, encoded: false, content: encodePairs(pairs) };
    } else if (contentType !== undefined && JSON_TYPE.test(contentType)) {
      body = { contentType, encoded: false, content: JSON.parse(wire.body) as unknown };
    } else {
      body = { contentType: contentType ?? 'text/plain', encoded: false, content: wire.body };
    }
  }
  return {
    method: wire.method,
    path: url.pathname,
    ...(query.length > 0 ? { query: queryMap(query) } : {}),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(body !== undefined ? { body } : {}),
  };
}

/** A request as it reaches the verification proxy, before it is signed and forwarded to the target. */
export interface ArrivingRequest {
  readonly method: string;
  /** Path and raw query as the verifier sent them, relative to the target base URL (`/v2/index.php?Action=...`). */
  readonly target: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as it will be forwarded ('' when none). */
  readonly body: string;
}

/** What {@link signArriving} changes: the path and query to forward, the headers to set, the body to send. */
export interface SignedArrival {
  readonly target: string;
  /** Headers to add or replace (lower-case names). */
  readonly setHeaders: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Where and with what a request is signed. */
export interface SigningContext {
  /** The target base URL (its host and path prefix are what the target sees). */
  readonly baseUrl: string;
  readonly credentials: Credentials;
  /** The clock, in ms (signing happens at send time). */
  readonly nowMs: number;
}

function splitTarget(target: string): { path: string; rawQuery: string } {
  const q = target.indexOf('?');
  return q < 0 ? { path: target, rawQuery: '' } : { path: target.slice(0, q), rawQuery: target.slice(q + 1) };
}

const withQuery = (path: string, rawQuery: string): string => (rawQuery === '' ? path : `${path}?${rawQuery}`);
const appendQuery = (rawQuery: string, extra: string): string => (rawQuery === '' ? extra : `${rawQuery}&${extra}`);

/** What a signer knows of an arriving request besides the request itself. */
interface SignPlace {
  readonly req: ArrivingRequest;
  readonly ctx: SigningContext;
  /** The style the request speaks (from the dialect's description) and the dialect's version. */
  readonly wire: StyleWire;
  readonly version: string;
  /** The region a signature's scope names when the dialect has one (aws-ec2's default region). */
  readonly region: string | undefined;
  /** Host and full path (base prefix included) the target sees; path and raw query relative to the base. */
  readonly host: string;
  readonly fullPath: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly contentType: string | undefined;
  readonly seconds: number;
}

/** How each signature scheme signs an arriving request (one entry per scheme, checked by the compiler). */
const SIGNERS: { readonly [S in SignerScheme]: (at: SignPlace, signer: Extract<StyleSigner, { scheme: S }>) => SignedArrival } = {
  'tencent-v2': ({ req, ctx, host, fullPath, path, rawQuery, seconds }) => {
    const common: ParamPair[] = [
      ['Timestamp', String(seconds)],
      ['Nonce', String(randomInt(1, 2 ** 31 - 1))],
      ['SecretId', ctx.credentials.accessKeyId],
      ['SignatureMethod', 'HmacSHA256'],
    ];
    const params = [...decodeQueryPairs(rawQuery), ...common];
    const { signature } = signTencentV2({ credentials: ctx.credentials, method: req.method, host, path: fullPath, params, signatureMethod: 'HmacSHA256' });
    const extra = encodeQueryPairs([...common, ['Signature', signature]]);
    return { target: withQuery(path, appendQuery(rawQuery, extra)), setHeaders: {}, body: req.body };
  },
  tc3: ({ req, ctx, host, fullPath, rawQuery, contentType, seconds }, { service }) => {
    const signed = signTc3({
      credentials: ctx.credentials,
      timestamp: seconds,
      service,
      method: req.method,
      path: fullPath,
      query: rawQuery,
      headers: [
        ['content-type', contentType ?? ''],
        ['host', host],
      ],
      payload: req.body,
    });
    return { target: req.target, setHeaders: { 'x-tc-timestamp': String(seconds), authorization: signed.authorization }, body: req.body };
  },
  zc2: ({ req, ctx, host, contentType, seconds }) => ({
    target: req.target,
    setHeaders: signZc2({ credentials: ctx.credentials, timestamp: seconds, method: req.method, host, contentType: contentType ?? '', payload: req.body }),
    body: req.body,
  }),
  acs3: ({ req, ctx, wire, version, host, fullPath, rawQuery, contentType }) => {
    const headers = signAcs3({
      credentials: ctx.credentials,
      method: req.method,
      host,
      path: fullPath,
      query: decodeQueryPairs(rawQuery),
      action: req.headers[wire.action.name] ?? '',
      version: (wire.version === null ? undefined : req.headers[wire.version.name]) ?? version,
      body: req.body,
      ...(contentType !== undefined ? { contentType } : {}),
      nowMs: ctx.nowMs,
    });
    return { target: req.target, setHeaders: headers, body: req.body };
  },
  sigv4: ({ req, ctx, region, host, fullPath, rawQuery, contentType }, { service }) => ({
    target: req.target,
    setHeaders: signSigV4({
      credentials: ctx.credentials,
      region: region ?? 'us-east-1',
      service,
      method: req.method,
      url: `${new URL(ctx.baseUrl).protocol}//${host}${withQuery(fullPath, rawQuery)}`,
      headers: contentType === undefined ? {} : { 'content-type': contentType },
      body: req.body,
      nowMs: ctx.nowMs,
    }),
    body: req.body,
  }),
  'aliyun-rpc': ({ req, ctx, path, rawQuery, contentType }) => {
    const query = decodeQueryPairs(rawQuery);
    const common = rpcCommonParams(ctx.credentials, ctx.nowMs);
    if (req.method.toUpperCase() !== 'GET' && isForm(contentType)) {
      const form = decodeQueryPairs(req.body);
      const signature = signRpc(req.method.toUpperCase(), [...query, ...form, ...common], ctx.credentials);
      return { target: req.target, setHeaders: {}, body: encodePairs([...form, ...common, ['Signature', signature]]) };
    }
    const signature = signRpc(req.method.toUpperCase(), [...query, ...common], ctx.credentials);
    return { target: withQuery(path, appendQuery(rawQuery, encodePairs([...common, ['Signature', signature]]))), setHeaders: {}, body: req.body };
  },
};

/**
 * Sign a request as it arrives, with the signature of the wire style it speaks (the style whose action header it
 * carries, else the dialect's query style, else its default; see the module comment).
 *
 * @example
 * signArriving('zenlayer-vm', { method: 'POST', target: '/api/v2/vm', headers, body }, { baseUrl, credentials, nowMs: Date.now() })
 */
export function signArriving(dialect: DialectName, req: ArrivingRequest, ctx: SigningContext): SignedArrival {
  const description = describeDialect(dialect);
  const wire = arrivingStyle(description, req.headers);
  const base = new URL(ctx.baseUrl);
  const { path, rawQuery } = splitTarget(req.target);
  // The entry of the style's scheme takes that scheme's signer (the lookup's union is the compiler's limit, not a choice).
  const sign = SIGNERS[wire.signer.scheme] as (at: SignPlace, signer: StyleSigner) => SignedArrival;
  return sign({
    req,
    ctx,
    wire,
    version: description.version.value,
    region: description.region?.default,
    host: base.host,
    fullPath: `${base.pathname.replace(/\/+$/, '')}${path}`,
    path,
    rawQuery,
    contentType: req.headers['content-type'],
    seconds: Math.floor(ctx.nowMs / 1000),
  }, wire.signer);
}
