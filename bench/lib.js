// What the benchmarks share: the median and spread of samples, running node in a child process (timed
// from spawn to exit, with its peak RSS and CPU time when asked), measuring contenders in alternated
// runs, the number of runs, and recording a benchmark's results for docs/benchmarks.md (bench/report.js).

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

/** spreads is the spread of each field of samples (objects of numbers), by field name. */
export const spreads = (samples, fields) =>
  Object.fromEntries(fields.map((f) => [f, spread(samples.map((s) => s[f]))]));

/** runsOr is how many times a benchmark repeats a measurement: BENCH_RUNS, else fallback. */
export const runsOr = (fallback) => Math.max(1, Number(process.env.BENCH_RUNS) || fallback);

/** RUNS is how many times a benchmark repeats a measurement: BENCH_RUNS, default 3. */
export const RUNS = runsOr(3);

/**
 * alternate measures contenders (name -> async function returning a sample) in turn, round after
 * round (A B A B ...: the machine's drift falls on each alike), `runs` rounds after `warmup` untimed
 * ones. Returns each contender's samples, by name.
 */
export async function alternate(contenders, runs, { warmup = 0 } = {}) {
  const samples = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  for (let round = -warmup; round < runs; round++) {
    for (const [name, run] of Object.entries(contenders)) {
      const sample = await run();
      if (round >= 0) samples[name].push(sample);
    }
  }
  return samples;
}

/** record hands a benchmark's results to bench/run.js (which sets BENCH_RESULTS), for docs/benchmarks.md. */
export function record(name, results) {
  const dir = process.env.BENCH_RESULTS;
  if (dir) writeFileSync(join(dir, `${name}.json`), JSON.stringify(results));
}

// Preloaded with `usage`: prints the process's peak RSS and CPU time on stderr as it exits.
const USAGE_HOOK =
  "data:text/javascript,process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('\\nbench-usage '+u.maxRSS+' '+(u.userCPUTime+u.systemCPUTime)+'\\n')})";

/**
 * runNode runs node with args in cwd. It resolves when node exits 0 with its output and `ms`, the wall
 * time from spawn to exit (node's start included); with `usage`, also `maxRssKb` (its peak RSS) and
 * `cpuMs` (user + system CPU time), from a preloaded module. It rejects with node's stderr otherwise.
 */
export function runNode(args, cwd, env, { usage = false } = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const argv = usage ? ['--import', USAGE_HOOK, ...args] : args;
    const proc = spawn(process.execPath, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    proc.stdout.on('data', (b) => out.push(b));
    proc.stderr.on('data', (b) => err.push(b));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      if (code !== 0) {
        reject(new Error(`node ${args.join(' ')} exited ${code}:\n${stderr.slice(0, 4000)}`));
        return;
      }
      const used = usage ? /bench-usage (\d+) (\d+)/.exec(stderr) : null;
      if (usage && used === null) reject(new Error(`node ${args.join(' ')} printed no usage`));
      else if (used === null) resolve({ stdout, stderr, ms });
      else resolve({ stdout, stderr, ms, maxRssKb: Number(used[1]), cpuMs: Number(used[2]) / 1000 });
    });
  });
}
