// What apply runs of a saved plan: never what the file says about itself, only what a fresh plan of
// the same files, config and policies says now, narrowed to the targets the saved plan approved. The
// saved plan's digest anyone can recompute, so it counts for nothing here; what counts is that each
// target it approves is one the fresh plan produces, with the same fields and options, that every
// target's fingerprint is the fingerprint of the state it shows, and that each account reaches the
// same cloud as when the plan was made. Pure: two plans in, the plan to run and refusals out.

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import {
  type AccountBinding,
  fingerprintOf,
  isActing,
  type PlannedTarget,
  type PolicyResult,
  type SavedPlan,
  sameJson,
  summarize,
} from './model.js';

/** NarrowedPlan is what apply may run of a saved plan, and why it may not run at all. */
export interface NarrowedPlan {
  /**
   * plan is the fresh plan's metadata, accounts and verdicts, with the saved plan's acting targets in
   * their fresh form, each keeping the saved fingerprint (what the reviewer saw: drift is measured
   * against it). Absent when there are refusals.
   */
  plan?: SavedPlan;
  /**
   * unproduced are the saved plan's acting targets that the fresh plan does not produce: a selector's
   * match that was revoked since (it no longer lists), or a target the reviewer never saw. Apply reads
   * each: one that is gone joins the run (it costs no call); one that is not refuses the whole apply.
   */
  unproduced: PlannedTarget[];
  /** blocked are the fresh plan's deny results that name a target apply would act on. */
  blocked: PolicyResult[];
  diagnostics: Diagnostic[];
}

/** MAX_REFUSALS bounds the refusals listed: a forged plan of 100,000 targets is not 100,000 lines. */
const MAX_REFUSALS = 20;

/**
 * narrowSaved compares the saved plan (file names diagnostics) with a fresh plan of its inputs, made now
 * with the config and credentials apply runs with; see the top of this file.
 */
