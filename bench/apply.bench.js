#!/usr/bin/env node
// `rescind apply` against the limit: 2,000 targets mixed across the five types (400 each: KMS grants
// on 4 keys, ESA certificates on 4 sites, CCE certificates on 4 clusters, 400 CCM CAs, 40 ACK users on
// 10 clusters) at 50 ms emulator latency, at concurrency 8, 32 and 128.
//
// Efficiency is counted per target, not per request: (targets x 50 ms / concurrency) / wall time, the
// time of one round trip per target with every slot busy, over the time taken. 1.0 is what a client
// that makes one call per target and waits for nothing else could reach; a client that makes more
// calls per target does not look more efficient for it. Beside each apply, in the same run, the
// efficiency of rescind's HTTP layer alone making one signed read per target at the same concurrency:
// what this machine allows at all (signing, sockets and the emulator share its cores).
//
// Each apply runs in a fresh child process (bench/child.js: session.prepareApply + session.apply of the
// saved plan, timed, node's start not counted; peak RSS); the emulator runs in this process. BENCH_RUNS
// runs (default 3) at 32 and 128, median; one run at 8 (some 50 s with its ceiling; BENCH_SLOW_RUNS to
// change). BENCH_PHASES=1 prints when each apply started its run and ended its first target;
// BENCH_CPU_PROF=DIR profiles each apply. Run after `npm run build` (npm run bench does both).

import { describeFleet, mixedFleet, openBench, sum } from './fleet.js';
import { RUNS, record, spread } from './lib.js';

const TARGETS = 2000;
const LATENCY_MS = 50;
const SETTINGS = [
  { concurrency: 8, runs: Math.max(1, Number(process.env.BENCH_SLOW_RUNS) || 1) },
  { concurrency: 32, runs: RUNS },
  { concurrency: 128, runs: RUNS },
];

const fleet = mixedFleet(TARGETS);
const bench = await openBench(fleet, { faults: { latencyMs: LATENCY_MS } });
const results = [];
try {
  await bench.reset({ latencyMs: 0 });
  await bench.savePlan();
  for (const { concurrency, runs } of SETTINGS) {
    const samples = [];
    for (let r = 0; r < runs; r++) {
      await bench.reset();
      const profile = process.env.BENCH_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
        : [];
      const result = await bench.child(['apply', bench.dir, String(concurrency)], { node: profile });
      const stats = await bench.admin('GET', 'stats');
      const active = await bench.active();
      const done = (result.outcomes.verified ?? 0) + (result.outcomes['applied-not-observable'] ?? 0);
      if (done !== TARGETS || active !== 0) {
        throw new Error(
          `not every target revoked: ${JSON.stringify(result.outcomes)}, ${active} still active; ${JSON.stringify(result.errors)}`,
        );
      }
      if (process.env.BENCH_PHASES) {
        console.log(
          `  (c=${concurrency}: prepared ${result.prepareMs.toFixed(0)} ms, run started ${result.startedMs.toFixed(0)} ms, first target ended ${result.firstMs.toFixed(0)} ms, done ${result.ms.toFixed(0)} ms)`,
        );
      }
      const requests = sum(stats.requests);
      const ideal = (TARGETS * LATENCY_MS) / concurrency;
      await bench.reset();
      const ceiling = await bench.child(['ceiling', bench.dir, String(TARGETS), String(concurrency)]);
      samples.push({
        ms: result.ms,
        requests,
        efficiency: ideal / result.ms,
        ceiling: ideal / ceiling.ms,
        perTarget: requests / TARGETS,
        maxInFlight: Math.max(...Object.values(stats.maxInFlight)),
        rssMb: result.maxRssKb / 1024,
        calls: stats.requests,
      });
    }
    const of = (field) => spread(samples.map((s) => s[field]));
    results.push({
      concurrency,
      runs,
      ms: of('ms'),
      requests: of('requests'),
      efficiency: of('efficiency'),
      ceiling: of('ceiling'),
      ofCeiling: spread(samples.map((s) => s.efficiency / s.ceiling)),
      perTarget: of('perTarget'),
      maxInFlight: of('maxInFlight'),
      rssMb: of('rssMb'),
      calls: samples[samples.length - 1].calls,
    });
  }
} finally {
  await bench.close();
}

const range = (s, digits) =>
  s.runs > 1 ? `  (${s.min.toFixed(digits)}-${s.max.toFixed(digits)} in ${s.runs} runs)` : '  (1 run)';
console.log(
  `apply: ${TARGETS.toLocaleString('en')} targets (${describeFleet(fleet)}), ${LATENCY_MS} ms latency; median of runs`,
);
for (const r of results) {
  console.log(`  concurrency ${r.concurrency}`);
  console.log(
    `    wall time                        ${r.ms.median.toFixed(0).padStart(6)} ms${range(r.ms, 0)}`,
  );
  console.log(
    `    efficiency per target            ${r.efficiency.median.toFixed(3).padStart(6)}${range(r.efficiency, 3)}`,
  );
  console.log(
    `    the HTTP layer alone             ${r.ceiling.median.toFixed(3).padStart(6)}${range(r.ceiling, 3)}  (one signed read per target, no executor, no journal: this machine's ceiling)`,
  );
  console.log(`    apply / the HTTP layer alone     ${r.ofCeiling.median.toFixed(3).padStart(6)}`);
  console.log(
    `    requests per target              ${r.perTarget.median.toFixed(3).padStart(6)}  (${r.requests.median} requests)`,
  );
  console.log(
    `    max calls in flight (one API)    ${String(r.maxInFlight.max).padStart(6)}     ${r.maxInFlight.max <= r.concurrency ? 'within' : 'OVER'} the concurrency`,
  );
  console.log(`    peak RSS                         ${r.rssMb.median.toFixed(0).padStart(6)} MB`);
  console.log(
    `    calls by API (last run)          ${Object.entries(r.calls)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
}
record('apply', {
  efficiencyPer: 'target',
  targets: TARGETS,
  fleet: describeFleet(fleet),
  count: fleet.count,
  latencyMs: LATENCY_MS,
  results,
});
