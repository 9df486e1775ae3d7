/**
 * Official-SDK interop scenarios for the provider's tests (`sdk-interop*.test.ts`): the Tencent Node SDK
 * (`tencentcloud-sdk-nodejs-cvm`) and the Alibaba Cloud SDK (`@alicloud/ecs20140526`) call the provider with
 * signature verification on. Shared by the real-HTTP and the in-process msw variants.
 */
import * as ecs from '@alicloud/ecs20140526';
import { Config } from '@alicloud/openapi-client';
import * as tencentcloud from 'tencentcloud-sdk-nodejs-cvm';
import type { Credentials } from '../dialects/types.ts';

/** The CVM client class of the Tencent SDK. */
const CvmClient = tencentcloud.cvm.v20170312.Client;

/** A Tencent CVM SDK client pointed at `endpoint` (`host[:port]`, no scheme) over plain HTTP. */
export function tencentClient(
  endpoint: string,
  credentials: Credentials,
  reqMethod: 'POST' | 'GET' = 'POST',
): InstanceType<typeof CvmClient> {
  return new CvmClient({
    credential: { secretId: credentials.accessKeyId, secretKey: credentials.accessKeySecret },
    region: 'ap-guangzhou',
    profile: { httpProfile: { endpoint, protocol: 'http://', reqMethod, reqTimeout: 10 } },
  });
}

/**
 * The ECS client class: the CommonJS module's `default`, which Node's ESM interop shows as `default.default` and
 * vitest's as `default`.
 */
const ecsDefault: unknown = ecs.default;
const EcsClient = (
  typeof ecsDefault === 'function' ? ecsDefault : (ecsDefault as { default: unknown }).default
) as typeof ecs.default.default;
type EcsClientClass = typeof EcsClient;

/** An Alibaba Cloud ECS SDK client pointed at `endpoint` (`host[:port]`) over plain HTTP. */
export function aliyunClient(endpoint: string, credentials: Credentials): InstanceType<EcsClientClass> {
  const config = new Config({
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    endpoint,
    protocol: 'http',
    regionId: 'cn-hangzhou',
    readTimeout: 10_000,
    connectTimeout: 10_000,
  });
  return new EcsClient(config as unknown as ConstructorParameters<EcsClientClass>[0]);
}

/** The ECS request models. */
export const EcsModels = {
  StopInstancesRequest: ecs.StopInstancesRequest,
  DescribeInstanceStatusRequest: ecs.DescribeInstanceStatusRequest,
};

/** Run a promise expected to reject; return the SDK error's `code` (or a description when it resolved). */
export async function rejectionCode(pending: Promise<unknown>): Promise<string> {
  try {
    await pending;
    return '<resolved>';
  } catch (err: unknown) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? code : `<no code: ${err instanceof Error ? err.message : String(err)}>`;
  }
}
