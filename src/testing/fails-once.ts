/**
 * Test support: a zenlayer-vm reference provider whose first StopInstances answers HTTP 500, and every later request
 * as the reference does: a case that fails once and then passes (flaky under `--retries`).
 */
import { http, HttpResponse } from 'msw';
import { createProvider } from '../provider/handlers.ts';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';

/**
 * Start it on a free loopback port.
 *
 * @example
 * const once = await startFailsOnce(); // run --grep '^stop\.single$' --retries 1 against once.url: flaky
 */
export function startFailsOnce(transitionMs = 50): Promise<RunningProvider> {
  let stops = 0;
  return startProviderServer({
    dialect: 'zenlayer-vm',
    handlers: [
      http.post('*/api/v2/vm', ({ request }) => {
        if (request.headers.get('x-zc-action') !== 'StopInstances' || stops++ > 0) return undefined;
        return HttpResponse.json({ requestId: 'r-1', code: 'INTERNAL', message: 'try again' }, { status: 500 });
      }),
      ...createProvider('zenlayer-vm', { transitionMs }).handlers,
    ],
  });
}
