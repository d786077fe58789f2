// canonicalJson (RFC 8785 member order) takes a native path (JSON.stringify of a copy whose members were
// inserted in sorted order) when that writes the same text, and the walk otherwise (names like array
// indexes, __proto__, toJSON, objects that are not plain): both must agree with a plain reference
// writer on every JSON value.

import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/emulator/faults.js';
import { canonicalJson, canonicalSha256, sameJson, sha256 } from '../../src/plan/model.js';

// The reference: members sorted at every depth, undefined members left out, as RFC 8785 orders them.
function reference(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(reference).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const NAMES = [
  'a',
  'b',
  'B',
  '',
  'é',
  'z\u0000',
  '\ud83d\ude00',
  'constructor',
  'toString',
  'key',
  '01',
  '-1',
];
const INDEX_NAMES = ['10', '9', '0'];

function randomValue(r: () => number, depth: number, keys: readonly string[]): unknown {
  const pick = r();
  if (depth > 3 || pick < 0.35) {
    const leaf = Math.floor(r() * 7);
    return [null, true, false, r() * 1e6 - 5e5, Math.floor(r() * 100), 'text \u2028 "q"', 1e21][leaf];
  }
  if (pick < 0.6) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1, keys));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 6); i > 0; i--) {
    o[keys[Math.floor(r() * keys.length)] as string] =
      r() < 0.1 ? undefined : randomValue(r, depth + 1, keys);
  }
  return o;
}

describe('canonicalJson', () => {
  it('sorts members at every depth, numeric names as text', () => {
    expect(canonicalJson({ b: 1, a: [{ d: true, c: null }], 10: 'x', 9: 'y', u: undefined })).toBe(
      '{"10":"x","9":"y","a":[{"c":null,"d":true}],"b":1}',
    );
  });

  it('agrees with the reference on 3,000 random JSON values, parsed back or built in memory', () => {
    const r = mulberry32(20261207);
    for (let i = 0; i < 3000; i++) {
      // One in three with names like array indexes, which take the walk.
      const v = randomValue(r, 0, i % 3 === 0 ? [...NAMES, ...INDEX_NAMES] : NAMES);
      expect(canonicalJson(v)).toBe(reference(v));
      const parsed: unknown = JSON.parse(JSON.stringify(v) ?? 'null');
      expect(canonicalJson(parsed)).toBe(reference(parsed));
    }
  });

  it('agrees with the reference on objects of up to 40 names, in order or not, whose later members need reordering', () => {
    // Small objects are sorted by insertion, larger ones by Array.prototype.sort; an object already in
    // order is copied from the first member that changes, keeping the members before it as they are.
    const r = mulberry32(20261208);
    const names = Array.from({ length: 40 }, (_, i) => `n${String.fromCharCode(65 + ((i * 7) % 40))}${i}`);
    for (let i = 0; i < 500; i++) {
      const chosen = names.filter(() => r() < 0.5).slice(0, Math.floor(r() * 41));
      if (i % 2 === 0) chosen.sort();
      const o: Record<string, unknown> = {};
      for (const name of chosen) o[name] = r() < 0.3 ? { z: 1, a: [2, { y: 3, b: 4 }] } : Math.floor(r() * 9);
      expect(canonicalJson(o)).toBe(reference(o));
      expect(canonicalJson([o, { o }])).toBe(reference([o, { o }]));
    }
  });

  it('keeps an own __proto__ member and leaves inherited ones out', () => {
    const parsed: unknown = JSON.parse('{"__proto__":{"x":1},"a":{"b":2}}');
    expect(canonicalJson(parsed)).toBe('{"__proto__":{"x":1},"a":{"b":2}}');
  });

  it('writes an object of many distinct names, a toJSON member and a null-prototype object the same way', () => {
    const many = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`k${599 - i}`, i]));
    expect(canonicalJson({ many })).toBe(reference({ many }));
    expect(canonicalJson({ toJSON: 'not a function', a: 1 })).toBe('{"a":1,"toJSON":"not a function"}');
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 });
    expect(canonicalJson(bare)).toBe('{"a":2,"b":1}');
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(RangeError);
    expect(() => canonicalJson([() => 1])).toThrow(TypeError);
  });
});

// canonicalSha256 hashes the text in pieces (a saved plan's digest): it must hash exactly canonicalJson's text.
describe('canonicalSha256', () => {
  it('is the SHA-256 of canonicalJson on 3,000 random values, and on a plan of many targets', () => {
    const r = mulberry32(1207);
    for (let i = 0; i < 3000; i++) {
      const v = randomValue(r, 0, i % 3 === 0 ? [...NAMES, ...INDEX_NAMES] : NAMES);
      expect(canonicalSha256(v)).toBe(sha256(canonicalJson(v)));
    }
    const plan = {
      targets: Array.from({ length: 50 }, () => randomValue(r, 1, NAMES)),
      z: { '10': [undefined, 'é'], '9': 'x', skipped: undefined },
      __proto__: null,
    };
    expect(canonicalSha256(plan)).toBe(sha256(canonicalJson(plan)));
    expect(canonicalSha256(JSON.parse('{"__proto__":{"b":1,"a":2}}'))).toBe(
      sha256('{"__proto__":{"a":2,"b":1}}'),
    );
  });

  it('refuses what JSON cannot hold, as canonicalJson does', () => {
    expect(() => canonicalSha256({ a: [1, { b: Number.NaN }] })).toThrow(RangeError);
    expect(() => canonicalSha256({ a: [() => 1] })).toThrow(TypeError);
  });
});

// sameJson compares without writing: it must say equal exactly when the canonical texts are equal.
describe('sameJson', () => {
  it('agrees with comparing canonical texts on 3,000 random pairs, near and far', () => {
    const r = mulberry32(7);
    let equal = 0;
    for (let i = 0; i < 3000; i++) {
      const a = randomValue(r, 0, NAMES);
      // Half the time b is a's copy, reordered by a JSON round trip and perhaps changed in one leaf.
      const b: unknown =
        i % 2 === 0
          ? JSON.parse((JSON.stringify(a) ?? 'null').replace(/true/, 'false'))
          : randomValue(r, 0, NAMES);
      const same = canonicalJson(a) === canonicalJson(b);
      if (same) equal++;
      expect(sameJson(a, b), `${JSON.stringify(a)} / ${JSON.stringify(b)}`).toBe(same);
    }
    expect(equal).toBeGreaterThan(300);
  });

  it('leaves undefined members out, and writes an undefined array item as null', () => {
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: null }, { a: undefined })).toBe(false);
    expect(sameJson([undefined], [null])).toBe(true);
    expect(sameJson({ b: [1, { c: 'x' }], a: 2 }, { a: 2, b: [1, { c: 'x' }] })).toBe(true);
    expect(sameJson({ a: 0 }, { a: -0 })).toBe(true);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
  });

  it('compares by text what canonicalJson writes apart, and refuses what JSON cannot hold', () => {
    expect(sameJson({ toJSON: 'x', a: 1 }, { a: 1, toJSON: 'x' })).toBe(true);
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    expect(sameJson(bare, { a: 1 })).toBe(true);
    expect(() => sameJson({ a: Number.NaN }, { a: 1 })).toThrow(RangeError);
  });
});
