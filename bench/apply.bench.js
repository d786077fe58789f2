#!/usr/bin/env node
// `rescind apply` against the emulator, in two settings.
//
// 1. Latency: 2,000 targets (1,000 KMS grants on 10 keys, 1,000 ESA certificates on 10 sites) at 50 ms
//    emulator latency and concurrency 32. Efficiency = (requests the emulator saw x 50 ms / 32) / wall
//    time: 1.0 means every slot was busy all the time. Bars: efficiency >= 0.90, at most 2.2 calls per
//    target, every target verified, at most 32 calls in flight, peak RSS under 200 MB. Beside it, in
//    the same run, the efficiency of the HTTP layer alone making as many signed reads: what this
//    machine allows at all (signing, sockets and the emulator share its two cores).
// 2. Throttling: 1,000 KMS grants, the emulator throttling at 50 requests per second per operation,
//    no client rate limit, concurrency 32. Bars: every target verified, wall time within
//    1.25 x (busiest operation's calls / 50) + 1 s, throttled answers at most 10 % of requests.
//
// Each apply runs in a fresh child process (session.prepareApply + session.apply, timed; peak RSS from
// process.resourceUsage()); the emulator runs in this process. The saved plan is made once, before.
// BENCH_RUNS runs of the first setting (default 3), median. BENCH_PHASES=1 prints each apply's phases
// and CPU time; BENCH_CPU_PROF=DIR profiles each apply; BENCH_ONLY_LATENCY=1 skips the throttling
// setting. Run after `npm run build` (npm run bench does both).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, runNode } from './lib.js';

const CHILD = '--apply-child';
const LATENCY_MS = 50;
const CONCURRENCY = 32;
const THROTTLE_RPS = 50;

if (process.argv[2] === CHILD) await child(process.argv[3] ?? '', process.argv[4] ?? 'plan');
else await main();

// One apply of plan.json in dir, reported as one line of JSON.
async function child(dir, what) {
  const { createSession } = await import('../dist/session/session.js');
  if (what === 'plan') {
    const session = createSession({ cwd: dir, env: process.env });
    const result = await session.plan('plan.yaml');
    await session.close();
    const { renderPlanJson } = await import('../dist/render/plan/json.js');
    writeFileSync(join(dir, 'plan.json'), renderPlanJson(result.plan));
    process.stdout.write(`${JSON.stringify({ targets: result.plan?.targets.length })}\n`);
    return;
  }
  if (what === 'ceiling') {
    // The HTTP layer alone: N signed reads, CONCURRENCY at a time, no executor, no journal.
    const n = Number(process.argv[5]);
    const session = createSession({ cwd: dir, env: process.env });
    const opened = await session.openAccounts({ 'ali-prod': ['esa'] }, { connections: CONCURRENCY });
    const account = opened.accounts.get('ali-prod');
    let next = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < n) {
          next++;
          await account.http.call({
            method: 'GET',
            url: `${account.endpoint('esa')}/`,
            query: { SiteId: 1234567890200, Id: `${'0'.repeat(31)}1` },
            service: 'esa',
            operation: 'GetClientCertificate',
            apiVersion: '2024-09-10',
          });
        }
      }),
    );
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    await session.close();
    process.stdout.write(`${JSON.stringify({ ms })}\n`);
    return;
  }
  const start = process.hrtime.bigint();
  const session = createSession({ cwd: dir, env: process.env });
  const prepared = await session.prepareApply('plan.json');
  const t1 = process.hrtime.bigint();
  let first;
  let started;
  const applied = await session.apply(prepared, {
    concurrency: CONCURRENCY,
    onStart: () => {
      started ??= process.hrtime.bigint();
    },
    onEvent: () => {
      first ??= process.hrtime.bigint();
    },
  });
  if (process.env.BENCH_PHASES) {
    const ms = (t) => (Number(t - start) / 1e6).toFixed(0);
    const cpu = process.cpuUsage();
    process.stderr.write(
      `prepared ${ms(t1)} ms, run started ${ms(started)} ms, first target ended ${ms(first)} ms, cpu user ${(cpu.user / 1000).toFixed(0)} ms system ${(cpu.system / 1000).toFixed(0)} ms\n`,
    );
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  await session.close();
  const outcomes = {};
  for (const t of applied.results?.targets ?? []) outcomes[t.outcome] = (outcomes[t.outcome] ?? 0) + 1;
  process.stdout.write(
    `${JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS, outcomes, diagnostics: applied.diagnostics.map((d) => d.message) })}\n`,
  );
}

