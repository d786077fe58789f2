// `rescind apply` in a session, in two steps so that the CLI can show the plan and ask between them:
// prepareApply finds the plan (a plan file planned now; a saved plan or a run to resume, each derived
// from a fresh plan of the files it was made from, never taken on trust), and applyPrepared runs it:
// accounts opened, the plan's lock taken, the run's folder and journal written, the executor run with
// the built-in rules asked again before every revoke call, the lock released. Loaded by the session on
// first use.

import { relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { readBytes } from '../document/read.js';
import { applyRun, type RunOutcome } from '../engine/apply.js';
import { DEFAULT_APPLY_CONCURRENCY } from '../engine/executor.js';
import { readNotGone } from '../engine/gone.js';
import type { TargetEnd } from '../engine/hooks.js';
import { isRunId, type LoadedRun, listRuns, loadRun } from '../engine/runs.js';
import {
  fingerprintOf,
  type InputFile,
  isActing,
  type Observation,
  type PlannedTarget,
  type SavedPlan,
  sha256,
  summarize,
} from '../plan/model.js';
import { narrowSaved } from '../plan/narrow.js';
import { isDone, type RunHeader } from '../plan/run.js';
import { checkSavedPlan, loadSavedPlan, type ReadSavedPlan, readSavedPlan } from '../plan/saved.js';
import { providerOf } from '../providers/registry.js';
import type { Fields } from '../providers/types.js';
import { cloudOfType, identityService, type ServiceName, serviceOfType } from '../vocabulary.js';
import type { AccountNeeds, HttpTuning } from './accounts.js';
import type { PlanOptions } from './plan.js';
import type { ConfigResult, OpenedAccounts, PlanResult } from './types.js';

/** ApplySession is what applying needs of the session. */
export interface ApplySession {
  readonly cwd: string;
  /** root is the folder that keeps .rescind/ (runs, locks); a saved plan's files are relative to it. */
  root(): string;
  config(): ConfigResult;
  openAccounts(needs: AccountNeeds, tuning?: HttpTuning): Promise<OpenedAccounts>;
  plan(file: string, options?: PlanOptions): Promise<PlanResult>;
}

/** PrepareOptions: resume the last run of FILE when it is unfinished, and the plan options of a plan file. */
export interface PrepareOptions extends PlanOptions {
  readonly resume?: boolean;
  /**
   * verifyInputs is kept for scripts that pass it: a saved plan (and a run resumed) is always applied
   * only with the files it was made from, and only as far as a fresh plan of them agrees.
   */
  readonly verifyInputs?: boolean;
}

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
      source: 'saved',
      pending: derived.plan.targets.filter(isActing).length,
      file,
      diagnostics: derived.saved.diagnostics,
    };
  }
  const planned = await session.plan(file, options);
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

/** A checked saved plan: the plan, and its warnings. */
interface CheckedSaved {
  readonly plan: SavedPlan;
  readonly diagnostics: Diagnostic[];
}

/**
 * PendingSaved is a saved plan whose checks (schema, digest) may not have run yet: its inputs, when they
 * have the schema's shape, and checked(), which runs the checks once, at its first call.
 */
interface PendingSaved {
  readonly inputs: readonly InputFile[] | undefined;
  checked(): CheckedSaved | { diagnostics: Diagnostic[] };
}

function checkedSaved(plan: SavedPlan): PendingSaved {
  return { inputs: plan.inputs, checked: () => ({ plan, diagnostics: [] }) };
}

function pendingSaved(read: ReadSavedPlan): PendingSaved {
  let result: CheckedSaved | { diagnostics: Diagnostic[] } | undefined;
  return {
    inputs: read.inputs,
    checked: () => {
      if (result === undefined) {
        const loaded = checkSavedPlan(read);
        // Each target's fingerprint, which narrowing checks against its state, is worked out here too,
        // while the fresh plan's reads are in flight, not after them (fingerprintOf keeps it).
        for (const t of loaded.plan?.targets ?? []) fingerprintOf(t.before);
        result =
          loaded.plan === undefined
            ? { diagnostics: loaded.diagnostics }
            : { plan: loaded.plan, diagnostics: loaded.diagnostics };
      }
      return result;
    },
  };
}

/**
 * derive makes what apply runs of a saved plan (file names it): its inputs here, unchanged; a fresh plan
 * of them with this config, these credentials and the policies it was made with (and --policy ones);
 * that plan narrowed to the saved plan's targets; each saved target the fresh plan does not produce
 * read, and the whole apply refused when one of them exists. Nothing the saved plan says about itself
 * (its verdicts, its records, its inputs) is taken on trust. The saved plan's own checks (schema,
 * digest) run once the fresh plan's reads are in flight, so that the first call is not held by them
 * (0.8 s of a 50,000-target plan): before them only its inputs are used, to name the files to plan
 * again, whose bytes must hash as they say; reads are all the fresh plan sends, and a saved plan that
 * fails its checks is refused before anything else is done with it.
 */
