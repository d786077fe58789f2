// Which saved plans find-plans.sh gives apply: the artifact of the latest pull_request run of this
// repository's own workflow on the merged pull request's head commit, and nothing else. GitHub's API
// (the fake `gh` of test/helpers/fake-gh.mjs) lists runs of another head commit, of a fork, of another
// workflow and of another event, all newer than the right one: only the right one is taken, and
// without it each of them is refused, as are a direct push, a pull request from a fork, a plan run
// that failed or is still running, and a run without the artifact.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ActionRepo, hostileBranch, makeActionRepo } from '../helpers/action-repo.js';
import type { Route } from '../helpers/fake-gh.js';

let repo: ActionRepo;
let artifact: string;
const full = 'acme/revocations';
const merge = '5e1d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b';
const head = '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';
const other = '9a8b7c6d5e4f30211203f4e5d6c7b8a99a8b7c6d';
const workflow = `${full}/.github/workflows/rescind.yml@refs/heads/main`;

/** run is a workflow run as GitHub lists it, the right one unless a field says otherwise. */
function run(id: number, hour: number, fields: Record<string, unknown> = {}) {
  return {
    id,
    head_sha: head,
    event: 'pull_request',
    path: '.github/workflows/rescind.yml',
    status: 'completed',
    conclusion: 'success',
    created_at: `2026-12-01T${String(hour).padStart(2, '0')}:00:00Z`,
    repository: { full_name: full },
    head_repository: { full_name: full },
    ...fields,
  };
}

const right = run(101, 9);
const wrong = {
  'another head commit': run(102, 10, { head_sha: other }),
  'a fork': run(103, 11, { head_repository: { full_name: 'mallory/revocations' } }),
  'another workflow': run(104, 12, { path: '.github/workflows/other.yml' }),
  'another event': run(105, 13, { event: 'workflow_dispatch' }),
  'another repository': run(106, 14, { repository: { full_name: 'mallory/revocations' } }),
};
const why = {
  'another head commit': `run 102: made for commit ${other}`,
  'a fork': 'run 103: from the fork mallory/revocations',
  'another workflow': 'run 104: of the workflow .github/workflows/other.yml',
  'another event': 'run 105: triggered by workflow_dispatch',
  'another repository': 'run 106: of the repository mallory/revocations',
};

/** pull is the pull request #7 that merge merged, from a branch of the repository. */
function pull(fields: Record<string, unknown> = {}) {
  return {
    number: 7,
    merged_at: '2026-12-01T15:00:00Z',
    merge_commit_sha: merge,
    base: { ref: 'main', repo: { full_name: full } },
    head: { sha: head, repo: { full_name: full } },
    ...fields,
  };
}

/** routes answers as GitHub would for the merge of #7 whose head was planned by the given runs. */
function routes(runs: unknown[], over: Record<string, Route> = {}): Record<string, Route> {
  return {
    [`GET repos/${full}/commits/${merge}/pulls?per_page=100`]: {
      // An open pull request that also holds the commit is not the one it merged.
      json: [pull({ number: 9, merged_at: null, merge_commit_sha: null }), pull()],
    },
    [`GET repos/${full}/actions/runs?head_sha=${head}&event=pull_request&per_page=100`]: {
      json: { total_count: runs.length, workflow_runs: runs },
    },
    [`GET repos/${full}/actions/runs/101/artifacts?per_page=100`]: {
      json: {
        artifacts: [
          { id: 8, name: 'rescind-plans-9', expired: false },
          { id: 9, name: 'rescind-plans-7', expired: false },
        ],
      },
    },
    'download 101 rescind-plans-7': { dir: artifact },
    ...over,
  };
}

function find(out: string, env: Record<string, string> = {}) {
  return repo.run('find-plans.sh', {
    GITHUB_SHA: merge,
    GITHUB_REF_NAME: 'main',
    GITHUB_WORKFLOW_REF: workflow,
    GITHUB_OUTPUT: join(repo.dir, `${out}.output`),
    OUT: out,
    ...env,
  });
}

beforeAll(() => {
  repo = makeActionRepo('rescind-find-');
  artifact = join(repo.dir, '.gh/artifact');
  mkdirSync(artifact, { recursive: true });
  writeFileSync(join(artifact, 'index.txt'), '# The saved plans\nplans__a.yaml\n');
  writeFileSync(join(artifact, 'plans__a.yaml.json'), '{"reviewed": true}\n');
});
afterAll(() => repo.close());
beforeEach(() => repo.gh.reset());

/** downloads are the `gh run download` calls of the last run. */
function downloads(): string[] {
  return repo.gh
    .calls()
    .filter((c) => c[0] === 'run')
    .map((c) => c.join(' '));
}

