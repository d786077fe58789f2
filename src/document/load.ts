// Text -> data with source positions. A file is parsed by the `yaml` library,
// the parser of record, whose nodes locate every diagnostic. Because `yaml`
// takes about 1.2 s for a 10,000-revocation plan, a file that has no anchors,
// aliases or directives is first read by js-yaml (ten times faster) on the same
// YAML 1.2 core schema; the `yaml` parse then happens only if a diagnostic needs
// a position. test/document/load.test.ts holds both parsers to the same data.

import jsyaml from 'js-yaml';
import type { Document, YAMLError } from 'yaml';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import { type Diagnostic, type JsonPath, quote, type SourceRange } from '../diagnostics/diagnostic.js';
import { anchorIndex } from './anchors.js';
import { Chunks } from './chunks.js';
import { YAML12_CORE } from './core-schema.js';
import {
  estimateNodes,
  exceedsDepth,
  findExcessiveJsonNesting,
  findExcessiveNesting,
  MAX_DEPTH,
  MAX_FULL_PARSE_NODES,
} from './depth.js';
import { LineIndex } from './line-index.js';
import { type Place, placeOf } from './locate.js';
import { type DataProblem, toData } from './to-data.js';
import { yamlLib } from './yaml-lib.js';

/** MAX_EXPANDED_NODES bounds the data that aliases may expand to (billion-laughs defence). */
export const MAX_EXPANDED_NODES = 1_000_000;

/** Where a located diagnostic points: at a mapping key, or at the value. */
export type LocateTarget = 'key' | 'value';

/** YamlSource is a parsed file: its data, and a way back from a data path to the file. */
export interface YamlSource {
  readonly file: string;
  readonly text: string;
  readonly data: unknown;
  /** locate is the range of the node at path (or its closest ancestor). */
  locate(path: JsonPath, target?: LocateTarget): SourceRange;
  /** scalarText is a scalar's text as written in the file, e.g. an unquoted number. */
  scalarText(path: JsonPath): string | undefined;
  /** approximate is true when locate gives the line of a path's top-level field only (a huge file). */
  readonly approximate: boolean;
}

/** LoadResult is a source, when the text is YAML that rescind reads, and the problems found. */
export interface LoadResult {
  source?: YamlSource;
  diagnostics: Diagnostic[];
}

// An anchor, alias or tag can only start a node: after a line start, white space or [ { ,
const ANCHOR_ALIAS_OR_TAG = /(^|[\s[{,])(?:[&*][^\s[\]{},]|!)/m;
const DIRECTIVE = /^%/m;
// A merge key: `yaml` merges (YAML 1.1 style, as editors expect), js-yaml's core schema does not.
const MERGE_KEY = /<<["']?\s*:/;
// A list or mapping as a key (`? [a]`, `[a]: x`, `{a: b}: x`): js-yaml turns it into text, rescind refuses it.
const COMPLEX_KEY = /(^|[\s[{,])\?(\s|$)|[\]}]\s*:(\s|$)/m;
// js-yaml ends a line at a lone carriage return, as YAML 1.2 says; `yaml` does not.
const LONE_CR = /\r(?!\n)/;

/** loadYaml parses one YAML document from text; file names it in diagnostics. */
export function loadYaml(file: string, text: string, options: { json?: boolean } = {}): LoadResult {
  if (onlyComments(text)) {
    return { diagnostics: [sourceless(file, 'file.empty', 'file is empty; expected a rescind document')] };
  }
  // A file rescind wrote as JSON (a saved plan, a persisted state) is read as JSON: pretty JSON spans
  // lines, which the fast YAML path declines. Anything JSON.parse refuses is read as YAML, with positions.
  // JSON.parse does not recurse, but what reads its data does: the nesting limit holds here as in YAML.
  if (options.json === true) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      // Not JSON after all: the YAML readers report where it goes wrong.
    }
    if (data !== undefined) {
      if (exceedsDepth(data)) return tooDeep(file, text, findExcessiveJsonNesting(text) ?? 0);
      return { source: new Source(file, text, data), diagnostics: [] };
    }
  }
  const fast = readFast(text);
  if (fast.ok) return { source: new Source(file, text, fast.data), diagnostics: [] };
  const nodes = estimateNodes(text);
  if (nodes > MAX_FULL_PARSE_NODES) return tooManyNodes(file, text, nodes, fast.error);
  return parseSlow(file, text);
}

/**
 * onlyComments tells whether text holds only white space and comments, in one pass: a regular expression
 * with nested repetition (`(\s*(#.*)?\n?)*`) backtracks exponentially over leading blank lines.
 */
function onlyComments(text: string): boolean {
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '#') {
      const eol = text.indexOf('\n', i);
      if (eol === -1) return true;
      i = eol + 1;
    } else if (/\s/.test(ch)) i++;
    else return false;
  }
  return true;
}

