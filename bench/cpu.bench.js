#!/usr/bin/env node
// Client CPU per request at steady state, the emulator at 0 ms latency: rescind apply of a saved plan
// (the whole CLI, `rescind apply --yes --concurrency 32 plan.json`) against the floor, a bare loop of
// signed undici requests at the same concurrency (bench/floor.js: sign + undici.request of each
// target's revoke call), on mixed fleets of the five types of 1,000 and 5,000 targets.
//
// CPU time is each process's user + system time (process.resourceUsage() as it exits), not wall time.
// Per request at steady state: the CPU time at 5,000 targets less the CPU time at 1,000, divided by
// the requests the emulator saw at 5,000 less those at 1,000, so that node's start, module loading and
// exit cancel out (and per target: divided by the 4,000 targets instead). Alternated runs (rescind and the floor at each size, in turn: BENCH_RUNS, default
// 5), the emulator (in this process) reset before each. Goal: rescind <= 2 x the floor.
// Run after `npm run build` (npm run bench does both).

import { fileURLToPath } from 'node:url';
import { BIN, mixedFleet, openBench } from './fleet.js';
import { alternate, record, runsOr, spread } from './lib.js';

const SIZES = [1000, 5000];
const CONCURRENCY = 32;
const RUNS = runsOr(5);
const FLOOR = fileURLToPath(new URL('./floor.js', import.meta.url));

const benches = [];
try {
  const contenders = {};
  for (const size of SIZES) {
    const bench = await openBench(mixedFleet(size));
    benches.push(bench);
    await bench.reset();
    await bench.savePlan();
    const runOnce = (argv) => async () => {
      await bench.reset();
      const out = await bench.run(argv, { usage: true });
      const seen = await bench.seen();
      if (seen.active !== 0) throw new Error(`${argv.join(' ')} left ${seen.active} targets active`);
      return { cpuMs: out.cpuMs, requests: seen.requests };
    };
    contenders[`rescind ${size}`] = runOnce([
      BIN,
      'apply',
      '--yes',
      '--concurrency',
      String(CONCURRENCY),
      'plan.json',
    ]);
    contenders[`floor ${size}`] = runOnce([FLOOR, String(CONCURRENCY)]);
  }
  const samples = await alternate(contenders, RUNS);
  // The CPU time (µs) between the two sizes, round by round, per request or per target.
  const [small, large] = SIZES;
  const marginal = (who, perTarget) =>
    samples[`${who} ${large}`].map((b, i) => {
      const a = samples[`${who} ${small}`][i];
      return ((b.cpuMs - a.cpuMs) * 1000) / (perTarget ? large - small : b.requests - a.requests);
    });
  const rescind = marginal('rescind', false);
  const floor = marginal('floor', false);
  const result = {
    sizes: SIZES,
    concurrency: CONCURRENCY,
    runs: RUNS,
    rescindUs: spread(rescind),
    floorUs: spread(floor),
    ratio: spread(rescind.map((r, i) => r / floor[i])),
    rescindTargetUs: spread(marginal('rescind', true)),
    floorTargetUs: spread(marginal('floor', true)),
    requests: Object.fromEntries(Object.entries(samples).map(([k, s]) => [k, s[0].requests])),
    cpuMs: Object.fromEntries(Object.entries(samples).map(([k, s]) => [k, spread(s.map((x) => x.cpuMs))])),
  };
  console.log(
    `client CPU per request at steady state (${small.toLocaleString('en')} -> ${large.toLocaleString('en')} targets, 0 ms latency, concurrency ${CONCURRENCY}; median of ${RUNS} alternated runs)`,
  );
  console.log(`  rescind apply (whole process)      ${result.rescindUs.median.toFixed(0).padStart(5)} µs`);
  console.log(`  bare signed undici loop (floor)    ${result.floorUs.median.toFixed(0).padStart(5)} µs`);
  console.log(
    `  rescind / floor                    ${result.ratio.median.toFixed(2).padStart(5)}    ${result.ratio.median <= 2 ? 'within' : 'OVER'} the goal (<= 2)`,
  );
  record('cpu', result);
} finally {
  for (const bench of benches) await bench.close();
}
