// JSON path -> source range on a parsed yaml Document: the one place where data
// paths become file:line:col (STYLE rule 2). Follows aliases and merge keys, and
// falls back to the closest ancestor that exists.

import type { Document, Node, YAMLMap } from 'yaml';
import type { JsonPath } from '../diagnostics/diagnostic.js';
import { resolveAlias } from './anchors.js';
import { yamlLib } from './yaml-lib.js';

/** Found is the node at a path (or its closest ancestor) and, for a mapping value, its key node. */
export interface Found {
  node: Node | undefined;
  key: Node | undefined;
  /** complete tells whether the whole path was found, not just an ancestor. */
  complete: boolean;
}

/** findNode walks `path` from the document's root. */
export function findNode(doc: Document, path: JsonPath): Found {
  const { isNode } = yamlLib();
  let node: Node | undefined = isNode(doc.contents) ? doc.contents : undefined;
  let key: Node | undefined;
  for (const segment of path) {
    const current: Node | undefined = resolve(doc, node);
    if (current === undefined) return { node, key, complete: false };
    const step = child(doc, current, segment, 0);
    if (step === undefined) return { node, key, complete: false };
    node = step.value ?? step.key;
    key = step.key;
  }
  return { node, key, complete: true };
}

interface Step {
  key: Node | undefined;
  value: Node | undefined;
}

const resolve = resolveAlias;

/** KeyIndex is a mapping's keys (the first of each name) and its merge sources, built once per mapping. */
interface KeyIndex {
  keys: Map<string, Step>;
  merges: Node[];
}

// Finding a key by scanning every pair made locating n findings in a mapping of n keys cost n².
const keyIndexes = new WeakMap<YAMLMap, KeyIndex>();

function keyIndex(node: YAMLMap): KeyIndex {
  const cached = keyIndexes.get(node);
  if (cached !== undefined) return cached;
  const { isNode, isPair, isScalar } = yamlLib();
  const index: KeyIndex = { keys: new Map(), merges: [] };
  for (const pair of node.items) {
    if (!isPair(pair)) continue;
    const k = pair.key;
    const keyValue = isScalar(k) ? k.value : k;
    // yaml gives a merge key a symbol for a value (older versions: the string '<<').
    const isMerge = typeof keyValue === 'symbol' || (keyValue === '<<' && isScalar(k) && k.type === 'PLAIN');
    if (isMerge) {
      if (isNode(pair.value)) index.merges.push(pair.value);
      continue;
    }
    if (keyValue === null || keyValue === undefined) continue;
    const name = String(keyValue);
    if (!index.keys.has(name)) {
      index.keys.set(name, {
        key: isNode(k) ? k : undefined,
        value: isNode(pair.value) ? pair.value : undefined,
      });
    }
  }
  keyIndexes.set(node, index);
  return index;
}

function child(doc: Document, node: Node, segment: string | number, depth: number): Step | undefined {
  const { isMap, isNode, isSeq } = yamlLib();
  if (isSeq(node)) {
    const item = node.items[Number(segment)];
    return isNode(item) ? { key: undefined, value: item } : undefined;
  }
  if (!isMap(node) || depth > 16) return undefined;
  const { keys, merges } = keyIndex(node);
  const own = keys.get(String(segment));
  if (own !== undefined) return own;
  // A merged key: point into the mapping it was merged from.
  for (const m of merges) {
    const sources = isSeq(m) ? m.items : [m];
    for (const source of sources) {
      const target = resolve(doc, isNode(source) ? source : undefined);
      if (target === undefined) continue;
      const found = child(doc, target, segment, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** nodeSpan is the [start, end) offsets of a node's value, without trailing comments. */
export function nodeSpan(node: Node | undefined): [number, number] | undefined {
  const range = node?.range;
  if (!range) return undefined;
  return [range[0], range[1]];
}

/** Place is where locate points for a path: a span of the text, and whether the path ends at a scalar. */
export interface Place {
  readonly span: readonly [number, number];
  readonly scalar: boolean;
}

/**
 * placeOf is where locate points for path in doc: at the key or the value (the closest ancestor when
 * the path goes further than the document), a collection by where it starts.
 */
export function placeOf(doc: Document, path: JsonPath, target: 'key' | 'value'): Place {
  const { isAlias, isCollection, isScalar } = yamlLib();
  const found = findNode(doc, path);
  const node = target === 'key' && found.complete && found.key !== undefined ? found.key : found.node;
  let span = nodeSpan(node);
  if (span === undefined && found.key !== undefined) span = nodeSpan(found.key);
  if (span === undefined) span = [0, 0];
  // A mapping or list value spans many lines: point at where it starts.
  if (node !== undefined && isCollection(node)) span = [span[0], span[0] + 1];
  const scalar =
    found.complete && node !== undefined && isScalar(node) && !isAlias(node) && nodeSpan(node) !== undefined;
  return { span, scalar };
}
