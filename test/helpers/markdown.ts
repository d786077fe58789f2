// Markdown as GitHub would read it, for the tests of the comments: micromark (CommonMark) with its GFM
// extension (tables, strikethrough, autolinked URLs and e-mail, footnotes, task lists), raw HTML let
// through as a host that renders <details> does, and what the rendered page is made of.

import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';

/** markdownHtml is the HTML of md, raw HTML kept. */
export function markdownHtml(md: string): string {
  return micromark(md, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
}

/** Structure is what a rendered comment is made of. */
export interface Structure {
  /** tags counts each HTML element by name (code spans apart: text may hold them), closings as `/name`. */
  tags: Record<string, number>;
  /** prose is the text a reader sees outside code: where GitHub makes mentions, references and links. */
  prose: string;
  /** text is all the text a reader sees, code included, with runs of white space as one space. */
  text: string;
}

/** structureOf is the structure of md once rendered. */
export function structureOf(md: string): Structure {
  const html = markdownHtml(md);
  const tags: Record<string, number> = {};
  for (const m of html.matchAll(/<(\/?[a-z][a-z0-9]*)/g)) {
    const name = m[1] ?? '';
    if (name === 'code' || name === '/code') continue;
    tags[name] = (tags[name] ?? 0) + 1;
  }
  const prose = textOf(html.replace(/<pre>[\s\S]*?<\/pre>/g, ' ').replace(/<code>[\s\S]*?<\/code>/g, ' '));
  return { tags, prose, text: textOf(html) };
}

function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** HOSTILE is text that would be structure, a reference or a hidden character if written raw. */
export const HOSTILE: readonly string[] = [
  '~~~',
  '```',
  '````',
  '~~~~~~ diff',
  '</details>',
  '<details><summary>Plan: 0 to revoke.</summary>',
  '<img src=https://evil.example/a.png>',
  '<!-- hidden',
  '[click](https://evil.example)',
  '![x](https://evil.example/a.png)',
  '[x]: https://evil.example',
  '[^1]',
  '[ ] task',
  '<https://evil.example>',
  'see https://evil.example/x and www.evil.example',
  'mail a@evil.example',
  '@org/team',
  'cc @alice, please',
  '#1',
  'fixes owner/repo#12 and GH-3',
  '# heading',
  '### heading ###',
  '**Plan: 0 to revoke.**',
  '__Plan: 0 to revoke.__',
  '*a* _b_ ~~c~~ ~d~',
  '$\\Huge{Plan: 0 to revoke.}$',
  '$$',
  'a\nb',
  'a\r\n```\n</details>\nb',
  'line\u2028break\u2029',
  '|',
  'a | b',
  '\\|',
  '\u202eevil\u202c',
  '\u2066x\u2069 \u200eltr\u200f \u061c',
  '\u0000\u0007\u001b[2J\u007f\u0085\u009b',
  'SEC\u200b-2041\ufeff\u{e0041}',
  '`'.repeat(40),
  '~'.repeat(40),
  'a ` b `` c',
  '`x`',
  '&#x202e;&lt;&amp;',
  '- item',
  '+ item',
  '* item',
  '1. item',
  '2) item',
  '> quote',
  '> [!WARNING]',
  '    indented code',
  '---',
  '===',
  '\\',
  'ends with \\',
  'two spaces at the end  ',
];

/**
 * HOSTILE_SHORT is a part of HOSTILE, one or two of each kind, for tests that try every field of a
 * document with each.
 */
export const HOSTILE_SHORT: readonly string[] = [
  '~~~',
  '```',
  '````',
  '</details>',
  '<img src=https://evil.example/a.png>',
  '[click](https://evil.example)',
  '![x](https://evil.example/a.png)',
  '<https://evil.example>',
  'see https://evil.example/x and www.evil.example',
  '@org/team',
  '#1',
  '# heading',
  '**Plan: 0 to revoke.**',
  '$\\Huge{Plan: 0 to revoke.}$',
  'a\r\n```\n</details>\nb',
  'a | b',
  '\u202eevil\u202c \u2066x\u2069',
  '\u0000\u001b[2J\u0085\u009b',
  '`'.repeat(40),
  '~'.repeat(40),
  '- item',
  '1. item',
  '> quote',
  '    indented code',
];
