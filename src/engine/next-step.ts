// What happens next to a target of an apply, given what was just observed of it and how often it was
// tried: pure decisions, no I/O and no clock. The executor (executor.ts) makes the calls and waits; these
// functions say which call comes next, or how the target ends. Table-driven tests are in test/engine/.

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { beforeOf, fingerprintOf, type Observation, type PlannedTarget } from '../plan/model.js';
import type { TargetOutcome } from '../plan/run.js';
import { problem } from '../providers/diagnose.js';
import type { ReadResponse, RevokeResponse, VerifyResponse } from '../providers/types.js';

/** Budget bounds the work of one target: revoke calls (the first included), and reads per verification. */
export interface Budget {
  /** targetAttempts is how many revoke calls a target may take; reads after failures count against it too. */
  readonly targetAttempts: number;
  /** verifyAttempts is how many reads may verify one revoke call. */
  readonly verifyAttempts: number;
}

/** DEFAULT_BUDGET: 3 revoke calls a target, 3 reads to verify each. */
export const DEFAULT_BUDGET: Budget = { targetAttempts: 3, verifyAttempts: 3 };

/** Tried is what was done to a target so far. */
export interface Tried {
  /** revokes is how many revoke calls this run made. */
  readonly revokes: number;
  /** sentBefore: an earlier attempt of this run started a revoke call (its answer may have been lost). */
  readonly sentBefore: boolean;
  /** pass counts the rounds of the target's loop: a read that failed, then a read again, is a pass. */
  readonly pass: number;
}

/** Finish ends a target: its outcome, why, and what was seen last. */
export interface Finish {
  readonly next: 'finish';
  readonly outcome: TargetOutcome;
  readonly diagnostics: Diagnostic[];
  readonly observed?: Observation;
}

/** AfterRead: finish, read again after a backoff, or revoke (what was read is active, or not observable). */
export type AfterRead =
  | Finish
  | { readonly next: 'read-again' }
  | { readonly next: 'revoke'; readonly observed: Observation };

/**
 * afterRead decides after a read of target: a failed read is read again while the budget and the
 * failure allow; gone is done (or absent since the plan); a changed record or a target that came back
 * is drift (checked before the first revoke call only); active within the budget is revoked.
 */
export function afterRead(
  target: PlannedTarget,
  read: ReadResponse<unknown>,
  tried: Tried,
  budget: Budget,
): AfterRead {
  const now = read.observation;
  if (now === undefined) {
    if (tried.pass + 1 >= budget.targetAttempts || !read.diagnostics.every(isRetryable)) {
      return finish('failed', read.diagnostics);
    }
    return { next: 'read-again' };
  }
  if (now.state === 'revoked' || now.state === 'absent') return gone(target, now, tried);
  // Drift: an active target whose record is no longer the one reviewed. Checked before the first revoke
  // only; an unobservable target has no state to compare.
  const first = tried.revokes === 0 && !tried.sentBefore;
  if (first && now.state === 'active' && target.before.state === 'active') {
    const fingerprint = fingerprintOf(beforeOf(now));
    if (fingerprint !== target.fingerprint) {
      const message = `${target.address} changed since the plan was made: its record is not the one reviewed; make a new plan`;
      return finish('drift', [problem('apply.drift', message, target.address)], now);
    }
  }
  if (first && now.state === 'active' && target.before.state !== 'active') {
    const message = `${target.address} was ${target.before.state} when the plan was made and is active now; make a new plan`;
    return finish('drift', [problem('apply.drift', message, target.address)], now);
  }
  if (tried.revokes >= budget.targetAttempts) {
    const message = `${target.address} still reads ${now.state} after ${tried.revokes} revoke calls`;
    return finish('failed', [problem('apply.not-verified', message, target.address)], now);
  }
  return { next: 'revoke', observed: now };
}

/**
 * AfterRevoke: finish; verify the call by a read; or read again after a backoff (the call failed in a
 * way worth trying again; `last`: the budget is spent, so that read only says whether an earlier call
 * worked, and the call's failure stands otherwise).
 */
export type AfterRevoke =
  | Finish
  | { readonly next: 'verify' }
  | { readonly next: 'read-again'; readonly last: boolean };

