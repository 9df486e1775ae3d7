/**
 * `npm run bench`: every speed ratio vmconform tracks, measured in one run on this machine and printed as Markdown
 * tables (paste them into the README with the machine line):
 *
 * 1. the reference provider vs a bare `node:http` server on the same request (`throughput.ts`);
 * 2. the suite's time per exchange vs a raw undici loop of the same requests (`suite.ts`);
 * 3. `npm run conformance` wall time vs its floor, the time the api3 pacing forces (`suite.ts`);
 * 4. `pact verify` vs `run` (and both vs a raw loop of the contract's requests) per dialect (`pact-verify.ts`);
 * 5. the command line's start: `vmconform --version` and `--help` vs `node -e 0`, and `--help`'s peak memory
 *    (`cli-start.ts`, on the build);
 * 6. `vmconform proxy`'s overhead: throughput through it vs directly against an upstream with a 5 ms service time,
 *    and the latency it adds at p50 and p99 (`proxy.ts`).
 *
 * A benchmark, never a test: it prints numbers and says which goals they meet; it fails only when something could
 * not be measured.
 *
 * Options: `--duration S` (seconds per measured load, default 1.5), `--rounds N` (loads per side, default 6),
 * `--warmup S` (default 1), `--connections N` (default 16), `--quick` (2 rounds of 1 s), `--only
 * throughput|suite|conformance|pact|cli|proxy` (repeatable), `--pact-rounds N` (default 1).
 */
import { cpus, loadavg, platform, arch, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { describeDialect } from '../src/dialects/descriptions/index.ts';
import { DIALECT_NAMES } from '../src/dialects/types.ts';
import { CLI_RSS_GOAL_MB, CLI_START_GOAL, measureCliStart, type CliStartResult } from './cli-start.ts';
import { measurePactVerify, pactTable, type PactRow } from './pact-verify.ts';
import { measureConformance, measureSuite, type ConformanceResult, type SuiteRow } from './suite.ts';
import { measureThroughput, type ThroughputRow } from './throughput.ts';
import { measureProxy, PROXY_P99_GOAL_MS, PROXY_THROUGHPUT_GOAL, proxyTable, type ProxyResult } from './proxy.ts';

/** Goal of issue 12: the provider serves at least half what a bare node:http server does. */
const PROVIDER_GOAL = 0.5;
/** Goal of issue 12: the suite spends at most twice the raw time per exchange. */
const SUITE_GOAL = 2;

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '1.5' },
    rounds: { type: 'string', default: '6' },
    warmup: { type: 'string', default: '1' },
    connections: { type: 'string', default: '16' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    'pact-rounds': { type: 'string', default: '1' },
  },
});
const only = new Set(values.only ?? ['cli', 'throughput', 'suite', 'conformance', 'pact', 'proxy']);
const pactRounds = Number(values['pact-rounds']);
const durationSeconds = values.quick ? 1 : Number(values.duration);
const rounds = values.quick ? 2 : Number(values.rounds);
const warmupSeconds = Number(values.warmup);
const connections = Number(values.connections);
const progress = (line: string): void => void process.stderr.write(`${line}\n`);

const cpu = cpus();
const load = (): string => loadavg().map((n) => n.toFixed(2)).join(' ');
const loadBefore = load();
const started = new Date();

// First: it builds dist/, so the suite and conformance parts run the built command too.
const cliStart: CliStartResult | undefined = only.has('cli') ? await measureCliStart({ rounds: values.quick ? 5 : 15, progress }) : undefined;
const throughput: ThroughputRow[] = only.has('throughput')
  ? await measureThroughput({ dialects: DIALECT_NAMES, operations: ['status', 'stop'], durationSeconds, warmupSeconds, rounds, connections, progress })
  : [];
const suite: SuiteRow[] = only.has('suite') ? await measureSuite(DIALECT_NAMES, progress) : [];
const conformance: ConformanceResult | undefined = only.has('conformance') ? await measureConformance(progress) : undefined;
const pact: PactRow[] = only.has('pact') ? await measurePactVerify(DIALECT_NAMES, pactRounds, progress) : [];
const proxy: ProxyResult | undefined = only.has('proxy') ? await measureProxy({ durationSeconds, warmupSeconds, rounds, connections, progress }) : undefined;

