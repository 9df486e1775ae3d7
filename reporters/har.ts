/**
 * `exchanges.har`: every request and response of a run as HTTP Archive 1.2 (what Schemathesis's HAR cassettes and
 * browsers' devtools export), one page per case, entries in the order sent. `_vmconform` on each entry names the
 * dialect, case, attempt, step and role (`call`, `status`, `provider-state`) and the case's verdict. Made from the
 * recorded exchanges in results.json: signatures are kept, credentials' secrets were never recorded.
 */
import { STATUS_CODES } from 'node:http';
import type { RecordedExchange } from '../src/engine/types.ts';
import type { ResultsCase, ResultsDocument, ResultsRun } from './results-json.ts';

/** A HAR name/value pair. */
interface NameValue {
  readonly name: string;
  readonly value: string;
}

/** One HAR entry (the fields vmconform writes). */
export interface HarEntry {
  readonly pageref: string;
  readonly startedDateTime: string;
  readonly time: number;
  readonly request: {
    readonly method: string;
    readonly url: string;
    readonly httpVersion: string;
    readonly cookies: readonly NameValue[];
    readonly headers: readonly NameValue[];
    readonly queryString: readonly NameValue[];
    readonly postData?: { readonly mimeType: string; readonly text: string };
    readonly headersSize: number;
    readonly bodySize: number;
  };
  readonly response: {
    readonly status: number;
    readonly statusText: string;
    readonly httpVersion: string;
    readonly cookies: readonly NameValue[];
    readonly headers: readonly NameValue[];
    readonly content: { readonly size: number; readonly mimeType: string; readonly text?: string };
    readonly redirectURL: string;
    readonly headersSize: number;
    readonly bodySize: number;
    readonly _error?: string;
  };
  readonly cache: Record<string, never>;
  readonly timings: { readonly send: number; readonly wait: number; readonly receive: number };
  readonly _vmconform: {
    readonly dialect: string;
    readonly target: string;
    readonly case: string;
    readonly level: string;
    readonly attempt: number;
    readonly step: RecordedExchange['step'];
    readonly role: RecordedExchange['role'];
    readonly caseStatus: ResultsCase['status'];
    readonly gate: ResultsCase['gate'];
    /** Set when a body was recorded cut: its full length in characters. */
    readonly requestBodyTruncatedFrom?: number;
    readonly responseBodyTruncatedFrom?: number;
  };
}

/** The HAR document. */
export interface Har {
  readonly log: {
    readonly version: '1.2';
    readonly creator: { readonly name: string; readonly version: string };
    readonly pages: readonly { readonly id: string; readonly title: string; readonly startedDateTime: string; readonly pageTimings: Record<string, number> }[];
    readonly entries: readonly HarEntry[];
    readonly comment?: string;
  };
}

const pairs = (headers: Readonly<Record<string, string>>): NameValue[] => Object.entries(headers).map(([name, value]) => ({ name, value }));

function queryOf(url: string): NameValue[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

function entry(run: ResultsRun, c: ResultsCase, attempt: number, ex: RecordedExchange, pageref: string): HarEntry {
  const reqBody = ex.request.body;
  const res = ex.response;
  const time = Math.max(0, ex.durationMs);
  return {
    pageref,
    startedDateTime: ex.startedAt,
    time,
    request: {
      method: ex.request.method,
      url: ex.request.url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: pairs(ex.request.headers),
      queryString: queryOf(ex.request.url),
      ...(reqBody !== undefined ? { postData: { mimeType: ex.request.headers['content-type'] ?? '', text: reqBody } } : {}),
      headersSize: -1,
      bodySize: reqBody === undefined ? 0 : Buffer.byteLength(reqBody),
    },
    response: res
      ? {
          status: res.status,
          statusText: STATUS_CODES[res.status] ?? '',
          httpVersion: 'HTTP/1.1',
          cookies: [],
          headers: pairs(res.headers),
          content: { size: Buffer.byteLength(res.body ?? ''), mimeType: res.headers['content-type'] ?? 'x-unknown', ...(res.body !== undefined ? { text: res.body } : {}) },
          redirectURL: '',
          headersSize: -1,
          bodySize: Buffer.byteLength(res.body ?? ''),
        }
      : {
          // No answer: HAR has no place for that; devtools write status 0 with `_error`.
          status: 0,
          statusText: '',
          httpVersion: 'HTTP/1.1',
          cookies: [],
          headers: [],
          content: { size: 0, mimeType: 'x-unknown' },
          redirectURL: '',
          headersSize: -1,
          bodySize: -1,
          _error: ex.transportError ?? 'no answer',
        },
    cache: {},
    timings: { send: 0, wait: time, receive: 0 },
    _vmconform: {
      dialect: run.dialect,
      target: run.target,
      case: c.id,
      level: c.level,
      attempt,
      step: ex.step,
      role: ex.role,
      caseStatus: c.status,
      gate: c.gate,
      ...(ex.request.truncatedFrom !== undefined ? { requestBodyTruncatedFrom: ex.request.truncatedFrom } : {}),
      ...(res?.truncatedFrom !== undefined ? { responseBodyTruncatedFrom: res.truncatedFrom } : {}),
    },
  };
}

/**
 * The HAR of one or more runs.
 *
 * @example
 * writeFileSync('exchanges.har', JSON.stringify(toHar([doc])));
 */
export function toHar(docs: readonly ResultsDocument[]): Har {
  const pages: Har['log']['pages'][number][] = [];
  const entries: HarEntry[] = [];
  for (const doc of docs) {
    for (const run of doc.runs) {
      for (const c of run.cases) {
        const attempts = [...(c.previousAttempts ?? []), c];
        attempts.forEach((a, i) => {
          const exchanges = a.exchanges ?? [];
          if (exchanges.length === 0) return;
          const id = `${run.dialect} ${c.id}${attempts.length > 1 ? ` attempt ${i + 1}` : ''}${docs.length > 1 || doc.runs.length > 1 ? ` @ ${run.target}` : ''}`;
          pages.push({ id, title: `${run.dialect} ${c.id}: ${c.title} (${a.status})`, startedDateTime: a.startedAt ?? exchanges[0]?.startedAt ?? doc.startedAt, pageTimings: {} });
          for (const ex of exchanges) entries.push(entry(run, c, i + 1, ex, id));
        });
      }
    }
  }
  const version = docs[0]?.version ?? '0.0.0';
  return {
    log: {
      version: '1.2',
      creator: { name: 'vmconform', version },
      pages,
      entries,
      comment: `vmconform run(s) ${docs.map((d) => d.runId).join(', ')}: every request of every case; _vmconform names the case, attempt, step and role`,
    },
  };
}
