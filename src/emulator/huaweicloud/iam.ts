// Huawei Cloud IAM in the emulator, the part that says who a request comes from:
// ShowPermanentAccessKey (a caller may read its own access key: its user ID) and
// KeystoneValidateToken (a token's user and domain). IAM's nested error shape.

import type { CloudResponse, HuaweiRequest, Store } from '../cloud.js';
import type { HuaweiService, PathRoute } from '../service.js';
import { iamError } from './errors.js';

/** IAM_OPERATIONS are the IAM operations of the emulator. */
export const IAM_OPERATIONS = ['ShowPermanentAccessKey', 'KeystoneValidateToken'] as const;
/** IamOperation is an IAM operation. */
export type IamOperation = (typeof IAM_OPERATIONS)[number];

const IAM_PATHS: readonly PathRoute<IamOperation>[] = [
  { method: 'GET', path: '/v3.0/OS-CREDENTIAL/credentials/{access_key}', op: 'ShowPermanentAccessKey' },
  { method: 'GET', path: '/v3/auth/tokens', op: 'KeystoneValidateToken' },
];

/** iamService is IAM in the emulator's registry (services.ts). */
export const iamService: HuaweiService<'iam', IamOperation> = {
  service: 'iam',
  cloud: 'huaweicloud',
  routing: { style: 'path', paths: IAM_PATHS },
  operations: IAM_OPERATIONS,
  handle: handleIam,
  internalError: () => iamError(500, 'IAM.0006', 'Internal server error.'),
};

/** handleIam answers the IAM operations for the authenticated caller. */
export function handleIam(req: HuaweiRequest<IamOperation>, store: Store): CloudResponse {
  const caller = req.caller;
  if (req.op === 'ShowPermanentAccessKey') {
    const ak = req.params.access_key ?? '';
    // A user may read its own keys; the emulator knows no other user's permissions.
    if (ak !== caller.accessKey) {
      const known = store.state.identities.some((i) => i.cloud === 'huaweicloud' && i.accessKey === ak);
      return known
        ? iamError(403, 'IAM.0002', 'You are not authorized to perform the requested action.')
        : iamError(404, 'IAM.0004', 'The credential does not exist.');
    }
    return {
      status: 200,
      body: { credential: { user_id: caller.userId, access: ak, status: 'active', description: '' } },
    };
  }
  const subject = req.headers['x-subject-token'];
  if (subject === undefined || subject === '' || subject !== caller.token) {
    return iamError(404, 'IAM.0004', 'The token does not exist or has expired.');
  }
  return {
    status: 200,
    body: {
      token: {
        methods: ['token'],
        user: {
          id: caller.userId,
          ...(caller.domainId === undefined ? {} : { domain: { id: caller.domainId } }),
        },
      },
    },
  };
}
