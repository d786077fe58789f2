// The campaign's faults scenario (soak/faults.ts): short in `npm test`, full under SOAK_FULL=1
// (`npm run soak`). Needs the built CLI (npm run build).

import { afterEach, expect, it } from 'vitest';
import { faultsScenario } from '../../soak/faults.js';
import { killAll, printSummary, SEED, scenarioTimeoutMs, sized } from '../../soak/lib.js';

afterEach(() => killAll());

it(
  "faults: every target verified or failed with the cloud's error, none reported done that is not",
  async () => {
    const result = await faultsScenario({
      targets: sized(80, 1000),
      // The short run offers less (3 at once), so that throttling at half its rate binds on 100 calls.
      concurrency: sized(3, 8),
      latencyMs: sized(2, 5),
      jitterMs: sized(20, 50),
      harshTargets: sized(10, 200),
      seed: SEED,
    });
    printSummary(result);
    expect(result.violations).toEqual([]);
  },
  scenarioTimeoutMs,
);
