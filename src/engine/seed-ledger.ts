/**
 * The seed ledger: which instances a command has seeded on a target and not yet torn down, kept in a file every part
 * of the command appends to (vitest's worker threads, the fuzzer, `pact verify`'s state relay), so that a second Ctrl-C,
 * which quits at once, can still say which instances it left behind and where (issue 16: "a second Ctrl-C says how
 * many seeded instances it left and their ids").
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The environment variable that names the ledger file (worker threads inherit it). */
export const SEED_LEDGER_ENV = 'VMCONFORM_SEED_LEDGER';

/** Instances left seeded on one provider-state endpoint. */
export interface Leftover {
  readonly statesUrl: string;
  readonly ids: readonly string[];
}

/**
 * Record that `ids` were seeded (`setup`) or torn down (`teardown`) through `statesUrl`, when a ledger is open. Never
 * throws: the ledger is a report, not part of the run.
 *
 * @example
 * recordSeeds('setup', 'http://127.0.0.1:8080/_vmconform/provider-states', ['ins-ab12cd34']);
 */
export function recordSeeds(op: 'setup' | 'teardown', statesUrl: string, ids: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): void {
  const file = env[SEED_LEDGER_ENV];
  if (file === undefined || file === '' || ids.length === 0) return;
  try {
    appendFileSync(file, `${JSON.stringify({ op, statesUrl, ids })}\n`);
  } catch {
    // a ledger that cannot be written only loses the leftover report
  }
}

/**
 * The instances a ledger says are seeded and not torn down, per endpoint, in the order they were seeded.
 *
 * @example
 * leftoversOf('{"op":"setup","statesUrl":"u","ids":["a","b"]}\n{"op":"teardown","statesUrl":"u","ids":["a"]}\n')
 * // [{ statesUrl: 'u', ids: ['b'] }]
 */
export function leftoversOf(text: string): Leftover[] {
  const open = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry === null || typeof entry !== 'object') continue;
    const { op, statesUrl, ids } = entry as { op?: unknown; statesUrl?: unknown; ids?: unknown };
    if (typeof statesUrl !== 'string' || !Array.isArray(ids)) continue;
    const set = open.get(statesUrl) ?? new Set<string>();
    for (const id of ids) {
      if (typeof id !== 'string') continue;
      if (op === 'setup') set.add(id);
      else if (op === 'teardown') set.delete(id);
    }
    open.set(statesUrl, set);
  }
  return [...open].filter(([, ids]) => ids.size > 0).map(([statesUrl, ids]) => ({ statesUrl, ids: [...ids] }));
}

/** An open ledger: its file, what it holds now, and `close` (removes the file, unsets the variable). */
export interface SeedLedger {
  readonly path: string;
  leftovers(): Leftover[];
  close(): void;
}

/**
 * Open a ledger for this process and the worker threads it starts (sets {@link SEED_LEDGER_ENV}).
 *
 * @example
 * const ledger = openSeedLedger(); try { ... } finally { ledger.close(); }
 */
export function openSeedLedger(): SeedLedger {
  const dir = mkdtempSync(join(tmpdir(), 'vmconform-seeds-'));
  const path = join(dir, 'ledger.jsonl');
  appendFileSync(path, '');
  const previous = process.env[SEED_LEDGER_ENV];
  process.env[SEED_LEDGER_ENV] = path;
  return {
    path,
    leftovers: () => {
      try {
        return leftoversOf(readFileSync(path, 'utf8'));
      } catch {
        return [];
      }
    },
    close: () => {
      if (previous === undefined) delete process.env[SEED_LEDGER_ENV];
      else process.env[SEED_LEDGER_ENV] = previous;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * What a command does at a second Ctrl-C: print what the ledger says is left seeded, and hand it on (`then`).
 *
 * @example
 * watchInterrupts('...', onFirst, quitReport(ledger, (left) => reporter.abandon(left)));
 */
export function quitReport(ledger: SeedLedger, then?: (leftovers: readonly Leftover[]) => void): () => void {
  return () => {
    const leftovers = ledger.leftovers();
    process.stderr.write(formatLeftovers(leftovers));
    then?.(leftovers);
  };
}

/**
 * The lines a second Ctrl-C prints about what it left: how many instances, where, their ids, and a teardown to paste.
 *
 * @example
 * formatLeftovers([{ statesUrl: 'http://127.0.0.1:8080/_vmconform/provider-states', ids: ['ins-ab12cd34'] }])
 */
export function formatLeftovers(leftovers: readonly Leftover[]): string {
  const total = leftovers.reduce((n, l) => n + l.ids.length, 0);
  if (total === 0) return 'vmconform: quit at once; no seeded instance was left behind\n';
  const lines = [`vmconform: quit at once, leaving ${total} seeded instance(s) behind:`];
  for (const l of leftovers) {
    lines.push(`  ${l.statesUrl}: ${l.ids.join(' ')}`);
    const body = JSON.stringify({ action: 'teardown', state: 'instances exist', params: { instances: l.ids.map((id) => ({ id })) } });
    lines.push(`  tear them down: curl -sS -X POST ${l.statesUrl} -H 'content-type: application/json' --data-raw '${body}'`);
  }
  return `${lines.join('\n')}\n`;
}
