// What the README and docs/cli.md say about the command line holds: each command's synopsis there (the
// README's table, the list at the top of docs/cli.md, the command's own section) names every option
// the command accepts, as its --help does; and every file the README's workflow writes into the
// repository is ignored by git.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandSpec } from '../../src/cli/args.js';
import { spec as apply } from '../../src/cli/commands/apply.js';
import { spec as completion } from '../../src/cli/commands/completion.js';
import { spec as discover } from '../../src/cli/commands/discover.js';
import { spec as emulator } from '../../src/cli/commands/emulator.js';
import { spec as init } from '../../src/cli/commands/init.js';
import { spec as plan } from '../../src/cli/commands/plan.js';
import { spec as runs } from '../../src/cli/commands/runs.js';
import { spec as show } from '../../src/cli/commands/show.js';
import { spec as validate } from '../../src/cli/commands/validate.js';
import { DOCS_URL } from '../../src/cli/docs-link.js';
import { repoRoot } from '../helpers/paths.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

// The shell lines of the README's ```sh blocks.
function shellLines(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
  return blocks.flatMap((b) => b.split('\n')).map((l) => l.replace(/\s+#.*$/, '').trim());
}

describe('links', () => {
  it('--help and init link to the docs of this repository', () => {
    const { repository } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      repository: { url: string };
    };
    const repo = repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(DOCS_URL).toBe(`${repo}/blob/main/docs/`);
  });
});

describe("the README's workflow", () => {
  it('writes no file that git would offer to commit', () => {
    const written = shellLines(readme).flatMap((line) =>
      [...line.matchAll(/(?:--out[ =]|>\s*)([^\s;&|]+)/g)].map((m) => m[1] ?? ''),
    );
    expect(written).toContain('plan.json');
    // A file the README goes on to commit (the plan an incident starts from) is meant to be committed.
    const committed = new Set(
      shellLines(readme).flatMap((line) => [...line.matchAll(/git add ([^\s;&|]+)/g)].map((m) => m[1] ?? '')),
    );
    for (const file of written.filter((f) => !committed.has(f))) {
      const ignored = spawnSync('git', ['check-ignore', '-q', '--no-index', file], { cwd: repoRoot });
      expect(ignored.status, `${file} is not in .gitignore`).toBe(0);
    }
  });
});

const specs: CommandSpec[] = [validate, plan, show, apply, discover, runs, emulator, init, completion];
const cliDoc = readFileSync(join(repoRoot, 'docs/cli.md'), 'utf8');

// The options a synopsis leaves out of those spec takes.
function missing(spec: CommandSpec, synopsis: string): string[] {
  return Object.keys(spec.options).filter((name) => !new RegExp(`--${name}\\b`).test(synopsis));
}

// A command's synopsis in a ```text block: each of its lines, with the lines indented under them.
function synopsisIn(block: string, name: string): string | undefined {
  const found: string[] = [];
  let inside = false;
  for (const line of block.split('\n')) {
    if (line.startsWith(`rescind ${name} `) || line === `rescind ${name}`) inside = true;
    else if (!/^\s+\S/.test(line)) inside = false;
    if (inside) found.push(line);
  }
  return found.length === 0 ? undefined : found.join('\n');
}

describe('synopses', () => {
  it.each(specs.map((s) => [s.name, s] as const))('%s: --help names every option', (_, spec) => {
    expect(missing(spec, spec.usage)).toEqual([]);
  });

  it.each(specs.map((s) => [s.name, s] as const))(
    "%s: the README's table names every option",
    (name, spec) => {
      const row = readme
        .split('\n')
        .find((l) => l.startsWith(`| \`rescind ${name} `) || l.startsWith(`| \`rescind ${name}\``));
      expect(row, `no row of rescind ${name}`).toBeDefined();
      expect(missing(spec, (row ?? '').split(' | ')[0] ?? '')).toEqual([]);
    },
  );

  it.each(specs.map((s) => [s.name, s] as const))(
    '%s: docs/cli.md names every option, at the top and in its section',
    (name, spec) => {
      const top = /^```text\n([\s\S]*?)^```$/m.exec(cliDoc)?.[1] ?? '';
      const listed = synopsisIn(top, name);
      expect(listed, `rescind ${name} is not at the top of docs/cli.md`).toBeDefined();
      expect(missing(spec, listed ?? '')).toEqual([]);
      const section = new RegExp(`^## rescind ${name}\\n+\`\`\`text\\n([\\s\\S]*?)^\`\`\`$`, 'm').exec(
        cliDoc,
      )?.[1];
      // The emulator's section is docs/emulator.md's.
      if (name !== 'emulator') {
        expect(section, `docs/cli.md has no section of rescind ${name} with its synopsis`).toBeDefined();
        expect(missing(spec, section ?? '')).toEqual([]);
      }
    },
  );
});
