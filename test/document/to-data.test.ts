// toData against the parser of record: for documents with anchors, aliases and merge keys it must give
// exactly what yaml's own Document.toJS gives, on hand-written cases and on generated ones; it must
// report a list or mapping used as a key; and it must stay linear where toJS is not.

import { describe, expect, it } from 'vitest';
import { type Document, parseDocument } from 'yaml';
import { toData } from '../../src/document/to-data.js';

function parse(text: string): Document {
  return parseDocument(text, { merge: true, uniqueKeys: false, logLevel: 'silent' });
}

function same(text: string): void {
  const doc = parse(text);
  expect(doc.errors).toEqual([]);
  const ours = toData(doc);
  expect(ours.problems).toEqual([]);
  expect(ours.data).toEqual(doc.toJS({ maxAliasCount: -1 }));
}

describe('toData', () => {
  it.each([
    ['scalars', 'a: &x 1\nb: *x\nc: &y text\nd: [*y, *x]\n'],
    ['a list and a mapping', 'a: &l [1, 2]\nb: *l\nm: &m {k: v}\nn: [*m, *m]\n'],
    ['a redefined anchor: the last before the alias', 'a: &x 1\nb: *x\nc: &x 2\nd: *x\n'],
    ['a merge', 'base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\n'],
    ['an explicit key before the merge wins', 'base: &b {a: 1, b: 2}\nx:\n  b: 3\n  <<: *b\n'],
    ['a list of merges: earlier sources win', 'p: &p {a: 1}\nq: &q {a: 2, b: 2}\nx:\n  <<: [*p, *q]\n'],
    ['a merge inside a merge source', 'p: &p {a: 1}\nq: &q {<<: *p, b: 2}\nx: {<<: *q, c: 3}\n'],
    ['an inline merge source', 'x:\n  <<: {a: 1}\n  b: 2\n'],
    ['keys that are not text', '1: one\ntrue: yes\n~: none\n0x10: hex\n'],
    ['keys of the object prototype', '__proto__: {polluted: true}\nconstructor: c\ntoString: t\n'],
    ['a merged key of the object prototype', 'b: &b {__proto__: p, constructor: c}\nx: {<<: *b}\n'],
    ['an aliased key', 'a: &k name\n*k : value\n'],
    ['an empty document', '# nothing\n'],
  ])('gives what yaml gives: %s', (_, text) => same(text));

  it('gives what yaml gives on generated documents of anchors, aliases and merges', () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const anchors: string[] = [];
      const maps: string[] = [];
      const lines: string[] = [];
      for (let i = 0; i < 8; i++) {
        const pick = random(5);
        const key = `k${random(6)}`;
        if (pick === 0 || anchors.length === 0) {
          const name = `a${i}`;
          const isMap = random(2) === 0;
          lines.push(
            `${key}: &${name} ${isMap ? `{x: ${random(3)}, y${random(3)}: ${i}}` : `[${i}, ${random(9)}]`}`,
          );
          anchors.push(name);
          if (isMap) maps.push(name);
        } else if (pick === 1 && maps.length > 0) {
          const sources = [maps[random(maps.length)], maps[random(maps.length)]].map((m) => `*${m}`);
          lines.push(`${key}: {${random(2) === 0 ? `x: ${i}, ` : ''}<<: [${sources.join(', ')}]}`);
        } else lines.push(`${key}: *${anchors[random(anchors.length)]}`);
      }
      same(`${lines.join('\n')}\n`);
    }
  });

  it('reports a list or a mapping used as a key, where yaml would turn it into text', () => {
    const text = 'a: 1\n? [x, y]\n: 2\n{k: v}: 3\n';
    const { problems } = toData(parse(text));
    expect(problems.map((p) => [p.kind, text.slice(p.start, p.end)])).toEqual([
      ['complex-key', '[x, y]'],
      ['complex-key', '{k: v}'],
    ]);
  });

  it('shares the data of an anchor with its aliases, as yaml does', () => {
    const { data } = toData(parse('a: &l [1]\nb: *l\n'));
    const { a, b } = data as { a: unknown; b: unknown };
    expect(a).toBe(b);
  });
});
