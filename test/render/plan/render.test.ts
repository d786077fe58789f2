// Every renderer of the plan model, over one checked-in plan (test/golden/render/every-state/plan.json)
// that holds every action state, a selector that matches nothing, a target reached twice and policy
// denies: golden files, reviewed as diffs (vitest -u refreshes them). The JSON is held to
// schemas/saved-plan.schema.json. test/integration/planner.test.ts keeps that plan what the planner
// makes of test/fixtures/plans/plan/every-state.yaml.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { digestOf, type SavedPlan } from '../../../src/plan/model.js';
import { renderPlanJson } from '../../../src/render/plan/json.js';
import { MAX_MARKDOWN, renderPlanMarkdown } from '../../../src/render/plan/markdown.js';
import { renderPlanText } from '../../../src/render/plan/text.js';
import { ansi } from '../../../src/render/style.js';
import { validateData } from '../../../src/schema/schemas.js';
import { repoRoot } from '../../helpers/paths.js';

const PLAN = join(repoRoot, 'test/golden/render/every-state/plan.json');
const plan = JSON.parse(readFileSync(PLAN, 'utf8')) as SavedPlan;

describe('the plan of every state', () => {
  it('holds every action state, once per target', () => {
    expect(plan.summary).toEqual({ revoke: 3, alreadyRevoked: 1, notObservable: 1, blocked: 2, missing: 1 });
    const twice = plan.targets.find((t) => t.ids.length > 1);
    expect(twice?.ids).toEqual(['old-ci-a', 'old-ci-grants']);
    expect(plan.selectors.find((s) => s.id === 'nobody-grants')?.matched).toBe(0);
    expect(plan.policies.map((p) => [p.effect, `${p.policy}/${p.rule}`])).toEqual([
      ['warn', 'review/kms-review'],
      ['deny', 'builtin/never-revoke-self'],
      ['deny', 'builtin/never-revoke-root'],
    ]);
  });

  it('renders as text (golden)', async () => {
    await expect(renderPlanText(plan)).toMatchFileSnapshot('../../golden/render/every-state/text.txt');
  });

  it('renders as markdown (golden)', async () => {
    await expect(renderPlanMarkdown(plan)).toMatchFileSnapshot('../../golden/render/every-state/markdown.md');
  });

  it('renders as json byte for byte as it was saved, valid against the saved-plan schema, sealed', () => {
    const json = renderPlanJson(plan);
    expect(json).toBe(readFileSync(PLAN, 'utf8'));
    const parsed = JSON.parse(json) as SavedPlan;
    expect(validateData('SavedPlan', parsed)).toEqual([]);
    expect(parsed.digest).toBe(digestOf(parsed));
  });

  it('colours the text only when asked', () => {
    expect(renderPlanText(plan)).not.toContain('\x1b[');
    expect(renderPlanText(plan, ansi)).toContain('\x1b[1;31m-\x1b[0m');
  });
});

describe('markdown for pull requests', () => {
  it('stays under the comment limit, and says how to get what it left out', () => {
    const many = {
      ...plan,
      targets: Array.from({ length: 2000 }, (_, i) => ({
        ...plan.targets[1],
        address: `${plan.targets[1]?.address}-${i}`,
      })),
    } as SavedPlan;
    const md = renderPlanMarkdown(many);
    expect(md.length).toBeLessThanOrEqual(MAX_MARKDOWN);
    expect(md).toMatch(
      /_The plan is too long for a comment: \d+ of 2000 targets are shown\. `rescind show PLAN.json --format json` prints all of it\._/,
    );
    expect(md).toContain('</details>');
  });

  it('bounds what surrounds the diff: selectors, policy rows, denies and long text', () => {
    const deny = plan.policies.find((p) => p.effect === 'deny');
    const selector = plan.selectors[0];
    if (deny === undefined || selector === undefined) throw new Error('no deny or selector');
    const crowded = {
      ...plan,
      plan: { ...plan.plan, reason: 'r'.repeat(900_000), file: `${'d/'.repeat(50_000)}plan.yaml` },
      selectors: Array.from({ length: 5000 }, (_, i) => ({ ...selector, id: `s${i}`.padEnd(64, 'x') })),
      policies: Array.from({ length: 5000 }, (_, i) => ({
        ...deny,
        rule: `r${i}`,
        message: 'm'.repeat(512),
      })),
    } as SavedPlan;
    const md = renderPlanMarkdown(crowded);
    expect(md.length).toBeLessThanOrEqual(MAX_MARKDOWN);
    expect(md).toMatch(/^### rescind plan every-state/);
    expect(md).toContain('_The plan is too long for a comment: 0 of 8 targets are shown.');
    // Without the unbounded reason, the lists are cut and the diff still fits.
    const lists = renderPlanMarkdown({ ...crowded, plan: plan.plan } as SavedPlan);
    expect(lists.length).toBeLessThanOrEqual(MAX_MARKDOWN);
    expect(lists).toContain('- and 4970 more selectors');
    expect(lists).toContain('| | and 4970 more rules | | | |');
    expect(lists).toMatch(/Blocked\*\* by 5000 policy rules: .* and 4990 more\./);
    expect(lists).toContain('```diff');
    expect(lists).not.toContain('too long for a comment');
  });

  it('lets no plan text open HTML or close the fold, nor a record close the diff block', () => {
    const first = plan.targets[1];
    if (first === undefined) throw new Error('no target');
    const hostile = {
      ...plan,
      plan: { ...plan.plan, reason: '</details><script>alert(1)</script>' },
      targets: [{ ...first, before: { ...first.before, record: { note: '```\n</details>' } } }],
    } as SavedPlan;
    const md = renderPlanMarkdown(hostile);
    expect(md).toContain('&lt;/details&gt;&lt;script&gt;');
    expect(md).toContain('````diff');
    // Outside the code block (where nothing is HTML), the fold closes once.
    const outside = md.replace(/````diff[\s\S]*?\n````\n/g, '');
    expect(outside.match(/<\/details>/g)).toHaveLength(1);
  });
});
