// Editor support beyond completion of names: yaml-language-server, driven over LSP stdio on a plan
// with the modeline of the examples, shows a field's description from the schema on hover, and
// offers a type's schema examples as values. The expectations are read from schemas/, so that they
// follow the schemas. This needs the schema bundles of dist/schemas/ (npm run build).

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readSchemaFiles } from '../../src/schema/schemas.js';
import { type CompletionItem, LspClient } from '../helpers/lsp.js';
import { repoRoot } from '../helpers/paths.js';

const client = new LspClient();
const folder = `${pathToFileURL(repoRoot).href}plans/examples/`;
const modeline =
  readFileSync(`${repoRoot}plans/examples/huaweicloud.kms.grant.yaml`, 'utf8').split('\n')[0] ?? '';

beforeAll(() => client.start());
afterAll(() => client.close());

const files = readSchemaFiles();
type Def = { description?: string; examples?: unknown[]; properties?: Record<string, Def> };
const defs = (file: string) => (files.get(file)?.$defs ?? {}) as Record<string, Def>;
const kms = defs('types/huaweicloud.kms.grant.schema.json');

// A KMS grant revocation by target, then one by selector, each value left open on its last line.
const lines = [
  modeline,
  'apiVersion: rescind/v1',
  'kind: RevocationPlan',
  'metadata: {name: x, reason: y}',
  'spec:',
  '  revocations:',
  '    - id: a',
  '      type: huaweicloud.kms.grant',
  '      account: hw-prod',
  '      target:',
  '        keyId: 0d0466b0-e727-4d9c-b35d-f84bb474a37f',
  '        grantId: 7c9a3286af4fcca5f0a385ad13e1d21a50e27b6dbcab50f37f30f93b8939827d',
  '    - id: b',
  '      type: huaweicloud.kms.grant',
  '      account: hw-prod',
  '      target: ',
  '    - id: c',
  '      type: huaweicloud.kms.grant',
  '      account: hw-prod',
  '      select: ',
];
const at = (text: string) => {
  const line = lines.indexOf(text);
  if (line < 0) throw new Error(`no line ${text}`);
  return { line, character: text.length };
};
const uri = `${folder}hover.yaml`;
beforeAll(() => client.open(uri, `${lines.join('\n')}\n`));

// hoverOn hovers over the key of the line that starts with text, in the middle of the key.
const hoverOn = (text: string) => {
  const { line } = at(text);
  const key = /^\s*(?:- )?/.exec(text)?.[0].length ?? 0;
  return client.hover(uri, line, key + 2);
};

// value is what an item inserts, its snippet placeholders (${1:text}) replaced by their text, as data.
const value = (item: CompletionItem): unknown =>
  parse((item.insertText ?? '').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\{?\d+\}?/g, ''));

describe('hover', () => {
  it("shows the description of a revocation's type, from the common schema", async () => {
    const description = (defs('common.schema.json').revocationType?.description ?? '').trim();
    expect(description.length).toBeGreaterThan(0);
    expect(await hoverOn('      type: huaweicloud.kms.grant')).toContain(description);
  });

  it("shows the description of a KMS grant target's fields, from the type's own schema", async () => {
    const keyId = kms.keyId?.description ?? '';
    const grantId = kms.target?.properties?.grantId?.description ?? '';
    expect(keyId).not.toBe('');
    expect(grantId).not.toBe('');
    expect(await hoverOn('        keyId: 0d0466b0-e727-4d9c-b35d-f84bb474a37f')).toContain(keyId);
    const grant = await hoverOn(
      '        grantId: 7c9a3286af4fcca5f0a385ad13e1d21a50e27b6dbcab50f37f30f93b8939827d',
    );
    expect(grant).toContain(grantId);
    expect(grant).not.toContain(keyId);
  });
});

describe('completion of example values', () => {
  it("offers the type's target example as the value of target", async () => {
    const example = kms.target?.examples?.[0];
    expect(example).toBeDefined();
    const { line, character } = at('      target: ');
    const items = await client.completion(uri, line, character);
    expect(items.map(value)).toContainEqual(example);
  });

  it("offers the type's selector example as the value of select", async () => {
    const example = kms.select?.examples?.[0];
    expect(example).toBeDefined();
    const { line, character } = at('      select: ');
    const items = await client.completion(uri, line, character);
    expect(items.map(value)).toContainEqual(example);
  });
});
