/**
 * The package's main entry (`import … from 'vmconform'`): the command line's {@link main}, the dialect names, the
 * exit codes, and the types of what vmconform reads and writes (`results.json`, baselines, case results, the
 * dialect interface, the reference provider's options). It loads commander and a few constants only; the
 * reference provider is `vmconform/provider`, the dialect modules `vmconform/dialects`.
 *
 * @example
 * import { main, type ResultsDocument } from 'vmconform';
 * process.exitCode = await main(['run', '--dialect', 'aliyun-ecs', '--target', 'http://127.0.0.1:8080']);
 */
export { main, type ExitSlot } from './cli/main.ts';
export { EXIT_FAILED, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE } from './errors.ts';
export {
  DIALECT_NAMES,
  isDialectName,
  type Credentials,
  type Dialect,
  type DialectContext,
  type DialectName,
  type Exchange,
  type OperationCall,
  type Outcome,
  type WireRequest,
  type WireResponse,
} from './dialects/types.ts';
export type { ResultsCase, ResultsDocument, ResultsGate, ResultsRun, RunSummary } from '../reporters/results-json.ts';
export type { Baseline, CaseGate, KnownFailure } from './engine/baseline.ts';
export type { CaseResult, CaseStatus, Finding, RecordedExchange } from './engine/types.ts';
export type { ProviderOptions, ProviderServerOptions, RunningProvider } from './provider/index.ts';
