/**
 * The command line's one vocabulary: every option any command offers, spelled and described once, and one row per
 * command saying which of them it offers and, for each shared term it does not offer, why. Commands build their
 * options from these terms (`addTerm` in options.ts); `vocabulary.test.ts` checks every registered command against
 * this table, so that an option means the same thing wherever it appears. A new command joins with one row in
 * {@link COMMAND_ROWS} (and a term in {@link TERMS} for each option of its own). Data only: registering the commands
 * loads this module, never the engine.
 */
import { DIALECT_NAMES } from '../dialects/types.ts';
import { ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET } from '../signing/credentials.ts';
import { ALLOW_REMOTE_HELP } from './consent.ts';

/** One option as the command line spells and describes it. */
export interface Term {
  /** Commander's flags, argument name included (`--report-dir <dir>`). */
  readonly flags: string;
  /** The help text, the same in every command that offers the term. */
  readonly description: string;
  /** A deprecated alias: hidden from help, warns when used, names the option that replaces it. */
  readonly deprecatedFor?: string;
}

/**
 * The shared terms every command decides on: it offers the option (one of the terms spelled so) or says in its row
 * why not.
 */
export const DECIDED_OPTIONS = ['--dialect', '--report-dir', '--grep', '--level', '--baseline', '--ca', '--concurrency', '--retries', '--quiet', '--verbose'] as const;

/** One of {@link DECIDED_OPTIONS}. */
export type DecidedOption = (typeof DECIDED_OPTIONS)[number];

const DIALECTS = DIALECT_NAMES.join(', ');

