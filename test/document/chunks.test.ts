// A long list is located a chunk of items at a time (src/document/chunks.ts): every path must land
// where the parse of the whole file puts it, whatever the items look like, and a file whose lines the
// chunks cannot follow is located by the whole parse.

import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { JsonPath, SourceRange } from '../../src/diagnostics/diagnostic.js';
import { CHUNK_ITEMS, CHUNK_MIN_ITEMS, Chunks } from '../../src/document/chunks.js';
import { LineIndex } from '../../src/document/line-index.js';
import { type LocateTarget, loadYaml, readFast, type YamlSource } from '../../src/document/load.js';
import { findNode, nodeSpan } from '../../src/document/locate.js';
import { mulberry32 } from '../../src/emulator/faults.js';

// The parse of record, whole: what locate gave before chunks.
function wholeParse(text: string) {
  const doc = parseDocument(text, {
    merge: true,
    uniqueKeys: false,
    prettyErrors: false,
    logLevel: 'silent',
  });
  const index = new LineIndex(text);
  return {
    locate(path: JsonPath, target: LocateTarget = 'value'): SourceRange {
      const found = findNode(doc, path);
      const node = target === 'key' && found.complete && found.key !== undefined ? found.key : found.node;
      let span = nodeSpan(node) ?? (found.key === undefined ? undefined : nodeSpan(found.key)) ?? [0, 0];
      if (node !== undefined && 'items' in node) span = [span[0], span[0] + 1];
      return index.range('f.yaml', span[0], span[1]);
    },
    scalarText(path: JsonPath): string | undefined {
      const found = findNode(doc, path);
      const node = found.complete ? found.node : undefined;
      if (node === undefined || 'items' in node) return undefined;
      const span = nodeSpan(node);
      return span ? text.slice(span[0], span[1]) : undefined;
    },
  };
}

// An item of the list at indent `at`, in one of several shapes.
function item(r: () => number, i: number, at: string): string {
  const pad = `${at}  `;
  switch (Math.floor(r() * 6)) {
    case 0:
      return `${at}- {id: r${i}, type: huaweicloud.kms.grants, account: a, target: {keyId: k${i}, grantId: "g ${i}"}}\n`;
    case 1:
      return `${at}- id: r${i}\n${pad}type: 'alibabacloud.esa.client-certificate'   # a comment\n${pad}target:\n${pad}  siteId: s${i}\n${pad}  ids: [a, "b", 3]\n`;
    case 2:
      return `${at}- id: r${i}\n\n${pad}# a comment line\n${pad}targets:\n${pad}- {keyId: k, grantId: g${i}}\n${pad}-   keyId: k2\n${pad}    grantId: g\n`;
    case 3:
      return `${at}-   id: r${i}\n${at}    type: x\n${at}    note: a plain text\n${at}      over two lines\n`;
    case 4:
      return `${at}- [r${i}, {a: 1}, 'q']\n`;
    default:
      return `${at}- r${i} text # comment\n`;
  }
}

function plan(r: () => number, n: number, compact: boolean, eol: string): string {
  const at = compact ? '  ' : '    ';
  const items = Array.from(
    { length: n },
    (_, i) => item(r, i, at) + (r() < 0.05 ? `\n# between\n` : ''),
  ).join('');
  return `apiVersion: rescind/v1\nkind: RevocationPlan\nmetadata: {name: n, reason: r}\nspec:\n  # the list\n  revocations:   # of ${n}\n${items}  after: 1\nlast: true\n`.replaceAll(
    '\n',
    eol,
  );
}

function fast(text: string): YamlSource {
  const loaded = loadYaml('f.yaml', text);
  if (loaded.source === undefined) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.source;
}

describe('locating a chunk of a long list at a time', () => {
  it('lands every path where the whole parse does, at and around chunk boundaries', () => {
    const r = mulberry32(20261208);
    for (const [compact, eol] of [
      [false, '\n'],
      [true, '\n'],
      [false, '\r\n'],
    ] as const) {
      const n = CHUNK_MIN_ITEMS + CHUNK_ITEMS + 37;
      const text = plan(r, n, compact, eol);
      const source = fast(text);
      const whole = wholeParse(text);
      // Read by the fast parser, then located by chunks indeed.
      expect(readFast(text).ok).toBe(true);
      expect(
        new Chunks(text, source.data).place(['spec', 'revocations', n - 1, 'id'], 'value'),
      ).toBeDefined();
      const items = [0, 1, CHUNK_ITEMS - 1, CHUNK_ITEMS, CHUNK_ITEMS + 1, 2 * CHUNK_ITEMS, n - 1];
      for (let k = 0; k < 60; k++) items.push(Math.floor(r() * n));
      for (const i of items) {
        const base = ['spec', 'revocations', i];
        const paths: JsonPath[] = [
          base,
          [...base, 'id'],
          [...base, 'type'],
          [...base, 'target'],
          [...base, 'target', 'grantId'],
          [...base, 'target', 'ids', 1],
          [...base, 'targets', 1, 'keyId'],
          [...base, 'note'],
          [...base, 1, 'a'],
          [...base, 'missing', 'deeper'],
        ];
        for (const path of paths) {
          for (const target of ['value', 'key'] as const) {
            expect(source.locate(path, target), `${JSON.stringify(path)} ${target}`).toEqual(
              whole.locate(path, target),
            );
          }
          expect(source.scalarText(path)).toBe(whole.scalarText(path));
        }
      }
      // Paths outside the list, before or after its chunks were read.
      for (const path of [
        ['spec', 'after'],
        ['last'],
        ['metadata', 'name'],
        ['spec', 'revocations'],
      ] as JsonPath[]) {
        expect(source.locate(path)).toEqual(whole.locate(path));
      }
    }
  });

  it('falls back to the whole parse where the lines cannot be followed', () => {
    const r = mulberry32(7);
    const items = Array.from({ length: CHUNK_MIN_ITEMS + 3 }, (_, i) => item(r, i, '  ')).join('');
    const texts = [
      // A quoted key on the way, a document marker, the list as a flow sequence, in a flow mapping.
      `"spec":\n  revocations:\n${items}`,
      `---\nspec:\n  revocations:\n${items}`,
      `spec:\n  revocations: [${Array.from({ length: CHUNK_MIN_ITEMS + 3 }, (_, i) => `r${i}`).join(', ')}]\n`,
      `spec: {revocations: [${Array.from({ length: CHUNK_MIN_ITEMS + 3 }, (_, i) => `{id: r${i}}`).join(', ')}]}\n`,
    ];
    for (const text of texts) {
      const source = fast(text);
      const whole = wholeParse(text);
      expect(new Chunks(text, source.data).place(['spec', 'revocations', 0], 'value')).toBeUndefined();
      for (const i of [0, CHUNK_ITEMS + 1, CHUNK_MIN_ITEMS + 2]) {
        for (const path of [
          ['spec', 'revocations', i],
          ['spec', 'revocations', i, 'id'],
        ] as JsonPath[]) {
          expect(source.locate(path)).toEqual(whole.locate(path));
          expect(source.scalarText(path)).toBe(whole.scalarText(path));
        }
      }
    }
  });
});
