// The rescind action's steps (the scripts action.yml runs), on a fixture repository whose pull request
// changes a plan, against the built-in emulator: SARIF and one sticky comment per plan with its saved
// plan; after the merge, the saved plans found by the merged pull request's head commit (find-plans.sh),
// then apply refused when the plan changed after review, then applied; drift silent
// while access stays revoked and failing, naming the targets, once it comes back. GitHub's API is a
// recording stand-in for `gh` on PATH (test/helpers/fake-gh.mjs): what the scripts ask of it is
// checked, not how GitHub answers.

import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadSavedPlan } from '../../src/plan/saved.js';
import { cleanEnv } from '../helpers/action-repo.js';
import { type FakeGh, installFakeGh } from '../helpers/fake-gh.js';
import { repoRoot } from '../helpers/paths.js';
import { builtinConfig } from '../helpers/plan.js';

let repo: string;
let gh: FakeGh;
let base: string;
const rescind = `node ${join(repoRoot, 'bin/rescind.js')}`;

const git = (...args: string[]) =>
  execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: {
      ...cleanEnv(),
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  }).trim();

// Runs one of the action's scripts in the fixture repository.
function step(script: string, env: Record<string, string> = {}) {
  const result = spawnSync('bash', [join(repoRoot, 'action', script)], {
    cwd: repo,
    encoding: 'utf8',
    env: {
      ...cleanEnv(),
      ...gh.env,
      PATH: `${gh.bin}:${process.env.PATH}`,
      RESCIND: rescind,
      GITHUB_REPOSITORY: 'acme/revocations',
      PR: '7',
      ...env,
    },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'rescind-action-'));
  gh = installFakeGh(join(repo, '.gh'));
  writeFileSync(join(repo, '.gitignore'), '.gh/\n.gh-*\n.rescind/\n.rescind-*/\n');
  writeFileSync(join(repo, 'rescind.config.yaml'), builtinConfig);
  mkdirSync(join(repo, 'plans'));
  copyFileSync(
    join(repoRoot, 'plans/examples/huaweicloud.ccm.subordinate-ca.yaml'),
    join(repo, 'plans/ca.yaml'),
  );
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'base');
  base = git('rev-parse', 'HEAD');
  // The pull request: a new offboarding plan.
  git('checkout', '-q', '-b', 'offboard-alice');
  copyFileSync(join(repoRoot, 'plans/examples/offboard-alice.yaml'), join(repo, 'plans/offboard.yaml'));
  git('add', '.');
  git('commit', '-q', '-m', 'offboard alice');
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('on the pull request', () => {
  it('validates as SARIF and plans only the plan the pull request adds, as a comment and a saved plan', () => {
    const plan = step('plan.sh', { BASE_REF: base, GITHUB_OUTPUT: join(repo, '.gh-output') });
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    const sarif = JSON.parse(readFileSync(join(repo, '.rescind-pr/rescind.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results).toEqual([]);
    const comment = readFileSync(join(repo, '.rescind-pr/plans/plans__offboard.yaml.md'), 'utf8');
    expect(comment).toMatch(
      /^### rescind plan offboard-alice \(SEC-2041\)\n\n\*\*Plan: 6 to revoke, 2 already revoked, 1 not observable, 0 blocked\.\*\*/,
    );
    const saved = loadSavedPlan(join(repo, '.rescind-pr/plans/plans__offboard.yaml.json'), 'saved.json');
    expect(saved.diagnostics).toEqual([]);
    expect(saved.plan?.inputs.map((i) => [i.role, i.file])).toEqual([
      ['plan', 'plans/offboard.yaml'],
      ['config', 'rescind.config.yaml'],
    ]);
    // The unchanged plan of the base is validated, not planned.
    expect(readFileSync(join(repo, '.gh-output'), 'utf8')).toBe('status=0\nplans=plans__offboard.yaml\n');
  });

  it('posts one comment per plan, then updates it on the next push instead of adding another', () => {
    const comments = 'GET repos/acme/revocations/issues/7/comments';
    gh.answer({ [comments]: { json: [[]] } });
    const first = step('comment.sh');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    // GitHub now holds the comment the first run posted, written by the workflow's token.
    const [post] = gh.calls().filter((c) => c.includes('--method'));
    const body = post?.at(-1)?.replace(/^body=/, '');
    gh.answer({ [comments]: { json: [[{ id: 4242, user: { login: 'github-actions[bot]' }, body }]] } });
    expect(step('comment.sh').code).toBe(0);
    const calls = gh.calls();
    // Each write carries the plan's comment, after the marker that finds it again.
    for (const write of calls.filter((c) => c.includes('--method'))) {
      expect(write.at(-1)).toMatch(
        /^body=<!-- rescind:plans:plans__offboard\.yaml -->\n### rescind plan offboard-alice \(SEC-2041\)/,
      );
    }
    expect(calls.map((c) => c.join(' ').replace(/ -f body=.*/s, ''))).toEqual([
      'api --paginate --slurp repos/acme/revocations/issues/7/comments',
      'api --method POST repos/acme/revocations/issues/7/comments',
      'api --paginate --slurp repos/acme/revocations/issues/7/comments',
      'api --method PATCH repos/acme/revocations/issues/comments/4242',
    ]);
  });

  it('fails the check when a policy denies a plan', () => {
    writeFileSync(
      join(repo, 'deny.yaml'),
      'apiVersion: rescind/v1\nkind: Policy\nmetadata: {name: house}\nspec:\n  rules:\n    - {name: no-ack, effect: deny, match: {types: [alibabacloud.ack.user-permissions]}}\n',
    );
    const denied = step('plan.sh', { BASE_REF: base, POLICIES: 'deny.yaml', OUT: '.rescind-denied' });
    expect(denied.code).toBe(3);
    expect(readFileSync(join(repo, '.rescind-denied/plans/plans__offboard.yaml.md'), 'utf8')).toContain(
      '> **Blocked** by a policy: house/no-ack.',
    );
    rmSync(join(repo, 'deny.yaml'));
  });
});

describe('after the merge', () => {
  it('takes the reviewed plans from the pull request run of the head commit that was merged', () => {
    // The merge commit on main, and GitHub's record of the pull request, its plan run and artifact.
    const head = git('rev-parse', 'HEAD');
    git('checkout', '-q', 'main');
    git('merge', '-q', '--no-ff', '-m', 'Merge pull request #7', 'offboard-alice');
    const merge = git('rev-parse', 'HEAD');
    const full = 'acme/revocations';
    const ours = { full_name: full };
    gh.answer({
      [`GET repos/${full}/commits/${merge}/pulls?per_page=100`]: {
        json: [
          {
            number: 7,
            merged_at: '2026-12-01T15:00:00Z',
            merge_commit_sha: merge,
            base: { ref: 'main', repo: ours },
            head: { sha: head, repo: ours },
          },
        ],
      },
      [`GET repos/${full}/actions/runs?head_sha=${head}&event=pull_request&per_page=100`]: {
        json: {
          workflow_runs: [
            {
              id: 101,
              head_sha: head,
              event: 'pull_request',
              path: '.github/workflows/rescind.yml',
              status: 'completed',
              conclusion: 'success',
              created_at: '2026-12-01T09:00:00Z',
              repository: ours,
              head_repository: ours,
            },
          ],
        },
      },
      [`GET repos/${full}/actions/runs/101/artifacts?per_page=100`]: {
        json: { artifacts: [{ id: 9, name: 'rescind-plans-7', expired: false }] },
      },
      'download 101 rescind-plans-7': { dir: join(repo, '.rescind-pr/plans') },
    });
    const found = step('find-plans.sh', {
      OUT: '.rescind-merge',
      GITHUB_SHA: merge,
      GITHUB_REF_NAME: 'main',
      GITHUB_WORKFLOW_REF: `${full}/.github/workflows/rescind.yml@refs/heads/main`,
    });
    expect(found.stderr).toBe('');
    expect(found.code).toBe(0);
    expect(readFileSync(join(repo, '.rescind-merge/plans/index.txt'), 'utf8')).toContain(
      '\nplans__offboard.yaml\n',
    );
  });

  it('refuses the saved plan when the plan changed after review, and applies it when it did not', () => {
    const reviewed = readFileSync(join(repo, 'plans/offboard.yaml'), 'utf8');
    writeFileSync(join(repo, 'plans/offboard.yaml'), reviewed.replace('alice-*', '*'));
    const refused = step('apply.sh', { OUT: '.rescind-merge' });
    expect(refused.stderr).toBe('');
    expect(refused.code).toBe(1);
    expect(readFileSync(join(repo, '.rescind-merge/runs/plans__offboard.yaml.md'), 'utf8')).toContain(
      'error apply.inputs-changed: the plan plans/offboard.yaml changed since the plan was made',
    );
    writeFileSync(join(repo, 'plans/offboard.yaml'), reviewed);
    const applied = step('apply.sh', { OUT: '.rescind-merge' });
    expect(applied.code).toBe(0);
    expect(readFileSync(join(repo, '.rescind-merge/runs/plans__offboard.yaml.md'), 'utf8')).toMatch(
      /^### rescind apply offboard-alice \(SEC-2041\), run \d{8}T\d{6}Z-[0-9a-f]{6}\n\n\*\*Apply complete: 6 verified, 2 already revoked, 1 applied \(not observable\), 0 failed\.\*\*/,
    );
  });

  it('reports a plan with nothing left to revoke as no changes, not as refused', () => {
    // Alice's edge certificates, all revoked by the apply above, planned again into a folder of their own.
    const plan = readFileSync(join(repo, 'plans/offboard.yaml'), 'utf8');
    const esa = plan.slice(0, plan.indexOf('  revocations:')).replace('offboard-alice', 'alice-esa');
    writeFileSync(
      join(repo, 'noop.yaml'),
      `${esa}  revocations:\n${plan.slice(plan.indexOf('    - id: alice-esa-certificates'), plan.indexOf('    - id: alice-ack-clusters'))}`,
    );
    const out = join(repo, '.rescind-noop');
    mkdirSync(join(out, 'plans'), { recursive: true });
    execFileSync(
      'node',
      [join(repoRoot, 'bin/rescind.js'), 'plan', '--out', join(out, 'plans/noop.yaml.json'), 'noop.yaml'],
      {
        cwd: repo,
      },
    );
    const applied = step('apply.sh', { OUT: out });
    expect(applied.code).toBe(0);
    expect(readFileSync(join(out, 'runs/noop.yaml.md'), 'utf8')).toBe(
      '### rescind apply `noop.yaml`: no changes\n\nEvery target was already revoked when the plan was made; nothing was sent.\n',
    );
    rmSync(join(repo, 'noop.yaml'));
  });
});

describe('on a schedule', () => {
  it('is silent while access stays revoked, and fails naming the targets once it comes back', () => {
    const summary = join(repo, '.gh-summary');
    const quiet = step('drift.sh', { PLANS: 'plans/offboard.yaml', GITHUB_STEP_SUMMARY: summary });
    expect(quiet.stdout + quiet.stderr + (existsSync(summary) ? readFileSync(summary, 'utf8') : '')).toBe('');
    expect(quiet.code).toBe(0);
    // The demo cloud as it was before the revocation: the grants and certificates are back.
    expect(spawnSync('bash', ['-c', `${rescind} emulator --reset-builtin`], { cwd: repo }).status).toBe(0);
    const back = step('drift.sh', { PLANS: 'plans/offboard.yaml', GITHUB_STEP_SUMMARY: summary });
    expect(back.code).toBe(2);
    const text = readFileSync(summary, 'utf8');
    expect(text).toMatch(/^### Access came back: `plans\/offboard\.yaml`$/m);
    expect(text.match(/^- revoke: /gm)).toHaveLength(6);
  });
});

describe('the workflow files', () => {
  it('action.yml runs the scripts tested here, and the GitLab example parses with every job scripted', () => {
    const action = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as {
      runs: { using: string; steps: { run?: string }[] };
    };
    expect(action.runs.using).toBe('composite');
    const runs = action.runs.steps.map((s) => s.run ?? '').join('\n');
    for (const script of ['setup.sh', 'plan.sh', 'find-plans.sh', 'apply.sh', 'drift.sh', 'comment.sh'])
      expect(runs).toContain(`/action/${script}`);
    const gitlab = parse(readFileSync(join(repoRoot, 'examples/gitlab/.gitlab-ci.yml'), 'utf8')) as Record<
      string,
      { script?: unknown[]; stage?: string }
    >;
    for (const job of ['plan', 'apply', 'drift']) {
      expect(gitlab[job]?.stage).toBe(job);
      expect(gitlab[job]?.script?.flat(2).length).toBeGreaterThan(1);
    }
  });
});
