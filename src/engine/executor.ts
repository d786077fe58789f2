// The executor: a saved plan and opened accounts in; every target revoked, verified and journaled, or
// reported as what it is. It never claims what it did not do.
//
// Per target: the state is read again (one shared read per KMS key, ACK user or ESA site, as in the
// planner); a target now revoked or gone costs no call (already revoked); one whose state fingerprint
// changed since the plan is refused (drift); otherwise the intent is journaled, the revoke call is
// made, its outcome journaled, and the target is read again to verify it: verified only when the read
// shows it revoked or gone. Targets whose reads share a list (a KMS key, an ACK user) are verified
// together, by one list once their group's revokes are done. A revoke that failed with a retryable
// error, or that a verifying read does not show, is tried again after a backoff, re-reading first,
// up to a budget; a target that fails never stops the others.
//
// Calls: at most `concurrency` at once, whatever they are (reads, revokes, verifications): every call
// runs inside one p-limit. A target waiting for its group's read or verification holds no slot.
// Stopping (Ctrl-C) schedules nothing new; calls in flight finish and are journaled.

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { fingerprintOf, type PlannedTarget, type SavedPlan } from '../plan/model.js';
import { withSignal } from '../providers/common.js';
import { problem } from '../providers/diagnose.js';
import { providerOf } from '../providers/registry.js';
import type {
  AnyRevocationType,
  Fields,
  Observation,
  ProviderAccount,
  ReadResponse,
  RevokeOutcome,
  RevokeResponse,
  SharedReads,
  VerifyResponse,
} from '../providers/types.js';
import type { TypeName } from '../vocabulary.js';
import { sharedReads } from './shared-reads.js';

/**
 * TargetOutcome is how a target ended: verified (revoked by this run, a read shows it), already-revoked
 * (it reads revoked, and no call of this run did it), applied-not-observable (the revoke call succeeded;
 * no API can show it), failed, drift (its state changed since the plan: not touched), absent-since-plan
 * (active when the plan was made, absent now, and no call of this run did it: revoked by someone else,
 * or the account reaches another cloud than the plan's: never counted as done), interrupted (stopped
 * between its revoke and its verification, or during a retry), not-started.
 */
export type TargetOutcome =
  | 'verified'
  | 'already-revoked'
  | 'applied-not-observable'
  | 'failed'
  | 'drift'
  | 'absent-since-plan'
  | 'interrupted'
  | 'not-started';

/** targetOutcomes lists the outcomes in the order results show them. */
export const targetOutcomes: readonly TargetOutcome[] = [
  'verified',
  'already-revoked',
  'applied-not-observable',
  'failed',
  'drift',
  'absent-since-plan',
  'interrupted',
  'not-started',
];

/** isDone tells whether an outcome leaves the target revoked as far as anything can show. */
export function isDone(outcome: TargetOutcome): boolean {
  return outcome === 'verified' || outcome === 'already-revoked' || outcome === 'applied-not-observable';
}

/** TargetResult is one target of an apply: its outcome, the revoke calls it took and why it failed. */
export interface TargetResult {
  address: string;
  type: TypeName;
  account: string;
  ids: string[];
  outcome: TargetOutcome;
  /** revokes is how many revoke calls this run made for it (retries at the target level included). */
  revokes: number;
  /** requestId is the cloud's request id of the revoke call that succeeded, when it said one. */
  requestId?: string;
  /** observed is what the last read saw: the state and the cloud's record. */
  observed?: Observation<unknown>;
  /** diagnostics say why a target failed, drifted or was interrupted. */
  diagnostics: Diagnostic[];
}

/** RunRecord is one line of a run's journal that the executor writes. */
export type RunRecord =
  | { type: 'intent'; address: string; attempt: number }
  | {
      type: 'revoke';
      address: string;
      attempt: number;
      /** not-sent: the run stopped after the intent was written and before the call was made. */
      outcome: RevokeOutcome | 'not-sent';
      requestId?: string;
      error?: string;
    }
  | {
      type: 'target';
      address: string;
      targetType: TypeName;
      account: string;
      outcome: TargetOutcome;
      revokes: number;
      requestId?: string;
      /** state is what the last read saw. */
      state?: string;
      errors?: string[];
    };

