// Locating in a large list without parsing the whole file with `yaml`: a plan of 40,000 revocations
// with a finding in each took 3.5 s, most of it the parse of record and the collection of its nodes.
// When a path goes through block mappings (`spec:` then `revocations:`) to an item of a long block
// sequence, the sequence's items are found by their lines and parsed a chunk of items at a time: the
// same characters, so the same nodes and ranges, offset by where the chunk starts. Anything this
// reading of lines is not sure of (a flow or quoted key on the way, a document marker, a tab, a count
// of items that is not the data's) answers undefined, and the caller parses the whole file instead.

import type { Document } from 'yaml';
import type { JsonPath } from '../diagnostics/diagnostic.js';
import { yamlLib } from './yaml-lib.js';

/** CHUNK_MIN_ITEMS is the shortest list located a chunk at a time; shorter ones are parsed whole. */
export const CHUNK_MIN_ITEMS = 1000;

/** CHUNK_ITEMS is how many items of a list one chunk holds. */
export const CHUNK_ITEMS = 500;

/** InChunk is a path's place in a chunk: the chunk's document, where it starts in the file, and the path in it. */
export interface InChunk {
  readonly doc: Document;
  readonly offset: number;
  readonly path: JsonPath;
}

interface Line {
  readonly start: number;
  /** indent is the count of leading spaces; -1 for a blank or comment line. */
  readonly indent: number;
  /** content is the line from its first non-space, without its line break. */
  readonly content: string;
}

interface Sequence {
  /** starts are where each item's first line starts, and then where the list's lines end. */
  readonly starts: number[];
  /** last is the chunk parsed last, kept for the next path (findings come in file order mostly). */
  last?: { readonly chunk: number; readonly doc: Document | null };
}

/** Chunks locates paths under long block sequences of one text, whose data is data (see the top of the file). */
export class Chunks {
  readonly #text: string;
  readonly #data: unknown;
  #lines: Line[] | null | undefined;
  readonly #sequences = new Map<string, Sequence | null>();

  constructor(text: string, data: unknown) {
    this.#text = text;
    this.#data = data;
  }

