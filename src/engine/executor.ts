// The executor: a plan and opened accounts in; every target revoked, verified and told to the hooks (the
// journal among them), or reported as what it is. It never claims what it did not do.
//
// Per target: the state is read again (one shared read per KMS key, ACK user or ESA site, as in the
// planner), unless the session read it moments ago (its fresh plan: `observed`); then the next step is decided by next-step.ts from what was read and how often the target was
// tried: done (revoked or gone), refused (drift), revoked, read again after a backoff, verified by a read.
// Before each revoke call the hooks' preRevoke runs (the journal's intent, durable first), after it
// postRevoke; postTarget when the target ends. Targets whose reads share a list are verified together
// (group-verifier.ts). A target that fails never stops the others.
//
// Calls: at most `concurrency` at once, whatever they are (reads, revokes, verifications): every call
// runs in one Slots (slots.ts). A target waiting for its group's read or verification holds no slot.
// Targets start in lanes (lanes.ts), each at most laneAhead ahead of its first revokes. Stopping (Ctrl-C, a hook that failed) schedules nothing new; calls in flight finish and are told.

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Observation, PlannedTarget, SavedPlan } from '../plan/model.js';
import { isDone, type Prior, type TargetResult } from '../plan/run.js';
import { verifyTarget, withSignal } from '../providers/common.js';
import { problem } from '../providers/diagnose.js';
import type {
  Fields,
  ProviderAccount,
  ReadResponse,
  RevokeResponse,
  SharedReads,
  VerifyResponse,
} from '../providers/types.js';
import { GroupVerifier } from './group-verifier.js';
import { type ApplyHooks, allHooks } from './hooks.js';
import { inLanes } from './lanes.js';
import {
  afterLastRead,
  afterRead,
  afterRevoke,
  afterVerify,
  type Budget,
  DEFAULT_BUDGET,
  type Finish,
  type Tried,
} from './next-step.js';
import { PreReads, type Work, worksOf } from './pre-reads.js';
import { sharedReads } from './shared-reads.js';
import { abortableSleep, type Lease, paced, Slots } from './slots.js';
import { registryTypes, type Types } from './types.js';

/** ExecuteInputs are what an apply works on. */
export interface ExecuteInputs {
  plan: SavedPlan;
  accounts: ReadonlyMap<string, ProviderAccount>;
  /** hooks hear the run as it goes (the journal: a rejected preRevoke stops the run before its call). */
  hooks?: readonly ApplyHooks[];
  /** prior holds what an earlier attempt of this run did, by address: done targets are skipped. */
  prior?: ReadonlyMap<string, Prior>;
  /**
   * guard is asked before every revoke call, with what the target reads now: a diagnostic refuses the
   * call (the target fails with it). The session runs the built-in rules here, on the live record and
   * the identity apply runs as, whatever the plan says.
   */
  guard?: (target: PlannedTarget, now: Observation<unknown>) => Diagnostic | undefined;
  /**
   * observed are reads of targets that this process made moments ago (apply's fresh plan), by address:
   * each stands for the target's first read, which is then not made again. Never a file's word: the
   * session passes only what it read itself, and only while it is fresh.
   */
  observed?: ReadonlyMap<string, Observation<unknown>>;
  /** types are the revocation types' providers; the registry's by default (tests script their own). */
  types?: Types;
}