/** Prior is what an earlier attempt of the same run journaled of a target (for --resume). */
export interface Prior {
  /** outcome is the target's final outcome, when it had one. */
  outcome?: TargetOutcome;
  /** intents is how many revoke calls were started for it. */
  intents: number;
  requestId?: string;
}

/** ExecuteInputs are what an apply works on. */
export interface ExecuteInputs {
  plan: SavedPlan;
  accounts: ReadonlyMap<string, ProviderAccount>;
  /** record journals one record; it resolves once the record is durable. */
  record: (record: RunRecord) => Promise<void>;
  /** prior holds what an earlier attempt of this run did, by address: done targets are skipped. */
  prior?: ReadonlyMap<string, Prior>;
  /**
   * guard is asked before every revoke call, with what the target reads now: a diagnostic refuses the
   * call (the target fails with it). The session runs the built-in rules here, on the live record and
   * the identity apply runs as, whatever the plan says.
   */
  guard?: (target: PlannedTarget, now: Observation<unknown>) => Diagnostic | undefined;
}

/** ExecuteEvent tells progress: a target ended. */
export interface ExecuteEvent {
  result: TargetResult;
  done: number;
  total: number;
}

/** ExecuteOptions tune an apply. Durations are in milliseconds. */
export interface ExecuteOptions {
  /** concurrency is the most calls at once; default 8. */
  concurrency?: number;
  /** stop, once aborted, schedules nothing new: calls in flight finish, the rest is not started. */
  stop?: AbortSignal;
  /** signal aborts calls in flight too (a second Ctrl-C). */
  signal?: AbortSignal;
  onEvent?: (event: ExecuteEvent) => void;
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
   * journalError is the first record that could not be journaled (a full disk): the run stopped there,
   * as a first Ctrl-C stops it, and the records of calls in flight then were lost. The results say what
   * happened; the journal says what a resume can trust.
   */
  journalError?: Error;
}

/** DEFAULT_APPLY_CONCURRENCY is how many calls an apply makes at once without --concurrency. */
export const DEFAULT_APPLY_CONCURRENCY = 8;

/** executePlan applies plan: see the top of this file. Only the plan's revoke and not-observable targets are touched. */
export async function executePlan(
  inputs: ExecuteInputs,
  options: ExecuteOptions = {},
): Promise<ExecuteResult> {
  const run = new Run(inputs, options);
  return run.execute();
}

interface Work {
  target: PlannedTarget;
  provider: AnyRevocationType;
  account: ProviderAccount;
  prior: Prior | undefined;
  /** group names the read this target shares (its pre-read and its verification), if any. */
  group: string | undefined;
}

class Run {
  readonly #inputs: ExecuteInputs;
  readonly #limit: Slots;
  readonly #stop: AbortSignal | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #onEvent: ExecuteOptions['onEvent'];
  readonly #targetAttempts: number;
  readonly #verifyAttempts: number;
  readonly #backoffMs: number;
  readonly #sleep: NonNullable<ExecuteOptions['sleep']>;
  readonly #random: () => number;
  readonly #preReads = new Map<string, Promise<Map<string, ReadResponse<unknown>>>>();
  readonly #verifiers = new Map<string, GroupVerifier>();
  readonly #retryReads = new Map<number, SharedReads>();
  #done = 0;
  #total = 0;
  #journalError: Error | undefined;

  constructor(inputs: ExecuteInputs, options: ExecuteOptions) {
    this.#inputs = inputs;
    this.#limit = new Slots(options.concurrency ?? DEFAULT_APPLY_CONCURRENCY);
    this.#stop = options.stop;
    this.#signal = options.signal;
    this.#onEvent = options.onEvent;
    this.#targetAttempts = options.targetAttempts ?? 3;
    this.#verifyAttempts = options.verifyAttempts ?? 3;
    this.#backoffMs = options.backoffMs ?? 1000;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#random = options.random ?? Math.random;
  }

