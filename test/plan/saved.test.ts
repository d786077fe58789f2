// Saved plans on disk: a plan too large to be read back is never written, and nothing of it is left; a
// copy of one is made only of the bytes that were checked; a plan read before it is checked gives its
// inputs early, and is held to them when checked.

import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonText } from '../../src/diagnostics/diagnostic.js';
import { digestOf, type SavedPlan } from '../../src/plan/model.js';
import {
  checkSavedPlan,
  readSavedPlan,
  SAVED_PLAN_MAX_BYTES,
  savedPlanPieces,
  savedPlanText,
  writeSavedPlan,
} from '../../src/plan/saved.js';
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
    // In pieces, the write stops at the limit, still says the whole size, and leaves nothing behind.
    const mib = ' '.repeat(2 ** 20);
    const pieces = (function* () {
      for (let i = 0; i < 70; i++) yield mib;
    })();
    const stopped = writeSavedPlan(join(dir, 'p.json'), 'p.json', { pieces });
    expect(stopped.map((d) => [d.code, d.message])).toEqual([
      [
        'file.too-large',
        'the plan is 73,400,320 bytes, more than the 64 MiB a saved plan holds: split the plan',
      ],
    ]);
    expect(readdirSync(dir)).toEqual([]);
    expect(writeSavedPlan(join(dir, 'p.json'), 'p.json', '{}\n')).toEqual([]);
    expect(readdirSync(dir)).toEqual(['p.json']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// A run keeps the saved plan it applies as the bytes that were checked: copied when they still hash so,
// and otherwise the plan written again, never a mix of the two.
it('copies a file only while its bytes hash as they did, and writes the plan again otherwise', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rescind-saved-'));
  try {
    const source = join(dir, 'source.json');
    const bytes = `{"b": 1,   "a": [${'7, '.repeat(400_000)}7]}`;
    writeFileSync(source, bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const otherwise = { pieces: ['{\n', '  "written": "again"\n', '}\n'] };
    const copy = (from: string) => {
      rmSync(join(dir, 'p.json'), { force: true });
      expect(writeSavedPlan(join(dir, 'p.json'), 'p.json', { copyOf: from, sha256, otherwise })).toEqual([]);
      return readFileSync(join(dir, 'p.json'), 'utf8');
    };
    expect(copy(source)).toBe(bytes);
    // Changed since (longer than what is written instead), or gone: the plan written again, alone.
    writeFileSync(source, `${bytes} `);
    expect(copy(source)).toBe('{\n  "written": "again"\n}\n');
    expect(copy(join(dir, 'gone.json'))).toBe('{\n  "written": "again"\n}\n');
    expect(readdirSync(dir).sort()).toEqual(['p.json', 'source.json']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// A run's plan.json is written in pieces, a target at a time: the file must be the text JSON.stringify
// writes of the whole plan, two spaces indented, with what a terminal would act on escaped.
it('writes a saved plan in pieces exactly as JSON.stringify writes it whole', () => {
  const golden = readFileSync(join(repoRoot, 'test/golden/render/every-state/plan.json'), 'utf8');
  const plan = JSON.parse(golden) as SavedPlan;
  const whole = (p: unknown) => `${jsonText(JSON.stringify(p, null, 2))}\n`;
  expect(savedPlanText(plan)).toBe(golden);
  expect(savedPlanText(plan)).toBe(whole(plan));
  const odd = {
    ...plan,
    targets: [...plan.targets, undefined, { note: 'a\nb \u2028 \u009b "q"', nested: [[], {}, [1, [2]]] }],
    accounts: {},
    policies: [],
    skipped: undefined,
    'key \u202e': 'bidi',
  } as unknown as SavedPlan;
  expect(savedPlanText(odd)).toBe(whole(odd));
  expect([...savedPlanPieces(odd)].length).toBeGreaterThan(plan.targets.length);
  expect(savedPlanText({} as SavedPlan)).toBe(whole({}));
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
