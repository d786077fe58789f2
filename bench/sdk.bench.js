#!/usr/bin/env node
// `rescind apply` against what users do today: the same revocations, mixed across the five types,
// through the clouds' official SDKs (the Huawei Cloud SDK core's HcClient for KMS, CCE and CCM; the
// generated Alibaba Cloud ESA and ACK clients), one revoke call per target, no read, no verification:
//
// 1. A sequential loop of the SDK calls, against the emulator at 50 ms latency, next to rescind apply
//    at concurrency 64 on the same emulator and the same targets: rescind's speed-up. At 1,000 targets
//    and at 2,000, the count of the apply benchmark (BENCH_SDK_SIZES=1000,2000): the loop takes one round trip per target, rescind a
//    fixed start (its identity reads) and three round trips in a row per target (read, revoke,
//    verify), so the speed-up depends on the count; each count is measured, none extrapolated.
// 2. An unbounded Promise.all of the same SDK calls against the emulator throttling at 20 requests
//    per second per operation (and 50 ms latency), next to rescind apply at concurrency 64 there.
//    At 200 targets (BENCH_SDK_THROTTLED): rescind's time there is the cloud's rate, not its own.
//
// For each: the wall time (from the first call; rescind's includes preparing the saved plan), the
// calls that failed, and the targets that the emulator's state still shows active afterwards
// (unverified). The SDK loops run in a child process as rescind does (bench/child.js). One run of the
// sequential loop (it is one round trip per target); BENCH_RUNS (default 3) of the others, median.
// Run after `npm run build` (npm run bench does both).

import { describeFleet, mixedFleet, openBench } from './fleet.js';
import { RUNS, record, spread } from './lib.js';

const SIZES = (process.env.BENCH_SDK_SIZES ?? '1000,2000').split(',').map(Number);
const LATENCY_MS = 50;
const THROTTLED_SIZE = Number(process.env.BENCH_SDK_THROTTLED ?? 200);
const THROTTLE_RPS = 20;
const CONCURRENCY = 64;

// One way of revoking the fleet, `runs` times: time, failed calls (or targets), targets still active.
async function measure(bench, runs, faults, run) {
  const samples = [];
  for (let r = 0; r < runs; r++) {
    await bench.reset(faults);
    const result = await run();
    samples.push({
      ms: result.ms,
      failed: result.failed,
      active: await bench.active(),
      errors: result.errors,
    });
  }
  return {
    runs,
    ms: spread(samples.map((s) => s.ms)),
    failed: spread(samples.map((s) => s.failed)),
    active: spread(samples.map((s) => s.active)),
    errors: samples[samples.length - 1].errors,
  };
}

// One fleet of `size` targets, saved as a plan, against the emulator; closed after `body`.
async function withFleet(size, body) {
  const fleet = mixedFleet(size);
  const bench = await openBench(fleet, { faults: { latencyMs: LATENCY_MS } });
  try {
    await bench.reset({});
    await bench.savePlan();
    const rescind = async () => {
      const r = await bench.child(['apply', bench.dir, String(CONCURRENCY)]);
      return { ms: r.ms, failed: r.outcomes.failed ?? 0, errors: r.errors };
    };
    const sdk = (mode) => () => bench.child(['sdk', bench.dir, mode]);
    return await body({ bench, fleet, rescind, sdk });
  } finally {
    await bench.close();
  }
}

const latency = { latencyMs: LATENCY_MS, throttleRps: 0 };
const throttled = { latencyMs: LATENCY_MS, throttleRps: THROTTLE_RPS };
const results = [];
for (const size of SIZES) {
  results.push(
    await withFleet(size, async ({ bench, fleet, rescind, sdk }) => ({
      targets: size,
      fleet: describeFleet(fleet),
      sequential: await measure(bench, 1, latency, sdk('seq')),
      rescind: await measure(bench, RUNS, latency, rescind),
    })),
  );
}
const underThrottling = await withFleet(THROTTLED_SIZE, async ({ bench, fleet, rescind, sdk }) => ({
  targets: THROTTLED_SIZE,
  fleet: describeFleet(fleet),
  promiseAll: await measure(bench, RUNS, throttled, sdk('all')),
  rescindThrottled: await measure(bench, RUNS, throttled, rescind),
}));

const range = (s) =>
  s.runs > 1 ? `  (${s.min.toFixed(0)}-${s.max.toFixed(0)} in ${s.runs} runs)` : '  (1 run)';
const line = (name, m, extra = '') =>
  console.log(
    `    ${name.padEnd(44)} ${m.ms.median.toFixed(0).padStart(7)} ms  failed ${String(m.failed.median).padStart(4)}  still active ${String(m.active.median).padStart(4)}${extra}${range(m.ms)}`,
  );
console.log(
  `apply vs the official SDKs: ${LATENCY_MS} ms latency, rescind at concurrency ${CONCURRENCY}; median of runs`,
);
for (const r of results) {
  const speedup = r.sequential.ms.median / r.rescind.ms.median;
  console.log(`  ${r.targets.toLocaleString('en')} targets (${r.fleet})`);
  line('sequential loop of the SDK calls', r.sequential);
  line(
    'rescind apply',
    r.rescind,
    `  ${speedup.toFixed(1)}x the loop, ${speedup >= 25 ? 'within' : 'UNDER'} the bar (>= 25x)`,
  );
}
{
  const r = underThrottling;
  console.log(
    `  ${r.targets.toLocaleString('en')} targets (${r.fleet}), the emulator throttling at ${THROTTLE_RPS} requests/s per operation:`,
  );
  line('unbounded Promise.all of the SDK calls', r.promiseAll);
  line(
    'rescind apply',
    r.rescindThrottled,
    `  ${(r.rescindThrottled.ms.median / r.promiseAll.ms.median).toFixed(1)}x the Promise.all's time`,
  );
  console.log(
    `    the Promise.all's failures (last run): ${Object.entries(r.promiseAll.errors)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
}
record('sdk', {
  latencyMs: LATENCY_MS,
  throttleRps: THROTTLE_RPS,
  concurrency: CONCURRENCY,
  results,
  underThrottling,
});
