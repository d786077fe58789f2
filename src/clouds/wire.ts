// The contract between the HTTP layer and the clouds: a request as it is about to be
// signed, a signer, and a cloud's dialect (its error bodies, request-id header and
// throttling answer). The HTTP layer knows these shapes and no cloud; each cloud's
// folder here implements them.

import type { Cloud } from '../vocabulary.js';

/** HeaderValues is a header map as undici and node:http hand it out. */
export type HeaderValues = Readonly<Record<string, string | readonly string[] | undefined>>;

/** headerValue is a header by name, case-insensitively; repeated values give the first. */
export function headerValue(headers: HeaderValues | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== lower || value === undefined) continue;
    const first = typeof value === 'string' ? value : value[0];
    if (first !== undefined && first.trim() !== '') return first.trim();
  }
  return undefined;
}

/**
 * SignableRequest is one attempt as it will be sent. pathname is the raw path without query, rawQuery
 * the query string as sent (no `?`), query the same decoded (repeated names keep every value), headers
 * have lower-case names and body is the exact string or bytes written on the wire.
 */
export interface SignableRequest {
  readonly method: string;
  readonly origin: URL;
  readonly pathname: string;
  readonly rawQuery: string;
  readonly query: Readonly<Record<string, readonly string[]>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array | undefined;
  /** operation is the API name, e.g. `CancelGrant` (Alibaba signs it as x-acs-action). */
  readonly operation: string | undefined;
  /** apiVersion is the API version, e.g. `2024-09-10` (Alibaba signs it as x-acs-version). */
  readonly apiVersion: string | undefined;
}

/** SigningContext is what changes on every attempt: the time and a fresh nonce. */
export interface SigningContext {
  readonly now: Date;
  readonly nonce: string;
}

/** SignFunction returns the headers to add to one attempt (lower-case names); it may throw on a caller bug. */
export type SignFunction = (req: SignableRequest, ctx: SigningContext) => Readonly<Record<string, string>>;

/** RequestSigner is a SignFunction with the secret values it holds, which every error and log line redacts. */
export interface RequestSigner {
  readonly sign: SignFunction;
  readonly secrets: readonly string[];
}

/** SignerVersion is one version of an account's credentials as a signer: version counts from 1 and only grows. */
export interface SignerVersion {
  readonly version: number;
  readonly signer: RequestSigner;
}

/**
 * AbortLike is what the HTTP layer and undici use of an abort signal: an AbortSignal, or one call's
 * signal (src/http/meta.ts CallSignal).
 */
export interface AbortLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * RotatingSigner signs with credentials that change while a run lasts: temporary credentials that are
 * refreshed before they expire. The sign interceptor asks it for the current version on every attempt.
 */
export interface RotatingSigner {
  /**
   * current is the version to sign with now, or undefined when no credentials are fresh enough (none
   * yet, or expired): then the attempt waits for next(). Cheap: called for every attempt. It may start a
   * refresh in the background when the credentials near their expiry, and still answers the current ones.
   */
  current(): SignerVersion | undefined;
  /** next waits for credentials fresh enough to sign with (a refresh), or rejects with why there are none. */
  next(signal?: AbortLike): Promise<SignerVersion>;
  /**
   * refused is told that the cloud refused an attempt signed with version because its credentials had
   * expired; it resolves true once newer credentials are ready to retry with, false when none can be had.
   */
  refused(version: number, signal?: AbortLike): Promise<boolean>;
  /**
   * onSecrets hears of every secret value these credentials have held and will hold (the ones so far
   * at once, each new one when it is issued), so that every error and log line redacts them all.
   */
  onSecrets(listener: (secrets: readonly string[]) => void): void;
}

/** isRotatingSigner tells a RotatingSigner from a RequestSigner. */
export function isRotatingSigner(signer: RequestSigner | RotatingSigner): signer is RotatingSigner {
  return 'current' in signer && typeof signer.current === 'function';
}

/** ErrorBody is what an error answer's body says, whatever its shape: each field undefined when absent. */
export interface ErrorBody {
  readonly code: string | undefined;
  readonly message: string | undefined;
  readonly requestId: string | undefined;
}

/**
 * Dialect is how one cloud speaks on the wire, signing aside: the shapes of its error bodies, the
 * header that carries its request id, its throttling answer, the wait it asks for, and how it says
 * that a resource does not exist.
 */
export interface Dialect {
  readonly cloud: Cloud;
  /** requestIdHeader is the response header with the request id, lower-case. */
  readonly requestIdHeader: string;
  /** readErrorBody reads an error body: raw (string or bytes: JSON, XML, or a proxy's HTML or text) or parsed JSON. */
  readErrorBody(body: unknown): ErrorBody;
  /** isThrottling says whether an answer is the cloud's throttling answer. */
  isThrottling(status: number, code: string | undefined): boolean;
  /** isRetryableCode says whether an error code means "try again later" whatever the status. */
  isRetryableCode(code: string | undefined): boolean;
  /** retryAfterMs is the wait, in ms, that the cloud's own header asks for; undefined when it asks none. */
  retryAfterMs(headers: HeaderValues | undefined): number | undefined;
  /**
   * isMissing says whether an answer means that the resource the request names does not exist, as
   * opposed to a request the cloud did not understand (unknown API, unknown key, a proxy's 404).
   */
  isMissing(status: number, code: string | undefined): boolean;
  /**
   * isExpiredCredentials says whether an answer refuses a request because the temporary credentials or
   * token it was signed with have expired: new credentials would be accepted (docs/clouds.md#error-codes).
   */
  isExpiredCredentials(status: number, code: string | undefined, message: string | undefined): boolean;
}
