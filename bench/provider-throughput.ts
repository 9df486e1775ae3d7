/**
 * Throughput of the reference provider next to a bare node:http server, same run, same autocannon settings.
 *
 * Run: `npx tsx bench/provider-throughput.ts [durationSeconds=5] [connections=10]`. Not part of `npm test`.
 *
 * The provider is zenlayer-vm; every request is a one-id StopInstances of a DIFFERENT instance (a stopped
 * instance cannot be stopped again), so the store is seeded with more RUNNING instances than the run can use,
 * straight into the provider's store (seeding hundreds of thousands through the provider-state endpoint would
 * only measure seeding). Any non-2xx answer (for example running out of instances) is reported.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { startProviderServer } from '../src/provider/server.ts';

const durationSeconds = Number(process.argv[2] ?? '5');
const connections = Number(process.argv[3] ?? '10');
const SEEDED = 400_000;

async function bareServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const body = JSON.stringify({ requestId: '00000000-0000-0000-0000-000000000000', response: { requestId: '00000000-0000-0000-0000-000000000000' } });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const provider = await startProviderServer({ dialect: 'zenlayer-vm', transitionMs: 1000 });
const store = provider.provider?.store;
if (!store) throw new Error('provider has no store');
for (let i = 0; i < SEEDED; i += 1) store.put(`bench-${i}`, 'RUNNING', false);
const bare = await bareServer();

let next = 0;
const headers = { 'content-type': 'application/json', 'x-zc-action': 'StopInstances' };
const providerResult = await autocannon({
  url: provider.url,
  connections,
  duration: durationSeconds,
  requests: [
    {
      method: 'POST',
      path: '/api/v2/vm',
      headers,
      setupRequest: (request) => {
        const id = `bench-${next}`;
        next += 1;
        return { ...request, body: JSON.stringify({ instanceIds: [id] }) };
      },
    },
  ],
});
const bareResult = await autocannon({
  url: bare.url,
  connections,
  duration: durationSeconds,
  method: 'POST',
  headers,
  body: JSON.stringify({ instanceIds: ['bench-x'] }),
});

await provider.close();
await bare.close();

const fmt = (n: number): string => n.toFixed(0).padStart(8);
process.stdout.write(`autocannon: ${connections} connections, ${durationSeconds} s each, node ${process.version}\n`);
process.stdout.write(
  `reference provider (zenlayer-vm one-id StopInstances, ${SEEDED} seeded): ${fmt(providerResult.requests.average)} req/s  ` +
    `p99 ${providerResult.latency.p99} ms  2xx ${providerResult['2xx']}  non2xx ${providerResult.non2xx}  errors ${providerResult.errors}\n`,
);
process.stdout.write(
  `bare node:http fixed JSON body:                        ${fmt(bareResult.requests.average)} req/s  ` +
    `p99 ${bareResult.latency.p99} ms  2xx ${bareResult['2xx']}  non2xx ${bareResult.non2xx}  errors ${bareResult.errors}\n`,
);
process.stdout.write(`provider / bare: ${(providerResult.requests.average / bareResult.requests.average).toFixed(2)}\n`);
if (next > SEEDED) process.stdout.write(`warning: ran out of seeded instances (${next} requests)\n`);
