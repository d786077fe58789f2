// The executor's first read of each target, before any revoke is queued: one task per group of targets
// that one read serves (their type's listKey: a KMS key's grants, an ACK user's clusters, an ESA site's
// certificates, an account's CCM CAs, a CCE cluster), one per lone target, in plan order, each in a slot
// of the run.

import { isActing, type PlannedTarget } from '../plan/model.js';
import type { Prior } from '../plan/run.js';
import { withSignal } from '../providers/common.js';
import type { AnyRevocationType, Fields, ProviderAccount, ReadResponse } from '../providers/types.js';
import { sharedReads } from './shared-reads.js';
import { type Slots, sparesFor } from './slots.js';
import type { Types } from './types.js';

/** Work is one target of the run, with its provider, account, prior and group. */
export interface Work {
  target: PlannedTarget;
  provider: AnyRevocationType;
  account: ProviderAccount;
  prior: Prior | undefined;
  /** group names the read this target shares (its pre-read and its verification), if any. */
  group: string | undefined;
}

/** worksOf are the plan's targets to act on, in plan order, each with its provider, account, prior and group. */
export function worksOf(
  targets: readonly PlannedTarget[],
  accounts: ReadonlyMap<string, ProviderAccount>,
  types: Types,
  prior: ReadonlyMap<string, Prior> | undefined,
): Work[] {
  const works: Work[] = [];
  for (const target of targets) {
    if (!isActing(target)) continue;
    const provider = types.providerOf(target.type);
    const account = accounts.get(target.account);
    if (account === undefined) throw new Error(`executePlan: account ${target.account} is not open`);
    const shared = provider.listKey?.(target.target as Fields);
    const group = shared === undefined ? undefined : `${target.type}\u0000${target.account}\u0000${shared}`;
    works.push({ target, provider, account, prior: prior?.get(target.address), group });
  }
  return works;
}

/** PreReads schedules the reads of a run's pending targets at once, and answers each target's. */
export class PreReads {
  readonly #reads = new Map<string, Promise<Map<string, ReadResponse<unknown>>>>();

  constructor(
    limit: Slots,
    pending: readonly Work[],
    stopped: () => boolean,
    signal: AbortSignal | undefined,
  ) {
    const groups = new Map<string, Work[]>();
    for (const w of pending) {
      const key = keyOf(w.target.address, w.group);
      const members = groups.get(key) ?? [];
      members.push(w);
      groups.set(key, members);
    }
    for (const [key, members] of groups) {
      this.#reads.set(
        key,
        limit.run(
          async (lease) => {
            const out = new Map<string, ReadResponse<unknown>>();
            const first = members[0];
            if (stopped() || first === undefined) return out;
            const { provider, account } = first;
            // One SharedReads: the first read lists, the others find the list.
            const reads = sharedReads();
            for (const m of members) {
              out.set(
                m.target.address,
                await provider.read({
                  account,
                  target: m.target.target as Fields,
                  reads,
                  together: members.length,
                  alongside: (call) => lease.alongside(call),
                  ...withSignal(signal),
                }),
              );
            }
            return out;
          },
          false,
          undefined,
          // A read that makes its calls side by side takes a slot for each (readCalls).
          members[0] === undefined ? 0 : sparesFor(members[0].provider),
        ),
      );
    }
  }

  /** of is the first read of the target at address (of group), once its task has run. */
  async of(address: string, group: string | undefined): Promise<ReadResponse<unknown> | undefined> {
    return (await this.#reads.get(keyOf(address, group)))?.get(address);
  }
}

function keyOf(address: string, group: string | undefined): string {
  return group ?? `\u0001${address}`;
}
