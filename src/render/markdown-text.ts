// How free text (a reason, a ticket, a policy's message, a cloud's record or error) goes into the
// Markdown of a pull-request comment so that it renders as exactly its characters and never as
// structure: every Markdown renderer writes such text through these functions and no other way.
//
// Who writes the text: whoever can open a pull request writes the plan and policy files; the clouds
// write the records, ids and error messages; whoever can write an artifact writes the saved plan and
// the report. None of them may add a fence, fold, heading, link, image, mention or summary line to
// the comment a reviewer reads, nor hide or reorder what it says.

import { visibleText } from '../diagnostics/diagnostic.js';

/**
 * visibleMarkdown is text made visible for any place in a comment, code included: what visibleText
 * escapes (line breaks and other C0 and C1 controls, U+2028 and U+2029, the bidirectional controls
 * that reorder text), and the characters that show as nothing, as \u escapes. A line break would
 * end the line the text belongs to, and with it the heading, list item, cell or fence line it sits
 * in. The invisible characters (the Arabic letter mark, a bidirectional mark visibleText misses;
 * zero-width spaces and joiners, the soft hyphen, the byte-order mark; the tag characters, which
 * carry hidden ASCII) would let a reviewer read something other than the bytes: a ticket that looks
 * like SEC-2041 and is not.
 */