async function derive(
  session: ApplySession,
  pending: PendingSaved,
  file: string,
  options: PrepareOptions,
): Promise<{ plan?: SavedPlan; saved?: CheckedSaved; diagnostics: Diagnostic[] }> {
  const { cwd } = session;
  const root = session.root();
  const config = session.config();
  if (config.config === undefined) return { diagnostics: config.diagnostics };
  const refusedSaved = (): Diagnostic[] | undefined => {
    const checked = pending.checked();
    return 'plan' in checked ? undefined : checked.diagnostics;
  };
  // Inputs not of the schema's shape (or too many to take before the checks): the checks first.
  let savedInputs = pending.inputs;
  if (savedInputs === undefined) {
    const checked = pending.checked();
    if (!('plan' in checked)) return { diagnostics: checked.diagnostics };
    savedInputs = checked.plan.inputs;
  }
  const inputs = checkInputs(root, savedInputs, file, config);
  if (inputs.diagnostics.length > 0) return { diagnostics: refusedSaved() ?? inputs.diagnostics };

  // The plan again, now. Its policies: the config's, those the saved plan was made with, and --policy.
  // The saved plan names its files relative to the root; a plan is made of files relative to cwd.
  const fromCwd = (recorded: string): string => relative(cwd, resolve(root, recorded)) || recorded;
  const asRecorded = (given: string): string =>
    relative(root, resolve(cwd, given)).split(sep).join('/') || given;
  const extra = (options.policies ?? []).filter(
    (p) => !savedInputs.some((i) => i.role === 'policy' && i.file === asRecorded(p)),
  );
  const extraRecorded = extra.map(asRecorded);
  const policies = [...inputs.policies.map(fromCwd), ...extra];
  const { stdin: _stdin, resume: _resume, verifyInputs: _verify, ...planOptions } = options;
  // The saved plan is checked once the reads are out: when the first has been answered, every read
  // started with it has been sent.
  let checking: Promise<void> | undefined;
  const onProgress: PlanOptions['onProgress'] = (event) => {
    options.onProgress?.(event);
    if (event.kind === 'read') {
      checking ??= new Promise<void>((done) =>
        setImmediate(() => {
          pending.checked();
          done();
        }),
      );
    }
  };
  const fresh = await session.plan(fromCwd(inputs.plan), {
    ...planOptions,
    policies,
    sealed: false,
    onProgress,
  });
  await checking;
  const checkedPlan = pending.checked();
  if (!('plan' in checkedPlan)) return { diagnostics: checkedPlan.diagnostics };
  const saved = checkedPlan.plan;
  const wrong = checkTargets(saved.targets.filter(isActing), config, file);
  if (wrong.length > 0) return { diagnostics: wrong };
  // A target that is gone now is the executor's to report (absent since the plan), not a refusal.
  const failures = fresh.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'plan.missing');
  if (fresh.plan === undefined || failures.length > 0) {
    const why: Diagnostic = {
      severity: 'error',
      code: 'apply.not-reviewed',
      file,
      message: `a fresh plan of ${inputs.plan} could not be made, so what the saved plan approves cannot be checked against it; nothing was revoked`,
    };
    return { diagnostics: [...(failures.length > 0 ? failures : fresh.diagnostics), why] };
  }
  const freshPlan: SavedPlan = {
    ...fresh.plan,
    inputs: fresh.plan.inputs.filter((i) => !(i.role === 'policy' && extraRecorded.includes(i.file))),
  };
  const narrowed = narrowSaved(saved, freshPlan, file);
  if (narrowed.plan === undefined) return { diagnostics: narrowed.diagnostics };
  const plan = narrowed.plan;
  // What the fresh plan read of each target the run acts on: its first read, while fresh.
  const fresher = new Map(freshPlan.targets.map((t) => [t.address, t]));
  const read = plan.targets.flatMap((t) => fresher.get(t.address) ?? []);
  if (narrowed.unproduced.length === 0) {
    remember(plan, read);
    return { plan, saved: checkedPlan, diagnostics: [] };
  }

  // Targets the fresh plan does not produce: each must read gone (revoked since, by this plan's earlier
  // run or by someone else); one that does not is a target the reviewer never saw.
  const opened = await session.openAccounts(needsOf(narrowed.unproduced));
  if (opened.diagnostics.length > 0) return { diagnostics: opened.diagnostics };
  const notGone = await readNotGone(narrowed.unproduced, opened.accounts, file, { signal: options.signal });
  if (notGone.length > 0) return { diagnostics: notGone };
  const targets = [...plan.targets, ...narrowed.unproduced];
  const order = new Map(saved.targets.map((t, i) => [t.address, i]));
  targets.sort((a, b) => (order.get(a.address) ?? 0) - (order.get(b.address) ?? 0));
  const whole: SavedPlan = { ...plan, targets, summary: summarize(targets) };
  remember(whole, read);
  return { plan: whole, saved: checkedPlan, diagnostics: [] };
}

