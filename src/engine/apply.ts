// An apply run, whole: the built-in rules checked for the identity apply runs as, the plan's lock taken,
// the run's folder and journal written (the journal is a hook of the executor: each line durable before
// what depends on it, and kept in memory as it is written), the executor run, the end line, the lock
// released, and the report built from what was journaled, in memory: nothing is read back from disk.

import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { acquireLock, type LockAttempt, LockError, type LockHolder } from '../files/lock.js';
import type { Content } from '../files/replace.js';
import {
  type CallerIdentity,
  isActing,
  type Observation,
  type PlannedTarget,
  type PolicyResult,
  type SavedPlan,
} from '../plan/model.js';
import {
  type ApplyReport,
  endSummary,
  type JournalLine,
  type RunHeader,
  RunLog,
  reportOf,
  targetLine,
} from '../plan/run.js';
import { savedPlanPieces } from '../plan/saved.js';
import { evaluatePolicies, type PolicyTarget } from '../policy/evaluate.js';
import type { Fields, ProviderAccount } from '../providers/types.js';
import { VERSION } from '../version.js';
import {
  DEFAULT_APPLY_CONCURRENCY,
  type ExecuteOptions,
  type ExecuteResult,
  executePlan,
} from './executor.js';
import type { ApplyHooks } from './hooks.js';
import { openJournal } from './journal.js';
import { createRun, LOCKS_DIR, type LoadedRun, lockPath, newRunId, RUNS_DIR } from './runs.js';
import { registryTypes, type Types } from './types.js';

/** RunInputs are what a run applies: the plan, as derived and as reviewed, in accounts opened for it. */
export interface RunInputs {
  /** root is the folder that keeps .rescind/. */
  root: string;
  /** plan is what runs: its acting targets are revoked. */
  plan: SavedPlan;
  /** reviewed is the plan as it was reviewed: the run's folder keeps it, and the report shows its targets. */
  reviewed: SavedPlan;
  /**
   * reviewedFrom is the file the reviewed plan was read from, and the SHA-256 of the bytes it was read
   * from: the run's folder keeps a copy of the file when its bytes still hash so, and the plan written
   * again otherwise.
   */
  reviewedFrom?: { readonly path: string; readonly sha256: string } | undefined;
  accounts: ReadonlyMap<string, ProviderAccount>;
  /** run is the run to resume: its folder, and what its journal says. */
  run?: LoadedRun | undefined;
  /** observed are the reads of targets made moments ago by this process, in place of the first read. */
  observed?: ReadonlyMap<string, Observation> | undefined;
}

/** RunOptions tune a run. */
export interface RunOptions {
  /** stop, once aborted, schedules nothing new; signal aborts calls in flight too (a second Ctrl-C). */
  stop?: AbortSignal | undefined;
  signal?: AbortSignal | undefined;
  /** backoffMs and sleep tune the waits between a target's tries (tests). */
  backoffMs?: number | undefined;
  sleep?: ExecuteOptions['sleep'] | undefined;
  /** concurrency is the most calls at once; default the plan's spec.concurrency, else 8. */
  concurrency?: number | undefined;
  /** hooks hear the run as it goes, after the journal (progress). */
  hooks?: readonly ApplyHooks[] | undefined;
  /** onStart hears the run id once the run's folder exists, before any call. */
  onStart?: ((runId: string) => void) | undefined;
  now?: (() => Date) | undefined;
  /** resumeWith are the options a resume of this run needs, journaled so that its report can say them. */
  resumeWith?: RunHeader['options'] | undefined;
  types?: Types | undefined;
}

/** RunOutcome is a run's report, its results, or what stopped it before it started. */
export interface RunOutcome {
  runId?: string;
  results?: ExecuteResult;
  /** report is the run's report, as `show RUN` prints it, built in memory from what was journaled. */
  report?: ApplyReport;
  /** denied are the built-in rules that deny the plan for the credentials apply runs with. */
  denied?: PolicyResult[];
  /** lockedBy is the holder of the plan's lock when another apply of it runs. */
  lockedBy?: LockHolder;
  diagnostics: Diagnostic[];
}

