#!/usr/bin/env node
// Growth and scale: `rescind validate`, `plan` and `apply` of 1,000, 10,000 and 50,000 targets mixed
// across the five types (bench/fleet.js), against the emulator at ZERO latency (so that apply of
// 50,000 ends in seconds: this measures rescind's own work, not round trips). Each step is the whole
// CLI in a fresh process, timed from spawn to exit, with its peak RSS (getrusage's maxRSS as it exits):
//
//   validate  rescind validate plan.yaml
//   plan      rescind plan plan.yaml --out plan.json
//   apply     rescind apply --yes --concurrency 32 plan.json, and the time from spawn to the first
//             request the emulator receives (its request count polled every 5 ms); at the largest
//             size, once more with NODE_OPTIONS=--max-old-space-size=400 (docs/cli.md's advice)
//
// Reported: wall time and peak RSS at each size, the growth per 10x targets (time should grow about
// 10x, memory less: the process's own ~50 MB does not grow), and at 50,000 the goals of apply (peak
// RSS <= 400 MB, first request within 1.5 s). One run of each by default (the 50,000 apply alone
// takes a minute or more); BENCH_RUNS to change. Run after `npm run build`.

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { mixedFleet, openBench } from './fleet.js';
import { record, runsOr, spreads } from './lib.js';

const SIZES = (process.env.BENCH_GROWTH_SIZES ?? '1000,10000,50000').split(',').map(Number);
const RUNS = runsOr(1);
const CONCURRENCY = 32;
// The heap cap of the extra apply at the largest size (NODE_OPTIONS=--max-old-space-size=N).
const CAPPED_HEAP_MB = 400;
const now = () => Number(process.hrtime.bigint()) / 1e6;
const used = (out) => ({ ms: out.ms, rssMb: out.maxRssKb / 1024 });

const results = [];
for (const size of SIZES) {
  const fleet = mixedFleet(size);
  const bench = await openBench(fleet);
  const steps = { validate: [], plan: [], apply: [], capped: [] };
  let savedBytes = 0;
  try {
    for (let r = 0; r < RUNS; r++) {
      const out = await bench.cli(['validate', 'plan.yaml'], { usage: true });
      if (!out.stdout.includes('valid')) throw new Error(`validate failed: ${out.stdout}`);
      steps.validate.push(used(out));
    }
    for (let r = 0; r < RUNS; r++) {
      await bench.reset();
      steps.plan.push(used(await bench.savePlan()));
      savedBytes = statSync(join(bench.dir, 'plan.json')).size;
    }
    for (let r = 0; r < RUNS; r++) {
      await bench.reset();
      const first = bench.firstRequest();
      const start = now();
      const out = await bench.cli(['apply', '--yes', '--concurrency', String(CONCURRENCY), 'plan.json'], {
        usage: true,
      });
      first.stop();
      const firstAt = await first.at;
      const seen = await bench.seen();
      if (seen.active !== 0) throw new Error(`apply of ${size}: ${seen.active} still active`);
      steps.apply.push({ ...used(out), firstMs: firstAt === undefined ? out.ms : firstAt - start });
    }
    // At the largest size, apply once more with the heap capped as docs/cli.md advises for small runners.
    for (let r = 0; size === SIZES[SIZES.length - 1] && r < RUNS; r++) {
      await bench.reset();
      bench.env.NODE_OPTIONS = `--max-old-space-size=${CAPPED_HEAP_MB}`;
      try {
        const out = await bench.cli(['apply', '--yes', '--concurrency', String(CONCURRENCY), 'plan.json'], {
          usage: true,
        });
        const seen = await bench.seen();
        if (seen.active !== 0) throw new Error(`capped apply of ${size}: ${seen.active} still active`);
        steps.capped.push(used(out));
      } finally {
        delete bench.env.NODE_OPTIONS;
      }
    }
  } finally {
    await bench.close();
  }
  results.push({
    targets: size,
    planBytes: Buffer.byteLength(fleet.plan),
    savedBytes,
    validate: spreads(steps.validate, ['ms', 'rssMb']),
    plan: spreads(steps.plan, ['ms', 'rssMb']),
    apply: spreads(steps.apply, ['ms', 'rssMb', 'firstMs']),
    ...(steps.capped.length === 0
      ? {}
      : { capped: { heapMb: CAPPED_HEAP_MB, ...spreads(steps.capped, ['ms', 'rssMb']) } }),
  });
}

console.log(
  `growth: validate, plan --out and apply (concurrency ${CONCURRENCY}) of mixed fleets, whole CLI, emulator at zero latency; ${RUNS > 1 ? `median of ${RUNS} runs` : '1 run'}`,
);
for (const step of ['validate', 'plan', 'apply']) {
  const cells = results.map(
    (r) =>
      `${r.targets.toLocaleString('en').padStart(6)}: ${r[step].ms.median.toFixed(0).padStart(6)} ms ${r[step].rssMb.median.toFixed(0).padStart(5)} MB`,
  );
  console.log(`  ${step.padEnd(9)} ${cells.join('   ')}`);
  const steps = results.slice(1).map((r, i) => {
    const prev = results[i];
    const per10 = (ratio) => (ratio ** (1 / Math.log10(r.targets / prev.targets))).toFixed(1);
    const time = r[step].ms.median / prev[step].ms.median;
    const memory = r[step].rssMb.median / prev[step].rssMb.median;
    return `${prev.targets / 1000}k->${r.targets / 1000}k: time ${time.toFixed(2)}x (${per10(time)}x per 10x), memory ${memory.toFixed(2)}x (${per10(memory)}x per 10x)`;
  });
  console.log(`  ${''.padEnd(9)} ${steps.join('; ')}`);
}
const top = results[results.length - 1];
console.log(
  `  apply of ${top.targets.toLocaleString('en')}: peak RSS ${top.apply.rssMb.median.toFixed(0)} MB (goal <= 400), first request after ${top.apply.firstMs.median.toFixed(0)} ms (goal <= 1500)`,
);
if (top.capped !== undefined) {
  console.log(
    `  apply of ${top.targets.toLocaleString('en')} with NODE_OPTIONS=--max-old-space-size=${top.capped.heapMb}: ${top.capped.ms.median.toFixed(0)} ms, peak RSS ${top.capped.rssMb.median.toFixed(0)} MB`,
  );
}
record('growth', { concurrency: CONCURRENCY, runs: RUNS, results });