export function visibleMarkdown(text: string): string {
  return visibleText(text).replace(HIDDEN, (c) => {
    const code = c.codePointAt(0) ?? 0;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

const HIDDEN = /[\u00ad\u061c\u180e\u200b-\u200d\u2060-\u2064\ufeff\u{e0000}-\u{e007f}]/gu;

/**
 * inlineText is text as inline Markdown that renders as its characters, on one line, anywhere a line
 * of inline content may stand: a paragraph, a heading, a list item, a table cell, inside **bold**.
 * At most max characters of Markdown: past them the text is cut, never inside an escape or a code
 * span, and ends with '…'. The length is counted after escaping, so a caller's budget holds.
 *
 * The rules, and what each one stops:
 * - A character visibleMarkdown escapes is its escape (`\n`, `\u202e`): no line break, control
 *   or invisible character (see there). Its backslash stands before a letter, where it is text.
 * - `\` becomes `\\`: a backslash of the text can escape nothing of the comment around it.
 * - `` ` `` `*` `_` `~` `[` `]` `$` get a backslash (CommonMark's escape of ASCII punctuation):
 *   no code span, emphasis that would fake a summary line such as **Plan: 0 to revoke.**,
 *   strikethrough, link, image (`![` needs a `[`), footnote or task box, and no math, which
 *   GitHub renders from `$...$` and can draw any text at any size and colour.
 * - `<` `>` `&` become `&lt;` `&gt;` `&amp;`: no HTML tag (`</details>` would close the fold,
 *   `<img>` load from anywhere), no `<https://...>` autolink, no block quote, and no character
 *   reference, which could spell a bidirectional control or a backtick that visibleMarkdown never
 *   saw.
 * - `|` becomes `\|`: a cell ends where its table says, and no line becomes a table row.
 * - A word (a run without spaces or `|`) holding `@`, `#`, `://`, `www.` or `GH-` and a digit goes
 *   into a code span: GitHub makes mentions (@org/team, which notifies), issue references (#1,
 *   GH-1, owner/repo#1) and links of bare URLs and e-mail addresses from the rendered text, after
 *   Markdown, where a backslash no longer is; it leaves code alone. `# heading` is a `#` word too.
 * - At the start, where a line's block is decided: a first `-`, `+` or `=` gets a backslash (no
 *   list item, thematic break or setext underline), so do the `.` or `)` after leading digits (no
 *   ordered list), and a first space becomes `&#32;` (four spaces would open a code block); `#`,
 *   `>`, `<`, `` ` ``, `~`, `*`, `_` and `|` are escaped anywhere already. A code span at the start
 *   cannot open a fence: its closing backticks stand on the same line, and a fence's info string
 *   holds none.
 * - A last space becomes `&#32;` too: `**text **` would not be bold, and two spaces at the end of a
 *   line are a line break.
 */
export function inlineText(text: string, max: number = Number.POSITIVE_INFINITY): string {
  // Escaping never makes text shorter, so max characters of the text are all that can be shown.
  const cut = text.length > max ? sliceWhole(text, max) : text;
  const truncated = cut.length < text.length;
  const limit = truncated ? max - 1 : max;
  let out = '';
  let first = true;
  for (const m of cut.matchAll(/[ |]|[^ |]+/g)) {
    const word = m[0];
    let pieces: string[];
    if (word === ' ') pieces = [first || m.index === cut.length - 1 ? '&#32;' : ' '];
    else if (word === '|') pieces = ['\\|'];
    else if (LINKED.test(word)) pieces = [codeSpan(word)];
    else pieces = escapeWord(word, first);
    first = false;
    for (const piece of pieces) {
      if (out.length + piece.length > limit) return `${out}…`;
      out += piece;
    }
  }
  return truncated ? `${out}…` : out;
}

// What GitHub links or references from rendered text: mentions, issue references, URLs, e-mail.
const LINKED = /[@#]|:\/\/|www\.|gh-\d/i;

const ESCAPED: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '`': '\\`',
  '*': '\\*',
  _: '\\_',
  '~': '\\~',
  '[': '\\[',
  ']': '\\]',
  $: '\\$',
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
};

// A word as the pieces it is shown by, one per character, so that a cut never splits an escape. A
// character visibleMarkdown escapes is its \u escape, whose backslash escapes nothing: a letter
// follows it.
function escapeWord(word: string, first: boolean): string[] {
  const pieces: string[] = [];
  let rest = word;
  if (first) {
    const ordered = /^\d{1,9}[.)]/.exec(word)?.[0];
    if (ordered !== undefined) {
      pieces.push(ordered.slice(0, -1), `\\${ordered.slice(-1)}`);
      rest = word.slice(ordered.length);
    } else if ('-+='.includes(word.charAt(0))) {
      pieces.push(`\\${word.charAt(0)}`);
      rest = word.slice(1);
    }
  }
  const hidden = visibleMarkdown(rest) !== rest;
  for (const c of rest) pieces.push(ESCAPED[c] ?? (hidden ? visibleMarkdown(c) : c));
  return pieces;
}

/**
 * codeSpan is text as an inline code span, shown as its characters in a monospace font: its fence
 * is one backtick longer than the longest run of backticks in the text (CommonMark closes a span
 * only at a run of the same length), with a space inside either end when the text starts or ends
 * with a backtick. Nothing in a span is Markdown, HTML, a mention or a link. Not for a table cell:
 * there a `|` ends the cell even inside a span (inlineText never puts one in its spans).
 */
export function codeSpan(text: string): string {
  const s = visibleMarkdown(text);
  if (s === '') return '';
  const fence = '`'.repeat(longestRun(s, '`') + 1);
  // CommonMark takes one space off either end of a span that has one at both and is not all spaces.
  const spaced = s.startsWith(' ') && s.endsWith(' ') && /[^ ]/.test(s);
  const pad = s.startsWith('`') || s.endsWith('`') || spaced ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

/**
 * cellName is a name in a table cell, at most max characters: a code span when it is a plain name
 * (lower-case letters, digits, dots and hyphens, as a revocation type is), else inlineText, since a
 * `|` ends a cell even inside a span.
 */
export function cellName(name: string, max: number): string {
  return name.length < max - 2 && /^[a-z0-9][a-z0-9.-]*$/.test(name) ? codeSpan(name) : inlineText(name, max);
}

/**
 * fenceFor is the backtick fence of a fenced code block around content: at least three backticks,
 * and one more than the longest run of backticks in it, so that no line of the content can close
 * the block (CommonMark closes a fence only with a run at least as long). Tildes cannot close a
 * backtick fence. The content's lines are the caller's to make visibleMarkdown: one raw line break
 * is harmless inside the block, but a control or bidirectional character is not.
 */
export function fenceFor(content: string): string {
  return '`'.repeat(Math.max(3, longestRun(content, '`') + 1));
}

/** longestRun is the length of the longest run of the character c in s. */
export function longestRun(s: string, c: string): number {
  let longest = 0;
  let run = 0;
  for (const ch of s) {
    run = ch === c ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

// The first n UTF-16 units of s, one less when the last would be half of a surrogate pair.
function sliceWhole(s: string, n: number): string {
  const code = s.charCodeAt(n - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}
