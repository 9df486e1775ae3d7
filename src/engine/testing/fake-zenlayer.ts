/**
 * A tiny zenlayer-vm target for the engine's own tests (node:http on 127.0.0.1, port 0): the provider-state
 * endpoint, StopInstances and DescribeInstancesStatus, with switchable faults so tests can make it wrong on purpose.
 * Not the reference provider (src/provider/); it only knows what the engine tests need.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A way to be wrong. */
export type FakeFault =
  | 'none'
  | 'no-stop' // answers success but changes nothing
  | 'server-error' // StopInstances answers 500
  | 'garbage' // StopInstances answers 200 text/html
  | 'hang' // StopInstances never answers
  | 'setup-500' // provider-state setup answers 500
  | 'wrong-code' // unknown ids get 404 NOT_FOUND instead of INVALID_INSTANCE_NOT_FOUND
  | 'stop-on-error' // rejects a batch but stops the RUNNING instances anyway
  | 'same-request-id' // every answer carries the same requestId
  | 'never-stopped' // STOPPING forever
  | 'rate-limit' // more than 5 StopInstances within 1 s -> 429 RATE_LIMITED
  | 'html-errors' // every error answer keeps its status but its body becomes text/html "<html>Bad</html>"
  | 'null-body' // StopInstances answers 200 application/json `null`
  | 'truncated-json' // StopInstances answers 200 application/json with a truncated success envelope
  | 'dup-rejected' // a batch naming an id twice is rejected (400 INVALID_PARAMETER) and changes nothing
  | 'dup-rejected-but-stops' // a batch naming an id twice is rejected (400) but its instances are stopped anyway
  | 'dup-accepted-no-stop' // a batch naming an id twice gets the success envelope but nothing stops
  | 'status-pages-of-2' // status queries answer at most 2 entries per page (whatever pageSize asks), pageNum honoured, totalCount given
  | 'status-pages-of-2-no-total' // the same without totalCount
  | 'status-reversed' // status entries in reverse order
  | 'status-throttled' // every second status query answers 429 TOO_MANY_REQUESTS
  | 'stop-throttled'; // every second StopInstances answers 429 TOO_MANY_REQUESTS (and changes nothing)

/** A running fake target. */
export interface FakeTarget {
  readonly url: string;
  readonly statesUrl: string;
  fault: FakeFault;
  /** Instances currently seeded (id -> status). */
  readonly instances: Map<string, string>;
  /** Every provider-state action received, in order. */
  readonly stateCalls: { action: string; ids: string[] }[];
  /** StopInstances requests received. */
  stopCalls: number;
  close(): Promise<void>;
}

let counter = 0;

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Start the fake.
 *
 * @example
 * const fake = await startFakeZenlayer({ transitionMs: 50 });
 */
