// The corpus of bad plans: every file of test/fixtures/validate/invalid gets
// located diagnostics and exit status 1, compared with test/golden/validate/.
// Every file of valid/ (BOM, CRLF, anchors, flow style, ...) is valid.

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosticFile } from '../../src/diagnostics/diagnostic.js';
import { renderValidateText } from '../../src/render/diagnostics/text.js';
import { validatePaths } from '../../src/validate/validate.js';
import { fixture } from '../helpers/paths.js';

const cwd = fixture('validate');
const invalid = readdirSync(fixture('validate/invalid')).sort();
const valid = readdirSync(fixture('validate/valid')).sort();

describe('invalid inputs get located diagnostics', () => {
  it.each(invalid)('%s', async (name) => {
    const file = `invalid/${name}`;
    const result = await validatePaths([file], { cwd });
    expect(result.valid).toBe(false);
    const own = result.diagnostics.filter((d) => diagnosticFile(d) === file);
    expect(own.some((d) => d.severity === 'error')).toBe(true);
    for (const d of own) {
      expect(d.message).toMatch(/^[^A-Z].*[^.]$/); // one line, lower-case start, no final period
      expect(d.message).not.toContain('\n');
    }
    await expect(renderValidateText(result)).toMatchFileSnapshot(
      `../golden/validate/${name.replace(/\.yaml$/, '.txt')}`,
    );
  });
});

describe('valid inputs', () => {
  it.each(valid)('%s', async (name) => {
    const result = await validatePaths([`valid/${name}`], { cwd });
    expect(result.diagnostics).toEqual([]);
    expect(result.valid).toBe(true);
  });
});

// Inputs too big to keep as fixtures are generated, then compared with goldens like the others.
const generated: Record<string, () => string | Uint8Array> = {
  'generated-30-mib': () => {
    const line = '# padding to make a file of tens of megabytes\n';
    return `apiVersion: rescind/v1\nkind: RevocationPlan\n${line.repeat(Math.ceil((30 * 1024 * 1024) / line.length))}`;
  },
  'generated-100k-nested-lists': () =>
    `apiVersion: rescind/v1\nkind: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
  'generated-100k-nested-maps': () =>
    `apiVersion: rescind/v1\nkind: ${'{a: '.repeat(100_000)}${'}'.repeat(100_000)}\n`,
};

describe('generated hostile inputs get a diagnostic naming the file', () => {
  it.each(Object.keys(generated))('%s', async (name) => {
    const dir = mkdtempSync(join(tmpdir(), 'rescind-corpus-'));
    try {
      writeFileSync(join(dir, `${name}.yaml`), generated[name]?.() ?? '');
      const result = await validatePaths([`${name}.yaml`], { cwd: dir });
      expect(result.valid).toBe(false);
      await expect(renderValidateText(result)).toMatchFileSnapshot(`../golden/validate/${name}.txt`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
