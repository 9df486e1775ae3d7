/**
 * `npm run legal-fuzz -- --dialect D --runs N [--seed S] [--family F ...] [--max-stop-ms MS] [--concurrency C]`: the
 * legal-provider generator from the command line (src/legal-providers/fuzz-command.ts). Exit 0 when every generated
 * provider passed, 1 on any failure, 2 on a usage error.
 */
import { legalFuzzCommand } from '../src/legal-providers/fuzz-command.ts';

process.exitCode = await legalFuzzCommand(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
});