  get #stopped(): boolean {
    return this.#stop?.aborted === true || this.#signal?.aborted === true || this.#journalError !== undefined;
  }

  // Journals one record; false when it could not be (the first failure stops the run: nothing more is
  // sent, calls in flight finish). A record that failed may or may not be in the file, as after a kill.
  async #record(record: RunRecord): Promise<boolean> {
    if (this.#journalError !== undefined) return false;
    try {
      await this.#inputs.record(record);
      return true;
    } catch (e) {
      this.#journalError ??= e instanceof Error ? e : new Error(String(e));
      return false;
    }
  }

  async execute(): Promise<ExecuteResult> {
    const works: Work[] = [];
    const results: (TargetResult | undefined)[] = [];
    for (const target of this.#inputs.plan.targets) {
      if (target.action !== 'revoke' && target.action !== 'not-observable') continue;
      const provider = providerOf(target.type);
      const account = this.#inputs.accounts.get(target.account);
      if (account === undefined) throw new Error(`executePlan: account ${target.account} is not open`);
      const fields = target.target as Fields;
      const shared = provider.sharedBy?.(fields) ?? provider.groupOf?.(fields);
      const group = shared === undefined ? undefined : `${target.type}\u0000${target.account}\u0000${shared}`;
      works.push({ target, provider, account, prior: this.#inputs.prior?.get(target.address), group });
    }
    this.#total = works.length;
    // Done in an earlier attempt of this run: reported again, never touched.
    const pending: (Work & { index: number })[] = [];
    works.forEach((w, i) => {
      const outcome = w.prior?.outcome;
      if (outcome !== undefined && isDone(outcome)) {
        results[i] = this.#report(
          this.#finish(w, {
            outcome,
            revokes: 0,
            diagnostics: [],
            ...(w.prior?.requestId === undefined ? {} : { requestId: w.prior.requestId }),
          }),
        );
      } else pending.push({ ...w, index: i });
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
    this.#schedulePreReads(pending);
    // A journal write that fails stops the run (#record): what was not journaled is not in the report
    // a resume trusts, however the target ended here.
    await Promise.all(
      pending.map(async (w) => {
        const result = await this.#runTarget(w);
        await this.#record(targetRecord(result));
        results[w.index] = this.#report(result);
      }),
    );
    return {
      targets: results.filter((r): r is TargetResult => r !== undefined),
      stopped: this.#stopped,
      ...(this.#journalError === undefined ? {} : { journalError: this.#journalError }),
    };
  }

  // One read task per group (its targets read together, sharing one list), one per lone target.
  #schedulePreReads(pending: readonly Work[]): void {
    const groups = new Map<string, Work[]>();
    for (const w of pending) {
      const key = w.group ?? `\u0001${w.target.address}`;
      const members = groups.get(key) ?? [];
      members.push(w);
      groups.set(key, members);
    }
    for (const [key, members] of groups) {
      this.#preReads.set(
        key,
        this.#limit.run(async () => {
          const out = new Map<string, ReadResponse<unknown>>();
          if (this.#stopped) return out;
          const first = members[0];
          if (first === undefined) return out;
          const { provider, account } = first;
          if (members.length > 1 && provider.readMany !== undefined && provider.sharedBy === undefined) {
            const read = await provider.readMany({
              account,
              targets: members.map((m) => m.target.target as Fields),
              ...withSignal(this.#signal),
            });
            members.forEach((m, i) => {
              const observation = read.observations[i];
              out.set(
                m.target.address,
                observation === undefined
                  ? { diagnostics: read.diagnostics }
                  : { observation, diagnostics: [] },
              );
            });
            return out;
          }
          // One SharedReads: the first read lists, the others find the list.
          const reads = sharedReads();
          for (const m of members) {
            out.set(
              m.target.address,
              await provider.read({
                account,
                target: m.target.target as Fields,
                reads,
                ...withSignal(this.#signal),
              }),
            );
          }
          return out;
        }),
      );
    }
  }

  async #preRead(w: Work): Promise<ReadResponse<unknown> | undefined> {
    const key = w.group ?? `\u0001${w.target.address}`;
    const reads = await this.#preReads.get(key);
    return reads?.get(w.target.address);
  }

  // A target, from its pre-read to its last verification.
  async #runTarget(w: Work): Promise<TargetResult> {
    const verifier = w.group === undefined ? undefined : this.#verifiers.get(w.group);
    let revokes = 0;
    let requestId: string | undefined;
    let settled = false;
    // The group stops waiting for this target once it needs no verification.
    const settle = () => {
      if (!settled) verifier?.settle();
      settled = true;
    };
    // Revoked by an earlier attempt of this run, its answer lost to a kill: a read that shows it gone is its proof.
    const sentBefore = (w.prior?.intents ?? 0) > 0;
    const gone = (observation: Observation<unknown>): TargetResult => {
      settle();
      const ours = revokes > 0 || sentBefore;
      if (!ours && observation.state === 'absent' && w.target.before.state === 'active') {
        const message = `${w.target.address} was active when the plan was made and is absent now, and this run did not revoke it: check that account ${w.target.account} reaches the cloud the plan was made against; make a new plan if it was revoked since`;
        return this.#finish(w, {
          outcome: 'absent-since-plan',
          revokes,
          observed: observation,
          diagnostics: [problem('apply.absent-since-plan', message, w.target.address)],
        });
      }
      const outcome = ours ? 'verified' : 'already-revoked';
      return this.#finish(w, {
        outcome,
        revokes,
        observed: observation,
        diagnostics: [],
        ...(requestId === undefined ? {} : { requestId }),
      });
    };
    const end = (outcome: TargetOutcome, diagnostics: Diagnostic[], observed?: Observation<unknown>) => {
      settle();
      return this.#finish(w, {
        outcome,
        revokes,
        diagnostics,
        ...(observed === undefined ? {} : { observed }),
        ...(requestId === undefined ? {} : { requestId }),
      });
    };

    let read = await this.#preRead(w);
    for (let pass = 0; ; pass++) {
      if (this.#stopped && revokes === 0) return end('not-started', []);
      if (this.#stopped) return end('interrupted', [interrupted(w.target.address)]);
      if (read === undefined || read.observation === undefined) {
        // The read failed (after the HTTP layer's retries): try again later, or report it.
        const diagnostics = read?.diagnostics ?? [];
        if (pass + 1 >= this.#targetAttempts || !diagnostics.every(isRetryable))
          return end('failed', diagnostics);
        await this.#backoff(pass);
        read = await this.#limit.run(() => this.#readAlone(w, pass), true);
        continue;
      }
      const now = read.observation;
      if (now.state === 'revoked' || now.state === 'absent') return gone(now);
      // Drift: an active target whose record is no longer the one reviewed. Checked before the first
      // revoke only; an unobservable target has no state to compare.
      if (revokes === 0 && !sentBefore && now.state === 'active' && w.target.before.state === 'active') {
        const fingerprint = fingerprintOf({
          state: now.state,
          ...(now.record === undefined ? {} : { record: now.record }),
        });
        if (fingerprint !== w.target.fingerprint) {
          const message = `${w.target.address} changed since the plan was made: its record is not the one reviewed; make a new plan`;
          return end('drift', [problem('apply.drift', message, w.target.address)], now);
        }
      }
      if (now.state === 'active' && w.target.before.state !== 'active' && revokes === 0 && !sentBefore) {
        const message = `${w.target.address} was ${w.target.before.state} when the plan was made and is active now; make a new plan`;
        return end('drift', [problem('apply.drift', message, w.target.address)], now);
      }
      if (revokes >= this.#targetAttempts) {
        const message = `${w.target.address} still reads ${now.state} after ${revokes} revoke calls`;
        return end('failed', [problem('apply.not-verified', message, w.target.address)], now);
      }

      const denied = this.#inputs.guard?.(w.target, now);
      if (denied !== undefined) return end('failed', [denied], now);

      // The revoke: its intent journaled (and fsync'd) before it, its outcome after. The intent is
      // written while the call waits for its slot, at most `concurrency` calls ahead, so that no slot
      // waits for the disk. A first revoke waits behind every target already started; a retry does not.
      const attempt = revokes + 1;
      let intended = false;
      // An intent that could not be journaled stops the run before its call is made.
      const intent = async () => {
        intended = await this.#record({ type: 'intent', address: w.target.address, attempt });
      };
      const revoked = await this.#limit.run(
        async (): Promise<RevokeResponse | undefined> => {
          if (this.#stopped) return undefined;
          revokes = attempt;
          return w.provider.revoke({
            account: w.account,
            target: w.target.target as Fields,
            with: w.target.with as Fields,
            ...withSignal(this.#signal),
          });
        },
        revokes > 0,
        intent,
      );
      if (revoked === undefined) {
        // Stopped while it waited: an intent written ahead is taken back, so resume counts true.
        if (intended) {
          await this.#record({ type: 'revoke', address: w.target.address, attempt, outcome: 'not-sent' });
        }
        continue;
      }
      await this.#record({
        type: 'revoke',
        address: w.target.address,
        attempt,
        outcome: revoked.outcome,
        ...(revoked.requestId === undefined ? {} : { requestId: revoked.requestId }),
        ...(revoked.diagnostics[0] === undefined ? {} : { error: revoked.diagnostics[0].message }),
      });
      if (revoked.requestId !== undefined) requestId = revoked.requestId;
      if (revoked.outcome === 'failed') {
        const retryable = revoked.uncertain === true || revoked.diagnostics.every(isRetryable);
        if (!retryable) return end('failed', revoked.diagnostics);
        // Read again after a backoff: gone proves an earlier call worked; active is revoked again,
        // within the budget. The last call's failure is reported only when a read cannot show it done.
        await this.#backoff(pass);
        read = await this.#limit.run(() => this.#readAlone(w, pass), true);
        if (revokes >= this.#targetAttempts) {
          const now = read.observation;
          if (now !== undefined && (now.state === 'revoked' || now.state === 'absent')) return gone(now);
          return end('failed', revoked.diagnostics, now);
        }
        continue;
      }
      if (revoked.outcome === 'already-revoked') {
        // The failed call's re-read showed it gone: by this call, an earlier one, or someone else.
        return gone({ state: 'revoked' });
      }
      if (!w.provider.observable) return end('applied-not-observable', []);

      // Verification: with the group's one read, else alone; a read that does not show it yet is
      // repeated after a backoff (a cloud may show a revocation late), then the revoke is retried.
      let verdict: VerifyResponse<unknown> | undefined;
      for (let v = 0; v < this.#verifyAttempts; v++) {
        if (this.#stopped) return end('interrupted', [interrupted(w.target.address)]);
        if (v === 0 && verifier !== undefined && !settled) {
          settled = true;
          verdict = await verifier.verify(w.target.target as Fields);
          if (this.#stopped && verdict.verdict !== 'verified') {
            return end('interrupted', [interrupted(w.target.address)]);
          }
        } else {
          if (v > 0) await this.#backoff(v - 1);
          if (this.#stopped) return end('interrupted', [interrupted(w.target.address)]);
          verdict = await this.#limit.run(
            () =>
              w.provider.verify({
                account: w.account,
                target: w.target.target as Fields,
                ...withSignal(this.#signal),
              }),
            true,
          );
        }
        if (verdict.verdict === 'verified' && verdict.observation !== undefined)
          return gone(verdict.observation);
        if (verdict.observation === undefined && !verdict.diagnostics.every(isRetryable)) {
          return end('failed', verdict.diagnostics);
        }
      }
      // Still active (or unreadable) after every verification: revoke again, within the budget.
      read =
        verdict?.observation === undefined
          ? { diagnostics: verdict?.diagnostics ?? [] }
          : { observation: verdict.observation, diagnostics: [] };
      if (read.observation?.state === 'active' && revokes >= this.#targetAttempts) {
        const message = `${w.target.address} still reads active after ${revokes} revoke calls and their verifications`;
        return end('failed', [problem('apply.not-verified', message, w.target.address)], read.observation);
      }
    }
  }

  // A read again, after a failure: targets retried at the same pass share their lists (a failed list
  // of a thousand grants is read again once per pass, not once per grant).
  #readAlone(w: Work, pass: number): Promise<ReadResponse<unknown>> {
    if (this.#stopped) return Promise.resolve({ diagnostics: [interrupted(w.target.address)] });
    let reads = this.#retryReads.get(pass);
    if (reads === undefined) {
      reads = sharedReads();
      this.#retryReads.set(pass, reads);
    }
    return w.provider.read({
      account: w.account,
      target: w.target.target as Fields,
      reads,
      ...withSignal(this.#signal),
    });
  }

  async #backoff(pass: number): Promise<void> {
    const cap = this.#backoffMs * 2 ** pass;
    await this.#sleep(cap / 2 + Math.floor(this.#random() * (cap / 2)), this.#stop).catch(() => {});
  }

  #finish(w: Work, r: Omit<TargetResult, 'address' | 'type' | 'account' | 'ids'>): TargetResult {
    return {
      address: w.target.address,
      type: w.target.type,
      account: w.target.account,
      ids: [...w.target.ids],
      ...r,
    };
  }

  #report(result: TargetResult): TargetResult {
    this.#done++;
    this.#onEvent?.({ result, done: this.#done, total: this.#total });
    return result;
  }
}

