// The run model: what an apply does to each target of a plan, and what it keeps of it. The outcomes of
// targets, the lines of a run's journal, what a run knew of each target before a resume, and the report
// every format renders; built by one reduction (RunLog), which both an apply (as it journals) and a
// reader of the journal (`show RUN`, `runs`, `--resume`) go through, so the two can never disagree.
// Plain data and pure functions: the engine writes runs, renderers show them, the session hands them out.

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { TypeName } from '../vocabulary.js';
import { type AccountBinding, isActing, type Observation, type SavedPlan } from './model.js';

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

/**
 * OUTCOME_KEYS maps each outcome, in the order reports show them, to its key in the counts of a report
 * (the JSON's camelCase): the one place an outcome is spelt two ways.
 */
export const OUTCOME_KEYS = {
  verified: 'verified',
  'already-revoked': 'alreadyRevoked',
  'applied-not-observable': 'appliedNotObservable',
  failed: 'failed',
  drift: 'drift',
  'absent-since-plan': 'absentSincePlan',
  interrupted: 'interrupted',
  'not-started': 'notStarted',
} as const satisfies Record<TargetOutcome, string>;

/** targetOutcomes lists the outcomes in the order results show them. */
export const targetOutcomes = Object.keys(OUTCOME_KEYS) as TargetOutcome[];

/** OutcomeCounts counts targets by outcome, under the report's keys. */
export type OutcomeCounts = Record<(typeof OUTCOME_KEYS)[TargetOutcome], number>;

/** countKey is an outcome's key in OutcomeCounts. */
export function countKey(outcome: TargetOutcome): keyof OutcomeCounts {
  return OUTCOME_KEYS[outcome];
}

/** emptyCounts is OutcomeCounts of no target. */
export function emptyCounts(): OutcomeCounts {
  return Object.fromEntries(targetOutcomes.map((o) => [countKey(o), 0])) as OutcomeCounts;
}

/** isDone tells whether an outcome leaves the target revoked as far as anything can show. */
export function isDone(outcome: TargetOutcome): boolean {
  return outcome === 'verified' || outcome === 'already-revoked' || outcome === 'applied-not-observable';
}

/** RevokeOutcome: the call succeeded, a read showed the target gone already, or it failed. */
export type RevokeOutcome = 'revoked' | 'already-revoked' | 'failed';

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

/** RunHeader is the journal line a run starts (or resumes) with: the plan, who runs it, and how. */
export interface RunHeader {
  type: 'run';
  runId: string;
  at: string;
  resumed: boolean;
  rescindVersion: string;
  plan: { name: string; file: string; digest: string; ticket?: string; owner?: string };
  concurrency: number;
  /** callers are who each account authenticates as, for the audit. */
  callers: Record<string, { ids: string[] }>;
  /** accounts are where each account reached: cloud, region, endpoints, project, domain, caller. */
  accounts?: Record<string, AccountBinding>;
  /** options are the config and policy files a resume of this run needs (as given on the command line). */
  options?: { config?: string; policies?: string[] };
  host: string;
  pid: number;
}

/** IntentLine is journaled, and made durable, before a revoke call is sent. */
export interface IntentLine {
  type: 'intent';
  address: string;
  attempt: number;
  at?: string;
}

/** RevokeLine is journaled once a revoke call answered (or was taken back before it was sent). */
export interface RevokeLine {
  type: 'revoke';
  address: string;
  attempt: number;
  /** not-sent: the run stopped after the intent was written and before the call was made. */
  outcome: RevokeOutcome | 'not-sent';
  requestId?: string;
  error?: string;
  at?: string;
}

/** TargetLine is a target's audit line: how it ended, who revoked it, when, under which plan. */
export interface TargetLine {
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
  at?: string;
  who?: string[];
  plan?: string;
  digest?: string;
  ticket?: string;
}

