#!/usr/bin/env node
// The rescind command: runs the CLI built into dist/ by `npm ci` (prepare) or `npm run build`.
import('../dist/cli/main.js').then(
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
