// The package version, read from package.json beside src/ and dist/.

import { readFileSync } from 'node:fs';

/** VERSION is rescind's version, as package.json gives it. */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
