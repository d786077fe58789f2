// The workflow files as GitHub and GitLab read them: nothing from the event or the inputs is expanded
// inside a `run:` script (an expression there is pasted into the shell before it runs), each example
// job gets only the permissions it names, applies are serialised and never cancelled, the revoking
// credentials are named only by the apply job, every action is pinned by commit, and rescind is the
// action's own (built by action/setup.sh), never a name resolved in a registry at run time. The
// scripts are shellcheck-clean where shellcheck is installed.

import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cleanEnv, hostileBranch } from '../helpers/action-repo.js';
import { repoRoot } from '../helpers/paths.js';

interface Step {
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: Record<string, string> | string;
  concurrency?: { group?: string; 'cancel-in-progress'?: boolean } | string;
  environment?: string;
  steps: Step[];
}
interface Action {
  inputs: Record<string, { default?: string }>;
  runs: { steps: Step[] };
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: unknown;
  env?: unknown;
  jobs: Record<string, Job>;
}

const read = (file: string) => readFileSync(join(repoRoot, file), 'utf8');
const action = parse(read('action.yml')) as Action;
const example = parse(read('examples/github/rescind.yml')) as Workflow;
const tmp = mkdtempSync(join(tmpdir(), 'rescind-workflows-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const steps: [string, Step][] = [
  ...action.runs.steps.map((s, i): [string, Step] => [`action.yml step ${i + 1}`, s]),
  ...Object.entries(example.jobs).flatMap(([name, job]) =>
    job.steps.map((s, i): [string, Step] => [`example job ${name} step ${i + 1}`, s]),
  ),
];

describe('what reaches a shell', () => {
  it.each(steps.filter(([, s]) => s.run !== undefined))('%s expands nothing inside run:', (_, step) => {
    expect(step.run).not.toContain('${{');
  });

  it('runs the last step of the action with hostile values as data', () => {
    const last = action.runs.steps.at(-1);
    const sentinel = join(tmp, 'pwned');
    for (const value of [
      hostileBranch,
      `$(touch ${sentinel})`,
      `\`touch ${sentinel}\``,
      `'; touch ${sentinel}; '`,
    ]) {
      const ran = spawnSync('bash', ['-e', '-c', last?.run ?? 'exit 9'], {
        encoding: 'utf8',
        env: { ...cleanEnv(), COMMAND: value, STATUS: value, GITHUB_ENV: join(tmp, 'env') },
      });
      expect(ran.status, value).toBe(1);
      expect(ran.stdout, value).toContain(`rescind ${value} failed (status ${value})`);
    }
    expect(existsSync(sentinel)).toBe(false);
    expect(existsSync(join(tmp, 'env'))).toBe(false);
  });
});

describe('the example workflow', () => {
  it('gives no job more than the permissions it names', () => {
    expect(example.permissions).toEqual({});
    const scopes = new Set(['contents', 'pull-requests', 'security-events', 'actions', 'id-token']);
    for (const [name, job] of Object.entries(example.jobs)) {
      expect(typeof job.permissions, name).toBe('object');
      for (const [scope, level] of Object.entries(job.permissions as Record<string, string>)) {
        expect(scopes.has(scope), `${name}: ${scope}`).toBe(true);
        expect(['read', 'write'], `${name}: ${scope}`).toContain(level);
      }
      // Every job signs with temporary credentials of an OIDC token: id-token write, and nothing stored.
      expect(job.permissions, name).toHaveProperty('id-token', 'write');
    }
    expect(example.jobs.drift?.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(example.jobs.apply?.permissions).toEqual({
      contents: 'read',
      'pull-requests': 'write',
      actions: 'read',
      'id-token': 'write',
    });
  });

  it('applies on the push of the merge, one apply at a time, never cancelled, in the protected environment', () => {
    expect(Object.keys(example.on)).toContain('push');
    const apply = example.jobs.apply as Job;
    expect(apply.environment).toBe('revocation');
    expect(apply.concurrency).toEqual({ group: 'rescind-apply', 'cancel-in-progress': false });
    expect(JSON.stringify(apply)).toContain("github.event_name == 'push'");
  });

  it('stores no cloud key, and names the revoking identities in the apply job only, read-only ones elsewhere', () => {
    expect(example.env).toBeUndefined();
    expect(read('examples/github/rescind.yml')).not.toMatch(/secrets\./);
    for (const [name, job] of Object.entries(example.jobs)) {
      const identities = (JSON.stringify(job).match(/vars\.[A-Z0-9_]+/g) ?? []).filter(
        (v) => !v.endsWith('_OIDC_PROVIDER_ARN'),
      );
      expect(identities.length, name).toBe(2);
      for (const v of identities) {
        expect(v.startsWith('vars.RESCIND_PLAN_'), `${name}: ${v}`).toBe(name !== 'apply');
      }
    }
  });

  it('pins every action by its full commit, but rescind itself, whose pinning the docs show', () => {
    for (const [where, step] of steps) {
      if (step.uses === undefined || step.uses.startsWith('rescind-dev/rescind@')) continue;
      expect(step.uses, where).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    }
  });
});

describe('the rescind the workflows run', () => {
  it('is never a registry name resolved at run time', () => {
    expect(action.inputs.rescind?.default).toBe('');
    const files = [
      'action.yml',
      'examples/github/rescind.yml',
      'examples/gitlab/.gitlab-ci.yml',
      ...readdirSync(join(repoRoot, 'action')).map((f) => `action/${f}`),
    ];
    for (const file of files) expect(read(file), file).not.toMatch(/npx\s+(--yes|-y)\b/);
  });

  it('is built by the first step of the action from its own lockfile, or used as shipped', () => {
    expect(action.runs.steps[0]?.run).toBe('"$GITHUB_ACTION_PATH/action/setup.sh"');
    // A copy of the action without dist/, and an npm that records what it is asked and builds a stub.
    const root = join(tmp, 'action-ref');
    cpSync(join(repoRoot, 'action'), join(root, 'action'), { recursive: true });
    cpSync(join(repoRoot, 'bin'), join(root, 'bin'), { recursive: true });
    const bin = join(tmp, 'bin');
    mkdirSync(bin);
    const calls = join(tmp, 'npm-calls');
    writeFileSync(
      join(bin, 'npm'),
      [
        '#!/usr/bin/env bash',
        `echo "$PWD $*" >> ${JSON.stringify(calls)}`,
        'if [ "$1" = run ]; then mkdir -p dist/cli-bundle',
        `  echo 'export function main() { console.log("rescind 0.0.0-ref"); }' > dist/cli-bundle/main.js; fi`,
        '',
      ].join('\n'),
    );
    chmodSync(join(bin, 'npm'), 0o755);
    const setup = () =>
      spawnSync('bash', [join(root, 'action/setup.sh')], {
        cwd: tmp,
        encoding: 'utf8',
        env: { ...cleanEnv(), PATH: `${bin}:${process.env.PATH}` },
      });
    const built = setup();
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
    expect(built.stdout).toBe('rescind 0.0.0-ref\n');
    expect(readFileSync(calls, 'utf8')).toBe(
      `${root} ci --ignore-scripts --no-audit --no-fund\n${root} run build\n`,
    );
    // Built once: the next job step, or a ref that ships dist/, installs nothing.
    expect(setup().status).toBe(0);
    expect(readFileSync(calls, 'utf8').split('\n')).toHaveLength(3);
  });
});

describe('the GitLab example', () => {
  it('is YAML, installs a pinned rescind, and only runs the scripts the package ships', () => {
    const gitlab = parse(read('examples/gitlab/.gitlab-ci.yml')) as Record<string, unknown>;
    expect(gitlab).toHaveProperty('plan');
    const text = read('examples/gitlab/.gitlab-ci.yml');
    for (const install of text.match(/npm (?:install|i|ci)\b.*/g) ?? []) {
      expect(install).toMatch(/--ignore-scripts/);
      expect(install).toMatch(/rescind@"?\$\{?RESCIND_VERSION|npm ci/);
    }
    expect((gitlab.variables as Record<string, string>).RESCIND_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('gives every job OIDC ID tokens of both clouds, and the revoking identities to apply only', () => {
    const gitlab = parse(read('examples/gitlab/.gitlab-ci.yml')) as Record<
      string,
      { id_tokens?: Record<string, { aud: string }>; variables?: Record<string, string> }
    >;
    for (const job of ['plan', 'apply', 'drift']) {
      expect(gitlab[job]?.id_tokens, job).toEqual({
        ALIBABA_CLOUD_ID_TOKEN: { aud: 'sts.aliyuncs.com' },
        HUAWEICLOUD_ID_TOKEN: { aud: 'huaweicloud' },
      });
      const role = gitlab[job]?.variables?.ALIBABA_CLOUD_ROLE_ARN ?? '';
      expect(role.startsWith('$RESCIND_PLAN_'), job).toBe(job !== 'apply');
    }
  });
});

const shellcheck = spawnSync('shellcheck', ['--version']).status === 0;

describe.skipIf(!shellcheck)('the scripts', () => {
  it('are shellcheck-clean', () => {
    const scripts = readdirSync(join(repoRoot, 'action')).filter((f) => f.endsWith('.sh'));
    const ran = spawnSync('shellcheck', ['-x', ...scripts.map((f) => `action/${f}`)], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(ran.stdout).toBe('');
    expect(ran.status).toBe(0);
  });

  it("and so are the GitLab example's job scripts", () => {
    const gitlab = parse(read('examples/gitlab/.gitlab-ci.yml')) as Record<string, { script?: unknown[] }>;
    for (const job of ['plan', 'apply', 'drift']) {
      const lines = (gitlab[job]?.script ?? []).flat(2).join('\n');
      const ran = spawnSync('shellcheck', ['-s', 'bash', '-'], { input: lines, encoding: 'utf8' });
      expect(ran.stdout, job).toBe('');
    }
  });
});