describe('find-plans.sh', () => {
  it('takes the artifact of the right run, however many newer wrong ones GitHub lists', () => {
    repo.gh.answer(routes([...Object.values(wrong), right]));
    const ran = find('.out-right');
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toBe(
      `rescind: applying the plans of pull request #7 (head ${head}), reviewed in run 101\n`,
    );
    expect(downloads()).toEqual([
      `run download 101 --repo ${full} --name rescind-plans-7 --dir .out-right/plans`,
    ]);
    expect(readFileSync(join(repo.dir, '.out-right/plans/plans__a.yaml.json'), 'utf8')).toBe(
      '{"reviewed": true}\n',
    );
    expect(readFileSync(join(repo.dir, '.out-right.output'), 'utf8')).toBe(
      `status=0\npr=7\nhead-sha=${head}\nrun-id=101\n`,
    );
  });

  it.each(Object.keys(wrong) as (keyof typeof wrong)[])('refuses a run of %s, saying why', (kind) => {
    repo.gh.answer(routes([wrong[kind]]));
    const ran = find(`.out-${kind.replaceAll(' ', '-')}`);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe(
      `rescind: refused: pull request #7: no run of .github/workflows/rescind.yml planned commit ${head} of this repository for a pull request; set aside:\n  ${why[kind]}\n`,
    );
    expect(downloads()).toEqual([]);
  });

  it('refuses when the latest right run failed, even with an older one that succeeded', () => {
    repo.gh.answer(routes([run(107, 16, { conclusion: 'failure' }), right]));
    const ran = find('.out-failed');
    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe(
      `rescind: refused: pull request #7: the latest plan run 107 of commit ${head} ended failure: nothing it reviewed can be applied\n`,
    );
    expect(downloads()).toEqual([]);
    // The pull request is known: its comment says why nothing was applied.
    expect(readFileSync(join(repo.dir, '.out-failed/runs/_refused.md'), 'utf8')).toBe(
      '### rescind apply: refused\n\nNothing was applied for this pull request:\n\n```text\n' +
        `pull request #7: the latest plan run 107 of commit ${head} ended failure: nothing it reviewed can be applied\n` +
        '```\n',
    );
    expect(readFileSync(join(repo.dir, '.out-failed.output'), 'utf8')).toBe('status=1\npr=7\n');
  });

  it('refuses while the latest right run is still running', () => {
    repo.gh.answer(routes([run(108, 16, { status: 'in_progress', conclusion: null }), right]));
    const ran = find('.out-running');
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(`the plan run 108 of commit ${head} is in_progress: wait for it`);
  });

  it('refuses a push that merged no pull request, and a pull request from a fork', () => {
    const pulls = `GET repos/${full}/commits/${merge}/pulls?per_page=100`;
    repo.gh.answer(routes([right], { [pulls]: { json: [pull({ merge_commit_sha: other })] } }));
    const direct = find('.out-direct');
    expect(direct.code).toBe(1);
    expect(direct.stderr).toBe(
      `rescind: refused: commit ${merge} is not the merge of a pull request into main: rescind applies only plans a pull request reviewed\n`,
    );
    expect(existsSync(join(repo.dir, '.out-direct/runs/_refused.md'))).toBe(false);

    repo.gh.answer(
      routes([right], {
        [pulls]: { json: [pull({ head: { sha: head, repo: { full_name: 'mallory/x' } } })] },
      }),
    );
    const fork = find('.out-fork');
    expect(fork.code).toBe(1);
    expect(fork.stderr).toContain('pull request #7 comes from the fork mallory/x');
    // A merge into another branch is no merge into the branch pushed to.
    repo.gh.answer(
      routes([right], { [pulls]: { json: [pull({ base: { ref: 'dev', repo: { full_name: full } } })] } }),
    );
    expect(find('.out-dev').code).toBe(1);
    expect(downloads()).toEqual([]);
  });

  it('refuses a right run without the artifact, or whose artifact the plan step did not make', () => {
    const artifacts = `GET repos/${full}/actions/runs/101/artifacts?per_page=100`;
    repo.gh.answer(
      routes([right], {
        [artifacts]: { json: { artifacts: [{ id: 9, name: 'rescind-plans-7', expired: true }] } },
      }),
    );
    const expired = find('.out-expired');
    expect(expired.code).toBe(1);
    expect(expired.stderr).toContain('run 101 has no artifact rescind-plans-7 (never uploaded, or expired)');

    const bare = join(repo.dir, '.gh/bare');
    mkdirSync(bare, { recursive: true });
    writeFileSync(join(bare, 'plans__a.yaml.json'), '{}\n');
    repo.gh.answer(routes([right], { 'download 101 rescind-plans-7': { dir: bare } }));
    const unmade = find('.out-unmade');
    expect(unmade.code).toBe(1);
    expect(unmade.stderr).toContain('has no index.txt: not made by the plan step');
  });

  it('takes nothing from the environment as a command or an API path', () => {
    repo.gh.answer(routes([right]));
    for (const [name, value] of [
      ['GITHUB_SHA', '$(touch pwned)'],
      ['GITHUB_SHA', `${merge}/../../user`],
      ['GITHUB_REPOSITORY', 'acme/revocations/../x'],
      ['GITHUB_REF_NAME', hostileBranch],
      ['GITHUB_WORKFLOW_REF', '`touch pwned`'],
    ] as const) {
      const ran = find('.out-hostile', { [name]: value, GITHUB_ENV: join(repo.dir, '.out-env') });
      expect(ran.code, value).toBe(1);
    }
    expect(existsSync(join(repo.dir, 'pwned'))).toBe(false);
    expect(existsSync(join(repo.dir, '.out-env'))).toBe(false);
    expect(downloads()).toEqual([]);
  });
});
