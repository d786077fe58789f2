// The plan model: what `rescind plan` resolved, as every renderer shows it and as a saved plan
// (PLAN.json, kind SavedPlan) keeps it for `show` and `apply`. Plain data, versioned by
// formatVersion, checked by schemas/saved-plan.schema.json, sealed by a digest of its own content.

import { createHash } from 'node:crypto';
import type { TypeName } from '../vocabulary.js';

/** PLAN_FORMAT_VERSION is bumped on any incompatible change of the saved plan (and of `plan --format json`). */
export const PLAN_FORMAT_VERSION = '1';

/**
 * ActionState is what happens to a target: revoke (it is active now), already-revoked (nothing to do, no
 * call), not-observable (no API reads it: the idempotent call is made), blocked (a policy denies it),
 * missing (it does not exist: an error for a target, never the result of a selector).
 */
export type ActionState = 'revoke' | 'already-revoked' | 'not-observable' | 'blocked' | 'missing';

/** actionStates lists the states in the order the plan shows them. */
export const actionStates: readonly ActionState[] = [
  'revoke',
  'already-revoked',
  'not-observable',
  'blocked',
  'missing',
];

/** Action is a state's glyph and words, as every format shows them. */
export const Action: Readonly<Record<ActionState, { glyph: string; label: string }>> = {
  revoke: { glyph: '-', label: 'revoke' },
  'already-revoked': { glyph: '=', label: 'already revoked' },
  'not-observable': { glyph: '?', label: 'not observable' },
  blocked: { glyph: '!', label: 'blocked' },
  missing: { glyph: 'x', label: 'missing' },
};

/** ObservedState is what a read found: the credential works, was revoked, does not exist, or cannot be read. */
export type ObservedState = 'active' | 'revoked' | 'absent' | 'unknown';

/** PlannedTarget is one target of the plan, with everything `apply` needs and every renderer shows. */
export interface PlannedTarget {
  /** address names the target, e.g. `hw-prod/kms/<keyId>/grant/<grantId>`: unique in a plan. */
  address: string;
  type: TypeName;
  account: string;
  /** ids are the revocations that reach this target (a target and a selector, or two selectors). */
  ids: string[];
  /** target is the target's fields as its type's schema describes them. */
  target: Record<string, unknown>;
  /** with is the revoke options of the (first) revocation that reaches it. */
  with: Record<string, unknown>;
  action: ActionState;
  /** before is the state read at plan time, and the cloud's own record of it when there is one. */
  before: { state: ObservedState; record?: unknown };
  /** after is the record expected once revoked; absent when the revocation removes the record. */
  after?: unknown;
  /** fingerprint is the SHA-256 of `before`: apply refuses a target whose state changed since. */
  fingerprint: string;
}

/** SelectorResult is one selector of the plan and how many targets it matched (0 is shown, not an error). */
export interface SelectorResult {
  id: string;
  type: TypeName;
  account: string;
  select: Record<string, unknown>;
  matched: number;
}

/** PolicyResult is one rule that fired: deny (blocks the plan) or warn, and the targets it is about. */
export interface PolicyResult {
  /** source is the policy file, or `builtin` for the rules no file can turn off. */
  source: string;
  policy: string;
  rule: string;
  effect: 'deny' | 'warn';
  message: string;
  /** targets are the addresses the rule fired for: never empty, a rule fires for the targets it matches. */
  targets: string[];
}

/** InputFile is a file the plan was made from, with the SHA-256 of its bytes as read. */
export interface InputFile {
  role: 'plan' | 'config' | 'policy';
  file: string;
  sha256: string;
}

/** PlanSummary counts the targets by action state. */
export interface PlanSummary {
  revoke: number;
  alreadyRevoked: number;
  notObservable: number;
  blocked: number;
  missing: number;
}

/** SavedPlan is the whole plan: the JSON of `plan --format json` and of `plan --out`. */
export interface SavedPlan {
  apiVersion: 'rescind/v1';
  kind: 'SavedPlan';
  formatVersion: string;
  rescindVersion: string;
  createdAt: string;
  plan: {
    file: string;
    name: string;
    reason: string;
    ticket?: string;
    owner?: string;
    labels?: Record<string, string>;
    concurrency?: number;
  };
  inputs: InputFile[];
  selectors: SelectorResult[];
  targets: PlannedTarget[];
  policies: PolicyResult[];
  summary: PlanSummary;
  /** digest is `sha256:` and the SHA-256 of the canonical JSON of everything else: a changed plan is refused. */
  digest: string;
}

/** summarize counts targets by state. */
export function summarize(targets: readonly PlannedTarget[]): PlanSummary {
  const summary: PlanSummary = { revoke: 0, alreadyRevoked: 0, notObservable: 0, blocked: 0, missing: 0 };
  for (const t of targets) {
    if (t.action === 'revoke') summary.revoke++;
    else if (t.action === 'already-revoked') summary.alreadyRevoked++;
    else if (t.action === 'not-observable') summary.notObservable++;
    else if (t.action === 'blocked') summary.blocked++;
    else summary.missing++;
  }
  return summary;
}

/** hasChanges says whether applying the plan would make any call: something to revoke or not observable. */
export function hasChanges(plan: Pick<SavedPlan, 'summary'>): boolean {
  return plan.summary.revoke + plan.summary.notObservable > 0;
}

/** isBlocked says whether a policy denies the plan. */
export function isBlocked(plan: Pick<SavedPlan, 'policies'>): boolean {
  return plan.policies.some((p) => p.effect === 'deny');
}

/**
 * canonicalJson is JSON with object keys sorted, at every depth, and no spaces: the same data always
 * gives the same text, whatever the order its fields were built in.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** sha256 is the lower-hex SHA-256 of text or bytes. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** fingerprintOf is the SHA-256 of an observation: state and record. */
export function fingerprintOf(before: PlannedTarget['before']): string {
  return sha256(canonicalJson(before));
}

/** digestOf is the digest a saved plan must carry: of everything but the digest itself. */
export function digestOf(plan: Omit<SavedPlan, 'digest'> & { digest?: string }): string {
  const { digest: _ignored, ...content } = plan;
  return `sha256:${sha256(canonicalJson(content))}`;
}

/** sealed returns the plan with its digest set. */
export function sealed(plan: Omit<SavedPlan, 'digest'>): SavedPlan {
  return { ...plan, digest: digestOf(plan) };
}
