// What the three Huawei Cloud providers share: one call of a service, the scope of a
// call (the project and X-Project-Id for CCE and KMS, X-Domain-Id for global CCM) and
// not-found.

import { huaweiDialect } from '../../clouds/huaweicloud/dialect.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { CallOptions, CallResult } from '../../http/client.js';
import { CloudError } from '../../http/errors.js';
import type { ServiceName } from '../../vocabulary.js';
import { withSignal } from '../common.js';
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
 * isNotFound tells whether a call failed because what it names does not exist, as Huawei Cloud's
 * dialect reads the answer (a service's own 404, never the API gateway's).
 */
export function isNotFound(err: unknown): err is CloudError {
  return err instanceof CloudError && huaweiDialect.isMissing(err.status, err.cloudCode);
}

/** HuaweiCall is one call of a Huawei service: its method and path (after the endpoint), and the rest. */
export type HuaweiCall = Pick<CallOptions, 'method' | 'headers' | 'query' | 'body'> & {
  readonly path: string;
};

/** send makes one call of a Huawei service's operation, at the account's endpoint of the service. */
export function send(
  account: ProviderAccount,
  service: ServiceName,
  operation: string,
  call: HuaweiCall,
  signal: AbortSignal | undefined,
): Promise<CallResult> {
  const { path, ...rest } = call;
  const url = `${account.endpoint(service)}${path}`;
  return account.http.call(Object.assign({}, rest, { url, service, operation }, withSignal(signal)));
}
