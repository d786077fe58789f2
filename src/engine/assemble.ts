// The plan, assembled from what the reads found: pure, no I/O. Each target once, in plan order, under
// every revocation that reaches it; its action from what its read found; the policies and the built-in
// rules evaluated over the targets apply would call on; the plan sealed by its digest. Fails closed: a
// read that failed, or an unknown caller where a target names a principal, leaves the plan unmade.
// Problems come back as findings with the JSON path of the plan or the config they are about; the
// session locates them in the files (src/session/plan.ts), as Spectral's runner does.

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import {
  type AccountBinding,
  type ActionState,
  beforeOf,
  fingerprintOf,
  type InputFile,
  isActing,
  type ObservedState,
  PLAN_FORMAT_VERSION,
  type PlannedTarget,
  type PolicyResult,
  type SavedPlan,
  type SelectorResult,
  sealed,
  summarize,
} from '../plan/model.js';
import { bindingChanges } from '../plan/narrow.js';
import type { RevocationPlan } from '../plan/revocation-plan.js';
import { BUILTIN, evaluatePolicies, type LoadedPolicy, type PolicyTarget } from '../policy/evaluate.js';
import { VERSION } from '../version.js';
import type { LiveState } from './plan-read.js';
import type { UnobservedRevocation } from './runs.js';
import { registryTypes, type Types } from './types.js';

/** PlanFinding is a problem of the plan (`in: plan`) or of the config (`in: config`), at its JSON path. */
export type PlanFinding = Diagnostic & { in: 'plan' | 'config' };

/** AssembleInput is everything a plan is assembled from. */
export interface AssembleInput {
  plan: RevocationPlan;
  /** inputs are the files the plan was made from, as it records them (the plan file first). */
  inputs: InputFile[];
  policies: readonly LoadedPolicy[];
  /** bindings are where each account reaches, without its caller (the reads found that). */
  bindings: Record<string, AccountBinding>;
  live: LiveState;
  /** revoked are the targets no API reads that a recorded run of this plan revoked (runs.ts). */
  revoked?: ReadonlyMap<string, UnobservedRevocation> | undefined;
  createdAt: string;
  types?: Types | undefined;
  /** sealed: false leaves the digest empty (PlannerOptions.sealed); default true. */
  sealed?: boolean | undefined;
}

/** Assembled is the plan when it could be made, and the findings (missing targets, failed reads). */
export interface Assembled {
  plan?: SavedPlan;
  findings: PlanFinding[];
}

