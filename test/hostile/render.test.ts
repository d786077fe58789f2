// Saved plans whose text or records are huge, rendered in every format: what is shown stays bounded,
// and so does the work behind it. A policy message is escaped only as far as it is shown; a record
// diff is bounded by its size and by the lines it changes, past which the target says it is not
// diffed; the comment stops diffing targets once it is full. A regression to quadratic work makes
// these cases run for minutes, past the test's timeout. Times are measured by `npm run bench`, not here.

import { describe, expect, it } from 'vitest';
import type { PlannedTarget, SavedPlan } from '../../src/plan/model.js';
import { MAX_MARKDOWN, renderPlanMarkdown } from '../../src/render/plan/markdown.js';
import { renderPlanText } from '../../src/render/plan/text.js';
import { diffLines, MAX_DIFF_EDITS, MAX_DIFF_LINES } from '../../src/render/plan/view.js';

function savedPlan(parts: Partial<SavedPlan>): SavedPlan {
  return {
    apiVersion: 'rescind/v1',
    kind: 'SavedPlan',
    formatVersion: '2',
    rescindVersion: '0.0.0',
    createdAt: '2026-01-01T00:00:00Z',
    plan: { file: 'plan.yaml', name: 'huge', reason: 'test' },
    inputs: [],
    accounts: {},
    selectors: [],
    targets: [],
    policies: [],
    summary: { revoke: 0, alreadyRevoked: 0, notObservable: 0, blocked: 0, missing: 0 },
    digest: 'sha256:0',
    ...parts,
  };
}

function target(i: number, before: unknown, after: unknown): PlannedTarget {
  return {
    address: `ack/c${i}/user/u1`,
    type: 'alibabacloud.ack.user-permissions',
    account: 'ali-prod',
    ids: ['offboard'],
    target: {},
    with: {},
    action: 'revoke',
    before: { state: 'active', record: before },
    after,
    fingerprint: '',
  };
}

// An ACK-like record of n kubeconfig states, and the record once every one of them is removed.
function ackRecord(n: number): { before: unknown; after: unknown } {
  const states = Array.from({ length: n }, (_, i) => ({
    cluster_id: 'c1',
    cert_state: 'Unexpired',
    cert_expire_time: `2027-01-01T00:00:${i}Z`,
  }));
  return {
    before: { cluster_id: 'c1', states, permissions: [{ role_name: 'admin' }] },
    after: {
      cluster_id: 'c1',
      states: states.map((s) => ({ ...s, cert_state: 'Removed' })),
      permissions: [],
    },
  };
}

describe('a policy message of 1,000,000 spaces', () => {
  const message = `${' '.repeat(1_000_000)}x`;
  const plan = savedPlan({
    policies: [{ source: 'builtin', policy: 'review', rule: 'spaces', effect: 'warn', message, targets: [] }],
  });

  it('is one clipped cell of the comment', () => {
    const md = renderPlanMarkdown(plan);
    expect(md.length).toBeLessThanOrEqual(MAX_MARKDOWN);
    const row = md.split('\n').find((line) => line.startsWith('| warn |'));
    expect(row).toBeDefined();
    expect(row?.length).toBeLessThan(300);
    // The first space is &#32;, which no line can start a code block with.
    expect(row).toContain(`| &#32;${' '.repeat(194)}… |`);
  });

  it('is one line of the text, as long as the message', () => {
    const text = renderPlanText(plan);
    const line = text.split('\n').find((l) => l.startsWith('  warn review/spaces'));
    expect(line?.length).toBe('  warn review/spaces [built in]: '.length + message.length);
  });

  it('is escaped as far as it is shown: pipes, line breaks and HTML in a long message', () => {
    const hostile = savedPlan({
      policies: [
        {
          source: 'builtin',
          policy: 'review',
          rule: 'mixed',
          effect: 'warn',
          message: `a|b\n<c>&${'|\n'.repeat(500_000)}`,
          targets: [],
        },
      ],
    });
    const row = renderPlanMarkdown(hostile)
      .split('\n')
      .find((line) => line.startsWith('| warn |'));
    expect(row).toMatch(
      /^\| warn \| review\/mixed \| built in \| a\\\|b\\n&lt;c&gt;&amp;(\\\|\\n)+(\\\|)?… \| 0 \|$/,
    );
    expect(row?.length).toBeLessThan(300);
  });
});

