/**
 * Does a StopInstances of 100 ids cost the same with 10 or 1,000,000 instances stored? (issue: the reference
 * provider's store must stay fast with many instances.) Sends the same number of 100-id stops over HTTP to a
 * zenlayer-vm reference provider whose store holds `background` other instances, and prints the median and p95 time
 * per request for each size, in the same run.
 *
 * Run: `npx tsx bench/store-scaling.ts [requests=200]`. Not part of `npm test`.
 */
import { request } from 'undici';
import { startProviderServer } from '../src/provider/server.ts';

const REQUESTS = Number(process.argv[2] ?? '200');
const BATCH = 100;

async function measure(background: number): Promise<{ median: number; p95: number }> {
  const provider = await startProviderServer({ dialect: 'zenlayer-vm', transitionMs: 60_000 });
  try {
    const store = provider.provider?.store;
    if (!store) throw new Error('provider has no store');
    for (let i = 0; i < background; i += 1) store.put(`bg-${i}`, 'RUNNING', false);
    for (let i = 0; i < REQUESTS * BATCH; i += 1) store.put(`t-${i}`, 'RUNNING', false);
    const times: number[] = [];
    for (let r = 0; r < REQUESTS; r += 1) {
      const ids = Array.from({ length: BATCH }, (_, k) => `t-${r * BATCH + k}`);
      const started = performance.now();
      const res = await request(`${provider.url}/api/v2/vm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-zc-action': 'StopInstances' },
        body: JSON.stringify({ instanceIds: ids }),
      });
      await res.body.text();
      times.push(performance.now() - started);
      if (res.statusCode !== 200) throw new Error(`stop ${r} answered HTTP ${res.statusCode}`);
    }
    times.sort((a, b) => a - b);
    const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? Number.NaN;
    return { median: at(0.5), p95: at(0.95) };
  } finally {
    await provider.close();
  }
}

for (const background of [10, 1_000_000]) {
  const { median, p95 } = await measure(background);
  console.log(
    `${String(background).padStart(9)} instances stored: 100-id StopInstances median ${median.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms (${REQUESTS} requests)`,
  );
}
