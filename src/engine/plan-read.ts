// The planner's reads: every selector of a plan expanded and every target read from live state, and
// who each account authenticates as, concurrently (at most `concurrency` reads at once) and sharing
// list calls (one paged list of a KMS key, an ESA site, an ACK user or an account's CCM CAs, one
// ShowCluster of a CCE cluster, serves every target on it). It
// decides nothing: what it found, and what failed, go to the assembly (assemble.ts).

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { Stepped, type Steps } from '../document/steps.js';
import {
  type CallerIdentity,
  callerIdentity,
  fingerprintOf,
  isBare,
  type Observation,
} from '../plan/model.js';
import type { Revocation } from '../plan/revocation-plan.js';
import { withSignal } from '../providers/common.js';
import type { Fields, ProviderAccount } from '../providers/types.js';
import { sharedReads } from './shared-reads.js';
import { type Lease, Slots, sparesFor } from './slots.js';
import { registryTypes, type Types } from './types.js';

/**
 * PlanProgress is what the planner tells as it reads: how many reads each account has to make for each
 * type (`identity`: who the account is), and each read as it ends; `sent` once every read's task has
 * started (what is left of the reads is in flight, but for a list's further pages); then the phase
 * after the reads.
 */
export type PlanProgress =
  | { kind: 'reads'; reads: readonly PlanReads[] }
  | { kind: 'read'; account: string; what: string; done: number; total: number }
  | { kind: 'sent' }
  | { kind: 'phase'; phase: 'policies' };

/** PlanReads counts the reads of one account for one type, or for its identity. */
export interface PlanReads {
  account: string;
  what: string;
  total: number;
  done: number;
}

/** Reached is one target as a revocation of the plan reached it, and what a read or a selector found. */
export interface Reached {
  /** index is the revocation's index in spec.revocations; at, the target's in its `targets`. */
  index: number;
  at?: number;
  target: Fields;
  observation: Observation;
  fromSelector: boolean;
}

/** LiveState is what the reads found: the targets, each selector's count, the callers, the failures. */
export interface LiveState {
  reached: Reached[];
  /** matched counts the targets each selector (by revocation index) matched. */
  matched: Map<number, number>;
  callers: Map<string, CallerIdentity>;
  /** failed are the reads that failed, by revocation index: a plan is never made from fewer targets. */
  failed: { index: number; at?: number; diagnostics: Diagnostic[] }[];
  /** unidentified are the accounts whose caller could not be read, and why. */
  unidentified: Map<string, Diagnostic[]>;
}

