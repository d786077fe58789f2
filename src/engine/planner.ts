// The planner: a loaded plan, its config and policies, and opened accounts in; one plan model out.
// Every selector is expanded and every target read from live state, concurrently (at most
// options.concurrency reads at once, `plan --concurrency`) and sharing list calls (one paged list of a KMS key, an ESA site or an ACK user serves
// every target on it). Selection fails closed: a read that fails after the HTTP layer's retries
// aborts the plan and names the read; nothing partial is ever returned as a plan.

import pLimit from 'p-limit';
import type { Diagnostic, JsonPath } from '../diagnostics/diagnostic.js';
import type { YamlSource } from '../document/load.js';
import type { LoadedDocument } from '../document/pipeline.js';
import {
  type AccountBinding,
  type ActionState,
  callerIdentity,
  fingerprintOf,
  type InputFile,
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
import {
  type AccountCaller,
  BUILTIN,
  evaluatePolicies,
  type LoadedPolicy,
  type PolicyTarget,
} from '../policy/evaluate.js';
import { withSignal } from '../providers/common.js';
import { providerOf, whoami } from '../providers/registry.js';
import type { Fields, Observation, ProviderAccount } from '../providers/types.js';
import { VERSION } from '../version.js';
import type { UnobservedRevocation } from './runs.js';
import { sharedReads } from './shared-reads.js';

/** PlanInputs are what a plan is made from, loaded and valid. */
export interface PlanInputs {
  /**
   * files are the names the plan records of its plan file, config and policies (in policies' order):
   * relative to the folder that keeps .rescind/, so that they name the same files from any folder.
   */
  files?: { plan: string; config: string; policies: readonly string[] };
  plan: LoadedDocument & { data: RevocationPlan };
  config: { file: string; sha256?: string | undefined; source?: YamlSource };
  policies: readonly (LoadedDocument & LoadedPolicy)[];
  accounts: ReadonlyMap<string, ProviderAccount>;
}

/**
 * PlanProgress is what the planner tells as it reads: how many reads each account has to make for each
 * type (`identity`: who the account is), and each read as it ends; then the phase after the reads.
 */
export type PlanProgress =
  | { kind: 'reads'; reads: readonly PlanReads[] }
  | { kind: 'read'; account: string; what: string; done: number; total: number }
  | { kind: 'phase'; phase: 'policies' };

/** PlanReads counts the reads of one account for one type, or for its identity. */
export interface PlanReads {
  account: string;
  what: string;
  total: number;
  done: number;
}

/** PlannerOptions: how many reads at once (default 8), the clock, and a signal that stops the reads. */
export interface PlannerOptions {
  /** onProgress hears how the reads go (rescind plan shows it on stderr). */
  onProgress?: (event: PlanProgress) => void;
  concurrency?: number;
  now?: () => Date;
  signal?: AbortSignal;
  /**
   * revoked are, by address, the targets no API reads that a recorded run of this plan revoked: each is
   * planned already revoked (no change) when its account reaches the same cloud as in that run.
   */
  revoked?: ReadonlyMap<string, UnobservedRevocation>;
}

/** PlanResult is the plan when every read succeeded, and the diagnostics (missing targets, failed reads). */
export interface PlanResult {
  plan?: SavedPlan;
  diagnostics: Diagnostic[];
}

/** DEFAULT_PLAN_CONCURRENCY is how many reads a plan runs at once without --concurrency. */
export const DEFAULT_PLAN_CONCURRENCY = 8;

// One target as a revocation reached it, and what a read or a selector found.
interface Reached {
  index: number;
  target: Fields;
  observation: Observation<unknown>;
  fromSelector: boolean;
}

/** makePlan reads the live state of every revocation of inputs.plan and resolves it into a plan. */
export async function makePlan(inputs: PlanInputs, options: PlannerOptions = {}): Promise<PlanResult> {
  const revocations = inputs.plan.data.spec.revocations;
  const limit = pLimit(options.concurrency ?? DEFAULT_PLAN_CONCURRENCY);
  const reads = sharedReads();
  const signal = options.signal;
  const diagnostics: Diagnostic[] = [];
  const reached: Reached[] = [];
  const matched = new Map<number, number>();
  const at = (index: number, ...rest: JsonPath): Pick<Diagnostic, 'range' | 'path'> => {
    const path: JsonPath = ['spec', 'revocations', index, ...rest];
    const range = inputs.plan.source?.locate(path);
    return range === undefined ? { path } : { path, range };
  };
  const inConfig = (name: string): Pick<Diagnostic, 'range' | 'path'> => {
    const path: JsonPath = ['accounts', name];
    const range = inputs.config.source?.locate(path);
    return range === undefined ? { path } : { path, range };
  };
  const fail = (index: number, ds: readonly Diagnostic[]) => {
    for (const d of ds) diagnostics.push({ ...d, ...at(index) });
  };

  const tasks: Promise<void>[] = [];
  // Each read is a task of one account and type, counted for progress.
  const counts = new Map<string, PlanReads>();
  const task = (account: string, what: string, read: () => Promise<void>): void => {
    const key = `${account}\u0000${what}`;
    let count = counts.get(key);
    if (count === undefined) {
      count = { account, what, total: 0, done: 0 };
      counts.set(key, count);
    }
    count.total++;
    const c = count;
    tasks.push(
      limit(async () => {
        try {
          await read();
        } finally {
          c.done++;
          options.onProgress?.({ kind: 'read', account, what, done: c.done, total: c.total });
        }
      }),
    );
  };
  // Selectors, one task each.
  revocations.forEach((r, index) => {
    if (r.select === undefined) return;
    const provider = providerOf(r.type);
    const account = accountOf(inputs, r.account);
    const select = r.select;
    task(r.account, r.type, async () => {
      if (provider.expand === undefined) throw new Error(`${r.type} takes no selector`);
      const expanded = await provider.expand({ account, select, reads, ...withSignal(signal) });
      if (expanded.diagnostics.length > 0) return fail(index, expanded.diagnostics);
      matched.set(index, expanded.targets.length);
      for (const found of expanded.targets) {
        reached.push({ index, target: found.target, observation: found.observation, fromSelector: true });
      }
    });
  });
  // Targets: alone, or in groups that one read serves (an ESA site).
  const groups = new Map<string, { index: number; target: Fields }[]>();
  revocations.forEach((r, index) => {
    if (r.target === undefined) return;
    const provider = providerOf(r.type);
    const account = accountOf(inputs, r.account);
    const target = r.target;
    if (provider.groupOf !== undefined && provider.readMany !== undefined) {
      const key = `${r.type}\u0000${r.account}\u0000${provider.groupOf(target)}`;
      const group = groups.get(key) ?? [];
      group.push({ index, target });
      groups.set(key, group);
      return;
    }
    task(r.account, r.type, async () => {
      const read = await provider.read({ account, target, reads, ...withSignal(signal) });
      if (read.observation === undefined) return fail(index, read.diagnostics);
      reached.push({ index, target, observation: read.observation, fromSelector: false });
    });
  });
  for (const group of groups.values()) {
    const first = group[0];
    if (first === undefined) continue;
    const r = revocations[first.index];
    if (r === undefined) continue;
    const provider = providerOf(r.type);
    const account = accountOf(inputs, r.account);
    task(r.account, r.type, async () => {
      if (provider.readMany === undefined) throw new Error(`${r.type} cannot read many targets`);
      const read = await provider.readMany({
        account,
        targets: group.map((g) => g.target),
        reads,
        ...withSignal(signal),
      });
      if (read.diagnostics.length > 0) return fail(first.index, read.diagnostics);
      group.forEach((g, i) => {
        const observation = read.observations[i];
        if (observation === undefined) throw new Error(`${r.type} readMany answered too few observations`);
        reached.push({ index: g.index, target: g.target, observation, fromSelector: false });
      });
    });
  }
  // Who each account authenticates as, for the built-in rules, read alongside the targets. It is
  // needed only for an account with a target that names a principal (a user, a grantee).
  const callers = new Map<string, AccountCaller>();
  const unidentified = new Map<string, Diagnostic[]>();
  for (const [name, account] of inputs.accounts) {
    task(name, 'identity', async () => {
      const who = await whoami[account.cloud]({ account, ...withSignal(signal) });
      if (who.caller !== undefined) callers.set(name, who.caller);
      else
        unidentified.set(
          name,
          who.diagnostics.map((d) => ({ ...d, ...inConfig(name) })),
        );
    });
  }
  options.onProgress?.({ kind: 'reads', reads: [...counts.values()].map((c) => ({ ...c })) });
  await Promise.all(tasks);
  options.onProgress?.({ kind: 'phase', phase: 'policies' });
  // Fail closed: a read that failed leaves the plan unmade, whatever the others found.
  // A list shared by many targets fails for each of them: the first says it.
  const seenFailures = new Set<string>();
  const failures = diagnostics.filter((d) => {
    const key = `${d.code}\u0000${d.message}`;
    if (seenFailures.has(key)) return false;
    seenFailures.add(key);
    return true;
  });
  if (failures.length > 0) return { diagnostics: [...failures, ...[...unidentified.values()].flat()] };

  // In plan order (revocation, then the order each was found in), each target once, under every id.
  reached.sort((a, b) => a.index - b.index);
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
    const before: PlannedTarget['before'] = {
      state: hit.observation.state,
      ...(hit.observation.record === undefined ? {} : { record: hit.observation.record }),
    };
    const revokedBy = unobservedRevocation(options.revoked?.get(address), inputs.accounts.get(r.account));
    const action =
      revokedBy !== undefined && hit.observation.state === 'unknown'
        ? 'already-revoked'
        : actionOf(hit.observation.state, provider.absent);
    if (action === 'missing') {
      diagnostics.push({
        severity: 'error',
        code: 'plan.missing',
        message: `${address} does not exist`,
        address,
        ...at(hit.index, 'target'),
      });
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
    if (t === undefined || (t.action !== 'revoke' && t.action !== 'not-observable')) continue;
    acting.push({
      address,
      type: t.type,
      account: t.account,
      ids: t.ids,
      with: t.with,
      principals: providerOf(t.type).principals(t.target, t.record),
    });
  }
  // A target that names a principal cannot be checked against an unknown caller: no plan.
  const unknownCallers = new Set(acting.filter((t) => t.principals.length > 0).map((t) => t.account));
  const whoFailures = [...unknownCallers].flatMap((name) => unidentified.get(name) ?? []);
  if (whoFailures.length > 0) return { diagnostics: [...diagnostics, ...whoFailures] };

  const meta = inputs.plan.data.metadata;
  const policies = evaluatePolicies(
    acting,
    { ticket: meta.ticket, owner: meta.owner, reason: meta.reason, labels: meta.labels },
    inputs.policies,
    callers,
  );
  policies.push(...reversibleWarnings(order, byAddress));
  const denied = new Set(policies.filter((p) => p.effect === 'deny').flatMap((p) => p.targets));
  const targets: PlannedTarget[] = order.map((address) => {
    const { record: _record, ...t } = byAddress.get(address) as PlannedTarget & { record: unknown };
    return denied.has(address) && (t.action === 'revoke' || t.action === 'not-observable')
      ? { ...t, action: 'blocked' as const }
      : t;
  });

  const selectors: SelectorResult[] = [];
  revocations.forEach((r, index) => {
    if (r.select === undefined) return;
    selectors.push({
      id: r.id,
      type: r.type,
      account: r.account,
      select: r.select,
      matched: matched.get(index) ?? 0,
    });
  });
  const names = inputs.files;
  const planName = names?.plan ?? inputs.plan.file;
  const inputsRead: InputFile[] = [
    { role: 'plan', file: planName, sha256: inputs.plan.sha256 ?? '' },
    { role: 'config', file: names?.config ?? inputs.config.file, sha256: inputs.config.sha256 ?? '' },
    ...inputs.policies.map(
      (p, i): InputFile => ({ role: 'policy', file: names?.policies[i] ?? p.file, sha256: p.sha256 ?? '' }),
    ),
  ];
  const plan = sealed({
    apiVersion: 'rescind/v1',
    kind: 'SavedPlan',
    formatVersion: PLAN_FORMAT_VERSION,
    rescindVersion: VERSION,
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    plan: {
      file: planName,
      name: meta.name,
      reason: meta.reason,
      ...(meta.ticket === undefined ? {} : { ticket: meta.ticket }),
      ...(meta.owner === undefined ? {} : { owner: meta.owner }),
      ...(meta.labels === undefined ? {} : { labels: meta.labels }),
      ...(inputs.plan.data.spec.concurrency === undefined
        ? {}
        : { concurrency: inputs.plan.data.spec.concurrency }),
    },
    inputs: inputsRead,
    accounts: bindingsOf(inputs.accounts, callers),
    selectors,
    targets,
    policies,
    summary: summarize(targets),
  });
  return { plan, diagnostics };
}

// The run that revoked a target no API reads, when its account reached the cloud it reaches now (the
// same cloud, region, project, domain and endpoints: who ran it may differ).
function unobservedRevocation(
  found: UnobservedRevocation | undefined,
  account: ProviderAccount | undefined,
): { runId: string; at: string } | undefined {
  if (found?.binding === undefined || account === undefined) return undefined;
  const now = bindingsOf(new Map([[account.name, account]]), new Map())[account.name];
  const { caller: _caller, ...was } = found.binding;
  return bindingChanges(was, now).length === 0 ? { runId: found.runId, at: found.at } : undefined;
}

/**
 * bindingsOf records where each account reached (its cloud, region, endpoints, project, domain) and who
 * it authenticated as, so that apply can refuse a config or credentials that resolve to anything else.
 */
export function bindingsOf(
  accounts: ReadonlyMap<string, ProviderAccount>,
  callers: ReadonlyMap<string, AccountCaller>,
): Record<string, AccountBinding> {
  const out: Record<string, AccountBinding> = {};
  for (const name of [...accounts.keys()].sort()) {
    const account = accounts.get(name) as ProviderAccount;
    const caller = callers.get(name);
    const endpoints: AccountBinding['endpoints'] = {};
    for (const service of Object.keys(account.endpoints).sort() as (keyof typeof endpoints)[]) {
      const url = account.endpoints[service];
      if (url !== undefined) endpoints[service] = url;
    }
    out[name] = {
      cloud: account.cloud,
      region: account.region,
      endpoints,
      ...(account.projectId === undefined ? {} : { projectId: account.projectId }),
      ...(account.domainId === undefined ? {} : { domainId: account.domainId }),
      ...(account.lookedUp === undefined || account.lookedUp.length === 0
        ? {}
        : { lookedUp: [...account.lookedUp] }),
      ...(caller === undefined ? {} : { caller: callerIdentity(caller) }),
    };
  }
  return out;
}

/**
 * reversibleWarnings are the built-in warnings on targets that read as not active but that the cloud
 * can make work again (a DISABLED CA): shown as already revoked, they are not revoked for good. One
 * warning per reason, with its targets in plan order.
 */
function reversibleWarnings(
  order: readonly string[],
  byAddress: ReadonlyMap<string, PlannedTarget & { record: unknown }>,
): PolicyResult[] {
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

/** actionOf maps what a read found to what the plan does: absent is done or missing, as the type says. */
export function actionOf(state: Observation<unknown>['state'], absent: 'revoked' | 'missing'): ActionState {
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

function accountOf(inputs: PlanInputs, name: string): ProviderAccount {
  const account = inputs.accounts.get(name);
  if (account === undefined) throw new Error(`makePlan: account ${name} is not open`);
  return account;
}
