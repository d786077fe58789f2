// Which files the action's scripts plan, under which names, and what they write about them: a pull
// request adds plans whose kind is quoted or followed by a comment, whose paths are non-ASCII, hold
// spaces, quotes and shell syntax, or collide under a naive `/` to `__` mapping, next to a policy and
// files that are not valid. plan.sh must plan every plan (and only plans) under distinct names, keep
// its own Markdown unbreakable, and run nothing a name says; drift.sh must find the same plans.
// No RESCIND is set: the scripts run the rescind beside them, and an `npx` or `npm` on PATH that
// would run one from the registry leaves a mark.

import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadSavedPlan } from '../../src/plan/saved.js';
import { type ActionRepo, hostileBranch, makeActionRepo } from '../helpers/action-repo.js';
import { repoRoot } from '../helpers/paths.js';

let repo: ActionRepo;
let base: string;
let env: Record<string, string>;
const ca = readFileSync(join(repoRoot, 'plans/examples/huaweicloud.ccm.subordinate-ca.yaml'), 'utf8');
const policy = 'apiVersion: rescind/v1\nkind: Policy\nmetadata: {name: house}\nspec:\n  rules: []\n';
// A file that says it is a plan but is not a valid one: its errors name the file.
const broken = 'apiVersion: rescind/v1\nkind: RevocationPlan\nmetadata: {name: broken}\n';

// The branch name of the issue, and other shell syntax, as parts of file names.
const hostile = [hostileBranch, `q"s 'a' $(touch pwned) \`touch pwned\``, "'; touch pwned; '"];

/** The plans of the pull request, each with the name plan.sh must give it. */
const plans: [path: string, name: string, text: string][] = [
  ['plans/quoted.yaml', 'plans__quoted.yaml', ca.replace('kind: RevocationPlan', 'kind: "RevocationPlan"')],
  ['plans/single.yaml', 'plans__single.yaml', ca.replace('kind: RevocationPlan', "kind: 'RevocationPlan'")],
  [
    'plans/commented.yaml',
    'plans__commented.yaml',
    ca.replace('kind: RevocationPlan', 'kind: RevocationPlan # reviewed by pki'),
  ],
  ['plans/café/ünï.yaml', 'plans__caf_C3_A9___C3_BCn_C3_AF.yaml', ca],
  ['plans/with space.yaml', 'plans__with_20space.yaml', ca],
  ['plans/team/ca.yaml', 'plans__team__ca.yaml', ca],
  ['plans/team__ca.yaml', 'plans__team_5F_5Fca.yaml', ca],
  [
    `plans/${hostile[0]}.yaml`,
    'plans__x_22_3Becho_24_7BIFS_7DNODE_5FOPTIONS_3D--require_3Devil_3E_3E_24GITHUB_5FENV_3Becho_24_7BIFS_7D_22.yaml',
    ca,
  ],
  [
    `plans/${hostile[1]}.yaml`,
    'plans__q_22s_20_27a_27_20_24_28touch_20pwned_29_20_60touch_20pwned_60.yaml',
    ca,
  ],
  [`plans/${hostile[2]}.yaml`, 'plans___27_3B_20touch_20pwned_3B_20_27.yaml', ca],
];

beforeAll(() => {
  repo = makeActionRepo();
  repo.write('plans/unchanged.yaml', ca);
  repo.git('add', '.');
  repo.git('commit', '-q', '-m', 'a plan of the base');
  base = repo.git('rev-parse', 'HEAD');
  repo.git('checkout', '-q', '-b', 'the-pull-request');
  for (const [path, , text] of plans) repo.write(path, text);
  repo.write('plans/house-policy.yaml', policy);
  repo.write('plans/broken```x</details>.yaml', broken);
  repo.write('plans/nl\nstatus=0.yaml', broken);
  repo.git('add', '.');
  repo.git('commit', '-q', '-m', 'the pull request');
  // npx and npm that would fetch a rescind from the registry; the scripts must not call them.
  for (const tool of ['npx', 'npm']) {
    writeFileSync(
      join(repo.gh.bin, tool),
      `#!/usr/bin/env bash\ntouch ${JSON.stringify(join(repo.dir, 'registry'))}\nexit 1\n`,
    );
    chmodSync(join(repo.gh.bin, tool), 0o755);
  }
  env = { GITHUB_ENV: join(repo.dir, '.out-env'), GITHUB_OUTPUT: join(repo.dir, '.out-output') };
  writeFileSync(env.GITHUB_ENV as string, '');
});