/** assemblePlan assembles the plan; see the top of this file. */
export function assemblePlan(input: AssembleInput): Assembled {
  const { providerOf } = input.types ?? registryTypes;
  const revocations = input.plan.spec.revocations;
  const { live } = input;
  const findings: PlanFinding[] = [];
  const inPlan = (index: number, d: Diagnostic, ...rest: (string | number)[]): PlanFinding => ({
    ...d,
    path: ['spec', 'revocations', index, ...rest],
    in: 'plan',
  });
  const inConfig = (account: string, d: Diagnostic): PlanFinding => ({
    ...d,
    path: ['accounts', account],
    in: 'config',
  });
  const unidentified = (names: Iterable<string>): PlanFinding[] =>
    [...names].flatMap((name) => (live.unidentified.get(name) ?? []).map((d) => inConfig(name, d)));

  // Fail closed: a read that failed leaves the plan unmade, whatever the others found. A list shared
  // by many targets fails for each of them: the first says it.
  const seen = new Set<string>();
  for (const { index, at, diagnostics } of [...live.failed].sort(byPlace)) {
    for (const d of diagnostics) {
      const key = `${d.code}\u0000${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(at === undefined ? inPlan(index, d) : inPlan(index, d, 'targets', at));
    }
  }
  if (findings.length > 0) return { findings: [...findings, ...unidentified(live.unidentified.keys())] };

  // In plan order (revocation, then the order each was found in), each target once, under every id.
  const reached = [...live.reached].sort(byPlace);
  const byAddress = new Map<string, PlannedTarget & { record: unknown }>();
  const order: string[] = [];
  for (const hit of reached) {
    const r = revocations[hit.index];
    if (r === undefined) continue;
    const provider = providerOf(r.type);
    const address = provider.address(r.account, hit.target);
    const known = byAddress.get(address);
    if (known !== undefined) {
      if (!known.ids.includes(r.id)) known.ids.push(r.id);
      continue;
    }
    const before = beforeOf(hit.observation);
    const revokedBy = revokedUnobserved(input.revoked?.get(address), input.bindings[r.account]);
    const action =
      revokedBy !== undefined && hit.observation.state === 'unknown'
        ? 'already-revoked'
        : actionOf(hit.observation.state, provider.absent);
    if (action === 'missing') {
      const d: Diagnostic = {
        severity: 'error',
        code: 'plan.missing',
        message: `${address} does not exist`,
        address,
      };
      findings.push(
        hit.at === undefined ? inPlan(hit.index, d, 'target') : inPlan(hit.index, d, 'targets', hit.at),
      );
    }
    const after =
      hit.observation.record === undefined ? undefined : provider.afterRevoke(hit.observation.record);
    byAddress.set(address, {
      address,
      type: r.type,
      account: r.account,
      ids: [r.id],
      target: { ...hit.target },
      with: { ...(r.with ?? {}) },
      action,
      before,
      ...(after === undefined ? {} : { after }),
      fingerprint: fingerprintOf(before),
      ...(action === 'already-revoked' && revokedBy !== undefined ? { revokedBy } : {}),
      record: hit.observation.record,
    });
    order.push(address);
  }

  // Policies see the targets that applying would call on.
  const acting: PolicyTarget[] = [];
  for (const address of order) {
    const t = byAddress.get(address);
    if (t === undefined || !isActing(t)) continue;
    acting.push({
      address,
      type: t.type,
      account: t.account,
      ids: t.ids,
      with: t.with,
      principals: providerOf(t.type).principals?.(t.target, t.record) ?? [],
    });
  }
  // A target that names a principal cannot be checked against an unknown caller: no plan.
  const unknown = new Set(acting.filter((t) => t.principals.length > 0).map((t) => t.account));
  const whoFailures = unidentified(unknown);
  if (whoFailures.length > 0) return { findings: [...findings, ...whoFailures] };

  const meta = input.plan.metadata;
  const policies = evaluatePolicies(
    acting,
    { ticket: meta.ticket, owner: meta.owner, reason: meta.reason, labels: meta.labels },
    input.policies,
    live.callers,
  );
  policies.push(...reversibleWarnings(order, byAddress, input.types));
  const denied = new Set(policies.filter((p) => p.effect === 'deny').flatMap((p) => p.targets));
  const targets: PlannedTarget[] = order.map((address) => {
    const { record: _record, ...t } = byAddress.get(address) as PlannedTarget & { record: unknown };
    return denied.has(address) && isActing(t) ? { ...t, action: 'blocked' as const } : t;
  });

  const selectors: SelectorResult[] = [];
  revocations.forEach((r, index) => {
    if (r.select === undefined) return;
    selectors.push({
      id: r.id,
      type: r.type,
      account: r.account,
      select: r.select,
      matched: live.matched.get(index) ?? 0,
    });
  });
  const accounts: Record<string, AccountBinding> = {};
  for (const [name, binding] of Object.entries(input.bindings)) {
    const caller = live.callers.get(name);
    accounts[name] = { ...binding, ...(caller === undefined ? {} : { caller }) };
  }
  const content: Omit<SavedPlan, 'digest'> = {
    apiVersion: 'rescind/v1',
    kind: 'SavedPlan',
    formatVersion: PLAN_FORMAT_VERSION,
    rescindVersion: VERSION,
    createdAt: input.createdAt,
    plan: {
      file: input.inputs[0]?.file ?? '',
      name: meta.name,
      reason: meta.reason,
      ...(meta.ticket === undefined ? {} : { ticket: meta.ticket }),
      ...(meta.owner === undefined ? {} : { owner: meta.owner }),
      ...(meta.labels === undefined ? {} : { labels: meta.labels }),
      ...(input.plan.spec.concurrency === undefined ? {} : { concurrency: input.plan.spec.concurrency }),
    },
    inputs: input.inputs,
    accounts,
    selectors,
    targets,
    policies,
    summary: summarize(targets),
  };
  const plan = input.sealed === false ? { ...content, digest: '' } : sealed(content);
  return { plan, findings };
}

/** actionOf maps what a read found to what the plan does: absent is done or missing, as the type says. */
export function actionOf(state: ObservedState, absent: 'revoked' | 'missing'): ActionState {
  switch (state) {
    case 'active':
      return 'revoke';
    case 'revoked':
      return 'already-revoked';
    case 'unknown':
      return 'not-observable';
    case 'absent':
      return absent === 'revoked' ? 'already-revoked' : 'missing';
  }
}

// The run that revoked a target no API reads, when its account reached the cloud it reaches now (the
// same cloud, region, project, domain and endpoints: who ran it may differ).
function revokedUnobserved(
  found: UnobservedRevocation | undefined,
  now: AccountBinding | undefined,
): { runId: string; at: string } | undefined {
  if (found?.binding === undefined || now === undefined) return undefined;
  const { caller: _caller, ...was } = found.binding;
  return bindingChanges(was, now).length === 0 ? { runId: found.runId, at: found.at } : undefined;
}

/**
 * reversibleWarnings are the built-in warnings on targets that read as not active but that the cloud
 * can make work again (a DISABLED CA): shown as already revoked, they are not revoked for good. One
 * warning per reason, with its targets in plan order.
 */
function reversibleWarnings(
  order: readonly string[],
  byAddress: ReadonlyMap<string, PlannedTarget & { record: unknown }>,
  types: Types | undefined,
): PolicyResult[] {
  const { providerOf } = types ?? registryTypes;
  const byReason = new Map<string, string[]>();
  for (const address of order) {
    const t = byAddress.get(address);
    if (t === undefined || t.action !== 'already-revoked' || t.record === undefined) continue;
    const why = providerOf(t.type).reversible?.(t.record);
    if (why === undefined) continue;
    byReason.set(why, [...(byReason.get(why) ?? []), address]);
  }
  return [...byReason].map(([message, targets]) => ({
    source: BUILTIN,
    policy: BUILTIN,
    rule: 'reversible',
    effect: 'warn',
    message,
    targets,
  }));
}

// Plan order: by revocation, then by place in its `targets` (reads end in any order); a selector's
// targets keep the order they were found in (the sort is stable).
function byPlace(a: { index: number; at?: number }, b: { index: number; at?: number }): number {
  return a.index - b.index || (a.at ?? 0) - (b.at ?? 0);
}
