// JSON path -> source range on a parsed yaml Document: the one place where data
// paths become file:line:col (STYLE rule 2). Follows aliases and merge keys, and
// falls back to the closest ancestor that exists.

import type { Document, Node } from 'yaml';
import type { JsonPath } from '../diagnostics/diagnostic.js';
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

function resolve(doc: Document, node: Node | undefined): Node | undefined {
  const { isAlias, isNode } = yamlLib();
  let current = node;
  for (let hops = 0; hops < 64 && current !== undefined && isAlias(current); hops++) {
    const target: unknown = current.resolve(doc);
    current = isNode(target) ? target : undefined;
  }
  return current;
}

function child(doc: Document, node: Node, segment: string | number, depth: number): Step | undefined {
  const { isMap, isNode, isPair, isScalar, isSeq } = yamlLib();
  if (isSeq(node)) {
    const item = node.items[Number(segment)];
    return isNode(item) ? { key: undefined, value: item } : undefined;
  }
  if (!isMap(node) || depth > 16) return undefined;
  const merges: Node[] = [];
  for (const pair of node.items) {
    if (!isPair(pair)) continue;
    const k = pair.key;
    const keyValue = isScalar(k) ? k.value : k;
    // yaml gives a merge key a symbol for a value (older versions: the string '<<').
    const isMerge = typeof keyValue === 'symbol' || (keyValue === '<<' && isScalar(k) && k.type === 'PLAIN');
    if (isMerge && isNode(pair.value)) {
      merges.push(pair.value);
      continue;
    }
    if (keyValue !== null && keyValue !== undefined && !isMerge && String(keyValue) === String(segment)) {
      return { key: isNode(k) ? k : undefined, value: isNode(pair.value) ? pair.value : undefined };
    }
  }
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
