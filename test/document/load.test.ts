// The loader: its two parsers must agree, and hostile input (huge, deep, aliased,
// tagged, multi-document) gets a located diagnostic instead of a crash or a hang.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findExcessiveNesting, MAX_DEPTH } from '../../src/document/depth.js';
import { LineIndex } from '../../src/document/line-index.js';
import { loadYaml, readFast, readWithYaml } from '../../src/document/load.js';
import { decodeText, MAX_FILE_BYTES } from '../../src/document/text.js';
import { fixture, repoRoot } from '../helpers/paths.js';

// Scalars whose meaning differs between YAML 1.1 and 1.2, or between parsers.
const TRICKY_SCALARS = [
  '0x1F',
  '0o17',
  '017',
  '0b101',
  '1_000',
  '+12',
  '-0',
  '0.',
  '.5',
  '+.5',
  '1e3',
  '1E-3',
  '6.02e+23',
  '.inf',
  '-.Inf',
  '+.INF',
  '.nan',
  '.NaN',
  '~',
  'null',
  'Null',
  'NULL',
  'true',
  'True',
  'TRUE',
  'false',
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  '2001-12-14',
  '2001-12-14t21:59:43.10-05:00',
  '12:30:00',
  '=',
  '<<',
  '1234567890123456789',
  '276543210987654321',
  '00123',
  '"123"',
  "'it''s'",
  '"\\u00e9\\t\\x41"',
  '!!str 12',
  '! 12',
  '!!int "12"',
  '!!float 1',
  '!!bool true',
  '!!null ""',
  'a: b',
  '"# not a comment"',
  'x # comment',
  '@at',
  '`tick',
  '%percent',
  '|-\n  block\n  text',
  '>\n  folded\n  text\n',
  '[a, [b, {c: d}]]',
  '{a: 1, b: [2, 3]}',
  '? complex\n: key',
  '"multi\n  line"',
  'plain\n  continued',
];

const TRICKY_DOCUMENTS = [
  'a: 1\n__proto__: {polluted: true}\n',
  '__proto__: x\n',
  'a:\n  - b: 1\n    c: 2\n  - - nested\n',
  'empty_map: {}\nempty_seq: []\nnull_value:\n',
  'key with spaces: v\n"quoted key": v\n? explicit\n: v\n',
  'crlf: a\r\nnext: b\r\n',
  '---\nexplicit: start\n...\n',
  `long: "${'x'.repeat(10_000)}"\n`,
  'unicode: "\u{1F510} clé"\n',
  'a: 1\na: 2\n',
  'base: {x: 1}\nmerged:\n  <<: {x: 2, y: 3}\n  z: 4\n',
  'lone: cr\rnext: line\n',
  'a: [1, 2\n',
  'a: b: c\n',
];

