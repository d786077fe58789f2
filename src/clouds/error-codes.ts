// Every error code rescind reads or the emulator answers, with what it means to rescind and where it
// is documented (docs/clouds.md#error-codes lists the same, with the sources' addresses; a test keeps
// the two equal). The emulator may answer only these codes (its error bodies take an ErrorCode), and
// the dialects recognise only these: a code that is not here is a failure to look at, never "absent".

import type { Cloud } from '../vocabulary.js';

/**
 * ErrorMeaning is what rescind makes of a code: `missing`, the resource a read names does not exist (a
 * 404 only); `throttled`; `expired`, the credentials have expired (new ones are accepted); `retryable`,
 * worth another attempt; `failure`, anything else, reported as it is.
 */
export type ErrorMeaning = 'missing' | 'throttled' | 'expired' | 'retryable' | 'failure';

/**
 * ErrorCodeInfo is one code: its cloud, the statuses it comes with, its meaning, and its source: a key
 * of docs/clouds.md's sources (`H15`, `A9`), or `none` when no document or SDK of the cloud names it
 * (the emulator's choice, listed so; rescind never infers "absent" from one of those but the ones
 * marked missing, which stand in for a code the cloud does not publish).
 */
export interface ErrorCodeInfo {
  readonly cloud: Cloud;
  readonly status: readonly number[];
  readonly meaning: ErrorMeaning;
  readonly source: string;
}

