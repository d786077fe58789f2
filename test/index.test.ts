// The package as a library: `import 'rescind'` (the package's own exports, i.e. the
// build) validates the repository's plans without a process or a CLI.

import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/paths.js';

describe("import 'rescind'", () => {
  it('validates plans through the public API of the build', async () => {
    const rescind = (await import('rescind')) as typeof import('../src/index.js');
    const result = await rescind.validatePaths(['plans/'], { cwd: repoRoot });
    expect(result.diagnostics).toEqual([]);
    expect(result.files.length).toBeGreaterThanOrEqual(7);
    expect(result.files.every((f) => f.valid)).toBe(true);
    const bad = rescind.loadYaml('x.yaml', 'a: [1\n');
    expect(
      rescind.renderValidateText({
        valid: false,
        files: [],
        diagnostics: bad.diagnostics,
        errorCount: bad.diagnostics.length,
        warningCount: 0,
      }),
    ).toMatch(/^x\.yaml:\d+:\d+: error yaml\.syntax: /);
  });
});
