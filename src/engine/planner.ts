// The planner: a plan file's revocations, its policies and opened accounts in; one plan model out, or
// the findings that say why there is none. Reading live state (plan-read.ts) is the I/O; assembling the
// plan from what was read (assemble.ts) is pure. Nothing partial is ever returned as a plan.

import type { AccountBinding, InputFile, SavedPlan } from '../plan/model.js';
import type { RevocationPlan } from '../plan/revocation-plan.js';
import type { LoadedPolicy } from '../policy/evaluate.js';
import type { ProviderAccount } from '../providers/types.js';
import { assemblePlan, type PlanFinding } from './assemble.js';
import { type PlanProgress, readLiveState } from './plan-read.js';
import type { UnobservedRevocation } from './runs.js';
import type { Types } from './types.js';

/** PlanInputs are what a plan is made from, loaded and valid. */
export interface PlanInputs {
  plan: RevocationPlan;
  /**
   * inputs are the files the plan is made from, as the plan records them (the plan file first, then
   * the config, then each policy): relative to the folder that keeps .rescind/, with their SHA-256.
   */
  inputs: InputFile[];
  policies: readonly LoadedPolicy[];
  accounts: ReadonlyMap<string, ProviderAccount>;
}

/** PlannerOptions: how many reads at once (default 8), the clock, a signal that stops the reads. */
export interface PlannerOptions {
  /** onProgress hears how the reads go (rescind plan shows it on stderr). */
  onProgress?: ((event: PlanProgress) => void) | undefined;
  concurrency?: number | undefined;
  now?: (() => Date) | undefined;
  signal?: AbortSignal | undefined;
  /**
   * revoked are, by address, the targets no API reads that a recorded run of this plan revoked: each is
   * planned already revoked (no change) when its account reaches the same cloud as in that run.
   */
  revoked?: ReadonlyMap<string, UnobservedRevocation> | undefined;
  /** types are the revocation types' providers; the registry's by default. */
  types?: Types | undefined;
  /**
   * sealed: false leaves the plan's digest empty. Apply's fresh plan is never written and is narrowed to
   * the saved plan, whose digest the run keeps; its own digest, a SHA-256 of the whole plan, was 30 ms of
   * a 2,000-target apply before its first call. Default true.
   */
  sealed?: boolean | undefined;
}

/** MadePlan is the plan when it could be made, and the findings, at JSON paths of the plan or config. */
export interface MadePlan {
  plan?: SavedPlan;
  findings: PlanFinding[];
}

/** DEFAULT_PLAN_CONCURRENCY is how many reads a plan runs at once without --concurrency. */
export const DEFAULT_PLAN_CONCURRENCY = 8;

/** makePlan reads the live state of every revocation of inputs.plan and assembles it into a plan. */
export async function makePlan(inputs: PlanInputs, options: PlannerOptions = {}): Promise<MadePlan> {
  const live = await readLiveState(inputs.plan.spec.revocations, inputs.accounts, {
    concurrency: options.concurrency ?? DEFAULT_PLAN_CONCURRENCY,
    onProgress: options.onProgress,
    signal: options.signal,
    types: options.types,
  });
  return assemblePlan({
    plan: inputs.plan,
    inputs: inputs.inputs,
    policies: inputs.policies,
    bindings: bindingsOf(inputs.accounts),
    live,
    revoked: options.revoked,
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    types: options.types,
    sealed: options.sealed,
  });
}

/**
 * bindingsOf records where each account reaches (its cloud, region, endpoints, project, domain), so that
 * apply can refuse a config that resolves to anything else; the reads add who it authenticates as.
 */
export function bindingsOf(accounts: ReadonlyMap<string, ProviderAccount>): Record<string, AccountBinding> {
  const out: Record<string, AccountBinding> = {};
  for (const name of [...accounts.keys()].sort()) {
    const account = accounts.get(name) as ProviderAccount;
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
    };
  }
  return out;
}
