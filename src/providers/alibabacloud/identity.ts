// Who an Alibaba Cloud account authenticates as: STS GetCallerIdentity answers for any credential: a
// RAM user (`UserId`), the account itself, or a role session (`AssumedRoleUser`: `RoleId`, the session's
// `PrincipalId` and its ARN, no `UserId`). The account it belongs to is the root. Who assumed a role
// session (a RAM user, an OIDC subject) is what the credential source learned when it assumed it.

import type { CallerIdentity } from '../../plan/model.js';
import { isRecord, withSignal } from '../common.js';
import { callFailed, problem } from '../diagnose.js';
import type { ProviderRequest, WhoamiResponse } from '../types.js';
import { assumedFromOf } from '../whoami.js';

const STS_VERSION = '2015-04-01';

/** whoamiAlibaba reads the caller's IDs, kind and ARN, and its account, from STS. */
export async function whoamiAlibaba(req: ProviderRequest): Promise<WhoamiResponse> {
  const { account } = req;
  const where = `${account.name}/sts`;
  try {
    const result = await account.http.call({
      method: 'GET',
      url: `${account.endpoint('sts')}/`,
      query: {},
      service: 'sts',
      operation: 'GetCallerIdentity',
      apiVersion: STS_VERSION,
      ...withSignal(req.signal),
    });
    const body = isRecord(result.body) ? result.body : {};
    const str = (name: string) =>
      typeof body[name] === 'string' && body[name] !== '' ? (body[name] as string) : undefined;
    const accountId = str('AccountId');
    const type = str('IdentityType');
    const arn = str('Arn');
    const requestId = result.requestId ?? 'none';
    if (accountId === undefined) {
      const message = `STS GetCallerIdentity returned no AccountId (request id ${requestId})`;
      return { diagnostics: [problem('cloud.unexpected', message, where)] };
    }
    let caller: CallerIdentity;
    if (type === 'AssumedRoleUser') {
      const roleId = str('RoleId');
      const principalId = str('PrincipalId');
      if (roleId === undefined || principalId === undefined) {
        const message = `STS GetCallerIdentity returned a role session without RoleId and PrincipalId (request id ${requestId})`;
        return { diagnostics: [problem('cloud.unexpected', message, where)] };
      }
      caller = {
        ids: principalId === roleId ? [roleId] : [roleId, principalId],
        roots: [accountId],
        kind: 'role',
        ...(arn === undefined ? {} : { name: arn }),
      };
    } else {
      const userId = str('UserId');
      if (userId === undefined || (type !== undefined && type !== 'RAMUser' && type !== 'Account')) {
        const message = `STS GetCallerIdentity returned ${type === undefined ? 'no UserId' : `an IdentityType ${JSON.stringify(type)} rescind does not know`} (request id ${requestId})`;
        return { diagnostics: [problem('cloud.unexpected', message, where)] };
      }
      caller = {
        ids: [userId],
        roots: [accountId],
        kind: type === 'Account' || userId === accountId ? 'account' : 'user',
        ...(arn === undefined ? {} : { name: arn }),
      };
    }
    const from = await assumedFromOf(req, where);
    if ('diagnostic' in from) return { diagnostics: [from.diagnostic] };
    return {
      caller: { ...caller, ...(from.assumedFrom === undefined ? {} : { assumedFrom: from.assumedFrom }) },
      diagnostics: [],
    };
  } catch (e) {
    return { diagnostics: [callFailed(e, where)] };
  }
}
