// Where the command line sends a reader for more: --help and the files init writes name pages of the
// documentation. The package does not hold docs/, and a path like docs/config.md means nothing in a
// user's folder, so every such link is absolute: the page in the repository, on its main branch.

/** DOCS_URL is the URL of the repository's docs/ folder. */
export const DOCS_URL = 'https://github.com/rescind-dev/rescind/blob/main/docs/';

/** docsLink is the URL of a page of docs/, with its anchor if any: docsLink('config.md#credentials'). */
export function docsLink(page: string): string {
  return `${DOCS_URL}${page}`;
}
