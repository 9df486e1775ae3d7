/**
 * Test support: hostile targets. Each is the zenlayer-vm reference provider (states, status reads) whose
 * StopInstances answers are replaced by something a hostile or broken server might send: terminal escape sequences
 * in every field, JSON nested 100,000 levels deep, or bodies just over the size the suite reads. The tests and the
 * memory benchmark point the CLI at them.
 */
import { http, HttpResponse } from 'msw';
import { actionOf, isStatesRequest, startWithHandler, type StartVariant } from '../provider-variants/build.ts';
import { MAX_RESPONSE_BYTES } from '../dialects/transport.ts';

/** ESC/OSC/CSI sequences that would retitle a terminal, clear it and paint it if printed raw (C1 CSI included). */
export const TERMINAL_ATTACK = '\u001b]0;pwned\u0007\u001b[2J\u001b[31mRED\u009b1m\r\u0000X';

/** The kinds of hostile answer. */
export type HostileKind = 'escapes' | 'deep-json' | 'huge-body';

/** What each kind sends instead of a StopInstances answer. */
const ANSWERS: Readonly<Record<HostileKind, () => Response>> = {
  escapes: () =>
    HttpResponse.json(
      { requestId: `r-${TERMINAL_ATTACK}`, code: `INVALID_${TERMINAL_ATTACK}`, message: `bad ${TERMINAL_ATTACK}` },
      { status: 400, headers: { 'x-note': 'escapes' } },
    ),
  'deep-json': () =>
    new HttpResponse(`{"requestId":"r1","response":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`, {
      status: 200,
      headers: { 'content-type': 'application/json' },
    }),
  'huge-body': () =>
    new HttpResponse(JSON.stringify({ requestId: 'r1', code: 'X', message: 'x'.repeat(MAX_RESPONSE_BYTES) }), {
      status: 400,
      headers: { 'content-type': 'application/json' },
    }),
};

/**
 * A hostile zenlayer-vm target of one kind.
 *
 * @example
 * const target = await hostileTarget('escapes')({ transitionMs: 100 });
 */
export function hostileTarget(kind: HostileKind): StartVariant {
  return startWithHandler('zenlayer-vm', (forward) =>
    http.all('*', async ({ request }) => {
      if (isStatesRequest(request) || (await actionOf(request.clone())) !== 'StopInstances') return forward(request);
      return ANSWERS[kind]();
    }),
  );
}
