import { defineConfig } from 'vitest/config';

/** Vitest config for vmconform's own tests (the conformance suites under suites/ are run by the CLI). */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'reporters/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 30_000,
    reporters: ['default', './scripts/closing-line-reporter.ts'],
    hookTimeout: 30_000,
  },
});
