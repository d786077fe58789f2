#!/usr/bin/env node
// `rescind apply` under the cloud's throttling: 1,000 targets, 500 KMS grants (5 keys) and 500 ESA
// certificates (5 sites), listed in blocks and interleaved; the emulator throttling each operation at
// R = 50 requests per second (Huawei's 429 APIGW.0308, Alibaba's Throttling.User) with 50 ms latency;
// concurrency 64 and no client rate limit (`rateLimits: {default: 0}`). Three contenders, whole
// processes timed from spawn to exit, in alternated runs (BENCH_RUNS, default 5), the emulator reset
// before each:
//
//   rescind apply --yes --concurrency 64 plan.json      (saved before, `rescind plan --out`)
//   node bench/sdk-pool.js 64 retry                     the official-SDK pool, retrying throttling
//   node bench/sdk-pool.js 64                           the same pool without a retry
//
// The ideal time is what the cloud's rates allow: each operation's targets ÷ R, the operations in
// parallel, so the longest of them (10 s). Reported: time ÷ ideal, the throttled share of the
// requests the emulator saw, the targets still active. Goals for rescind: within 1.15 × the ideal
// + 1 s, at most 5 % throttled, none left active. Run after `npm run build` (npm run bench does both).

import { fileURLToPath } from 'node:url';
import { BIN, describeFleet, mixedFleet, openBench } from './fleet.js';
import { alternate, record, runsOr, spreads } from './lib.js';

const TARGETS = 1000;
const R = 50;
const LATENCY_MS = 50;
const CONCURRENCY = 64;
const RUNS = runsOr(5);
const POOL = fileURLToPath(new URL('./sdk-pool.js', import.meta.url));
const FIELDS = ['ms', 'ofIdeal', 'requests', 'throttled', 'throttledShare', 'active'];

const results = [];
for (const interleave of [false, true]) {
  const fleet = mixedFleet(TARGETS, ['kms', 'esa'], { interleave });
  // Every type has one revoke operation: its targets at R per second, all types at once.
  const idealMs = (Math.max(...Object.values(fleet.count)) / R) * 1000;
  const bench = await openBench(fleet, { faults: { latencyMs: LATENCY_MS, throttleRps: R } });
  const runOnce = (argv) => async () => {
    await bench.reset();
    const out = await bench.run(argv);
    const seen = await bench.seen();
    return {
      ms: out.ms,
      ofIdeal: out.ms / idealMs,
      requests: seen.requests,
      throttled: seen.throttled,
      throttledShare: seen.throttled / seen.requests,
      active: seen.active,
    };
  };
  try {
    await bench.reset({ latencyMs: 0, throttleRps: 0 });
    await bench.savePlan();
    const samples = await alternate(
      {
        rescind: runOnce([BIN, 'apply', '--yes', '--concurrency', String(CONCURRENCY), 'plan.json']),
        poolRetry: runOnce([POOL, String(CONCURRENCY), 'retry']),
        pool: runOnce([POOL, String(CONCURRENCY)]),
      },
      RUNS,
    );
    results.push({
      order: interleave ? 'interleaved' : 'in blocks',
      fleet: describeFleet(fleet),
      idealMs,
      goalMs: 1.15 * idealMs + 1000,
      ...Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, spreads(s, FIELDS)])),
    });
  } finally {
    await bench.close();
  }
}

const range = (s, digits) => (s.runs > 1 ? ` (${s.min.toFixed(digits)}-${s.max.toFixed(digits)})` : '');
console.log(
  `apply under throttling: ${TARGETS.toLocaleString('en')} targets, the emulator at ${R} requests/s per operation and ${LATENCY_MS} ms, concurrency ${CONCURRENCY}, no client limit; median of ${RUNS} alternated runs (min-max)`,
);
for (const r of results) {
  console.log(`  ${r.fleet}, ${r.order}: ideal ${(r.idealMs / 1000).toFixed(1)} s`);
  for (const [name, m] of [
    ['rescind apply', r.rescind],
    ['SDK pool with a retry', r.poolRetry],
    ['SDK pool, no retry', r.pool],
  ]) {
    console.log(
      `    ${name.padEnd(22)} ${m.ms.median.toFixed(0).padStart(6)} ms${range(m.ms, 0)}  ${m.ofIdeal.median.toFixed(2)} x ideal  ${(m.throttledShare.median * 100).toFixed(1)} % throttled  still active ${m.active.max}`,
    );
  }
  const ok = r.rescind.ms.median <= r.goalMs && r.rescind.throttledShare.median <= 0.05;
  console.log(
    `    rescind ${ok ? 'within' : 'OVER'} the goal (<= ${(r.goalMs / 1000).toFixed(1)} s, <= 5 % throttled)`,
  );
}
record('throttle', {
  targets: TARGETS,
  rps: R,
  latencyMs: LATENCY_MS,
  concurrency: CONCURRENCY,
  runs: RUNS,
  results,
});
