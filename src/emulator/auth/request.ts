// What a received request looks like to a verifier, what a verifier answers, and the small
// helpers both clouds' verifiers read a request with.

import { timingSafeEqual } from 'node:crypto';
import type { ErrorCode } from '../../clouds/error-codes.js';

/**
 * SignedRequest is a request as the emulator received it, before any parsing. path is the raw request
 * path without query, query the raw query string without `?` ('' when none), headers have lower-case
 * names, body is the exact bytes received.
 */
export interface SignedRequest {
  method: string;
  path: string;
  query: string;
  headers: Readonly<Record<string, string>>;
  body: Uint8Array;
}

/**
 * AuthOutcome is a verifier's answer. ok carries the authenticated identity: the Huawei AK, the Alibaba
 * AccessKeyId, or the token itself for Huawei X-Auth-Token. A refusal carries the cloud's own HTTP
 * status, error code and message; a message never contains a secret (it may contain the access key id).
 */
export type AuthOutcome =
  | { ok: true; accessKey: string }
  | { ok: false; status: number; code: ErrorCode; message: string };

/** header is a request header by lower-case name; own properties only, so `constructor` is no header. */
export function header(req: Pick<SignedRequest, 'headers'>, name: string): string | undefined {
  return Object.hasOwn(req.headers, name) ? req.headers[name] : undefined;
}

/** equalConstantTime compares two strings without leaking where they differ. */
export function equalConstantTime(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