/** Every option of the command line, by term id. */
export const TERMS = {
  version: { flags: '-V, --version', description: 'print the vmconform version' },
  // Which dialect: the one a target speaks (commands with --target), or several (commands without one).
  dialect: { flags: '--dialect <name>', description: `dialect the target claims to speak (${DIALECTS})` },
  dialects: {
    flags: '--dialect <names>',
    description: `only these dialects, comma-separated or repeated (${DIALECTS}, or all); default: all`,
  },
  target: { flags: '--target <url>', description: 'base URL of the target, e.g. http://127.0.0.1:8080' },
  'states-url': { flags: '--states-url <url>', description: 'provider-state endpoint (default: <target>/_vmconform/provider-states)' },
  'report-dir': { flags: '--report-dir <dir>', description: 'folder to write the reports to (created when missing)' },
  'out-dir': { flags: '--out-dir <dir>', description: 'deprecated: use --report-dir', deprecatedFor: '--report-dir' },
  baseline: { flags: '--baseline <file>', description: 'JSON file of known failures (vmconform baseline writes one): they do not fail the run' },
  level: { flags: '--level <level>', description: 'which failures fail the run: "must" only those of MUST cases, "all" every one' },
  grep: { flags: '--grep <pattern>', description: 'only the cases whose id matches this regular expression (one that matches none is a usage error)' },
  concurrency: { flags: '--concurrency <n>', description: 'how many cases run at once' },
  retries: { flags: '--retries <n>', description: 'run a failed case again up to n times; a case that then passes is reported flaky' },
  'fail-on-flaky': { flags: '--fail-on-flaky', description: 'a flaky case (passed only on a retry) fails the run' },
  ca: {
    flags: '--ca <file>',
    description: "PEM file of CAs to trust besides the system's, repeatable (NODE_EXTRA_CA_CERTS and HTTPS_PROXY/NO_PROXY are honoured too)",
  },
  quiet: { flags: '--quiet', description: 'print only the new failures and the result line (no header, progress or known failures)' },
  verbose: { flags: '--verbose', description: 'print every failure in full, each case alone (known and ungated ones included; no grouping by cause)' },
  'allow-remote': { flags: '--allow-remote', description: ALLOW_REMOTE_HELP },
  'redact-signatures': {
    flags: '--redact-signatures',
    description: 'mask request signatures in curl lines and recorded exchanges (they are kept by default: reproducing a request needs them)',
  },
  'request-timeout': { flags: '--request-timeout <ms>', description: 'timeout of each HTTP request to the target' },
  'poll-timeout': { flags: '--poll-timeout <ms>', description: 'how long a stopped instance may take to read the stopped status' },
  region: { flags: '--region <region>', description: "region sent with each request (tencent Region, aliyun RegionId); default: the dialect's" },
  'no-states': {
    flags: '--no-states',
    description:
      'the target has no provider-state endpoint: run only the cases that seed no instance (missing, empty, unknown and malformed ids, the error envelope), skip the rest with the reason',
  },
  json: { flags: '--json', description: 'print JSON instead of text' },
  out: { flags: '--out <file>', description: 'write to this file instead of standard output' },
  md: { flags: '--md <file>', description: 'also write the comparison as Markdown to this file' },
  // mock
  port: { flags: '--port <n>', description: 'port to listen on (0 = ephemeral; mock with several dialects: n, n+1, ...)' },
  host: { flags: '--host <host>', description: 'address to bind (default loopback; another address makes it reachable from elsewhere)' },
  'transition-ms': { flags: '--transition-ms <n>', description: 'STOPPING -> STOPPED time in ms' },
  'verify-signatures': { flags: '--verify-signatures', description: `verify request signatures (credentials from ${ENV_ACCESS_KEY_ID}/_SECRET, else the test ones)` },
  'no-rate-limit': { flags: '--no-rate-limit', description: "do not enforce tencent-cvm-api3's 10 StopInstances per second" },
  // fuzz
  runs: { flags: '--runs <n>', description: 'generated cases in all (each a request or a sequence), split over the properties' },
  seed: { flags: '--seed <n>', description: 'fast-check seed (default: random; printed, so a run can be replayed)' },
  path: { flags: '--path <path>', description: 'replay one failure: the path a failed run printed (with its --seed and --property)' },
  property: { flags: '--property <names>', description: 'only these properties, comma-separated or repeated' },
  'time-budget': {
    flags: '--time-budget <seconds>',
    description:
      'start new cases only for this long, each property within its share of what is left (a started case finishes); a property cut short or left out is reported so, never failed',
  },
  // proxy
  upstream: { flags: '--upstream <url>', description: 'base URL the proxy forwards every request to, e.g. http://127.0.0.1:8080' },
  'idle-exit': { flags: '--idle-exit <seconds>', description: 'end after this many seconds with no request received or in flight (counted from when it listens)' },
  'exit-after': { flags: '--exit-after <n>', description: 'end after this many exchanges (1 or more)' },
  'proxy-port': { flags: '--port <n>', description: 'port to listen on for the client (0 = ephemeral)' },
  'proxy-host': { flags: '--host <host>', description: 'address to bind (default loopback; another address makes it an unauthenticated relay to --upstream)' },
  'proxy-ca': {
    flags: '--ca <file>',
    description: "PEM file of CAs to trust for an HTTPS --upstream besides the system's, repeatable (NODE_EXTRA_CA_CERTS too; HTTPS_PROXY is not used)",
  },
  'proxy-allow-remote': { flags: '--allow-remote', description: 'forward to an --upstream that is not on loopback (the client\'s StopInstances stop real machines there)' },
  // repro
  shell: { flags: '--shell', description: 'print a POSIX sh script that runs the steps with curl (the default)' },
  exec: { flags: '--exec', description: 'run the steps now through the engine and print each request, answer and expectation' },
  // pact generate
  'contracts-dir': { flags: '--contracts-dir <dir>', description: "folder to write the contracts to (default: the package's contracts/)" },
  'out-contracts': { flags: '--out <dir>', description: 'deprecated: use --contracts-dir', deprecatedFor: '--contracts-dir' },
  check: { flags: '--check', description: 'write nothing; exit 1 when a file differs from what would be written' },
  // pact verify
  pact: { flags: '--pact <file-or-url>', description: 'verify this Pact file (a path or an http(s) URL) instead of the dialect\'s contract' },
  'broker-url': {
    flags: '--broker-url <url>',
    description: 'verify the pacts a Pact Broker holds for the provider (token from PACT_BROKER_TOKEN) instead of the dialect\'s contract',
  },
  'provider-name': { flags: '--provider-name <name>', description: "the provider's name in the broker (default: the dialect's name)" },
  'provider-version': { flags: '--provider-version <version>', description: 'the provider version the results are published for (with --publish)' },
  'provider-branch': { flags: '--provider-branch <branch>', description: "the provider version's branch (the broker's pending pacts and can-i-deploy use it)" },
  publish: {
    flags: '--publish',
    description: "publish Pact's own verdict to the broker (needs --broker-url and --provider-version; --baseline and --level do not change it)",
  },
} as const satisfies Readonly<Record<string, Term>>;

