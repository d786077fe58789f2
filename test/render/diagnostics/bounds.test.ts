// What a diagnostic quotes is bounded, wherever it was made: a YAML error quoting a whole paragraph of
// the file quotes its start and its length, and any message, in every format, is cut at MAX_MESSAGE
// characters with the number cut.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Diagnostic, MAX_MESSAGE, MAX_QUOTE, quote } from '../../../src/diagnostics/diagnostic.js';
import { loadYaml } from '../../../src/document/load.js';
import { renderValidateJson } from '../../../src/render/diagnostics/json.js';
import { renderValidateSarif } from '../../../src/render/diagnostics/sarif.js';
import { formatDiagnostic } from '../../../src/render/diagnostics/text.js';
import type { ValidateResult } from '../../../src/validate/validate.js';
import { repoRoot } from '../../helpers/paths.js';

const long: Diagnostic = {
  severity: 'error',
  code: 'yaml.syntax',
  message: `unexpected scalar: ${'x'.repeat(100_000)}\u202e`,
  detail: 'y'.repeat(50_000),
  file: 'plan.yaml',
};

const result = (d: Diagnostic): ValidateResult => ({
  valid: false,
  errorCount: 1,
  warningCount: 0,
  files: [{ file: 'plan.yaml', valid: false, omitted: 0 }],
  diagnostics: [d],
});

describe('quote', () => {
  it('quotes short text whole, and long text as its start and its length', () => {
    expect(quote('a "b"\n')).toBe('"a \\"b\\"\\n"');
    const text = 'z'.repeat(8190);
    expect(quote(text)).toBe(`"${'z'.repeat(MAX_QUOTE)}…" (8,190 characters)`);
  });
});

describe('a YAML error that quotes the file', () => {
  it('quotes at most MAX_QUOTE characters of it', () => {
    // The README, read as a plan: one YAML error quoted a paragraph of 8,190 characters.
    const { diagnostics } = loadYaml('README.md', readFileSync(join(repoRoot, 'README.md'), 'utf8'));
    const messages = diagnostics.map((d) => d.message);
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) expect(m.length).toBeLessThan(MAX_QUOTE + 120);
    expect(messages.some((m) => /…" \([\d,]+ characters\)$/.test(m))).toBe(true);
  });
});

describe('a message of 100,000 characters', () => {
  it('is one bounded line of text, with its detail bounded too', () => {
    const lines = formatDiagnostic(long).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/x… \(99,\d{3} more characters\)$/);
    for (const line of lines) expect(line.length).toBeLessThan(MAX_MESSAGE + 100);
  });

  it('is bounded in JSON and SARIF', () => {
    const json = JSON.parse(renderValidateJson(result(long))) as { diagnostics: { message: string }[] };
    expect(json.diagnostics[0]?.message.length).toBeLessThan(MAX_MESSAGE + 50);
    const sarif = renderValidateSarif(result(long));
    expect(sarif.length).toBeLessThan(MAX_MESSAGE + 5_000);
  });

  it('is whole when it fits, its controls escaped', () => {
    const { detail: _detail, ...rest } = long;
    const short = { ...rest, message: 'bad \u202e value' };
    expect(formatDiagnostic(short)).toBe('plan.yaml: error yaml.syntax: bad \\u202e value');
  });
});