/** RunEnd is the journal line a run ends with. */
export interface RunEnd {
  type: 'end';
  at: string;
  stopped: boolean;
  summary: Record<TargetOutcome, number>;
}

/** endSummary counts results by outcome, every outcome named: a run's end line. */
export function endSummary(results: readonly Pick<TargetResult, 'outcome'>[]): Record<TargetOutcome, number> {
  const summary = Object.fromEntries(targetOutcomes.map((o) => [o, 0])) as Record<TargetOutcome, number>;
  for (const r of results) summary[r.outcome]++;
  return summary;
}

/** JournalLine is any line of a run's journal. */
export type JournalLine = RunHeader | IntentLine | RevokeLine | TargetLine | RunEnd;

/** targetLine is the journal's audit line of a target's end (the run adds who, when and which plan). */
export function targetLine(r: TargetResult): TargetLine {
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

/** Prior is what an earlier attempt of the same run journaled of a target (for --resume). */
export interface Prior {
  /** outcome is the target's final outcome, when it had one. */
  outcome?: TargetOutcome;
  /** intents is how many revoke calls were started for it. */
  intents: number;
  requestId?: string;
}

/**
 * RunLog is what a run's journal says, line by line: its headers, each target's prior (for --resume)
 * and audit line, and its end. An apply adds each line once it is durable; reading a journal adds each
 * line read. Lines that are not what they should be are skipped (a journal is checked as JSON by its
 * reader; its fields are checked here).
 */
export class RunLog {
  readonly headers: RunHeader[] = [];
  readonly prior = new Map<string, Prior>();
  readonly finals = new Map<string, TargetLine>();
  end: RunEnd | undefined;

  /** add takes one journal line into the log. */
  add(line: JournalLine): void {
    switch (line.type) {
      case 'run':
        this.headers.push(line);
        this.end = undefined;
        break;
      case 'end':
        this.end = line;
        break;
      case 'intent':
        if (typeof line.address === 'string') this.#prior(line.address).intents++;
        break;
      case 'revoke':
        if (typeof line.address !== 'string') break;
        // An intent written ahead and taken back: no call was made.
        if (line.outcome === 'not-sent') this.#prior(line.address).intents--;
        else if (typeof line.requestId === 'string' && line.outcome === 'revoked') {
          this.#prior(line.address).requestId = line.requestId;
        }
        break;
      case 'target':
        if (typeof line.address === 'string' && (targetOutcomes as string[]).includes(line.outcome)) {
          this.#prior(line.address).outcome = line.outcome;
          this.finals.set(line.address, line);
        }
        break;
    }
  }

  #prior(address: string): Prior {
    let p = this.prior.get(address);
    if (p === undefined) {
      p = { intents: 0 };
      this.prior.set(address, p);
    }
    return p;
  }

  /** finished tells whether the run ended with every acting target of plan done. */
  finished(plan: SavedPlan): boolean {
    return (
      this.end !== undefined &&
      plan.targets.filter(isActing).every((t) => {
        const outcome = this.prior.get(t.address)?.outcome;
        return outcome !== undefined && isDone(outcome);
      })
    );
  }
}

/** REPORT_FORMAT_VERSION is bumped on any incompatible change of the report's JSON. */
export const REPORT_FORMAT_VERSION = '2';

