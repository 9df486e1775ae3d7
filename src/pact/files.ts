/**
 * The files of `contracts/`: one Pact V4 file per dialect and a README that says, per case, what the contracts do
 * not express and why. All generated (`npx vmconform pact generate`); a test fails when a checked-in file is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { packagePath } from '../package-root.ts';
import { GENERAL_PACT_GAPS, PACT_GAPS } from './gaps.ts';
import { contractFileName, contractText, INTERACTION_HEADER, isInexpressible, planContract, type CasePlan } from './generate.ts';

/** The package's own `contracts/` directory (what `pact generate` writes and `pact verify` reads by default). */
export const PACKAGE_CONTRACTS_DIR: string = `${packagePath('contracts')}/`;

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();

/** One dialect's per-case table: interactions, and what is not expressed (by gap key; the legend explains them). */
function dialectSection(dialect: DialectName, plans: readonly CasePlan[]): string[] {
  const interactions = plans.reduce((n, p) => n + p.interactions.length, 0);
  const whole = plans.filter(isInexpressible);
  const out = [
    `## ${dialect}`,
    '',
    `\`contracts/${contractFileName(dialect)}\`: ${interactions} interactions from ${plans.length - whole.length} of ${plans.length} cases.`,
    '',
  ];
  if (whole.length > 0) {
    out.push('Not in the contract at all (checked by `vmconform run` only):', '');
    for (const p of whole) out.push(`- \`${p.row.id}\` (${p.row.level}): ${p.gaps.filter((g) => g === 'burst' || g === 'malformed-body').map((g) => PACT_GAPS[g]).join('; ')}`);
    out.push('');
  }
  out.push('| case | level | interactions | not expressed (see the legend) |', '|---|---|---|---|');
  for (const p of plans) {
    const keys = p.interactions.map((i) => `\`${i.key}\``).join(', ') || '—';
    out.push(`| \`${cell(p.row.id)}\` | ${p.row.level} | ${keys} | ${p.gaps.map((g) => `\`${g}\``).join(', ') || '—'} |`);
  }
  return out;
}

/**
 * Markdown: what the contracts of these dialects leave to `vmconform run`, per case, with a legend of the reasons
 * (dialect headings at `headingLevel`). `contracts/README.md` and `coverage.md` show the same tables.
 */
export function pactGapTables(headingLevel: 2 | 3 = 2, dialects: readonly DialectName[] = DIALECT_NAMES): string[] {
  const shift = (line: string): string => (headingLevel === 3 && line.startsWith('## ') ? `#${line}` : line);
  const out: string[] = ['Legend of what an interaction cannot express:', ''];
  for (const [key, text] of Object.entries(PACT_GAPS)) out.push(`- \`${key}\`: ${text}`);
  out.push('', 'And for every interaction:', '');
  for (const text of GENERAL_PACT_GAPS) out.push(`- ${text}`);
  for (const d of dialects) out.push('', ...dialectSection(d, planContract(d)).map(shift));
  return out;
}

/** The text of `contracts/README.md`. */
export function contractsReadme(): string {
  const out = [
    '# Pact contracts',
    '',
    'Generated from the case catalog by `npx vmconform pact generate`; do not edit. One Pact V4 file per dialect',
    '(consumer `vmconform`, provider the dialect name), one `Synchronous/HTTP` interaction per call of a case that Pact',
    'can express, `key` = `<case id>#<step>`, and the provider state `instances exist` with the instances the case seeds',
    '(`params.instances[]`: `id`, `status`, `securityLocked`). The provider-state protocol is the one `vmconform run` uses:',
    '`POST {target}/_vmconform/provider-states` with `{"action":"setup"|"teardown","state","params"}`, answered with any',
    '2xx (`"state": ""` is a no-op).',
    '',
    'Every seeded id in a request, and in an expected answer, carries a `ProviderState` generator whose expression is',
    '`${<requested id>}`, with the requested id as its example: a target that creates its own ids answers a setup with a',
    'JSON object (`Content-Type: application/json`) holding one top-level key per requested id, its value the id the',
    'target gave that instance (`{"ins-ab12cd34": "ins-9zz8yy77"}`), and the verifier sends the target\'s ids. Without such',
    'a key the requested id stands. The teardown repeats the setup\'s params, so it names the requested ids.',
    '`npx vmconform pact verify` makes those keys from the `{"instances":[{"requested","id"}]}` reply that `vmconform run`',
    'reads, and tears down with the target\'s ids. Pact\'s Rust verifier applies the keys to requests only: where an',
    'expected answer names a seeded id, it compares the requested id (`pact verify` swaps the ids in the answer first).',
    '',
    'Requests carry no signature (it would expire): `npx vmconform pact verify` signs each one as it reaches the target.',
    `Each request also carries \`${INTERACTION_HEADER}: <key>\`, which \`pact verify\` removes; a target ignores it.`,
    'Instance ids are fixed per case: verify one target with one verifier at a time.',
    '',
    'Everything below the contracts do not express stays covered by `npx vmconform run`.',
    '',
    ...pactGapTables(2),
  ];
  return `${out.join('\n')}\n`;
}

/** Every file of `contracts/` by name (the contracts of `dialects` only, when given), as `pact generate` writes it. */
export function contractFiles(dialects: readonly DialectName[] = DIALECT_NAMES): Record<string, string> {
  const files: Record<string, string> = {};
  for (const d of dialects) files[contractFileName(d)] = contractText(d);
  files['README.md'] = contractsReadme();
  return files;
}

/**
 * Write every file of `contracts/` (the contracts of `dialects` only, when given) into `dir` (created if needed);
 * returns the paths written.
 *
 * @example
 * writeContracts('contracts') // ['contracts/tencent-cvm-api2.json', ..., 'contracts/README.md']
 */
export function writeContracts(dir: string, dialects: readonly DialectName[] = DIALECT_NAMES): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(contractFiles(dialects)).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
}
