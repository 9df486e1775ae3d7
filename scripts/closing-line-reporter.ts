/**
 * A vitest reporter for vmconform's own test run that ends the output with one plain line, `N passed, N failed,
 * N skipped`, the closing line CI reads (vitest's own summary is formatted differently).
 */
import type { Reporter, TestModule } from 'vitest/node';

/** Count the run's tests by state and print the closing line. */
export default class ClosingLineReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed += 1;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