// A group's verification read serves at most this many targets, and waits at most this long for more.
const BATCH_MAX = 250;
const BATCH_WAIT_MS = 2000;

/**
 * GroupVerifier verifies the targets of one shared list (a KMS key, an ACK user) or one group read
 * together (an ESA site): targets revoked early wait, without a
 * slot, until every target of the group has left its revoke step; then one task reads the list once
 * (a fresh SharedReads: nothing read before the revokes counts) and answers each of them.
 */
class GroupVerifier {
  readonly #limit: Slots;
  readonly #provider: AnyRevocationType;
  readonly #account: ProviderAccount;
  readonly #signal: AbortSignal | undefined;
  readonly #stopped: () => boolean;
  #expected = 0;
  #waiting: { target: Fields; resolve: (v: VerifyResponse<unknown>) => void }[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    limit: Slots,
    provider: AnyRevocationType,
    account: ProviderAccount,
    signal: AbortSignal | undefined,
    stopped: () => boolean,
  ) {
    this.#stopped = stopped;
    this.#limit = limit;
    this.#provider = provider;
    this.#account = account;
    this.#signal = signal;
  }

  /** expect counts one more target of the group still to revoke. */
  expect(): void {
    this.#expected++;
  }

  /** settle says a target of the group needs no verification from the group's read. */
  settle(): void {
    this.#expected--;
    this.#flush();
  }

  /** verify waits for the group's read after this target's revoke. */
  verify(target: Fields): Promise<VerifyResponse<unknown>> {
    return new Promise((resolve) => {
      this.#waiting.push({ target, resolve });
      this.#expected--;
      this.#flush();
    });
  }

  // A group's read waits for its last revoke, but not forever: a long group (a thousand grants of
  // one key) is verified in batches of BATCH_MAX, or every BATCH_WAIT_MS, so that progress shows.
  #flush(force = false): void {
    if (this.#waiting.length === 0) return;
    if (!force && this.#expected > 0 && this.#waiting.length < BATCH_MAX) {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#flush(true);
      }, BATCH_WAIT_MS);
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#waiting;
    this.#waiting = [];
    void this.#limit
      .run(async () => {
        // A group read together (an ESA site): one listing answers every target of the batch.
        if (
          this.#provider.sharedBy === undefined &&
          this.#provider.readMany !== undefined &&
          batch.length > 1
        ) {
          if (this.#stopped()) {
            for (const w of batch) w.resolve({ verdict: 'not-verified', diagnostics: [] });
            return;
          }
          const read = await this.#provider.readMany({
            account: this.#account,
            targets: batch.map((w) => w.target),
            ...withSignal(this.#signal),
          });
          batch.forEach((w, i) => {
            const observation = read.observations[i];
            if (observation === undefined)
              w.resolve({ verdict: 'not-verified', diagnostics: read.diagnostics });
            else {
              const verdict =
                observation.state === 'revoked' || observation.state === 'absent'
                  ? 'verified'
                  : 'not-verified';
              w.resolve({ verdict, observation, diagnostics: [] });
            }
          });
          return;
        }
        const reads = sharedReads();
        for (const w of batch) {
          // Stopped: no new read; the targets are reported interrupted, and a resume verifies them.
          if (this.#stopped()) {
            w.resolve({ verdict: 'not-verified', diagnostics: [] });
            continue;
          }
          w.resolve(
            await this.#provider.verify({
              account: this.#account,
              target: w.target,
              reads,
              ...withSignal(this.#signal),
            }),
          );
        }
      }, true)
      .catch((e: unknown) => {
        // A bug in a provider: every waiting target hears of it rather than waiting forever.
        const message = e instanceof Error ? e.message : String(e);
        for (const w of batch)
          w.resolve({ verdict: 'not-verified', diagnostics: [problem('apply.not-verified', message)] });
      });
  }
}