/** The id of a term. */
export type TermId = keyof typeof TERMS;

/** One command's row: the terms it offers and why it offers none of a decided option. */
export interface CommandRow {
  /** The command as typed after `vmconform` (`pact verify`); `''` is the program itself. */
  readonly command: string;
  readonly offers: readonly TermId[];
  /** For each decided option not offered: why. A group (`pact`, the program) decides nothing. */
  readonly omits: Readonly<Partial<Record<DecidedOption, string>>>;
  readonly group?: true;
  /** A hidden command other programs call (the repro script's `repro-step`): not typed by users, its options are its own. */
  readonly internal?: true;
}

const READS_RESULTS = 'reads finished runs and sends no request';
const SENDS_NOTHING = 'sends no request and judges nothing';

/** Every command of the command line, one row each. */
export const COMMAND_ROWS: readonly CommandRow[] = [
  { command: '', offers: ['version'], omits: {}, group: true },
  {
    command: 'run',
    offers: [
      'dialect', 'target', 'states-url', 'report-dir', 'allow-remote', 'redact-signatures', 'ca', 'quiet', 'verbose', 'baseline', 'level', 'grep',
      'poll-timeout', 'request-timeout', 'region', 'concurrency', 'retries', 'fail-on-flaky', 'no-states',
    ],
    omits: {},
  },
  {
    command: 'mock',
    offers: ['dialects', 'port', 'host', 'transition-ms', 'verify-signatures', 'no-rate-limit'],
    omits: {
      '--report-dir': 'serves requests and writes no report',
      '--grep': 'serves every case',
      '--level': SENDS_NOTHING,
      '--baseline': SENDS_NOTHING,
      '--ca': 'serves plain HTTP itself: nothing to trust',
      '--concurrency': 'serves whatever arrives',
      '--retries': SENDS_NOTHING,
      '--quiet': 'prints one line per provider it starts',
      '--verbose': 'prints one line per provider it starts',
    },
  },
  {
    command: 'conformance',
    offers: ['dialects', 'report-dir', 'grep', 'concurrency', 'quiet', 'verbose'],
    omits: {
      '--level': 'the reference providers must pass every case: every failure fails the run',
      '--baseline': 'the reference providers must pass every case: no failure is known',
      '--ca': 'the reference providers it starts serve plain HTTP on loopback',
      '--retries': 'the reference providers are deterministic: a retry would hide a vmconform bug',
    },
  },
  {
    command: 'coverage',
    offers: ['dialects', 'out'],
    omits: {
      '--report-dir': 'writes one file: --out FILE',
      '--grep': 'a rule counts every case of its dialect that checks it',
      '--level': SENDS_NOTHING,
      '--baseline': SENDS_NOTHING,
      '--ca': SENDS_NOTHING,
      '--concurrency': SENDS_NOTHING,
      '--retries': SENDS_NOTHING,
      '--quiet': 'prints the report it is asked for',
      '--verbose': 'prints the report it is asked for',
    },
  },
  {
    command: 'cases',
    offers: ['dialects', 'grep', 'json'],
    omits: {
      '--report-dir': 'prints the catalog to standard output',
      '--level': SENDS_NOTHING,
      '--baseline': SENDS_NOTHING,
      '--ca': SENDS_NOTHING,
      '--concurrency': SENDS_NOTHING,
      '--retries': SENDS_NOTHING,
      '--quiet': 'prints the rows it is asked for',
      '--verbose': 'prints every row in full already',
    },
  },
  {
    command: 'fuzz',
    offers: [
      'dialect', 'target', 'states-url', 'report-dir', 'allow-remote', 'redact-signatures', 'ca', 'quiet', 'verbose', 'runs', 'seed', 'path', 'property',
      'time-budget', 'concurrency', 'poll-timeout', 'request-timeout', 'region', 'baseline', 'level',
    ],
    omits: {
      '--grep': 'its cases are generated, not catalog rows: --property chooses what runs',
      '--retries': 'a failure is shrunk and printed with its --seed and --path to replay it; a retry of a random case proves nothing',
    },
  },
  { command: 'pact', offers: [], omits: {}, group: true },
  {
    command: 'pact generate',
    offers: ['dialects', 'contracts-dir', 'out-contracts', 'check'],
    omits: {
      '--report-dir': 'writes contracts, not reports: --contracts-dir',
      '--grep': 'a contract holds every case of its dialect (pact verify --grep verifies some of them)',
      '--level': SENDS_NOTHING,
      '--baseline': SENDS_NOTHING,
      '--ca': SENDS_NOTHING,
      '--concurrency': SENDS_NOTHING,
      '--retries': SENDS_NOTHING,
      '--quiet': 'prints one line per file',
      '--verbose': 'prints one line per file',
    },
  },
  {
    command: 'pact verify',
    offers: [
      'dialect', 'target', 'states-url', 'report-dir', 'allow-remote', 'redact-signatures', 'ca', 'quiet', 'verbose', 'request-timeout', 'baseline', 'level',
      'grep', 'retries', 'pact', 'broker-url', 'provider-name', 'provider-version', 'provider-branch', 'publish',
    ],
    omits: { '--concurrency': "Pact's verifier runs the interactions one after another" },
  },
  {
    command: 'compare',
    offers: ['md'],
    omits: {
      '--dialect': 'compares every dialect the runs hold',
      '--report-dir': 'writes one file: --md FILE',
      '--grep': 'compares every case the runs hold',
      '--level': 'reports every change; its exit code is about cases that broke',
      '--baseline': READS_RESULTS,
      '--ca': READS_RESULTS,
      '--concurrency': READS_RESULTS,
      '--retries': READS_RESULTS,
      '--quiet': 'prints the comparison it is asked for',
      '--verbose': 'prints the comparison it is asked for',
    },
  },
  {
    command: 'baseline',
    offers: ['out'],
    omits: {
      '--dialect': 'records every dialect the results hold (merging keeps the other entries)',
      '--report-dir': 'writes one file: --out FILE',
      '--grep': 'records every failed case (a run with --grep replaces only the cases it ran)',
      '--level': 'records every failure, MUST and SHOULD',
      '--baseline': 'merges into the file --out names',
      '--ca': READS_RESULTS,
      '--concurrency': READS_RESULTS,
      '--retries': READS_RESULTS,
      '--quiet': 'prints the entries it added and dropped',
      '--verbose': 'prints the entries it added and dropped',
    },
  },
  {
    command: 'report',
    offers: ['report-dir', 'out-dir'],
    omits: {
      '--dialect': 'merges every dialect the runs hold',
      '--grep': 'merges every case the runs hold',
      '--level': 'shows the verdicts the runs recorded',
      '--baseline': 'shows the verdicts the runs recorded',
      '--ca': READS_RESULTS,
      '--concurrency': READS_RESULTS,
      '--retries': READS_RESULTS,
      '--quiet': 'prints the files it wrote',
      '--verbose': 'prints the files it wrote',
    },
  },
  {
    command: 'repro',
    offers: ['dialect', 'target', 'states-url', 'shell', 'exec', 'json', 'allow-remote'],
    omits: {
      '--report-dir': 'prints to standard output (a script, each step, or JSON)',
      '--grep': 'reproduces the one case it names',
      '--level': 'judges every expectation of the case',
      '--baseline': 'judges the one case, known failure or not',
      '--ca': "an HTTPS target's CA comes from NODE_EXTRA_CA_CERTS (--exec) and CURL_CA_BUNDLE (the script's curl)",
      '--concurrency': 'one case, one step after another',
      '--retries': 'runs once: run it again to see whether a failure comes and goes',
      '--quiet': 'prints every step: that is its job',
      '--verbose': 'prints every step in full already',
    },
  },
  { command: 'repro-step', offers: [], omits: {}, internal: true },
  {
    command: 'proxy',
    offers: [
      'dialect', 'upstream', 'proxy-port', 'proxy-host', 'report-dir', 'idle-exit', 'exit-after', 'poll-timeout', 'baseline', 'level', 'grep',
      'proxy-allow-remote', 'redact-signatures', 'proxy-ca', 'quiet', 'verbose',
    ],
    omits: {
      '--concurrency': 'forwards whatever arrives, as it arrives',
      '--retries': "forwards each request once: sending a client's StopInstances again would stop machines twice",
    },
  },
  {
    command: 'judge',
    offers: ['dialect', 'target', 'poll-timeout', 'report-dir', 'baseline', 'level', 'grep', 'redact-signatures', 'quiet', 'verbose'],
    omits: {
      '--ca': 'reads HAR files and sends no request',
      '--concurrency': 'judges the exchanges one after another, in the order they started',
      '--retries': 'judges traffic already recorded: nothing to send again',
    },
  },
];
