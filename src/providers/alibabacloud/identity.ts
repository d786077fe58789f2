// Who an Alibaba Cloud account authenticates as: STS GetCallerIdentity gives the caller's uid and
// the account it belongs to (the account's root).

import { isRecord, withSignal } from '../common.js';
import { callFailed, problem } from '../diagnose.js';
import type { ProviderRequest, WhoamiResponse } from '../types.js';

const STS_VERSION = '2015-04-01';

/** whoamiAlibaba reads the caller's uid and account ID from STS. */
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
    const { UserId: userId, AccountId: accountId } = body;
    if (typeof userId !== 'string' || userId === '' || typeof accountId !== 'string' || accountId === '') {
      const message = `STS GetCallerIdentity returned no UserId and AccountId (request id ${result.requestId ?? 'none'})`;
      return { diagnostics: [problem('cloud.unexpected', message, where)] };
    }
    return { caller: { ids: [userId], roots: [accountId] }, diagnostics: [] };
  } catch (e) {
    return { diagnostics: [callFailed(e, where)] };
  }
}