// The journal's audit line of a target's end (the session adds who, when and which plan).
function targetRecord(r: TargetResult): RunRecord {
  return {
    type: 'target',
    address: r.address,
    targetType: r.type,
    account: r.account,
    outcome: r.outcome,
    revokes: r.revokes,
    ...(r.requestId === undefined ? {} : { requestId: r.requestId }),
    ...(r.observed === undefined ? {} : { state: r.observed.state }),
    ...(r.diagnostics.length === 0 ? {} : { errors: r.diagnostics.map((d) => d.message) }),
  };
}

/**
 * Slots runs at most n tasks at once, in two queues: urgent tasks (a started target's verification,
 * a retry) go before normal ones (a new target's revoke), so that targets finish as they go, not all
 * at the end, and a stop leaves few targets between their revoke and their verification.
 */
class Slots {
  readonly #n: number;
  #active = 0;
  readonly #urgent: Waiting[] = [];
  readonly #normal: Waiting[] = [];

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`concurrency must be a whole number >= 1, got ${n}`);
    this.#n = n;
  }

  /**
   * run runs task in a slot. before, when given, must be done before task starts (a journal's intent):
   * it is started ahead, once the task is among the next n to run, so that the slot does not wait for
   * it, and never further ahead than that.
   */
  run<T>(task: () => Promise<T>, urgent = false, before?: () => Promise<void>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiting: Waiting = {
        ...(before === undefined ? {} : { before }),
        start: () => {
          this.#active++;
          (waiting.ready ?? Promise.resolve())
            .then(() => (before !== undefined && waiting.ready === undefined ? before() : undefined))
            .then(task)
            .then(resolve, reject)
            .finally(() => {
              this.#active--;
              (this.#urgent.shift() ?? this.#normal.shift())?.start();
              this.#prepareAhead();
            });
        },
      };
      if (this.#active < this.#n) waiting.start();
      else {
        (urgent ? this.#urgent : this.#normal).push(waiting);
        this.#prepareAhead();
      }
    });
  }

  // Starts the `before` of the next n waiting tasks, in the order they will run.
  #prepareAhead(): void {
    let ahead = 0;
    for (const queue of [this.#urgent, this.#normal]) {
      for (const w of queue) {
        if (ahead++ >= this.#n) return;
        if (w.before !== undefined && w.ready === undefined) {
          w.ready = w.before();
          // Awaited when the task starts; a failure then fails the task, never unhandled before.
          w.ready.catch(() => {});
        }
      }
    }
  }
}

interface Waiting {
  start: () => void;
  before?: () => Promise<void>;
  ready?: Promise<void>;
}

// A failure worth trying again later: throttling, an unreachable endpoint, a 5xx answer.
function isRetryable(d: Diagnostic): boolean {
  if (d.code === 'cloud.throttled' || d.code === 'cloud.unreachable') return true;
  return d.code === 'cloud.error' && /\bHTTP 5\d\d\b/.test(d.message);
}

function interrupted(address: string): Diagnostic {
  return problem(
    'apply.interrupted',
    `${address}: the run was stopped before this target was finished`,
    address,
  );
}

// Waits ms, or less when signal aborts (then it rejects).
function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
