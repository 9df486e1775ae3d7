/**
 * The reference provider's public API: msw handlers, the HTTP server, the rules as data, and the store.
 *
 * @example
 * import { startProviderServer } from './src/provider/index.ts';
 * const p = await startProviderServer({ dialect: 'aliyun-ecs', port: 0 });
 */
export {
  createProvider,
  DEFAULT_API3_RATE_LIMIT,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_TRANSITION_MS,
  DIALECT_PATHS,
  dialectError,
  providerHandlers,
  type Provider,
  type ProviderOptions,
} from './handlers.ts';
export { type ProviderAnswer, type ProviderRequest } from './exchange.ts';
export { startProviderServer, type ProviderServerOptions, type RunningProvider } from './server.ts';
export {
  defaultRules,
  isValidId,
  resolveRules,
  type CodeTable,
  type DialectRules,
  type ErrorKey,
  type ErrorSpec,
  type RulesOverride,
} from './rules.ts';
export { InstanceStore, type InstanceView } from './store.ts';
export { INSTANCES_EXIST_STATE, PROVIDER_STATES_PATH } from './states.ts';
export type { ProviderContext } from './context.ts';
