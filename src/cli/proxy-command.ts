/**
 * `vmconform proxy --dialect D --upstream URL [--port N] [--host H] [--report-dir DIR] [--idle-exit S]
 * [--exit-after N]` (DESIGN.md §6): a forwarding proxy for a client's real traffic that judges it as it flows, prints
 * each violation as it happens and writes the usual reports (plus exchanges.har) when it ends: at the first SIGINT or
 * SIGTERM, after N exchanges, or after S seconds idle. Exit codes as `judge`. This module only registers the command;
 * the proxy loads with `proxy-action.ts` when it starts.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { DialectName } from '../dialects/types.ts';
import { DEFAULT_POLL_TIMEOUT_MS } from '../engine/defaults.ts';
import { JUDGED_TRAFFIC_HELP } from './judge-command.ts';
import type { ExitSlot } from './main.ts';
import { addGateOptions, addTerm, addVerbosityOptions, collect, parseDialect, parseGrep, parseHttpUrl, parseMs, parseNonNegativeInt, type VerbosityOptions } from './options.ts';

/** A whole number from 1 to `max` (`--exit-after 0` would never end: a usage error). */
function parsePositiveInt(max: number): (value: string) => number {
  const parse = parseNonNegativeInt(max);
  return (value) => {
    const n = parse(value);
    if (n === 0) throw new InvalidArgumentError(`expected an integer from 1 to ${max} (0 would never end)`);
    return n;
  };
}

/** Options of `vmconform proxy` after parsing. */
export interface ProxyCliOptions extends VerbosityOptions {
  dialect: DialectName;
  upstream: string;
  port: number;
  host: string;
  reportDir: string;
  idleExit?: number;
  exitAfter?: number;
  pollTimeout: number;
  baseline?: string;
  level: 'must' | 'all';
  grep?: string;
  ca?: string[];
  redactSignatures?: boolean;
  allowRemote?: boolean;
}

/**
 * Register `vmconform proxy` on the program.
 *
 * @example
 * registerProxyCommand(program, exit); // vmconform proxy --dialect tencent-cvm-api3 --upstream http://127.0.0.1:8081 --port 9000
 */
export function registerProxyCommand(program: Command, exit: ExitSlot): void {
  const proxy = program
    .command('proxy')
    .description("Forward a client's real traffic to an upstream unchanged, judge it as it flows by every rule an observer can judge, and report a verdict per rule when it ends.");
  addTerm(proxy, 'dialect', { parse: parseDialect, required: true });
  addTerm(proxy, 'upstream', { parse: parseHttpUrl, required: true });
  addTerm(proxy, 'proxy-port', { parse: parseNonNegativeInt(65535), default: 0 });
  addTerm(proxy, 'proxy-host', { default: '127.0.0.1' });
  addTerm(proxy, 'report-dir', { default: 'reports' });
  addTerm(proxy, 'idle-exit', { parse: parseNonNegativeInt(86_400) });
  addTerm(proxy, 'exit-after', { parse: parsePositiveInt(10_000_000) });
  addTerm(proxy, 'poll-timeout', { parse: parseMs, default: DEFAULT_POLL_TIMEOUT_MS });
  addGateOptions(proxy);
  addTerm(proxy, 'grep', { parse: parseGrep });
  addTerm(proxy, 'proxy-allow-remote');
  addTerm(proxy, 'redact-signatures');
  addTerm(proxy, 'proxy-ca', { parse: collect });
  addVerbosityOptions(proxy);
  proxy
    .addHelpText(
      'after',
      '\nThe first line on standard output is "listening on http://H:P": point the client there. The bytes pass\n' +
        'through as they came (paths, Host and signed headers, bodies, keep-alive), one upstream connection per client\n' +
        'connection, straight to --upstream (HTTPS_PROXY is not used; --ca and NODE_EXTRA_CA_CERTS are). Paths are not\n' +
        'rewritten: a path in --upstream says where the API lives there; the client uses it under the proxy\'s address.\n' +
        'It ends at the first SIGINT or SIGTERM (a second one exits 130 at once), after --exit-after exchanges, or after\n' +
        '--idle-exit seconds with no request received or in flight (counted from when it listens), and then writes\n' +
        'results.json, junit.xml, summary.md, report.html and exchanges.har.\n' +
        `${JUDGED_TRAFFIC_HELP}\n` +
        'Exit status: 0 nothing violated, 1 a violation (a new one under --baseline; an exchange the upstream never\n' +
        'answered is one), 2 usage error, port in use, or no exchange of the dialect judged ("no traffic reached\n' +
        'vmconform"), 3 vmconform itself failed.\n' +
        '\nExample:\n  npx vmconform proxy --dialect tencent-cvm-api3 --upstream http://127.0.0.1:8081 --port 9000 --idle-exit 30 --redact-signatures',
    )
    .action(async (opts: ProxyCliOptions) => {
      const { proxyAction } = await import('./proxy-action.ts');
      exit.code = await proxyAction(opts);
    });
}
