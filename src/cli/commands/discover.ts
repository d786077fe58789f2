// rescind discover: what a principal holds in every account of the config (or certificates by name,
// CAs under an issuer), found read-only through the clouds' list calls, written as a plan for review:
// one revocation per account and type, a comment on every target. The plan goes to --out (never over a
// file without --force) or to stdout; the summary, per account and type, to stderr.

import { existsSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { replaceFile } from '../../files/replace.js';
import { createSession, type DiscoverOutcome } from '../../session/session.js';
import { typeNames } from '../../vocabulary.js';
import { type CommandSpec, CREDENTIALS_ENV, configOption, type Parsed } from '../args.js';
import { EXIT } from '../exit.js';
import { fail, printDiagnostics } from '../failure.js';
import type { Io } from '../io.js';
import { modeline, schemaRef } from '../modeline.js';
import { noteConfig } from '../notes.js';

/** spec is the command line of discover. */
export const spec: CommandSpec = {
  name: 'discover',
  usage:
    'rescind discover --principal NAME|CLOUD:ID... | --certificate-name GLOB... | --issuer CA_ID...\n' +
    '                 [--account ACCOUNT]... [--type TYPE]... [--reason TEXT] [--ticket ID]\n' +
    '                 [--out FILE] [--force] [--format yaml|json] [--allow-partial] [--concurrency N] [--config FILE]',
  summary:
    'Find, read-only, what a principal holds in every account of the config: KMS grants to it, ACK\n' +
    'permissions and kubeconfigs, CCE clusters (not observable); ESA client certificates by name; CCM\n' +
    'subordinate CAs under an issuer. Write it as a plan to review, with a comment on every target.\n' +
    'Exit status: 0 found something, 2 found nothing, 1 error (an account that could not be read is one,\n' +
    'unless --allow-partial).',
  options: {
    principal: {
      type: 'string',
      multiple: true,
      value: 'NAME',
      description:
        'a principal of the config, or huaweicloud:USER_ID, huaweicloud:agency:ID, alibabacloud:UID',
    },
    'certificate-name': {
      type: 'string',
      multiple: true,
      value: 'GLOB',
      description: 'ESA client certificates whose common name or name matches (* any run of characters)',
    },
    issuer: {
      type: 'string',
      multiple: true,
      value: 'CA_ID',
      description: 'every active CCM subordinate CA under this CA, at any depth',
    },
    account: {
      type: 'string',
      multiple: true,
      value: 'ACCOUNT',
      description: 'only this account (default: all)',
    },
    type: {
      type: 'string',
      multiple: true,
      choices: [...typeNames],
      value: 'TYPE',
      description: 'only this revocation type (default: every type the query names)',
    },
    reason: { type: 'string', value: 'TEXT', description: "the plan's metadata.reason" },
    ticket: { type: 'string', value: 'ID', description: "the plan's metadata.ticket" },
    out: { type: 'string', value: 'FILE', description: 'write the plan here (default: standard output)' },
    force: { type: 'boolean', description: 'replace --out when it exists' },
    format: {
      type: 'string',
      choices: ['yaml', 'json'],
      default: 'yaml',
      value: 'FORMAT',
      description: 'the plan as YAML with comments, or as JSON',
    },
    'allow-partial': {
      type: 'boolean',
      description: 'write what was found when an account could not be read (the plan says which)',
    },
    concurrency: {
      type: 'string',
      integer: { min: 1, max: 256 },
      value: 'N',
      description: 'calls at once (default 8)',
    },
    config: configOption,
  },
  examples: [
    'rescind discover --principal alice --ticket SEC-1 --out revocations/alice.yaml',
    "rescind discover --certificate-name 'alice-*' --account ali-prod   # ESA certificates, every site",
  ],
  env: CREDENTIALS_ENV,
  maxPositionals: 0,
};

/** run discovers what argv asks and writes the plan. */
export async function run(args: Parsed, io: Io): Promise<number> {
  const v = args.values;
  const list = (name: string): string[] => (Array.isArray(v[name]) ? (v[name] as string[]) : []);
  const say = (line: string) => io.stderr.write(`${line}\n`);
  const out = typeof v.out === 'string' ? v.out : undefined;
  const path = out === undefined ? undefined : resolve(io.cwd, out);
  // Refused before any call: a file discover would replace.
  if (out !== undefined && path !== undefined && v.force !== true && existsSync(path)) {
    const message = `${out} exists; give --force to replace it, or another --out`;
    return fail(io, 'discover', false, [{ severity: 'error', code: 'discover.exists', file: out, message }]);
  }
  const session = createSession({
    cwd: io.cwd,
    env: io.env,
    ...(io.logger === undefined ? {} : { logger: io.logger }),
    config: typeof v.config === 'string' ? v.config : undefined,
  });
  try {
    noteConfig(io, session.config());
    const found = await session.discover({
      principals: list('principal'),
      certificateNames: list('certificate-name'),
      issuers: list('issuer'),
      accounts: list('account'),
      types: list('type'),
      ...(typeof v.reason === 'string' ? { reason: v.reason } : {}),
      ...(typeof v.ticket === 'string' ? { ticket: v.ticket } : {}),
      ...(typeof v.concurrency === 'string' ? { concurrency: Number(v.concurrency) } : {}),
      allowPartial: v['allow-partial'] === true,
    });
    const errors = found.diagnostics.filter((d) => d.severity === 'error');
    if (found.counts.length > 0 || found.unread.length > 0) summary(found, say);
    if (errors.length > 0) {
      printDiagnostics(io, found.diagnostics);
      if (found.unread.length > 0)
        say('rescind discover: nothing was written; --allow-partial writes what was found');
      return EXIT.error;
    }
    printDiagnostics(io, found.diagnostics);
    if (found.plan === undefined) {
      say('rescind discover: found nothing; no plan was written');
      return EXIT.changes;
    }
    const text =
      v.format === 'json'
        ? `${JSON.stringify(found.plan.data, null, 2)}\n`
        : found.plan.text(modeline(schemaRef(io.cwd, path)('plan.schema.json')));
    if (out === undefined || path === undefined) {
      io.stdout.write(text);
      return EXIT.ok;
    }
    try {
      // --force replaces what is there, a link included, never writing through it.
      if (v.force !== true) writeFileSync(path, text, { flag: 'wx' });
      else if (!replaceFile(path, text, 0o644)) throw new Error('its temporary file exists');
    } catch (e) {
      const why = e instanceof Error && 'code' in e ? String(e.code) : String(e);
      const d: Diagnostic = {
        severity: 'error',
        code: 'file.unwritable',
        file: out,
        message: `cannot write ${out}: ${why}`,
      };
      return fail(io, 'discover', false, [d]);
    }
    const shown = relative(io.cwd, path) || path;
    say(`Wrote ${shown}. Review it, then: rescind plan ${shown}`);
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

// Per account and type, what was found and what could not be read; then the total.
function summary(found: DiscoverOutcome, say: (line: string) => void): void {
  const width = Math.max(
    ...found.counts.map((c) => c.account.length),
    ...found.unread.map((u) => u.account.length),
  );
  for (const c of found.counts) say(`  ${c.account.padEnd(width)}  ${c.type}  ${c.count}`);
  for (const u of found.unread)
    say(`  ${u.account.padEnd(width)}  ${u.type}  not read: ${u.diagnostics[0]?.message ?? ''}`);
  const total = found.counts.reduce((n, c) => n + c.count, 0);
  const accounts = new Set(found.counts.map((c) => c.account)).size;
  say(
    `Found ${total} ${total === 1 ? 'credential' : 'credentials'} in ${accounts} ${accounts === 1 ? 'account' : 'accounts'}.`,
  );
}
