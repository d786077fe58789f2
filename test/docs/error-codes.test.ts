// docs/clouds.md#error-codes and src/clouds/error-codes.ts list the same codes, with the same statuses,
// meanings and sources, each source one of the page's; and the emulator answers no code the list does
// not hold: its error bodies take an ErrorCode (the compiler's check), and every code written in its
// source is one (this test's, for a code that reaches a body some other way).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ErrorCode, errorCodes } from '../../src/clouds/error-codes.js';
import { repoRoot } from '../helpers/paths.js';

const page = readFileSync(join(repoRoot, 'docs', 'clouds.md'), 'utf8');
const section = page.slice(page.indexOf('## Error codes'), page.indexOf('## Sources'));
const rows = [
  ...section.matchAll(/^\| `([^`]+)` \| (Huawei|Alibaba) \| ([\d,]+) \| [^|]+ \| ([^|]+) \| ([^|]+) \|$/gm),
];

describe('the error codes of docs/clouds.md', () => {
  it('are the codes of src/clouds/error-codes.ts, each with its status, meaning and source', () => {
    expect(rows.map((r) => r[1]).sort()).toEqual(Object.keys(errorCodes).sort());
    const meanings = {
      missing: 'missing',
      throttled: 'throttled, retried',
      expired: 'expired credentials: refreshed, retried',
      retryable: 'retried',
      failure: 'failure',
    };
    for (const [, code, cloud, status, meaning, source] of rows) {
      const info = errorCodes[code as ErrorCode];
      expect(cloud, code).toBe(info.cloud === 'huaweicloud' ? 'Huawei' : 'Alibaba');
      expect(status, code).toBe(info.status.join(','));
      expect(meaning?.trim(), code).toBe(meanings[info.meaning]);
      expect(source?.trim(), code).toBe(info.source === 'none' ? 'none found' : `[${info.source}](#sources)`);
    }
  });

  it('cite sources the page lists', () => {
    const sources = page.slice(page.indexOf('## Sources'));
    for (const info of Object.values(errorCodes)) {
      if (info.source !== 'none') expect(sources, info.source).toMatch(new RegExp(`^- ${info.source} `, 'm'));
    }
  });

  it('hold every code the emulator writes', () => {
    const dir = join(repoRoot, 'src', 'emulator');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const found = new Set<string>();
    for (const file of files) {
      const text = readFileSync(join(dir, file), 'utf8');
      // A code as the error helpers take it (after a status), as a refusal names it, or as a table keys it.
      for (const m of text.matchAll(/\b[1-5]\d\d,\s*'([A-Za-z][\w.]*)'/g)) found.add(m[1] as string);
      for (const m of text.matchAll(/\bcode: '([A-Za-z][\w.]*)'/g)) found.add(m[1] as string);
      for (const m of text.matchAll(/^\s*'?([A-Z][\w.]*)'?: \[[1-5]\d\d,/gm)) found.add(m[1] as string);
      for (const m of text.matchAll(/'((?:APIGW|APIG|KMS|PCA|CCE|IAM)\.\d+)'/g)) found.add(m[1] as string);
    }
    found.delete('emulator.persist'); // a diagnostic code of the emulator's own files, not an answer
    expect(found.size).toBeGreaterThan(40);
    expect([...found].filter((c) => !Object.hasOwn(errorCodes, c)).sort()).toEqual([]);
  });
});