/** ExecuteOptions tune an apply. Durations are in milliseconds. */
export interface ExecuteOptions {
  /** concurrency is the most calls at once; default 8. */
  concurrency?: number;
  /** stop, once aborted, schedules nothing new: calls in flight finish, the rest is not started. */
  stop?: AbortSignal;
  /** signal aborts calls in flight too (a second Ctrl-C). */
  signal?: AbortSignal;
  /** targetAttempts is how many revoke calls a target may take, the first included; default 3. */
  targetAttempts?: number;
  /** verifyAttempts is how many reads may verify one revoke call; default 3. */
  verifyAttempts?: number;
  /** backoffMs is the first target-level wait; it doubles each time; default 1000. */
  backoffMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

/** ExecuteResult is every target's result, in plan order, and whether the run was stopped. */
export interface ExecuteResult {
  targets: TargetResult[];
  stopped: boolean;
  /**
   * hookError is the first hook that failed (the journal: a full disk): the run stopped there, as a
   * first Ctrl-C stops it, and what it could not tell was lost. The results say what happened; the
   * journal says what a resume can trust.
   */
  hookError?: Error;
}

// How many targets of a lane (an account's targets of one type) may be started and not past their first
// revoke (lanes.ts): a slot's worth, as many queued (intents go that far ahead); each one's waits are live.
const laneAhead = (concurrency: number): number => Math.max(64, 2 * concurrency);

/** DEFAULT_APPLY_CONCURRENCY is how many calls an apply makes at once without --concurrency. */
export const DEFAULT_APPLY_CONCURRENCY = 8;

/** executePlan applies plan: see the top of this file. Only the plan's revoke and not-observable targets are touched. */
export async function executePlan(
  inputs: ExecuteInputs,
  options: ExecuteOptions = {},
): Promise<ExecuteResult> {
  return new Run(inputs, options).execute();
}

class Run {
  readonly #inputs: ExecuteInputs;
  readonly #hooks: ReturnType<typeof allHooks>;
  readonly #limit: Slots;
  readonly #stop: AbortSignal | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #budget: Budget;
  readonly #backoffMs: number;
  readonly #sleep: NonNullable<ExecuteOptions['sleep']>;
  readonly #random: () => number;
  #preReads: PreReads | undefined;
  readonly #verifiers = new Map<string, GroupVerifier>();
  readonly #retryReads = new Map<number, SharedReads>();
  #done = 0;
  #total = 0;
  #hookError: Error | undefined;

  constructor(inputs: ExecuteInputs, options: ExecuteOptions) {
    this.#inputs = inputs;
    this.#hooks = allHooks(inputs.hooks ?? []);
    this.#limit = new Slots(options.concurrency ?? DEFAULT_APPLY_CONCURRENCY);
    this.#stop = options.stop;
    this.#signal = options.signal;
    this.#budget = {
      targetAttempts: options.targetAttempts ?? DEFAULT_BUDGET.targetAttempts,
      verifyAttempts: options.verifyAttempts ?? DEFAULT_BUDGET.verifyAttempts,
    };
    this.#backoffMs = options.backoffMs ?? 1000;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#random = options.random ?? Math.random;
  }

