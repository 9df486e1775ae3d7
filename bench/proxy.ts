/**
 * `vmconform proxy`'s overhead: autocannon loads an upstream with a 5 ms service time (a bare `node:http` server in
 * its own process answering zenlayer-vm's StopInstances success envelope, a fresh request id each time) directly and
 * through `vmconform proxy` (the real command, in its own process, judging every exchange). Same connections,
 * duration and warm-up for both; the loads alternate over several rounds and the ratio is the median of the rounds'
 * ratios. Reported: req/s both ways, their ratio, and the latency the proxy adds at p50 and p99.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

/** Goal of issue 18: through the proxy, at least this share of the direct throughput. */
export const PROXY_THROUGHPUT_GOAL = 0.9;
/** Goal of issue 18: at most this many ms added at p99. */
export const PROXY_P99_GOAL_MS = 2;
/** The upstream's service time. */
export const SERVICE_MS = 5;

/** One side's numbers (medians over the rounds). */
export interface ProxySide {
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly bad: number;
}

/** What {@link measureProxy} found. */
export interface ProxyResult {
  readonly direct: ProxySide;
  readonly proxied: ProxySide;
  /** Median over the rounds of proxied req/s ÷ direct req/s. */
  readonly ratio: number;
  readonly addedP50Ms: number;
  readonly addedP99Ms: number;
  /** The proxy's own summary line (how many exchanges it judged). */
  readonly traffic: string;
}

/** Settings of {@link measureProxy}. */
export interface ProxyBenchOptions {
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly rounds: number;
  readonly connections: number;
  readonly progress: (line: string) => void;
}

/** The upstream: answers every request after the service time with a success envelope and a fresh request id. */
const UPSTREAM = `
const http = require('node:http');
let n = 0;
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => setTimeout(() => {
    const id = 'bench-' + (++n);
    const body = JSON.stringify({ requestId: id, response: { requestId: id } });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }, ${SERVICE_MS}));
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port));
`;

/** Spawn a process and wait for its first stdout line matching `pattern`; returns the match's first group. */
async function firstLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = pattern.exec(out);
      if (m) resolve(m[1] ?? '');
    });
    child.on('exit', (code) => reject(new Error(`ended (${String(code)}) before it listened: ${out}`)));
  });
}

const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

let nextId = 0;

/** Each request stops an instance never named before (a client stopping one machine over and over breaks a rule). */
async function load(url: string, seconds: number, connections: number): Promise<autocannon.AutocannonResult> {
  return autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/api/v2/vm',
        headers: { 'content-type': 'application/json', 'x-zc-action': 'StopInstances', 'x-zc-version': '2022-11-20' },
        setupRequest: (r) => ({ ...r, body: `{"instanceIds":["vm-bench-${++nextId}"]}` }),
      },
    ],
  });
}

/**
 * Measure the proxy's overhead.
 *
 * @example
 * const r = await measureProxy({ durationSeconds: 1.5, warmupSeconds: 1, rounds: 6, connections: 16, progress: console.error });
 */