export function narrowSaved(saved: SavedPlan, fresh: SavedPlan, file: string): NarrowedPlan {
  const diagnostics: Diagnostic[] = [];
  const refuse = (code: Diagnostic['code'], message: string) => {
    if (diagnostics.length < MAX_REFUSALS) diagnostics.push({ severity: 'error', code, file, message });
  };

  // The plan's own metadata: the fresh plan's is the reviewed one (its file's digest was checked).
  for (const field of ['file', 'name', 'reason', 'ticket', 'owner', 'labels', 'concurrency'] as const) {
    if (!sameJson(saved.plan[field], fresh.plan[field])) {
      refuse(
        'apply.not-reviewed',
        `the saved plan's ${field} is not what the plan file says now: it was not written so by rescind plan`,
      );
    }
  }
  // Inputs: the same files, none missing, none extra.
  const key = (i: SavedPlan['inputs'][number]) => (i.role === 'config' ? 'config' : `${i.role}:${i.file}`);
  const savedInputs = new Map(saved.inputs.map((i) => [key(i), i]));
  const freshInputs = new Map(fresh.inputs.map((i) => [key(i), i]));
  for (const [k, input] of freshInputs) {
    const was = savedInputs.get(k);
    if (was === undefined)
      refuse(
        'apply.inputs-changed',
        `the ${input.role} ${input.file} is read now but was not when the plan was made; make the plan again`,
      );
    else if (was.sha256 !== input.sha256)
      refuse(
        'apply.inputs-changed',
        `the ${input.role} ${input.file} changed since the plan was made; make the plan again`,
      );
  }
  for (const [k, input] of savedInputs) {
    if (!freshInputs.has(k))
      refuse(
        'apply.inputs-changed',
        `the ${input.role} ${input.file} was read when the plan was made but is not now; make the plan again`,
      );
  }

  const freshByAddress = new Map(fresh.targets.map((t) => [t.address, t]));
  const acting: PlannedTarget[] = [];
  const unproduced: PlannedTarget[] = [];
  const accounts = new Set<string>();
  for (const t of saved.targets) {
    // Every target, acting or not: its fingerprint is of the state it shows.
    if (fingerprintOf(t.before) !== t.fingerprint) {
      refuse(
        'plan.inconsistent',
        `${t.address}: its recorded state does not have its fingerprint: the saved plan was not written so by rescind plan`,
      );
      continue;
    }
    if (!isActing(t)) continue;
    const expected = t.action === 'revoke' ? 'active' : 'unknown';
    if (t.before.state !== expected) {
      refuse(
        'plan.inconsistent',
        `${t.address}: it is to ${t.action === 'revoke' ? 'revoke' : 'be revoked unobserved'} but was ${t.before.state} when the plan was made: the saved plan was not written so by rescind plan`,
      );
      continue;
    }
    accounts.add(t.account);
    const now = freshByAddress.get(t.address);
    if (now === undefined) {
      unproduced.push(t);
      continue;
    }
    const differs = (['type', 'account', 'target', 'with', 'ids'] as const).filter((field) => {
      if (field === 'type' || field === 'account') return t[field] !== now[field];
      const a = field === 'ids' ? [...t.ids].sort() : t[field];
      const b = field === 'ids' ? [...now.ids].sort() : now[field];
      return !sameJson(a, b);
    });
    if (differs.length > 0) {
      refuse(
        'apply.not-reviewed',
        `${t.address}: its ${differs.join(', ')} ${differs.length === 1 ? 'is' : 'are'} not what a fresh plan of the same files says`,
      );
      continue;
    }
    // The fresh form, with the state the reviewer saw: drift is measured against it.
    acting.push(
      Object.assign({}, now, {
        action: t.action,
        before: t.before,
        fingerprint: t.fingerprint,
        ...(t.after === undefined ? {} : { after: t.after }),
      }),
    );
  }
  if (unproduced.length > 0 && unproduced.some((t) => t.action === 'not-observable')) {
    for (const t of unproduced.filter((u) => u.action === 'not-observable')) {
      refuse(
        'apply.not-reviewed',
        `${t.address}: a fresh plan of the same files does not produce this target, and no read can show it gone`,
      );
    }
  }

  // The cloud of each account: what it reaches now is what it reached when the plan was made.
  for (const name of [...accounts].sort()) {
    const was = Object.hasOwn(saved.accounts, name) ? saved.accounts[name] : undefined;
    const now = Object.hasOwn(fresh.accounts, name) ? fresh.accounts[name] : undefined;
    for (const why of bindingChanges(was, now)) refuse('apply.account-changed', `account ${name}: ${why}`);
  }

  const addresses = new Set([...acting, ...unproduced].map((t) => t.address));
  const relevant = fresh.policies.filter((p) => p.targets.some((a) => addresses.has(a)));
  const blocked = relevant.filter((p) => p.effect === 'deny');
  if (diagnostics.length > 0) return { unproduced: [], blocked: [], diagnostics };
  const targets = [...acting];
  const plan: SavedPlan = {
    ...fresh,
    targets,
    policies: relevant,
    summary: summarize(targets),
    digest: saved.digest,
  };
  return { plan, unproduced, blocked, diagnostics };
}

/**
 * bindingChanges says how an account's cloud now differs from the one the plan was made against: its
 * cloud, region, project, domain, the endpoint of a service both called, or the cloud account its
 * credentials belong to. Another user of the same cloud account is not a change (a read-only identity
 * may plan and a revoking one apply); the built-in rules are evaluated for the one apply runs as.
 */
export function bindingChanges(was: AccountBinding | undefined, now: AccountBinding | undefined): string[] {
  if (was === undefined) return ['the saved plan does not say which cloud it was made against'];
  if (now === undefined) return ['it was not opened'];
  const out: string[] = [];
  const differ = (what: string, a: string | undefined, b: string | undefined) => {
    if (a !== b)
      out.push(`its ${what} was ${a ?? '(none)'} when the plan was made and is ${b ?? '(none)'} now`);
  };
  differ('cloud', was.cloud, now.cloud);
  differ('region', was.region, now.region);
  differ('projectId', was.projectId, now.projectId);
  differ('domainId', was.domainId, now.domainId);
  for (const service of Object.keys(was.endpoints).sort() as (keyof AccountBinding['endpoints'])[]) {
    const b = now.endpoints[service];
    if (b !== undefined) differ(`${service} endpoint`, was.endpoints[service], b);
  }
  if (was.caller !== undefined) {
    if (now.caller === undefined) {
      out.push(
        'its credentials could not be identified, so they cannot be shown to be of the same cloud account',
      );
    } else if (!sameJson([...was.caller.roots].sort(), [...now.caller.roots].sort())) {
      out.push(
        `its credentials belong to cloud account ${now.caller.roots.join(', ') || '(unknown)'}, not ${was.caller.roots.join(', ') || '(unknown)'} as when the plan was made`,
      );
    }
  }
  return out;
}
