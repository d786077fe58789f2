// The campaign's kill-and-resume scenario (soak/kill-resume.ts): short in `npm test`, full under
// SOAK_FULL=1 (`npm run soak`). Needs the built CLI (npm run build).

import { afterEach, expect, it } from 'vitest';
import { killAndResume } from '../../soak/kill-resume.js';
import { killAll, printSummary, SEED, scenarioTimeoutMs, sized } from '../../soak/lib.js';

afterEach(() => killAll());

it(
  'kill and resume: every target revoked, no completed revoke sent twice, every journal line accounted for',
  async () => {
    const result = await killAndResume({
      targets: sized(200, 1000),
      kills: sized(3, 10),
      latencyMs: sized(10, 10),
      concurrency: 8,
      seed: SEED,
    });
    printSummary(result);
    expect(result.violations).toEqual([]);
  },
  scenarioTimeoutMs,
);