/** afterRevoke decides after the revoke call of target answered (tried counts that call). */
export function afterRevoke(
  target: PlannedTarget,
  revoked: RevokeResponse,
  tried: Tried,
  budget: Budget,
  observable: boolean,
): AfterRevoke {
  if (revoked.outcome === 'failed') {
    const retryable = revoked.uncertain === true || revoked.diagnostics.every(isRetryable);
    if (!retryable) return finish('failed', revoked.diagnostics);
    return { next: 'read-again', last: tried.revokes >= budget.targetAttempts };
  }
  // The failed call's re-read showed it gone: by this call, an earlier one, or someone else.
  if (revoked.outcome === 'already-revoked') return gone(target, { state: 'revoked' }, tried);
  if (!observable) return finish('applied-not-observable', []);
  return { next: 'verify' };
}

/** afterLastRead decides after the read that follows a failed last revoke call: gone proves an earlier one. */
export function afterLastRead(
  target: PlannedTarget,
  read: ReadResponse<unknown>,
  tried: Tried,
  revokeFailure: readonly Diagnostic[],
): Finish {
  const now = read.observation;
  if (now !== undefined && (now.state === 'revoked' || now.state === 'absent'))
    return gone(target, now, tried);
  return finish('failed', [...revokeFailure], now);
}

/**
 * AfterVerify: finish; read to verify again (after a backoff); or, every verification spent, go round
 * as after a read of what the last one saw (revoke again within the budget).
 */
export type AfterVerify =
  | Finish
  | { readonly next: 'verify-again' }
  | { readonly next: 'round'; readonly read: ReadResponse<unknown> };

/** afterVerify decides after verification number `attempt` (from 0) of target's last revoke call. */
export function afterVerify(
  target: PlannedTarget,
  verdict: VerifyResponse<unknown>,
  attempt: number,
  tried: Tried,
  budget: Budget,
): AfterVerify {
  if (verdict.verdict === 'verified' && verdict.observation !== undefined) {
    return gone(target, verdict.observation, tried);
  }
  if (verdict.observation === undefined && !verdict.diagnostics.every(isRetryable)) {
    return finish('failed', verdict.diagnostics);
  }
  if (attempt + 1 < budget.verifyAttempts) return { next: 'verify-again' };
  // Still active (or unreadable) after every verification: revoke again, within the budget.
  if (verdict.observation?.state === 'active' && tried.revokes >= budget.targetAttempts) {
    const message = `${target.address} still reads active after ${tried.revokes} revoke calls and their verifications`;
    return finish('failed', [problem('apply.not-verified', message, target.address)], verdict.observation);
  }
  return {
    next: 'round',
    read:
      verdict.observation === undefined
        ? { diagnostics: verdict.diagnostics }
        : { observation: verdict.observation, diagnostics: [] },
  };
}

/**
 * gone is how a target that reads revoked or absent ends: verified when a call of this run (or of an
 * earlier attempt of it) revoked it; absent since the plan when it was active at plan time, reads
 * absent now, and no call of this run touched it (someone else revoked it, or the account reaches
 * another cloud than the plan's: never counted as done); already revoked otherwise.
 */
export function gone(target: PlannedTarget, observed: Observation, tried: Tried): Finish {
  const ours = tried.revokes > 0 || tried.sentBefore;
  if (!ours && observed.state === 'absent' && target.before.state === 'active') {
    const message = `${target.address} was active when the plan was made and is absent now, and this run did not revoke it: check that account ${target.account} reaches the cloud the plan was made against; make a new plan if it was revoked since`;
    return finish(
      'absent-since-plan',
      [problem('apply.absent-since-plan', message, target.address)],
      observed,
    );
  }
  return finish(ours ? 'verified' : 'already-revoked', [], observed);
}

/** isRetryable tells a failure worth trying again later: throttling, an unreachable endpoint, a 5xx answer. */
export function isRetryable(d: Diagnostic): boolean {
  if (d.code === 'cloud.throttled' || d.code === 'cloud.unreachable') return true;
  return d.code === 'cloud.error' && /\bHTTP 5\d\d\b/.test(d.message);
}

function finish(outcome: TargetOutcome, diagnostics: Diagnostic[], observed?: Observation): Finish {
  return { next: 'finish', outcome, diagnostics, ...(observed === undefined ? {} : { observed }) };
}
