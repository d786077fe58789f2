// What every provider shares: the bound on paging loops, optional fields spread
// into call options and responses (exactOptionalPropertyTypes), and the revoke and
// verify flows built on a read.

import type { CallResult } from '../http/client.js';
import { callFailed } from './diagnose.js';
import type { Observation, ReadResponse, RevokeResponse, VerifyResponse } from './types.js';

/**
 * MAX_PAGES bounds every paging loop: a server that keeps saying "more" would otherwise page forever.
 * No key, site or user has this many pages.
 */
export const MAX_PAGES = 10_000;

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

/** verifyByRead re-reads a target: verified when it is revoked or gone, not verified otherwise or on error. */
export async function verifyByRead<S>(reread: () => Promise<ReadResponse<S>>): Promise<VerifyResponse<S>> {
  const now = await reread();
  if (now.observation === undefined) return { verdict: 'not-verified', diagnostics: now.diagnostics };
  const verdict = isGone(now.observation) ? 'verified' : 'not-verified';
  return { verdict, observation: now.observation, diagnostics: [] };
}