/** applyRun runs a plan; see the top of this file. */
export async function applyRun(inputs: RunInputs, options: RunOptions = {}): Promise<RunOutcome> {
  const { root, plan, reviewed } = inputs;
  const types = options.types ?? registryTypes;
  const now = options.now ?? (() => new Date());
  const concurrency = options.concurrency ?? plan.plan.concurrency ?? DEFAULT_APPLY_CONCURRENCY;
  const acting = plan.targets.filter(isActing);

  // Who each account is: read by the plan this apply runs, made with these credentials. The built-in
  // rules run on its records now, and again before every revoke call, on the record read then.
  const callers = new Map<string, CallerIdentity>();
  for (const [name, binding] of Object.entries(plan.accounts)) {
    if (binding.caller !== undefined) callers.set(name, binding.caller);
  }
  const denied = builtinDenies(acting, callers, types, (t) => t.before.record);
  if (denied.length > 0) return { denied, diagnostics: [] };
  const guard = (target: PlannedTarget, observed: Observation): Diagnostic | undefined => {
    const deny = builtinDenies([target], callers, types, () => observed.record)[0];
    if (deny === undefined) return undefined;
    const message = `${target.address}: ${deny.message} (built-in rule ${deny.rule}, on what the target reads now)`;
    return { severity: 'error', code: 'apply.denied', message, address: target.address };
  };

  // The plan's lock, then the run's folder and journal.
  const runId = inputs.run?.paths.runId ?? newRunId(now());
  let lock: LockAttempt;
  try {
    mkdirSync(join(root, LOCKS_DIR), { recursive: true, mode: 0o700 });
    lock = acquireLock(lockPath(root, plan.plan.name), `apply of plan ${plan.plan.name}, run ${runId}`);
  } catch (e) {
    const message = e instanceof LockError ? e.message : `cannot take the plan's lock: ${String(e)}`;
    return { diagnostics: [{ severity: 'error', code: 'apply.locked', message }] };
  }
  if ('heldBy' in lock) {
    const h = lock.heldBy;
    const message = `another apply of plan ${plan.plan.name} is running (${h.what}; pid ${h.pid} on ${h.host}, since ${h.started}); wait for it, or resume its run when it is gone`;
    return { lockedBy: h, diagnostics: [{ severity: 'error', code: 'apply.locked', message }] };
  }
  try {
    // The reviewed plan's own bytes when they are at hand, as reviewed: writing 50,000 targets again
    // takes longer than copying them, and would hold up the first revoke.
    const written: Content = { pieces: savedPlanPieces(reviewed) };
    const from = inputs.reviewedFrom;
    const kept: Content =
      from === undefined ? written : { copyOf: from.path, sha256: from.sha256, otherwise: written };
    const paths = inputs.run?.paths ?? (await createRun(root, runId, kept));
    if (Array.isArray(paths)) return { diagnostics: paths };
    const who: RunHeader['callers'] = {};
    for (const [name, caller] of callers) who[name] = { ids: [...caller.ids] };
    const header: RunHeader = {
      type: 'run',
      runId,
      at: now().toISOString(),
      resumed: inputs.run !== undefined,
      rescindVersion: VERSION,
      plan: {
        name: plan.plan.name,
        file: plan.plan.file,
        digest: reviewed.digest,
        ...(plan.plan.ticket === undefined ? {} : { ticket: plan.plan.ticket }),
        ...(plan.plan.owner === undefined ? {} : { owner: plan.plan.owner }),
      },
      concurrency,
      callers: who,
      accounts: plan.accounts,
      ...(options.resumeWith === undefined ? {} : { options: options.resumeWith }),
      host: hostname(),
      pid: process.pid,
    };
    // The journal, and its lines kept in memory once durable: the report is built from them.
    const log = inputs.run?.log ?? new RunLog();
    let journal: ReturnType<typeof openJournal>;
    const append = async (line: JournalLine): Promise<void> => {
      await journal.append(line as unknown as Record<string, unknown>);
      log.add(line);
    };
    try {
      journal = openJournal(paths.journal);
      await append(header);
    } catch (e) {
      return { runId, diagnostics: [journalProblem(e instanceof Error ? e : new Error(String(e)), runId)] };
    }
    let results: ExecuteResult;
    try {
      options.onStart?.(runId);
      // Each target's audit line says who, when and which plan, on its own.
      const journaled: ApplyHooks = {
        preRevoke: (t, attempt) =>
          append({ type: 'intent', address: t.address, attempt, at: now().toISOString() }),
        postRevoke: (t, attempt, answer) =>
          append({
            type: 'revoke',
            address: t.address,
            attempt,
            outcome: answer.outcome,
            ...(answer.requestId === undefined ? {} : { requestId: answer.requestId }),
            ...(answer.error === undefined ? {} : { error: answer.error }),
            at: now().toISOString(),
          }),
        postTarget: async (end) => {
          if (end.earlier === true) return;
          await append(
            Object.assign(targetLine(end.result), {
              at: now().toISOString(),
              who: who[end.result.account]?.ids ?? [],
              plan: plan.plan.name,
              digest: reviewed.digest,
              ...(plan.plan.ticket === undefined ? {} : { ticket: plan.plan.ticket }),
            }),
          );
        },
      };
      results = await executePlan(
        {
          plan,
          accounts: inputs.accounts,
          hooks: [journaled, ...(options.hooks ?? [])],
          guard,
          types,
          ...(inputs.run === undefined ? {} : { prior: inputs.run.log.prior }),
          ...(inputs.observed === undefined ? {} : { observed: inputs.observed }),
        },
        {
          concurrency,
          ...(options.stop === undefined ? {} : { stop: options.stop }),
          ...(options.signal === undefined ? {} : { signal: options.signal }),
          ...(options.backoffMs === undefined ? {} : { backoffMs: options.backoffMs }),
          ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
        },
      );
      if (results.hookError === undefined) {
        const end = {
          type: 'end' as const,
          at: now().toISOString(),
          stopped: results.stopped,
          summary: endSummary(results.targets),
        };
        await append(end).catch((e: unknown) => {
          results = { ...results, hookError: e instanceof Error ? e : new Error(String(e)) };
        });
      }
    } finally {
      await journal.close().catch(() => {});
    }
    const report = reportOf(runId, reviewed, log);
    const diagnostics = results.hookError === undefined ? [] : [journalProblem(results.hookError, runId)];
    return { runId, results, report, diagnostics };
  } finally {
    lock.held.release();
  }
}

