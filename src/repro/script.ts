/**
 * `vmconform repro --shell`: a POSIX sh script that reproduces one case from scratch with curl. It lists the steps
 * and what the run expected of each in its comments, then runs them: for each step `vmconform repro-step` judges
 * what came back for the step before (with vmconform's own checks) and writes this step's requests, signed at that
 * moment (so nothing expires), and curl sends them. It needs sh, curl (7.68 or later: `--parallel-immediate`) and
 * node with vmconform, and takes credentials from the environment as every command does.
 */
import { shellQuote } from '../dialects/curl.ts';
import { ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET } from '../signing/credentials.ts';
import { packagePath, toolVersion } from '../package-root.ts';
import { ANSWER_ERR, ANSWER_OUT, REQUEST_FILE } from './curl-files.ts';
import { STEP_AGAIN, STEP_NOTHING, STEP_SEND } from './step.ts';
import { reproSteps } from './plan.ts';
import { headline } from './print.ts';
import type { ReproCase } from './select.ts';

/**
 * The curl arguments the script sends each step's requests with (besides `--config`): quiet but for errors, every
 * request of the config at once (a burst is sent in parallel).
 */
export const CURL_SEND_ARGS: readonly string[] = ['--silent', '--show-error', '--no-progress-meter', '--parallel', '--parallel-immediate', '--parallel-max', '100'];

/** Options of {@link reproScript}. */
export interface ScriptOptions {
  /** `--allow-remote` was given: the script may send to a target off loopback. */
  readonly allowRemote?: boolean;
  /** The command that runs vmconform where the script was written (default: node and this package's bin). */
  readonly bin?: string;
}

/** A comment line (nothing after `#` can break out of it but a line break, which is replaced). */
const comment = (text: string): string => `# ${text.replace(/[\r\n]+/g, ' ')}`.trimEnd();

/**
 * The script's text.
 *
 * @example
 * writeFileSync('repro.sh', reproScript(selectCase('reports/results.json', 'stop.single', {})));
 */
