/**
 * A sink for `startProxy` in tests: reads the proxy's log in line with the {@link TrafficReader} and hands each
 * exchange to the test (the proxy command's sink is the judge's worker; the reading is the same).
 */
import type { ObservedExchange } from '../judge/judge.ts';
import type { TrafficSink } from '../judge/proxy.ts';
import { TrafficReader } from '../judge/traffic-reader.ts';

/**
 * A sink that reads in line; `finish()` ends the requests still waiting (call it after the proxy closed).
 *
 * @example
 * const sink = readingSink(upstreamUrl, (ex) => seen.push(ex));
 * const proxy = await startProxy({ upstream: upstreamUrl, host: '127.0.0.1', port: 0, sink });
 */
export function readingSink(upstream: string, onExchange: (exchange: ObservedExchange) => void): TrafficSink & { finish(): void } {
  const reader = new TrafficReader(new URL(upstream).origin, onExchange);
  const waiters: (() => void)[] = [];
  return {
    write: (entries) => {
      for (const e of entries) reader.read(e);
      if (reader.pendingCount() === 0) for (const w of waiters.splice(0)) w();
    },
    idle: () => (reader.pendingCount() === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    finish: () => reader.finish(Date.now()),
  };
}
