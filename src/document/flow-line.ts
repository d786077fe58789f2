// A flow collection written on one line ({...} or [...]), read for where its nodes are: what locating
// a finding in an item of a long list needs (chunks.ts), without a parse of record for each item (about
// 40 µs an item). Only a plain subset is read: keys plain words or quoted without escapes, every
// mapping entry a key, `: ` and a value, no tag, anchor, alias, explicit key or empty entry. Anything
// else answers undefined and the item is parsed by `yaml`. test/document/flow-line.test.ts holds the
// places to yaml's on random lines.

import type { JsonPath } from '../diagnostics/diagnostic.js';

/** FlowNode is a node of a flow line: [start, end) of its value in the text, and its children. */
export interface FlowNode {
  readonly start: number;
  readonly end: number;
  /** entries of a mapping by key (the first of each name), items of a list; none for a scalar. */
  readonly entries?: ReadonlyMap<string, { readonly key: FlowNode; readonly value: FlowNode }>;
  readonly items?: readonly FlowNode[];
}

/** FlowPlace is where locate points for a path in a flow line, and whether the path ends at a scalar. */
export interface FlowPlace {
  readonly span: readonly [number, number];
  readonly scalar: boolean;
}

/**
 * readFlowLine reads the flow collection at text[from] to the end of its line (only spaces and a
 * comment may follow it); undefined when it is not of the subset read here.
 */
export function readFlowLine(text: string, from: number): FlowNode | undefined {
  const c = text[from];
  if (c !== '{' && c !== '[') return undefined;
  const reader = new Reader(text, from);
  const node = reader.node();
  if (node === undefined) return undefined;
  reader.spaces();
  const rest = reader.restOfLine();
  return rest === '' || /^#/.test(rest) ? node : undefined;
}

/** placeInFlow is where locate points for path in node (as findNode and locate do on yaml's nodes). */
export function placeInFlow(node: FlowNode, path: JsonPath, target: 'key' | 'value'): FlowPlace {
  let current = node;
  let key: FlowNode | undefined;
  let complete = true;
  for (const segment of path) {
    if (current.items !== undefined) {
      const item = current.items[Number(segment)];
      if (item === undefined) {
        complete = false;
        break;
      }
      current = item;
      key = undefined;
    } else if (current.entries !== undefined) {
      const entry = current.entries.get(String(segment));
      if (entry === undefined) {
        complete = false;
        break;
      }
      current = entry.value;
      key = entry.key;
    } else {
      complete = false;
      break;
    }
  }
  const at = target === 'key' && complete && key !== undefined ? key : current;
  const collection = at.items !== undefined || at.entries !== undefined;
  return {
    span: collection ? [at.start, at.start + 1] : [at.start, at.end],
    scalar: complete && !collection,
  };
}

// Names a plain key may have and keep as its text (not a number, a boolean or null in YAML 1.2).
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const NOT_STRINGS = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL']);
// What may start a plain scalar here: no indicator, no quote, no space.
const PLAIN_START = /[A-Za-z0-9_./+$()=;<\\~^]/;
// How deep a line is read before it is left to the parser of record.
const MAX_DEPTH = 32;

class Reader {
  readonly #text: string;
  #i: number;
  #depth = 0;

  constructor(text: string, from: number) {
    this.#text = text;
    this.#i = from;
  }

  spaces(): void {
    while (this.#text[this.#i] === ' ') this.#i++;
  }

  restOfLine(): string {
    const end = this.#text.indexOf('\n', this.#i);
    const line = this.#text.slice(this.#i, end === -1 ? this.#text.length : end);
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  }

  node(): FlowNode | undefined {
    const c = this.#text[this.#i];
    if (c === '{' || c === '[') {
      if (++this.#depth > MAX_DEPTH) return undefined;
      const node = c === '{' ? this.#map() : this.#list();
      this.#depth--;
      return node;
    }
    return this.#scalar();
  }

  #map(): FlowNode | undefined {
    const start = this.#i++;
    const entries = new Map<string, { key: FlowNode; value: FlowNode }>();
    for (;;) {
      this.spaces();
      if (this.#text[this.#i] === '}') break;
      const keyStart = this.#i;
      const key = this.#scalar();
      if (key === undefined) return undefined;
      const name = keyName(this.#text.slice(keyStart, key.end));
      // `: ` after the key, then a value: no `key` alone, no `key:` without one.
      if (name === undefined || this.#text[this.#i] !== ':' || this.#text[this.#i + 1] !== ' ')
        return undefined;
      this.#i++;
      this.spaces();
      if (',}]'.includes(this.#text[this.#i] ?? ',')) return undefined;
      const value = this.node();
      if (value === undefined) return undefined;
      if (!entries.has(name)) entries.set(name, { key, value });
      this.spaces();
      if (this.#text[this.#i] === ',') this.#i++;
      else if (this.#text[this.#i] !== '}') return undefined;
    }
    this.#i++;
    return { start, end: this.#i, entries };
  }

  #list(): FlowNode | undefined {
    const start = this.#i++;
    const items: FlowNode[] = [];
    for (;;) {
      this.spaces();
      if (this.#text[this.#i] === ']') break;
      const item = this.node();
      if (item === undefined) return undefined;
      items.push(item);
      this.spaces();
      if (this.#text[this.#i] === ',') this.#i++;
      else if (this.#text[this.#i] !== ']') return undefined;
    }
    this.#i++;
    return { start, end: this.#i, items };
  }

  // A quoted scalar closed on this line, or a plain one; the reader then stands after it.
  #scalar(): FlowNode | undefined {
    const text = this.#text;
    const start = this.#i;
    const c = text[start] ?? '';
    if (c === '"' || c === "'") {
      for (let i = start + 1; i < text.length; i++) {
        const d = text[i];
        if (d === '\n' || d === '\r') return undefined;
        if (c === '"' && d === '\\') {
          i++;
          continue;
        }
        if (d !== c) continue;
        if (c === "'" && text[i + 1] === "'") {
          i++;
          continue;
        }
        this.#i = i + 1;
        return { start, end: this.#i };
      }
      return undefined;
    }
    if (!PLAIN_START.test(c)) return undefined;
    let end = start;
    let i = start;
    for (; i < text.length; i++) {
      const d = text[i] as string;
      if (d === '\n' || d === '\r' || d === ',' || d === '[' || d === ']' || d === '{' || d === '}') break;
      if (d === ':' && ' ,[]{}\r\n'.includes(text[i + 1] ?? ' ')) break;
      if (d === '#' && text[i - 1] === ' ') break;
      if (d === '\t') return undefined;
      if (d !== ' ') end = i + 1;
    }
    this.#i = end;
    return { start, end };
  }
}

// A key's name when it is a plain word or quoted without escapes (what locating compares with a path).
function keyName(raw: string): string | undefined {
  if (raw.startsWith('"')) return raw.includes('\\') ? undefined : raw.slice(1, -1);
  if (raw.startsWith("'")) return raw.slice(1, -1).replaceAll("''", "'");
  return PLAIN_KEY.test(raw) && !NOT_STRINGS.has(raw) ? raw : undefined;
}
