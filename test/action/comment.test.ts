// Which comment comment.sh updates: only one the bot wrote whose first line is, whole, the plan's
// marker. A commenter who posts the marker first (squatting) is ignored and the real plan is posted;
// a marker that starts with another plan's marker (`plans/a.yaml` and `plans/a.yaml --> x.yaml`)
// is another plan's comment. GitHub is the fake `gh` of test/helpers/fake-gh.mjs.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ActionRepo, hostileBranch, makeActionRepo } from '../helpers/action-repo.js';

let repo: ActionRepo;
const comments = 'GET repos/acme/revocations/issues/7/comments';
const bot = 'github-actions[bot]';
// The names plan.sh gives plans/a.yaml and plans/a.yaml --> x.yaml.
const a = '<!-- rescind:plans:plans__a.yaml -->';
const ax = '<!-- rescind:plans:plans__a.yaml_20--_3E_20x.yaml -->';

beforeAll(() => {
  repo = makeActionRepo('rescind-comment-');
  mkdirSync(join(repo.dir, '.rescind-pr/plans'), { recursive: true });
  writeFileSync(join(repo.dir, '.rescind-pr/plans/plans__a.yaml.md'), '### rescind plan a\n');
  writeFileSync(
    join(repo.dir, '.rescind-pr/plans/plans__a.yaml_20--_3E_20x.yaml.md'),
    '### rescind plan ax\n',
  );
});
afterAll(() => repo.close());
beforeEach(() => repo.gh.reset());

/** writes are the comment writes of the last run, as "METHOD PATH: first line of the body". */
function writes(): string[] {
  return repo.gh
    .calls()
    .filter((c) => c.includes('--method'))
    .map((c) => `${c[2]} ${c[3]}: ${(c.at(-1) ?? '').replace(/^body=/, '').split('\n')[0]}`);
}

describe('comment.sh', () => {
  it("posts the plan when someone else's comment carries its marker, and never touches theirs", () => {
    repo.gh.answer({
      [comments]: {
        json: [
          [
            { id: 11, user: { login: 'mallory' }, body: `${a}\n**Plan: 0 to revoke.**` },
            { id: 12, user: { login: 'mallory' }, body: `${ax}\nnothing to see` },
          ],
        ],
      },
    });
    const ran = repo.run('comment.sh', { PR: '7' });
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(writes()).toEqual([
      `POST repos/acme/revocations/issues/7/comments: ${a}`,
      `POST repos/acme/revocations/issues/7/comments: ${ax}`,
    ]);
  });

  it('takes a marker that only starts the first line, or is not on it, for another comment', () => {
    repo.gh.answer({
      [comments]: {
        json: [
          [
            // What the old script wrote for `plans/a.yaml --> x.yaml`: it starts with a's marker.
            { id: 21, user: { login: bot }, body: `${a} x.yaml -->\n### rescind plan ax` },
            { id: 22, user: { login: bot }, body: `a note\n${ax}` },
          ],
        ],
      },
    });
    expect(repo.run('comment.sh', { PR: '7' }).code).toBe(0);
    expect(writes()).toEqual([
      `POST repos/acme/revocations/issues/7/comments: ${a}`,
      `POST repos/acme/revocations/issues/7/comments: ${ax}`,
    ]);
  });

  it("updates the bot's own comment of each plan, on any page, whatever others posted before it", () => {
    repo.gh.answer({
      [comments]: {
        json: [
          [
            { id: 31, user: { login: 'mallory' }, body: `${a}\nsquatted` },
            { id: 32, user: { login: bot }, body: `${ax}\r\nedited on the web, with CRLF` },
          ],
          [{ id: 33, user: { login: bot }, body: `${a}\n### rescind plan a, an older push` }],
        ],
      },
    });
    expect(repo.run('comment.sh', { PR: '7' }).code).toBe(0);
    expect(writes()).toEqual([
      `PATCH repos/acme/revocations/issues/comments/33: ${a}`,
      `PATCH repos/acme/revocations/issues/comments/32: ${ax}`,
    ]);
  });

  it('asks the API who the token is when no login is given, and finds the comments by that login', () => {
    repo.gh.answer({
      'GET user': { json: { login: 'revocation-bot' } },
      [comments]: {
        json: [
          [
            { id: 41, user: { login: bot }, body: `${a}\nby the workflow token` },
            { id: 42, user: { login: 'revocation-bot' }, body: `${a}\nby the app` },
          ],
        ],
      },
    });
    expect(repo.run('comment.sh', { PR: '7', BOT_LOGIN: '' }).code).toBe(0);
    expect(writes()).toEqual([
      `PATCH repos/acme/revocations/issues/comments/42: ${a}`,
      `POST repos/acme/revocations/issues/7/comments: ${ax}`,
    ]);
  });

  it('refuses a pull request number or a repository that is not one, and calls nothing', () => {
    repo.gh.answer({ [comments]: { json: [[]] } });
    for (const [name, value] of [
      ['PR', '7/../../../user'],
      ['PR', '$(touch pwned)'],
      ['PR', hostileBranch],
      ['GITHUB_REPOSITORY', 'acme/revocations/../x'],
      ['KIND', '../plans'],
    ] as const) {
      const ran = repo.run('comment.sh', { PR: '7', [name]: value, GITHUB_ENV: join(repo.dir, '.out-env') });
      expect(ran.code, value).toBe(1);
      expect(ran.stderr, value).toMatch(/^rescind: /);
      expect(existsSync(join(repo.dir, 'pwned')), value).toBe(false);
    }
    expect(repo.gh.calls()).toEqual([]);
  });
});
