#!/usr/bin/env node
// Growth: `rescind validate`, plan and apply of 1,000, 10,000 and 50,000 targets mixed across the five
// types (bench/fleet.js), against the emulator at ZERO latency (so that apply of 50,000 ends in
// seconds: this measures rescind's own work, not round trips). Each step runs in a fresh child process:
//
//   validate  the whole CLI, `rescind validate plan.yaml` (start-up included)
//   plan      session.plan of plan.yaml and saving it as plan.json (`rescind plan --out`, no printing)
//   apply     session.prepareApply of plan.json + session.apply at concurrency 32
//
// Reported: wall time and peak RSS at each size, and the growth per 10x targets (time should grow
// about 10x, memory less: the process's own ~50 MB does not grow). One run of each by default (the
// 50,000 apply alone takes some 30 s); BENCH_RUNS to change. Run after `npm run build`.

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mixedFleet, openBench } from './fleet.js';
import { record, runNode, spread } from './lib.js';

const SIZES = (process.env.BENCH_GROWTH_SIZES ?? '1000,10000,50000').split(',').map(Number);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS) || 1);
const CONCURRENCY = 32;
const bin = fileURLToPath(new URL('../bin/rescind.js', import.meta.url));
// The whole CLI's peak RSS, printed on stderr at exit by a preloaded module.
const hook =
  "data:text/javascript,process.on('exit',()=>process.stderr.write('\\nbench-max-rss-kb '+process.resourceUsage().maxRSS+'\\n'))";

const results = [];
for (const size of SIZES) {
  const fleet = mixedFleet(size);
  const bench = await openBench(fleet);
  const steps = { validate: [], plan: [], apply: [] };
  let savedBytes = 0;
  try {
    for (let r = 0; r < RUNS; r++) {
      const start = process.hrtime.bigint();
      const out = await runNode(['--import', hook, bin, 'validate', 'plan.yaml'], bench.dir, bench.env);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const rss = /bench-max-rss-kb (\d+)/.exec(out.stderr);
      if (rss === null || !out.stdout.includes('valid')) throw new Error(`validate failed: ${out.stdout}`);
      steps.validate.push({ ms, rssMb: Number(rss[1]) / 1024 });
    }
    for (let r = 0; r < RUNS; r++) {
      await bench.reset();
      const saved = await bench.savePlan();
      steps.plan.push({ ms: saved.ms, rssMb: saved.maxRssKb / 1024 });
      savedBytes = statSync(join(bench.dir, 'plan.json')).size;
    }
    for (let r = 0; r < RUNS; r++) {
      await bench.reset();
      const result = await bench.child(['apply', bench.dir, String(CONCURRENCY)]);
      const done = (result.outcomes.verified ?? 0) + (result.outcomes['applied-not-observable'] ?? 0);
      const active = await bench.active();
      if (done !== size || active !== 0) {
        throw new Error(`apply of ${size}: ${JSON.stringify(result.outcomes)}, ${active} still active`);
      }
      steps.apply.push({ ms: result.ms, rssMb: result.maxRssKb / 1024 });
    }
  } finally {
    await bench.close();
  }
  const row = { targets: size, planBytes: Buffer.byteLength(fleet.plan), savedBytes };
  for (const [step, samples] of Object.entries(steps)) {
    row[step] = { ms: spread(samples.map((s) => s.ms)), rssMb: spread(samples.map((s) => s.rssMb)) };
  }
  results.push(row);
}

console.log(
  `growth: validate (whole CLI), plan (session.plan + save) and apply (concurrency ${CONCURRENCY}) of mixed fleets, emulator at zero latency; ${RUNS > 1 ? `median of ${RUNS} runs` : '1 run'}`,
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
record('growth', { concurrency: CONCURRENCY, runs: RUNS, results });
