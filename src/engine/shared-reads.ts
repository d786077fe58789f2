// Reads shared by the targets of a plan or a run: one fetch per key (a KMS key's grants, an ACK user's
// access, an ESA site's certificates), every caller of the key waiting for the same answer.

import type { SharedReads } from '../providers/types.js';

/** sharedReads makes a fresh SharedReads: nothing read before it counts. */
export function sharedReads(): SharedReads {
  const loads = new Map<string, Promise<unknown>>();
  return {
    load<R>(key: string, fetch: () => Promise<R>): Promise<R> {
      let pending = loads.get(key) as Promise<R> | undefined;
      if (pending === undefined) {
        pending = fetch();
        loads.set(key, pending);
      }
      return pending;
    },
  };
}