export async function measureProxy(options: ProxyBenchOptions): Promise<ProxyResult> {
  const upstream = spawn(process.execPath, ['-e', UPSTREAM], { stdio: ['ignore', 'pipe', 'inherit'] });
  const reportDir = mkdtempSync(join(tmpdir(), 'vmconform-bench-proxy-'));
  let proxy: ChildProcess | undefined;
  let proxyOut = '';
  try {
    const upstreamUrl = await firstLine(upstream, /^(http:\/\/\S+)\n/);
    const bin = fileURLToPath(new URL('../bin/vmconform.js', import.meta.url));
    proxy = spawn(process.execPath, [bin, 'proxy', '--dialect', 'zenlayer-vm', '--upstream', upstreamUrl, '--report-dir', reportDir, '--quiet'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    proxy.stdout?.on('data', (c: Buffer) => (proxyOut += c.toString()));
    const proxyUrl = await firstLine(proxy, /^listening on (\S+)\n/);
    options.progress('proxy: warm-up');
    if (options.warmupSeconds > 0) {
      await load(upstreamUrl, options.warmupSeconds, options.connections);
      await load(proxyUrl, options.warmupSeconds, options.connections);
    }
    const rounds: { direct: autocannon.AutocannonResult; proxied: autocannon.AutocannonResult }[] = [];
    for (let round = 0; round < options.rounds; round += 1) {
      options.progress(`proxy: round ${round + 1} of ${options.rounds}`);
      const first = round % 2 === 0 ? upstreamUrl : proxyUrl;
      const a = await load(first, options.durationSeconds, options.connections);
      const b = await load(first === upstreamUrl ? proxyUrl : upstreamUrl, options.durationSeconds, options.connections);
      rounds.push(first === upstreamUrl ? { direct: a, proxied: b } : { direct: b, proxied: a });
    }
    const side = (pick: (r: (typeof rounds)[number]) => autocannon.AutocannonResult): ProxySide => ({
      reqPerSec: median(rounds.map((r) => (pick(r)['2xx'] + pick(r).non2xx) / pick(r).duration)),
      p50Ms: median(rounds.map((r) => pick(r).latency.p50)),
      p99Ms: median(rounds.map((r) => pick(r).latency.p99)),
      bad: rounds.reduce((n, r) => n + pick(r).non2xx + pick(r).errors + pick(r).timeouts, 0),
    });
    const direct = side((r) => r.direct);
    const proxied = side((r) => r.proxied);
    const ratio = median(rounds.map((r) => (r.proxied['2xx'] + r.proxied.non2xx) / r.proxied.duration / ((r.direct['2xx'] + r.direct.non2xx) / r.direct.duration)));
    const ended = new Promise((resolve) => proxy?.on('close', resolve));
    proxy.kill('SIGINT');
    await ended;
    return {
      direct,
      proxied,
      ratio,
      addedP50Ms: median(rounds.map((r) => r.proxied.latency.p50 - r.direct.latency.p50)),
      addedP99Ms: median(rounds.map((r) => r.proxied.latency.p99 - r.direct.latency.p99)),
      traffic: /traffic: [^\n]*/.exec(proxyOut)?.[0] ?? '(no traffic line)',
    };
  } finally {
    proxy?.kill('SIGKILL');
    upstream.kill();
    rmSync(reportDir, { recursive: true, force: true });
  }
}

/** The Markdown lines of the result. */
export function proxyTable(r: ProxyResult, connections: number, rounds: number, durationSeconds: number): string[] {
  const f = (n: number, d = 2): string => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
  return [
    `**vmconform proxy overhead.** autocannon, ${connections} connections, keep-alive, zenlayer-vm StopInstances against an upstream with a ${SERVICE_MS} ms service time, directly and through \`vmconform proxy\` (judging every exchange); ${rounds} alternating rounds of ${durationSeconds} s, medians.`,
    '',
    '| | req/s | p50 ms | p99 ms |',
    '|---|---:|---:|---:|',
    `| direct | ${Math.round(r.direct.reqPerSec)} | ${f(r.direct.p50Ms)} | ${f(r.direct.p99Ms)} |`,
    `| through the proxy | ${Math.round(r.proxied.reqPerSec)} | ${f(r.proxied.p50Ms)} | ${f(r.proxied.p99Ms)} |`,
    '',
    `Throughput ratio ${f(r.ratio)}x (goal >= ${PROXY_THROUGHPUT_GOAL}x: ${r.ratio >= PROXY_THROUGHPUT_GOAL ? 'met' : 'NOT met'}); added latency p50 ${f(r.addedP50Ms)} ms, p99 ${f(r.addedP99Ms)} ms (goal <= ${PROXY_P99_GOAL_MS} ms at p99: ${r.addedP99Ms <= PROXY_P99_GOAL_MS ? 'met' : 'NOT met'}). ${r.traffic}.${r.direct.bad + r.proxied.bad > 0 ? ` ${r.direct.bad + r.proxied.bad} answers were errors.` : ''}`,
  ];
}
