/**
 * Official SDKs against the reference provider over real HTTP, signature verification on.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { defineSdkSuite, type SdkTargets } from './sdk-suite.ts';
import { startProviderServer, type RunningProvider } from './server.ts';

let tencent: RunningProvider;
let aliyun: RunningProvider;

beforeAll(async () => {
  tencent = await startProviderServer({ dialect: 'tencent-cvm-api3', verifySignatures: TEST_CREDENTIALS });
  aliyun = await startProviderServer({ dialect: 'aliyun-ecs', verifySignatures: TEST_CREDENTIALS });
});
afterAll(async () => {
  await tencent.close();
  await aliyun.close();
});

function targets(): SdkTargets {
  return {
    tencentBase: tencent.url,
    tencentEndpoint: new URL(tencent.url).host,
    aliyunBase: aliyun.url,
    aliyunEndpoint: new URL(aliyun.url).host,
  };
}

describe('official SDKs over real HTTP (signatures verified)', () => {
  defineSdkSuite(targets, TEST_CREDENTIALS, 'h');
});
