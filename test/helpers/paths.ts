// Paths of the repository, for tests.

import { fileURLToPath } from 'node:url';

/** repoRoot is the repository's root folder. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** fixture is the absolute path of a file under test/fixtures. */
export function fixture(relative: string): string {
  return fileURLToPath(new URL(`../fixtures/${relative}`, import.meta.url));
}
