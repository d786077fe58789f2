// The package version, read from rescind's package.json: the folder above this module's (src/version.ts,
// dist/version.js), or the one above that (the CLI's bundle, dist/cli-bundle/; scripts/bundle-cli.js).

import { readFileSync } from 'node:fs';

function packageVersion(): string {
  for (const path of ['../package.json', '../../package.json']) {
    let text: string;
    try {
      text = readFileSync(new URL(path, import.meta.url), 'utf8');
    } catch {
      continue;
    }
    const pkg = JSON.parse(text) as { name?: string; version?: string };
    if (pkg.name === 'rescind' && typeof pkg.version === 'string') return pkg.version;
  }
  throw new Error('rescind: its package.json is not where the build put it');
}

/** VERSION is rescind's version, as package.json gives it. */
export const VERSION: string = packageVersion();
