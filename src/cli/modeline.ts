// The editor modeline of a file rescind writes (init's starter files, discover's plan): the package's
// bundled schema by a path relative to the file, when rescind is installed inside the project (every
// teammate's checkout finds it); otherwise the schema's published URL.

import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCHEMA_BASE } from '../schema/schemas.js';

// The schemas bundled with this build: dist/schemas/, beside dist/cli/ (from src/, when run unbuilt by
// the tests, the build's dist/schemas/).
const SCHEMAS =
  [new URL('../schemas/', import.meta.url), new URL('../../dist/schemas/', import.meta.url)]
    .map((u) => fileURLToPath(u))
    .find((dir) => existsSync(join(dir, 'plan.schema.json'))) ??
  fileURLToPath(new URL('../schemas/', import.meta.url));

/**
 * schemaRef is how a file written at path (absolute; none: standard output) names a schema: relative to
 * the file inside the project of cwd, else by URL.
 */
export function schemaRef(cwd: string, path: string | undefined): (name: string) => string {
  const inProject = path !== undefined && isInside(SCHEMAS, projectRoot(cwd));
  return (name) =>
    inProject ? relative(dirname(path), join(SCHEMAS, name)).split(sep).join('/') : `${SCHEMA_BASE}${name}`;
}

/** modeline is the first line that names a file's schema for editors (yaml-language-server). */
export function modeline(schema: string): string {
  return `# yaml-language-server: $schema=${schema}`;
}

// The folder of the project: the nearest folder from cwd up that holds .git (the repository every
// teammate checks out), else cwd itself.
function projectRoot(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return realpathSync(dir);
    if (dirname(dir) === dir) return realpathSync(cwd);
  }
}

// Whether path is root or a path under it.
function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
