// Guardrail policies over a resolved plan: each rule of each policy file, then the built-in rules no
// file can turn off (never revoke the identity the run authenticates as, never an account root).
// Pure: the targets that would be called on, the plan's metadata and the policies in; results out.

import type { CallerIdentity, PolicyResult } from '../plan/model.js';
import type { TypeName } from '../vocabulary.js';
import type { Policy, PolicyRule } from './policy.js';

/** PolicyTarget is a target that applying the plan would call on, as the rules see it. */
export interface PolicyTarget {
  address: string;
  type: TypeName;
  account: string;
  /** ids are the revocations that reach it. */
  ids: readonly string[];
  with: Readonly<Record<string, unknown>>;
  /** principals are the user, agency, role or grantee IDs it concerns. */
  principals: readonly string[];
}

/** PlanFacts is what rules read of the plan itself. */
export interface PlanFacts {
  ticket?: string | undefined;
  owner?: string | undefined;
  reason: string;
  labels?: Readonly<Record<string, string>> | undefined;
}

/** LoadedPolicy is a policy and the file it came from. */
export interface LoadedPolicy {
  file: string;
  policy: Policy;
}

/** BUILTIN is the source and policy name of the rules no file can turn off. */
export const BUILTIN = 'builtin';

/**
 * evaluatePolicies runs every rule over targets and returns the rules that fire, policy files first (in
 * the order given, rules in file order), then the built-in ones. A rule fires for the targets it matches
 * (every field of `match` holds): all of them when it has neither `maxTargets` nor `require`; all of
 * them when more than `maxTargets` match; the ones whose revocation lacks what `require` asks for.
 */
export function evaluatePolicies(
  targets: readonly PolicyTarget[],
  plan: PlanFacts,
  policies: readonly LoadedPolicy[],
  callers: ReadonlyMap<string, CallerIdentity | undefined>,
): PolicyResult[] {
  const results: PolicyResult[] = [];
  for (const { file, policy } of policies) {
    for (const rule of policy.spec.rules) {
      const fired = fire(rule, targets, plan);
      if (fired === undefined) continue;
      results.push({
        source: file,
        policy: policy.metadata.name,
        rule: rule.name,
        effect: rule.effect,
        message: rule.message ?? fired.why,
        targets: fired.targets,
      });
    }
  }
  return [...results, ...builtins(targets, callers)];
}

function fire(
  rule: PolicyRule,
  targets: readonly PolicyTarget[],
  plan: PlanFacts,
): { targets: string[]; why: string } | undefined {
  const matched = targets.filter((t) => matches(rule, t, plan));
  if (matched.length === 0) return undefined;
  if (rule.maxTargets !== undefined) {
    if (matched.length <= rule.maxTargets) return undefined;
    return {
      targets: matched.map((t) => t.address),
      why: `${count(matched.length)} match, more than the ${rule.maxTargets} allowed`,
    };
  }
  if (rule.require !== undefined) {
    const missing = planMisses(rule.require, plan);
    const lacking = matched.filter((t) => missing.length > 0 || withMisses(rule.require?.with, t).length > 0);
    if (lacking.length === 0) return undefined;
    const withNames = [...new Set(lacking.flatMap((t) => withMisses(rule.require?.with, t)))];
    const what = [...missing, ...withNames.map((w) => `with.${w}`)];
    return { targets: lacking.map((t) => t.address), why: `the plan lacks ${what.join(', ')}` };
  }
  return {
    targets: matched.map((t) => t.address),
    why: `${count(matched.length)} ${matched.length === 1 ? 'matches' : 'match'}`,
  };
}

function count(n: number): string {
  return n === 1 ? '1 target' : `${n} targets`;
}

function matches(rule: PolicyRule, t: PolicyTarget, plan: PlanFacts): boolean {
  const m = rule.match;
  if (m === undefined) return true;
  if (m.types !== undefined && !m.types.includes(t.type)) return false;
  if (m.accounts !== undefined && !m.accounts.includes(t.account)) return false;
  if (m.ids !== undefined && !t.ids.some((id) => m.ids?.includes(id))) return false;
  if (m.principals !== undefined && !t.principals.some((p) => m.principals?.includes(p))) return false;
  if (m.labels !== undefined) {
    for (const [name, value] of Object.entries(m.labels)) if (plan.labels?.[name] !== value) return false;
  }
  return true;
}

// The metadata fields a `require` asks for that the plan lacks or that do not match their pattern.
function planMisses(require: NonNullable<PolicyRule['require']>, plan: PlanFacts): string[] {
  const out: string[] = [];
  for (const field of ['ticket', 'owner', 'reason'] as const) {
    const pattern = require[field];
    if (pattern === undefined) continue;
    const value = plan[field];
    if (value === undefined || !new RegExp(pattern, 'u').test(value))
      out.push(`${field === 'owner' ? 'an' : 'a'} ${field} matching ${pattern}`);
  }
  return out;
}

function withMisses(names: readonly string[] | undefined, t: PolicyTarget): string[] {
  return (names ?? []).filter((n) => t.with[n] === undefined);
}

// The rules no file can turn off: the caller itself, and the account's root.
function builtins(
  targets: readonly PolicyTarget[],
  callers: ReadonlyMap<string, CallerIdentity | undefined>,
): PolicyResult[] {
  const self: string[] = [];
  const root: string[] = [];
  const unknown = new Set<string>();
  for (const t of targets) {
    if (t.principals.length === 0) continue;
    const caller = callers.get(t.account);
    if (caller === undefined) {
      unknown.add(t.account);
      continue;
    }
    const own = [...caller.ids, ...(caller.assumedFrom?.ids ?? [])];
    if (t.principals.some((p) => own.includes(p))) self.push(t.address);
    if (t.principals.some((p) => caller.roots.includes(p))) root.push(t.address);
  }
  const results: PolicyResult[] = [];
  if (self.length > 0) {
    results.push({
      source: BUILTIN,
      policy: BUILTIN,
      rule: 'never-revoke-self',
      effect: 'deny',
      message:
        'rescind never revokes the identity it authenticates as, nor the one that identity was assumed with: the run would lock itself out',
      targets: self,
    });
  }
  if (root.length > 0) {
    results.push({
      source: BUILTIN,
      policy: BUILTIN,
      rule: 'never-revoke-root',
      effect: 'deny',
      message: "rescind never revokes an account's root",
      targets: root,
    });
  }
  if (unknown.size > 0) {
    results.push({
      source: BUILTIN,
      policy: BUILTIN,
      rule: 'caller-unknown',
      effect: 'deny',
      message: `rescind could not tell who account ${[...unknown].sort().join(', ')} authenticates as, so it cannot make sure the run does not revoke itself`,
      targets: targets.filter((t) => unknown.has(t.account) && t.principals.length > 0).map((t) => t.address),
    });
  }
  return results;
}
