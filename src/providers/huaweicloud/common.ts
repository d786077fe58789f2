// What the three Huawei Cloud providers share: the scope of a call (the project
// and X-Project-Id for CCE and KMS, X-Domain-Id for global CCM) and not-found.

import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { CloudError } from '../../http/errors.js';
import { problem } from '../diagnose.js';
import type { ProviderAccount } from '../types.js';

/** Scope is where a Huawei call goes: the project in the URL (CCE, KMS) and the scope header. */
export type Scope = { projectId: string; headers: Record<string, string> } | { diagnostic: Diagnostic };

/** projectScope is the target's projectId, else the account's, with X-Project-Id; a diagnostic when neither is set. */
export function projectScope(
  account: ProviderAccount,
  projectId: string | undefined,
  address: string,
): Scope {
  const id = projectId ?? account.projectId;
  if (id !== undefined) return { projectId: id, headers: { 'x-project-id': id } };
  const message = `account ${account.name} has no projectId: set it in the config, or projectId in the target`;
  return { diagnostic: problem('account.incomplete', message, address) };
}

/** domainScope is the X-Domain-Id header of global services (CCM); a diagnostic without a domainId. */
export function domainScope(
  account: ProviderAccount,
  address: string,
): { headers: Record<string, string> } | { diagnostic: Diagnostic } {
  if (account.domainId !== undefined) return { headers: { 'x-domain-id': account.domainId } };
  const message = `account ${account.name} has no domainId, which CCM (a global service) needs`;
  return { diagnostic: problem('account.incomplete', message, address) };
}

/**
 * isNotFound tells whether a call failed because what it names does not exist: a 404 in the service's
 * own error shape (KMS.*, PCA.*, CCE.*). A 404 of the API gateway (APIGW.0101: no such API) or one
 * without a code (a proxy's page, a wrong endpoint) is not "absent": reading it so would verify a
 * revocation that never happened.
 */
export function isNotFound(err: unknown): err is CloudError {
  if (!(err instanceof CloudError) || err.status !== 404 || err.cloudCode === undefined) return false;
  return !/^APIG(?:W)?\./.test(err.cloudCode);
}
