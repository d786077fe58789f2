// The bound on nesting, for every file and every cloud answer. YAML is scanned
// before it is parsed: the parser of record runs out of memory on tens of
// thousands of nested "[" long before it reports anything, so such files are
// refused here with a location instead. JSON is parsed first (JSON.parse does
// not recurse) and its data walked: what reads it afterwards (schemas,
// fingerprints, renderers) recurses, and a million levels overflow the stack.

/** MAX_DEPTH is the deepest nesting of collections rescind reads; real plans nest about six deep. */
export const MAX_DEPTH = 256;

/**
 * findExcessiveNesting returns the offset at which the nesting of `text` exceeds
 * `limit`, or undefined. It over-estimates rather than under-estimates: flow
 * brackets inside plain scalars count, quoted scalars end at the line end.
 */
export function findExcessiveNesting(text: string, limit = MAX_DEPTH): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    // At a line start: measure the indentation.
    let indent = 0;
    while (i < n && text.charCodeAt(i) === 32) {
      indent++;
      i++;
    }
    const c = text.charCodeAt(i);
    const blank = i >= n || c === 10 || c === 13 || c === 35; /* # */
    if (!blank && flow === 0) {
      while (indents.length > 0 && (indents[indents.length - 1] ?? 0) >= indent) indents.pop();
      indents.push(indent);
      if (indents.length > limit) return i;
    }
    // Within the line: compact block indicators ("- - x"), flow brackets, quotes, comments.
    let atNodeStart = true;
    let blockScalar = false;
    let compact = 0;
    while (i < n) {
      const ch = text.charCodeAt(i);
      if (ch === 10 || ch === 13) break;
      if (ch === 35 /* # */ && (i === 0 || isSpace(text.charCodeAt(i - 1)))) {
        while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
        break;
      }
      if (ch === 34 /* " */ || ch === 39 /* ' */) {
        if (atNodeStart || flow > 0) {
          i = skipQuoted(text, i, ch);
          atNodeStart = false;
          continue;
        }
      } else if (ch === 91 /* [ */ || ch === 123 /* { */) {
        if (atNodeStart || flow > 0) {
          flow++;
          if (indents.length + compact + flow > limit) return i;
          atNodeStart = true;
          i++;
          continue;
        }
      } else if (ch === 93 /* ] */ || ch === 125 /* } */) {
        if (flow > 0) flow--;
      } else if ((ch === 45 /* - */ || ch === 63 /* ? */ || ch === 58) /* : */ && isSpaceOrEnd(text, i + 1)) {
        if (flow === 0 && ch !== 58) {
          compact++;
          if (indents.length + compact > limit) return i;
        }
        atNodeStart = true;
        i++;
        continue;
      } else if ((ch === 124 /* | */ || ch === 62) /* > */ && atNodeStart && flow === 0) {
        blockScalar = true;
      } else if (ch === 44 /* , */ && flow > 0) {
        atNodeStart = true;
        i++;
        continue;
      }
      if (!isSpace(ch)) atNodeStart = false;
      i++;
    }
    // Skip the line break.
    if (i < n && text.charCodeAt(i) === 13) i++;
    if (i < n && text.charCodeAt(i) === 10) i++;
    if (blockScalar) i = skipMoreIndented(text, i, indent);
  }
  return undefined;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

function isSpaceOrEnd(text: string, i: number): boolean {
  if (i >= text.length) return true;
  const c = text.charCodeAt(i);
  return c === 32 || c === 9 || c === 10 || c === 13;
}

// Skips a quoted scalar; stops at the closing quote or, conservatively, the line end.
function skipQuoted(text: string, start: number, quote: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
    if (quote === 34 && c === 92 /* \ */) {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (quote === 39 && text.charCodeAt(i + 1) === 39) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return i;
}

// Skips the lines of a block scalar: blank lines and lines indented more than its parent.
function skipMoreIndented(text: string, start: number, parentIndent: number): number {
  let i = start;
  while (i < text.length) {
    let j = i;
    while (j < text.length && text.charCodeAt(j) === 32) j++;
    const c = text.charCodeAt(j);
    const blank = j >= text.length || c === 10 || c === 13;
    if (!blank && j - i <= parentIndent) return i;
    while (j < text.length && text.charCodeAt(j) !== 10) j++;
    i = j + 1;
  }
  return text.length;
}

/**
 * exceedsDepth tells whether data, as JSON.parse makes it, nests collections deeper than `limit`: a
 * top-level object or array is level 1. It walks with a stack of its own, costs a look at each value
 * (some 6 µs for a page of 100 KMS grants, which takes some 100 µs to parse), and stops at the first
 * collection past the limit.
 */
export function exceedsDepth(data: unknown, limit = MAX_DEPTH): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const collections: object[] = [data];
  const levels: number[] = [1];
  while (collections.length > 0) {
    const collection = collections.pop() as Record<string, unknown> | unknown[];
    const level = levels.pop() as number;
    if (level > limit) return true;
    // An index loop for lists and for...in for objects: no array is made per object (Object.values),
    // no key string per item (for...in over a list). This runs on every cloud answer.
    if (Array.isArray(collection)) {
      for (let i = 0; i < collection.length; i++) push(collections, levels, collection[i], level + 1);
    } else {
      for (const key in collection) push(collections, levels, collection[key], level + 1);
    }
  }
  return false;
}

// Pushes value onto the walk of exceedsDepth when it is a collection: scalars end there.
function push(collections: object[], levels: number[], value: unknown, level: number): void {
  if (typeof value === 'object' && value !== null) {
    collections.push(value);
    levels.push(level);
  }
}

/**
 * findExcessiveJsonNesting returns the offset of the `[` or `{` at which the nesting of the JSON text
 * first exceeds `limit`, or undefined: the place to point at once exceedsDepth said there is one.
 * Brackets inside strings do not count.
 */
export function findExcessiveJsonNesting(text: string, limit = MAX_DEPTH): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < text.length && text.charCodeAt(i) !== 34) i += text.charCodeAt(i) === 92 /* \ */ ? 2 : 1;
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > limit) return i;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return undefined;
}

/**
 * MAX_FULL_PARSE_NODES is the most YAML nodes the parser of record is given. It costs about 5 µs and
 * 500 bytes a node (a 10 MiB file of `a: 1` lines took 20 s and 2.3 GB), so a larger file is read by the
 * fast parser alone: its first YAML error is reported, and schema problems are located by their
 * top-level field. A plan of 100,000 revocations stays under it.
 */
export const MAX_FULL_PARSE_NODES = 1_000_000;

/**
 * estimateNodes is a cheap upper estimate of the nodes of a YAML text: each `:` may start a pair (two
 * nodes), each `-`, `,`, `[`, `{` or `?` one more node. Characters inside scalars count too.
 */
export function estimateNodes(text: string): number {
  let nodes = 1;
  for (let i = 0; i < text.length; i++) {
    switch (text.charCodeAt(i)) {
      case 58: // :
        nodes += 2;
        break;
      case 45: // -
      case 44: // ,
      case 91: // [
      case 123: // {
      case 63: // ?
        nodes += 1;
        break;
    }
  }
  return nodes;
}
