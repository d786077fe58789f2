// What an apply tells as it goes, as Terraform's hooks do (PreApply, PostApply): before each revoke call,
// after it, and when a target ends. The journal is one hook (what it writes, a resume trusts); progress is
// another. A hook that fails stops the run: nothing more is sent, calls in flight finish.

import type { PlannedTarget } from '../plan/model.js';
import type { RevokeOutcome, TargetResult } from '../plan/run.js';

/** RevokeAnswer is what a revoke call answered: its outcome, the cloud's request id, and why it failed. */
export interface RevokeAnswer {
  readonly outcome: RevokeOutcome | 'not-sent';
  readonly requestId?: string | undefined;
  readonly error?: string | undefined;
}

/** TargetEnd is a target's end, and how many of the run's targets have ended (for progress). */
export interface TargetEnd {
  readonly result: TargetResult;
  readonly done: number;
  readonly total: number;
  /** earlier: the target ended in an earlier attempt of the run (a resume): nothing was done to it now. */
  readonly earlier?: boolean;
}

/** ApplyHooks are what a run calls as it goes; each may be left out. */
export interface ApplyHooks {
  /**
   * preRevoke runs before revoke call `attempt` of target; the call is not made until it resolves (the
   * journal's intent, durable before the call), and not at all when it rejects.
   */
  preRevoke?(target: PlannedTarget, attempt: number): Promise<void>;
  /** postRevoke hears the answer of revoke call `attempt`, or that it was not sent after all. */
  postRevoke?(target: PlannedTarget, attempt: number, answer: RevokeAnswer): Promise<void>;
  /** postTarget hears that a target ended. */
  postTarget?(end: TargetEnd): Promise<void> | void;
}

/** allHooks is one ApplyHooks that calls each of hooks in turn, each awaited before the next. */
export function allHooks(hooks: readonly ApplyHooks[]): Required<ApplyHooks> {
  return {
    preRevoke: async (target, attempt) => {
      for (const h of hooks) await h.preRevoke?.(target, attempt);
    },
    postRevoke: async (target, attempt, answer) => {
      for (const h of hooks) await h.postRevoke?.(target, attempt, answer);
    },
    postTarget: async (end) => {
      for (const h of hooks) await h.postTarget?.(end);
    },
  };
}
