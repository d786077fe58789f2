#!/usr/bin/env node
// Floods of diagnostics: `rescind validate` (in-process, the build) on generated files of 10,000,
// 40,000, 50,000 and 100,000 diagnostics of three kinds. Time must grow linearly with the diagnostics:
// the ratio of each time to the 10,000 one is printed next to the ratio of the counts (quality bar:
// 40,000 diagnostics in one file under 3 s). Run after `npm run build` (npm run bench does both).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validatePaths } from '../dist/validate/validate.js';
import { median, record, spread } from './lib.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const plan = (body) => `apiVersion: rescind/v1\nkind: RevocationPlan\n${body}`;
const kinds = {
  'unknown keys': (n) => plan(Array.from({ length: n - 1 }, (_, i) => `k${i}: 1\n`).join('')),
  'duplicate keys': (n) => plan('a: 1\n'.repeat(n + 1)),
  'unknown types': (n) =>
    plan(
      `metadata: {name: n, reason: r}\nspec:\n  revocations:\n${Array.from(
        { length: n },
        (_, i) =>
          `    - {id: r${i}, type: huaweicloud.kms.grants, account: a, target: {keyId: k, grantId: g}}\n`,
      ).join('')}`,
    ),
};
const sizes = [10_000, 40_000, 50_000, 100_000];
// The quality bar: 40,000 diagnostics in one file under 3 s.
const BAR = { diagnostics: 40_000, ms: 3000 };

const dir = mkdtempSync(join(tmpdir(), 'rescind-bench-diagnostics-'));
const rows = [];
try {
  console.log(`diagnostics: median of ${RUNS} in-process validate runs per file`);
  for (const [kind, make] of Object.entries(kinds)) {
    let base;
    for (const n of sizes) {
      const file = join(dir, `${kind.replace(' ', '-')}-${n}.yaml`);
      writeFileSync(file, make(n));
      const samples = [];
      let count = 0;
      for (let r = 0; r < RUNS; r++) {
        const start = process.hrtime.bigint();
        const result = await validatePaths([file], { cwd: dir });
        samples.push(Number(process.hrtime.bigint() - start) / 1e6);
        count = result.errorCount;
      }
      const ms = median(samples);
      base ??= { ms, count };
      rows.push({
        kind,
        diagnostics: count,
        ms: spread(samples),
        growth: ms / base.ms,
        counted: count / base.count,
      });
      const growth = (ms / base.ms).toFixed(2);
      const counted = (count / base.count).toFixed(1);
      const bar = n === BAR.diagnostics ? `  ${ms < BAR.ms ? 'under' : 'OVER'} the ${BAR.ms} ms bar` : '';
      console.log(
        `  ${kind.padEnd(15)} ${String(count).padStart(7)} diagnostics ${String(Math.round(ms)).padStart(6)} ms  ${growth}x the time for ${counted}x the diagnostics${bar}`,
      );
    }
  }
  record('diagnostics', { runs: RUNS, rows, bar: BAR });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
