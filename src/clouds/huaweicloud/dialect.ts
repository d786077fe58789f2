// How Huawei Cloud answers, signing aside (docs/clouds.md#huawei-cloud-answers): the error bodies of the API
// gateway and of each service, the X-Request-Id header, API Gateway's 429 APIGW.0308
// throttling answer, and a service's 404 that says a resource does not exist. The
// emulator writes its answers with the same shapes that the client reads here.

import { firstString, isRecord, readErrorBodyWith } from '../error-body.js';
import { type ErrorCode, meaningOf } from '../error-codes.js';
import type { Dialect, ErrorBody } from '../wire.js';

/** HUAWEI_THROTTLE_CODE is API Gateway's throttling code (HTTP 429, docs/clouds.md#huawei-cloud-answers). */
export const HUAWEI_THROTTLE_CODE = 'APIGW.0308';

/** HUAWEI_THROTTLE_CODES are every throttling code: the older gateway answers APIG.0308. */
export const HUAWEI_THROTTLE_CODES: readonly string[] = [HUAWEI_THROTTLE_CODE, 'APIG.0308'];

/** HUAWEI_REQUEST_ID_HEADER carries the request id of every answer. */
export const HUAWEI_REQUEST_ID_HEADER = 'x-request-id';

/**
 * huaweiErrorBodies writes each error body shape: API Gateway's flat `{error_msg, error_code, request_id}`
 * (authentication, throttling, routing), CCE's `{errorMessage, errorCode}`, CCM's flat
 * `{error_code, error_msg}` and KMS's nested `{error: {error_code, error_msg}}`.
 */
export const huaweiErrorBodies = {
  apigw: (code: ErrorCode, message: string, requestId: string) => ({
    error_msg: message,
    error_code: code,
    request_id: requestId,
  }),
  cce: (code: ErrorCode, message: string) => ({ errorMessage: message, errorCode: code }),
  ccm: (code: ErrorCode, message: string) => ({ error_code: code, error_msg: message }),
  kms: (code: ErrorCode, message: string) => ({ error: { error_code: code, error_msg: message } }),
  iam: (code: ErrorCode, message: string, title: string) => ({ error: { code, message, title } }),
} as const;

// Every shape above, and IAM's nested `{error: {code, message, title}}`; first match wins per field.
function fields(json: Readonly<Record<string, unknown>>): ErrorBody {
  const nested = isRecord(json.error) ? json.error : undefined;
  return {
    code: firstString(nested?.error_code, nested?.code, json.error_code, json.errorCode),
    message: firstString(nested?.error_msg, nested?.message, json.error_msg, json.errorMessage),
    requestId: firstString(json.request_id, nested?.request_id),
  };
}

/**
 * huaweiDialect is Huawei Cloud's dialect. Throttling is HTTP 429 or an APIGW.0308 / APIG.0308 code.
 * Expired credentials: IAM.1108 (an expired temporary AK/SK), IAM.0066 (an expired token given to IAM),
 * and the gateway's 401 APIGW.0301 "decrypt token fail" (a token it no longer accepts).
 * Missing is a 404 with a code src/clouds/error-codes.ts lists as missing (KMS.0404, PCA.00040001,
 * CCE.01404001): any other 404 (the API gateway's APIGW.0101, a code rescind does not know, a proxy's
 * page without one) is a failure, since reading it so would verify a revocation that never happened.
 */
export const huaweiDialect: Dialect = {
  cloud: 'huaweicloud',
  requestIdHeader: HUAWEI_REQUEST_ID_HEADER,
  readErrorBody: (body) => readErrorBodyWith(body, fields),
  isThrottling: (status, code) =>
    status === 429 || (code !== undefined && HUAWEI_THROTTLE_CODES.includes(code)),
  isRetryableCode: () => false,
  retryAfterMs: () => undefined,
  isMissing: (status, code) => status === 404 && meaningOf('huaweicloud', code) === 'missing',
  isExpiredCredentials: (status, code, message) =>
    code === 'IAM.1108' ||
    code === 'IAM.0066' ||
    (status === 401 && code === 'APIGW.0301' && /decrypt token fail/i.test(message ?? '')),
};
