// Editor support, for real: yaml-language-server (the engine of the VS Code YAML
// extension) is driven over LSP stdio on a plan that carries the modeline of the
// examples, and must offer the revocation types and each type's target fields.
// This needs the schema bundles of dist/schemas/ (npm run build).

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typeNames } from '../../src/vocabulary.js';
import { LspClient } from '../helpers/lsp.js';
import { repoRoot } from '../helpers/paths.js';

const client = new LspClient();
const folder = `${pathToFileURL(repoRoot).href}plans/examples/`;
// The modeline exactly as the examples carry it.
const modeline =
  readFileSync(`${repoRoot}plans/examples/huaweicloud.kms.grant.yaml`, 'utf8').split('\n')[0] ?? '';

beforeAll(() => client.start());
afterAll(() => client.close());

async function complete(name: string, lines: string[], line: number, character: number): Promise<string[]> {
  const uri = `${folder}${name}`;
  await client.open(uri, `${[modeline, ...lines].join('\n')}\n`);
  return (await client.completion(uri, line + 1, character)).map((i) => i.label);
}

const head = [
  'apiVersion: rescind/v1',
  'kind: RevocationPlan',
  'metadata: {name: x, reason: y}',
  'spec:',
  '  revocations:',
];

describe('completion from the modeline of the examples', () => {
  it('is the modeline the examples use', () => {
    expect(modeline).toBe('# yaml-language-server: $schema=../../dist/schemas/plan.schema.json');
  });

  it('offers every revocation type as the value of type', async () => {
    const labels = await complete('types.yaml', [...head, '    - id: a', '      type: '], 6, 12);
    expect([...labels].sort()).toEqual([...typeNames].sort());
  });

  it("offers a KMS grant target's fields, from the type's own schema", async () => {
    const lines = [
      ...head,
      '    - id: a',
      '      type: huaweicloud.kms.grant',
      '      account: hw-prod',
      '      target:',
      '        ',
    ];
    const labels = await complete('kms.yaml', lines, 9, 8);
    expect(labels).toEqual(expect.arrayContaining(['keyId', 'grantId']));
    expect(labels).not.toContain('clusterId');
  });

  it('offers the CCM revocation reasons', async () => {
    const lines = [
      ...head,
      '    - id: a',
      '      type: huaweicloud.ccm.subordinate-ca',
      '      account: hw-prod',
      '      target: {caId: 6434f74f-2d13-4e6a-89eb-93ee313f1a43}',
      '      with:',
      '        reason: ',
    ];
    const labels = await complete('ccm.yaml', lines, 10, 16);
    expect(labels).toEqual(expect.arrayContaining(['KEY_COMPROMISE', 'CERTIFICATE_AUTHORITY_COMPROMISE']));
  });
});
