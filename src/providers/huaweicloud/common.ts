// What the three Huawei Cloud providers share: the project a call is scoped to,
// and the scope headers (X-Project-Id for CCE and KMS, X-Domain-Id for global CCM).

import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { CloudError } from '../../http/errors.js';
import { problem } from '../diagnose.js';
import type { ProviderAccount } from '../types.js';

/** projectOf is the target's projectId, else the account's; a diagnostic when neither is set. */
export function projectOf(
  account: ProviderAccount,
  projectId: string | undefined,
  address: string,
): { projectId: string } | { diagnostic: Diagnostic } {
  const id = projectId ?? account.projectId;
  if (id !== undefined) return { projectId: id };
  return {
    diagnostic: problem(
      'account.incomplete',
      `account ${account.name} has no projectId: set it in the config, or projectId in the target`,
      address,
    ),
  };
}

/** isNotFound tells whether a call failed because what it names does not exist (HTTP 404). */
export function isNotFound(err: unknown): err is CloudError {
  return err instanceof CloudError && err.status === 404;
}
