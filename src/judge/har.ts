/**
 * Reads HAR 1.2 files (Chromium's and Firefox's devtools, mitmproxy's `--set hardump`, vmconform's own
 * `exchanges.har`) into observed exchanges for the judge, ordered by when each request started. Entries of other
 * origins (or outside `--target`'s path) are left out and counted; an entry whose body is missing, base64-encoded or
 * truncated is kept with the reason, so the judge counts it instead of judging what it cannot read.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.ts';
import type { ObservedExchange } from './judge.ts';

/** What {@link readHarFiles} found. */
export interface HarTraffic {
  /** The entries of the target, ordered by start time. */
  readonly exchanges: readonly ObservedExchange[];
  /** Entries of other hosts or paths, left out. */
  readonly otherHosts: number;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function headersOf(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(list)) return out;
  for (const h of list) {
    if (!isObj(h) || typeof h['name'] !== 'string' || typeof h['value'] !== 'string') continue;
    const name = h['name'].toLowerCase();
    // HTTP/2 pseudo-headers (`:authority`, `:path`) are not headers of the request.
    if (name.startsWith(':')) continue;
    out[name] = out[name] === undefined ? h['value'] : `${out[name]}, ${h['value']}`;
  }
  return out;
}

/** Whether a URL is under the target (same origin, path within the target's path). */
function underTarget(url: URL, target: URL | undefined): boolean {
  if (!target) return true;
  if (url.origin !== target.origin) return false;
  const base = target.pathname.replace(/\/+$/, '');
  return base === '' || url.pathname === base || url.pathname.startsWith(`${base}/`);
}

/**
 * One entry as an observed exchange, or the reason it cannot be one (`undefined`: not an HTTP exchange at all).
 */
function entryOf(entry: Json, file: string, i: number): ObservedExchange {
  const req = entry['request'];
  const res = entry['response'];
  if (!isObj(req) || typeof req['url'] !== 'string' || typeof req['method'] !== 'string') {
    throw new UsageError(`${file}: entry ${i} has no request URL and method: not a HAR 1.2 file`);
  }
  const started = typeof entry['startedDateTime'] === 'string' ? Date.parse(entry['startedDateTime']) : Number.NaN;
  if (Number.isNaN(started)) throw new UsageError(`${file}: entry ${i} has no startedDateTime: not a HAR 1.2 file`);
  const problems: string[] = [];
  const post = isObj(req['postData']) ? req['postData'] : undefined;
  const bodySize = typeof req['bodySize'] === 'number' ? req['bodySize'] : -1;
  let body: string | undefined;
  if (post && typeof post['text'] === 'string') body = post['text'];
  else if (post || bodySize > 0) problems.push('request body not recorded');
  const vm = isObj(entry['_vmconform']) ? entry['_vmconform'] : {};
  if (vm['requestBodyTruncatedFrom'] !== undefined) problems.push('request body truncated');
  let response: ObservedExchange['response'];
  let transportError: string | undefined;
  if (isObj(res) && typeof res['status'] === 'number' && res['status'] > 0) {
    const content = isObj(res['content']) ? res['content'] : {};
    const text = typeof content['text'] === 'string' ? content['text'] : undefined;
    const size = typeof content['size'] === 'number' ? content['size'] : -1;
    if (content['encoding'] === 'base64') problems.push('response body base64-encoded');
    else if (text === undefined && size !== 0) problems.push('response body not recorded');
    else if (text !== undefined && size > 0 && Buffer.byteLength(text) < size) problems.push('response body truncated');
    if (vm['responseBodyTruncatedFrom'] !== undefined) problems.push('response body truncated');
    response = { status: res['status'], headers: headersOf(res['headers']), bodyText: text ?? '' };
  } else {
    transportError = isObj(res) && typeof res['_error'] === 'string' ? res['_error'] : 'no answer recorded';
  }
  return {
    request: { method: req['method'] === 'POST' ? 'POST' : 'GET', url: req['url'], headers: headersOf(req['headers']), ...(body !== undefined ? { body } : {}) },
    response,
    ...(transportError !== undefined ? { transportError } : {}),
    startedMs: started,
    durationMs: typeof entry['time'] === 'number' && entry['time'] >= 0 ? entry['time'] : 0,
    ...(problems.length > 0 ? { bodyProblem: [...new Set(problems)].join(', ') } : {}),
    ...(req['method'] !== 'GET' && req['method'] !== 'POST' ? { otherMethod: String(req['method']) } : {}),
  };
}

/**
 * Read HAR files; entries outside `target` (origin and path prefix) are counted, not returned.
 * Throws {@link UsageError} for a file that cannot be read or is not HAR.
 *
 * @example
 * const { exchanges, otherHosts } = readHarFiles(['session.har'], 'http://127.0.0.1:8080');
 */
export function readHarFiles(files: readonly string[], target?: string): HarTraffic {
  const base = target !== undefined ? new URL(target) : undefined;
  const out: ObservedExchange[] = [];
  let otherHosts = 0;
  for (const file of files) {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err: unknown) {
      throw new UsageError(`cannot read ${file} as HAR: ${err instanceof Error ? err.message : String(err)}`);
    }
    const log = isObj(doc) ? doc['log'] : undefined;
    const entries = isObj(log) ? log['entries'] : undefined;
    if (!Array.isArray(entries)) throw new UsageError(`${file}: no log.entries: not a HAR 1.2 file`);
    entries.forEach((e, i) => {
      if (!isObj(e)) throw new UsageError(`${file}: entry ${i} is not an object: not a HAR 1.2 file`);
      const ex = entryOf(e, file, i);
      let url: URL;
      try {
        url = new URL(ex.request.url);
      } catch {
        otherHosts++;
        return;
      }
      if (!underTarget(url, base)) {
        otherHosts++;
        return;
      }
      out.push(ex);
    });
  }
  // Stable: entries that started at the same millisecond keep their order in the files.
  const ordered = out.map((ex, i) => ({ ex, i })).sort((a, b) => a.ex.startedMs - b.ex.startedMs || a.i - b.i).map(({ ex }) => ex);
  return { exchanges: ordered, otherHosts };
}
