// The list of revocation types lives in four places that must agree: the code's
// typeNames, the schema enum, the plan schema's if/then branch per type,
// and one schema file per type under schemas/types/ (docs/providers.md).

import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registry } from '../../src/providers/registry.js';
import { readSchemaFiles } from '../../src/schema/schemas.js';
import { typeNames } from '../../src/vocabulary.js';
import { repoRoot } from '../helpers/paths.js';

const files = readSchemaFiles();
const sorted = [...typeNames].sort();

// defs is the $defs of a schema file, empty when the file or its $defs is missing.
function defs<T>(file: string): Record<string, T | undefined> {
  return (files.get(file)?.$defs ?? {}) as Record<string, T | undefined>;
}

describe('the revocation types agree everywhere', () => {
  it('schemas/common.schema.json enumerates exactly the types of the code, with a description each', () => {
    const def = defs<{ enum: string[]; enumDescriptions: string[] }>('common.schema.json').revocationType;
    expect([...(def?.enum ?? [])].sort()).toEqual(sorted);
    expect(def?.enumDescriptions).toHaveLength(typeNames.length);
  });

  it('the plan schema sends each type to its own schema', () => {
    const revocation = defs<{ allOf: unknown[] }>('plan.schema.json').revocation;
    const branches = (revocation?.allOf ?? []).flatMap((part) => {
      const p = part as { if?: { properties?: { type?: { const?: string } } }; then?: { $ref?: string } };
      const type = p.if?.properties?.type?.const;
      return type === undefined ? [] : [[type, p.then?.$ref]];
    });
    expect(branches.map(([t]) => t).sort()).toEqual(sorted);
    for (const [type, ref] of branches) expect(ref).toBe(`types/${type}.schema.json`);
  });

  it('schemas/types/ holds one schema per type and no other', () => {
    const names = readdirSync(`${repoRoot}schemas/types`).map((f) => f.replace(/\.schema\.json$/, ''));
    expect(names.sort()).toEqual(sorted);
    for (const type of typeNames) expect(files.get(`types/${type}.schema.json`)?.title).toBe(type);
  });

  it('the registry has a provider per type, named by its own type', () => {
    expect(Object.keys(registry).sort()).toEqual(sorted);
    for (const [name, provider] of Object.entries(registry)) expect(provider.type).toBe(name);
  });
});
