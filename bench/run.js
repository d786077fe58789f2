#!/usr/bin/env node
// npm run bench: runs every bench/*.bench.js, one after the other (never in
// parallel: they share two cores), each in its own process, and prints what
// each reports. A benchmark that fails makes the run fail.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = 0;
for (const file of benches) {
  const result = spawnSync(process.execPath, [`${dir}${file}`], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.error(`bench: ${file} failed with status ${result.status}`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
