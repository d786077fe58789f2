// Which node each alias of a parsed document stands for, found in one pass. yaml's own
// Alias.resolve walks the whole document for every alias, which made a file of many
// aliases cost the square of its size; everything here asks this index instead.

import type { Alias, Document, Node } from 'yaml';
import { yamlLib } from './yaml-lib.js';

/** AnchorIndex is what each alias of a document refers to (undefined: no anchor before it). */
export interface AnchorIndex {
  readonly targets: ReadonlyMap<Alias, Node | undefined>;
  readonly aliasCount: number;
}

const indexes = new WeakMap<Document, AnchorIndex>();

/**
 * anchorIndex resolves every alias of doc, once per document: an alias refers to the last node
 * before it (in document order, itself excluded) that carries its anchor, as YAML says and yaml does.
 */
export function anchorIndex(doc: Document): AnchorIndex {
  const cached = indexes.get(doc);
  if (cached !== undefined) return cached;
  const { visit, isAlias } = yamlLib();
  const latest = new Map<string, Node>();
  const targets = new Map<Alias, Node | undefined>();
  visit(doc, {
    Node(_, node) {
      if (isAlias(node)) targets.set(node, latest.get(node.source));
      else if (node.anchor !== undefined) latest.set(node.anchor, node);
    },
  });
  const index = { targets, aliasCount: targets.size };
  indexes.set(doc, index);
  return index;
}

/** resolveAlias follows aliases (an alias of an alias too) to the node they stand for. */
export function resolveAlias(doc: Document, node: Node | undefined): Node | undefined {
  const { isAlias } = yamlLib();
  // The index walks the whole document: only an alias needs it.
  if (node === undefined || !isAlias(node)) return node;
  const { targets } = anchorIndex(doc);
  let current: Node | undefined = node;
  for (let hops = 0; hops < 64 && current !== undefined && isAlias(current); hops++) {
    current = targets.get(current);
  }
  return current !== undefined && isAlias(current) ? undefined : current;
}
