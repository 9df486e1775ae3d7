import { defineConfig } from 'vitest/config';

/** Vitest config for vmconform's own tests (the conformance suites under suites/ are run by the CLI). */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'reporters/**/*.test.ts', 'scripts/**/*.test.ts', 'bin/**/*.test.ts'],
    // Some tests start several CLI processes at once (each loads vitest and tsx: seconds of CPU); on a 2-core machine
    // with other work they need more than 30 s until the CLI starts fast.
    testTimeout: 60_000,
    // Two test files at once even on 2 cores (vitest's default there is one): most of the slow files wait on HTTP,
    // child processes and api3's pacing rather than compute, so a second file fills the idle time.
    maxWorkers: 2,
    reporters: ['default', './scripts/closing-line-reporter.ts'],
    hookTimeout: 30_000,
  },
});