  /** find is where path is in its chunk, or undefined when the path is not in a list read by chunks. */
  find(path: JsonPath): InChunk | undefined {
    const at = path.findIndex((segment) => typeof segment === 'number');
    if (at < 1) return undefined;
    const keys = path.slice(0, at);
    if (keys.some((k) => typeof k !== 'string')) return undefined;
    const list = dataAt(this.#data, keys as string[]);
    const item = path[at] as number;
    if (!Array.isArray(list) || list.length < CHUNK_MIN_ITEMS || item >= list.length) return undefined;
    const name = JSON.stringify(keys);
    let sequence = this.#sequences.get(name);
    if (sequence === undefined) {
      const starts = this.#itemStarts(keys as string[]);
      sequence = starts !== undefined && starts.length === list.length + 1 ? { starts } : null;
      this.#sequences.set(name, sequence);
    }
    if (sequence === null) return undefined;
    const chunk = Math.floor(item / CHUNK_ITEMS);
    const first = chunk * CHUNK_ITEMS;
    const last = Math.min(first + CHUNK_ITEMS, list.length);
    const offset = sequence.starts[first] as number;
    // One chunk kept at a time: the nodes of every chunk at once would be the whole parse again.
    if (sequence.last?.chunk !== chunk) {
      const doc = parseChunk(this.#text.slice(offset, sequence.starts[last]), last - first);
      sequence.last = { chunk, doc };
    }
    const doc = sequence.last.doc;
    if (doc === null) return undefined;
    return { doc, offset, path: [item - first, ...path.slice(at + 1)] };
  }

  // The start of each item of the block sequence at keys (block mapping keys from the root), and
  // where its lines end; undefined when the lines do not say it surely.
  #itemStarts(keys: readonly string[]): number[] | undefined {
    const lines = this.#table();
    if (lines === null) return undefined;
    let from = 0;
    let to = lines.length;
    let indent = 0;
    for (const key of keys) {
      const found = keyLine(lines, from, to, indent, key);
      if (found === undefined) return undefined;
      // The value is on the lines below the key, more indented (a list may also start at its indent).
      const next = nextContent(lines, found + 1, to);
      if (next === undefined) return undefined;
      const inner = (lines[next] as Line).indent;
      const isItem = isItemLine((lines[next] as Line).content);
      if (inner < indent || (inner === indent && (!isItem || key !== keys[keys.length - 1])))
        return undefined;
      from = next;
      indent = inner;
      to = blockEnd(lines, next, to, indent, isItem && key === keys[keys.length - 1]);
    }
    const starts: number[] = [];
    for (let i = from; i < to; i++) {
      const line = lines[i] as Line;
      if (line.indent === indent) {
        if (!isItemLine(line.content)) return undefined;
        starts.push(line.start);
      }
    }
    starts.push(to < lines.length ? (lines[to] as Line).start : this.#text.length);
    return starts;
  }

  // The text's lines, once; null for a text whose lines this reading does not follow.
  #table(): Line[] | null {
    if (this.#lines !== undefined) return this.#lines;
    const text = this.#text;
    const lines: Line[] = [];
    let start = 0;
    while (start <= text.length) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      const raw = text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
      const content = raw.trimStart();
      const indent = raw.length - content.length;
      // A tab in the indentation, or a document marker: read by the parser of record.
      if (raw.slice(0, indent).includes('\t') || /^(---|\.\.\.)(\s|$)/.test(raw)) {
        this.#lines = null;
        return null;
      }
      lines.push({ start, indent: content === '' || content.startsWith('#') ? -1 : indent, content });
      if (end === text.length) break;
      start = end + 1;
    }
    this.#lines = lines;
    return lines;
  }
}

// The data at a path of mapping keys, or undefined.
function dataAt(data: unknown, keys: readonly string[]): unknown {
  let at = data;
  for (const key of keys) {
    if (at === null || typeof at !== 'object' || Array.isArray(at) || !Object.hasOwn(at, key))
      return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

// The line of a plain key of the block mapping at indent in lines [from, to), its value left to the
// lines below (nothing after the colon but a comment); undefined otherwise.
function keyLine(
  lines: readonly Line[],
  from: number,
  to: number,
  indent: number,
  key: string,
): number | undefined {
  for (let i = from; i < to; i++) {
    const line = lines[i] as Line;
    if (line.indent !== indent || !line.content.startsWith(key)) continue;
    const rest = line.content.slice(key.length);
    if (/^:(\s*|\s+#.*)$/.test(rest)) return i;
  }
  return undefined;
}

// The first line of content in [from, to).
function nextContent(lines: readonly Line[], from: number, to: number): number | undefined {
  for (let i = from; i < to; i++) if ((lines[i] as Line).indent >= 0) return i;
  return undefined;
}

// Where the block that starts at line from (at indent) ends: the first line of content less indented,
// or as indented and not an item of it when it is a list at its parent's indent.
function blockEnd(lines: readonly Line[], from: number, to: number, indent: number, list: boolean): number {
  for (let i = from + 1; i < to; i++) {
    const line = lines[i] as Line;
    if (line.indent < 0) continue;
    if (line.indent < indent || (list && line.indent === indent && !isItemLine(line.content))) return i;
  }
  return to;
}

function isItemLine(content: string): boolean {
  return content === '-' || content.startsWith('- ') || content.startsWith('-\t');
}

// A chunk's text parsed on its own: null when it is not a list of count items read without error.
function parseChunk(text: string, count: number): Document | null {
  const doc = yamlLib().parseDocument(text, {
    merge: true,
    uniqueKeys: false,
    prettyErrors: false,
    logLevel: 'silent',
  });
  const { isSeq } = yamlLib();
  if (doc.errors.length > 0 || !isSeq(doc.contents) || doc.contents.items.length !== count) return null;
  return doc;
}
