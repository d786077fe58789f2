// The campaign's property-based fuzzing (soak/fuzz-documents.ts, soak/fuzz-emulator.ts): short in
// `npm test`, full under SOAK_FULL=1 (`npm run soak`). A failure prints fast-check's shrunk
// counterexample and the seed and path that replay it (SOAK_SEED=N).

import { expect, it } from 'vitest';
import { fuzzDocuments } from '../../soak/fuzz-documents.js';
import { fuzzEmulator } from '../../soak/fuzz-emulator.js';
import { printSummary, SEED, scenarioTimeoutMs, sized } from '../../soak/lib.js';

it(
  'fuzz: plans, configs, policies, seeds and saved plans never throw or hang, and every error is located',
  async () => {
    const result = await fuzzDocuments({
      runs: sized(400, 20_000),
      seed: SEED,
      budgetMs: sized(60_000, 20 * 60_000),
    });
    printSummary(result);
    expect(result.violations).toEqual([]);
  },
  scenarioTimeoutMs,
);

it(
  'fuzz: the emulator never answers a 5xx unasked, and never accepts a tampered signature',
  async () => {
    const result = await fuzzEmulator({
      runs: sized(300, 10_000),
      tamperRuns: sized(300, 10_000),
      seed: SEED,
    });
    printSummary(result);
    expect(result.violations).toEqual([]);
  },
  scenarioTimeoutMs,
);
