#!/usr/bin/env node
// `rescind apply` against what users write today: the clouds' official SDKs behind a worker pool of
// the same concurrency (bench/sdk-pool.js: N workers pulling from one queue, one revoke call per
// target, no read, no verification), on the same mixed fleet of the five types (bench/fleet.js), the
// emulator at 50 ms latency. Four cells: 1,000 and 2,000 targets at concurrency 32 and 64. In each,
// both run as whole processes, timed from spawn to exit (node's start included):
//
//   node bench/sdk-pool.js C
//   node bin/rescind.js apply --yes --concurrency C plan.json   (saved before, `rescind plan --out`)
//
// in alternated runs (pool, rescind, pool, rescind, ...: BENCH_RUNS, default 5), the emulator reset
// to the same state before each run, the accounts' rate limits off (`rateLimits: {default: 0}`).
// Reported per cell: the median and min-max of each, rescind ÷ the pool per round (goal <= 1.0), the
// requests per target the emulator saw (goal for rescind <= 1.2), and the targets still active after
// each run. Then one run of the sequential loop (the pool with one worker) at 1,000 targets.
// Run after `npm run build` (npm run bench does both).

import { fileURLToPath } from 'node:url';
import { BIN, describeFleet, mixedFleet, openBench } from './fleet.js';
import { alternate, record, runsOr, spread, spreads } from './lib.js';

const SIZES = (process.env.BENCH_SDK_SIZES ?? '1000,2000').split(',').map(Number);
const CONCURRENCIES = [32, 64];
const LATENCY_MS = 50;
const RUNS = runsOr(5);
const POOL = fileURLToPath(new URL('./sdk-pool.js', import.meta.url));

// One run of a contender: the emulator reset, the process timed, then what the emulator saw.
const runOnce = (bench, size, argv) => async () => {
  await bench.reset();
  const out = await bench.run(argv);
  const seen = await bench.seen();
  return { ms: out.ms, requests: seen.requests, perTarget: seen.requests / size, active: seen.active };
};
const FIELDS = ['ms', 'requests', 'perTarget', 'active'];

const cells = [];
let sequential;
for (const size of SIZES) {
  const fleet = mixedFleet(size);
  const bench = await openBench(fleet, { faults: { latencyMs: LATENCY_MS } });
  try {
    await bench.reset({ latencyMs: 0 });
    await bench.savePlan();
    for (const concurrency of CONCURRENCIES) {
      const apply = ['apply', '--yes', '--concurrency', String(concurrency), 'plan.json'];
      const samples = await alternate(
        {
          pool: runOnce(bench, size, [POOL, String(concurrency)]),
          rescind: runOnce(bench, size, [BIN, ...apply]),
        },
        RUNS,
      );
      const ratio = spread(samples.rescind.map((r, i) => r.ms / samples.pool[i].ms));
      cells.push({
        targets: size,
        concurrency,
        fleet: describeFleet(fleet),
        pool: spreads(samples.pool, FIELDS),
        count: fleet.count,
        rescind: { ...spreads(samples.rescind, FIELDS), byOperation: (await bench.seen()).byOperation },
        ratio,
      });
    }
    if (size === SIZES[0]) {
      const one = await runOnce(bench, size, [POOL, '1'])();
      sequential = { targets: size, ...spreads([one], FIELDS) };
    }
  } finally {
    await bench.close();
  }
}

const range = (s, digits = 0) => (s.runs > 1 ? ` (${s.min.toFixed(digits)}-${s.max.toFixed(digits)})` : '');
console.log(
  `apply vs the official SDKs in a worker pool of the same concurrency: whole processes, ${LATENCY_MS} ms latency, median of ${RUNS} alternated runs (min-max)`,
);
for (const c of cells) {
  console.log(`  ${c.targets.toLocaleString('en')} targets, concurrency ${c.concurrency} (${c.fleet})`);
  for (const [name, m] of [
    ['official-SDK worker pool', c.pool],
    ['rescind apply', c.rescind],
  ]) {
    console.log(
      `    ${name.padEnd(26)} ${m.ms.median.toFixed(0).padStart(6)} ms${range(m.ms)}  ${m.perTarget.median.toFixed(2)} requests per target  still active ${m.active.max}`,
    );
  }
  console.log(
    `    rescind / pool             ${c.ratio.median.toFixed(2)}${range(c.ratio, 2)}  ${c.ratio.median <= 1 ? 'within' : 'OVER'} the goal (<= 1.0)`,
  );
}
console.log(
  `  sequential loop, one call at a time, ${sequential.targets.toLocaleString('en')} targets: ${sequential.ms.median.toFixed(0)} ms (1 run), still active ${sequential.active.median}`,
);
record('sdk', { latencyMs: LATENCY_MS, runs: RUNS, cells, sequential });
