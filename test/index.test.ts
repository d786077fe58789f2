// The package as a library: `import 'rescind'` (the package's own exports, i.e. the build) is exactly
// the contract test/golden/api/exports.txt lists, so that a change to it is a visible decision; and the
// example of docs/library.md runs as it is written there.

import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/paths.js';
import { builtinConfig, type Workspace, workspace } from './helpers/plan.js';

// Every name src/index.ts exports, `type NAME` for a type, sorted.
function exportedNames(): string[] {
  const text = readFileSync(join(repoRoot, 'src/index.ts'), 'utf8');
  const names: string[] = [];
  for (const m of text.matchAll(/export (type )?\{([^}]*)\}/g)) {
    for (const raw of (m[2] ?? '').split(',')) {
      const name = raw.trim();
      if (name === '') continue;
      names.push(
        m[1] !== undefined || name.startsWith('type ') ? `type ${name.replace(/^type /, '')}` : name,
      );
    }
  }
  return names.sort((a, b) => a.replace(/^type /, '').localeCompare(b.replace(/^type /, '')));
}

describe("import 'rescind'", () => {
  it('exports exactly the names test/golden/api/exports.txt lists', async () => {
    const listed = readFileSync(join(repoRoot, 'test/golden/api/exports.txt'), 'utf8').trim().split('\n');
    expect(exportedNames()).toEqual(listed);
    const values = listed.filter((n) => !n.startsWith('type ')).sort();
    const rescind = (await import('rescind')) as Record<string, unknown>;
    expect(Object.keys(rescind).sort()).toEqual(values);
  });
});

describe('docs/library.md', () => {
  let ws: Workspace | undefined;
  afterEach(() => ws?.close());

  it('runs its example as written, against the built-in emulator', () => {
    const doc = readFileSync(join(repoRoot, 'docs/library.md'), 'utf8');
    const code = /```js\n([\s\S]*?)```/.exec(doc)?.[1];
    const shown = /```text\n([\s\S]*?)```/.exec(doc)?.[1];
    if (code === undefined || shown === undefined)
      throw new Error('docs/library.md has no js and text blocks');
    ws = workspace(builtinConfig);
    copyFileSync(join(repoRoot, 'plans/examples/offboard-alice.yaml'), join(ws.dir, 'offboard-alice.yaml'));
    const script = code.replace("from 'rescind'", `from ${JSON.stringify(join(repoRoot, 'dist/index.js'))}`);
    writeFileSync(join(ws.dir, 'example.mjs'), script);
    const run = spawnSync(process.execPath, ['example.mjs'], { cwd: ws.dir, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.replace(/\d{8}T\d{6}Z-[0-9a-f]{6}/g, 'RUN')).toBe(shown);
  });
});
