// action/gitlab.mjs against a GitLab API stand-in on 127.0.0.1 (test/helpers/http-server.ts): notes
// are found by the token's own user and the whole first-line marker (a squatted note, a prefix of
// another plan's marker, a marker further down are all someone else's), and find-plans takes the
// saved plans of the plan job of the merged merge request's pipeline on its head commit, refusing a
// direct push, a fork, a merged-results or other commit's pipeline, a failed pipeline and a bad name.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv } from '../helpers/action-repo.js';
import { type Received, startServer, type TestServer } from '../helpers/http-server.js';
import { repoRoot } from '../helpers/paths.js';

const run = promisify(execFile);
const project = '/api/v4/projects/42';
const merge = '5e1d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b';
const head = '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';
const other = '9a8b7c6d5e4f30211203f4e5d6c7b8a99a8b7c6d';

/** Answer is what the stand-in answers one request with: JSON, or raw text, and headers. */
interface Answer {
  status?: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

let server: TestServer;
let routes: Record<string, Answer> = {};
let dir: string;

beforeAll(async () => {
  server = await startServer((req: Received, res) => {
    const key = `${req.method} ${req.path}${req.query ? `?${req.query}` : ''}`;
    const answer =
      routes[key] ?? (req.method === 'GET' ? { status: 404, json: { message: '404 Not found' } } : {});
    res.statusCode = answer.status ?? (req.method === 'POST' ? 201 : 200);
    for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
    res.end(answer.text ?? JSON.stringify(answer.json ?? {}));
  });
  dir = mkdtempSync(join(tmpdir(), 'rescind-gitlab-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.received.length = 0;
});

/** gitlab runs action/gitlab.mjs COMMAND in the test folder, and never throws. */
async function gitlab(command: string, env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run('node', [join(repoRoot, 'action/gitlab.mjs'), command], {
      cwd: dir,
      env: {
        ...cleanEnv(),
        CI_API_V4_URL: `${server.origin}/api/v4`,
        CI_PROJECT_ID: '42',
        RESCIND_GITLAB_TOKEN: 'glpat-secret-token',
        ...env,
      },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** writes are the note writes the stand-in received, as "METHOD PATH: first line of the body". */
function writes(): string[] {
  return server.received
    .filter((r) => r.method !== 'GET')
    .map(
      (r) =>
        `${r.method} ${r.path}: ${(JSON.parse(r.body.toString()) as { body: string }).body.split('\n')[0]}`,
    );
}

describe('gitlab.mjs notes', () => {
  const notes = `${project}/merge_requests/7/notes`;
  const a = '<!-- rescind:plans:plans__a.yaml -->';
  const ax = '<!-- rescind:plans:plans__a.yaml_20--_3E_20x.yaml -->';
  beforeAll(() => {
    mkdirSync(join(dir, 'notes/plans'), { recursive: true });
    writeFileSync(join(dir, 'notes/plans/plans__a.yaml.md'), '### rescind plan a\n');
    writeFileSync(join(dir, 'notes/plans/plans__a.yaml_20--_3E_20x.yaml.md'), '### rescind plan ax\n');
  });

  it("updates the token user's own note of each plan, on any page, and posts where others squat", async () => {
    routes = {
      'GET /api/v4/user': { json: { id: 900, username: 'project_42_bot' } },
      [`GET ${notes}?sort=asc&order_by=created_at&per_page=100&page=1`]: {
        json: [
          { id: 1, author: { id: 13 }, body: `${a}\nsquatted` },
          { id: 2, author: { id: 900 }, body: `${a} x.yaml -->\nthe old marker of the other plan` },
          { id: 3, author: { id: 900 }, body: `note\n${ax}` },
        ],
        headers: { 'x-next-page': '2' },
      },
      [`GET ${notes}?sort=asc&order_by=created_at&per_page=100&page=2`]: {
        json: [{ id: 4, author: { id: 900 }, body: `${a}\r\nours` }],
        headers: { 'x-next-page': '' },
      },
    };
    const ran = await gitlab('notes', { OUT: 'notes', KIND: 'plans', CI_MERGE_REQUEST_IID: '7' });
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(writes()).toEqual([`PUT ${notes}/4: ${a}`, `POST ${notes}: ${ax}`]);
    // The token goes to GitLab in its header, and nowhere else.
    expect(server.received.every((r) => r.headers['private-token'] === 'glpat-secret-token')).toBe(true);
  });

  it('refuses a merge request that is not a number, and writes nothing', async () => {
    const ran = await gitlab('notes', { OUT: 'notes', CI_MERGE_REQUEST_IID: '7/../../../user' });
    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe('rescind: the merge request is not a number\n');
    expect(server.received).toEqual([]);
  });
});

describe('gitlab.mjs find-plans', () => {
  const mr = (fields: Record<string, unknown> = {}) => ({
    iid: 7,
    state: 'merged',
    sha: head,
    merge_commit_sha: merge,
    squash_commit_sha: null,
    source_project_id: 42,
    target_project_id: 42,
    target_branch: 'main',
    ...fields,
  });
  const pipeline = (id: number, fields: Record<string, unknown> = {}) => ({
    id,
    project_id: 42,
    sha: head,
    ref: 'refs/merge-requests/7/head',
    status: 'success',
    ...fields,
  });
  const saved = '{"formatVersion":"1","reviewed":true}\n';
  function gitlabRoutes(over: Record<string, Answer> = {}): Record<string, Answer> {
    const artifacts = `${project}/jobs/555/artifacts/.rescind-pr/plans`;
    return {
      [`GET ${project}/repository/commits/${merge}/merge_requests`]: {
        json: [mr({ iid: 9, state: 'opened', merge_commit_sha: null }), mr()],
      },
      [`GET ${project}/merge_requests/7/pipelines?per_page=100&page=1`]: {
        json: [
          pipeline(205, { sha: other }),
          pipeline(204, { ref: 'refs/merge-requests/7/merge' }),
          pipeline(203, { project_id: 77 }),
          pipeline(201),
        ],
      },
      [`GET ${project}/pipelines/201/jobs?per_page=100&page=1`]: {
        json: [
          { id: 554, name: 'drift', status: 'skipped' },
          { id: 555, name: 'plan', status: 'success' },
        ],
      },
      [`GET ${artifacts}/index.txt`]: { text: '# The saved plans\nplans__a.yaml\n' },
      [`GET ${artifacts}/plans__a.yaml.json`]: {
        status: 302,
        headers: { location: '/storage/a.json?signed=1' },
      },
      'GET /storage/a.json?signed=1': { text: saved },
      ...over,
    };
  }
  const env = (out: string) => ({ OUT: out, CI_COMMIT_SHA: merge, CI_COMMIT_BRANCH: 'main' });

  it('takes the plan job of the latest merge request pipeline of this project on the head commit', async () => {
    routes = gitlabRoutes();
    const ran = await gitlab('find-plans', env('right'));
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toBe(
      `rescind: applying the plans of merge request !7 (head ${head}), reviewed in pipeline 201\n`,
    );
    expect(readFileSync(join(dir, 'right/plans/plans__a.yaml.json'), 'utf8')).toBe(saved);
    expect(readFileSync(join(dir, 'right/merge-request'), 'utf8')).toBe('7\n');
    // The object store gets no token.
    const stored = server.received.find((r) => r.path === '/storage/a.json');
    expect(stored?.headers['private-token']).toBeUndefined();
  });

  it('refuses when the latest right pipeline failed, saying so in the merge request', async () => {
    routes = gitlabRoutes({
      [`GET ${project}/merge_requests/7/pipelines?per_page=100&page=1`]: {
        json: [pipeline(206, { status: 'failed' }), pipeline(201)],
      },
    });
    const ran = await gitlab('find-plans', env('failed'));
    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe(
      `rescind: refused: the latest pipeline 206 of commit ${head} of !7 is failed: nothing it reviewed can be applied\n`,
    );
    expect(readFileSync(join(dir, 'failed/runs/_refused.md'), 'utf8')).toContain(
      '```text\nthe latest pipeline 206',
    );
    expect(existsSync(join(dir, 'failed/plans'))).toBe(false);
  });

  it.each([
    [
      'a direct push',
      { json: [mr({ merge_commit_sha: other })] },
      'is not the merge of a merge request into main',
    ],
    ['a fork', { json: [mr({ source_project_id: 77 })] }, 'comes from another project (a fork)'],
    [
      'another branch',
      { json: [mr({ target_branch: 'dev' })] },
      'is not the merge of a merge request into main',
    ],
  ])('refuses %s', async (_, answer, message) => {
    routes = gitlabRoutes({ [`GET ${project}/repository/commits/${merge}/merge_requests`]: answer });
    const ran = await gitlab('find-plans', env('refused'));
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(message);
  });

  it('refuses when only pipelines of another commit, another ref or a fork ran', async () => {
    routes = gitlabRoutes({
      [`GET ${project}/merge_requests/7/pipelines?per_page=100&page=1`]: {
        json: [
          pipeline(205, { sha: other }),
          pipeline(204, { ref: 'refs/merge-requests/7/merge' }),
          pipeline(203, { project_id: 77 }),
        ],
      },
    });
    const ran = await gitlab('find-plans', env('none'));
    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe(
      `rescind: refused: no merge request pipeline of this project planned commit ${head} of !7\n`,
    );
  });

  it('refuses an index that names something other than a plan', async () => {
    routes = gitlabRoutes({
      [`GET ${project}/jobs/555/artifacts/.rescind-pr/plans/index.txt`]: { text: '../../.git/config\n' },
    });
    const ran = await gitlab('find-plans', env('bad-index'));
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('the plan job\'s index names "../../.git/config", not a plan\'s name');
  });
});
