// What every provider shares: the bounds of paged lists, optional fields spread
// into call options and responses (exactOptionalPropertyTypes), reads shared by
// key, and the revoke and verify flows built on a read.

import { createHash } from 'node:crypto';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { CallResult } from '../http/client.js';
import { callFailed } from './diagnose.js';
import type {
  Observation,
  ProviderRequest,
  ReadRequest,
  ReadResponse,
  RevocationType,
  RevokeRequest,
  RevokeResponse,
  VerifyRequest,
  VerifyResponse,
} from './types.js';

/**
 * MAX_PAGES bounds every paging loop: a server that keeps saying "more" would otherwise page forever.
 * No key, site or user has this many pages.
 */
export const MAX_PAGES = 10_000;

/**
 * MAX_LIST_ITEMS bounds the rows one pass over a paged list may bring, duplicates included: a server
 * that sends fresh markers with thousands of rows a page would otherwise fill memory long before
 * MAX_PAGES. A KMS key holds at most 100 grants; the benchmarks' largest plans hold 50,000 targets in
 * all, split over keys and sites of 100 to 1,000; 200,000 rows of some 200 bytes each are tens of MiB.
 */
export const MAX_LIST_ITEMS = 200_000;

/** ListLimits are the bounds of one pass over a paged list: MAX_PAGES and MAX_LIST_ITEMS, smaller in tests. */
export interface ListLimits {
  readonly pages: number;
  readonly items: number;
}

const LIST_LIMITS: ListLimits = { pages: MAX_PAGES, items: MAX_LIST_ITEMS };

/**
 * ListGuard keeps one pass over a paged list within its bounds, whatever the paging style (marker or
 * page number). Each check returns why the pass must stop, the end of a `cloud.unexpected` message
 * ("has more than 10000 pages"), or undefined to go on.
 */
export interface ListGuard {
  /** page counts a page about to be asked for. */
  page(): string | undefined;
  /** total checks the count of rows a server says the list has, before they are paged through. */
  total(count: number, noun: string): string | undefined;
  /** rows counts the rows a page brought, before any of them is kept. */
  rows(count: number, noun: string): string | undefined;
  /** token records a page token the server gave (a marker): one it gave before is a cycle. */
  token(name: string, value: string): string | undefined;
}

/** listGuard starts the guard of one pass over a paged list. */
export function listGuard(limits: ListLimits = LIST_LIMITS): ListGuard {
  let pages = 0;
  let rows = 0;
  // The page that gave each token, by the token's digest: a token may be as long as an answer.
  const tokens = new Map<string, number>();
  return {
    page: () => (++pages > limits.pages ? `has more than ${limits.pages} pages` : undefined),
    total: (count, noun) =>
      count > limits.items ? `says it has ${count} ${noun}, more than ${limits.items}` : undefined,
    rows: (count, noun) => {
      rows += count;
      return rows > limits.items ? `lists more than ${limits.items} ${noun}` : undefined;
    },
    token: (name, value) => {
      const digest = createHash('sha256').update(value).digest('base64');
      const first = tokens.get(digest);
      if (first !== undefined)
        return `goes in a cycle: page ${pages} gave the ${name} that page ${first} gave`;
      tokens.set(digest, pages);
      return undefined;
    },
  };
}

/** isRecord tells whether a JSON value is an object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** withSignal spreads an optional AbortSignal into call options. */
export function withSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}

/** requestIdOf spreads an optional request id into a RevokeResponse. */
export function requestIdOf(requestId: string | undefined): { requestId?: string } {
  return requestId === undefined || requestId === '' ? {} : { requestId };
}

/**
 * shared runs fetch once per key among the reads that share req.reads (a plan, a verification batch),
 * within the caller's concurrency (req.each) when it gives one.
 */
export function shared<R>(req: ProviderRequest, key: string, fetch: () => Promise<R>): Promise<R> {
  const run = req.each === undefined ? fetch : () => (req.each as NonNullable<typeof req.each>)(fetch);
  return req.reads === undefined ? run() : req.reads.load(`${req.account.name}\u0000${key}`, run);
}

/** isGone tells whether an observation shows the credential no longer works: revoked, or absent. */
export function isGone(observation: Observation<unknown> | undefined): boolean {
  return observation?.state === 'revoked' || observation?.state === 'absent';
}

/**
 * revokeAndCheck runs a revoke call; when the call fails, it reads the target again, so that a target
 * already revoked or gone (by someone else, or by an attempt whose answer was lost) is reported as
 * already-revoked, never as a failure. Bugs are rethrown.
 */
export async function revokeAndCheck(
  where: string,
  call: () => Promise<CallResult>,
  reread: () => Promise<ReadResponse<unknown>>,
): Promise<RevokeResponse> {
  try {
    const result = await call();
    return { outcome: 'revoked', ...requestIdOf(result.requestId), diagnostics: [] };
  } catch (e) {
    const failure = callFailed(e, where);
    const now = await reread();
    if (isGone(now.observation)) return { outcome: 'already-revoked', diagnostics: [] };
    // The read failed too: the refusal may be of a call that took effect, its answer lost.
    if (now.observation === undefined) return { outcome: 'failed', uncertain: true, diagnostics: [failure] };
    return { outcome: 'failed', diagnostics: [failure] };
  }
}

/**
 * revokeWith makes a type's revoke of the one call that revokes a target (or why it cannot be made) and
 * the type's read: a failed call is read again (revokeAndCheck).
 */
export function revokeWith<T, W>(
  address: (account: string, target: T) => string,
  callOf: (req: RevokeRequest<T, W>, where: string) => (() => Promise<CallResult>) | Diagnostic,
  read: (req: ReadRequest<T>) => Promise<ReadResponse<unknown>>,
): (req: RevokeRequest<T, W>) => Promise<RevokeResponse> {
  return (req) => {
    const where = address(req.account.name, req.target);
    const call = callOf(req, where);
    if (typeof call !== 'function') return Promise.resolve({ outcome: 'failed', diagnostics: [call] });
    return revokeAndCheck(where, call, () =>
      read({ account: req.account, target: req.target, ...withSignal(req.signal) }),
    );
  };
}

/**
 * verifyByRead is verification as every observable type does it: the target read again, verified when
 * it is revoked or gone, not verified otherwise or on error.
 */
export function verifyByRead<T, S>(
  read: (req: ReadRequest<T>) => Promise<ReadResponse<S>>,
): (req: VerifyRequest<T, S>) => Promise<VerifyResponse<S>> {
  return async (req) => {
    const now = await read(req);
    if (now.observation === undefined) return { verdict: 'not-verified', diagnostics: now.diagnostics };
    const verdict = isGone(now.observation) ? 'verified' : 'not-verified';
    return { verdict, observation: now.observation, diagnostics: [] };
  };
}

/** verifyTarget verifies a target with its type's verify, else by a read (verifyByRead). */
export function verifyTarget<T, W, Sel, S>(
  provider: RevocationType<T, W, Sel, S>,
  req: VerifyRequest<T, S>,
): Promise<VerifyResponse<S>> {
  return provider.verify !== undefined ? provider.verify(req) : verifyByRead(provider.read)(req);
}
