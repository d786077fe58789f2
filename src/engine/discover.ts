// Discover: what a query names in each account, through the types' list calls only (never a revoke):
// every task (an account and a type, with what to look for there) runs at once, and every list it reads
// takes a slot of one limit, so that at most `concurrency` calls are in flight whatever the number of
// keys, sites or clusters. Lists are shared (one ListCertificateAuthority serves every query of an
// account). It decides nothing about plans: what it found, and what failed, go to the session.

import pLimit from 'p-limit';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Observation } from '../plan/model.js';
import { withSignal } from '../providers/common.js';
import type { DiscoverQuery, Fields, ProviderAccount } from '../providers/types.js';
import type { TypeName } from '../vocabulary.js';
import { sharedReads } from './shared-reads.js';
import { registryTypes, type Types } from './types.js';

/** DiscoverTask is one type to look into in one account, and what to look for there. */
export interface DiscoverTask {
  account: string;
  type: TypeName;
  query: DiscoverQuery;
}

/** FoundTarget is one credential found: where, its target, what the lists showed, and what it is. */
export interface FoundTarget {
  account: string;
  type: TypeName;
  address: string;
  target: Fields;
  observation: Observation;
  note: string;
}

/** DiscoverOutcome is every credential found, in task order, and the tasks that failed, with why. */
export interface DiscoverOutcome {
  found: FoundTarget[];
  failed: { account: string; type: TypeName; diagnostics: Diagnostic[] }[];
}

/** DiscoverOptions: calls at once, a signal that stops the reads, and the types (tests script them). */
export interface DiscoverOptions {
  concurrency: number;
  signal?: AbortSignal | undefined;
  types?: Types | undefined;
}

/** discoverAll runs every task; see the top of this file. */
export async function discoverAll(
  tasks: readonly DiscoverTask[],
  accounts: ReadonlyMap<string, ProviderAccount>,
  options: DiscoverOptions,
): Promise<DiscoverOutcome> {
  const { providerOf } = options.types ?? registryTypes;
  const limit = pLimit(options.concurrency);
  const each = <R>(read: () => Promise<R>): Promise<R> => limit(read);
  const reads = sharedReads();
  const answers = await Promise.all(
    tasks.map(async (task) => {
      const provider = providerOf(task.type);
      const account = accounts.get(task.account);
      if (account === undefined) throw new Error(`discoverAll: account ${task.account} is not open`);
      if (provider.discover === undefined) return { task, found: [], diagnostics: [] };
      const answer = await provider.discover({
        account,
        query: task.query,
        reads,
        each,
        ...withSignal(options.signal),
      });
      return { task, ...answer };
    }),
  );
  const outcome: DiscoverOutcome = { found: [], failed: [] };
  const seen = new Set<string>();
  for (const { task, found, diagnostics } of answers) {
    if (diagnostics.length > 0) {
      outcome.failed.push({ account: task.account, type: task.type, diagnostics });
      continue;
    }
    const provider = providerOf(task.type);
    for (const f of found) {
      const address = provider.address(task.account, f.target);
      if (seen.has(address)) continue;
      seen.add(address);
      outcome.found.push({
        account: task.account,
        type: task.type,
        address,
        target: f.target,
        observation: f.observation,
        note: f.note,
      });
    }
  }
  return outcome;
}