/** ReadOptions: reads at once, progress, a signal that stops the reads, and the types (tests script them). */
export interface ReadOptions {
  concurrency: number;
  onProgress?: ((event: PlanProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
  types?: Types | undefined;
}

/** readLiveState reads every revocation of a plan, and each account's caller; see the top of this file. */
export async function readLiveState(
  revocations: readonly Revocation[],
  accounts: ReadonlyMap<string, ProviderAccount>,
  options: ReadOptions,
): Promise<LiveState> {
  const { providerOf, whoami } = options.types ?? registryTypes;
  const slots = new Slots(options.concurrency);
  // Tasks queued and not started yet; `sent` is told when the last has started, once all are queued.
  let waiting = 0;
  let queued = false;
  let sent = false;
  const allSent = () => {
    if (sent || waiting > 0 || !queued) return;
    sent = true;
    options.onProgress?.({ kind: 'sent' });
  };
  const started = () => {
    waiting--;
    allSent();
  };
  const limit = <R>(read: (lease?: Lease) => Promise<R>, spare = 0): Promise<R> => {
    waiting++;
    return slots.run(
      (lease) => {
        started();
        return read(lease);
      },
      false,
      undefined,
      spare,
    );
  };
  const alongside = <R>(call: () => Promise<R>): Promise<R> | undefined => slots.alongside(call);
  const reads = sharedReads();
  const signal = options.signal;
  // Each read's fingerprint, worked out while the other reads are in flight, not all at once after the
  // last; but a slice at a time between answers (src/document/steps.ts), not in the handling of the
  // answer that brought it: there, a list's hundreds of targets held the reads that follow the other
  // answers (commit 4a2be5f gives the timings). What is not done by the end is done as the plan is
  // assembled (fingerprintOf keeps each one).
  const unprinted: Observation[] = [];
  let printing = false;
  const fingerprintLater = (observation: Observation): void => {
    unprinted.push(observation);
    if (printing) return;
    printing = true;
    // One that throws (a number JSON cannot hold) throws again where assembly asks for it.
    void new Stepped(printAll(unprinted))
      .inSlices()
      .catch(() => {})
      .finally(() => {
        printing = false;
      });
  };
  const live: LiveState = {
    reached: [],
    matched: new Map(),
    callers: new Map(),
    failed: [],
    unidentified: new Map(),
  };
  const accountOf = (name: string): ProviderAccount => {
    const account = accounts.get(name);
    if (account === undefined) throw new Error(`readLiveState: account ${name} is not open`);
    return account;
  };
  const tasks: Promise<void>[] = [];
  // Each read is a task of one account and type, counted for progress: a task that reads n targets
  // counts n reads.
  const counts = new Map<string, PlanReads>();
  // A task holds a slot while it reads, but a selector's task does not: it may read many lists (every
  // key of an account), each of which takes a slot of its own (`each`).
  const each = <R>(read: () => Promise<R>): Promise<R> => limit(read);
  const task = (
    account: string,
    what: string,
    read: (done: () => void, lease?: Lease) => Promise<void>,
    n = 1,
    slot = true,
    spare = 0,
  ): void => {
    const key = `${account}\u0000${what}`;
    let count = counts.get(key);
    if (count === undefined) {
      count = { account, what, total: 0, done: 0 };
      counts.set(key, count);
    }
    count.total += n;
    const c = count;
    let told = 0;
    const done = () => {
      if (told >= n) return;
      told++;
      c.done++;
      options.onProgress?.({ kind: 'read', account, what, done: c.done, total: c.total });
    };
    const run = async (lease?: Lease) => {
      try {
        await read(done, lease);
      } finally {
        while (told < n) done();
      }
    };
    tasks.push(slot ? limit(run, spare) : run());
  };

  // Who each account authenticates as, for the built-in rules, read alongside the targets. Queued
  // first: apply acts on nothing before it is known, and a plan's last wave of reads should not wait
  // for it (one call an account).
  for (const [name, account] of accounts) {
    task(name, 'identity', async () => {
      const who = await whoami[account.cloud]({ account, ...withSignal(signal) });
      if (who.caller !== undefined) live.callers.set(name, callerIdentity(who.caller));
      else live.unidentified.set(name, who.diagnostics);
    });
  }
  // Selectors, one task each.
  revocations.forEach((r, index) => {
    if (r.select === undefined) return;
    const provider = providerOf(r.type);
    const account = accountOf(r.account);
    const select = r.select;
    const expand = async () => {
      if (provider.expand === undefined) throw new Error(`${r.type} takes no selector`);
      const expanded = await provider.expand({ account, select, reads, each, ...withSignal(signal) });
      if (expanded.diagnostics.length > 0) {
        live.failed.push({ index, diagnostics: expanded.diagnostics });
        return;
      }
      live.matched.set(index, expanded.targets.length);
      for (const found of expanded.targets) {
        live.reached.push({
          index,
          target: found.target,
          observation: found.observation,
          fromSelector: true,
        });
      }
    };
    task(r.account, r.type, expand, 1, false);
  });
  // Targets: in groups that one read serves (their type's listKey), one task a group, else alone.
  const groups = new Map<string, { index: number; at?: number; target: Fields }[]>();
  revocations.forEach((r, index) => {
    const listed = r.targets ?? (r.target === undefined ? [] : [r.target]);
    listed.forEach((target, j) => {
      const listKey = providerOf(r.type).listKey?.(target);
      const key =
        listKey === undefined ? `\u0001${index}\u0001${j}` : `${r.type}\u0000${r.account}\u0000${listKey}`;
      const group = groups.get(key) ?? [];
      group.push({ index, ...(r.targets === undefined ? {} : { at: j }), target });
      groups.set(key, group);
    });
  });
  for (const group of groups.values()) {
    const r = revocations[group[0]?.index ?? -1];
    if (r === undefined) continue;
    const provider = providerOf(r.type);
    const account = accountOf(r.account);
    const together = group.length;
    task(
      r.account,
      r.type,
      async (done, lease) => {
        // A read that makes its calls side by side does so in the spare slots it started with.
        const beside = lease === undefined ? alongside : <R>(call: () => Promise<R>) => lease.alongside(call);
        for (const { index, at, target } of group) {
          const read = await provider.read({
            account,
            target,
            reads,
            together,
            alongside: beside,
            ...withSignal(signal),
          });
          const where = { index, ...(at === undefined ? {} : { at }) };
          if (read.observation === undefined)
            live.failed.push(Object.assign(where, { diagnostics: read.diagnostics }));
          else {
            const observation = read.observation;
            if (isBare(observation)) fingerprintLater(observation);
            live.reached.push(Object.assign(where, { target, observation, fromSelector: false }));
          }
          done();
        }
      },
      together,
      true,
      sparesFor(provider),
    );
  }
  options.onProgress?.({ kind: 'reads', reads: [...counts.values()].map((c) => ({ ...c })) });
  queued = true;
  allSent();
  await Promise.all(tasks);
  options.onProgress?.({ kind: 'phase', phase: 'policies' });
  return live;
}

// The fingerprints of the observations queued, a step each, until none is left.
function* printAll(queued: Observation[]): Steps<void> {
  for (let observation = queued.pop(); observation !== undefined; observation = queued.pop()) {
    fingerprintOf(observation);
    yield;
  }
}
