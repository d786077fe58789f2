// What the action's Node scripts share (helper.mjs for GitHub, gitlab.mjs for GitLab): bounded reads,
// Markdown that text cannot break out of, and the checks of a plan's name and a comment's first line.

import { closeSync, openSync, readSync } from 'node:fs';

/** MAX_INPUT is the most any script reads from a file, from stdin or from one answer: 64 MiB. */
export const MAX_INPUT = 64 * 1024 * 1024;

/** Refusal is an expected failure: its message is printed, without a stack. */
export class Refusal extends Error {}

/** readBounded reads a file (or stdin, fd 0) whole, refusing more than MAX_INPUT bytes. */
export function readBounded(path) {
  const fd = path === '-' ? 0 : openSync(path, 'r');
  const chunks = [];
  let total = 0;
  try {
    for (;;) {
      const chunk = Buffer.alloc(1024 * 1024);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > MAX_INPUT) throw new Refusal(`${path === '-' ? 'stdin' : path} is over ${MAX_INPUT} bytes`);
      chunks.push(chunk.subarray(0, n));
    }
  } finally {
    if (fd !== 0) closeSync(fd);
  }
  return Buffer.concat(chunks);
}

/** longestRun is the length of the longest run of character c in text. */
function longestRun(text, c) {
  let longest = 0;
  let run = 0;
  for (const ch of text) {
    run = ch === c ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

/**
 * fenced is text as a fenced code block with info string `info`: the fence is longer than any run of
 * backticks in the text, so no line of it can close the block (a `~~~` line cannot close a backtick
 * fence), and the HTML, links and mentions in it stay text.
 */
export function fenced(text, info) {
  const marks = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
  const body = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  return `${marks}${info}\n${body}${marks}\n`;
}

/**
 * codeSpan is text as one inline code span, for a heading: line breaks, other control characters and
 * the characters that reorder text are shown as `\uXXXX` (and `\` as `\\`), and the span's backticks
 * outnumber any run in the text, so it cannot end the heading, nor open a link, an image, a mention
 * or HTML.
 */
export function codeSpan(text) {
  const shown = text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it escapes
    /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\\]/g,
    (ch) => (ch === '\\' ? '\\\\' : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
  const ticks = '`'.repeat(longestRun(shown, '`') + 1);
  // A space inside each end keeps a leading or trailing backtick or space from joining the ticks.
  const pad = /^[` ]|[` ]$/.test(shown) ? ' ' : '';
  return `${ticks}${pad}${shown}${pad}${ticks}`;
}

/** firstLine is a text's first line, whatever its line ending. */
export function firstLine(text) {
  return text.split(/\r\n|\n|\r/, 1)[0];
}

/**
 * isName is true for a name the plan step gives (helper.mjs encodeName): letters, digits, `.`, `_`,
 * `~` and `-`, not starting with `.`. Only such names become file names and comment markers.
 */
export function isName(name) {
  return /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/.test(name) && name.length <= 200;
}
