// The campaign's secrets scenario (soak/secrets.ts): short in `npm test`, full under SOAK_FULL=1
// (`npm run soak`). Needs the built CLI (npm run build). The other scenarios scan their own outputs.

import { afterEach, expect, it } from 'vitest';
import { killAll, printSummary, SEED, scenarioTimeoutMs, sized } from '../../soak/lib.js';
import { secretsScenario } from '../../soak/secrets.js';

afterEach(() => killAll());

it(
  'secrets: no output, journal, saved plan or log line holds a secret in any encoding',
  async () => {
    const result = await secretsScenario({ targets: sized(40, 400), seed: SEED });
    printSummary(result);
    expect(result.violations).toEqual([]);
  },
  scenarioTimeoutMs,
);
