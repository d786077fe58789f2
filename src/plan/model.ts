// The plan model: what `rescind plan` resolved, as every renderer shows it and as a saved plan
// (PLAN.json, kind SavedPlan) keeps it for `show` and `apply`. Plain data, versioned by
// formatVersion, checked by schemas/saved-plan.schema.json, sealed by a digest of its own content
// (RFC 8785 canonical JSON, so that anyone can recompute it: it guards against accidents, and apply
// trusts nothing else a saved plan says about itself; see src/plan/narrow.ts).

import { createHash, hash } from 'node:crypto';
import { finish, type Steps } from '../document/steps.js';
import { inBatches } from '../files/replace.js';
import type { ServiceName, TypeName } from '../vocabulary.js';

/**
 * PLAN_FORMAT_VERSION is bumped on any incompatible change of the saved plan (and of `plan --format json`).
 * 2: the plan records the cloud of each account (`accounts`).
 */
export const PLAN_FORMAT_VERSION = '2';

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

/**
 * ObservedState is what a read found: the credential works (active), was revoked, does not exist (absent:
 * never was, or deleted), or cannot be known (unknown: the type is not observable).
 */
export type ObservedState = 'active' | 'revoked' | 'absent' | 'unknown';

/** Observation is a target's state and the cloud's own record of it (absent when there is none). */
export interface Observation<S = unknown> {
  state: ObservedState;
  record?: S;
}

/** isActing tells whether apply calls on a target of this action: to revoke it, or not observable. */
export function isActing(t: Pick<PlannedTarget, 'action'>): boolean {
  return t.action === 'revoke' || t.action === 'not-observable';
}

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
  /**
   * revokedBy is, for a target no API reads, the recorded run of this plan that revoked it (its revoke
   * call succeeded), against the same cloud: it is shown already revoked, and no change.
   */
  revokedBy?: { runId: string; at: string };
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

/** CallerKind is the kind of principal an account's credentials act as. */
export type CallerKind = 'account' | 'user' | 'role' | 'agency' | 'federated-user';

/** AssumedFrom is the principal whose credentials a role or agency session was assumed with. */
export interface AssumedFrom {
  readonly kind: CallerKind | 'instance' | 'oidc-subject';
  /** ids are its cloud IDs (a RAM user's uid, an IAM user's ID, an ECS server's ID); none for an OIDC subject. */
  readonly ids: readonly string[];
  /** name is its ARN or name, or the OIDC subject. */
  readonly name?: string;
}

/**
 * CallerIdentity is who an account's credentials authenticate as: what whoami reads, what the built-in
 * rules protect (never-revoke-self covers ids and the ids of assumedFrom: a role session's role, an
 * agency, and the user that assumed them, whose loss would end the run's access as surely), and what a
 * saved plan records of each account.
 */
export interface CallerIdentity {
  /**
   * ids are the caller's own IDs: an IAM user's ID, an agency's, a federated user's; a RAM user's uid, a
   * role's ID and its session's principal ID (`ROLEID:SESSION`).
   */
  readonly ids: readonly string[];
  /** roots are the IDs of the cloud account the caller belongs to (Huawei domain, Alibaba account). */
  readonly roots: readonly string[];
  /** kind is what the caller is; absent when it could not be told. */
  readonly kind?: CallerKind;
  /** name is its ARN (Alibaba) or name (Huawei user, `DOMAIN/AGENCY`, federated user). */
  readonly name?: string;
  /** assumedFrom is who assumed the role or agency session the caller is, when known. */
  readonly assumedFrom?: AssumedFrom;
}

/**
 * callerIdentity is the CallerIdentity a saved plan records of a caller: copies of its IDs and roots, and
 * its kind, name and assumedFrom when the caller has them.
 */
export function callerIdentity(c: CallerIdentity): CallerIdentity {
  const from = c.assumedFrom;
  return {
    ids: [...c.ids],
    roots: [...c.roots],
    ...(c.kind === undefined ? {} : { kind: c.kind }),
    ...(c.name === undefined ? {} : { name: c.name }),
    ...(from === undefined
      ? {}
      : {
          assumedFrom: {
            kind: from.kind,
            ids: [...from.ids],
            ...(from.name === undefined ? {} : { name: from.name }),
          },
        }),
  };
}

/**
 * AccountBinding is where an account of the config reached when the plan was made: its cloud, region,
 * the base URL of each service it called (`builtin` for the built-in emulator), its project and domain,
 * and who it authenticated as. Apply refuses a config or credentials that resolve to anything else.
 */
