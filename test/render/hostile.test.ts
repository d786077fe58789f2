// Hostile text in every field a comment shows, through the plan's and the run's Markdown, read back by
// a CommonMark parser with GitHub's extensions: the comment keeps the structure the renderer meant (its
// fold, headings, tables, lists and the one diff block), with no link, image, mention or reference
// and no control or bidirectional character, and stays under the comment limit. The inputs are the
// checked-in saved plan and report of the golden renders, and a hostile pair made once from them
// (hostile-plan/plan.json, hostile-run/report.json: inputs, not snapshots) whose renders are golden.

import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { jsonText } from '../../src/diagnostics/diagnostic.js';
import type { SavedPlan } from '../../src/plan/model.js';
import type { ApplyReport } from '../../src/plan/run.js';
import { visibleMarkdown } from '../../src/render/markdown-text.js';
import { MAX_MARKDOWN, renderPlanMarkdown } from '../../src/render/plan/markdown.js';
import { renderPlanText } from '../../src/render/plan/text.js';
import { renderRunMarkdown } from '../../src/render/run/markdown.js';
import { renderRunText } from '../../src/render/run/text.js';
import { validateData } from '../../src/schema/schemas.js';
import { HOSTILE_SHORT, structureOf } from '../helpers/markdown.js';
import { repoRoot } from '../helpers/paths.js';

const golden = (path: string) => `${repoRoot}/test/golden/render/${path}`;
const read = <T>(path: string): T => JSON.parse(readFileSync(golden(path), 'utf8')) as T;
const plan = read<SavedPlan>('every-state/plan.json');
const report = read<ApplyReport>('run/report.json');

// A field of a document by its path, and where the value goes: the field's value, a string in a
// cloud's record (shown inside its JSON in the diff block), or a new key of the record at the path.
type Field = readonly [name: string, path: readonly (string | number)[], kind?: 'record' | 'key'];

// Every field of a saved plan that its comment shows (of a plan of two targets, below). The owner
// and the labels are not shown.
const planFields: readonly Field[] = [
  ['the name', ['plan', 'name']],
  ['the ticket', ['plan', 'ticket']],
  ['the reason', ['plan', 'reason']],
  ['the plan file', ['plan', 'file']],
  ['the time it was made', ['createdAt']],
  ['a selector id', ['selectors', 0, 'id']],
  ['a selector account', ['selectors', 0, 'account']],
  ['a policy name', ['policies', 0, 'policy']],
  ['a rule name', ['policies', 0, 'rule']],
  ['a policy file', ['policies', 0, 'source']],
  ['a policy message', ['policies', 0, 'message']],
  ['a deny in the blocked line', ['policies', 1, 'policy']],
  ['a target address', ['targets', 0, 'address']],
  ['a target type', ['targets', 0, 'type']],
  ['a revocation id', ['targets', 1, 'ids', 0]],
  ['a record string before', ['targets', 0, 'before', 'record', 'issuer_name'], 'record'],
  ['a record string after', ['targets', 0, 'after', 'issuer_name'], 'record'],
  ['a record key', ['targets', 1, 'before', 'record'], 'key'],
];

// Every field of a run's report that its comment shows. The callers are not shown.
const runFields: readonly Field[] = [
  ['the name', ['plan', 'name']],
  ['the ticket', ['plan', 'ticket']],
  ['the plan file', ['plan', 'file']],
  ['the digest', ['plan', 'digest']],
  ['the run id', ['runId']],
  ['the start time', ['startedAt']],
  ['a target address', ['targets', 4, 'address']],
  ['a target type', ['targets', 4, 'type']],
  ['a revocation id', ['targets', 4, 'ids', 0]],
  ['a request id', ['targets', 4, 'requestId']],
  ['an error', ['targets', 4, 'errors', 0]],
  ['the address of an interrupted target', ['targets', 6, 'address']],
];

function at<T>(list: readonly T[], i: number): T {
  const item = list[i];
  if (item === undefined) throw new Error(`no item ${i}`);
  return item;
}

// A copy of doc with value put where field says.
function withValue<T>(doc: T, [, path, kind]: Field, value: string): T {
  const copy = structuredClone(doc);
  let node: unknown = copy;
  const last = kind === 'key' ? value : path[path.length - 1];
  for (const step of kind === 'key' ? path : path.slice(0, -1)) {
    node = (node as Record<string | number, unknown>)[step];
    if (typeof node !== 'object' || node === null) throw new Error(`no object at ${path.join('.')}`);
  }
  if (last === undefined) throw new Error('an empty path');
  (node as Record<string | number, unknown>)[last] = kind === 'key' ? 'x' : value;
  return copy;
}

// How a value shows once rendered: as text, or inside a record's JSON.
function shows([, , kind]: Field, value: string): string {
  const text = kind === undefined ? value : jsonText(JSON.stringify(value)).slice(1, -1);
  return visibleMarkdown(text).replace(/\s+/g, ' ').trim();
}

// Raw characters that no comment may hold: controls but the line break, bidirectional and invisible ones.
const RAW =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these characters are what is looked for
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\u{e0000}-\u{e007f}]/u;

