// What the benchmarks share: the median and spread of samples, running node in a child process, the
// number of runs, and recording a benchmark's results for docs/benchmarks.md (bench/report.js).

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** median is the middle of values (the upper one of an even count). */
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** spread is the median, min and max of values, and how many there are. */
export const spread = (values) => ({
  median: median(values),
  min: Math.min(...values),
  max: Math.max(...values),
  runs: values.length,
});

/** RUNS is how many times a benchmark repeats a measurement: BENCH_RUNS, default 3. */
export const RUNS = Math.max(1, Number(process.env.BENCH_RUNS) || 3);

/** record hands a benchmark's results to bench/run.js (which sets BENCH_RESULTS), for docs/benchmarks.md. */
export function record(name, results) {
  const dir = process.env.BENCH_RESULTS;
  if (dir) writeFileSync(join(dir, `${name}.json`), JSON.stringify(results));
}

/** runNode runs node with args in cwd; resolves with its output when it exits 0, else rejects with its stderr. */
export function runNode(args, cwd, env) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    proc.stdout.on('data', (b) => out.push(b));
    proc.stderr.on('data', (b) => err.push(b));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`node ${args.join(' ')} exited ${code}:\n${stderr.slice(0, 4000)}`));
    });
  });
}
