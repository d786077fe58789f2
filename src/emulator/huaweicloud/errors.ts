// The error answers of Huawei Cloud, one body shape per source, written by the
// dialect the client reads them with (src/clouds/huaweicloud/dialect.ts): the API
// gateway's, CCE's, CCM's, KMS's and IAM's.

import type { ErrorCode } from '../../clouds/error-codes.js';
import { huaweiErrorBodies } from '../../clouds/huaweicloud/dialect.js';
import type { CloudResponse } from '../cloud.js';

/** apigwError is an error of the API gateway in front of every service (auth, throttling, routing). */
export function apigwError(
  status: number,
  code: ErrorCode,
  message: string,
  requestId: string,
): CloudResponse {
  return { status, body: huaweiErrorBodies.apigw(code, message, requestId) };
}

/** cceError is an error of CCE. */
export function cceError(status: number, code: ErrorCode, message: string): CloudResponse {
  return { status, body: huaweiErrorBodies.cce(code, message) };
}

/** ccmError is an error of CCM (private CA). */
export function ccmError(status: number, code: ErrorCode, message: string): CloudResponse {
  return { status, body: huaweiErrorBodies.ccm(code, message) };
}

/** kmsError is an error of KMS. */
export function kmsError(status: number, code: ErrorCode, message: string): CloudResponse {
  return { status, body: huaweiErrorBodies.kms(code, message) };
}

/** iamError is an error of IAM. */
export function iamError(status: number, code: ErrorCode, message: string): CloudResponse {
  return { status, body: huaweiErrorBodies.iam(code, message, status === 404 ? 'Not Found' : 'Error') };
}

/**
 * iamFlatError is an error of IAM's v3.0 APIs (temporary AK/SK, ID-token federation) and of its
 * documented common codes (IAM.0001, IAM.0011, IAM.1108...): a flat `{error_code, error_msg}`, the
 * shape CCM answers too.
 */
export function iamFlatError(status: number, code: ErrorCode, message: string): CloudResponse {
  return { status, body: huaweiErrorBodies.ccm(code, message) };
}
