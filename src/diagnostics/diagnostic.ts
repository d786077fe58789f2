// Diagnostics are values: every expected problem with an input is a Diagnostic,
// located at the edge (src/document) and rendered by one formatter per format.

import type { DiagnosticCode } from './codes.js';

/** SourcePos is a position in a text: line and column 1-based, offset 0-based, all in UTF-16 code units. */
export interface SourcePos {
  line: number;
  column: number;
  offset: number;
}

/** SourceRange is a span of one file; end is exclusive. */
export interface SourceRange {
  file: string;
  start: SourcePos;
  end: SourcePos;
}

/** JsonPath is a path into a document's data: keys and list indices. */
export type JsonPath = readonly (string | number)[];

/** Severity: an error makes a file invalid, a warning does not. */
export type Severity = 'error' | 'warning';

/** Diagnostic is one problem. message is one line, starts lower-case and has no final period. */
export interface Diagnostic {
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  detail?: string;
  path?: JsonPath;
  /** range is absent for a problem with no place in a file (a file that cannot be read is named by file). */
  range?: SourceRange;
  /** file names the file of a sourceless diagnostic; with a range it equals range.file. */
  file?: string;
  address?: string;
}

/** diagnosticFile is the file a diagnostic is about, if any. */
export function diagnosticFile(d: Diagnostic): string | undefined {
  return d.range?.file ?? d.file;
}

/** hasErrors tells whether any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

function compare(a: Diagnostic, b: Diagnostic): number {
  const fa = diagnosticFile(a) ?? '';
  const fb = diagnosticFile(b) ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  const oa = a.range?.start.offset ?? -1;
  const ob = b.range?.start.offset ?? -1;
  if (oa !== ob) return oa - ob;
  if (a.severity !== b.severity) return a.severity === 'error' ? -1 : 1;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/**
 * sortDiagnostics orders diagnostics by file, then position, and drops repeats:
 * the same code and message at the same place is reported once.
 */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const sorted = diagnostics.map(visibleDiagnostic).sort(compare);
  const seen = new Set<string>();
  return sorted.filter((d) => {
    const key = `${diagnosticFile(d) ?? ''}\0${d.range?.start.offset ?? ''}\0${d.code}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * visibleText makes text from a file or a server safe as part of one line of a terminal, a log or an
 * editor: line breaks, other control characters, line and paragraph separators (U+2028, U+2029) and
 * the bidirectional controls that reorder what is shown become visible escapes (\r, \u2028), so that
 * nothing quoted can break a diagnostic's line, forge another, or hide what it says.
 */
export function visibleText(text: string): string {
  return text.replace(
    INVISIBLE,
    (c) => ESCAPES[c] ?? `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these characters are what is escaped
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** MAX_QUOTE is the most characters of a file's (or a server's) text that a diagnostic quotes. */
export const MAX_QUOTE = 80;

/**
 * quote is text as a message quotes it: JSON-quoted, and when longer than max characters, its first
 * max characters, an ellipsis, and how long it is (`"| rescind validate…" (8,012 characters)`).
 */
export function quote(text: string, max: number = MAX_QUOTE): string {
  if (text.length <= max) return JSON.stringify(text);
  return `${JSON.stringify(`${text.slice(0, max)}…`)} (${text.length.toLocaleString('en-US')} characters)`;
}

/**
 * MAX_MESSAGE is the most characters of a diagnostic's message, and of its detail, that any format
 * prints: whatever a message quotes, and wherever it was made, a diagnostic stays a readable line.
 */
export const MAX_MESSAGE = 1000;

/**
 * diagnosticText is a message or a detail as every format prints it: at most MAX_MESSAGE characters
 * (then an ellipsis and how many more there were), made visibleText. It is cut before it is escaped,
 * since escapes only lengthen it.
 */
export function diagnosticText(text: string): string {
  if (text.length <= MAX_MESSAGE) return visibleText(text);
  const more = (text.length - MAX_MESSAGE).toLocaleString('en-US');
  return `${visibleText(text.slice(0, MAX_MESSAGE))}… (${more} more characters)`;
}

/** visibleDiagnostic is d with its message and detail made visibleText. */
export function visibleDiagnostic(d: Diagnostic): Diagnostic {
  const message = visibleText(d.message);
  const detail = d.detail === undefined ? undefined : visibleText(d.detail);
  if (message === d.message && detail === d.detail) return d;
  return { ...d, message, ...(detail === undefined ? {} : { detail }) };
}

/**
 * jsonText is JSON text (from JSON.stringify) with the characters JSON leaves raw but a terminal or an
 * editor would act on (C1 controls, line and paragraph separators, bidirectional controls) written as
 * \u escapes: the same data for any JSON parser, nothing hidden for a person reading it.
 */
export function jsonText(json: string): string {
  return json.replace(RAW_IN_JSON, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

const RAW_IN_JSON = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
