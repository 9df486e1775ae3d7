/**
 * The engine's default bounds, in a module of their own (no imports) so that the command line can show them in
 * `--help` without loading the engine.
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
