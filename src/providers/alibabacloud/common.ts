// What the two Alibaba Cloud providers share: telling a missing resource (absent) from
// a request the cloud did not understand, and small readers of the untyped JSON the
// clouds answer.

import { CloudError } from '../../http/errors.js';

// Alibaba answers 404 for things that are not resources: an unknown AccessKey ID
// (InvalidAccessKeyId.NotFound), an unknown action or ROA path (InvalidAction.NotFound,
// InvalidApi.NotFound), an unknown version. Reading those as "absent" would plan nothing for every
// target of a misconfigured account, so they are failures.
const REQUEST_LEVEL_CODE =
  /^(InvalidAccessKeyId|InvalidAction|InvalidApi|InvalidVersion|InvalidSecurityToken)\b/;

/**
 * isMissing tells whether a call failed because the resource it names does not exist: HTTP 404 with an
 * Alibaba code ending in `NotFound` (`Certificate.NotFound`, `ErrorClusterNotFound`...) that is not about
 * the request itself (AccessKey, action, version). A 404 without a code (a proxy's page, a wrong endpoint)
 * is not: "absent" is a conclusion rescind acts on, so it needs the cloud to say so.
 */
export function isMissing(err: unknown): err is CloudError {
  if (!(err instanceof CloudError) || err.status !== 404) return false;
  const code = err.cloudCode;
  return code !== undefined && /NotFound$/.test(code) && !REQUEST_LEVEL_CODE.test(code);
}

/** isRecord tells whether a JSON value is an object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** isCount tells whether a JSON value is a whole number ≥ 0 (a total or a page number). */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