/**
 * FRESH_READS_MS is how long the reads of apply's own fresh plan stand for each target's first read:
 * a run that starts within it (`apply --yes`) does not read every target twice; one that starts later
 * (after a prompt) reads them again.
 */
export const FRESH_READS_MS = 30_000;

// The reads this process made of a plan's targets, by the plan it made, and when: only what it read
// itself (a plan object it built), never what a file says. A plan copied or changed is read again.
const freshReads = new WeakMap<SavedPlan, { at: number; observed: ReadonlyMap<string, Observation> }>();

function remember(plan: SavedPlan, read: readonly PlannedTarget[]): void {
  const observed = new Map<string, Observation>();
  for (const t of read) if (isActing(t)) observed.set(t.address, t.before);
  freshReads.set(plan, { at: Date.now(), observed });
}

// The saved plan's inputs: one plan file and one config, each here with the SHA-256 it had; the config
// is the one this apply runs with (its name may differ; its bytes may not).
function checkInputs(
  root: string,
  savedInputs: readonly InputFile[],
  file: string,
  config: ConfigResult,
): { plan: string; policies: string[]; diagnostics: Diagnostic[] } {
  const out: Diagnostic[] = [];
  const refuse = (message: string) =>
    out.push({ severity: 'error', code: 'apply.inputs-changed', file, message });
  const plans = savedInputs.filter((i) => i.role === 'plan');
  const configs = savedInputs.filter((i) => i.role === 'config');
  const policies = savedInputs.filter((i) => i.role === 'policy');
  if (plans.length !== 1 || configs.length !== 1) {
    refuse(
      `the saved plan names ${plans.length} plan files and ${configs.length} configs as its inputs, not one of each: it was not written so by rescind plan`,
    );
    return { plan: '', policies: [], diagnostics: out };
  }
  const planInput = plans[0] as InputFile;
  const configInput = configs[0] as InputFile;
  if (config.sha256 !== configInput.sha256) {
    refuse(
      `the config ${config.file ?? ''} is not the config ${configInput.file} the plan was made with: apply only with the config it was reviewed with, or make the plan again`,
    );
  }
  for (const input of [planInput, ...policies]) {
    const read = readBytes(resolve(root, input.file), input.file);
    const why =
      'diagnostic' in read
        ? `is not here (${read.diagnostic.message})`
        : sha256(read.bytes) === input.sha256
          ? undefined
          : 'changed since the plan was made';
    if (why === undefined) continue;
    refuse(
      `the ${input.role} ${input.file} ${why}: apply only what was reviewed, with the files it was reviewed with; make the plan again`,
    );
    if (out.length >= 20) break;
  }
  return { plan: planInput.file, policies: policies.map((p) => p.file), diagnostics: out };
}

// The accounts of targets and the services they need, with each cloud's identity service.
function needsOf(targets: readonly PlannedTarget[]): Record<string, ServiceName[]> {
  const needs: Record<string, Set<ServiceName>> = {};
  for (const t of targets) {
    const set = needs[t.account] ?? new Set<ServiceName>([identityService[cloudOfType(t.type)]]);
    set.add(serviceOfType(t.type));
    needs[t.account] = set;
  }
  return Object.fromEntries(Object.entries(needs).map(([name, set]) => [name, [...set]]));
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
  const fresh = freshReads.get(plan);
  const now = (options.now?.() ?? new Date()).getTime();
  const observed = fresh !== undefined && now - fresh.at <= FRESH_READS_MS ? fresh.observed : undefined;
  return applyRun(
    {
      root: session.root(),
      plan,
      reviewed: prepared.reviewed ?? plan,
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
      const message = `${t.address}: ${t.type} revokes in ${provider.cloud}, but account ${JSON.stringify(t.account)} is ${account.cloud === 'alibabacloud' ? 'an' : 'a'} ${account.cloud} account`;
      out.push({ severity: 'error', code: 'plan.account-cloud', file, message });
    } else if (provider.address(t.account, t.target as Fields) !== t.address) {
      const message = `${t.address}: the target's fields name ${provider.address(t.account, t.target as Fields)}; the saved plan was not written so by rescind plan`;
      out.push({ severity: 'error', code: 'plan.inconsistent', file, message });
    }
    if (out.length >= 20) break;
  }
  return out;
}