describe('the fast reader agrees with the parser of record', () => {
  const cases: [string, string][] = [
    ...TRICKY_SCALARS.map((s): [string, string] => [`value ${JSON.stringify(s)}`, `value: ${indent(s)}\n`]),
    ...TRICKY_DOCUMENTS.map((d, i): [string, string] => [`document ${i}`, d]),
    ...yamlFiles(fixture('validate/valid')).map((f): [string, string] => [f, readFileSync(f, 'utf8')]),
    ...yamlFiles(`${repoRoot}plans/examples`).map((f): [string, string] => [f, readFileSync(f, 'utf8')]),
  ];
  it.each(cases)('%s', (_, text) => {
    const fast = readFast(text.replace(/^\uFEFF/, ''));
    const slow = readWithYaml(text.replace(/^\uFEFF/, ''));
    if (!fast.ok) return; // The fast reader declined: the parser of record decides alone.
    expect(slow.errors).toEqual([]);
    expect(fast.data).toStrictEqual(slow.data);
  });

  it('declines what it cannot read the same way: anchors, directives, tags, errors', () => {
    expect(readFast('a: &x 1\nb: *x\n').ok).toBe(false);
    expect(readFast('%YAML 1.1\n---\na: yes\n').ok).toBe(false);
    expect(readFast('a: !!binary aGVsbG8=\n').ok).toBe(false);
    expect(readFast('a: 1\na: 2\n').ok).toBe(false);
    expect(readFast('a: [1\n').ok).toBe(false);
    expect(readFast('a: 1\n').ok).toBe(true);
  });

  // js-yaml accepts a quoted scalar or a flow collection continued on a line that is not indented enough,
  // where `yaml` refuses it: the fast reader declines every one that runs past its line.
  it('declines quoted scalars and flow collections over several lines, and only those', () => {
    expect(readFast('value: "a\\\nb"\n').ok).toBe(false);
    expect(readWithYaml('value: "a\\\nb"\n').errors.length).toBeGreaterThan(0);
    expect(readFast("value: 'a\n  b'\n").ok).toBe(false);
    expect(readFast('list: ["a,\n  b"]\n').ok).toBe(false);
    expect(readFast('map: {a: 1,\nb: 2}\n').ok).toBe(false);
    expect(readWithYaml('map: {a: 1,\nb: 2}\n').errors.length).toBeGreaterThan(0);
    expect(readFast('map: {a: [1, 2], b: "}"}\nlist: [x, {y: z}]\n').ok).toBe(true);
    expect(readFast(`a: "x" # it's\nb: 'it''s'\nc: don't\nd: "say \\"hi"\n`).ok).toBe(true);
  });

  it('keeps __proto__ as plain data, never as a prototype', () => {
    for (const text of ['__proto__: {polluted: true}\n', 'a: &x {polluted: true}\n__proto__: *x\n']) {
      const { source } = loadYaml('p.yaml', text);
      const data = source?.data as Record<string, unknown>;
      expect(Object.hasOwn(data, '__proto__')).toBe(true);
      expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });
});

describe('hostile input', () => {
  it('refuses 100,000 nested flow sequences at the depth limit, quickly and without a stack overflow', () => {
    const text = `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    const { source, diagnostics } = loadYaml('deep.yaml', text);
    expect(source).toBeUndefined();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'yaml.too-deep', range: { start: { line: 1 } } });
    // The top mapping and 256 lists make 257 collections: the 256th "[" is one too many.
    expect(diagnostics[0]?.range?.start.column).toBe(3 + MAX_DEPTH);
  });

  it('refuses deep block nesting too', () => {
    const text = Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    expect(findExcessiveNesting(text)).toBeDefined();
    expect(loadYaml('deep.yaml', text).diagnostics[0]?.code).toBe('yaml.too-deep');
  });

  it('stops a billion-laughs alias bomb with a located diagnostic', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const { source, diagnostics } = loadYaml('bomb.yaml', `${levels.join('\n')}\n`);
    expect(source).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).toEqual(['yaml.alias-limit']);
    expect(diagnostics[0]?.range?.start.line).toBeGreaterThan(1);
  });

  it('names the file when it is larger than the cap, without decoding it', () => {
    const bytes = new Uint8Array(30 * 1024 * 1024).fill(0x61);
    const { text, diagnostics } = decodeText('big.yaml', bytes);
    expect(text).toBeUndefined();
    expect(diagnostics).toMatchObject([{ code: 'file.too-large', file: 'big.yaml' }]);
    expect(diagnostics[0]?.message).toContain('30.0 MiB');
    expect(bytes.length).toBeGreaterThan(MAX_FILE_BYTES);
  });

  it('reads a file just under the cap (a long list of revocations) without error', () => {
    const item = (i: number) =>
      `  - {id: r${i}, type: huaweicloud.kms.grant, account: hw-prod, target: {keyId: 0d0466b0-e727-4d9c-b35d-f84bb474a37f, grantId: ${i.toString(16).padStart(64, '0')}}}\n`;
    let text = 'revocations:\n';
    for (let i = 0; text.length < MAX_FILE_BYTES - 200; i++) text += item(i);
    const { source, diagnostics } = loadYaml('large.yaml', text);
    expect(diagnostics).toEqual([]);
    const data = source?.data as { revocations: unknown[] } | undefined;
    expect(data?.revocations.length).toBeGreaterThan(50_000);
  });

  it('locates invalid UTF-8, NUL bytes and control characters', () => {
    const bad = decodeText('u.yaml', new Uint8Array([0x61, 0x3a, 0x0a, 0x62, 0x3a, 0x20, 0xc3, 0x28]));
    expect(bad.diagnostics[0]).toMatchObject({
      code: 'file.encoding',
      range: { start: { line: 2, column: 4 } },
    });
    const nul = decodeText('n.yaml', new TextEncoder().encode('a: 1\nb: \0\n'));
    expect(nul.diagnostics[0]).toMatchObject({
      code: 'file.control-character',
      range: { start: { line: 2, column: 4 } },
    });
    expect(decodeText('b.yaml', new Uint8Array([0xef, 0xbb, 0xbf, 0x61])).text).toBe('a');
    expect(decodeText('w.yaml', new Uint8Array([0xff, 0xfe, 0x61, 0])).diagnostics[0]?.code).toBe(
      'file.encoding',
    );
  });

  it('reports a second document at its start', () => {
    const { diagnostics } = loadYaml('m.yaml', 'a: 1\n---\nb: 2\n');
    expect(diagnostics[0]).toMatchObject({ code: 'document.multiple', range: { start: { line: 2 } } });
  });
});

describe('LineIndex', () => {
  it('counts \\n, \\r\\n and lone \\r as line ends, columns from 1', () => {
    const index = new LineIndex('ab\ncd\r\nef\rgh');
    expect(index.pos(0)).toEqual({ line: 1, column: 1, offset: 0 });
    expect(index.pos(4)).toEqual({ line: 2, column: 2, offset: 4 });
    expect(index.pos(7)).toEqual({ line: 3, column: 1, offset: 7 });
    expect(index.pos(10)).toEqual({ line: 4, column: 1, offset: 10 });
    expect(index.pos(99)).toEqual({ line: 4, column: 3, offset: 12 });
  });
});

function indent(s: string): string {
  return s.includes('\n') && !/^[|>]/.test(s) && !s.startsWith('"') ? `\n  ${s.replace(/\n/g, '\n  ')}` : s;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => `${dir}/${f}`);
}
