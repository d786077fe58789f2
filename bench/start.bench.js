#!/usr/bin/env node
// Start and end, whole processes timed from spawn to exit, next to `node -e 0` in the same rounds:
//
//   rescind plan plans/examples/offboard-alice.yaml   the offboarding example on the built-in emulator
//                                                     (the repository's config; its state file in a
//                                                     scratch folder)
//   rescind apply --yes plan.json                     a saved plan of one KMS grant, against the
//                                                     emulator in this process (reset before each run)
//
// Alternated runs (node, plan, apply, node, ...) after one untimed round: BENCH_RUNS, default 10.
// Goal: each within 4 x `node -e 0`. Run after `npm run build` (npm run bench does both).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, mixedFleet, openBench } from './fleet.js';
import { alternate, record, runNode, runsOr, spread } from './lib.js';

const RUNS = runsOr(10);
const root = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLE = 'plans/examples/offboard-alice.yaml';

const scratch = mkdtempSync(join(tmpdir(), 'rescind-bench-start-'));
const bench = await openBench(mixedFleet(1, ['kms']));
try {
  await bench.reset();
  await bench.savePlan();
  const timed = (run) => async () => (await run()).ms;
  const samples = await alternate(
    {
      node: timed(() => runNode(['-e', '0'], scratch, process.env)),
      plan: timed(() =>
        runNode(
          [BIN, 'plan', join(root, EXAMPLE), '--config', join(root, 'rescind.config.yaml')],
          scratch,
          process.env,
        ),
      ),
      apply: timed(async () => {
        await bench.reset();
        return bench.cli(['apply', '--yes', 'plan.json']);
      }),
    },
    RUNS,
    { warmup: 1 },
  );
  const ratio = (name) => spread(samples[name].map((ms, i) => ms / samples.node[i]));
  const result = {
    runs: RUNS,
    example: EXAMPLE,
    node: spread(samples.node),
    plan: { ms: spread(samples.plan), ratio: ratio('plan') },
    apply: { ms: spread(samples.apply), ratio: ratio('apply') },
  };
  console.log(`start and end, whole processes: median of ${RUNS} alternated runs`);
  console.log(`  node -e 0                         ${result.node.median.toFixed(0).padStart(5)} ms`);
  for (const [name, r] of [
    [`rescind plan ${EXAMPLE.split('/').pop()}`, result.plan],
    ['rescind apply of 1 target', result.apply],
  ]) {
    console.log(
      `  ${name.padEnd(33)} ${r.ms.median.toFixed(0).padStart(5)} ms  ${r.ratio.median.toFixed(2)} x node  ${r.ratio.median <= 4 ? 'within' : 'OVER'} the goal (<= 4)`,
    );
  }
  record('start', result);
} finally {
  await bench.close();
  rmSync(scratch, { recursive: true, force: true });
}
