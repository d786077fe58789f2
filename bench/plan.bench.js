#!/usr/bin/env node
// `rescind plan` of 10,000 targets against the emulator at zero latency: 5,000 Huawei KMS grants
// on 5 keys (1,000 each) and 5,000 Alibaba ESA client certificates on 2 sites (2,500 each), 9,000
// of them as explicit `target:` entries and 1,000 reached by two selectors that share their key's or
// site's list with the explicit targets. The emulator runs in this process (its memory and CPU are
// not the planner's); each plan is made in a fresh child process, by session.plan (timed from the
// session's start to the plan result) and by the whole CLI (`bin/rescind.js plan --format json`).
// Reported: wall time, the list calls the emulator answered against the fewest possible (one paged
// list per key and per site), and the planning process's peak RSS. Quality bars: under 3 s, under
// 200 MB, list calls within 5 % of the minimum. BENCH_RUNS runs (default 3), median; BENCH_KEEP keeps
// the folder; BENCH_CPU_PROF=DIR writes a CPU profile of each session.plan child into DIR.
// Run after `npm run build` (npm run bench does both).

import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callerEnv } from './fleet.js';
import { median, record, runNode, spread } from './lib.js';

const CHILD = '--plan-child';

// The page sizes rescind asks for: PAGE_SIZE of src/providers/huaweicloud/kms.ts (ListGrants limit)
// and of src/providers/alibabacloud/esa.ts (ListClientCertificates PageSize).
const KMS_PAGE = 100;
const ESA_PAGE = 100;
const KEYS = 5;
const GRANTS_PER_KEY = 1000;
const SITES = 2;
const CERTS_PER_SITE = 2500;
const BARS = { ms: 3000, mb: 200, listOver: 0.05 };

if (process.argv[2] === CHILD) await child(process.argv[3] ?? '');
else await main();

