// `rescind apply` in a session, in two steps so that the CLI can show the plan and ask between them:
// prepareApply finds the plan (a plan file planned now; a saved plan or a run to resume, each derived
// from a fresh plan of the files it was made from, never taken on trust), and applyPrepared runs it:
// accounts opened, the plan's lock taken, the run's folder and journal written, the executor run with
// the built-in rules asked again before every revoke call, the lock released. Loaded by the session on
// first use.

import { relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { applyRun, type RunOutcome } from '../engine/apply.js';
import { DEFAULT_APPLY_CONCURRENCY } from '../engine/executor.js';
import type { TargetEnd } from '../engine/hooks.js';
import { isRunId, type LoadedRun, listRuns, loadRun } from '../engine/runs.js';
import { isActing, type SavedPlan } from '../plan/model.js';
import { isDone, type RunHeader } from '../plan/run.js';
import { loadSavedPlan, readSavedPlan } from '../plan/saved.js';
import {
  checkedSaved,
  checkTargets,
  type DeriveOptions,
  type DeriveSession,
  derive,
  needsOf,
  pendingSaved,
  recentReads,
  remember,
} from './derive.js';

/** ApplySession is what applying needs of the session: what deriving a saved plan needs. */
export type ApplySession = DeriveSession;

/** PrepareOptions: resume the last run of FILE when it is unfinished, and the plan options of a plan file. */
export type PrepareOptions = DeriveOptions;

/** PreparedApply is the plan to apply and where it comes from; no plan when there are errors. */
export interface PreparedApply {
  /**
   * plan is what apply runs. For a saved plan or a run resumed, it is derived, never taken on trust: a
   * fresh plan of the same files, made now with this config and these credentials, narrowed to the
   * targets the saved plan approved (src/plan/narrow.ts).
   */
  plan?: SavedPlan;
  /** reviewed is the plan as it was reviewed (the saved plan, or the run's): the run's folder keeps it. */
  reviewed?: SavedPlan;
  /** reviewedFrom is the saved plan's file and the SHA-256 of the bytes it was read from. */
  reviewedFrom?: { readonly path: string; readonly sha256: string };
  /** source: a saved plan, a plan file planned now, or a run resumed. */
  source?: 'saved' | 'planned' | 'run';
  /** run is the run to resume. */
  run?: LoadedRun;
  /** runId names the run to resume. */
  runId?: string;
  /** pending counts the targets apply would call on: those a resumed run has not done yet. */
  pending?: number;
  /** file names where the plan came from, for diagnostics. */
  file?: string;
  diagnostics: Diagnostic[];
}

/** prepareApply finds what `rescind apply FILE` applies; see the top of this file. */
export async function prepareApply(
  session: ApplySession,
  file: string,
  options: PrepareOptions = {},
): Promise<PreparedApply> {
  const { cwd } = session;
  const root = session.root();
  if (options.resume === true) {
    const runId = isRunId(file) ? file : findRunToResume(cwd, root, file);
    if (typeof runId !== 'string') return { diagnostics: runId };
    const run = loadRun(root, runId);
    if ('diagnostics' in run) return { diagnostics: run.diagnostics };
    const shown = relative(cwd, run.paths.plan);
    const derived = await derive(session, checkedSaved(run.plan), shown, options);
    if (derived.plan === undefined) return { diagnostics: derived.diagnostics };
    const pending = derived.plan.targets.filter((t) => {
      const outcome = run.log.prior.get(t.address)?.outcome;
      return isActing(t) && (outcome === undefined || !isDone(outcome));
    }).length;
    return {
      plan: derived.plan,
      reviewed: run.plan,
      source: 'run',
      run,
      runId,
      pending,
      file: shown,
      diagnostics: [],
    };
  }
  if (/\.json$/i.test(file)) {
    const read = readSavedPlan(resolve(cwd, file), file);
    if ('diagnostics' in read) return { diagnostics: read.diagnostics };
    const derived = await derive(session, pendingSaved(read), file, options);
    if (derived.plan === undefined || derived.saved === undefined)
      return { diagnostics: derived.diagnostics };
    return {
      plan: derived.plan,
      reviewed: derived.saved.plan,
      ...(derived.saved.from === undefined ? {} : { reviewedFrom: derived.saved.from }),
      source: 'saved',
      pending: derived.plan.targets.filter(isActing).length,
      file,
      diagnostics: derived.saved.diagnostics,
    };
  }
  // The run's folder keeps this plan as reviewed: sealed, whatever the options say.
  const planned = await session.plan(file, { ...options, sealed: true });
  if (planned.plan !== undefined) remember(planned.plan, planned.plan.targets);
  return planned.plan === undefined || planned.diagnostics.some((d) => d.severity === 'error')
    ? { diagnostics: planned.diagnostics }
    : {
        plan: planned.plan,
        reviewed: planned.plan,
        source: 'planned',
        pending: planned.plan.targets.filter(isActing).length,
        file,
        diagnostics: planned.diagnostics,
      };
}

// The last run of a saved plan (by its digest) or of a plan file (by its name as given), when it is
// unfinished. Only the last one is read whole (a run holds a plan of up to 64 MiB and its journal): an
// older unfinished run was overtaken by the newer one, which read every target again.
function findRunToResume(cwd: string, root: string, file: string): string | Diagnostic[] {
  let digest: string | undefined;
  if (/\.json$/i.test(file)) {
    const saved = loadSavedPlan(resolve(cwd, file), file);
    if (saved.plan === undefined) return saved.diagnostics;
    digest = saved.plan.digest;
  }
  // A plan file's runs name it relative to the root.
  const recorded = relative(root, resolve(cwd, file)).split(sep).join('/');
  const last = listRuns(root).find((run) =>
    digest !== undefined ? run.digest === digest : run.planFile === recorded,
  );
  const refuse = (why: string): Diagnostic[] => [
    { severity: 'error', code: 'apply.run', file, message: `${why}; apply it without --resume` },
  ];
  if (last === undefined) return refuse(`no run of ${file} in .rescind/runs to resume`);
  const loaded = loadRun(root, last.runId);
  if ('diagnostics' in loaded) return loaded.diagnostics;
  if (loaded.finished) return refuse(`the last run of ${file}, ${last.runId}, finished`);
  return last.runId;
}

/** ApplyOptions tune a run. */
export interface ApplyOptions {
  /** concurrency is the most calls at once; default the plan's spec.concurrency, else 8. */
  readonly concurrency?: number;
  readonly stop?: AbortSignal;
  readonly signal?: AbortSignal;
  /** onEvent hears each target's end (progress). */
  readonly onEvent?: (event: TargetEnd) => void;
  /** onStart hears the run id once the run's folder exists, before any call. */
  readonly onStart?: (runId: string) => void;
  readonly now?: () => Date;
  /** resumeWith are the options a resume of this run needs, journaled so that its report can say them. */
  readonly resumeWith?: RunHeader['options'];
  /** executor tuning, for tests: target-level backoff and sleep. */
  readonly backoffMs?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** AppliedRun is a run's outcome: its id, report and results, or what stopped it before it started. */
export type AppliedRun = RunOutcome;

/** applyPrepared runs a prepared plan: its accounts opened for what it revokes, then the run (engine). */
export async function applyPrepared(
  session: ApplySession,
  prepared: PreparedApply & { plan: SavedPlan },
  options: ApplyOptions = {},
): Promise<AppliedRun> {
  const plan = prepared.plan;
  const acting = plan.targets.filter(isActing);
  const config = session.config();
  if (config.config === undefined) return { diagnostics: config.diagnostics };
  const wrong = checkTargets(acting, config, prepared.file ?? plan.plan.file);
  if (wrong.length > 0) return { diagnostics: wrong };
  const concurrency = options.concurrency ?? plan.plan.concurrency ?? DEFAULT_APPLY_CONCURRENCY;
  const opened = await session.openAccounts(needsOf(acting), { connections: Math.max(8, concurrency) });
  if (opened.diagnostics.length > 0) return { diagnostics: opened.diagnostics };
  const { onEvent } = options;
  const observed = recentReads(plan, (options.now?.() ?? new Date()).getTime());
  return applyRun(
    {
      root: session.root(),
      plan,
      reviewed: prepared.reviewed ?? plan,
      reviewedFrom: prepared.reviewedFrom,
      accounts: opened.accounts,
      run: prepared.run,
      observed,
    },
    {
      concurrency,
      stop: options.stop,
      signal: options.signal,
      now: options.now,
      onStart: options.onStart,
      resumeWith: options.resumeWith,
      backoffMs: options.backoffMs,
      sleep: options.sleep,
      ...(onEvent === undefined ? {} : { hooks: [{ postTarget: (end: TargetEnd) => onEvent(end) }] }),
    },
  );
}
