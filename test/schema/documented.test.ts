// The schemas are documentation too (editors show them on hover and complete from them): every
// property of every schema but the emulator's seed (a test fixture's format) has a description, and
// each type's target, select and with has examples that are themselves valid in a plan.

import { describe, expect, it } from 'vitest';
import { checkData } from '../../src/document/pipeline.js';
import { readSchemaFiles } from '../../src/schema/schemas.js';
import { typeNames } from '../../src/vocabulary.js';

const files = readSchemaFiles();

// Every property defined under `properties` (not a $ref, not a constraint inside allOf/if/then/not)
// lacking a description, as paths.
function undescribed(node: unknown, path: string, out: string[]): string[] {
  if (node === null || typeof node !== 'object') return out;
  const n = node as Record<string, unknown>;
  for (const [name, value] of Object.entries(
    (n.properties ?? {}) as Record<string, Record<string, unknown>>,
  )) {
    if (value.$ref === undefined && value.description === undefined) out.push(`${path}/properties/${name}`);
    undescribed(value, `${path}/properties/${name}`, out);
  }
  for (const [name, value] of Object.entries((n.$defs ?? {}) as Record<string, unknown>)) {
    undescribed(value, `${path}/$defs/${name}`, out);
  }
  if (n.items !== undefined) undescribed(n.items, `${path}/items`, out);
  if (typeof n.additionalProperties === 'object')
    undescribed(n.additionalProperties, `${path}/additionalProperties`, out);
  return out;
}

describe('descriptions', () => {
  it.each([...files.keys()].filter((f) => !f.startsWith('emulator-state')))(
    '%s describes every property',
    (file) => {
      expect(undescribed(files.get(file), '', [])).toEqual([]);
    },
  );
});

describe('examples', () => {
  it.each(typeNames)('%s has examples of its target, select and with, each valid in a plan', (type) => {
    const defs = (files.get(`types/${type}.schema.json`)?.$defs ?? {}) as Record<
      string,
      { examples?: unknown[] }
    >;
    const targets = defs.target?.examples ?? [];
    expect(targets.length).toBeGreaterThan(0);
    const selects = defs.select?.examples ?? [];
    if (defs.select !== undefined) expect(selects.length).toBeGreaterThan(0);
    const withs = defs.with?.examples ?? [];
    if (defs.with !== undefined) expect(withs.length).toBeGreaterThan(0);
    const revocations = [
      ...targets.map((target, i) => ({
        id: `t${i}`,
        type,
        account: 'a',
        target,
        ...(withs[0] ? { with: withs[0] } : {}),
      })),
      ...selects.map((select, i) => ({ id: `s${i}`, type, account: 'a', select })),
    ];
    const plan = {
      apiVersion: 'rescind/v1',
      kind: 'RevocationPlan',
      metadata: { name: 'examples', reason: 'the schema examples' },
      spec: { revocations },
    };
    expect(checkData(plan, { kinds: ['RevocationPlan'] }).diagnostics).toEqual([]);
  });
});
