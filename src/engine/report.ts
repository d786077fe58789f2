// The report of a run: what `rescind apply` prints at its end and `rescind show RUN` prints later, in
// every format, built from the same place, the run's journal, so that the two can never disagree.
// `apply --format json` prints it (schemas/apply-report.schema.json, versioned by formatVersion).

import { isDone, type TargetOutcome } from './executor.js';
import type { LoadedRun } from './runs.js';

/** REPORT_FORMAT_VERSION is bumped on any incompatible change of the report's JSON. */
export const REPORT_FORMAT_VERSION = '2';

/**
 * RunStatus: done (every target revoked as far as anything can show), failed (the run ended with a
 * target failed or drifted), interrupted (stopped by Ctrl-C), incomplete (no end: killed, or running).
 */
export type RunStatus = 'done' | 'failed' | 'interrupted' | 'incomplete';

/** ReportTarget is one target of the plan and how the run left it. */
export interface ReportTarget {
  address: string;
  type: string;
  account: string;
  ids: string[];
  outcome: TargetOutcome;
  /** revokes is how many revoke calls the run made for it. */
  revokes: number;
  requestId?: string;
  /** state is what the last read saw (active, revoked, absent, unknown). */
  state?: string;
  errors: string[];
  /** at is when the target ended. */
  at?: string;
}

/** OutcomeCounts counts targets by outcome, camel-cased. */
export interface OutcomeCounts {
  verified: number;
  alreadyRevoked: number;
  appliedNotObservable: number;
  failed: number;
  drift: number;
  absentSincePlan: number;
  interrupted: number;
  notStarted: number;
}

/** ApplyReport is a run's report. */
export interface ApplyReport {
  apiVersion: 'rescind/v1';
  kind: 'ApplyReport';
  formatVersion: string;
  runId: string;
  plan: { name: string; file: string; digest: string; ticket?: string; owner?: string };
  /** startedAt is when the run first started; resumedAt when each resume started. */
  startedAt: string;
  resumedAt: string[];
  endedAt?: string;
  status: RunStatus;
  /** callers are who each account authenticated as, by account. */
  callers: Record<string, { ids: string[] }>;
  /** resumeWith are the options a resume of the run needs besides `--resume RUN`, as they were given. */
  resumeWith?: { config?: string; policies?: string[] };
  targets: ReportTarget[];
  summary: OutcomeCounts;
}

/** countKey is an outcome's key in OutcomeCounts. */
export function countKey(outcome: TargetOutcome): keyof OutcomeCounts {
  return outcome.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof OutcomeCounts;
}

/** reportOf builds the report of a run from its plan and journal. */
export function reportOf(run: LoadedRun): ApplyReport {
  const targets: ReportTarget[] = run.plan.targets.map((t) => {
    const base = { address: t.address, type: t.type, account: t.account, ids: [...t.ids] };
    if (t.action !== 'revoke' && t.action !== 'not-observable') {
      // Nothing to do when the plan was made: no call, then or now.
      return { ...base, outcome: 'already-revoked' as const, revokes: 0, state: t.before.state, errors: [] };
    }
    const final = run.finals.get(t.address);
    const prior = run.prior.get(t.address);
    if (final === undefined) {
      const outcome: TargetOutcome = (prior?.intents ?? 0) > 0 ? 'interrupted' : 'not-started';
      return { ...base, outcome, revokes: prior?.intents ?? 0, errors: [] };
    }
    return {
      ...base,
      outcome: final.outcome,
      revokes: prior?.intents ?? final.revokes,
      ...(final.requestId === undefined ? {} : { requestId: final.requestId }),
      ...(final.state === undefined ? {} : { state: final.state }),
      errors: [...(final.errors ?? [])],
      ...(final.at === undefined ? {} : { at: final.at }),
    };
  });
  const summary: OutcomeCounts = {
    verified: 0,
    alreadyRevoked: 0,
    appliedNotObservable: 0,
    failed: 0,
    drift: 0,
    absentSincePlan: 0,
    interrupted: 0,
    notStarted: 0,
  };
  for (const t of targets) summary[countKey(t.outcome)]++;
  const first = run.headers[0];
  const last = run.headers[run.headers.length - 1];
  const status: RunStatus =
    run.end === undefined
      ? 'incomplete'
      : run.end.stopped
        ? 'interrupted'
        : targets.every((t) => isDone(t.outcome))
          ? 'done'
          : 'failed';
  return {
    apiVersion: 'rescind/v1',
    kind: 'ApplyReport',
    formatVersion: REPORT_FORMAT_VERSION,
    runId: run.paths.runId,
    plan: {
      name: run.plan.plan.name,
      file: run.plan.plan.file,
      digest: run.plan.digest,
      ...(run.plan.plan.ticket === undefined ? {} : { ticket: run.plan.plan.ticket }),
      ...(run.plan.plan.owner === undefined ? {} : { owner: run.plan.plan.owner }),
    },
    startedAt: first?.at ?? '',
    resumedAt: run.headers.slice(1).map((h) => h.at),
    ...(run.end === undefined ? {} : { endedAt: run.end.at }),
    status,
    callers: last?.callers ?? {},
    ...(last?.options === undefined ? {} : { resumeWith: last.options }),
    targets,
    summary,
  };
}