// A file too large for the parser of record that the fast parser could not read either: its first
// YAML problem, where the fast parser stopped; or, when the fast parser declined constructs that need
// the parser of record (anchors, tags, merge keys, multi-line values), a refusal.
function tooManyNodes(file: string, text: string, nodes: number, error: unknown): LoadResult {
  const detail = `the file has about ${nodes.toLocaleString('en-US')} YAML nodes, more than the ${MAX_FULL_PARSE_NODES.toLocaleString('en-US')} rescind checks in full: only the first problem is shown`;
  if (error instanceof jsyaml.YAMLException && error.mark !== undefined) {
    const index = new LineIndex(text);
    const at = Math.min(Math.max(0, error.mark.position), text.length);
    const reason = error.reason ?? 'the YAML cannot be read';
    const code: DiagnosticCode = /duplicated mapping key/.test(reason)
      ? 'yaml.duplicate-key'
      : /unknown tag/.test(reason)
        ? 'yaml.unknown-tag'
        : /unidentified alias/.test(reason)
          ? 'yaml.unknown-anchor'
          : 'yaml.syntax';
    return {
      diagnostics: [
        { severity: 'error', code, message: reason, detail, range: index.range(file, at, at + 1) },
      ],
    };
  }
  return {
    diagnostics: [
      {
        severity: 'error',
        code: 'file.too-large',
        message: `the file has about ${nodes.toLocaleString('en-US')} YAML nodes and anchors, tags, merge keys or values over several lines; rescind reads such files up to ${MAX_FULL_PARSE_NODES.toLocaleString('en-US')} nodes`,
        file,
      },
    ],
  };
}

/**
 * readFast reads text with js-yaml when that is known to give what `yaml` gives:
 * no anchors or aliases (js-yaml shares aliased objects instead of bounding them),
 * no tags (rescind refuses most), no directives (%YAML 1.1 changes the schema), no lone \r, no merge keys,
 * no list or mapping as a key,
 * no quoted scalar or flow collection over several lines (js-yaml accepts continuation lines that
 * `yaml` refuses),
 * and no error of any kind. Scalars resolve as in `yaml` (see core-schema.ts).
 */
