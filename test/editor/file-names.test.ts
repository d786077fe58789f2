// The SchemaStore entries of schemas/catalog.json, as an editor applies them: yaml-language-server,
// given each entry's fileMatch for the schema bundle of its url (as it takes a catalog's entries),
// completes a plan named by the convention of docs/plan-format.md and a config by its name, with
// no modeline, and leaves a YAML file of another name alone. Needs dist/schemas/ (npm run build).

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_BASE } from '../../src/schema/schemas.js';
import { typeNames } from '../../src/vocabulary.js';
import { LspClient } from '../helpers/lsp.js';
import { repoRoot } from '../helpers/paths.js';

const catalog = JSON.parse(readFileSync(`${repoRoot}schemas/catalog.json`, 'utf8')) as {
  schemas: { fileMatch: string[]; url: string }[];
};
// Each entry's fileMatch, for the bundle of its schema: dist/schemas/ holds one per kind, by file name.
const associations = Object.fromEntries(
  catalog.schemas.map((e) => [
    pathToFileURL(`${repoRoot}dist/schemas/${e.url.slice(SCHEMA_BASE.length)}`).href,
    e.fileMatch,
  ]),
);

const client = new LspClient();
beforeAll(() => client.start({ schemas: associations }));
afterAll(() => client.close());

const folder = `${pathToFileURL(repoRoot).href}plans/`;
async function complete(name: string, lines: string[], character: number): Promise<string[]> {
  const uri = `${folder}${name}`;
  await client.open(uri, `${lines.join('\n')}\n`);
  return (await client.completion(uri, lines.length - 1, character)).map((i) => i.label);
}

const plan = [
  'apiVersion: rescind/v1',
  'kind: RevocationPlan',
  'metadata: {name: x, reason: y}',
  'spec:',
  '  revocations:',
  '    - id: a',
  '      type: ',
];

describe('schemas by file name, with no modeline', () => {
  it('completes the revocation types in NAME.rescind-plan.yaml', async () => {
    const labels = await complete('offboard.rescind-plan.yaml', plan, 12);
    expect([...labels].sort()).toEqual([...typeNames].sort());
  });

  it('offers nothing of rescind in a plan of another name', async () => {
    const labels = await complete('offboard.yaml', plan, 12);
    expect(labels.filter((l) => typeNames.includes(l as (typeof typeNames)[number]))).toEqual([]);
  });

  it("completes an account's fields in rescind.config.yaml", async () => {
    const config = ['apiVersion: rescind/v1', 'kind: Config', 'accounts:', '  hw-prod:', '    '];
    const labels = await complete('nested/rescind.config.yaml', config, 4);
    expect(labels).toEqual(expect.arrayContaining(['cloud', 'region']));
  });
});