/**
 * RunStatus: done (every target revoked as far as anything can show), failed (the run ended with a
 * target failed, drifted or absent since the plan), interrupted (stopped by Ctrl-C), incomplete (no
 * end: killed, stopped by a full disk, or running).
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

/** reportOf is the report of run runId of plan (the plan as reviewed), from what its log holds. */
export function reportOf(runId: string, plan: SavedPlan, log: RunLog): ApplyReport {
  const targets: ReportTarget[] = plan.targets.map((t) => {
    const base = { address: t.address, type: t.type, account: t.account, ids: [...t.ids] };
    if (!isActing(t)) {
      // Nothing to do when the plan was made: no call, then or now.
      return Object.assign(base, {
        outcome: 'already-revoked' as const,
        revokes: 0,
        state: t.before.state,
        errors: [],
      });
    }
    const final = log.finals.get(t.address);
    const prior = log.prior.get(t.address);
    if (final === undefined) {
      const outcome: TargetOutcome = (prior?.intents ?? 0) > 0 ? 'interrupted' : 'not-started';
      return Object.assign(base, { outcome, revokes: prior?.intents ?? 0, errors: [] });
    }
    return Object.assign(base, {
      outcome: final.outcome,
      revokes: prior?.intents ?? final.revokes,
      ...(final.requestId === undefined ? {} : { requestId: final.requestId }),
      ...(final.state === undefined ? {} : { state: final.state }),
      errors: [...(final.errors ?? [])],
      ...(final.at === undefined ? {} : { at: final.at }),
    });
  });
  const summary = emptyCounts();
  for (const t of targets) summary[countKey(t.outcome)]++;
  const first = log.headers[0];
  const last = log.headers[log.headers.length - 1];
  const status: RunStatus =
    log.end === undefined
      ? 'incomplete'
      : log.end.stopped
        ? 'interrupted'
        : targets.every((t) => isDone(t.outcome))
          ? 'done'
          : 'failed';
  return {
    apiVersion: 'rescind/v1',
    kind: 'ApplyReport',
    formatVersion: REPORT_FORMAT_VERSION,
    runId,
    plan: {
      name: plan.plan.name,
      file: plan.plan.file,
      digest: plan.digest,
      ...(plan.plan.ticket === undefined ? {} : { ticket: plan.plan.ticket }),
      ...(plan.plan.owner === undefined ? {} : { owner: plan.plan.owner }),
    },
    startedAt: first?.at ?? '',
    resumedAt: log.headers.slice(1).map((h) => h.at),
    ...(log.end === undefined ? {} : { endedAt: log.end.at }),
    status,
    callers: last?.callers ?? {},
    ...(last?.options === undefined ? {} : { resumeWith: last.options }),
    targets,
    summary,
  };
}

/** DEFAULT_RUNS_LIMIT is how many runs `rescind runs` reads and lists unless told otherwise. */
export const DEFAULT_RUNS_LIMIT = 20;

/** RunListing is one recorded run, as `rescind runs` lists it. */
export interface RunListing {
  runId: string;
  plan: { name: string; file: string; digest: string; ticket?: string };
  /** startedAt is when the run first started (from its run id, for a run that cannot be read). */
  startedAt: string;
  endedAt?: string;
  /**
   * status is the report's, or unreadable when the run's plan or journal cannot be read; absent when
   * the run was not read (RunsOptions.read false).
   */
  status?: RunStatus | 'unreadable';
  /** targets is how many targets the run's plan has; absent for a run that cannot be read. */
  targets?: number;
  /** summary counts the targets by outcome; absent for a run that cannot be read. */
  summary?: OutcomeCounts;
  /** error says why a run cannot be read. */
  error?: string;
}

/** RunsOptions say how many runs to list, and whether to read them or only name them. */
export interface RunsOptions {
  /** limit is the most runs listed, the newest; 0 lists every one. Default DEFAULT_RUNS_LIMIT. */
  readonly limit?: number;
  /**
   * read false names each run from the first line of its journal only: its plan and start, no status
   * and no counts (cheap, for shell completion). Default true.
   */
  readonly read?: boolean;
}

/** RunsResult is the runs listed, how many there are in all, and why the runs folder cannot be read. */
export interface RunsResult {
  runs: RunListing[];
  total: number;
  /** folder is where the runs are kept, relative to the folder that keeps .rescind/. */
  folder: string;
  /** diagnostics are the runs folder's problems (an error), and each unreadable run's (warnings). */
  diagnostics: Diagnostic[];
}