afterAll(() => repo.close());

describe('plan.sh on a pull request', () => {
  let ran: ReturnType<ActionRepo['run']>;
  // A dozen plans, each a rescind process: more than the default hook time on a busy machine.
  beforeAll(() => {
    ran = repo.run('plan.sh', { ...env, BASE_REF: base });
  }, 120_000);

  it('plans every plan the pull request adds, whatever its kind looks like and its path holds', () => {
    for (const [path, name] of plans) {
      const comment = readFileSync(join(repo.dir, '.rescind-pr/plans', `${name}.md`), 'utf8');
      expect(comment, path).toMatch(/^### rescind plan retire-issuing-ca-2024 \(SEC-2040\)\n/);
      const saved = loadSavedPlan(join(repo.dir, '.rescind-pr/plans', `${name}.json`), 'saved.json');
      expect(saved.plan?.inputs[0]?.file, path).toBe(path);
    }
    expect(ran.code).toBe(1); // the broken files
  });

  it('plans nothing that is not a plan, nor the plans the pull request leaves alone', () => {
    expect(existsSync(join(repo.dir, '.rescind-pr/plans/plans__house-policy.yaml.md'))).toBe(false);
    expect(existsSync(join(repo.dir, '.rescind-pr/plans/plans__unchanged.yaml.md'))).toBe(false);
  });

  it('gives two files two names, lists them in the index, and runs nothing their names say', () => {
    const index = readFileSync(join(repo.dir, '.rescind-pr/plans/index.txt'), 'utf8')
      .split('\n')
      .slice(1, -1);
    expect(new Set(index).size).toBe(index.length);
    for (const [path, name] of plans) expect(index, path).toContain(name);
    expect(existsSync(join(repo.dir, 'pwned'))).toBe(false);
    expect(readFileSync(env.GITHUB_ENV as string, 'utf8')).toBe('');
    expect(existsSync(join(repo.dir, 'registry'))).toBe(false);
  });

  it('writes its outputs as names, so that a file name cannot set an output', () => {
    const lines = readFileSync(env.GITHUB_OUTPUT as string, 'utf8').split('\n');
    expect(lines.filter((l) => l.startsWith('status='))).toEqual(['status=1']);
    expect(lines.slice(2)).toEqual(['']);
    expect(lines[1]).toMatch(/^plans=[A-Za-z0-9._~ -]+$/);
  });

  it('shows an error in a fence that the text of the error cannot close, under the path as code', () => {
    const comment = readFileSync(
      join(repo.dir, '.rescind-pr/plans/plans__broken_60_60_60x_3C__details_3E.yaml.md'),
      'utf8',
    );
    const [heading, blank, open, ...rest] = comment.split('\n');
    expect(heading).toBe('### rescind plan ````plans/broken```x</details>.yaml````: error');
    expect(blank).toBe('');
    expect(open).toBe('````text');
    expect(rest.slice(-2)).toEqual(['````', '']);
    const inside = rest.slice(0, -2);
    expect(inside.join('\n')).toContain('plans/broken```x</details>.yaml:');
    for (const line of inside) expect(line).not.toMatch(/^ {0,3}````/);
    // A line break in a path is shown, not obeyed.
    const nl = readFileSync(join(repo.dir, '.rescind-pr/plans/plans__nl_0Astatus_3D0.yaml.md'), 'utf8');
    expect(nl.split('\n')[0]).toBe('### rescind plan `plans/nl\\u000astatus=0.yaml`: error');
  });
});

describe('plan.sh with hostile settings', () => {
  it('takes a base that is not a commit as an error, never as an option or a command', () => {
    for (const value of ['--output=pwned', '$(touch pwned)', ...hostile]) {
      const ran = repo.run('plan.sh', { ...env, BASE_REF: value, OUT: '.out-hostile' });
      expect(ran.code, value).toBe(1);
      expect(ran.stderr, value).toContain('rescind: the base commit is not in the checkout');
    }
    expect(existsSync(join(repo.dir, 'pwned'))).toBe(false);
    expect(readFileSync(env.GITHUB_ENV as string, 'utf8')).toBe('');
  }, 60_000);

  it('takes every other setting of the scripts as data', () => {
    // One value with every kind of shell syntax of the names above.
    for (const value of [hostile.join(' ')]) {
      for (const [script, name] of [
        ['plan.sh', 'PLANS'],
        ['plan.sh', 'CONFIG'],
        ['plan.sh', 'POLICIES'],
        ['drift.sh', 'PLANS'],
        ['drift.sh', 'CONFIG'],
      ] as const) {
        const settings = { ...env, PLANS: 'plans/quoted.yaml', OUT: '.out-hostile', [name]: value };
        expect(repo.run(script, settings).code, `${script} ${name}=${value}`).toBe(1);
      }
    }
    expect(existsSync(join(repo.dir, 'pwned'))).toBe(false);
    expect(readFileSync(env.GITHUB_ENV as string, 'utf8')).toBe('');
  }, 60_000);
});

describe('drift.sh', () => {
  it('finds the same plans as plan.sh: every one whose access is back is named', () => {
    const summary = join(repo.dir, '.out-summary');
    const ran = repo.run('drift.sh', {
      PLANS: 'plans/café plans/team plans/quoted.yaml',
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(2);
    const text = readFileSync(summary, 'utf8');
    expect(text.match(/^### Access came back: .*$/gm)).toEqual([
      '### Access came back: `plans/café/ünï.yaml`',
      '### Access came back: `plans/quoted.yaml`',
      '### Access came back: `plans/team/ca.yaml`',
    ]);
  }, 60_000);

  it('finds plans by their kind, not by how it is written, and skips a policy', () => {
    const summary = join(repo.dir, '.out-summary-all');
    // The plans whose kind a grep would miss, and one whose path is shell syntax, in a folder of copies.
    const some = plans.filter(([path]) => /quoted|single|commented|with space|touch/.test(path));
    for (const [path, , text] of some) repo.write(`drift/${path}`, text);
    repo.write('drift/plans/house-policy.yaml', policy);
    const ran = repo.run('drift.sh', { PLANS: 'drift', GITHUB_STEP_SUMMARY: summary });
    expect(ran.code).toBe(2);
    const named = readFileSync(summary, 'utf8').match(/^### Access came back: .*$/gm) ?? [];
    expect(named).toHaveLength(some.length);
    for (const [path] of some) expect(named.join('\n')).toContain(`drift/${path}`);
    expect(existsSync(join(repo.dir, 'pwned'))).toBe(false);
    expect(existsSync(join(repo.dir, 'registry'))).toBe(false);
  }, 60_000);

  it('fails on a plan a policy blocks, instead of taking it for a plan that stays revoked', () => {
    repo.write(
      'deny.yaml',
      'apiVersion: rescind/v1\nkind: Policy\nmetadata: {name: freeze}\nspec:\n  rules:\n    - {name: no-ca, effect: deny, match: {types: [huaweicloud.ccm.subordinate-ca]}}\n',
    );
    repo.write(
      'deny.config.yaml',
      `${readFileSync(join(repo.dir, 'rescind.config.yaml'), 'utf8')}policies: [deny.yaml]\n`,
    );
    const summary = join(repo.dir, '.out-summary-blocked');
    const ran = repo.run('drift.sh', {
      PLANS: 'plans/quoted.yaml',
      CONFIG: 'deny.config.yaml',
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(ran.code).toBe(1);
    expect(readFileSync(summary, 'utf8')).toMatch(
      /^### rescind plan blocked by a policy: `plans\/quoted\.yaml`\n\n```text\n[\s\S]*freeze\/no-ca/,
    );
  });
});
