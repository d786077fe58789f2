// Seeded mutation of the example plans: whatever the bytes, validation returns
// diagnostics (never throws), every error is located or names its file, and the
// fast reader never disagrees with the parser of record.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadYaml, readFast, readWithYaml } from '../../src/document/load.js';
import { decodeText } from '../../src/document/text.js';
import { mulberry32 } from '../../src/emulator/faults.js';
import { checkDocument } from '../../src/validate/check-document.js';
import { repoRoot } from '../helpers/paths.js';
import { YAML_PIECES } from '../helpers/yaml-pieces.js';

// FUZZ_SEED and FUZZ_ROUNDS run other mutations, e.g. FUZZ_SEED=7 FUZZ_ROUNDS=3000 npx vitest run test/validate/fuzz.
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 400);

function mutate(text: string, random: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (out.length + 1));
    const roll = random();
    if (roll < 0.35) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 8));
    else if (roll < 0.8)
      out = out.slice(0, at) + (YAML_PIECES[Math.floor(random() * YAML_PIECES.length)] ?? '') + out.slice(at);
    else {
      // Swap two lines: breaks indentation and structure.
      const lines = out.split('\n');
      const i = Math.floor(random() * lines.length);
      const j = Math.floor(random() * lines.length);
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
      out = lines.join('\n');
    }
  }
  return out;
}

const dir = `${repoRoot}plans/examples`;
const examples = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => readFileSync(`${dir}/${f}`, 'utf8'));

describe(`mutated plans (seed ${SEED})`, () => {
  it(
    `${ROUNDS} mutations: no throw, every error located or naming the file`,
    () => {
      const random = mulberry32(SEED); // seeded: a failure reproduces from SEED and the round number
      for (let round = 0; round < ROUNDS; round++) {
        const original = examples[round % examples.length] ?? '';
        const text = mutate(original, random);
        const context = `round ${round}: ${JSON.stringify(text.slice(0, 80))}`;
        const decoded = decodeText('fuzz.yaml', new TextEncoder().encode(text));
        const diagnostics = [...decoded.diagnostics];
        if (decoded.text !== undefined) {
          const loaded = loadYaml('fuzz.yaml', decoded.text);
          diagnostics.push(...loaded.diagnostics);
          if (loaded.source) diagnostics.push(...checkDocument(loaded.source).diagnostics);
          const fast = readFast(decoded.text);
          if (fast.ok) {
            expect(readWithYaml(decoded.text), context).toStrictEqual({ data: fast.data, errors: [] });
          }
        }
        for (const d of diagnostics) {
          expect(d.range?.file ?? d.file, context).toBe('fuzz.yaml');
          expect(d.message, context).not.toContain('\n');
          if (d.range) expect(d.range.start.line, context).toBeGreaterThanOrEqual(1);
        }
      }
    },
    Math.max(30_000, ROUNDS * 50),
  ); // wider runs get the time they need
});