function check<T>(doc: T, render: (d: T) => string, field: Field): void {
  const meant = structureOf(render(withValue(doc, field, 'plain'))).tags;
  for (const value of HOSTILE_SHORT) {
    const label = JSON.stringify(value);
    const md = render(withValue(doc, field, value));
    expect(md.length, label).toBeLessThanOrEqual(MAX_MARKDOWN);
    expect(md, label).not.toMatch(RAW);
    const s = structureOf(md);
    expect(s.tags, label).toEqual(meant);
    expect(s.prose, label).not.toMatch(/@|#\d|gh-\d|:\/\/|www\./i);
    expect(s.text, label).toContain(shows(field, value));
  }
}

describe("hostile text in a plan's comment", () => {
  // Two targets of the plan, a CA whose record changes and a KMS grant that is removed, are enough
  // to reach every field, and keep the parser's work small.
  const two = { ...plan, targets: [at(plan.targets, 1), at(plan.targets, 4)] };
  for (const field of planFields) {
    it(`in ${field[0]} keeps the comment as meant`, () => check(two, renderPlanMarkdown, field));
  }
});

describe("hostile text in a run's comment", () => {
  for (const field of runFields) {
    it(`in ${field[0]} keeps the comment as meant`, () => check(report, renderRunMarkdown, field));
  }
});

describe('the hostile plan and run (golden)', () => {
  const hostilePlan = read<SavedPlan>('hostile-plan/plan.json');
  const hostileRun = read<ApplyReport>('hostile-run/report.json');

  it('are documents their schemas accept', () => {
    expect(validateData('SavedPlan', hostilePlan)).toEqual([]);
    const schema = JSON.parse(readFileSync(`${repoRoot}/schemas/apply-report.schema.json`, 'utf8'));
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    expect(validate(hostileRun), JSON.stringify(validate.errors)).toBe(true);
  });

  it("render the plan's comment with the structure of the ordinary plan", async () => {
    const md = renderPlanMarkdown(hostilePlan);
    await expect(md).toMatchFileSnapshot('../golden/render/hostile-plan/markdown.md');
    expect(md).not.toMatch(RAW);
    const s = structureOf(md);
    expect(s.tags).toEqual(structureOf(renderPlanMarkdown(plan)).tags);
    expect(s.tags).toMatchObject({ details: 1, '/details': 1, pre: 1, h3: 1 });
    expect(s.tags.a).toBeUndefined();
    expect(s.tags.img).toBeUndefined();
    expect(s.prose).not.toMatch(/@|#\d|:\/\//);
  });

  it("render the run's comment with the structure of the ordinary run", async () => {
    const md = renderRunMarkdown(hostileRun);
    await expect(md).toMatchFileSnapshot('../golden/render/hostile-run/markdown.md');
    expect(md).not.toMatch(RAW);
    const s = structureOf(md);
    expect(s.tags).toEqual(structureOf(renderRunMarkdown(report)).tags);
    expect(s.prose).not.toMatch(/@|#\d|:\/\//);
  });

  it('render as text with no control or bidirectional character (golden)', async () => {
    const planText = renderPlanText(hostilePlan);
    const runText = renderRunText(hostileRun);
    await expect(planText).toMatchFileSnapshot('../golden/render/hostile-plan/text.txt');
    await expect(runText).toMatchFileSnapshot('../golden/render/hostile-run/text.txt');
    // visibleText's set: the characters that move the cursor, recolour or reorder a terminal's line.
    const terminal =
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these characters are what is looked for
      /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
    expect(planText).not.toMatch(terminal);
    expect(runText).not.toMatch(terminal);
  });
});

describe('the comment limit', () => {
  it('holds when escaping makes every text several times longer', () => {
    const first = at(plan.targets, 1);
    const long = (c: string) => c.repeat(3000);
    const crowded: SavedPlan = {
      ...plan,
      plan: { ...plan.plan, ticket: long('<'), reason: long('&').slice(0, 1024) },
      targets: Array.from({ length: 400 }, (_, i) => ({ ...first, address: `${long('`')}${i}${long('~')}` })),
      policies: Array.from({ length: 40 }, (_, i) => ({
        ...at(plan.policies, 0),
        rule: `${i}${long('*')}`,
        message: long('\u202e'),
      })),
    };
    const md = renderPlanMarkdown(crowded);
    expect(md.length).toBeLessThanOrEqual(MAX_MARKDOWN);
    expect(structureOf(md).tags).toMatchObject({ details: 1, '/details': 1, pre: 1, '/pre': 1, h3: 1 });
    expect(md).toMatch(/_The plan is too long for a comment: \d+ of 400 targets are shown\./);

    const failed = at(report.targets, 4);
    const run: ApplyReport = {
      ...report,
      plan: { ...report.plan, ticket: long('&') },
      targets: Array.from({ length: 400 }, () => ({ ...failed, errors: [long('<'), long('\u0085')] })),
    };
    const runMd = renderRunMarkdown(run);
    expect(runMd.length).toBeLessThanOrEqual(MAX_MARKDOWN);
    expect(structureOf(runMd).tags).toMatchObject({ details: 1, '/details': 1, h3: 1 });
    expect(runMd).toMatch(/- and \d+ more; `rescind show 20261130T101500Z-3f9a1c --format json` lists all/);
  });
});