/** errorCodes is every error code of docs/clouds.md#error-codes. */
export const errorCodes = {
  // Huawei Cloud: API Gateway, in front of every service.
  'APIGW.0101': { cloud: 'huaweicloud', status: [404], meaning: 'failure', source: 'H16' },
  'APIGW.0201': { cloud: 'huaweicloud', status: [413], meaning: 'failure', source: 'H16' },
  'APIGW.0301': { cloud: 'huaweicloud', status: [401], meaning: 'failure', source: 'H16' },
  'APIGW.0308': { cloud: 'huaweicloud', status: [429], meaning: 'throttled', source: 'H9' },
  'APIG.0308': { cloud: 'huaweicloud', status: [429], meaning: 'throttled', source: 'H10' },
  // CCE.
  'CCE.01400001': { cloud: 'huaweicloud', status: [400], meaning: 'failure', source: 'H6' },
  'CCE.01404001': { cloud: 'huaweicloud', status: [404], meaning: 'missing', source: 'none' },
  'CCE.01500001': { cloud: 'huaweicloud', status: [500], meaning: 'retryable', source: 'none' },
  // CCM (private CA).
  'PCA.00020001': { cloud: 'huaweicloud', status: [400], meaning: 'failure', source: 'H7' },
  'PCA.00020201': { cloud: 'huaweicloud', status: [400], meaning: 'failure', source: 'H7' },
  'PCA.00020202': { cloud: 'huaweicloud', status: [400], meaning: 'failure', source: 'H7' },
  'PCA.00020301': { cloud: 'huaweicloud', status: [400], meaning: 'failure', source: 'none' },
  'PCA.00030202': { cloud: 'huaweicloud', status: [403], meaning: 'failure', source: 'H7' },
  'PCA.00040001': { cloud: 'huaweicloud', status: [404], meaning: 'missing', source: 'none' },
  'PCA.00050001': { cloud: 'huaweicloud', status: [500], meaning: 'retryable', source: 'none' },
  // KMS.
  'KMS.0201': { cloud: 'huaweicloud', status: [400], meaning: 'failure', source: 'H17' },
  'KMS.0202': { cloud: 'huaweicloud', status: [400], meaning: 'failure', source: 'H17' },
  'KMS.0204': { cloud: 'huaweicloud', status: [400], meaning: 'failure', source: 'H17' },
  'KMS.0205': { cloud: 'huaweicloud', status: [400], meaning: 'failure', source: 'H17' },
  'KMS.0206': { cloud: 'huaweicloud', status: [400], meaning: 'failure', source: 'H17' },
  'KMS.0303': { cloud: 'huaweicloud', status: [403], meaning: 'failure', source: 'none' },
  'KMS.0310': { cloud: 'huaweicloud', status: [400], meaning: 'failure', source: 'none' },
  'KMS.0311': { cloud: 'huaweicloud', status: [400], meaning: 'failure', source: 'none' },
  'KMS.0404': { cloud: 'huaweicloud', status: [404], meaning: 'missing', source: 'none' },
  'KMS.0501': { cloud: 'huaweicloud', status: [500], meaning: 'retryable', source: 'none' },
  // IAM.
  'IAM.0001': { cloud: 'huaweicloud', status: [401], meaning: 'failure', source: 'H15' },
  'IAM.0002': { cloud: 'huaweicloud', status: [403], meaning: 'failure', source: 'H15' },
  'IAM.0004': { cloud: 'huaweicloud', status: [404], meaning: 'failure', source: 'H15' },
  'IAM.0006': { cloud: 'huaweicloud', status: [500], meaning: 'retryable', source: 'H15' },
  'IAM.0007': { cloud: 'huaweicloud', status: [400], meaning: 'failure', source: 'H15' },
  'IAM.0011': { cloud: 'huaweicloud', status: [400], meaning: 'failure', source: 'H15' },
  'IAM.0066': { cloud: 'huaweicloud', status: [401], meaning: 'expired', source: 'H15' },
  'IAM.0067': { cloud: 'huaweicloud', status: [401], meaning: 'failure', source: 'H15' },
  'IAM.1108': { cloud: 'huaweicloud', status: [400], meaning: 'expired', source: 'H15' },

  // Alibaba Cloud: the OpenAPI gateway, in front of every service.
  IncompleteSignature: { cloud: 'alibabacloud', status: [400], meaning: 'failure', source: 'A10' },
  SignatureDoesNotMatch: { cloud: 'alibabacloud', status: [400], meaning: 'failure', source: 'A10' },
  SignatureNonceUsed: { cloud: 'alibabacloud', status: [400], meaning: 'failure', source: 'A10' },
  'InvalidTimeStamp.Expired': { cloud: 'alibabacloud', status: [400], meaning: 'failure', source: 'A10' },
  'InvalidTimeStamp.Format': { cloud: 'alibabacloud', status: [400], meaning: 'failure', source: 'A10' },
  'InvalidAccessKeyId.NotFound': { cloud: 'alibabacloud', status: [404], meaning: 'failure', source: 'A10' },
  'InvalidSecurityToken.Expired': {
    cloud: 'alibabacloud',
    status: [400, 403],
    meaning: 'expired',
    source: 'A10',
  },
  'InvalidSecurityToken.Malformed': {
    cloud: 'alibabacloud',
    status: [400],
    meaning: 'failure',
    source: 'A10',
  },
  'InvalidSecurityToken.MismatchWithAccessKey': {
    cloud: 'alibabacloud',
    status: [400],
    meaning: 'failure',
    source: 'A10',
  },
  'InvalidAction.NotFound': { cloud: 'alibabacloud', status: [404], meaning: 'failure', source: 'A10' },
  'InvalidApi.NotFound': { cloud: 'alibabacloud', status: [404], meaning: 'failure', source: 'A10' },
  InvalidVersion: { cloud: 'alibabacloud', status: [400], meaning: 'failure', source: 'A10' },
  InvalidParameter: { cloud: 'alibabacloud', status: [400], meaning: 'failure', source: 'A10' },
  InternalError: { cloud: 'alibabacloud', status: [500], meaning: 'retryable', source: 'A11' },
  ServiceUnavailable: { cloud: 'alibabacloud', status: [503], meaning: 'retryable', source: 'A4' },
  RequestEntityTooLarge: { cloud: 'alibabacloud', status: [413], meaning: 'failure', source: 'none' },
  Throttling: { cloud: 'alibabacloud', status: [400, 429], meaning: 'throttled', source: 'A4' },
  'Throttling.User': { cloud: 'alibabacloud', status: [400, 429], meaning: 'throttled', source: 'A5' },
  'Throttling.Api': { cloud: 'alibabacloud', status: [400, 429], meaning: 'throttled', source: 'A4' },
  'Rejected.Throttling': { cloud: 'alibabacloud', status: [429], meaning: 'throttled', source: 'A4' },
  // ESA.
  MissingSiteId: { cloud: 'alibabacloud', status: [400], meaning: 'failure', source: 'A9' },
  'Id.MissingParameter': { cloud: 'alibabacloud', status: [400], meaning: 'failure', source: 'A9' },
  'Certificate.StatusError': { cloud: 'alibabacloud', status: [400], meaning: 'failure', source: 'A9' },
  'Certificate.NotFound': { cloud: 'alibabacloud', status: [404], meaning: 'missing', source: 'A9' },
  'Site.NotFound': { cloud: 'alibabacloud', status: [404], meaning: 'missing', source: 'none' },
  // ACK.
  ErrorClusterNotFound: { cloud: 'alibabacloud', status: [404], meaning: 'missing', source: 'A12' },
  ErrorUserNotFound: { cloud: 'alibabacloud', status: [404], meaning: 'missing', source: 'none' },
  ErrorUserRecentlyActive: { cloud: 'alibabacloud', status: [400], meaning: 'failure', source: 'none' },
  'Forbidden.CleanCaller': { cloud: 'alibabacloud', status: [403], meaning: 'failure', source: 'none' },
  'Forbidden.CleanRootAccount': { cloud: 'alibabacloud', status: [403], meaning: 'failure', source: 'none' },
  // STS.
  NoPermission: { cloud: 'alibabacloud', status: [403], meaning: 'failure', source: 'A13' },
  'EntityNotExist.Role': { cloud: 'alibabacloud', status: [404], meaning: 'failure', source: 'A14' },
  'AuthenticationFail.NoPermission': {
    cloud: 'alibabacloud',
    status: [403],
    meaning: 'failure',
    source: 'A14',
  },
  'AuthenticationFail.OIDCToken.Invalid': {
    cloud: 'alibabacloud',
    status: [400],
    meaning: 'failure',
    source: 'A15',
  },
  'AuthenticationFail.OIDCToken.Expired': {
    cloud: 'alibabacloud',
    status: [400],
    meaning: 'failure',
    source: 'A14',
  },
  'AuthenticationFail.OIDCToken.AudienceNotMatch': {
    cloud: 'alibabacloud',
    status: [400],
    meaning: 'failure',
    source: 'A14',
  },
  'AuthenticationFail.OIDCToken.IssuerNotMatch': {
    cloud: 'alibabacloud',
    status: [400],
    meaning: 'failure',
    source: 'A14',
  },
  'AuthenticationFail.OIDCToken.IssuerConfigurationBroken': {
    cloud: 'alibabacloud',
    status: [400],
    meaning: 'failure',
    source: 'A14',
  },
} as const satisfies Readonly<Record<string, ErrorCodeInfo>>;

/** ErrorCode is a code of errorCodes: the only codes the emulator answers. */
export type ErrorCode = keyof typeof errorCodes;

/** meaningOf is what a code of cloud means to rescind; `failure` for a code not listed (or of the other cloud). */
export function meaningOf(cloud: Cloud, code: string | undefined): ErrorMeaning {
  if (code === undefined || !Object.hasOwn(errorCodes, code)) return 'failure';
  const info: ErrorCodeInfo = errorCodes[code as ErrorCode];
  return info.cloud === cloud ? info.meaning : 'failure';
}