// The planning process: one session.plan of plan.yaml in dir, reported as one line of JSON.
async function child(dir) {
  const { createSession } = await import('../dist/session/session.js');
  const start = process.hrtime.bigint();
  const session = createSession({ cwd: dir, env: process.env });
  const result = await session.plan('plan.yaml');
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  await session.close();
  const report = {
    ms,
    maxRssKb: process.resourceUsage().maxRSS,
    targets: result.plan?.targets.length,
    summary: result.plan?.summary,
    selectors: result.plan?.selectors.map((s) => s.matched),
    diagnostics: result.diagnostics.slice(0, 5).map((d) => `${d.code}: ${d.message}`),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

async function main() {
  const { startEmulator } = await import('../dist/emulator/server.js');
  const { loadSeed } = await import('../dist/emulator/seed.js');
  const root = fileURLToPath(new URL('..', import.meta.url));
  const RUNS = Number(process.env.BENCH_RUNS ?? 3);

  // The demo seed's identities (plans/examples/emulator-seed.yaml) sign for both clouds.
  const demo = loadSeed();
  const hwIdentity = demo.identities.find((i) => i.cloud === 'huaweicloud' && i.accessKey !== undefined);
  const project = demo.huaweicloud?.kms?.keys?.[0]?.project_id;
  if (hwIdentity === undefined || project === undefined) throw new Error('the demo seed has no KMS caller');

  const hex = (n, width) => n.toString(16).padStart(width, '0');
  const keyId = (k) => `0d0466b0-e727-4d9c-b35d-${hex(0xb0000 + k, 12)}`;
  const grantId = (k, i) => hex(k * GRANTS_PER_KEY + i + 1, 64);
  const grantee = (i) =>
    i % 2 === 0 ? 'aaaa0000aaaa0000aaaa0000aaaa0000' : 'bbbb0000bbbb0000bbbb0000bbbb0000';
  const siteId = (s) => 1234567890001 + s;
  const certId = (s, i) => hex(s * CERTS_PER_SITE + i + 1, 32);
  // The last site's last 500 certificates are reached by a selector on their common name.
  const selected = (s, i) => s === SITES - 1 && i >= CERTS_PER_SITE - 500;
  const commonName = (s, i) => (selected(s, i) ? `sel-${s}-${i}` : `user-${s}-${i}`);

  const state = {
    apiVersion: 'rescind/v1',
    kind: 'EmulatorState',
    identities: demo.identities,
    huaweicloud: {
      kms: {
        keys: Array.from({ length: KEYS }, (_, k) => ({
          project_id: project,
          key_id: keyId(k),
          creator: hwIdentity.userId,
          grants: Array.from({ length: GRANTS_PER_KEY }, (_, i) => ({
            grant_id: grantId(k, i),
            grantee_principal: grantee(i),
            grantee_principal_type: 'user',
            operations: ['encrypt-datakey', 'decrypt-datakey'],
            name: `bench-${k}-${i}`,
            creation_date: '1497341531000',
          })),
        })),
      },
    },
    alibabacloud: {
      esa: {
        sites: Array.from({ length: SITES }, (_, s) => ({
          SiteId: siteId(s),
          SiteName: `site-${s}.example.com`,
          client_certificates: Array.from({ length: CERTS_PER_SITE }, (_, i) => ({
            Id: certId(s, i),
            CommonName: commonName(s, i),
            Status: 'active',
          })),
        })),
      },
    },
  };

  // 9,000 explicit targets; the last key's odd grants (grantee bbbb...) and the last site's sel-*
  // certificates come from two selectors, which share the list with that key's and site's targets.
  let revocations = '';
  for (let k = 0; k < KEYS; k++) {
    for (let i = 0; i < GRANTS_PER_KEY; i++) {
      if (k === KEYS - 1 && i % 2 === 1) continue;
      revocations += `    - id: kms-${k}-${i}\n      type: huaweicloud.kms.grant\n      account: hw-prod\n      target:\n        keyId: ${keyId(k)}\n        grantId: "${grantId(k, i)}"\n`;
    }
  }
  revocations += `    - id: kms-select\n      type: huaweicloud.kms.grant\n      account: hw-prod\n      select:\n        keyIds: [${keyId(KEYS - 1)}]\n        granteePrincipal: ${grantee(1)}\n`;
  for (let s = 0; s < SITES; s++) {
    for (let i = 0; i < CERTS_PER_SITE; i++) {
      if (selected(s, i)) continue;
      revocations += `    - id: esa-${s}-${i}\n      type: alibabacloud.esa.client-certificate\n      account: ali-prod\n      target:\n        siteId: ${siteId(s)}\n        certificateId: "${certId(s, i)}"\n`;
    }
  }
  revocations += `    - id: esa-select\n      type: alibabacloud.esa.client-certificate\n      account: ali-prod\n      select:\n        siteId: ${siteId(SITES - 1)}\n        commonName: "sel-*"\n`;
  const plan = `apiVersion: rescind/v1\nkind: RevocationPlan\nmetadata:\n  name: bench-plan\n  reason: benchmark\n  ticket: SEC-1\nspec:\n  revocations:\n${revocations}`;
  const expected = KEYS * GRANTS_PER_KEY + SITES * CERTS_PER_SITE;
  const minimum = {
    ListGrants: KEYS * Math.ceil(GRANTS_PER_KEY / KMS_PAGE),
    ListClientCertificates: SITES * Math.ceil(CERTS_PER_SITE / ESA_PAGE),
  };

  const emulator = await startEmulator({ state });
  const hw = emulator.caller('huaweicloud');
  const env = callerEnv(emulator);
  const admin = async (method, path) => {
    const res = await fetch(`${emulator.url}/_emulator/${path}`, { method });
    if (!res.ok) throw new Error(`emulator ${path}: HTTP ${res.status}`);
    return res.json().catch(() => undefined);
  };

  const dir = mkdtempSync(join(tmpdir(), 'rescind-bench-plan-'));
  try {
    writeFileSync(
      join(dir, 'rescind.config.yaml'),
      `apiVersion: rescind/v1\nkind: Config\naccounts:\n  hw-prod: {cloud: huaweicloud, region: ap-southeast-1, projectId: ${project}, domainId: ${hw.domainId}, endpoint: "${emulator.url}", rateLimits: {default: 0}}\n  ali-prod: {cloud: alibabacloud, region: cn-hangzhou, endpoint: "${emulator.url}", rateLimits: {default: 0}}\n`,
    );
    writeFileSync(join(dir, 'plan.yaml'), plan);

    const profile = process.env.BENCH_CPU_PROF;
    const session = [];
    const cli = [];
    const shows = [];
    for (let r = 0; r < RUNS; r++) {
      await admin('POST', 'reset');
      const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
      const out = await runNode([...flags, fileURLToPath(import.meta.url), CHILD, dir], dir, env);
      const report = JSON.parse(out.stdout);
      if (
        report.targets !== expected ||
        report.summary?.revoke !== expected ||
        report.selectors?.join(' ') !== '500 500'
      ) {
        throw new Error(
          `the plan is not the expected one: ${report.targets} targets, summary ${JSON.stringify(report.summary)}, selectors matched ${report.selectors}, ${report.diagnostics.join('; ')}`,
        );
      }
      session.push({ ...report, calls: (await admin('GET', 'stats')).requests });

      // The whole CLI; its peak RSS is printed on stderr at exit by a preloaded module.
      await admin('POST', 'reset');
      const hook =
        "data:text/javascript,process.on('exit',()=>process.stderr.write('\\nbench-max-rss-kb '+process.resourceUsage().maxRSS+'\\n'))";
      const started = process.hrtime.bigint();
      const whole = await runNode(
        [
          '--import',
          hook,
          join(root, 'bin/rescind.js'),
          'plan',
          'plan.yaml',
          '--format',
          'json',
          '--out',
          'saved.json',
        ],
        dir,
        env,
      );
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const rss = /bench-max-rss-kb (\d+)/.exec(whole.stderr);
      const targets = JSON.parse(whole.stdout).targets?.length;
      if (rss === null || targets !== expected) throw new Error(`the CLI plan failed: ${whole.stderr}`);
      cli.push({ ms, maxRssKb: Number(rss[1]), calls: (await admin('GET', 'stats')).requests });

      // The saved plan read back: schema, digest, and rendered as the text diff.
      const shownAt = process.hrtime.bigint();
      const shown = await runNode(
        ['--import', hook, join(root, 'bin/rescind.js'), 'show', 'saved.json'],
        dir,
        env,
      );
      const showMs = Number(process.hrtime.bigint() - shownAt) / 1e6;
      const showRss = /bench-max-rss-kb (\d+)/.exec(shown.stderr);
      if (showRss === null || !shown.stdout.includes(`Plan: ${expected} to revoke`)) {
        throw new Error(`show of the saved plan failed: ${shown.stderr.slice(0, 2000)}`);
      }
      shows.push({ ms: showMs, maxRssKb: Number(showRss[1]), bytes: statSync(join(dir, 'saved.json')).size });
    }
    const of = (runs, field) => median(runs.map((s) => s[field]));
    const fewest = minimum.ListGrants + minimum.ListClientCertificates;
    const listed = (runs) =>
      median(runs.map((s) => (s.calls.ListGrants ?? 0) + (s.calls.ListClientCertificates ?? 0)));
    const time = (ms, bar) => {
      const verdict =
        bar === undefined ? '' : ms < bar ? `  under the ${bar} ms bar` : `  OVER the ${bar} ms bar`;
      return `${ms.toFixed(0).padStart(6)} ms${verdict}`;
    };
    const memory = (kb) => {
      const mb = kb / 1024;
      return `${mb.toFixed(0).padStart(6)} MB  ${mb < BARS.mb ? 'under' : 'OVER'} the ${BARS.mb} MB bar`;
    };
    const calls = (n) => {
      const over = n / fewest - 1;
      const sign = over >= 0 ? '+' : '';
      const verdict = over <= BARS.listOver ? 'within' : 'OVER';
      return `${String(n).padStart(6)}     minimum ${fewest} (${sign}${(over * 100).toFixed(1)}%), ${verdict} the 5% bar`;
    };
    const last = session[session.length - 1].calls;
    const detail = Object.entries(last)
      .map(([op, n]) => `${op} ${n}${op in minimum ? `/${minimum[op]}` : ''}`)
      .join(', ');
    const rows = [
      ['plan, session.plan', time(of(session, 'ms'), BARS.ms)],
      ['plan, whole CLI (--format json)', time(of(cli, 'ms'))],
      ['peak RSS, session.plan process', memory(of(session, 'maxRssKb'))],
      ['peak RSS, whole CLI', memory(of(cli, 'maxRssKb'))],
      [
        'show of the saved plan (text)',
        `${time(of(shows, 'ms'))}, ${(of(shows, 'bytes') / 2 ** 20).toFixed(1)} MiB of JSON, peak RSS ${(of(shows, 'maxRssKb') / 1024).toFixed(0)} MB`,
      ],
      ['list calls, session.plan', calls(listed(session))],
      ['list calls, whole CLI', calls(listed(cli))],
      ['calls per plan (calls/minimum)', detail],
    ];
    console.log(
      `plan: median of ${RUNS} runs, ${expected.toLocaleString('en')} targets (${(KEYS * GRANTS_PER_KEY).toLocaleString('en')} KMS grants on ${KEYS} keys, ${(SITES * CERTS_PER_SITE).toLocaleString('en')} ESA certificates on ${SITES} sites), emulator at zero latency`,
    );
    for (const [name, value] of rows) console.log(`  ${name.padEnd(32)} ${value}`);
    const all = (runs, field, scale = 1) => spread(runs.map((s) => s[field] / scale));
    record('plan', {
      runs: RUNS,
      targets: expected,
      fleet: `${(KEYS * GRANTS_PER_KEY).toLocaleString('en')} KMS grants on ${KEYS} keys, ${(SITES * CERTS_PER_SITE).toLocaleString('en')} ESA certificates on ${SITES} sites`,
      bars: BARS,
      session: { ms: all(session, 'ms'), rssMb: all(session, 'maxRssKb', 1024) },
      cli: { ms: all(cli, 'ms'), rssMb: all(cli, 'maxRssKb', 1024) },
      show: { ms: all(shows, 'ms'), rssMb: all(shows, 'maxRssKb', 1024), mib: of(shows, 'bytes') / 2 ** 20 },
      lists: { session: listed(session), cli: listed(cli), fewest },
    });
  } finally {
    await emulator.close();
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
}
