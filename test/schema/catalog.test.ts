// schemas/catalog.json, rescind's entries for the SchemaStore catalog: in the catalog's format, each
// url the $id of a schema of schemas/, and each fileMatch matching the names docs/plan-format.md
// gives, judged by the matcher yaml-language-server applies to catalog entries, never a file of
// another kind in this repository.

import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_FILE } from '../../src/config/config.js';
import { type DocumentKind, documentKinds, readSchemaFiles, SCHEMA_BASE } from '../../src/schema/schemas.js';
import { fixture, repoRoot } from '../helpers/paths.js';

interface Entry {
  name: string;
  description: string;
  fileMatch: string[];
  url: string;
}
const catalog = JSON.parse(readFileSync(join(repoRoot, 'schemas/catalog.json'), 'utf8')) as {
  $schema: string;
  version: number;
  schemas: Entry[];
};
const files = readSchemaFiles();

// The file-pattern matcher of yaml-language-server (picomatch, each pattern under **/), as it applies
// the fileMatch of a SchemaStore entry to a document's path.
type Association = { matchesPattern(fileName: string): boolean };
const { FilePatternAssociation } = createRequire(import.meta.url)(
  'yaml-language-server/out/server/src/languageservice/services/yamlSchemaService.js',
) as { FilePatternAssociation: new (patterns: string[], folder: undefined, uris: string[]) => Association };
const matches = (entry: Entry, path: string) =>
  new FilePatternAssociation(entry.fileMatch, undefined, [entry.url]).matchesPattern(path);
const entryFor = (file: string) => {
  const entry = catalog.schemas.find((e) => e.url === SCHEMA_BASE + file);
  if (entry === undefined) throw new Error(`no catalog entry for ${file}`);
  return entry;
};
// The entries whose fileMatch takes path.
const claiming = (path: string) => catalog.schemas.filter((e) => matches(e, path)).map((e) => e.url);

describe('schemas/catalog.json', () => {
  it("is in SchemaStore's catalog format", () => {
    expect(catalog.$schema).toBe('https://json.schemastore.org/schema-catalog.json');
    expect(catalog.version).toBe(1);
    for (const entry of catalog.schemas) {
      expect(Object.keys(entry).sort()).toEqual(['description', 'fileMatch', 'name', 'url']);
      expect(entry.name).toMatch(/^rescind /);
      expect(entry.description.length).toBeGreaterThan(10);
      expect(entry.fileMatch.length).toBeGreaterThan(0);
    }
  });

  it('names by each url the $id of a schema file of schemas/', () => {
    for (const { url } of catalog.schemas) {
      expect(url.startsWith(SCHEMA_BASE), url).toBe(true);
      const file = url.slice(SCHEMA_BASE.length);
      expect(files.get(file)?.$id, url).toBe(url);
    }
  });

  it('gives the config its schema by its name, in any folder', () => {
    const config = entryFor(documentKinds.Config);
    for (const path of [
      `/work/${CONFIG_FILE}`,
      `/work/infra/${CONFIG_FILE}`,
      '/work/rescind.config.yml',
      CONFIG_FILE,
    ])
      expect(claiming(path), path).toEqual([config.url]);
    for (const path of ['/work/rescind.yaml', '/work/my-rescind.config.yaml', '/work/rescind.config.json'])
      expect(claiming(path), path).toEqual([]);
  });

  it('gives plans and policies their schemas by the suffixes of docs/plan-format.md', () => {
    const plan = entryFor(documentKinds.RevocationPlan);
    const policy = entryFor(documentKinds.Policy);
    for (const path of ['/work/plans/offboard-alice.rescind-plan.yaml', '/work/x.rescind-plan.yml'])
      expect(claiming(path), path).toEqual([plan.url]);
    for (const path of ['/work/plans/policies/baseline.rescind-policy.yaml', '/work/a.rescind-policy.yml'])
      expect(claiming(path), path).toEqual([policy.url]);
    for (const path of ['/work/plans/offboard.yaml', '/work/rescind-plan.yaml', '/work/x.rescind-plan.json'])
      expect(claiming(path), path).toEqual([]);
    const doc = readFileSync(join(repoRoot, 'docs/plan-format.md'), 'utf8');
    for (const pattern of catalog.schemas.flatMap((e) => e.fileMatch)) {
      const named = pattern.startsWith('*') ? `NAME${pattern.slice(1)}` : pattern;
      expect(doc, pattern).toContain(`\`${named}\``);
    }
  });

  it("claims no file of this repository for another kind's schema", () => {
    const dirs = [
      repoRoot,
      join(repoRoot, 'plans/examples'),
      join(repoRoot, 'plans/policies'),
      fixture('validate'),
      fixture('validate/valid'),
      fixture('validate/invalid'),
    ];
    const schemaOf = Object.fromEntries(
      Object.entries(documentKinds).map(([kind, file]) => [kind, SCHEMA_BASE + file]),
    ) as Record<DocumentKind, string>;
    let claimed = 0;
    for (const dir of dirs) {
      for (const name of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
        const path = join(dir, name);
        const urls = claiming(path);
        if (urls.length === 0) continue;
        claimed++;
        const kind = /^kind: (\w+)$/m.exec(readFileSync(path, 'utf8'))?.[1] as DocumentKind | undefined;
        expect(kind, path).toBeDefined();
        expect(urls, path).toEqual([schemaOf[kind as DocumentKind]]);
      }
    }
    // rescind.config.yaml of the repository and of test/fixtures/validate.
    expect(claimed).toBeGreaterThanOrEqual(2);
  });
});
