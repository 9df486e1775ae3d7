/**
 * What `vmconform proxy` does once its options are parsed (loaded by `proxy-command.ts` when the command starts):
 * consent for an upstream off loopback, the proxy, the judge fed by it, the end (signal, --exit-after, --idle-exit),
 * the reports.
 */
import { watchInterrupts } from '../engine/interrupt.ts';
import type { Finding } from '../engine/types.ts';
import { startProxy, type RunningProxy } from '../judge/proxy.ts';
import { startTrafficJudge } from '../judge/traffic-judge.ts';
import { reportTraffic } from '../judge/report.ts';
import { redactSignatures } from '../signing/credentials.ts';
import { terminalSafe } from '../../reporters/safe-text.ts';
import { isLoopbackUrl, requireConsent } from './consent.ts';
import { verbosityOf } from './options.ts';
import type { ProxyCliOptions } from './proxy-command.ts';
import { trafficReportOptions } from './judge-action.ts';

/** How many violation lines the console prints as they happen (without --verbose). */
const LIVE_VIOLATIONS = 100;

/**
 * Run the proxy until it ends and return the exit code.
 *
 * @example
 * exit.code = await proxyAction(opts); // opts as commander parsed them
 */
export async function proxyAction(opts: ProxyCliOptions): Promise<number> {
  requireConsent([{ option: '--upstream', url: opts.upstream }], opts.allowRemote === true, "the proxy forwards the client's StopInstances there, and they stop real machines");
  const bracketed = opts.host.includes(':') && !opts.host.startsWith('[') ? `[${opts.host}]` : opts.host;
  if (!isLoopbackUrl(`http://${bracketed}/`)) {
    process.stderr.write(`warning: binding the proxy to ${bracketed}: it has no access control; anyone who can reach it can send requests to ${opts.upstream} through it\n`);
  }
  // First: a baseline that cannot be read is a usage error before the proxy listens.
  const reporting = trafficReportOptions(opts, opts.upstream, new Date());
  const verbosity = verbosityOf(opts);
  const mask = (text: string): string => (opts.redactSignatures === true ? redactSignatures(text) : text);
  // The findings one exchange made, printed as one line per request blamed: its rules, then each distinct message.
  // A broken rule can break on every request of a busy client: past LIVE_VIOLATIONS lines, the console says so once
  // and the count at the end (--verbose prints them all); the reports have every rule either way.
  let printed = 0;
  let unprinted = 0;
  const print = (found: readonly Finding[]): void => {
    const byRequest = new Map<string, Finding[]>();
    for (const f of found) byRequest.set(f.curl ?? f.message, [...(byRequest.get(f.curl ?? f.message) ?? []), f]);
    for (const group of byRequest.values()) {
      const rules = [...new Set(group.map((f) => f.caseId))];
      const messages = [...new Set(group.map((f) => `[${f.check}] ${mask(f.message)}`))];
      const curl = group[0]?.curl;
      const lines = [`violation: ${rules.join(', ')}: ${messages.join('; ')}`];
      if (verbosity === 'verbose' && curl !== undefined) lines.push(`  ${mask(curl)}`);
      if (verbosity !== 'verbose' && printed >= LIVE_VIOLATIONS) {
        if (unprinted++ === 0) process.stdout.write(`(further violations are not printed as they happen: ${LIVE_VIOLATIONS} shown; --verbose prints every one, and the reports list every broken rule)\n`);
        continue;
      }
      printed++;
      process.stdout.write(terminalSafe(`${lines.join('\n')}\n`));
    }
  };
  let ended: () => void = () => undefined;
  const end = new Promise<void>((resolve) => {
    ended = resolve;
  });
  let idle: NodeJS.Timeout | undefined;
  const armIdle = (): void => {
    if (idle !== undefined) clearTimeout(idle);
    idle = opts.idleExit !== undefined ? setTimeout(ended, opts.idleExit * 1000) : undefined;
  };
  let proxy: RunningProxy | undefined;
  const upstream = new URL(opts.upstream);
  // Reading and judging run in a worker thread: the proxy's own thread only copies bytes.
  const judge = startTrafficJudge(
    { dialect: opts.dialect, origin: upstream.origin, basePath: upstream.pathname.replace(/\/+$/, ''), pollTimeoutMs: opts.pollTimeout, ...(opts.exitAfter !== undefined ? { judgedAlert: opts.exitAfter } : {}) },
    {
      onFindings: print,
      onJudged: (total) => {
        if (opts.exitAfter !== undefined && total >= opts.exitAfter) ended();
      },
      // Idle only when no request bytes wait to be written to the judge either.
      onIdle: () => {
        if (proxy?.unwritten() === 0) armIdle();
      },
      onInline: (why) => process.stderr.write(`note: judging on the proxy's own thread (${why})\n`),
      // Forwarding goes on (the client is not cut off); the end reports the failure (exit 3).
      onFailure: (message) => process.stderr.write(`vmconform proxy: ${message}; forwarding goes on, nothing more is judged, and the end exits 3\n`),
    },
  );
  try {
    // Judging from the first request on (live violations, --exit-after): the judge is ready before the proxy listens.
    await judge.ready();
    proxy = await startProxy({
      upstream: opts.upstream,
      host: opts.host,
      port: opts.port,
      ...(opts.ca ? { caFiles: opts.ca } : {}),
      onRequest: () => {
        if (idle !== undefined) clearTimeout(idle);
        idle = undefined;
      },
      sink: judge,
    });
  } catch (err: unknown) {
    judge.abandon();
    throw err;
  }
  process.stdout.write(`listening on ${proxy.url}\n`);
  armIdle();
  const interrupts = watchInterrupts('finishing the requests in flight and writing the reports', () => ended());
  try {
    await end;
    if (idle !== undefined) clearTimeout(idle);
    await proxy.close();
  } finally {
    interrupts.dispose();
  }
  const report = await judge.finish();
  if (unprinted > 0) process.stdout.write(`${unprinted} more violation line(s) not printed as they happened\n`);
  return reportTraffic(report, reporting);
}
