// Targets a saved plan approved that a fresh plan of its files does not produce (a selector's match
// revoked since): each is read on its own, and counts as gone only when a read shows it revoked or
// absent. One that exists, or cannot be read, is a target the reviewer never saw: apply refuses.

import pLimit from 'p-limit';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { PlannedTarget } from '../plan/model.js';
import { withSignal } from '../providers/common.js';
import type { Fields, ProviderAccount } from '../providers/types.js';
import { DEFAULT_APPLY_CONCURRENCY } from './executor.js';
import { sharedReads } from './shared-reads.js';
import { registryTypes, type Types } from './types.js';

/** MAX_NOT_GONE bounds the refusals listed: a forged plan of 100,000 targets is not 100,000 lines. */
const MAX_NOT_GONE = 20;

/**
 * readNotGone reads each of targets in accounts (file names the saved plan in diagnostics) and returns a
 * diagnostic for each that is not gone; none when every one reads revoked or absent.
 */
export async function readNotGone(
  targets: readonly PlannedTarget[],
  accounts: ReadonlyMap<string, ProviderAccount>,
  file: string,
  options: { signal?: AbortSignal | undefined; types?: Types | undefined } = {},
): Promise<Diagnostic[]> {
  const { providerOf } = options.types ?? registryTypes;
  const reads = sharedReads();
  const limit = pLimit(DEFAULT_APPLY_CONCURRENCY);
  const out: Diagnostic[] = [];
  await Promise.all(
    targets.map((t) =>
      limit(async () => {
        const account = accounts.get(t.account);
        if (account === undefined || out.length >= MAX_NOT_GONE) return;
        const read = await providerOf(t.type).read({
          account,
          target: t.target as Fields,
          reads,
          ...withSignal(options.signal),
        });
        const state = read.observation?.state;
        if (state === 'revoked' || state === 'absent') return;
        const seen = state === undefined ? 'cannot be read now' : `reads ${state}`;
        out.push({
          severity: 'error',
          code: 'apply.not-reviewed',
          file,
          message: `${t.address}: a fresh plan of the same files does not produce this target, and it ${seen}: nothing was revoked`,
        });
      }),
    ),
  );
  return out;
}
