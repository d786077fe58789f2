// Locating in a large list without parsing the whole file with `yaml`: a plan of 40,000 revocations
// with a finding in each took 3.5 s, most of it the parse of record and the collection of its nodes.
// When a path goes through block mappings (`spec:` then `revocations:`) to an item of a long block
// sequence, the sequence's items are found by their lines. An item written as one flow collection on
// its line is read by itself (flow-line.ts); others are parsed a chunk of items at a time: the same
// characters, so the same nodes and ranges, offset by where the chunk starts. Anything this
// reading of lines is not sure of (a flow or quoted key on the way, a document marker, a tab, a count
// of items that is not the data's) answers undefined, and the caller parses the whole file instead.

import type { Document } from 'yaml';
import type { JsonPath } from '../diagnostics/diagnostic.js';
import { type FlowNode, placeInFlow, readFlowLine } from './flow-line.js';
import { type Place, placeOf } from './locate.js';
import { yamlLib } from './yaml-lib.js';

/** CHUNK_MIN_ITEMS is the shortest list located a chunk at a time; shorter ones are parsed whole. */
export const CHUNK_MIN_ITEMS = 1000;

/** CHUNK_ITEMS is how many items of a list one chunk holds. */
export const CHUNK_ITEMS = 500;

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

  /**
   * place is where locate points for path (at the key or the value), or undefined when the path is not
   * in a list read by chunks. An item written as one flow collection on its line is read by itself
   * (flow-line.ts); any other by the parse of its chunk.
   */
  place(path: JsonPath, target: 'key' | 'value'): Place | undefined {
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
    const inItem = path.slice(at + 1);
    const line = flowItem(this.#text, sequence.starts[item] as number, sequence.starts[item + 1] as number);
    if (line !== undefined) return placeInFlow(line, inItem, target);
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
    const place = placeOf(doc, [item - first, ...inItem], target);
    return { span: [place.span[0] + offset, place.span[1] + offset], scalar: place.scalar };
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

// The flow collection an item is written as, when it is on the item's line (`- {...}` or `- [...]`) and
// the item's other lines are blank or comments; undefined otherwise.
function flowItem(text: string, start: number, end: number): FlowNode | undefined {
  let i = start;
  while (text[i] === ' ') i++;
  if (text[i] !== '-' || text[i + 1] !== ' ') return undefined;
  i += 2;
  while (text[i] === ' ') i++;
  const node = readFlowLine(text, i);
  if (node === undefined) return undefined;
  const lineEnd = text.indexOf('\n', node.end);
  if (lineEnd === -1 || lineEnd + 1 >= end) return node;
  for (const rest of text.slice(lineEnd + 1, end).split('\n')) {
    const content = rest.trim();
    if (content !== '' && !content.startsWith('#')) return undefined;
  }
  return node;
}
