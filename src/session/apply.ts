// `rescind apply` in a session, in two steps so that the CLI can show the plan and ask between them:
// prepareApply finds the plan (a saved plan as it is, a plan file planned now, or the run to resume),
// and applyPrepared runs it: accounts opened, who they authenticate as checked against the built-in
// rules again (apply may run with other credentials than plan did), the plan's lock taken, the run's
// folder and journal written, the executor run, the lock released. Loaded by the session on first use.

import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { readBytes } from '../document/read.js';
import {
  DEFAULT_APPLY_CONCURRENCY,
  type ExecuteEvent,
  type ExecuteResult,
  executePlan,
  type RunRecord,
  type TargetOutcome,
  targetOutcomes,
} from '../engine/executor.js';
import { openJournal } from '../engine/journal.js';
import type { PlanResult } from '../engine/planner.js';
import {
  createRun,
  isRunId,
  LOCKS_DIR,
  type LoadedRun,
  listRuns,
  loadRun,
  lockPath,
  newRunId,
  type RunEnd,
  type RunHeader,
} from '../engine/runs.js';
import { acquireLock, type LockAttempt, LockError, type LockHolder } from '../files/lock.js';
import { type PlannedTarget, type PolicyResult, type SavedPlan, sha256 } from '../plan/model.js';
import { loadSavedPlan } from '../plan/saved.js';
import { type AccountCaller, evaluatePolicies, type PolicyTarget } from '../policy/evaluate.js';
import { withSignal } from '../providers/common.js';
import { providerOf, whoami } from '../providers/registry.js';
import type { Fields, ProviderAccount } from '../providers/types.js';
import { renderPlanJson } from '../render/plan/json.js';
import { VERSION } from '../version.js';
import { identityService, type ServiceName, serviceOfType } from '../vocabulary.js';
import type { AccountNeeds, HttpTuning } from './accounts.js';
import type { PlanOptions } from './plan.js';
import type { ConfigResult, OpenedAccounts } from './types.js';

/** ApplySession is what applying needs of the session. */
export interface ApplySession {
  readonly cwd: string;
  config(): ConfigResult;
  openAccounts(needs: AccountNeeds, tuning?: HttpTuning): Promise<OpenedAccounts>;
  plan(file: string, options?: PlanOptions): Promise<PlanResult>;
}

/** PrepareOptions: resume the last run of FILE when it is unfinished, and the plan options of a plan file. */
export interface PrepareOptions extends PlanOptions {
  readonly resume?: boolean;
  /**
   * verifyInputs refuses a saved plan unless every file it was made from (plan, config, policies) is
   * here, relative to cwd, with the SHA-256 it had then: what runs is what was reviewed, with the
   * config and policies that were reviewed (a pull request's merge, for example).
   */
  readonly verifyInputs?: boolean;
}

/** PreparedApply is the plan to apply and where it comes from; no plan when there are errors. */
export interface PreparedApply {
  plan?: SavedPlan;
  /** source: a saved plan, a plan file planned now, or a run resumed. */
  source?: 'saved' | 'planned' | 'run';
  /** run is the run to resume. */
  run?: LoadedRun;
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
  if (options.resume === true) {
    const runId = isRunId(file) ? file : findRunToResume(cwd, file);
    if (typeof runId !== 'string') return { diagnostics: runId };
    const run = loadRun(cwd, runId);
    if ('diagnostics' in run) return { diagnostics: run.diagnostics };
    return { plan: run.plan, source: 'run', run, file: relative(cwd, run.paths.plan), diagnostics: [] };
  }
  if (/\.json$/i.test(file)) {
    const saved = loadSavedPlan(resolve(cwd, file), file);
    if (saved.plan === undefined) return { diagnostics: saved.diagnostics };
    const changed = options.verifyInputs === true ? changedInputs(cwd, saved.plan, file) : [];
    if (changed.length > 0) return { diagnostics: changed };
    return { plan: saved.plan, source: 'saved', file, diagnostics: saved.diagnostics };
  }
  const planned = await session.plan(file, options);
  return planned.plan === undefined || planned.diagnostics.some((d) => d.severity === 'error')
    ? { diagnostics: planned.diagnostics }
    : { plan: planned.plan, source: 'planned', file, diagnostics: planned.diagnostics };
}

// The inputs of a saved plan that are missing here or changed since the plan was made.
function changedInputs(cwd: string, plan: SavedPlan, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const input of plan.inputs) {
    const read = readBytes(resolve(cwd, input.file), input.file);
    const why =
      'diagnostic' in read
        ? `is not here (${read.diagnostic.message})`
        : sha256(read.bytes) === input.sha256
          ? undefined
          : 'changed since the plan was made';
    if (why === undefined) continue;
    const message = `the ${input.role} ${input.file} ${why}: apply only what was reviewed, with the files it was reviewed with; make the plan again`;
    out.push({ severity: 'error', code: 'apply.inputs-changed', file, message });
  }
  return out;
}