const fixed = (n: number, digits: number): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const thousands = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const lines: string[] = [];
const out = (line = ''): void => void lines.push(line);

out(`### vmconform bench, ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
out();
out(
  `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${arch()}, ` +
    `Node ${process.version}; load average before ${loadBefore}, after ${load()} (other work on the machine shows here).`,
);

if (throughput.length > 0) {
  out();
  out(
    `**Provider vs bare node:http.** autocannon, ${connections} connections, keep-alive, ${warmupSeconds} s warm-up, then ` +
      `${rounds} rounds of two back-to-back loads of ${durationSeconds} s, alternating which side goes first; medians ` +
      "shown, the ratio is the median of the rounds' ratios. Both servers in one child " +
      'process, the load generator in this one (they share the cores). Provider: fast path, signature checks and rate ' +
      "limit off; bare: reads the body, answers the provider's own answer bytes. One-id requests; every stop stops a " +
      'different RUNNING instance. CPU = the server process\'s user + system time per answered request.',
  );
  out();
  out('| dialect | request | provider req/s | p99 ms | bare req/s | p99 ms | **ratio** | CPU µs/req provider / bare |');
  out('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const r of throughput) {
    out(
      `| ${r.dialect} | ${r.operation === 'stop' ? 'StopInstances' : 'status query'} | ${thousands(r.provider.reqPerSec)} | ${fixed(r.provider.p99Ms, 0)} | ` +
        `${thousands(r.bare.reqPerSec)} | ${fixed(r.bare.p99Ms, 0)} | **${fixed(r.ratio, 2)}** | ${fixed(r.provider.cpuMicrosPerRequest, 0)} / ${fixed(r.bare.cpuMicrosPerRequest, 0)} |`,
    );
  }
  for (const w of throughput.flatMap((r) => r.warnings)) out(`- warning: ${w}`);
}

if (suite.length > 0) {
  out();
  out(
    '**Suite vs raw undici.** `vmconform run` per dialect against the reference provider (signatures checked, api3 ' +
      'rate limit on, STOPPING -> STOPPED at once); suite time = its first exchange to its last. Raw = the same recorded ' +
      'requests sent one after another by an undici loop (warmed up, fastest of 3 passes). The command wall time adds ' +
      'CLI start-up and reports.',
  );
  out();
  out('| dialect | exchanges | suite ms/exchange | raw ms/request | **ratio** | command wall s | exit |');
  out('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of suite) {
    out(
      `| ${r.dialect} | ${r.exchanges} | ${fixed(r.suiteWindowMs / r.exchanges, 2)} | ${fixed(r.rawMs / r.exchanges, 2)} | **${fixed(r.ratio, 1)}** | ` +
        `${fixed(r.commandMs / 1000, 1)} | ${String(r.exitCode)} |`,
    );
  }
}

if (conformance) {
  out();
  out(
    `**npm run conformance vs its floor.** Floor = the catalog's ${conformance.pacedStops} paced api3 StopInstances at ` +
      `8 per second plus 2 × 1.1 s of quiet around each of its ${conformance.bursts} bursts (the pacer's settings); ` +
      `wall = the command, start to exit (exit ${String(conformance.exitCode)}).`,
  );
}

if (pact.length > 0) {
  out();
  out(
    '**pact verify vs run.** `pact verify` (Pact\'s Rust verifier in its child process: one interaction at a time, each ' +
      'with its own provider-state setup and teardown) next to `vmconform run` (every case with its status reads and its ' +
      'wait for STOPPED, 16 cases at once) and a raw loop of the contract\'s requests sent one after another like the ' +
      'verifier (setup, signed request, teardown; api3 paced), ' + pactTable(pact, pactRounds)[0] + '.',
  );
  out();
  for (const line of pactTable(pact, pactRounds).slice(2)) out(line);
}

