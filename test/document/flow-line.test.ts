// A list item written as one flow collection is located without a parse of record (flow-line.ts): on
// thousands of random lines, every path it reads must land where yaml's nodes put it, and a line it
// does not read must be declined, never misread.

import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { JsonPath } from '../../src/diagnostics/diagnostic.js';
import { placeInFlow, readFlowLine } from '../../src/document/flow-line.js';
import { placeOf } from '../../src/document/locate.js';
import { mulberry32 } from '../../src/emulator/faults.js';

const SCALARS = [
  'word',
  'two words',
  'a:b',
  'http://example.com/x?y=1',
  '2026-12-01T10:00:00Z',
  '42',
  '-1',
  '~',
  'true',
  '"quoted, with: [brackets] # and {braces}"',
  '"esc \\" quote"',
  "'single ''quoted'''",
  "'#not a comment'",
  'trailing   ',
  'é',
  'x.y/z',
];
const KEYS = ['id', 'type', 'target', 'key_id', 'a-b', '"quoted key"', "'it''s'", 'true', '1', 'null', 'x y'];

function node(r: () => number, depth: number): string {
  const pick = r();
  if (depth > 2 || pick < 0.45) return SCALARS[Math.floor(r() * SCALARS.length)] as string;
  const n = Math.floor(r() * 4);
  const sep = () => [', ', ',', ' , '][Math.floor(r() * 3)];
  const trailing = r() < 0.1 ? ',' : '';
  if (pick < 0.75) {
    const entries = Array.from(
      { length: n },
      () => `${KEYS[Math.floor(r() * KEYS.length)]}: ${node(r, depth + 1)}`,
    );
    return `{${entries.join(sep())}${n > 0 ? trailing : ''}}`;
  }
  return `[${Array.from({ length: n }, () => node(r, depth + 1)).join(sep())}${n > 0 ? trailing : ''}]`;
}

// Every path into value, and one step past each.
function paths(value: unknown, prefix: JsonPath = []): JsonPath[] {
  const out: JsonPath[] = [prefix, [...prefix, 'nowhere']];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) out.push(...paths(value[i], [...prefix, i]));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  }
  return out;
}

describe('reading a list item written as one flow collection', () => {
  it('places every path where yaml does, on 3,000 random lines, and declines what it does not read', () => {
    const r = mulberry32(20261208);
    let read = 0;
    for (let i = 0; i < 3000; i++) {
      const body = node(r, 0);
      const wrapped = body.startsWith('{') || body.startsWith('[') ? body : `[${body}]`;
      const line = `  - ${wrapped}${r() < 0.2 ? '   # a comment' : ''}\n`;
      const doc = parseDocument(line, { uniqueKeys: false, prettyErrors: false, logLevel: 'silent' });
      const flow = readFlowLine(line, 4);
      if (doc.errors.length > 0 || doc.warnings.length > 0) continue;
      if (flow === undefined) continue;
      read++;
      for (const path of paths(doc.toJS())) {
        for (const target of ['value', 'key'] as const) {
          expect(placeInFlow(flow, path, target), `${line} ${JSON.stringify(path)} ${target}`).toEqual(
            placeOf(doc, [0, ...path], target),
          );
        }
      }
    }
    // Most lines are of the subset read; the rest are left to the parser of record.
    expect(read).toBeGreaterThan(1500);
  });

  it('declines what it does not read: tags, anchors, keys alone, empty values, lines that go on', () => {
    for (const line of [
      '{a: !tag b}',
      '{a: &x b}',
      '{a: *x}',
      '{a, b: 1}',
      '{a: , b: 1}',
      '{a: b} c',
      '{a: b',
      '[a: b]',
      '{? a : b}',
      '{1: a}',
      '{true: a}',
      '{"esc\\"d": 1}',
      '{a:b}',
      '{a: [b, {c: d}]',
    ]) {
      expect(readFlowLine(line, 0), line).toBeUndefined();
    }
  });
});
