#!/usr/bin/env node
// `rescind apply` under the cloud's throttling: 1,000 KMS grants on 10 keys, the emulator throttling at
// R = 50 requests per second per operation (Huawei's 429 APIGW.0308), concurrency 32, in two settings:
// no client rate limit (rescind finds the rate from the throttling answers), and the account's
// rateLimits configured at R (per service, so KMS's list and revoke calls share it).
//
// Reported: wall time; the sustained rate of the busiest operation (CancelGrant), its calls that were
// not throttled / wall time, as a share of R; the throttled answers as a share of all answers. Bars
// (no client limit): every target verified, wall time within 1.25 x (busiest operation's calls / R)
// + 1 s, at most 10 % throttled. One run of each by default (some 20 s each; BENCH_RUNS to change).
// Run after `npm run build` (npm run bench does both).

import { describeFleet, mixedFleet, openBench, sum } from './fleet.js';
import { record, spread } from './lib.js';

const TARGETS = 1000;
const R = 50;
const CONCURRENCY = 32;
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS) || 1);

const fleet = mixedFleet(TARGETS, ['kms']);
const settings = [
  { name: 'no client rate limit', rateLimits: 0 },
  { name: `rateLimits configured at ${R}/s`, rateLimits: R },
];
const results = [];
for (const setting of settings) {
  const bench = await openBench(fleet, { faults: { throttleRps: R }, rateLimits: setting.rateLimits });
  const samples = [];
  try {
    await bench.reset({});
    await bench.savePlan();
    for (let r = 0; r < RUNS; r++) {
      await bench.reset();
      const result = await bench.child(['apply', bench.dir, String(CONCURRENCY)]);
      const stats = await bench.admin('GET', 'stats');
      const active = await bench.active();
      const requests = sum(stats.requests);
      const [busiest, calls] = Object.entries(stats.requests).sort((a, b) => b[1] - a[1])[0];
      // Every throttled answer is counted against the busiest operation: its rate is not overstated.
      const accepted = calls - stats.throttled;
      samples.push({
        ms: result.ms,
        verified: result.outcomes.verified ?? 0,
        failed: result.outcomes.failed ?? 0,
        active,
        busiest,
        calls,
        rateOfR: accepted / (result.ms / 1000) / R,
        throttledShare: stats.throttled / requests,
        throttled: stats.throttled,
        requests,
        bound: 1.25 * (calls / R) * 1000 + 1000,
      });
    }
  } finally {
    await bench.close();
  }
  const of = (field) => spread(samples.map((s) => s[field]));
  const last = samples[samples.length - 1];
  results.push({
    name: setting.name,
    rateLimits: setting.rateLimits,
    runs: RUNS,
    ms: of('ms'),
    rateOfR: of('rateOfR'),
    throttledShare: of('throttledShare'),
    throttled: of('throttled'),
    requests: of('requests'),
    verified: of('verified'),
    failed: of('failed'),
    active: of('active'),
    busiest: last.busiest,
    calls: of('calls'),
    bound: of('bound'),
  });
}

const verdict = (ok) => (ok ? 'within the bar' : 'OVER the bar');
const runs = RUNS > 1 ? `median of ${RUNS} runs` : '1 run';
console.log(
  `apply under throttling: ${describeFleet(fleet)} on 10 keys, the emulator at ${R} requests/s per operation, concurrency ${CONCURRENCY}, ${runs}`,
);
for (const r of results) {
  const free = r.rateLimits === 0;
  const bar = (ok, text) => (free ? `  ${verdict(ok)} (${text})` : '');
  console.log(`  ${r.name}`);
  console.log(
    `    verified                         ${String(r.verified.median).padStart(6)}     ${verdict(r.verified.min === TARGETS && r.active.max === 0)} (all ${TARGETS}; ${r.active.max} still active)`,
  );
  console.log(
    `    wall time                        ${r.ms.median.toFixed(0).padStart(6)} ms${bar(r.ms.median <= r.bound.median, `<= ${r.bound.median.toFixed(0)} ms: 1.25 x ${r.calls.median} ${r.busiest} calls / ${R} + 1 s`)}`,
  );
  console.log(
    `    sustained rate / R               ${r.rateOfR.median.toFixed(3).padStart(6)}     (${r.busiest} calls not throttled per second, / ${R})`,
  );
  console.log(
    `    throttled answers                ${String(r.throttled.median).padStart(6)}     ${(r.throttledShare.median * 100).toFixed(1)}% of ${r.requests.median} answers${bar(r.throttledShare.median <= 0.1, '<= 10%')}`,
  );
}
record('throttle', {
  targets: TARGETS,
  fleet: describeFleet(fleet),
  rps: R,
  concurrency: CONCURRENCY,
  results,
});
