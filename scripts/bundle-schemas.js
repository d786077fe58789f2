#!/usr/bin/env node
// Build step: write one self-contained schema per document kind to dist/schemas/.
// The files of schemas/ refer to each other relative to their $id
// (https://rescind.dev/schemas/v1/...), which editors try to download; a bundle
// holds every referenced file under $defs, so that the yaml-language-server
// modeline gives completion offline. ajv keeps using schemas/ itself.

import { mkdirSync, writeFileSync } from 'node:fs';
import { posix } from 'node:path';
import { documentKinds, readSchemaFiles } from '../dist/schema/schemas.js';

const files = readSchemaFiles();
const out = new URL('../dist/schemas/', import.meta.url);
mkdirSync(out, { recursive: true });

// The $defs key of an inlined file: "types/huaweicloud.kms.grant.schema.json" -> "types.huaweicloud.kms.grant".
const keyOf = (path) => `file.${path.replace(/\.schema\.json$/, '').replaceAll('/', '.')}`;

function bundle(rootPath) {
  const defs = {};
  const pending = [];
  const seen = new Set([rootPath]);

  // Rewrites every $ref of `node` (which lives in file `path`) to point inside the bundle.
  const rewrite = (node, path) => {
    if (Array.isArray(node)) return node.map((n) => rewrite(n, path));
    if (node === null || typeof node !== 'object') return node;
    const copy = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') copy[k] = target(v, path);
      else copy[k] = rewrite(v, path);
    }
    return copy;
  };
  const target = (ref, path) => {
    const [file, fragment = ''] = ref.split('#');
    const resolved = file === '' ? path : posix.normalize(posix.join(posix.dirname(path), file));
    if (!files.has(resolved)) throw new Error(`bundle-schemas: ${path} refers to missing ${resolved}`);
    if (resolved === rootPath) return `#${fragment}`;
    if (!seen.has(resolved)) {
      seen.add(resolved);
      pending.push(resolved);
    }
    return `#/$defs/${keyOf(resolved)}${fragment}`;
  };

  const root = rewrite(files.get(rootPath), rootPath);
  while (pending.length > 0) {
    const path = pending.shift();
    const { $id: _id, $schema: _schema, ...body } = files.get(path);
    defs[keyOf(path)] = rewrite(body, path);
  }
  root.$defs = { ...(root.$defs ?? {}), ...defs };
  return root;
}

for (const file of Object.values(documentKinds)) {
  writeFileSync(new URL(file, out), `${JSON.stringify(bundle(file), null, 2)}\n`);
}