// A journal that could not be written (a full disk): the run stopped there; the message says why, in
// the system's words, and how to go on.
function journalProblem(e: Error, runId: string): Diagnostic {
  const cause = e.cause instanceof Error && 'code' in e.cause ? ` (${String(e.cause.code)})` : '';
  const message = `${e.message}${cause}: the run stopped there; calls in flight finished, nothing more was sent, and what the journal could not record is not counted done; free space, then resume the run`;
  return { severity: 'error', code: 'apply.journal', message, file: join(RUNS_DIR, runId, 'journal.jsonl') };
}

// The built-in rules, against the callers of this run, on the records given (each target's principals:
// its user, agency or grantee, read from its fields and its record).
function builtinDenies(
  targets: readonly PlannedTarget[],
  callers: ReadonlyMap<string, CallerIdentity>,
  types: Types,
  recordOf: (t: PlannedTarget) => unknown,
): PolicyResult[] {
  const policyTargets: PolicyTarget[] = targets.map((t) => ({
    address: t.address,
    type: t.type,
    account: t.account,
    ids: t.ids,
    with: t.with,
    principals: types.providerOf(t.type).principals?.(t.target as Fields, recordOf(t)) ?? [],
  }));
  return evaluatePolicies(policyTargets, { reason: '' }, [], callers).filter((r) => r.effect === 'deny');
}