export function readFast(text: string): { ok: true; data: unknown } | { ok: false; error?: unknown } {
  if (
    ANCHOR_ALIAS_OR_TAG.test(text) ||
    DIRECTIVE.test(text) ||
    LONE_CR.test(text) ||
    MERGE_KEY.test(text) ||
    COMPLEX_KEY.test(text) ||
    spansLines(text)
  )
    return { ok: false };
  try {
    return { ok: true, data: jsyaml.load(text, { schema: YAML12_CORE, json: false }) };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * spansLines tells whether a quoted scalar or a flow collection ([...] or {...}) may continue on the
 * next line: js-yaml accepts continuation lines that `yaml` refuses as under-indented. It looks for a
 * quote or bracket that starts a node (after indentation, `: `, `- `, `? `, `[`, `{` or `,`) and is
 * not closed on its line. It may say yes for one inside a block scalar, which only costs the fast path.
 */
export function spansLines(text: string): boolean {
  let lineStart = 0;
  while (lineStart < text.length) {
    let end = text.indexOf('\n', lineStart);
    if (end < 0) end = text.length;
    let atNodeStart = true;
    let flow = 0;
    for (let i = lineStart; i < end; i++) {
      const c = text.charCodeAt(i);
      if (isBlank(c)) continue;
      if (c === 35 /* # */ && (i === lineStart || isBlank(text.charCodeAt(i - 1)))) break;
      if ((c === 34 || c === 39) /* " ' */ && (atNodeStart || flow > 0)) {
        const close = closingQuote(text, i, end, c);
        if (close < 0) return true;
        i = close;
        atNodeStart = false;
        continue;
      }
      if ((c === 91 || c === 123) /* [ { */ && (atNodeStart || flow > 0)) flow++;
      else if ((c === 93 || c === 125) /* ] } */ && flow > 0) flow--;
      const next = text.charCodeAt(i + 1);
      atNodeStart =
        c === 91 ||
        c === 123 ||
        c === 44 || // [ { ,
        ((c === 58 || c === 45 || c === 63) && (i + 1 >= end || isBlank(next))); // ": " "- " "? "
    }
    if (flow > 0) return true;
    lineStart = end + 1;
  }
  return false;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

// The index of the quote that closes the one at start, on the same line; -1 when there is none.
function closingQuote(text: string, start: number, end: number, quote: number): number {
  for (let i = start + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (quote === 34 && c === 92 /* \ */) {
      i++;
      continue;
    }
    if (c === quote) {
      if (quote === 39 && text.charCodeAt(i + 1) === 39) {
        i++;
        continue;
      }
      return i;
    }
  }
  return -1;
}

/** readWithYaml is what the parser of record makes of text: the data, or the errors. For tests. */
export function readWithYaml(text: string): { data?: unknown; errors: Diagnostic[] } {
  const result = parseSlow('<text>', text);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  return result.source && errors.length === 0 ? { data: result.source.data, errors } : { errors };
}

function parseSlow(file: string, text: string): LoadResult {
  const deep = findExcessiveNesting(text);
  if (deep !== undefined) return tooDeep(file, text, deep);
  const index = new LineIndex(text);
  const docs = yamlLib().parseAllDocuments(text, {
    merge: true,
    // YAML 1.2 core whatever a %YAML directive says: `yes` stays text, as in every other file.
    schema: 'core',
    // yaml's own check is quadratic in the keys of a mapping; duplicateKeys below is linear.
    uniqueKeys: false,
    prettyErrors: false,
    strict: true,
    // Nothing but rescind's own output reaches the terminal: what yaml would warn about is a diagnostic.
    logLevel: 'silent',
  });
  if (!Array.isArray(docs) || docs.length === 0) {
    return { diagnostics: [sourceless(file, 'file.empty', 'file is empty; expected a rescind document')] };
  }
  const diagnostics: Diagnostic[] = [];
  const doc = docs[0] as Document;
  const second = docs[1];
  if (second !== undefined) {
    const at = second.range[0];
    diagnostics.push({
      severity: 'error',
      code: 'document.multiple',
      message: `file holds ${docs.length} YAML documents; put one plan, config or policy in each file`,
      range: index.range(file, at, at + 1),
    });
  }
  // A syntax error derails the parser for the rest of its line: keep the first of each line.
  const errorLines = new Set<number>();
  for (const e of doc.errors) {
    const d = yamlDiagnostic(file, index, e, 'error');
    const line = d.range?.start.line ?? 0;
    if (d.code === 'yaml.syntax' && errorLines.has(line)) continue;
    errorLines.add(line);
    diagnostics.push(d);
  }
  for (const [start, end, tag] of foreignTags(doc, text)) {
    diagnostics.push({
      severity: 'error',
      code: 'yaml.unknown-tag',
      message: `the tag ${tag} is not allowed; rescind files use plain YAML without tags`,
      range: index.range(file, start, end),
    });
  }
  for (const [start, end] of unknownAliases(doc)) {
    diagnostics.push({
      severity: 'error',
      code: 'yaml.unknown-anchor',
      message: `alias ${text.slice(start, end)} refers to no anchor defined before it`,
      range: index.range(file, start, end),
    });
  }
  for (const [start, end] of badMerges(doc)) {
    diagnostics.push({
      severity: 'error',
      code: 'yaml.bad-merge',
      message: 'a merge key (<<) takes a mapping, an alias of one, or a list of them',
      range: index.range(file, start, end),
    });
  }
  for (const [start, end] of duplicateKeys(doc)) {
    const key = text.slice(start, end).trim();
    diagnostics.push({
      severity: 'error',
      code: 'yaml.duplicate-key',
      message: `duplicate key ${JSON.stringify(key)}; each key appears once in a mapping`,
      range: index.range(file, start, end),
    });
  }
  for (const w of doc.warnings) {
    // A tag outside the core schema is reported by foreignTags; a core tag that does not fit its
    // value (!!float 1, !!int x) is an error here, since yaml would quietly read the value as text.
    if (w.code === 'TAG_RESOLVE_FAILED') {
      if (CORE_TAG_IN_MESSAGE.test(w.message)) diagnostics.push(yamlDiagnostic(file, index, w, 'error'));
    } else diagnostics.push(yamlDiagnostic(file, index, w, 'warning'));
  }
  const version = /^%YAML[ \t]+(\S+)/m.exec(text);
  if (version !== null && version[1] !== '1.2') {
    diagnostics.push({
      severity: 'warning',
      code: 'yaml.version',
      message: `rescind reads YAML 1.2 whatever the %YAML directive says: ${version[1]} rules (yes as true, 0777 as octal) do not apply`,
      range: index.range(file, version.index, version.index + version[0].length),
    });
  }
  if (diagnostics.some((d) => d.severity === 'error' && d.code !== 'document.multiple'))
    return { diagnostics };

  const { data, problems } = toData(doc);
  for (const p of problems) {
    diagnostics.push({ severity: 'error', ...PROBLEMS[p.kind], range: index.range(file, p.start, p.end) });
  }
  if (problems.length > 0) return { diagnostics };
  if (anchorIndex(doc).aliasCount > 0 && exceedsNodes(data, MAX_EXPANDED_NODES)) {
    diagnostics.push(aliasLimit(file, index, doc));
    return { diagnostics };
  }
  return { source: new Source(file, text, data, { doc, index }), diagnostics };
}

// A file nested past MAX_DEPTH, YAML or JSON, refused at the bracket or line where it passes it.
function tooDeep(file: string, text: string, at: number): LoadResult {
  return {
    diagnostics: [
      {
        severity: 'error',
        code: 'yaml.too-deep',
        message: `collections are nested more than ${MAX_DEPTH} deep here; rescind does not read such files`,
        range: new LineIndex(text).range(file, at, at + 1),
      },
    ],
  };
}

// What toData could not read, as diagnostics.
const PROBLEMS: Readonly<Record<DataProblem['kind'], { code: DiagnosticCode; message: string }>> = {
  'complex-key': {
    code: 'yaml.complex-key',
    message: 'a key must be a single value, not a list or a mapping',
  },
  'bad-merge': {
    code: 'yaml.bad-merge',
    message: 'a merge key (<<) takes a mapping, an alias of one, or a list of them',
  },
  'unknown-alias': {
    code: 'yaml.unknown-anchor',
    message: 'this alias refers to no anchor defined before it',
  },
};

function sourceless(file: string, code: DiagnosticCode, message: string): Diagnostic {
  return { severity: 'error', code, message, file };
}

function yamlDiagnostic(
  file: string,
  index: LineIndex,
  e: YAMLError,
  severity: 'error' | 'warning',
): Diagnostic {
  const [start, end] = e.pos;
  let code: DiagnosticCode = 'yaml.syntax';
  let message = plainMessage(e.message);
  switch (e.code) {
    case 'TAB_AS_INDENT':
      code = 'yaml.tab-indent';
      message = 'tabs are not allowed for indentation in YAML; indent with spaces';
      break;
    case 'TAG_RESOLVE_FAILED':
      code = 'yaml.unknown-tag';
      message = `the value does not fit its tag ${message.replace(/^.*tag:yaml\.org,2002:(\w+).*$/, '!!$1')}; remove the tag`;
      break;
    case 'BAD_ALIAS':
      code = 'yaml.unknown-anchor';
      break;
    case 'RESOURCE_EXHAUSTION':
      code = 'yaml.too-deep';
      message = 'collections are nested too deep here';
      break;
  }
  return { severity, code, message, range: index.range(file, start, end) };
}

// yaml's messages start upper-case and may end with a period and a code excerpt; some end quoting the
// file's text (`Unexpected scalar token in YAML stream: "..."`), as much as a whole paragraph: that
// quote is cut to MAX_QUOTE characters.
function plainMessage(message: string): string {
  const first = (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').trim();
  const lowered = (first.charAt(0).toLowerCase() + first.slice(1)).replace(/\.$/, '');
  const at = lowered.indexOf(': "');
  if (at < 0 || !lowered.endsWith('"')) return lowered;
  try {
    const text: unknown = JSON.parse(lowered.slice(at + 2));
    return typeof text === 'string' ? `${lowered.slice(0, at + 2)}${quote(text)}` : lowered;
  } catch {
    return lowered;
  }
}

// The tags that resolve to data of the core schema, and `!` ("plain string").
const CORE_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`).concat('!'),
);

const CORE_TAG_IN_MESSAGE = /tag:yaml\.org,2002:(?:str|int|float|bool|null|map|seq)\b/;

// Explicit tags outside the core schema (!!binary, !!timestamp, !!set, !custom...), with their spans.
function foreignTags(doc: Document, text: string): [number, number, string][] {
  const { visit } = yamlLib();
  const found: [number, number, string][] = [];
  visit(doc, {
    Node(_, node) {
      if (node.tag !== undefined && !CORE_TAGS.has(node.tag) && node.range) {
        const tag = node.tag.replace(/^tag:yaml\.org,2002:/, '!!');
        // The node's range starts after its tag: point at the tag as written when it is near.
        const at = text.lastIndexOf(tag, node.range[0]);
        const near = at >= 0 && node.range[0] - at <= tag.length + 256;
        found.push(near ? [at, at + tag.length, tag] : [node.range[0], node.range[1], tag]);
      }
    },
  });
  return found;
}

// The spans of aliases whose anchor is not defined before them.
function unknownAliases(doc: Document): [number, number][] {
  const found: [number, number][] = [];
  for (const [alias, target] of anchorIndex(doc).targets) {
    if (target === undefined && alias.range) found.push([alias.range[0], alias.range[1]]);
  }
  return found;
}

// The spans of merge keys (<<) whose value is not a mapping, an alias of one, or a list of them.
function badMerges(doc: Document): [number, number][] {
  const { visit, isAlias, isMap, isScalar, isSeq } = yamlLib();
  const { targets } = anchorIndex(doc);
  const isMapping = (node: unknown): boolean => {
    const target = isAlias(node) ? targets.get(node) : node;
    return isMap(target) || target === undefined; // An unknown anchor is reported on its own.
  };
  const found: [number, number][] = [];
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key;
      if (!isScalar(key) || typeof key.value !== 'symbol') return;
      const value = pair.value;
      const ok = isSeq(value) ? value.items.every(isMapping) : isMapping(value);
      if (!ok && key.range) found.push([key.range[0], key.range[1]]);
    },
  });
  return found;
}

// The spans of keys that repeat an earlier key of the same mapping (merge keys << may repeat).
function duplicateKeys(doc: Document): [number, number][] {
  const { visit, isScalar } = yamlLib();
  const found: [number, number][] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key;
        if (!isScalar(key) || typeof key.value === 'symbol') continue;
        const name = String(key.value);
        if (name === '<<') continue;
        if (seen.has(name) && key.range) found.push([key.range[0], key.range[1]]);
        seen.add(name);
      }
    },
  });
  return found;
}

function aliasLimit(file: string, index: LineIndex, doc: Document): Diagnostic {
  const first = anchorIndex(doc).targets.keys().next();
  const at = first.done === true ? 0 : (first.value.range?.[0] ?? 0);
  return {
    severity: 'error',
    code: 'yaml.alias-limit',
    message: 'aliases here expand to too much data (an alias bomb?); rescind refuses to expand them',
    range: index.range(file, at, at + 1),
  };
}

// Counts the nodes of data as a tree (shared objects count each time they are reached), up to limit.
function exceedsNodes(data: unknown, limit: number): boolean {
  const stack: unknown[] = [data];
  let count = 0;
  while (stack.length > 0) {
    const value = stack.pop();
    if (++count > limit) return true;
    if (Array.isArray(value)) for (const v of value) stack.push(v);
    else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) stack.push(v);
  }
  return false;
}

// The offset of each top-level key written at a line start (`key:`), the first of each name.
function topLevelKeys(text: string): Map<string, number> {
  const keys = new Map<string, number>();
  for (const m of text.matchAll(/^([^\s#'"\-?:[\]{},][^:\n]*?|"[^"\n]*"|'[^'\n]*'):(?:[ \t]|$)/gm)) {
    const raw = m[1] ?? '';
    const name = raw.startsWith('"') || raw.startsWith("'") ? raw.slice(1, -1) : raw.trim();
    if (!keys.has(name)) keys.set(name, m.index);
  }
  return keys;
}

interface Parsed {
  doc: Document;
  index: LineIndex;
}

class Source implements YamlSource {
  readonly file: string;
  readonly text: string;
  readonly data: unknown;
  #parsed: Parsed | undefined;
  #topLevel: Map<string, number> | undefined;
  #index: LineIndex | undefined;
  #tooLarge: boolean | undefined;
  #chunks: Chunks | undefined;

  constructor(file: string, text: string, data: unknown, parsed?: Parsed) {
    this.file = file;
    this.text = text;
    this.data = data;
    this.#parsed = parsed;
  }

  // Too large for the parser of record (then located by top-level field only); counted once.
  #isTooLarge(): boolean {
    this.#tooLarge ??= this.#parsed === undefined && estimateNodes(this.text) > MAX_FULL_PARSE_NODES;
    return this.#tooLarge;
  }

  // The fast path has no nodes: the first locate parses with `yaml`, unless the file is too large for it.
  #get(): Parsed | undefined {
    if (this.#topLevel !== undefined) return undefined;
    if (this.#isTooLarge()) {
      this.#topLevel = topLevelKeys(this.text);
      return undefined;
    }
    if (this.#parsed === undefined) {
      // The fast path read this text without error, so it is one document with unique keys.
      const doc = yamlLib().parseDocument(this.text, {
        merge: true,
        uniqueKeys: false,
        prettyErrors: false,
        logLevel: 'silent',
      });
      this.#parsed = { doc, index: this.#lineIndex() };
    }
    return this.#parsed;
  }

  #lineIndex(): LineIndex {
    this.#index ??= new LineIndex(this.text);
    return this.#index;
  }

  // Where locate points for path in a chunk of a long list (chunks.ts), while the whole file has not
  // been parsed; undefined when the path is not in such a list.
  #inChunk(path: JsonPath, target: LocateTarget): Place | undefined {
    if (this.#parsed !== undefined || this.#isTooLarge()) return undefined;
    this.#chunks ??= new Chunks(this.text, this.data);
    return this.#chunks.place(path, target);
  }

  get approximate(): boolean {
    return this.#isTooLarge();
  }

  locate(path: JsonPath, target: LocateTarget = 'value'): SourceRange {
    const place = this.#inChunk(path, target) ?? this.#parsedPlace(path, target);
    if (place === undefined) {
      // Too large for the parser of record: the line of the top-level field the path is under.
      const at = this.#topLevel?.get(String(path[0] ?? '')) ?? 0;
      return this.#lineIndex().range(this.file, at, at + 1);
    }
    return this.#lineIndex().range(this.file, place.span[0], place.span[1]);
  }

  scalarText(path: JsonPath): string | undefined {
    const place = this.#inChunk(path, 'value') ?? this.#parsedPlace(path, 'value');
    return place?.scalar === true ? this.text.slice(place.span[0], place.span[1]) : undefined;
  }

  #parsedPlace(path: JsonPath, target: LocateTarget): Place | undefined {
    const parsed = this.#get();
    return parsed === undefined ? undefined : placeOf(parsed.doc, path, target);
  }
}
