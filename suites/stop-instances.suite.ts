/**
 * The StopInstances conformance suite: one vitest test per case row, per dialect under test. Run by `vmconform run`
 * and `vmconform conformance` (they provide the configuration); the engine judges, this file only wires rows to it.
 */
import { existsSync } from 'node:fs';
import { describe, inject, test } from 'vitest';
import { casesFor } from '../src/cases/index.ts';
import { getDialect } from '../src/dialects/index.ts';
import { configureTransport } from '../src/dialects/transport.ts';
import { sharedPacer } from '../src/engine/pacer.ts';
import { caseBudgetMs, caseIdentity } from '../src/engine/run-case.ts';
import { NOT_RUN_INTERRUPTED, SUITE_CONFIG_KEY, selectRows, type SuiteRunConfig } from '../src/engine/suite-config.ts';
import { runCaseWithRetries } from '../src/engine/attempts.ts';
import { TransportBreaker } from '../src/engine/breaker.ts';

const provided = inject(SUITE_CONFIG_KEY) as SuiteRunConfig | undefined;
if (provided === undefined) {
  throw new Error('this suite needs its run configuration: start it with `vmconform run` or `vmconform conformance`');
}
const config: SuiteRunConfig = provided;
// This worker reaches targets the way the command line said (extra CAs; the proxy environment is read again here).
configureTransport(config.caFiles ? { caFiles: config.caFiles } : {});
const pacer = sharedPacer();
const retries = config.retries ?? 0;

for (const run of config.runs) {
  const rows = selectRows(casesFor(run.dialect), config.grep);
  // runCase enforces each row's budget, derived from --poll-timeout and --request-timeout (not counting time queued
  // for the shared pacer), and then tears down; vitest's timeout is only a backstop, generous where the pacer may
  // queue a case.
  const dialect = getDialect(run.dialect);
  const paced = dialect.rateLimit !== undefined ? 600_000 : 0;
  const bounds = { requestTimeoutMs: config.requestTimeoutMs, pollTimeoutMs: config.pollTimeoutMs };
  const timeout = Math.max(0, ...rows.map((r) => caseBudgetMs(r, bounds, dialect.statusPageSize))) + 2 * config.requestTimeoutMs + 5_000 + paced;
  // One transport breaker per target: once it stopped answering, the remaining cases are skipped, not waited out.
  const breaker = new TransportBreaker();
  describe.concurrent(run.dialect, () => {
    // Each retry gets the same backstop again.
    test.for(rows)('$id', { timeout: timeout * (1 + retries) }, async (row, { task }) => {
      task.meta.vmconformCase = caseIdentity(row);
      if (config.interruptFlag !== undefined && existsSync(config.interruptFlag)) {
        task.meta.vmconform = { ...caseIdentity(row), status: 'skipped', durationMs: 0, message: NOT_RUN_INTERRUPTED, findings: [] };
        return;
      }
      const result = await runCaseWithRetries(row, {
        dialect: run.dialect,
        target: run.target,
        statesUrl: run.statesUrl,
        credentials: config.credentials,
        ...(run.region !== undefined ? { region: run.region } : {}),
        runId: config.runId,
        pollTimeoutMs: config.pollTimeoutMs,
        requestTimeoutMs: config.requestTimeoutMs,
        pacer,
        breaker,
        ...(config.redactSignatures ? { redactSignatures: true } : {}),
        ...(config.noStates ? { noStates: true } : {}),
      }, retries);
      task.meta.vmconform = result;
      if (result.status === 'failed') {
        const error = new Error(`${row.id} failed (${row.docRef}):\n${result.message ?? ''}`);
        error.stack = error.message; // the findings say it all; a stack into the suite helps no one
        throw error;
      }
    });
  });
}
