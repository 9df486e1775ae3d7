/**
 * Test support: a loopback stand-in for a Pact Broker (the real one is a Ruby application that cannot run here). It
 * serves exactly the HAL resources Pact's verifier uses, shaped as the broker's API documentation shows them
 * (pact_broker's lib/pact_broker/doc/views: the index, provider-pacts-for-verification, a pact version with its
 * `pb:publish-verification-results` and `pb:provider` links, the pacticipant with `pb:branch-version`,
 * publish-verification-results, pacticipant-branch-version), refuses any request without the bearer token (401), and
 * records every request, so a test can assert what the verifier fetched and published.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One pact the broker holds. */
export interface BrokerPact {
  readonly consumer: string;
  readonly provider: string;
  /** The pact document as published (JSON). */
  readonly content: Readonly<Record<string, unknown>>;
}

/** One request the broker received. */
export interface BrokerRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  /** The body parsed as JSON (`undefined` when there is none or it is not JSON). */
  readonly body: unknown;
  readonly status: number;
}

/** A running fake broker. */
export interface FakeBroker {
  readonly url: string;
  /** Every request, in order of arrival. */
  readonly requests: readonly BrokerRequest[];
  close(): Promise<void>;
}

const HAL = 'application/hal+json;charset=utf-8';

const sha = (pact: BrokerPact): string => createHash('sha1').update(JSON.stringify(pact.content)).digest('hex');

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Start a fake broker on a free loopback port that holds `pacts` and accepts `Authorization: Bearer <token>` only.
 *
 * @example
 * const broker = await startFakeBroker({ token: 's3cret', pacts: [{ consumer: 'vmconform', provider: 'zenlayer-vm', content }] });
 */
export async function startFakeBroker(options: { readonly token: string; readonly pacts: readonly BrokerPact[] }): Promise<FakeBroker> {
  const requests: BrokerRequest[] = [];
  let base = '';
  const enc = encodeURIComponent;
  const pactUrl = (p: BrokerPact): string => `${base}/pacts/provider/${enc(p.provider)}/consumer/${enc(p.consumer)}/pact-version/${sha(p)}`;
  const pacticipantUrl = (name: string): string => `${base}/pacticipants/${enc(name)}`;

  /** The resource at `method path`, as the broker documents it: [status, JSON body]. */
  const route = (method: string, path: string, body: unknown, contentType: string | undefined): [number, unknown] => {
    const parts = path.split('/').slice(1).map((p) => decodeURIComponent(p));
    if (method === 'GET' && path === '/') {
      return [
        200,
        {
          _links: {
            self: { href: base, title: 'Index', templated: false },
            'pb:provider-pacts-for-verification': {
              href: `${base}/pacts/provider/{provider}/for-verification`,
              title: 'Pact versions to be verified for the specified provider',
              templated: true,
            },
            'pb:pacticipant': { href: `${base}/pacticipants/{pacticipant}`, title: 'Fetch pacticipant by name', templated: true },
          },
        },
      ];
    }
    // /pacts/provider/{provider}/for-verification: GET (deprecated, what the verifier navigates through) and POST.
    if (parts.length === 4 && parts[0] === 'pacts' && parts[1] === 'provider' && parts[3] === 'for-verification' && (method === 'GET' || method === 'POST')) {
      if (method === 'POST' && !(contentType ?? '').toLowerCase().startsWith('application/json')) return [415, { error: 'expected application/json' }];
      const provider = parts[2] ?? '';
      return [
        200,
        {
          _embedded: {
            pacts: options.pacts
              .filter((p) => p.provider === provider)
              .map((p) => ({
                shortDescription: `latest from ${p.consumer}`,
                verificationProperties: {
                  notices: [{ text: `This pact is being verified because it is the latest pact from ${p.consumer}`, when: 'before_verification' }],
                  ...(method === 'POST' && (body as { includePendingStatus?: unknown } | undefined)?.includePendingStatus === true ? { pending: false } : {}),
                },
                _links: { self: { href: pactUrl(p), name: `Pact between ${p.consumer} and ${p.provider}` } },
              })),
          },
          _links: { self: { href: `${base}${path}`, title: `Pacts to be verified by provider ${provider}` } },
        },
      ];
    }
    // /pacts/provider/{provider}/consumer/{consumer}/pact-version/{sha}[/verification-results]
    if (parts[0] === 'pacts' && parts[1] === 'provider' && parts[3] === 'consumer' && parts[5] === 'pact-version') {
      const pact = options.pacts.find((p) => p.provider === parts[2] && p.consumer === parts[4] && sha(p) === parts[6]);
      if (pact === undefined) return [404, { error: 'no such pact' }];
      if (parts.length === 7 && method === 'GET') {
        return [
          200,
          {
            ...pact.content,
            _links: {
              self: { href: pactUrl(pact), title: 'Pact' },
              'pb:consumer': { title: 'Consumer', name: pact.consumer, href: pacticipantUrl(pact.consumer) },
              'pb:provider': { title: 'Provider', name: pact.provider, href: pacticipantUrl(pact.provider) },
              'pb:publish-verification-results': { title: 'Publish verification results', href: `${pactUrl(pact)}/verification-results` },
            },
          },
        ];
      }
      if (parts.length === 8 && parts[7] === 'verification-results' && method === 'POST') {
        const b = body as { success?: unknown; providerApplicationVersion?: unknown } | undefined;
        if (typeof b?.success !== 'boolean' || typeof b.providerApplicationVersion !== 'string') {
          return [400, { errors: { success: ['is required'], providerApplicationVersion: ['is required'] } }];
        }
        return [201, { ...b, _links: { self: { href: `${pactUrl(pact)}/verification-results/1`, title: 'Verification result' } } }];
      }
    }
    // /pacticipants/{name} and /pacticipants/{name}/branches/{branch}/versions/{version}
    if (parts[0] === 'pacticipants' && parts.length === 2 && method === 'GET') {
      const name = parts[1] ?? '';
      return [
        200,
        {
          name,
          _links: {
            self: { href: pacticipantUrl(name) },
            'pb:version-tag': { href: `${pacticipantUrl(name)}/versions/{version}/tags/{tag}`, templated: true },
            'pb:branch-version': {
              title: `Get or add/create a version for a branch of ${name}`,
              href: `${pacticipantUrl(name)}/branches/{branch}/versions/{version}`,
              templated: true,
            },
          },
        },
      ];
    }
    if (parts[0] === 'pacticipants' && parts[2] === 'branches' && parts[4] === 'versions' && parts.length === 6 && method === 'PUT') {
      return [200, { _links: { self: { href: `${base}${path}` } } }];
    }
    return [404, { error: `no resource at ${method} ${path}` }];
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void readBody(req).then((text) => {
      const path = new URL(req.url ?? '/', 'http://broker').pathname;
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      const authorization = req.headers.authorization;
      const [status, answer] =
        authorization === `Bearer ${options.token}` ? route(req.method ?? 'GET', path, body, req.headers['content-type']) : [401, { error: 'unauthorized' }];
      requests.push({ method: req.method ?? 'GET', path, authorization, contentType: req.headers['content-type'], body, status });
      res.writeHead(status, { 'content-type': HAL });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
