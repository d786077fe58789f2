// How Alibaba Cloud answers, signing aside (docs/clouds.md#alibaba-cloud-answers): one error body for RPC and
// ROA APIs (`{RequestId, HostId, Code, Message}`; ROA also `{code, message, requestId}`;
// XML for some APIs), the x-acs-request-id header, throttling told by its code at any
// status, and x-acs-retry-after. The emulator writes its answers with these shapes.

import { firstString, readErrorBodyWith } from '../error-body.js';
import { type ErrorCode, meaningOf } from '../error-codes.js';
import { type Dialect, type ErrorBody, headerValue } from '../wire.js';

/** ALIBABA_THROTTLE_CODE is the throttling answer's code for one user's flow control (HTTP 429 or 400). */
export const ALIBABA_THROTTLE_CODE = 'Throttling.User';

/** ALIBABA_REQUEST_ID_HEADER carries the request id of every answer (and RequestId its body). */
export const ALIBABA_REQUEST_ID_HEADER = 'x-acs-request-id';

/** ALIBABA_RETRY_AFTER_HEADER is the wait a throttling answer asks for, in milliseconds. */
export const ALIBABA_RETRY_AFTER_HEADER = 'x-acs-retry-after';

/** alibabaErrorBody writes Alibaba Cloud's error body, the same for RPC (ESA) and ROA (ACK). */
export function alibabaErrorBody(code: ErrorCode, message: string, requestId: string, hostId: string) {
  return { RequestId: requestId, HostId: hostId, Code: code, Message: message };
}

function fields(json: Readonly<Record<string, unknown>>): ErrorBody {
  return {
    code: firstString(json.Code, json.code),
    message: firstString(json.Message, json.message),
    requestId: firstString(json.RequestId, json.requestId),
  };
}

/**
 * alibabaDialect is Alibaba Cloud's dialect. Throttling is HTTP 429 or a code containing `Throttling`
 * at any status (`Throttling`, `Throttling.User`, `Throttling.Api`, `Rejected.Throttling`: the rule of
 * Alibaba's SDK); `ServiceUnavailable` is worth a retry at any status. x-acs-retry-after is in
 * milliseconds (openapi-core's getThrottlingTimeLeft parseInt()s it and its retry sleeps that many ms).
 * Missing is HTTP 404 with a code src/clouds/error-codes.ts lists as missing (`Certificate.NotFound`,
 * `ErrorClusterNotFound`): a 404 about the request itself (`InvalidAccessKeyId.NotFound`,
 * `InvalidAction.NotFound`), of a code rescind does not know, or without a code (a proxy's page, a
 * wrong endpoint) is a failure, since "absent" is a conclusion rescind acts on. Expired credentials:
 * `InvalidSecurityToken.Expired`, at any status.
 */
export const alibabaDialect: Dialect = {
  cloud: 'alibabacloud',
  requestIdHeader: ALIBABA_REQUEST_ID_HEADER,
  readErrorBody: (body) => readErrorBodyWith(body, fields),
  isThrottling: (status, code) => status === 429 || (code?.includes('Throttling') ?? false),
  isRetryableCode: (code) => code === 'ServiceUnavailable',
  retryAfterMs: (headers) => {
    const value = headerValue(headers, ALIBABA_RETRY_AFTER_HEADER);
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  },
  isMissing: (status, code) => status === 404 && meaningOf('alibabacloud', code) === 'missing',
  isExpiredCredentials: (_status, code) => code === 'InvalidSecurityToken.Expired',
};
