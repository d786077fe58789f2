// The validators compiled at build time (dist/schema/validators/KIND.cjs) must judge
// every document exactly as ajv compiling schemas/ at run time does.

import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { loadYaml } from '../../src/document/load.js';
import { createAjv, type DocumentKind, documentKinds, SCHEMA_BASE } from '../../src/schema/schemas.js';
import { fixture, repoRoot } from '../helpers/paths.js';

const load = createRequire(`${repoRoot}dist/schema/validators/`);
const precompiled = (kind: DocumentKind) =>
  (load(`./${kind}.cjs`) as Partial<Record<DocumentKind, ValidateFunction>>)[kind];
const ajv = createAjv();

function documents(): [string, unknown][] {
  const dirs = [
    fixture('validate'),
    fixture('validate/valid'),
    fixture('validate/invalid'),
    `${repoRoot}plans/examples`,
    `${repoRoot}plans/policies`,
    repoRoot,
  ];
  const out: [string, unknown][] = [];
  for (const dir of dirs) {
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const { source } = loadYaml(name, readFileSync(`${dir}/${name}`, 'utf8').replace(/^\uFEFF/, ''));
      if (source) out.push([`${dir.split('/').at(-1)}/${name}`, source.data]);
    }
  }
  return out;
}

describe('precompiled validators', () => {
  const kinds = Object.keys(documentKinds) as DocumentKind[];
  it.each(kinds)('%s: same verdict and errors as the runtime compiler', (kind) => {
    const runtime = ajv.getSchema(SCHEMA_BASE + documentKinds[kind]);
    const built = precompiled(kind);
    expect(runtime).toBeDefined();
    expect(built).toBeTypeOf('function');
    if (!runtime || !built) return;
    const docs = documents();
    expect(docs.length).toBeGreaterThan(40);
    for (const [name, data] of docs) {
      const a = runtime(data);
      const b = built(data);
      expect(b, name).toBe(a);
      const shape = (errors: ValidateFunction['errors']) =>
        (errors ?? []).map((e) => `${e.instancePath} ${e.keyword} ${e.schemaPath}`);
      expect(shape(built.errors), name).toEqual(shape(runtime.errors));
    }
  });
});
