import { describe, expect, it } from 'vitest';
import { WindowPacer } from './pacer.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('WindowPacer', () => {
  it('starts at most maxPerWindow paced requests per rolling window', async () => {
    const pacer = new WindowPacer({ maxPerWindow: 3, windowMs: 200, cooldownMs: 0 });
    const started: number[] = [];
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 7 }, () => pacer.paced(async () => started.push(Date.now() - t0))));
    for (let i = 3; i < started.length; i++) expect((started[i] ?? 0) - (started[i - 3] ?? 0)).toBeGreaterThanOrEqual(199);
    expect(started[6]).toBeGreaterThanOrEqual(399);
  });

  it('runs paced requests one at a time', async () => {
    const pacer = new WindowPacer({ maxPerWindow: 100 });
    let inFlight = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 5 }, () =>
        pacer.paced(async () => {
          inFlight++;
          most = Math.max(most, inFlight);
          await sleep(10);
          inFlight--;
        }),
      ),
    );
    expect(most).toBe(1);
  });

  it('a paced request that hangs holds the queue one window at most: hanging requests overlap, never queue end to end', async () => {
    const pacer = new WindowPacer({ maxPerWindow: 100, windowMs: 50 });
    const events: string[] = [];
    const results = await Promise.all(
      Array.from({ length: 3 }, (_, i) =>
        pacer.paced(async () => {
          events.push(`start ${i}`);
          await sleep(400);
          events.push(`end ${i}`);
          return i;
        }),
      ),
    );
    expect(results).toEqual([0, 1, 2]);
    // The next one starts while the one before still hangs: each costs its own wait, in parallel.
    expect(events.slice(0, 3)).toEqual(['start 0', 'start 1', 'start 2']);
  });

  it('a burst runs alone: after the last paced request has cooled down, and holds the pacer for the cooldown after', async () => {
    const pacer = new WindowPacer({ maxPerWindow: 8, windowMs: 200, cooldownMs: 150 });
    const events: [string, number][] = [];
    const t0 = Date.now();
    const log = (e: string): void => {
      events.push([e, Date.now() - t0]);
    };
    await pacer.paced(async () => log('paced1'));
    const burst = pacer.exclusive(async () => {
      log('burst-start');
      await sleep(20);
      log('burst-end');
      return 42;
    });
    const after = pacer.paced(async () => log('paced2'));
    expect(await burst).toBe(42);
    await after;
    const at = (e: string): number => events.find(([n]) => n === e)?.[1] ?? -1;
    expect(events.map(([n]) => n)).toEqual(['paced1', 'burst-start', 'burst-end', 'paced2']);
    expect(at('burst-start') - at('paced1')).toBeGreaterThanOrEqual(145);
    expect(at('paced2') - at('burst-end')).toBeGreaterThanOrEqual(145);
  });

  it('a failing request or burst still releases the pacer', async () => {
    const pacer = new WindowPacer({ cooldownMs: 10 });
    await expect(pacer.exclusive(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await expect(pacer.paced(async () => Promise.reject(new Error('y')))).rejects.toThrow('y');
    expect(await pacer.paced(async () => 7)).toBe(7);
  });
});
