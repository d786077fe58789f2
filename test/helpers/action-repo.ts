// A fixture repository for the action's scripts: a temporary git repository with a config of the demo
// accounts on the built-in emulator, a fake `gh` (fake-gh.ts) first on PATH, and a way to run one of
// the scripts in it with an environment that holds nothing of the machine's own GitHub or rescind
// settings.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type FakeGh, installFakeGh } from './fake-gh.js';
import { repoRoot } from './paths.js';
import { builtinConfig } from './plan.js';

/**
 * hostileBranch is a legal git branch name that, pasted into a double-quoted shell string, ends it
 * and appends to $GITHUB_ENV (issue 16). Values like it must stay data in every script.
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's ${IFS}, on purpose
export const hostileBranch = 'x";echo${IFS}NODE_OPTIONS=--require=evil>>$GITHUB_ENV;echo${IFS}"';

/** Ran is what a script did: its exit status and output. */
export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** ActionRepo is a fixture repository; close() removes it. */
export interface ActionRepo {
  readonly dir: string;
  readonly gh: FakeGh;
  /** git runs git in the repository as a fixed author, and returns its trimmed output. */
  git(...args: string[]): string;
  /** write writes a file of the repository, making its folders. */
  write(path: string, text: string): void;
  /** run runs action/SCRIPT in the repository with env on top of a clean environment. */
  run(script: string, env?: Record<string, string>): Ran;
  close(): void;
}

/** cleanEnv is this process's environment without GitHub's, GitLab's and rescind's variables. */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(GITHUB_|GH_|GITLAB_|CI_|RESCIND|RUNNER_)/.test(name)) env[name] = value;
  }
  return env;
}

/** makeActionRepo makes a repository with rescind.config.yaml and a .gitignore, committed on main. */
export function makeActionRepo(prefix = 'rescind-action-'): ActionRepo {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const gh = installFakeGh(join(dir, '.gh'));
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...cleanEnv(),
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
      },
    }).trim();
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write('.gitignore', '.gh/\n.out*/\n.rescind/\n.rescind-pr/\n');
  write('rescind.config.yaml', builtinConfig);
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'base');
  return {
    dir,
    gh,
    git,
    write,
    run: (script, env = {}) => {
      const result = spawnSync('bash', [join(repoRoot, 'action', script)], {
        cwd: dir,
        encoding: 'utf8',
        env: {
          ...cleanEnv(),
          ...gh.env,
          PATH: `${gh.bin}:${process.env.PATH}`,
          GITHUB_REPOSITORY: 'acme/revocations',
          ...env,
        },
      });
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
