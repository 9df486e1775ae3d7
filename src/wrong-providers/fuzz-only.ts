/**
 * Wrong providers that the case catalog passes and only the fuzzer (`src/fuzz/`) catches: each breaks a documented
 * rule in a way that needs a particular combination or sequence (a refused batch of exactly 100 ids, a refused
 * request that changes an instance later, a dry run that stops after a failed real call). A test asserts that every
 * case passes against each, and that the fuzzer reports a finding on each.
 */
import type { DialectName } from '../dialects/types.ts';
import type { Provider } from '../provider/handlers.ts';
import type { RunningProvider } from '../provider/server.ts';
import {
  actionOf,
  everyRequest,
  isStatesRequest,
  paramValues,
  requestedIds,
  startWithHandler,
  type VariantStartOptions,
} from '../provider-variants/build.ts';

/** One wrong provider the catalog cannot see through. */
export interface FuzzOnlyWrongProvider {
  readonly name: string;
  readonly dialect: DialectName;
  /** The inventory rule it breaks. */
  readonly breaks: string;
  readonly description: string;
  start(options?: VariantStartOptions): Promise<RunningProvider>;
}

/** Whether an answer refused the request (an error envelope: HTTP 4xx/5xx, or tencent's `Response.Error`). */
async function refused(answer: Response): Promise<boolean> {
  return answer.status >= 400 || (await answer.clone().text()).includes('"Error"');
}

/** The ids of `ids` that the provider holds in its running word. */
function runningOf(provider: Provider, ids: readonly string[]): string[] {
  return ids.filter((id) => provider.store.get(id)?.status === provider.rules.lifecycle.running);
}

/**
 * The catalog of fuzz-only wrong providers.
 *
 * @example
 * const w = FUZZ_ONLY_WRONG_PROVIDERS[0]; const running = await w.start(); // vmconform fuzz finds it, vmconform run does not
 */
export const FUZZ_ONLY_WRONG_PROVIDERS: readonly FuzzOnlyWrongProvider[] = Object.freeze([
  {
    name: 'zenlayer-vm-100-batch-not-atomic',
    dialect: 'zenlayer-vm',
    breaks: 'resolution:failed-request-changes-nothing',
    description: 'a refused batch of exactly 100 ids still stops its running instances (smaller and larger batches are all or nothing)',
    start: startWithHandler('zenlayer-vm', (forward, provider) =>
      everyRequest(async (request) => {
        if (isStatesRequest(request) || (await actionOf(request)) !== 'StopInstances') return forward(request);
        const ids = await requestedIds(request);
        const running = ids.length === 100 ? runningOf(provider, ids) : [];
        const answer = await forward(request);
        if (running.length > 0 && (await refused(answer))) for (const id of running) provider.store.beginStop(id);
        return answer;
      }),
    ),
  },
  {
    name: 'api2-refused-ids-stop-later',
    dialect: 'tencent-cvm-api2',
    breaks: 'resolution:failed-request-changes-nothing',
    description: 'a refused stop remembers the running instances it named; the next accepted stop of an instance seeded with them stops them too',
    start: startWithHandler('tencent-cvm-api2', (forward, provider) => {
      /** id -> the ids seeded in the same provider-state setup. */
      const group = new Map<string, readonly string[]>();
      const pending = new Set<string>();
      return everyRequest(async (request) => {
        if (isStatesRequest(request)) {
          const body = (await request.clone().json().catch(() => ({}))) as { action?: string; params?: { instances?: { id?: string }[] } };
          if (body.action === 'setup') {
            const ids = (body.params?.instances ?? []).flatMap((i) => (typeof i.id === 'string' ? [i.id] : []));
            for (const id of ids) group.set(id, ids);
          }
          return forward(request);
        }
        if ((await actionOf(request)) !== 'StopInstances') return forward(request);
        const ids = await requestedIds(request);
        const running = runningOf(provider, ids);
        const answer = await forward(request);
        if (await refused(answer)) {
          for (const id of running) pending.add(id);
        } else {
          for (const id of ids) {
            for (const other of group.get(id) ?? []) {
              if (pending.delete(other) && provider.store.get(other)?.status === provider.rules.lifecycle.running) provider.store.beginStop(other);
            }
          }
        }
        return answer;
      });
    }),
  },
  {
    name: 'aliyun-dry-run-after-failure-stops',
    dialect: 'aliyun-ecs',
    breaks: 'resolution:dryrun-success-400',
    description: 'after a refused real stop, a dry run that passes really stops the running instances the refused stop named',
    start: startWithHandler('aliyun-ecs', (forward, provider) => {
      const failed = new Set<string>();
      return everyRequest(async (request) => {
        if (isStatesRequest(request) || (await actionOf(request)) !== 'StopInstances') return forward(request);
        const ids = await requestedIds(request);
        const dry = (await paramValues(request, 'DryRun')).some((v) => String(v).toLowerCase() === 'true');
        const answer = await forward(request);
        const text = await answer.clone().text();
        if (!dry && answer.status >= 400) for (const id of runningOf(provider, ids)) failed.add(id);
        if (dry && text.includes('DRYRUN.SUCCESS')) {
          for (const id of ids) if (failed.delete(id) && provider.store.get(id)?.status === provider.rules.lifecycle.running) provider.store.beginStop(id);
        }
        return answer;
      });
    }),
  },
]);
