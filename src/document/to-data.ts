// A parsed yaml Document to plain data, in one pass over its nodes: what yaml's
// Document.toJS gives (aliases share the data of their anchor, `<<` merges as YAML 1.1
// says), without its cost. yaml resolves each alias by walking the document again, so a
// few thousand aliases inside an anchored list took minutes; here every alias is looked up
// in the AnchorIndex. A mapping key that is a list or a mapping, which yaml would turn into
// text (and print a warning about on stderr), is reported instead.

import type { Document, Node, Pair } from 'yaml';
import { anchorIndex } from './anchors.js';
import { yamlLib } from './yaml-lib.js';

/** DataProblem is a construct of the document that has no plain-data reading, with its offsets. */
export interface DataProblem {
  readonly kind: 'complex-key' | 'bad-merge' | 'unknown-alias';
  readonly start: number;
  readonly end: number;
}

/** DataResult is the document's data, and what could not be read (the data is not valid then). */
export interface DataResult {
  readonly data: unknown;
  readonly problems: readonly DataProblem[];
}

/** toData converts doc to plain data; anchored nodes are converted once and shared by their aliases. */
export function toData(doc: Document): DataResult {
  const lib = yamlLib();
  const { targets } = anchorIndex(doc);
  const converted = new Map<Node, unknown>();
  const problems: DataProblem[] = [];
  const problem = (kind: DataProblem['kind'], node: Node | null | undefined | unknown): void => {
    const range = lib.isNode(node) ? node.range : undefined;
    problems.push({ kind, start: range?.[0] ?? 0, end: range?.[1] ?? 0 });
  };

  const convert = (node: unknown): unknown => {
    if (!lib.isNode(node)) return node === undefined ? null : node;
    if (lib.isAlias(node)) {
      const target = targets.get(node);
      if (target === undefined) {
        problem('unknown-alias', node);
        return null;
      }
      return converted.has(target) ? converted.get(target) : convert(target);
    }
    if (lib.isScalar(node)) {
      const value = typeof node.value === 'bigint' ? Number(node.value) : node.value;
      if (node.anchor !== undefined) converted.set(node, value);
      return value;
    }
    if (lib.isSeq(node)) {
      const list: unknown[] = [];
      // Set before the items: an alias inside its own anchor gets the list itself, as in yaml.
      if (node.anchor !== undefined) converted.set(node, list);
      for (const item of node.items) list.push(convert(item));
      return list;
    }
    if (lib.isMap(node)) {
      const map: Record<string, unknown> = {};
      if (node.anchor !== undefined) converted.set(node, map);
      for (const pair of node.items) addPair(map, pair);
      return map;
    }
    return null;
  };

  const isMergeKey = (key: unknown): boolean =>
    lib.isScalar(key) &&
    (typeof key.value === 'symbol' ||
      (key.value === '<<' && (key.type === undefined || key.type === 'PLAIN')));

  const addPair = (map: Record<string, unknown>, pair: Pair): void => {
    if (isMergeKey(pair.key)) {
      merge(map, pair.value);
      return;
    }
    const jsKey = convert(pair.key);
    let name: string;
    if (jsKey === null) name = '';
    else if (typeof jsKey === 'object') {
      problem('complex-key', pair.key);
      name = JSON.stringify(jsKey) ?? '';
    } else name = String(jsKey);
    define(map, name, convert(pair.value), true);
  };

  // `<<: source` or `<<: [sources]`: each key of each source that the mapping does not have yet.
  const merge = (map: Record<string, unknown>, value: unknown): void => {
    const source = lib.isAlias(value) ? targets.get(value) : value;
    const sources = lib.isSeq(source) ? source.items : [source];
    for (const item of sources) {
      const from = lib.isAlias(item) ? targets.get(item) : item;
      if (!lib.isMap(from)) {
        problem('bad-merge', item ?? value);
        continue;
      }
      for (const [name, v] of entries(from)) {
        if (!Object.hasOwn(map, name)) define(map, name, v, false);
      }
    }
  };

  // The entries of a merge source, its own merges included, keyed as a JavaScript Map would be.
  const entries = (from: Node): [string, unknown][] => {
    const map: Record<string, unknown> = {};
    if (lib.isMap(from)) {
      for (const pair of from.items) {
        if (isMergeKey(pair.key)) merge(map, pair.value);
        else {
          const jsKey = convert(pair.key);
          if (jsKey !== null && typeof jsKey === 'object') problem('complex-key', pair.key);
          define(map, String(jsKey), convert(pair.value), true);
        }
      }
    }
    return Object.entries(map);
  };

  return { data: convert(doc.contents), problems };
}

// A key such as __proto__ or constructor becomes an own property, never a prototype change.
function define(map: Record<string, unknown>, name: string, value: unknown, overwrite: boolean): void {
  if (!overwrite && Object.hasOwn(map, name)) return;
  if (name in map) {
    Object.defineProperty(map, name, { value, writable: true, enumerable: true, configurable: true });
  } else map[name] = value;
}
