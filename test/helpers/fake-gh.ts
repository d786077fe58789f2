// A fake `gh` on PATH for the action's scripts (test/helpers/fake-gh.mjs): a test gives the answers
// of GitHub's API by method and path, runs a script, and reads back each call the script made.

import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Route is one canned answer: JSON for `gh api`, an error, or a folder for `gh run download`. */
export type Route = { json: unknown } | { error: string } | { dir: string };

/** FakeGh is a fake gh installed in bin; env is what a script needs in its environment to use it. */
export interface FakeGh {
  readonly bin: string;
  readonly env: Record<string, string>;
  /** answer replaces the routes: keys are "GET PATH" (PATH as the script passes it) or "download RUN NAME". */
  answer(routes: Record<string, Route>): void;
  /** calls are the argument lists of the calls so far; reset() forgets them. */
  calls(): string[][];
  reset(): void;
}

/** installFakeGh writes an executable `gh` into dir/bin and keeps its routes and calls in dir. */
export function installFakeGh(dir: string): FakeGh {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const script = fileURLToPath(new URL('./fake-gh.mjs', import.meta.url));
  writeFileSync(join(bin, 'gh'), `#!/usr/bin/env bash\nexec node ${JSON.stringify(script)} "$@"\n`);
  chmodSync(join(bin, 'gh'), 0o755);
  const callsFile = join(dir, 'calls.jsonl');
  writeFileSync(join(dir, 'routes.json'), '{}');
  return {
    bin,
    env: { FAKE_GH_DIR: dir },
    answer: (routes) => writeFileSync(join(dir, 'routes.json'), JSON.stringify(routes)),
    calls: () =>
      existsSync(callsFile)
        ? readFileSync(callsFile, 'utf8')
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => JSON.parse(l) as string[])
        : [],
    reset: () => writeFileSync(callsFile, ''),
  };
}