export function reproScript(repro: ReproCase, options: ScriptOptions = {}): string {
  const { row, run, recorded } = repro;
  const steps = reproSteps(row, { noStates: run.noStates === true });
  const bin = options.bin ?? packagePath('bin', 'vmconform.js');
  const q = shellQuote;
  const stepArgs = [
    '--dir "$W"',
    `--dialect ${q(run.dialect)}`,
    `--case ${q(row.id)}`,
    `--target ${q(run.target)}`,
    `--states-url ${q(run.statesUrl)}`,
    ...(run.region !== undefined ? [`--region ${q(run.region)}`] : []),
    `--poll-timeout ${run.pollTimeoutMs}`,
    `--request-timeout ${run.requestTimeoutMs}`,
    ...(run.noStates === true ? ['--no-states'] : []),
    ...(options.allowRemote === true ? ['--allow-remote'] : []),
  ].join(' ');
  const recordedArgs = [`--recorded-status ${recorded.status}`, ...recorded.fingerprints.map((f) => `--recorded-fingerprint ${q(f)}`)].join(' ');
  const plan = steps.flatMap((s) => [comment(`  ${s.phase}: ${s.says}`), ...s.expectations.map((e) => comment(`      [${e.check}] ${e.expect} (${e.source})`))]);
  const sends = steps.filter((s) => s.kind !== 'case');
  const tears = steps.some((s) => s.kind === 'teardown');
  return [
    '#!/bin/sh',
    comment(`vmconform repro of ${row.dialect} ${row.id} [${row.level}]: ${row.title}`),
    comment(`doc: ${row.docRef}`),
    comment(`From ${repro.resultsPath} (run ${repro.runId}), where it ${recorded.status === 'failed' ? `failed: ${recorded.fingerprints.join(', ') || 'no fingerprint'}` : recorded.status}.`),
    comment(`Written by vmconform ${toolVersion()} on ${new Date().toISOString()}, against ${run.target} (states: ${run.statesUrl}).`),
    '#',
    comment('Run it with `sh <this file>`. Exit 0: every expectation held; 1: one failed, or the target did not answer;'),
    comment('2: a usage or configuration error; 3: vmconform itself failed. Needs sh, curl (7.68 or later) and node.'),
    comment(`Credentials: ${ENV_ACCESS_KEY_ID} and ${ENV_ACCESS_KEY_SECRET} from the environment, else vmconform's fixed test credentials.`),
    comment('Each step runs `vmconform repro-step`, which judges the answers to the step before with vmconform\'s own checks'),
    comment('and writes this step\'s requests signed at that moment (so no signature expires), then curl sends them. The'),
    comment('instance ids are picked fresh each time the script runs, as a run picks them.'),
    '#',
    comment('The steps, each with what the run expected:'),
    ...plan,
    '',
    'set -u',
    '',
    comment('How this script runs vmconform: $VMCONFORM when set (e.g. VMCONFORM=\'npx --no-install vmconform\'), else the'),
    comment('vmconform that wrote it (the same version, so the same case and checks, from any directory), else the'),
    comment('project\'s own through `npx --no-install` (it never downloads anything).'),
    'vmconform() {',
    `  if [ -n "\${VMCONFORM:-}" ]; then eval "$VMCONFORM \\"\\$@\\""`,
    `  elif [ -f ${q(bin)} ]; then node ${q(bin)} "$@"`,
    '  else npx --no-install vmconform "$@"; fi',
    '}',
    '',
    "command -v curl >/dev/null 2>&1 || { echo 'vmconform repro: this script needs curl' >&2; exit 2; }",
    "command -v node >/dev/null 2>&1 || [ -n \"${VMCONFORM:-}\" ] || { echo 'vmconform repro: this script needs node' >&2; exit 2; }",
    'W=$(mktemp -d "${TMPDIR:-/tmp}/vmconform-repro.XXXXXX") || exit 3',
    "trap 'rm -rf \"$W\"' EXIT",
    '',
    comment('Send the requests vmconform wrote (several at once for a burst); it reads the answers from the files.'),
    'send() {',
    `  curl --config "$W/${REQUEST_FILE}" ${CURL_SEND_ARGS.join(' ')} >"$W/${ANSWER_OUT}" 2>"$W/${ANSWER_ERR}"`,
    '  case $? in 130|143) interrupted ;; esac',
    '}',
    '',
    comment('vmconform repro-step with what this case needs (the hidden step command of `vmconform repro`).'),
    'repro_step() {',
    `  vmconform repro-step ${stepArgs} "$@"`,
    '}',
    '',
    comment(`step NAME: judge what came back, write the step's requests, send them (${STEP_AGAIN}: more requests of the step before first).`),
    'step() {',
    '  while :; do',
    '    repro_step "$1"',
    '    rc=$?',
    '    case $rc in',
    `      ${STEP_SEND}) send; return 0 ;;`,
    `      ${STEP_AGAIN}) send ;;`,
    `      ${STEP_NOTHING}) return 0 ;;`,
    '      2) exit 2 ;;',
    '      130|143) interrupted ;;',
    '      *) exit 3 ;;',
    '    esac',
    '  done',
    '}',
    '',
    comment('Ctrl-C (or a TERM): tear the instances down, say what held so far, exit 130. A child the signal ended (its'),
    comment('exit status 130 or 143) calls it too: sh runs a trap only once the command it waits for is over.'),
    'interrupted() {',
    '  trap - INT TERM',
    ...(tears ? ['  repro_step --interrupted teardown && send'] : []),
    `  repro_step --interrupted ${recordedArgs} end`,
    '  exit 130',
    '}',
    'trap interrupted INT TERM',
    '',
    `printf '%s\\n' ${q(headline(row, run))}`,
    ...sends.map((s) => `step ${s.phase}`),
    `repro_step ${recordedArgs} end`,
    'rc=$?',
    'case $rc in 130|143) interrupted ;; esac',
    'exit $rc',
    '',
  ].join('\n');
}
