// Saved plans on disk: a plan too large to be read back is never written, and nothing of it is left.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { SAVED_PLAN_MAX_BYTES, writeSavedPlan } from '../../src/plan/saved.js';

it('refuses to write a saved plan larger than a saved plan may be read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rescind-saved-'));
  try {
    const failed = writeSavedPlan(join(dir, 'p.json'), 'p.json', ' '.repeat(SAVED_PLAN_MAX_BYTES + 1));
    expect(failed.map((d) => [d.code, d.file, d.message])).toEqual([
      [
        'file.too-large',
        'p.json',
        'the plan is 67,108,865 bytes, more than the 64 MiB a saved plan holds: split the plan',
      ],
    ]);
    expect(readdirSync(dir)).toEqual([]);
    expect(writeSavedPlan(join(dir, 'p.json'), 'p.json', '{}\n')).toEqual([]);
    expect(readdirSync(dir)).toEqual(['p.json']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
