#!/usr/bin/env node
// The library's side of bench/apply.bench.js, in a child process that bench/fleet.js starts in a bench
// folder: each does one thing and prints one line of JSON, with its peak RSS
// (process.resourceUsage().maxRSS, KB). The other benchmarks run the CLI itself, as a user does.
//
//   child.js apply DIR CONCURRENCY    session.prepareApply(plan.json) + session.apply (`rescind apply --yes`)
//   child.js ceiling DIR N CONCURRENCY  N signed reads through rescind's HTTP layer alone, CONCURRENCY at once
//
// Times run from the first call (modules loaded) to the last answer; apply's includes preparing the
// saved plan (reading it, opening the accounts, reading who they are).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [what, dir = '.', ...rest] = process.argv.slice(2);
const elapsed = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const report = (fields) =>
  process.stdout.write(`${JSON.stringify({ ...fields, maxRssKb: process.resourceUsage().maxRSS })}\n`);

switch (what) {
  case 'apply':
    await apply(Number(rest[0] ?? 32));
    break;
  case 'ceiling':
    await ceiling(Number(rest[0]), Number(rest[1] ?? 32));
    break;
  default:
    throw new Error(`bench child: unknown ${what}`);
}

async function apply(concurrency) {
  const { createSession } = await import('../dist/session/session.js');
  const start = process.hrtime.bigint();
  const session = createSession({ cwd: dir, env: process.env });
  const prepared = await session.prepareApply('plan.json', { concurrency });
  if (prepared.plan === undefined) throw new Error(prepared.diagnostics.map((d) => d.message).join('; '));
  const prepareMs = elapsed(start);
  let startedMs;
  let firstMs;
  const applied = await session.apply(prepared, {
    concurrency,
    onStart: () => {
      startedMs ??= elapsed(start);
    },
    onEvent: () => {
      firstMs ??= elapsed(start);
    },
  });
  const ms = elapsed(start);
  await session.close();
  const outcomes = {};
  for (const t of applied.results?.targets ?? []) outcomes[t.outcome] = (outcomes[t.outcome] ?? 0) + 1;
  // Why targets did not end done: the first diagnostic of each, counted by message.
  const errors = {};
  for (const t of applied.results?.targets ?? [])
    if (t.diagnostics.length > 0) {
      const key = t.diagnostics[0].message.slice(0, 160);
      errors[key] = (errors[key] ?? 0) + 1;
    }
  report({
    ms,
    prepareMs,
    startedMs,
    firstMs,
    outcomes,
    errors,
    diagnostics: applied.diagnostics.slice(0, 5).map((d) => d.message),
  });
}

// The HTTP layer alone: n signed ESA reads, `concurrency` at a time; no executor, no journal.
async function ceiling(n, concurrency) {
  const { createSession } = await import('../dist/session/session.js');
  const session = createSession({ cwd: dir, env: process.env });
  const opened = await session.openAccounts({ 'ali-prod': ['esa'] }, { connections: concurrency });
  const account = opened.accounts.get('ali-prod');
  const { siteId, certificateId } = JSON.parse(readFileSync(join(dir, 'targets.json'), 'utf8')).find(
    (t) => t.type === 'esa',
  );
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++;
        await account.http.call({
          method: 'GET',
          url: `${account.endpoint('esa')}/`,
          query: { SiteId: siteId, Id: certificateId },
          service: 'esa',
          operation: 'GetClientCertificate',
          apiVersion: '2024-09-10',
        });
      }
    }),
  );
  const ms = elapsed(start);
  await session.close();
  report({ ms });
}