export async function startFakeZenlayer(options: { transitionMs?: number } = {}): Promise<FakeTarget> {
  const transitionMs = options.transitionMs ?? 50;
  const instances = new Map<string, string>();
  const stateCalls: { action: string; ids: string[] }[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const stopTimes: number[] = [];
  const hanging = new Set<ServerResponse>();
  let statusQueries = 0;
  const fake: FakeTarget = {
    url: '',
    statesUrl: '',
    fault: 'none',
    instances,
    stateCalls,
    stopCalls: 0,
    close: async () => undefined,
  };
  const rid = (): string => (fake.fault === 'same-request-id' ? 'req-fixed' : `req-${++counter}`);
  const error = (res: ServerResponse, status: number, code: string, message: string): void => {
    if (fake.fault === 'html-errors') {
      send(res, status, '<html>Bad</html>', 'text/html');
      return;
    }
    const id = rid();
    send(res, status, { requestId: id, code, message });
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const text = await readBody(req);
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        error(res, 400, 'INVALID_PARAMETER', 'bad JSON');
        return;
      }
      if (req.url === '/_vmconform/provider-states') {
        const list = ((body['params'] as { instances?: { id: string; status?: string }[] } | undefined)?.instances ?? []);
        stateCalls.push({ action: String(body['action']), ids: list.map((i) => i.id) });
        if (body['action'] === 'setup') {
          if (fake.fault === 'setup-500') {
            send(res, 500, { error: 'store is down' });
            return;
          }
          for (const i of list) instances.set(i.id, i.status ?? 'RUNNING');
          send(res, 200, {});
        } else if (body['action'] === 'teardown') {
          for (const i of list) instances.delete(i.id);
          send(res, 200, {});
        } else {
          send(res, 400, { error: 'unknown action' });
        }
        return;
      }
      if (req.url !== '/api/v2/vm' || req.method !== 'POST') {
        send(res, 404, 'not found', 'text/plain');
        return;
      }
      const action = req.headers['x-zc-action'];
      const ids = body['instanceIds'];
      if (action === 'DescribeInstancesStatus') {
        const list = Array.isArray(ids) ? ids.filter((i): i is string => typeof i === 'string') : [];
        if (fake.fault === 'status-throttled' && ++statusQueries % 2 === 1) {
          error(res, 429, 'TOO_MANY_REQUESTS', 'slow down');
          return;
        }
        const all = list.filter((i) => instances.has(i)).map((i) => ({ instanceId: i, instanceStatus: instances.get(i) }));
        if (fake.fault === 'status-reversed') all.reverse();
        const paged = fake.fault === 'status-pages-of-2' || fake.fault === 'status-pages-of-2-no-total';
        const pageNum = typeof body['pageNum'] === 'number' ? body['pageNum'] : 1;
        const dataSet = paged ? all.slice((pageNum - 1) * 2, pageNum * 2) : all;
        const id = rid();
        const total = fake.fault === 'status-pages-of-2-no-total' ? {} : { totalCount: all.length };
        send(res, 200, { requestId: id, response: { requestId: id, ...total, dataSet } });
        return;
      }
      if (action !== 'StopInstances') {
        error(res, 400, 'INVALID_ACTION', 'unknown action');
        return;
      }
      fake.stopCalls++;
      if (fake.fault === 'stop-throttled' && fake.stopCalls % 2 === 1) {
        error(res, 429, 'TOO_MANY_REQUESTS', 'slow down');
        return;
      }
      if (fake.fault === 'hang') {
        hanging.add(res);
        return;
      }
      if (fake.fault === 'server-error') {
        send(res, 500, { requestId: rid(), code: 'INTERNAL', message: 'boom' });
        return;
      }
      if (fake.fault === 'garbage') {
        send(res, 200, '<html>oops</html>', 'text/html');
        return;
      }
      if (fake.fault === 'rate-limit') {
        const now = Date.now();
        stopTimes.push(now);
        while ((stopTimes[0] ?? now) <= now - 1000) stopTimes.shift();
        if (stopTimes.length > 5) {
          error(res, 429, 'RATE_LIMITED', 'slow down');
          return;
        }
      }
      if (fake.fault === 'null-body') {
        send(res, 200, 'null');
        return;
      }
      if (fake.fault === 'truncated-json') {
        send(res, 200, `{"requestId":"${rid()}","response":{"req`);
        return;
      }
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100 || !ids.every((i) => typeof i === 'string')) {
        error(res, 400, 'INVALID_PARAMETER', 'instanceIds');
        return;
      }
      const list = ids as string[];
      if (new Set(list).size !== list.length) {
        if (fake.fault === 'dup-rejected-but-stops') {
          for (const i of list) if (instances.get(i) === 'RUNNING') instances.set(i, 'STOPPING');
          error(res, 400, 'INVALID_PARAMETER', 'duplicated instanceIds');
          return;
        }
        if (fake.fault === 'dup-rejected') {
          error(res, 400, 'INVALID_PARAMETER', 'duplicated instanceIds');
          return;
        }
        if (fake.fault === 'dup-accepted-no-stop') {
          const id = rid();
          send(res, 200, { requestId: id, response: { requestId: id } });
          return;
        }
      }
      const unknown = list.find((i) => !instances.has(i));
      const running = list.filter((i) => instances.get(i) === 'RUNNING');
      if (unknown !== undefined || running.length !== list.length) {
        if (fake.fault === 'stop-on-error') for (const i of running) instances.set(i, 'STOPPING');
        if (unknown !== undefined) {
          error(res, 404, fake.fault === 'wrong-code' ? 'NOT_FOUND' : 'INVALID_INSTANCE_NOT_FOUND', `no ${unknown}`);
        } else {
          error(res, 403, 'OPERATION_DENIED_INSTANCE_NOT_RUNNING', 'not running');
        }
        return;
      }
      if (fake.fault !== 'no-stop') {
        for (const i of list) instances.set(i, 'STOPPING');
        if (fake.fault !== 'never-stopped') {
          const t = setTimeout(() => {
            timers.delete(t);
            for (const i of list) if (instances.get(i) === 'STOPPING') instances.set(i, 'STOPPED');
          }, transitionMs);
          timers.add(t);
        }
      }
      const id = rid();
      send(res, 200, { requestId: id, response: { requestId: id } });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return Object.assign(fake, {
    url,
    statesUrl: `${url}/_vmconform/provider-states`,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
