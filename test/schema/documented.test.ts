// The schemas are documentation too (editors show them on hover and complete from them): every
// property of every schema but the emulator's seed (a test fixture's format) has a description (its
// own, or that of the definition it refers to), and
// each type's target, select and with has examples that are themselves valid in a plan.

import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkData } from '../../src/document/pipeline.js';
import { readSchemaFiles } from '../../src/schema/schemas.js';
import { typeNames } from '../../src/vocabulary.js';

const files = readSchemaFiles();

// describedAt says whether a schema node has a description, itself or at the end of its $ref (a
// property that refers to a definition shows that definition's description on hover).
function describedAt(node: Record<string, unknown>, file: string, seen = new Set<string>()): boolean {
  if (node.description !== undefined) return true;
  if (typeof node.$ref !== 'string' || seen.has(`${file}${node.$ref}`)) return false;
  seen.add(`${file}${node.$ref}`);
  const [ref = '', fragment = ''] = node.$ref.split('#');
  const target = ref === '' ? file : posix.normalize(posix.join(posix.dirname(file), ref));
  let found: unknown = files.get(target);
  for (const key of fragment.split('/').filter((k) => k !== '')) {
    found = (found as Record<string, unknown> | undefined)?.[key];
  }
  return (
    found !== null && typeof found === 'object' && describedAt(found as Record<string, unknown>, target, seen)
  );
}

// Every property defined under `properties` (not a constraint inside allOf/if/then/not) lacking a
// description, itself or through its $ref, as paths.
function undescribed(node: unknown, file: string, path: string, out: string[]): string[] {
  if (node === null || typeof node !== 'object') return out;
  const n = node as Record<string, unknown>;
  for (const [name, value] of Object.entries(
    (n.properties ?? {}) as Record<string, Record<string, unknown>>,
  )) {
    if (!describedAt(value, file)) out.push(`${path}/properties/${name}`);
    undescribed(value, file, `${path}/properties/${name}`, out);
  }
  for (const [name, value] of Object.entries((n.$defs ?? {}) as Record<string, unknown>)) {
    undescribed(value, file, `${path}/$defs/${name}`, out);
  }
  if (n.items !== undefined) undescribed(n.items, file, `${path}/items`, out);
  if (typeof n.additionalProperties === 'object')
    undescribed(n.additionalProperties, file, `${path}/additionalProperties`, out);
  return out;
}

describe('descriptions', () => {
  it.each([...files.keys()].filter((f) => !f.startsWith('emulator-state')))(
    '%s describes every property',
    (file) => {
      expect(undescribed(files.get(file), file, '', [])).toEqual([]);
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
