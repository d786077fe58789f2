// rescind init writes a config and a plan that work at once and never overwrites; rescind completion
// prints scripts generated from the commands' specs (golden files), and the bash one completes.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_BASE } from '../../src/schema/schemas.js';
import { runCli } from '../helpers/io.js';
import { repoRoot } from '../helpers/paths.js';

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('rescind init', () => {
  it('writes a config and an example plan that validate and plan at once, with editor modelines', async () => {
    dir = mkdtempSync(join(tmpdir(), 'rescind-init-'));
    const init = await runCli(['init'], dir);
    expect(init.code).toBe(0);
    expect(init.stdout).toBe(
      'wrote rescind.config.yaml\nwrote plans/example.yaml\n\nNext: rescind plan plans/example.yaml\n',
    );
    // Outside the project rescind is installed in (here, this checkout), the modeline names the
    // schema's published URL: a path from the plan to this checkout would work on this machine only.
    const plan = readFileSync(join(dir, 'plans/example.yaml'), 'utf8');
    expect(plan.split('\n')[0]).toBe(`# yaml-language-server: $schema=${SCHEMA_BASE}plan.schema.json`);
    const config = readFileSync(join(dir, 'rescind.config.yaml'), 'utf8');
    expect(config.split('\n')[0]).toBe(`# yaml-language-server: $schema=${SCHEMA_BASE}config.schema.json`);
    expect((await runCli(['validate', 'plans/'], dir)).code).toBe(0);
    const planned = await runCli(['plan', 'plans/example.yaml'], dir);
    expect(planned.code).toBe(0);
    expect(planned.stdout).toMatch(/^Plan: 4 to revoke, 1 already revoked, 0 not observable, 0 blocked\.$/m);
  });

  it('inside the project rescind is installed in, names the bundled schemas by relative paths', async () => {
    // A folder of this checkout (a git repository) that git ignores: rescind is installed here.
    mkdirSync(join(repoRoot, '.rescind'), { recursive: true });
    dir = mkdtempSync(join(repoRoot, '.rescind', 'init-'));
    expect((await runCli(['init', '--plan', 'deep/er/plan.yaml'], dir)).code).toBe(0);
    for (const file of ['rescind.config.yaml', 'deep/er/plan.yaml']) {
      const modeline = /^# yaml-language-server: \$schema=(\S+)$/m.exec(
        readFileSync(join(dir, file), 'utf8'),
      )?.[1];
      expect(modeline).toMatch(/^(\.\.\/)+dist\/schemas\/(config|plan)\.schema\.json$/);
      expect(existsSync(join(dir, dirname(file), modeline ?? ''))).toBe(true);
    }
  });

  it('writes nothing when a file exists, and says which', async () => {
    dir = mkdtempSync(join(tmpdir(), 'rescind-init-'));
    writeFileSync(join(dir, 'rescind.config.yaml'), 'mine\n');
    const init = await runCli(['init'], dir);
    expect(init.code).toBe(1);
    expect(init.stderr).toBe(
      'rescind.config.yaml: error init.exists: rescind.config.yaml exists; rescind init never overwrites a file, so nothing was written\n',
    );
    expect(readFileSync(join(dir, 'rescind.config.yaml'), 'utf8')).toBe('mine\n');
    expect(existsSync(join(dir, 'plans'))).toBe(false);
  });
});

describe('rescind completion', () => {
  it.each(['bash', 'zsh', 'fish'])('prints the %s script (golden)', async (shell) => {
    const out = await runCli(['completion', shell], process.cwd());
    expect(out.code).toBe(0);
    await expect(out.stdout).toMatchFileSnapshot(`../golden/completion/rescind.${shell}`);
  });

  it('describes each command with the whole phrase that rescind --help lists, in fish and zsh', async () => {
    const help = (await runCli(['--help'], process.cwd())).stdout;
    const listed = [...help.matchAll(/^ {2}([a-z]+) +(.+)$/gm)].map(([, name, summary]) => [name, summary]);
    expect(listed.length).toBeGreaterThan(6);
    const fish = (await runCli(['completion', 'fish'], process.cwd())).stdout;
    const zsh = (await runCli(['completion', 'zsh'], process.cwd())).stdout;
    for (const [name, summary] of listed) {
      const described = new RegExp(` -a ${name} -d '(.*)'$`, 'm').exec(fish)?.[1];
      expect(described, name).toBe(summary);
      expect(zsh).toContain(`'${name}:${summary}'`);
    }
  });

  it('refuses another shell', async () => {
    const out = await runCli(['completion', 'tcsh'], process.cwd());
    expect(out.code).toBe(1);
    expect(out.stderr).toBe('rescind completion: the shell must be bash, zsh or fish, not "tcsh"\n');
  });

  it('completes commands, options and option values in bash', async () => {
    const script = (await runCli(['completion', 'bash'], process.cwd())).stdout;
    const complete = (words: string[]) => {
      const program = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _rescind; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const result = spawnSync('bash', ['-c', program], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      return result.stdout.trim().split('\n');
    };
    expect(complete(['rescind', 'ap'])).toEqual(['apply']);
    expect(complete(['rescind', 'plan', '--for'])).toEqual(['--format']);
    expect(complete(['rescind', 'plan', '--format', 'm'])).toEqual(['markdown']);
    expect(complete(['rescind', 'apply', '--re'])).toEqual(['--resume']);
    expect(complete(['rescind', 'completion', 'f'])).toEqual(['fish']);
    // Global options, before the command or after it.
    expect(complete(['rescind', '--de'])).toEqual(['--debug']);
    expect(complete(['rescind', '--debug', 'pl'])).toEqual(['plan']);
    expect(complete(['rescind', '--quiet', 'plan', '--for'])).toEqual(['--format']);
    expect(complete(['rescind', 'apply', '--no-'])).toEqual(['--no-color']);
  });
});