describe('a record of 20,000 kubeconfig states that revoking changes all of', () => {
  const { before, after } = ackRecord(20_000);
  const plan = savedPlan({
    targets: [target(0, before, after)],
    summary: { revoke: 1, alreadyRevoked: 0, notObservable: 0, blocked: 0, missing: 0 },
  });
  const notDiffed =
    /^@@ active -> revoked @@ not diffed: the record is too large \(\d+ lines, \d+ characters before; \d+ lines, \d+ characters after\); --format json shows it in full$/;

  it('is not diffed: its target says so, with the record size, and nothing more', () => {
    const lines = diffLines(plan.targets[0] as PlannedTarget);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(notDiffed);
    expect(lines[0]).toContain('(100010 lines, ');
  });

  it('is one line in the text and in the comment, the same line', () => {
    const text = renderPlanText(plan);
    const md = renderPlanMarkdown(plan);
    expect(text.length).toBeLessThan(2000);
    expect(md.length).toBeLessThan(2000);
    const line = diffLines(plan.targets[0] as PlannedTarget)[0] ?? '';
    expect(text).toContain(`    ${line}\n`);
    expect(md).toContain(`\n${line}\n`);
  });

  it('is diffed in full when it is small, up to the bounds', () => {
    const small = ackRecord(100);
    const lines = diffLines(target(0, small.before, small.after));
    expect(lines.filter((l) => l.startsWith('-      "cert_state": "Unexpired"'))).toHaveLength(100);
    expect(lines.filter((l) => l.startsWith('+      "cert_state": "Removed"'))).toHaveLength(100);
    expect(lines.join('\n')).not.toContain('not diffed');
  });
});

describe('records that change more lines than are diffed', () => {
  it('changes every line: not diffed, without running the diff', () => {
    const { before, after } = ackRecord(MAX_DIFF_EDITS);
    const lines = diffLines(target(0, before, after));
    expect(lines).toEqual([
      `@@ active -> revoked @@ not diffed: more than ${MAX_DIFF_EDITS} of the record's lines are removed or added (${5 * MAX_DIFF_EDITS + 10} lines before, ${5 * MAX_DIFF_EDITS + 6} after); --format json shows it in full`,
    ]);
  });

  it('reorders its lines: the same lines on both sides, and the diff gives up at the bound', () => {
    // Every line is on both sides, so only the diff itself can find how many change.
    const states = Array.from({ length: MAX_DIFF_EDITS }, (_, i) => ({ id: `s${i}` }));
    const t = target(0, { states }, { states: [...states].reverse() });
    const lines = diffLines(t);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^@@ active -> revoked @@ not diffed: more than 1000 of the record's lines/);
  });

  it('is too large to diff at all past MAX_DIFF_LINES, however little changes', () => {
    const rows = Array.from({ length: MAX_DIFF_LINES / 2 }, (_, i) => i);
    const lines = diffLines(target(0, { rows, state: 'active' }, { rows, state: 'revoked' }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('not diffed: the record is too large');
  });
});

describe('a comment with more targets than it can show', () => {
  it('stops diffing targets once it is full', () => {
    // Each record counts the times it is made into text: a target's diff makes its record text once.
    let made = 0;
    const counted = (record: object) => ({
      toJSON: () => {
        made++;
        return record;
      },
    });
    const { before, after } = ackRecord(20);
    const targets = Array.from({ length: 5000 }, (_, i) => target(i, counted(before as object), after));
    const plan = savedPlan({
      targets,
      summary: { revoke: 5000, alreadyRevoked: 0, notObservable: 0, blocked: 0, missing: 0 },
    });
    const md = renderPlanMarkdown(plan);
    expect(md.length).toBeLessThanOrEqual(MAX_MARKDOWN);
    const shown = Number(/(\d+) of 5000 targets are shown/.exec(md)?.[1]);
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(5000);
    // The targets shown, and the one that did not fit.
    expect(made).toBe(shown + 1);
  });
});
