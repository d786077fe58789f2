// The shape of the code that the engine's second shape promised (docs/contributing.md): no module of
// the engine or the session grows past 400 lines, so that a decision stays where one can read it whole.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/paths.js';

const MAX_LINES = 400;

describe('layout', () => {
  it.each(['src/engine', 'src/session'])(`no module of %s is over ${MAX_LINES} lines`, (folder) => {
    const long = readdirSync(join(repoRoot, folder))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => ({ f, lines: readFileSync(join(repoRoot, folder, f), 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ f, lines }) => `${folder}/${f}: ${lines} lines`);
    expect(long).toEqual([]);
  });
});