export interface AccountBinding {
  cloud: 'huaweicloud' | 'alibabacloud';
  region: string;
  /** endpoints are the base URL of each service called, or `builtin` for the built-in emulator. */
  endpoints: Partial<Record<ServiceName, string>>;
  projectId?: string;
  domainId?: string;
  /** lookedUp names which of projectId and domainId were looked up from IAM, not given by the config. */
  lookedUp?: ('projectId' | 'domainId')[];
  /** caller is absent when it could not be read and no target needed it. */
  caller?: CallerIdentity;
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
  /** accounts are, by name, where each account the plan read reached. */
  accounts: Record<string, AccountBinding>;
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
 * canonicalJson is the JSON Canonicalization Scheme (RFC 8785) of value: object members sorted by the
 * UTF-16 code units of their names, at every depth, no spaces, numbers and strings as ECMAScript's
 * JSON.stringify writes them. Every own member counts, `__proto__` included (rebuilding an object by
 * assignment would drop it from the text, and from the digest). Members whose value is undefined are
 * left out, as JSON.stringify leaves them out. A number that JSON cannot hold (NaN, Infinity) throws.
 */
export function canonicalJson(value: unknown): string {
  // JSON.stringify of a copy whose members were inserted in sorted order writes the canonical text in
  // native code: 0.5 s for a 55 MB saved plan, against 1.1-1.4 s for the walk below. Objects already
  // in order are not copied. Anything the copy cannot order (see sortedCopy) takes the walk.
  const copy = sortedCopy(value, 0);
  if (copy !== UNORDERED) return JSON.stringify(copy) ?? 'null';
  return [...canonicalPieces(value, 0, Number.POSITIVE_INFINITY)].join('');
}

/**
 * sameJson tells whether a and b have the same canonicalJson, without writing either: plain objects and
 * arrays are compared member by member (undefined members left out, as canonicalJson leaves them out);
 * anything else canonicalJson would treat apart (a toJSON member, an object that is not plain, a depth
 * past SORTED_COPY_MAX_DEPTH) is compared by its text.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  const same = sameTree(a, b, 0);
  return same === UNORDERED ? canonicalJson(a) === canonicalJson(b) : same;
}

function sameTree(a: unknown, b: unknown, depth: number): boolean | typeof UNORDERED {
  if (a === b) return typeof a !== 'number' || Number.isFinite(a) || UNORDERED;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    // undefined in an array is written null; a number JSON cannot hold throws in canonicalJson.
    if ((a === undefined && b === null) || (a === null && b === undefined)) return true;
    return typeof a === 'number' || typeof b === 'number' ? UNORDERED : false;
  }
  if (depth > SORTED_COPY_MAX_DEPTH) return UNORDERED;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return false;
    if (Object.getPrototypeOf(a) !== Array.prototype || Object.getPrototypeOf(b) !== Array.prototype)
      return UNORDERED;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      const same = sameTree(a[i], b[i], depth + 1);
      if (same !== true) return same;
    }
    return true;
  }
  for (const o of [a, b]) {
    const proto = Object.getPrototypeOf(o);
    if ((proto !== Object.prototype && proto !== null) || Object.hasOwn(o, 'toJSON')) return UNORDERED;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const key of Object.keys(x)) {
    if (x[key] === undefined) continue;
    defined++;
    if (!Object.hasOwn(y, key)) return false;
    const same = sameTree(x[key], y[key], depth + 1);
    if (same !== true) return same;
  }
  for (const key of Object.keys(y)) if (y[key] !== undefined) defined--;
  return defined === 0;
}

const UNORDERED: unique symbol = Symbol('unordered');

// An array index as a member name: objects list such members first, in numeric order, whatever the
// order they were inserted in, so no copy can put "10" before "9".
const INDEX_NAME = /^(?:0|[1-9]\d*)$/;

// Deeper than this, the walk (a stack this deep would be a hostile document, which the schema refuses).
const SORTED_COPY_MAX_DEPTH = 200;

// value with every object's members in sorted order, as JSON.stringify will write it (undefined members
// are left out by both), or UNORDERED when JSON.stringify would not write canonicalJson's text: a member
// named __proto__ (a copy would set the prototype instead) or toJSON, or like an array index; an object
// that is not plain (a Date, a class); a number JSON cannot hold; anything not JSON. Shares what needs
// no reordering.
function sortedCopy(value: unknown, depth: number): unknown {
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'boolean')
    return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : UNORDERED;
  if (typeof value !== 'object' || depth > SORTED_COPY_MAX_DEPTH) return UNORDERED;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return UNORDERED;
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const sorted = sortedCopy(item, depth + 1);
      if (sorted === UNORDERED) return UNORDERED;
      if (sorted !== item) {
        copy ??= value.slice();
        copy[i] = sorted;
      }
    }
    return copy ?? value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return UNORDERED;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let inOrder = proto === Object.prototype;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (key === '__proto__' || key === 'toJSON' || INDEX_NAME.test(key)) return UNORDERED;
    if (i > 0 && (keys[i - 1] as string) > key) inOrder = false;
  }
  // keys is this call's own array: sorted in place. The copy is made only when the order or a member
  // changes; a member that changes after others that did not copies those first.
  if (!inOrder) sortNames(keys);
  let copy: Record<string, unknown> | undefined = inOrder ? undefined : {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const member = record[key];
    const sorted = sortedCopy(member, depth + 1);
    if (sorted === UNORDERED) return UNORDERED;
    if (copy === undefined && sorted !== member) {
      copy = {};
      for (let j = 0; j < i; j++) copy[keys[j] as string] = record[keys[j] as string];
    }
    if (copy !== undefined) copy[key] = sorted;
  }
  return copy ?? value;
}

// Up to this many names, sortNames sorts by insertion, which allocates nothing; Array.prototype.sort
// allocates its work space at every call, and sortedCopy sorts at nearly every object of a saved plan.
const INSERTION_SORT_MAX = 24;

// names in place, in the order of their UTF-16 code units (as canonicalJson orders members).
function sortNames(names: string[]): void {
  if (names.length > INSERTION_SORT_MAX) {
    names.sort();
    return;
  }
  for (let i = 1; i < names.length; i++) {
    const name = names[i] as string;
    let j = i - 1;
    while (j >= 0 && (names[j] as string) > name) {
      names[j + 1] = names[j] as string;
      j--;
    }
    names[j + 1] = name;
  }
}

// canonicalJson(value), a piece at a time; from depth whole on, each value is one piece, written whole
// by canonicalJson (its native path), which never does so itself (whole: infinity). An undefined array
// item is written null, as JSON.stringify writes it.
function* canonicalPieces(value: unknown, depth: number, whole: number): Generator<string, void, void> {
  if (depth >= whole) {
    yield canonicalJson(value);
    return;
  }
  if (value === null || value === undefined) {
    yield 'null';
    return;
  }
  switch (typeof value) {
    case 'boolean':
      yield value ? 'true' : 'false';
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new RangeError(`canonicalJson: ${value} is not a JSON number`);
      yield JSON.stringify(value);
      return;
    case 'string':
      yield JSON.stringify(value);
      return;
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
  }
  if (Array.isArray(value)) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield ',';
      yield* canonicalPieces(value[i], depth + 1, whole);
    }
    yield ']';
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  yield '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    yield `${i > 0 ? ',' : ''}${JSON.stringify(key)}:`;
    yield* canonicalPieces(record[key], depth + 1, whole);
  }
  yield '}';
}

/** sha256 is the lower-hex SHA-256 of text or bytes. */
export function sha256(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

// Fingerprints by observation object: apply's fresh plan fingerprints each target's first read, and the
// executor then checks that same object for drift. Observations are not changed once read.
const fingerprints = new WeakMap<object, string>();

/** isBare tells whether an observation holds nothing but its state and record (its own `before`). */
export function isBare(observation: object): boolean {
  for (const key in observation) if (key !== 'state' && key !== 'record') return false;
  return true;
}

/**
 * beforeOf is an observation as a target's `before` (its state and record): the observation itself when
 * it holds nothing else, so that a fingerprint worked out as it was read is found again.
 */
export function beforeOf(observation: Observation<unknown>): PlannedTarget['before'] {
  if (isBare(observation)) return observation;
  return {
    state: observation.state,
    ...(observation.record === undefined ? {} : { record: observation.record }),
  };
}

/** fingerprintOf is the SHA-256 of an observation: state and record. */
export function fingerprintOf(before: PlannedTarget['before']): string {
  let fingerprint = fingerprints.get(before);
  if (fingerprint === undefined) {
    fingerprint = sha256(canonicalJson(before));
    fingerprints.set(before, fingerprint);
  }
  return fingerprint;
}

/** digestOf is the digest a saved plan must carry: of everything but the digest itself. */
export function digestOf(plan: Omit<SavedPlan, 'digest'> & { digest?: string }): string {
  return finish(digestSteps(plan));
}

/** digestSteps is digestOf a step at a time (src/document/steps.ts): a step every few targets. */
export function* digestSteps(plan: Omit<SavedPlan, 'digest'> & { digest?: string }): Steps<string> {
  const { digest: _ignored, ...content } = plan;
  return `sha256:${yield* canonicalSha256Steps(content)}`;
}

/**
 * canonicalSha256 is sha256(canonicalJson(value)), hashed in pieces: the members of value and of its
 * members are written one at a time, so that a saved plan's digest holds neither a sorted copy nor the
 * text of the whole plan (55 MB at 50,000 targets), only of a few targets at a time.
 */
export function canonicalSha256(value: unknown): string {
  return finish(canonicalSha256Steps(value));
}

function* canonicalSha256Steps(value: unknown): Steps<string> {
  const hasher = createHash('sha256');
  for (const batch of inBatches(canonicalPieces(value, 0, PIECE_DEPTH), HASH_CHARS)) {
    hasher.update(batch);
    yield;
  }
  return hasher.digest('hex');
}

// Pieces are hashed, and a step ends, every this many characters (some twenty targets).
const HASH_CHARS = 16 * 1024;

// How deep canonicalSha256 writes members one at a time: the plan, then its lists (targets), whose items
// are written whole.
const PIECE_DEPTH = 2;

/** sealed returns the plan with its digest set. */
export function sealed(plan: Omit<SavedPlan, 'digest'>): SavedPlan {
  return { ...plan, digest: digestOf(plan) };
}
