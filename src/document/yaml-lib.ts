// The `yaml` library, loaded on first use: a valid file read by the fast path
// never needs it, and loading it costs about 40 ms of every start.

import { createRequire } from 'node:module';

type YamlLib = typeof import('yaml');
const require = createRequire(import.meta.url);
let lib: YamlLib | undefined;

/** yamlLib is the `yaml` module, loaded synchronously the first time it is asked for. */
export function yamlLib(): YamlLib {
  lib ??= require('yaml') as YamlLib;
  return lib;
}
