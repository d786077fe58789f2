#!/usr/bin/env node
// The rescind command: runs the CLI built into dist/ by `npm ci` (prepare) or `npm run build`, as
// bundled by scripts/bundle-cli.js (a few chunks to load, not one module per source file).
import { setFlagsFromString } from 'node:v8';

// undici parses HTTP with llhttp, in WebAssembly. V8 compiles it at once (Liftoff), then again,
// optimised, in the background, and the process cannot end before that second compile has: 60-130 ms
// after a short command's last output. Liftoff's code alone is fast enough: the CPU time of an apply of
// 5,000 targets, with and without this line in 4 alternated runs, was 4.0-4.9 s and 4.1-5.0 s.
setFlagsFromString('--liftoff-only');

import('../dist/cli-bundle/main.js').then(
  (cli) => cli.main(),
  (error) => {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist')) {
      process.stderr.write(
        'rescind: the CLI is not built; run `npm ci` or `npm run build` in the rescind folder\n',
      );
      process.exitCode = 1;
      return;
    }
    throw error;
  },
);
