#!/usr/bin/env node
// npm run bench: runs every bench/*.bench.js, one after the other (never in
// parallel: they share two cores), each in its own process, and prints what
// each reports; then writes docs/benchmarks.md, its charts and the README's
// headlines from what each recorded (bench/report.js). `npm run bench -- NAME...`
// runs the benchmarks whose file names contain a NAME, and replaces only their
// sections of the page. A benchmark that fails makes the run fail, and keeps its
// section as it was. `npm run bench -- --rewrite` measures nothing: it renders
// the page, its charts and the README's headlines again from the data the page
// holds (after editing bench/report.js or bench/sections.js).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, PAGE, rewritePage, updatePage } from './report.js';

if (process.argv.includes('--rewrite')) {
  rewritePage();
  console.log(`bench: ${PAGE}, its charts and the README's headlines rendered again from the page's data`);
  process.exit(0);
}
const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const results = mkdtempSync(join(tmpdir(), 'rescind-bench-results-'));
const started = Date.now();
// The machine and its load average before any benchmark adds its own; then as each one starts.
const host = machine();
const recorded = {};
let failed = 0;
try {
  for (const file of benches) {
    const before = { at: new Date(), machine: machine() };
    const result = spawnSync(process.execPath, [`${dir}${file}`], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_RESULTS: results },
    });
    const name = file.replace(/\.bench\.js$/, '');
    const path = join(results, `${name}.json`);
    if (result.status !== 0) {
      failed++;
      console.error(`bench: ${file} failed with status ${result.status}`);
    } else if (existsSync(path)) {
      recorded[name] = { ...before, result: JSON.parse(readFileSync(path, 'utf8')) };
    }
  }
} finally {
  rmSync(results, { recursive: true, force: true });
}
const durationMs = Date.now() - started;
const full = only.length === 0 && failed === 0;
const names = Object.keys(recorded);
if (names.length > 0) {
  updatePage({ sections: recorded, machine: host, at: new Date(started), durationMs, full });
  console.log(
    `bench: ${names.length} section${names.length === 1 ? '' : 's'} of ${PAGE} written (${names.join(', ')}) in ${(durationMs / 1000).toFixed(0)} s`,
  );
}
process.exitCode = failed === 0 ? 0 : 1;