  get #stopped(): boolean {
    return this.#stop?.aborted === true || this.#signal?.aborted === true || this.#hookError !== undefined;
  }

  // Runs a hook; false when it failed (the first failure stops the run: nothing more is sent, calls in
  // flight finish). What a failed journal hook wrote may or may not be in the file, as after a kill.
  async #tell(hook: () => Promise<void>): Promise<boolean> {
    if (this.#hookError !== undefined) return false;
    try {
      await hook();
      return true;
    } catch (e) {
      this.#hookError ??= e instanceof Error ? e : new Error(String(e));
      return false;
    }
  }

  async execute(): Promise<ExecuteResult> {
    const inputs = this.#inputs;
    const works = worksOf(inputs.plan.targets, inputs.accounts, inputs.types ?? registryTypes, inputs.prior);
    const results: (TargetResult | undefined)[] = [];
    this.#total = works.length;
    // Done in an earlier attempt of this run: reported again, never touched.
    const pending: (Work & { index: number })[] = [];
    const reported: Promise<void>[] = [];
    works.forEach((w, i) => {
      const outcome = w.prior?.outcome;
      if (outcome !== undefined && isDone(outcome)) {
        const result = this.#result(w, {
          outcome,
          revokes: 0,
          diagnostics: [],
          ...(w.prior?.requestId === undefined ? {} : { requestId: w.prior.requestId }),
        });
        results[i] = result;
        reported.push(this.#ended(result, false));
      } else pending.push(Object.assign({}, w, { index: i }));
    });
    // Verification groups count the targets still to revoke, so that each group reads once at its end.
    for (const w of pending) {
      if (w.group === undefined) continue;
      let v = this.#verifiers.get(w.group);
      if (v === undefined) {
        v = new GroupVerifier(this.#limit, w.provider, w.account, this.#signal, () => this.#stopped);
        this.#verifiers.set(w.group, v);
      }
      v.expect();
    }
    // Pre-reads: one task per shared group, in plan order, before any revoke is queued.
    // Targets the session read moments ago are not read again.
    const unread = pending.filter((w) => this.#inputs.observed?.has(w.target.address) !== true);
    this.#preReads = new PreReads(this.#limit, unread, () => this.#stopped, this.#signal);
    await Promise.all([
      ...reported,
      inLanes(
        pending,
        (w) => `${w.target.account}\u0000${w.target.type}`,
        laneAhead(this.#limit.size),
        async (w, leave) => {
          const result = await this.#runTarget(w, leave);
          results[w.index] = result;
          leave();
          await this.#ended(result, true);
        },
      ),
    ]);
    return {
      targets: results.filter((r): r is TargetResult => r !== undefined),
      stopped: this.#stopped,
      ...(this.#hookError === undefined ? {} : { hookError: this.#hookError }),
    };
  }

  // A target's end, told to the hooks: one done in an earlier attempt of this run is told as such (the
  // journal has its line from that attempt).
  async #ended(result: TargetResult, fresh: boolean): Promise<void> {
    this.#done++;
    const end = { result, done: this.#done, total: this.#total, ...(fresh ? {} : { earlier: true }) };
    await this.#tell(async () => this.#hooks.postTarget(end));
  }

  // A target, from its pre-read to its last verification: the calls and the waits; what comes next is
  // next-step.ts's to say. leave is called once the target no longer waits in its lane's order: its first
  // revoke answered, a backoff, its group's verification, or its end.
  async #runTarget(w: Work, leave: () => void): Promise<TargetResult> {
    const verifier = w.group === undefined ? undefined : this.#verifiers.get(w.group);
    const sentBefore = (w.prior?.intents ?? 0) > 0;
    let revokes = 0;
    let requestId: string | undefined;
    let settled = false;
    // The group stops waiting for this target once it needs no verification.
    const settle = () => {
      if (!settled) verifier?.settle();
      settled = true;
    };
    const tried = (pass: number): Tried => ({ revokes, sentBefore, pass });
    const end = (f: Pick<Finish, 'outcome' | 'diagnostics' | 'observed'>): TargetResult => {
      settle();
      return this.#result(w, {
        outcome: f.outcome,
        revokes,
        diagnostics: f.diagnostics,
        ...(f.observed === undefined ? {} : { observed: f.observed }),
        ...(requestId === undefined ? {} : { requestId }),
      });
    };
    const stoppedEnd = (): TargetResult =>
      revokes === 0
        ? end({ outcome: 'not-started', diagnostics: [] })
        : end({ outcome: 'interrupted', diagnostics: [interrupted(w.target.address)] });
    const interruptedEnd = () =>
      end({ outcome: 'interrupted', diagnostics: [interrupted(w.target.address)] });

    const observed = this.#inputs.observed?.get(w.target.address);
    let read: ReadResponse<unknown> =
      observed !== undefined
        ? { observation: observed, diagnostics: [] }
        : ((await this.#preReads?.of(w.target.address, w.group)) ?? { diagnostics: [] });
    for (let pass = 0; ; pass++) {
      if (this.#stopped) return stoppedEnd();
      const next = afterRead(w.target, read, tried(pass), this.#budget);
      if (next.next === 'finish') return end(next);
      if (next.next === 'read-again') {
        leave();
        await this.#backoff(pass);
        read = await this.#limit.run((lease) => this.#readAlone(w, pass, lease), true);
        continue;
      }
      const denied = this.#inputs.guard?.(w.target, next.observed);
      if (denied !== undefined)
        return end({ outcome: 'failed', diagnostics: [denied], observed: next.observed });

      // The revoke: preRevoke (the journal's intent, fsync'd) before it, postRevoke after. The intent is
      // written while the call waits for its slot, at most `concurrency` calls ahead, so that no slot
      // waits for the disk. A first revoke waits behind every target already started; a retry does not.
      const attempt = revokes + 1;
      let intended = false;
      const intent = async () => {
        intended = await this.#tell(() => this.#hooks.preRevoke(w.target, attempt));
      };
      const revoked = await this.#limit.run(
        async (lease): Promise<RevokeResponse | undefined> => {
          // Stopped while it waited, or its intent could not be journaled: no call.
          if (this.#stopped || !intended) return undefined;
          revokes = attempt;
          return w.provider.revoke({
            account: paced(w.account, lease),
            target: w.target.target as Fields,
            with: w.target.with as Fields,
            ...withSignal(this.#signal),
          });
        },
        revokes > 0,
        intent,
      );
      leave();
      if (revoked === undefined) {
        // An intent written ahead and not followed by its call is taken back, so resume counts true.
        if (intended) {
          await this.#tell(() => this.#hooks.postRevoke(w.target, attempt, { outcome: 'not-sent' }));
        }
        continue;
      }
      await this.#tell(() =>
        this.#hooks.postRevoke(w.target, attempt, {
          outcome: revoked.outcome,
          requestId: revoked.requestId,
          error: revoked.diagnostics[0]?.message,
        }),
      );
      if (revoked.requestId !== undefined) requestId = revoked.requestId;
      const after = afterRevoke(w.target, revoked, tried(pass), this.#budget, w.provider.observable);
      if (after.next === 'finish') return end(after);
      if (after.next === 'read-again') {
        // Read again after a backoff: gone proves an earlier call worked; active is revoked again,
        // within the budget. The last call's failure is reported only when a read cannot show it done.
        await this.#backoff(pass);
        read = await this.#limit.run((lease) => this.#readAlone(w, pass, lease), true);
        if (after.last) return end(afterLastRead(w.target, read, tried(pass), revoked.diagnostics));
        continue;
      }

      // Verification: with the group's one read, else alone; a read that does not show it yet is
      // repeated after a backoff (a cloud may show a revocation late), then the revoke is tried again.
      for (let v = 0; ; v++) {
        if (this.#stopped) return interruptedEnd();
        let verdict: VerifyResponse<unknown>;
        if (v === 0 && verifier !== undefined && !settled) {
          settled = true;
          verdict = await verifier.verify(w.target.target as Fields);
          if (this.#stopped && verdict.verdict !== 'verified') return interruptedEnd();
        } else {
          if (v > 0) await this.#backoff(v - 1);
          if (this.#stopped) return interruptedEnd();
          verdict = await this.#limit.run(
            (lease) =>
              verifyTarget(w.provider, {
                account: paced(w.account, lease),
                target: w.target.target as Fields,
                ...withSignal(this.#signal),
              }),
            true,
          );
        }
        const checked = afterVerify(w.target, verdict, v, tried(pass), this.#budget);
        if (checked.next === 'finish') return end(checked);
        if (checked.next === 'verify-again') continue;
        read = checked.read;
        break;
      }
    }
  }

  // A read again, after a failure: targets retried at the same pass share their lists (a failed list
  // of a thousand grants is read again once per pass, not once per grant).
  #readAlone(w: Work, pass: number, lease: Lease): Promise<ReadResponse<unknown>> {
    if (this.#stopped) return Promise.resolve({ diagnostics: [interrupted(w.target.address)] });
    let reads = this.#retryReads.get(pass);
    if (reads === undefined) {
      reads = sharedReads();
      this.#retryReads.set(pass, reads);
    }
    return w.provider.read({
      account: paced(w.account, lease),
      target: w.target.target as Fields,
      reads,
      ...withSignal(this.#signal),
    });
  }

  async #backoff(pass: number): Promise<void> {
    const cap = this.#backoffMs * 2 ** pass;
    await this.#sleep(cap / 2 + Math.floor(this.#random() * (cap / 2)), this.#stop).catch(() => {});
  }

  #result(w: Work, r: Omit<TargetResult, 'address' | 'type' | 'account' | 'ids'>): TargetResult {
    return {
      address: w.target.address,
      type: w.target.type,
      account: w.target.account,
      ids: [...w.target.ids],
      ...r,
    };
  }
}

// What a target that was stopped says.
function interrupted(address: string): Diagnostic {
  return problem(
    'apply.interrupted',
    `${address}: the run was stopped before this target was finished`,
    address,
  );
}
