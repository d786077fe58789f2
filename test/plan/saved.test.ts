// Saved plans on disk: a plan too large to be read back is never written, and nothing of it is left;
// a plan read before it is checked gives its inputs early, and is held to them when checked.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { digestOf, type SavedPlan } from '../../src/plan/model.js';
import { checkSavedPlan, readSavedPlan, SAVED_PLAN_MAX_BYTES, writeSavedPlan } from '../../src/plan/saved.js';
import { repoRoot } from '../helpers/paths.js';

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

describe('a saved plan read before it is checked', () => {
  const golden = readFileSync(join(repoRoot, 'test/golden/render/every-state/plan.json'), 'utf8');
  const plan = JSON.parse(golden) as SavedPlan;
  const withFile = (text: string, run: (path: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'rescind-saved-'));
    try {
      writeFileSync(join(dir, 'p.json'), text);
      run(join(dir, 'p.json'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('gives the inputs as rescind wrote them, and the plan once checked', () => {
    withFile(golden, (path) => {
      const read = readSavedPlan(path, 'p.json');
      if ('diagnostics' in read) throw new Error(read.diagnostics[0]?.message);
      expect(read.inputs).toEqual(plan.inputs);
      expect(checkSavedPlan(read).plan).toEqual(plan);
    });
  });

  it('refuses a plan that names its inputs twice, differently, whatever its digest', () => {
    // JSON.parse keeps the last member of a name; the early read takes the first.
    const other = plan.inputs.map((i) => (i.role === 'policy' ? { ...i, file: 'other.yaml' } : i));
    const text = golden.replace('"inputs": [', `"inputs": ${JSON.stringify(other)},\n  "inputs": [`);
    withFile(text, (path) => {
      const read = readSavedPlan(path, 'p.json');
      if ('diagnostics' in read) throw new Error(read.diagnostics[0]?.message);
      expect(read.inputs).toEqual(other);
      const checked = checkSavedPlan(read);
      expect(checked.plan).toBeUndefined();
      expect(checked.diagnostics.map((d) => d.code)).toEqual(['plan.inconsistent']);
      expect(checked.diagnostics[0]?.message).toContain('names its inputs twice, differently');
    });
    // The same when the file is replaced between the early read and the check.
    withFile(golden, (path) => {
      const read = readSavedPlan(path, 'p.json');
      if ('diagnostics' in read) throw new Error(read.diagnostics[0]?.message);
      // Sealed again, as anyone can: only the early inputs can tell.
      const { digest: _old, ...content } = { ...plan, inputs: other };
      writeFileSync(path, JSON.stringify({ ...content, digest: digestOf(content) }, null, 2));
      expect(checkSavedPlan(read).diagnostics.map((d) => d.code)).toContain('plan.inconsistent');
    });
  });

  it('refuses a plan of more inputs than any plan has, before it reads one of them', () => {
    const many = { ...plan, inputs: Array.from({ length: 1001 }, () => plan.inputs[0]) };
    withFile(JSON.stringify(many, null, 2), (path) => {
      const read = readSavedPlan(path, 'p.json');
      if ('diagnostics' in read) throw new Error(read.diagnostics[0]?.message);
      // Too many to take early: the checks come first, and the schema refuses them.
      expect(read.inputs).toBeUndefined();
      const checked = checkSavedPlan(read);
      expect(checked.plan).toBeUndefined();
      expect(checked.diagnostics.map((d) => d.code)).toContain('schema.items');
    });
  });

  it('takes no inputs it cannot read early: not of their shape, past the first MiB, or no object', () => {
    const late = `{"pad": "${'x'.repeat(1024 * 1024)}", ${golden.trimStart().slice(1)}`;
    const shapeless = golden.replace('"role": "plan"', '"role": "nothing"');
    for (const text of [
      late,
      shapeless,
      '[1, 2]',
      '{"inputs": [{"role": "plan", "file": "a", "sha256": "b"}]}',
    ]) {
      withFile(text, (path) => {
        const read = readSavedPlan(path, 'p.json');
        if ('diagnostics' in read) throw new Error(read.diagnostics[0]?.message);
        expect(read.inputs).toBeUndefined();
      });
    }
    // Past the first MiB the plan is still read whole, once checked.
    withFile(late, (path) => {
      const read = readSavedPlan(path, 'p.json');
      if ('diagnostics' in read) throw new Error('unread');
      expect(checkSavedPlan(read).diagnostics.map((d) => d.code)).toContain('schema.unknown-field');
    });
  });
});
