/**
 * Official SDKs against the reference provider's msw handlers in-process (no port), signature verification on.
 * Each provider answers only its own origin; anything else is an unhandled request, which fails the test.
 */
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe } from 'vitest';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { providerHandlers } from './handlers.ts';
import { defineSdkSuite } from './sdk-suite.ts';

const server = setupServer(
  ...providerHandlers('tencent-cvm-api3', { verifySignatures: TEST_CREDENTIALS, origin: 'http://cvm.vmconform.test' }),
  ...providerHandlers('aliyun-ecs', { verifySignatures: TEST_CREDENTIALS, origin: 'http://ecs.vmconform.test' }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

describe('official SDKs against the msw handlers in-process (signatures verified)', () => {
  defineSdkSuite(
    () => ({
      tencentBase: 'http://cvm.vmconform.test',
      tencentEndpoint: 'cvm.vmconform.test',
      aliyunBase: 'http://ecs.vmconform.test',
      aliyunEndpoint: 'ecs.vmconform.test',
    }),
    TEST_CREDENTIALS,
    'm',
  );
});
