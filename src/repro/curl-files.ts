/**
 * The files a `vmconform repro` script and curl exchange in the script's work folder: the requests vmconform signed,
 * as one curl config (`curl --config`, one transfer per request, sent in parallel), and what curl wrote back per
 * transfer (the header dump, the body, and a `--write-out` line with the HTTP code, the time and curl's own error).
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLoopbackUrl } from '../cli/consent.ts';
import { MAX_RESPONSE_BYTES } from '../dialects/transport.ts';
import type { WireRequest, WireResponse } from '../dialects/types.ts';

/** The curl config the script sends (`curl --config`). */
export const REQUEST_FILE = 'request.curl';
/** Where the script puts curl's `--write-out` lines (one per transfer). */
export const ANSWER_OUT = 'answer.out';
/** Where the script puts curl's stderr. */
export const ANSWER_ERR = 'answer.err';

/** One answer as the engine reads it: a response, or why none came. */
export interface CurlAnswer {
  readonly response: WireResponse | undefined;
  readonly transportError: string | undefined;
  readonly durationMs: number;
}

/** A string as a double-quoted curl config value (`\\`, `"`, and line breaks escaped). */
function configValue(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

/**
 * Write the requests as one curl config in `dir` (bodies in files beside it), removing the answers to the requests
 * before. Each transfer sends exactly the request (no content type or `Expect` of curl's own), bounded by the
 * request timeout and the engine's largest body, loopback never through a proxy.
 *
 * @example
 * writeCurlRequests(dir, [request], 10_000); // then: curl --config dir/request.curl --parallel ...
 */
export function writeCurlRequests(dir: string, requests: readonly WireRequest[], timeoutMs: number): void {
  for (const name of readdirSync(dir)) if (/^(answer|request)\./.test(name)) rmSync(join(dir, name), { force: true });
  const blocks = requests.map((req, k) => {
    const lines = [`url = ${configValue(req.url)}`, `request = ${configValue(req.method)}`];
    const headers = Object.entries(req.headers).filter(([name]) => name !== 'content-length' && name !== 'host');
    for (const [name, value] of headers) lines.push(`header = ${configValue(`${name}: ${value}`)}`);
    // curl adds a content type of its own to a body, and Expect: 100-continue to a large one: the engine sends neither.
    if (!headers.some(([name]) => name === 'content-type')) lines.push(`header = ${configValue('Content-Type:')}`);
    lines.push(`header = ${configValue('Expect:')}`);
    if (req.body !== undefined) {
      const bodyFile = join(dir, `request.${k}.body`);
      writeFileSync(bodyFile, req.body);
      lines.push(`data-binary = ${configValue(`@${bodyFile}`)}`);
    }
    if (isLoopbackUrl(req.url)) lines.push(`noproxy = ${configValue('*')}`);
    lines.push(
      `max-time = ${(timeoutMs / 1000).toFixed(3)}`,
      `max-filesize = ${MAX_RESPONSE_BYTES}`,
      `output = ${configValue(join(dir, `answer.${k}.body`))}`,
      `dump-header = ${configValue(join(dir, `answer.${k}.head`))}`,
      `write-out = ${configValue(`${k} %{http_code} %{time_total} %{exitcode} %{errormsg}\n`)}`,
    );
    return lines.join('\n');
  });
  writeFileSync(join(dir, REQUEST_FILE), `${blocks.join('\nnext\n')}\n`);
}

/** The last header block of a curl header dump (after any `100 Continue`): status and lower-cased headers. */
function parseHead(text: string): { status: number; headers: Record<string, string> } | undefined {
  const blocks = text.split(/\r?\n\r?\n/).filter((b) => /^HTTP\/\S+ \d{3}/.test(b.trimStart()));
  const last = blocks.at(-1)?.trimStart();
  if (last === undefined) return undefined;
  const [statusLine = '', ...lines] = last.split(/\r?\n/);
  const status = Number(/^HTTP\/\S+ (\d{3})/.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const at = line.indexOf(':');
    if (at <= 0) continue;
    const name = line.slice(0, at).trim().toLowerCase();
    const value = line.slice(at + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { status, headers };
}

/** curl's exit codes that mean "no answer", as the engine's transport says them. */
const CURL_ERRORS: Readonly<Record<string, string>> = {
  '28': 'timeout: no complete answer within the request timeout',
  '63': `response body exceeds ${MAX_RESPONSE_BYTES} bytes`,
};

/**
 * Read what curl wrote for `count` transfers: each answer (status, headers, body as UTF-8), or why none came (curl's
 * message for the transfer, else its stderr). A body over the engine's bound is no answer, as the engine reads it.
 *
 * @example
 * const [answer] = readCurlAnswers(dir, 1);
 */
export function readCurlAnswers(dir: string, count: number): CurlAnswer[] {
  const out = existsSync(join(dir, ANSWER_OUT)) ? readFileSync(join(dir, ANSWER_OUT), 'utf8') : '';
  const stderr = existsSync(join(dir, ANSWER_ERR)) ? readFileSync(join(dir, ANSWER_ERR), 'utf8').trim() : '';
  const lines = new Map<number, { time: number; exit: string; message: string }>();
  for (const line of out.split('\n')) {
    const m = /^(\d+) (\d{3}) ([\d.]+) (\S*) ?(.*)$/.exec(line);
    if (m) lines.set(Number(m[1]), { time: Number(m[3]), exit: m[4] ?? '', message: m[5] ?? '' });
  }
  return Array.from({ length: count }, (_, k) => {
    const w = lines.get(k);
    const durationMs = (w?.time ?? 0) * 1000;
    const headFile = join(dir, `answer.${k}.head`);
    const bodyFile = join(dir, `answer.${k}.body`);
    const head = existsSync(headFile) ? parseHead(readFileSync(headFile, 'latin1')) : undefined;
    const known = w !== undefined && w.exit !== '0' ? CURL_ERRORS[w.exit] : undefined;
    if (head === undefined || known !== undefined) {
      const said = w !== undefined && w.exit !== '0' && !w.message.includes('%{') && w.message !== '' ? `curl: (${w.exit}) ${w.message}` : stderr;
      return { response: undefined, transportError: known ?? (said !== '' ? said : 'no answer (curl did not run, or was interrupted)'), durationMs };
    }
    const size = existsSync(bodyFile) ? statSync(bodyFile).size : 0;
    if (size > MAX_RESPONSE_BYTES) return { response: undefined, transportError: CURL_ERRORS['63'], durationMs };
    const bodyText = size > 0 ? readFileSync(bodyFile, 'utf8') : '';
    return { response: { status: head.status, headers: head.headers, bodyText }, transportError: undefined, durationMs };
  });
}
