// The campaign's concurrency scenario (soak/concurrency.ts): short in `npm test`, full under SOAK_FULL=1
// (`npm run soak`). Needs the built CLI (npm run build).

import { afterEach, expect, it } from 'vitest';
import { concurrencyScenario } from '../../soak/concurrency.js';
import { killAll, printSummary, scenarioTimeoutMs, sized } from '../../soak/lib.js';

afterEach(() => killAll());

it(
  'concurrency: of two applies of one plan at once, one runs and the other refuses naming it',
  async () => {
    const result = await concurrencyScenario({
      targets: sized(100, 400),
      rounds: sized(
        ['fresh', 'takeover'] as const,
        [
          'fresh',
          'planned',
          'takeover',
          'fresh',
          'planned',
          'takeover',
          'fresh',
          'planned',
          'takeover',
          'takeover',
        ] as const,
      ),
      latencyMs: sized(40, 20),
      concurrency: 4,
    });
    printSummary(result);
    expect(result.violations).toEqual([]);
  },
  scenarioTimeoutMs,
);
