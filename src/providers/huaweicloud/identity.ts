// Who a Huawei Cloud account authenticates as: IAM's ShowPermanentAccessKey of the account's own
// access key gives its user ID; the account's root is its domain (the config's domainId).

import { isRecord, withSignal } from '../common.js';
import { callFailed, problem } from '../diagnose.js';
import type { ProviderRequest, WhoamiResponse } from '../types.js';

/** whoamiHuawei reads the user ID of the account's access key. An IAM token account cannot be identified. */
export async function whoamiHuawei(req: ProviderRequest): Promise<WhoamiResponse> {
  const { account } = req;
  const where = `${account.name}/iam`;
  if (account.accessKeyId === undefined) {
    const message = `account ${account.name} authenticates with an IAM token, whose user rescind cannot look up: use an access key (AK/SK)`;
    return { diagnostics: [problem('account.credentials', message, where)] };
  }
  try {
    const result = await account.http.call({
      method: 'GET',
      url: `${account.endpoint('iam')}/v3.0/OS-CREDENTIAL/credentials/${encodeURIComponent(account.accessKeyId)}`,
      service: 'iam',
      operation: 'ShowPermanentAccessKey',
      ...withSignal(req.signal),
    });
    const credential = isRecord(result.body) ? result.body.credential : undefined;
    const userId = isRecord(credential) ? credential.user_id : undefined;
    if (typeof userId !== 'string' || userId === '') {
      const message = `IAM ShowPermanentAccessKey returned no user_id (request id ${result.requestId ?? 'none'})`;
      return { diagnostics: [problem('cloud.unexpected', message, where)] };
    }
    return {
      caller: { ids: [userId], roots: account.domainId === undefined ? [] : [account.domainId] },
      diagnostics: [],
    };
  } catch (e) {
    return { diagnostics: [callFailed(e, where)] };
  }
}