if (cliStart) {
  out();
  out(
    `**CLI start vs node -e 0.** The built command (\`node bin/vmconform.js\`, dist/), ${cliStart.rounds} rounds of \`node -e 0\`, ` +
      '`--version` and `--help` in turn; median times, the ratio is the median of the rounds\' ratios. Peak RSS: ' +
      "`process.resourceUsage().maxRSS` at exit, median of 3 runs.",
  );
  out();
  out('| command | median ms | **ratio** | peak RSS MB |');
  out('|---|---:|---:|---:|');
  for (const r of cliStart.rows) out(`| \`${r.label}\` | ${fixed(r.medianMs, 0)} | **${fixed(r.ratio, 2)}** | ${fixed(r.maxRssMb, 0)} |`);
}

const providerRatio = Math.min(...throughput.map((r) => r.ratio));
const suiteRatios = suite.map((r) => r.ratio);
if (proxy) {
  out();
  for (const line of proxyTable(proxy, connections, rounds, durationSeconds)) out(line);
}
out();
out('**Every ratio, side by side.**');
out();
out('| ratio | value | goal | |');
out('|---|---:|---|---|');
if (throughput.length > 0) {
  const worst = throughput.find((r) => r.ratio === providerRatio);
  out(
    `| provider / bare node:http req/s, lowest of ${throughput.length} (${worst?.dialect ?? ''} ${worst?.operation ?? ''}) | **${fixed(providerRatio, 2)}** | ≥ ${PROVIDER_GOAL} | ${providerRatio >= PROVIDER_GOAL ? 'met' : 'missed'} |`,
  );
}
if (suite.length > 0) {
  const worst = Math.max(...suiteRatios);
  const unpaced = suite.filter((r) => describeDialect(r.dialect).rateLimit === undefined).map((r) => r.ratio);
  out(
    `| suite / raw undici per exchange, ${suite.map((r) => `${r.dialect} ${fixed(r.ratio, 1)}`).join(', ')} | **${fixed(worst, 1)}** | ≤ ${SUITE_GOAL} | ` +
      `${worst <= SUITE_GOAL ? 'met' : `missed (without api3's pacing: ${fixed(Math.max(...unpaced), 1)})`} |`,
  );
}
if (conformance) {
  out(
    `| npm run conformance wall / floor: ${fixed(conformance.wallMs / 1000, 1)} s / ${fixed(conformance.floorMs / 1000, 1)} s | **${fixed(conformance.wallMs / conformance.floorMs, 2)}** | | |`,
  );
}
if (pact.length > 0) {
  const ratios = pact.map((r) => r.pactMs / r.runMs);
  out(`| pact verify / run, ${pact.map((r) => `${r.dialect} ${fixed(r.pactMs / r.runMs, 2)}`).join(', ')} | **${fixed(Math.max(...ratios), 2)}** | | |`);
}
if (proxy) {
  out(`| through vmconform proxy / direct (5 ms upstream) | **${fixed(proxy.ratio, 2)}** | ≥ ${PROXY_THROUGHPUT_GOAL} | ${proxy.ratio >= PROXY_THROUGHPUT_GOAL ? 'met' : 'missed'} |`);
  out(`| vmconform proxy's added p99 latency, ms | **${fixed(proxy.addedP99Ms, 2)}** | ≤ ${PROXY_P99_GOAL_MS} | ${proxy.addedP99Ms <= PROXY_P99_GOAL_MS ? 'met' : 'missed'} |`);
}
if (cliStart) {
  const version = cliStart.rows.find((r) => r.label.endsWith('--version'));
  const help = cliStart.rows.find((r) => r.label.endsWith('--help'));
  for (const r of [version, help]) {
    if (r === undefined) continue;
    out(`| \`${r.label}\` / \`node -e 0\` (start to exit) | **${fixed(r.ratio, 2)}** | ≤ ${CLI_START_GOAL} | ${r.ratio <= CLI_START_GOAL ? 'met' : 'missed'} |`);
  }
  if (help) out(`| \`vmconform --help\` peak RSS, MB | **${fixed(help.maxRssMb, 0)}** | < ${CLI_RSS_GOAL_MB} | ${help.maxRssMb < CLI_RSS_GOAL_MB ? 'met' : 'missed'} |`);
}

process.stdout.write(`${lines.join('\n')}\n`);
const failed = suite.some((r) => r.exitCode !== 0) || (conformance !== undefined && conformance.exitCode !== 0);
if (failed) {
  process.stderr.write('bench: a suite run did not pass against the reference provider (see above)\n');
  process.exitCode = 1;
}