async function main() {
  const { startEmulator } = await import('../dist/emulator/server.js');
  const { loadSeed } = await import('../dist/emulator/seed.js');
  const RUNS = Number(process.env.BENCH_RUNS ?? 3);
  const demo = loadSeed();
  const hw = demo.identities.find((i) => i.cloud === 'huaweicloud' && i.accessKey !== undefined);
  const project = demo.huaweicloud?.kms?.keys?.[0]?.project_id;
  const hex = (n, w) => n.toString(16).padStart(w, '0');
  const keyId = (k) => `0d0466b0-e727-4d9c-b35d-${hex(0xc0000 + k, 12)}`;
  const grantId = (k, i) => hex(k * 100_000 + i + 1, 64);
  const siteId = (s) => 1234567890200 + s;
  const certId = (s, i) => hex(s * 100_000 + i + 1, 32);

  const fleet = (keys, grants, sites, certs) => {
    const state = {
      apiVersion: 'rescind/v1',
      kind: 'EmulatorState',
      identities: demo.identities,
      huaweicloud: {
        kms: {
          keys: Array.from({ length: keys }, (_, k) => ({
            project_id: project,
            key_id: keyId(k),
            creator: hw.userId,
            grants: Array.from({ length: grants }, (_, i) => ({
              grant_id: grantId(k, i),
              grantee_principal: 'aaaa0000aaaa0000aaaa0000aaaa0000',
              grantee_principal_type: 'user',
              operations: ['decrypt-data'],
            })),
          })),
        },
      },
      alibabacloud: {
        esa: {
          sites: Array.from({ length: sites }, (_, s) => ({
            SiteId: siteId(s),
            SiteName: `site-${s}.example.com`,
            client_certificates: Array.from({ length: certs }, (_, i) => ({
              Id: certId(s, i),
              CommonName: `user-${s}-${i}`,
              Status: 'active',
            })),
          })),
        },
      },
    };
    let lines = '';
    for (let k = 0; k < keys; k++)
      for (let i = 0; i < grants; i++)
        lines += `    - {id: g-${k}-${i}, type: huaweicloud.kms.grant, account: hw-prod, target: {keyId: ${keyId(k)}, grantId: "${grantId(k, i)}"}}\n`;
    for (let s = 0; s < sites; s++)
      for (let i = 0; i < certs; i++)
        lines += `    - {id: c-${s}-${i}, type: alibabacloud.esa.client-certificate, account: ali-prod, target: {siteId: ${siteId(s)}, certificateId: "${certId(s, i)}"}}\n`;
    const plan = `apiVersion: rescind/v1\nkind: RevocationPlan\nmetadata: {name: bench-apply, reason: benchmark, ticket: SEC-1}\nspec:\n  revocations:\n${lines}`;
    return { state, plan, targets: keys * grants + sites * certs };
  };

  // Sets up an emulator and a folder with the plan saved; returns what a run needs.
  const setup = async (f, faults) => {
    const emulator = await startEmulator({ state: f.state });
    const caller = { hw: emulator.caller('huaweicloud'), ali: emulator.caller('alibabacloud') };
    const env = {
      ...process.env,
      HUAWEICLOUD_SDK_AK: caller.hw.accessKey,
      HUAWEICLOUD_SDK_SK: caller.hw.secretKey,
      ALIBABA_CLOUD_ACCESS_KEY_ID: caller.ali.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: caller.ali.accessKeySecret,
    };
    const admin = async (method, path, body) => {
      const res = await fetch(`${emulator.url}/_emulator/${path}`, {
        method,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
      if (!res.ok) throw new Error(`emulator ${path}: HTTP ${res.status}`);
      return res.json().catch(() => undefined);
    };
    const dir = mkdtempSync(join(tmpdir(), 'rescind-bench-apply-'));
    writeFileSync(
      join(dir, 'rescind.config.yaml'),
      `apiVersion: rescind/v1\nkind: Config\naccounts:\n  hw-prod: {cloud: huaweicloud, region: ap-southeast-1, projectId: ${project}, domainId: ${caller.hw.domainId}, endpoint: "${emulator.url}", rateLimits: {default: 0}}\n  ali-prod: {cloud: alibabacloud, region: cn-hangzhou, endpoint: "${emulator.url}", rateLimits: {default: 0}}\n`,
    );
    writeFileSync(join(dir, 'plan.yaml'), f.plan);
    await runNode([fileURLToPath(import.meta.url), CHILD, dir, 'plan'], dir, env);
    const apply = async () => {
      await admin('POST', 'reset');
      await admin('POST', 'faults', faults);
      rmSync(join(dir, '.rescind'), { recursive: true, force: true });
      const profile = process.env.BENCH_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
        : [];
      const out = await runNode([...profile, fileURLToPath(import.meta.url), CHILD, dir, 'apply'], dir, env);
      if (process.env.BENCH_PHASES) {
        const cpu = process.cpuUsage();
        process.stdout.write(
          `${out.stderr}emulator process cpu so far: user ${(cpu.user / 1000).toFixed(0)} ms system ${(cpu.system / 1000).toFixed(0)} ms\n`,
        );
      }
      const report = JSON.parse(out.stdout);
      const stats = await admin('GET', 'stats');
      await admin('POST', 'faults', { latencyMs: 0, throttleRps: 0 });
      return { ...report, stats };
    };
    const ceiling = async (n) => {
      await admin('POST', 'reset');
      await admin('POST', 'faults', faults);
      const out = await runNode([fileURLToPath(import.meta.url), CHILD, dir, 'ceiling', String(n)], dir, env);
      await admin('POST', 'faults', { latencyMs: 0, throttleRps: 0 });
      return JSON.parse(out.stdout).ms;
    };
    return {
      apply,
      ceiling,
      close: async () => {
        await emulator.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
  const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);

  // 1. Latency.
  const big = fleet(10, 100, 10, 100);
  const latency = await setup(big, { latencyMs: LATENCY_MS });
  const runs = [];
  try {
    for (let r = 0; r < RUNS; r++) {
      const result = await latency.apply();
      if ((result.outcomes.verified ?? 0) !== big.targets) {
        throw new Error(
          `not every target verified: ${JSON.stringify(result.outcomes)} ${result.diagnostics.join('; ')}`,
        );
      }
      const requests = sum(result.stats.requests);
      runs.push({
        ms: result.ms,
        requests,
        efficiency: (requests * LATENCY_MS) / CONCURRENCY / result.ms,
        perTarget: requests / big.targets,
        maxInFlight: Math.max(...Object.values(result.stats.maxInFlight)),
        rssMb: result.maxRssKb / 1024,
        stats: result.stats.requests,
        ceiling: (requests * LATENCY_MS) / CONCURRENCY / (await latency.ceiling(requests)),
      });
    }
  } finally {
    await latency.close();
  }
  const of = (field) => median(runs.map((r) => r[field]));
  console.log(
    `apply: median of ${RUNS} runs, 2,000 targets (1,000 KMS grants on 10 keys, 1,000 ESA certificates on 10 sites), ${LATENCY_MS} ms latency, concurrency ${CONCURRENCY}`,
  );
  const verdict = (ok) => (ok ? 'within the bar' : 'OVER the bar');
  console.log(`  wall time                        ${of('ms').toFixed(0).padStart(6)} ms`);
  console.log(`  requests the emulator saw        ${String(of('requests')).padStart(6)}`);
  console.log(
    `  efficiency                       ${of('efficiency').toFixed(3).padStart(6)}     ${verdict(of('efficiency') >= 0.9)} (>= 0.90)`,
  );
  console.log(
    `  the HTTP layer alone, same calls  ${of('ceiling').toFixed(3).padStart(6)}     (signed reads, no executor, no journal: this machine's ceiling)`,
  );
  console.log(
    `  apply / ceiling                  ${(of('efficiency') / of('ceiling')).toFixed(3).padStart(6)}`,
  );
  console.log(
    `  calls per target                 ${of('perTarget').toFixed(3).padStart(6)}     ${verdict(of('perTarget') <= 2.2)} (<= 2.2)`,
  );
  console.log(
    `  max calls in flight (one API)    ${String(of('maxInFlight')).padStart(6)}     ${verdict(of('maxInFlight') <= CONCURRENCY)} (<= ${CONCURRENCY})`,
  );
  console.log(
    `  peak RSS                         ${of('rssMb').toFixed(0).padStart(6)} MB  ${verdict(of('rssMb') < 200)} (< 200 MB)`,
  );
  console.log(
    `  calls by API (last run)          ${Object.entries(runs[runs.length - 1].stats)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );

  if (process.env.BENCH_ONLY_LATENCY) return;
  // 2. Throttling, no client rate limit.
  const kms = fleet(10, 100, 0, 0);
  const throttled = await setup(kms, { throttleRps: THROTTLE_RPS });
  try {
    const result = await throttled.apply();
    const verified = result.outcomes.verified ?? 0;
    const requests = sum(result.stats.requests);
    const busiest = Math.max(...Object.values(result.stats.requests));
    const bound = 1.25 * (busiest / THROTTLE_RPS) * 1000 + 1000;
    const share = result.stats.throttled / (requests + result.stats.throttled);
    console.log(
      `apply under throttling: 1,000 KMS grants, the emulator at ${THROTTLE_RPS} requests/s per operation, no client rate limit, concurrency ${CONCURRENCY}`,
    );
    console.log(
      `  verified                         ${String(verified).padStart(6)}     ${verdict(verified === kms.targets)} (all ${kms.targets})`,
    );
    console.log(
      `  wall time                        ${result.ms.toFixed(0).padStart(6)} ms  ${verdict(result.ms <= bound)} (<= ${bound.toFixed(0)} ms: 1.25 x ${busiest} calls / ${THROTTLE_RPS} + 1 s)`,
    );
    console.log(
      `  throttled answers                ${String(result.stats.throttled).padStart(6)}     ${(share * 100).toFixed(1)}% of ${requests + result.stats.throttled} answers, ${verdict(share <= 0.1)} (<= 10%)`,
    );
  } finally {
    await throttled.close();
  }
}
