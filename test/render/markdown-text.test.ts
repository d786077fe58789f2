// The one way free text reaches a Markdown comment, read back by a CommonMark parser with GitHub's
// extensions: in every place a renderer puts it (a paragraph, a heading, a list item, a table cell,
// bold), hostile text stays one run of text that shows its own characters.

import { describe, expect, it } from 'vitest';
import {
  cellName,
  codeSpan,
  fenceFor,
  inlineText,
  longestRun,
  visibleMarkdown,
} from '../../src/render/markdown-text.js';
import { HOSTILE, markdownHtml, structureOf } from '../helpers/markdown.js';

// The rendered text of a value: its visible form, white space runs as one space.
const shown = (v: string) => visibleMarkdown(v).replace(/\s+/g, ' ').trim();

// Nothing GitHub would turn into a mention, a reference or a link after Markdown.
function expectNoReferences(prose: string, value: string): void {
  expect(prose, value).not.toMatch(/@|#\d|gh-\d|:\/\/|www\./i);
}

describe('inlineText', () => {
  const places: readonly (readonly [string, (t: string) => string, Record<string, number>])[] = [
    ['a paragraph', (t) => `${t} (made from here)`, { p: 1, '/p': 1 }],
    ['a heading', (t) => `### rescind plan x (${t})`, { h3: 1, '/h3': 1 }],
    ['bold', (t) => `**${t}**`, { p: 1, '/p': 1, strong: 1, '/strong': 1 }],
    ['a list item', (t) => `- ${t}\n  - ${t}`, { ul: 2, '/ul': 2, li: 2, '/li': 2 }],
    [
      'a table cell',
      (t) => `| a | b |\n|---|---|\n| ${t} | ${t} |`,
      { table: 1, '/table': 1, thead: 1, '/thead': 1, tbody: 1, '/tbody': 1, tr: 2, '/tr': 2 },
    ],
  ];

  it.each(places)('keeps hostile text one run of text in %s', (_, place, tags) => {
    for (const value of HOSTILE) {
      const s = structureOf(place(inlineText(value)));
      const expected = { ...tags };
      if (tags.table !== undefined) Object.assign(expected, { th: 2, '/th': 2, td: 2, '/td': 2 });
      expect(s.tags, JSON.stringify(value)).toEqual(expected);
      expect(s.text, JSON.stringify(value)).toContain(shown(value));
      expectNoReferences(s.prose, value);
    }
  });

  it('leaves ordinary text as it is', () => {
    for (const text of [
      'Every state a plan can show, for the golden renders',
      'rescind plan offboard-alice (SEC-2041)',
      'Plan: 3 to revoke, 1 already revoked, 1 not observable, 2 blocked, 1 missing.',
      'hw-prod/kms/0d0466b0-e727-4d9c-b35d-f84bb474a37f/grant/1111 (huaweicloud.kms.grant, from alice-kms)',
      'KMS grants of a CI system: tell the CI owners',
      "rescind never revokes an account's root",
    ]) {
      expect(inlineText(text)).toBe(text);
    }
  });

  it('puts what GitHub would link into code, where it is shown as written', () => {
    expect(inlineText('cc @org/team on #1')).toBe('cc `@org/team` on `#1`');
    expect(inlineText('see https://x.example/`a`')).toBe('see `` https://x.example/`a` ``');
    expect(markdownHtml(inlineText('a|@b'))).toBe('<p>a|<code>@b</code></p>');
  });

  it('counts its escapes in max, and never cuts one', () => {
    for (const [value, max] of [
      ['&'.repeat(1000), 200],
      ['<'.repeat(1000), 7],
      ['@x '.repeat(500), 100],
      ['\u202e'.repeat(1000), 30],
      [`${'a'.repeat(199)}\u{1f600}`, 200],
    ] as const) {
      const out = inlineText(value, max);
      expect(out.length, value.slice(0, 9)).toBeLessThanOrEqual(max);
      expect(out.endsWith('…')).toBe(true);
      expect(out.slice(0, -1)).not.toMatch(/&[a-z]{0,3}$|\\$|\\u[0-9a-f]{0,3}$|[\ud800-\udbff]$/);
      expect(structureOf(`| a |\n|---|\n| ${out} |`).tags.td).toBe(1);
    }
    expect(inlineText('short', 200)).toBe('short');
  });
});

describe('codeSpan', () => {
  it('shows any text as written, backticks and spaces included', () => {
    for (const value of [
      'plans/a.yaml',
      '`',
      '``x``',
      'a ` b `` c',
      ' x ',
      '`'.repeat(30),
      '</details> @a #1',
    ]) {
      const html = markdownHtml(`made from ${codeSpan(value)} at noon`);
      expect(html.match(/<code>/g), value).toHaveLength(1);
      expect(structureOf(html).text, value).toContain(value.replace(/\s+/g, ' ').trim());
    }
    expect(codeSpan('a\nb\u202e')).toBe('`a\\nb\\u202e`');
  });
});

describe('cellName', () => {
  it('is a code span for a plain name and escaped text otherwise', () => {
    expect(cellName('huaweicloud.kms.grant', 200)).toBe('`huaweicloud.kms.grant`');
    expect(cellName('a|b', 200)).toBe('a\\|b');
    expect(cellName('x'.repeat(300), 200)).toHaveLength(200);
  });
});

describe('fenceFor', () => {
  it('makes a fence that no line of the content can close', () => {
    for (const content of HOSTILE) {
      const body = visibleMarkdown(content);
      const fence = fenceFor(body);
      const s = structureOf(`${fence}diff\n${body}\n${fence}\n\nafter`);
      expect(s.tags, content).toEqual({ pre: 1, '/pre': 1, p: 1, '/p': 1 });
      expect(fence.length).toBe(Math.max(3, longestRun(body, '`') + 1));
    }
  });
});
