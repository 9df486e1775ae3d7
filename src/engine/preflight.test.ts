/**
 * The preflight over real HTTP on loopback: the reference provider passes it in every dialect; a target whose status
 * query does not read what its provider-state endpoint seeded fails it with one diagnosis and the status query as a
 * curl line, and the seeded instances are torn down either way.
 */
import { describe, expect, it } from 'vitest';
import { getDialect } from '../dialects/index.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import type { Provider } from '../provider/handlers.ts';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import {
  actionOf,
  everyRequest,
  isStatesRequest,
  mapObjects,
  rewriteAnswer,
  rewriteJsonBody,
  startWithHandler,
  type Forward,
} from '../provider-variants/build.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { preflight, preflightSeeds } from './preflight.ts';

const STATUS_ACTIONS = new Set(['DescribeInstancesStatus', 'DescribeInstances', 'DescribeInstanceStatus']);

async function runPreflight(target: RunningProvider, dialect: DialectName, states = true): ReturnType<typeof preflight> {
  return preflight({ dialect, target: target.url, statesUrl: `${target.url}/_vmconform/provider-states`, credentials: TEST_CREDENTIALS, timeoutMs: 5_000, states });
}

/** A provider with one handler in front of the reference; `provider` is the reference behind it (its store). */
async function variant(dialect: DialectName, answer: (request: Request, forward: Forward) => Promise<Response>): Promise<{ server: RunningProvider; provider: () => Provider }> {
  let behind: Provider | undefined;
  const server = await startWithHandler(dialect, (forward, provider) => {
    behind = provider;
    return everyRequest((request) => answer(request, forward));
  })();
  return {
    server,
    provider: () => {
      if (!behind) throw new Error('no provider');
      return behind;
    },
  };
}

describe('preflight', () => {
  it.each(DIALECT_NAMES)('passes against the reference provider of %s, and leaves no instance behind', async (dialect) => {
    const server = await startProviderServer({ dialect });
    try {
      expect(await runPreflight(server, dialect)).toBeUndefined();
      expect(server.provider?.store.page(0, 100)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('seeds the running and stopped words and one more, all different', () => {
    for (const d of DIALECT_NAMES) {
      const seeds = preflightSeeds(getDialect(d), 't');
      expect(new Set(seeds.map((s) => s.status)).size, d).toBe(3);
      expect(seeds.map((s) => s.status).slice(0, 2)).toEqual([getDialect(d).lifecycle.running, getDialect(d).lifecycle.stopped]);
    }
  });

  it('fails with one diagnosis and the status query as a curl line when the target seeds every instance RUNNING, and tears them down', async () => {
    const { server, provider } = await variant('zenlayer-vm', async (request, forward) =>
      isStatesRequest(request)
        ? forward(await rewriteJsonBody(request, (b) => mapObjects(b, (o) => (typeof o['status'] === 'string' ? { ...o, status: 'RUNNING' } : o)) as Record<string, unknown>))
        : forward(request),
    );
    try {
      const failed = await runPreflight(server, 'zenlayer-vm');
      expect(failed?.status).toBe('failed');
      expect(failed?.findings).toHaveLength(1);
      const finding = failed?.findings[0];
      expect(finding?.message).toMatch(/^the status query does not read the seeded statuses: seeded \S+ as RUNNING, \S+ as STOPPED, \S+ as PENDING through http:\/\/127\.0\.0\.1:\d+\/_vmconform\/provider-states, read \S+ as RUNNING, \S+ as RUNNING\. Every case reads/);
      expect(finding?.curl).toMatch(/^curl .*DescribeInstancesStatus/s);
      expect(provider().store.page(0, 100)).toEqual([]);
      // Without provider states nothing is seeded, so nothing is read back.
      expect(await runPreflight(server, 'zenlayer-vm', false)).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('names the instances a status query leaves out', async () => {
    const { server } = await variant('aliyun-ecs', async (request, forward) => {
      const answer = await forward(request);
      if (isStatesRequest(request) || !STATUS_ACTIONS.has((await actionOf(request)) ?? '')) return answer;
      return rewriteAnswer(answer, (body) => mapObjects(body, (o) => (Array.isArray(o['InstanceStatus']) ? { ...o, InstanceStatus: [] } : o)));
    });
    try {
      const failed = await runPreflight(server, 'aliyun-ecs');
      expect(failed?.findings[0]?.message).toMatch(/read \S+ not at all \(left out\), \S+ not at all \(left out\), \S+ not at all \(left out\)\./);
      expect(failed?.findings[0]?.curl).toMatch(/DescribeInstanceStatus/);
    } finally {
      await server.close();
    }
  });
});