// The last run of a saved plan (by its digest) or of a plan file (by its name as given), when it is
// unfinished. Only the last one is read whole (a run holds a plan of up to 64 MiB and its journal): an
// older unfinished run was overtaken by the newer one, which read every target again.
function findRunToResume(cwd: string, file: string): string | Diagnostic[] {
  let digest: string | undefined;
  if (/\.json$/i.test(file)) {
    const saved = loadSavedPlan(resolve(cwd, file), file);
    if (saved.plan === undefined) return saved.diagnostics;
    digest = saved.plan.digest;
  }
  const last = listRuns(cwd).find((run) =>
    digest !== undefined ? run.digest === digest : run.planFile === file,
  );
  const refuse = (why: string): Diagnostic[] => [
    { severity: 'error', code: 'apply.run', file, message: `${why}; apply it without --resume` },
  ];
  if (last === undefined) return refuse(`no run of ${file} in .rescind/runs to resume`);
  const loaded = loadRun(cwd, last.runId);
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
  readonly onEvent?: (event: ExecuteEvent) => void;
  /** onStart hears the run id once the run's folder exists, before any call. */
  readonly onStart?: (runId: string) => void;
  readonly now?: () => Date;
  /** executor tuning, for tests: target-level backoff and sleep. */
  readonly backoffMs?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** AppliedRun is a run's outcome: its id, its results, and what stopped it before it started. */
export interface AppliedRun {
  runId?: string;
  results?: ExecuteResult;
  /** denied are the built-in rules that deny the plan for the credentials apply runs with. */
  denied?: PolicyResult[];
  /** lockedBy is the holder of the plan's lock when another apply of it runs. */
  lockedBy?: LockHolder;
  diagnostics: Diagnostic[];
}

/** actingTargets are the targets of a plan that apply calls on. */
export function actingTargets(plan: SavedPlan): PlannedTarget[] {
  return plan.targets.filter((t) => t.action === 'revoke' || t.action === 'not-observable');
}

/** applyPrepared runs a prepared plan; see the top of this file. */
export async function applyPrepared(
  session: ApplySession,
  prepared: PreparedApply & { plan: SavedPlan },
  options: ApplyOptions = {},
): Promise<AppliedRun> {
  const { cwd } = session;
  const plan = prepared.plan;
  const now = options.now ?? (() => new Date());
  const concurrency = options.concurrency ?? plan.plan.concurrency ?? DEFAULT_APPLY_CONCURRENCY;
  const acting = actingTargets(plan);
  const config = session.config();
  if (config.config === undefined) return { diagnostics: config.diagnostics };
  const wrong = checkTargets(acting, config, prepared.file ?? plan.plan.file);
  if (wrong.length > 0) return { diagnostics: wrong };

  // Accounts, for their services and their identity service (the audit's who, and the built-in rules).
  const needs: Record<string, Set<ServiceName>> = {};
  for (const t of acting) {
    const set = needs[t.account] ?? new Set<ServiceName>();
    set.add(serviceOfType(t.type));
    needs[t.account] = set;
  }
  const accountNeeds: Record<string, ServiceName[]> = {};
  for (const [name, services] of Object.entries(needs)) {
    const cloud = providerOf(acting.find((t) => t.account === name)?.type ?? 'huaweicloud.kms.grant').cloud;
    accountNeeds[name] = [...services, identityService[cloud]];
  }
  const opened = await session.openAccounts(accountNeeds, { connections: Math.max(8, concurrency) });
  if (opened.diagnostics.length > 0) return { diagnostics: opened.diagnostics };

  // Who each account is now: the plan was checked against the plan's credentials, not these.
  const callers = new Map<string, AccountCaller>();
  const unknown: Diagnostic[] = [];
  await Promise.all(
    [...opened.accounts].map(async ([name, account]) => {
      const who = await whoami[account.cloud]({ account, ...withSignal(options.signal) });
      if (who.caller !== undefined) callers.set(name, who.caller);
      else unknown.push(...who.diagnostics);
    }),
  );
  const denied = builtinDenies(acting, opened.accounts, callers);
  if (denied.length > 0) return { denied, diagnostics: [] };
  const needsCaller = new Set(principalAccounts(acting));
  const missingCaller = unknown.filter((d) => needsCaller.has(d.address?.split('/')[0] ?? ''));
  if (missingCaller.length > 0) return { diagnostics: missingCaller };

  // The plan's lock, then the run's folder and journal.
  const runId = prepared.run?.paths.runId ?? newRunId(now());
  mkdirSync(join(cwd, LOCKS_DIR), { recursive: true, mode: 0o700 });
  let lock: LockAttempt;
  try {
    lock = acquireLock(lockPath(cwd, plan.plan.name), `apply of plan ${plan.plan.name}, run ${runId}`);
  } catch (e) {
    if (!(e instanceof LockError)) throw e;
    return { diagnostics: [{ severity: 'error', code: 'apply.locked', message: e.message }] };
  }
  if ('heldBy' in lock) {
    const h = lock.heldBy;
    const message = `another apply of plan ${plan.plan.name} is running (${h.what}; pid ${h.pid} on ${h.host}, since ${h.started}); wait for it, or resume its run when it is gone`;
    return { lockedBy: h, diagnostics: [{ severity: 'error', code: 'apply.locked', message }] };
  }
  try {
    const paths = prepared.run?.paths ?? (await createRun(cwd, runId, renderPlanJson(plan)));
    if (Array.isArray(paths)) return { diagnostics: paths };
    const journal = openJournal(paths.journal);
    const who: RunHeader['callers'] = {};
    for (const [name, caller] of callers) if (caller !== undefined) who[name] = { ids: [...caller.ids] };
    const header: RunHeader = {
      type: 'run',
      runId,
      at: now().toISOString(),
      resumed: prepared.run !== undefined,
      rescindVersion: VERSION,
      plan: {
        name: plan.plan.name,
        file: plan.plan.file,
        digest: plan.digest,
        ...(plan.plan.ticket === undefined ? {} : { ticket: plan.plan.ticket }),
        ...(plan.plan.owner === undefined ? {} : { owner: plan.plan.owner }),
      },
      concurrency,
      callers: who,
      host: hostname(),
      pid: process.pid,
    };
    let results: ExecuteResult;
    try {
      await journal.append(header);
      options.onStart?.(runId);
      // Each target's audit line says who, when and which plan, on its own.
      const record = (r: RunRecord): Promise<void> =>
        journal.append(
          r.type === 'target'
            ? {
                ...r,
                at: now().toISOString(),
                who: who[r.account]?.ids ?? [],
                plan: plan.plan.name,
                digest: plan.digest,
                ...(plan.plan.ticket === undefined ? {} : { ticket: plan.plan.ticket }),
              }
            : { ...r, at: now().toISOString() },
        );
      results = await executePlan(
        {
          plan,
          accounts: opened.accounts,
          record,
          ...(prepared.run === undefined ? {} : { prior: prepared.run.prior }),
        },
        {
          concurrency,
          ...(options.stop === undefined ? {} : { stop: options.stop }),
          ...(options.signal === undefined ? {} : { signal: options.signal }),
          ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
          ...(options.backoffMs === undefined ? {} : { backoffMs: options.backoffMs }),
          ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
        },
      );
      const summary = Object.fromEntries(targetOutcomes.map((o) => [o, 0])) as Record<TargetOutcome, number>;
      for (const t of results.targets) summary[t.outcome]++;
      const end: RunEnd = { type: 'end', at: now().toISOString(), stopped: results.stopped, summary };
      await journal.append(end);
    } finally {
      await journal.close();
    }
    return { runId, results, diagnostics: [] };
  } finally {
    lock.held.release();
  }
}

// What a saved plan's schema and digest cannot promise: each target's account is in this config, of its
// type's cloud, and its fields make the address a reviewer saw (the digest guards against accidents,
// not against someone who recomputes it).
function checkTargets(acting: readonly PlannedTarget[], config: ConfigResult, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const accounts = config.config?.accounts ?? {};
  for (const t of acting) {
    const account = Object.hasOwn(accounts, t.account) ? accounts[t.account] : undefined;
    const provider = providerOf(t.type);
    if (account === undefined) {
      const message = `${t.address}: account ${JSON.stringify(t.account)} is not defined in ${config.file ?? 'the config'}`;
      out.push({ severity: 'error', code: 'plan.unknown-account', file, message });
    } else if (account.cloud !== provider.cloud) {
      const message = `${t.address}: ${t.type} revokes in ${provider.cloud}, but account ${JSON.stringify(t.account)} is a ${account.cloud} account`;
      out.push({ severity: 'error', code: 'plan.account-cloud', file, message });
    } else if (provider.address(t.account, t.target as Fields) !== t.address) {
      const message = `${t.address}: the target's fields name ${provider.address(t.account, t.target as Fields)}; the saved plan was not written so by rescind plan`;
      out.push({ severity: 'error', code: 'plan.inconsistent', file, message });
    }
    if (out.length >= 20) break;
  }
  return out;
}

// The accounts with a target that names a principal: only they need a known caller.
function principalAccounts(acting: readonly PlannedTarget[]): string[] {
  return acting
    .filter((t) => providerOf(t.type).principals(t.target as Fields, t.before.record).length > 0)
    .map((t) => t.account);
}

// The built-in rules again, against the callers of this run.
function builtinDenies(
  acting: readonly PlannedTarget[],
  accounts: ReadonlyMap<string, ProviderAccount>,
  callers: ReadonlyMap<string, AccountCaller>,
): PolicyResult[] {
  const targets: PolicyTarget[] = acting
    .filter((t) => accounts.has(t.account))
    .map((t) => ({
      address: t.address,
      type: t.type,
      account: t.account,
      ids: t.ids,
      with: t.with,
      principals: providerOf(t.type).principals(t.target as Fields, t.before.record),
    }));
  // An account whose caller is unknown is left to the check after this one (an error, not a deny).
  const known = new Map([...callers].filter(([, c]) => c !== undefined));
  const withCaller = targets.filter((t) => known.has(t.account));
  return evaluatePolicies(withCaller, { reason: '' }, [], known).filter((r) => r.effect === 'deny');
}
