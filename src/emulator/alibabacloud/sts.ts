// Alibaba Cloud STS (RPC, 2015-04-01) in the emulator, the part that says who a request comes
// from: GetCallerIdentity (the caller's account, its uid, and its kind: a RAM user, or the account).

import type { AlibabaRequest, CloudResponse } from '../cloud.js';
import type { AlibabaService } from '../service.js';
import { alibabaInternalError } from './errors.js';

/** STS_VERSION is the API version of STS's RPC actions. */
export const STS_VERSION = '2015-04-01';
/** STS_OPERATIONS are the STS actions of the emulator. */
export const STS_OPERATIONS = ['GetCallerIdentity'] as const;
/** StsOperation is an STS action. */
export type StsOperation = (typeof STS_OPERATIONS)[number];

/** stsService is STS in the emulator's registry (services.ts). */
export const stsService: AlibabaService<'sts', StsOperation> = {
  service: 'sts',
  cloud: 'alibabacloud',
  routing: { style: 'rpc', version: STS_VERSION, actions: STS_OPERATIONS },
  operations: STS_OPERATIONS,
  handle: handleSts,
  internalError: alibabaInternalError,
};

/** handleSts answers GetCallerIdentity for the authenticated caller. */
export function handleSts(req: AlibabaRequest<StsOperation>): CloudResponse {
  const { uid, accountId } = req.caller;
  const root = uid === accountId;
  return {
    status: 200,
    body: {
      RequestId: req.requestId,
      IdentityType: root ? 'Account' : 'RAMUser',
      AccountId: accountId,
      PrincipalId: uid,
      UserId: uid,
      Arn: root ? `acs:ram::${accountId}:root` : `acs:ram::${accountId}:user/${uid}`,
    },
  };
}
