// What apply runs of a saved plan, derived, never taken on trust: its inputs here, unchanged; a fresh
// plan of them made now; that plan narrowed to the saved plan's targets (src/plan/narrow.ts). The saved
// plan's own checks run while the fresh plan's reads are in flight. And the reads this process made of
// a plan it planned itself, which stand for each target's first read while they are fresh.

import { relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { readBytes } from '../document/read.js';
import { Stepped, type Steps } from '../document/steps.js';
import { readNotGone } from '../engine/gone.js';
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
import { checkSavedPlanSteps, type ReadSavedPlan } from '../plan/saved.js';
import { providerOf } from '../providers/registry.js';
import type { Fields } from '../providers/types.js';
import { cloudOfType, identityService, type ServiceName, serviceOfType } from '../vocabulary.js';
import type { AccountNeeds, HttpTuning } from './accounts.js';
import type { PlanOptions } from './plan.js';
import type { ConfigResult, OpenedAccounts, PlanResult } from './types.js';

/** DeriveSession is what deriving a saved plan needs of the session. */
export interface DeriveSession {
  readonly cwd: string;
  /** root is the folder that keeps .rescind/ (runs, locks); a saved plan's files are relative to it. */
  root(): string;
  config(): ConfigResult;
  openAccounts(needs: AccountNeeds, tuning?: HttpTuning): Promise<OpenedAccounts>;
  plan(file: string, options?: PlanOptions): Promise<PlanResult>;
}

/** DeriveOptions are the plan options of the fresh plan, and apply's own, which deriving ignores. */
export interface DeriveOptions extends PlanOptions {
  /** resume applies the last run of FILE when it is unfinished (prepareApply). */
  readonly resume?: boolean;
  /**
   * verifyInputs is kept for scripts that pass it: a saved plan (and a run resumed) is always applied
   * only with the files it was made from, and only as far as a fresh plan of them agrees.
   */
  readonly verifyInputs?: boolean;
}

/** CheckedSaved is a checked saved plan: the plan, and its warnings. */
export interface CheckedSaved {
  readonly plan: SavedPlan;
  readonly diagnostics: Diagnostic[];
  /** from is the file the plan was read from, and the SHA-256 of the bytes read (a run's plan: none). */
  readonly from?: { readonly path: string; readonly sha256: string };
}

/**
 * PendingSaved is a saved plan whose checks (schema, digest) may not have run yet: its inputs, when they
 * have the schema's shape; checked(), which runs the checks (what is left of them) at once; and
 * checking(), which runs them a slice at a time, the event loop running between slices. The checks run
 * once, whichever asks first.
 */
export interface PendingSaved {
  readonly inputs: readonly InputFile[] | undefined;
  checked(): CheckedSaved | { diagnostics: Diagnostic[] };
  checking(): Promise<unknown>;
}

/** checkedSaved is a saved plan already checked (a run's), as derive takes one. */
export function checkedSaved(plan: SavedPlan): PendingSaved {
  const checked = { plan, diagnostics: [] };
  return { inputs: plan.inputs, checked: () => checked, checking: () => Promise.resolve(checked) };
}

/** pendingSaved is a saved plan read early, checked once checked() or checking() is called. */
export function pendingSaved(read: ReadSavedPlan): PendingSaved {
  const checks = new Stepped(savedChecks(read));
  return { inputs: read.inputs, checked: () => checks.now(), checking: () => checks.inSlices() };
}

function* savedChecks(read: ReadSavedPlan): Steps<CheckedSaved | { diagnostics: Diagnostic[] }> {
  const loaded = yield* checkSavedPlanSteps(read);
  if (loaded.plan === undefined) return { diagnostics: loaded.diagnostics };
  // Each target's fingerprint, which narrowing checks against its state, is worked out here too,
  // while the fresh plan's reads are in flight, not after them (fingerprintOf keeps it).
  for (const t of loaded.plan.targets) {
    fingerprintOf(t.before);
    yield;
  }
  return {
    plan: loaded.plan,
    diagnostics: loaded.diagnostics,
    ...(loaded.sha256 === undefined ? {} : { from: { path: read.path, sha256: loaded.sha256 } }),
  };
}

/**
 * derive makes what apply runs of a saved plan (file names it): its inputs here, unchanged; a fresh plan
 * of them with this config, these credentials and the policies it was made with (and --policy ones);
 * that plan narrowed to the saved plan's targets; each saved target the fresh plan does not produce
 * read, and the whole apply refused when one of them exists. Nothing the saved plan says about itself
 * (its verdicts, its records, its inputs) is taken on trust. The saved plan is read whole and checked
 * (schema, digest) once the fresh plan's reads are in flight, so that the first call is not held by it:
 * before then only its inputs are used, to name the files to plan again, whose bytes must hash as they
 * say; reads are all the fresh plan sends, and a saved plan that fails its checks is refused before
 * anything else is done with it.
 */
export async function derive(
  session: DeriveSession,
  pending: PendingSaved,
  file: string,
  options: DeriveOptions,
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
  // The saved plan is checked once the reads are out, while the last of them are answered: when every
  // read's task has started, and one read has been answered (before that, the first calls may still
  // wait for their connections, and the check would hold them back). A slice at a time, so that the
  // answers that come in meanwhile, and the reads that follow them, are not held for the whole check.
  let checking: Promise<unknown> | undefined;
  let answered = false;
  let sent = false;
  const onProgress: PlanOptions['onProgress'] = (event) => {
    options.onProgress?.(event);
    if (event.kind === 'read') answered = true;
    if (event.kind === 'sent') sent = true;
    if (answered && sent && checking === undefined) {
      checking = pending.checking();
      // Awaited once the fresh plan is made; a check that throws must not go unhandled before then.
      checking.catch(() => {});
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

/** recentReads are the reads this process made of plan's targets, while they are fresh (FRESH_READS_MS). */
export function recentReads(plan: SavedPlan, nowMs: number): ReadonlyMap<string, Observation> | undefined {
  const fresh = freshReads.get(plan);
  return fresh !== undefined && nowMs - fresh.at <= FRESH_READS_MS ? fresh.observed : undefined;
}

/** remember keeps what this process read of plan's targets (read), for its run's first reads. */
export function remember(plan: SavedPlan, read: readonly PlannedTarget[]): void {
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
  // Each file read and hashed once, however often the saved plan names it.
  const hashes = new Map<string, { sha256: string } | { diagnostic: Diagnostic }>();
  const hashOf = (name: string) => {
    let hashed = hashes.get(name);
    if (hashed === undefined) {
      const read = readBytes(resolve(root, name), name);
      hashed = 'diagnostic' in read ? read : { sha256: sha256(read.bytes) };
      hashes.set(name, hashed);
    }
    return hashed;
  };
  for (const input of [planInput, ...policies]) {
    const hashed = hashOf(input.file);
    const why =
      'diagnostic' in hashed
        ? `is not here (${hashed.diagnostic.message})`
        : hashed.sha256 === input.sha256
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

/** needsOf is the accounts of targets and the services they need, with each cloud's identity service. */
export function needsOf(targets: readonly PlannedTarget[]): Record<string, ServiceName[]> {
  const needs: Record<string, Set<ServiceName>> = {};
  for (const t of targets) {
    const set = needs[t.account] ?? new Set<ServiceName>([identityService[cloudOfType(t.type)]]);
    set.add(serviceOfType(t.type));
    needs[t.account] = set;
  }
  return Object.fromEntries(Object.entries(needs).map(([name, set]) => [name, [...set]]));
}

// What a saved plan's schema and digest cannot promise: each target's account is in this config, of its
// type's cloud, and its fields make the address a reviewer saw (the digest guards against accidents,
// not against someone who recomputes it).
export function checkTargets(
  acting: readonly PlannedTarget[],
  config: ConfigResult,
  file: string,
): Diagnostic[] {
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
