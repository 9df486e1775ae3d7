/**
 * The engine's default bounds and the provider-state endpoint's default place, in a module of their own (no imports)
 * so that the command line can show them in `--help` without loading the engine, and reporters can name them.
 */

/** Default bound for a stopped instance to read the stopped word. */
export const DEFAULT_POLL_TIMEOUT_MS = 10_000;
/** Default per-request timeout. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * The id of the preflight's result row. A run-level row, not a case: no baseline can list it (a target that fails
 * the preflight is never a known failure), and `vmconform baseline` never records it.
 */
export const PREFLIGHT_ID = 'preflight';

/** Path of the provider-state endpoint relative to the target base URL (DESIGN.md §4). */
export const STATES_PATH = '/_vmconform/provider-states';

/**
 * The default provider-state URL for a target base URL.
 *
 * @example
 * defaultStatesUrl('http://127.0.0.1:8080/') // 'http://127.0.0.1:8080/_vmconform/provider-states'
 */
export function defaultStatesUrl(target: string): string {
  return `${target.replace(/\/+$/, '')}${STATES_PATH}`;
}
