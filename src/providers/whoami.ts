// What both clouds' whoami share: what the account's credential source learned of who its credentials
// are, and who assumed them. A source that could not tell (its lookup failed) makes the caller unknown:
// the built-in rules then fail closed, rather than let a plan revoke the user a role was assumed with.

import type { Learned, Principal } from '../credentials/types.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { AssumedFrom } from '../plan/model.js';
import { problem } from './diagnose.js';
import type { ProviderRequest } from './types.js';

/** learnedOf is what the account's credential source learned; a diagnostic when it could not tell. */
export async function learnedOf(
  req: ProviderRequest,
  where: string,
): Promise<{ learned: Learned } | { diagnostic: Diagnostic }> {
  const facts = req.account.credential;
  if (facts === undefined) return { learned: {} };
  const { error, ...learned } = await facts.learned(req.signal);
  if (error !== undefined) {
    const message = `account ${req.account.name}: who its credentials (${facts.source}) act as could not be found: ${error}`;
    return { diagnostic: problem('account.credentials', message, where) };
  }
  return { learned };
}

/** assumedFromOf is who assumed the account's role or agency session, when its source learned it. */
export async function assumedFromOf(
  req: ProviderRequest,
  where: string,
): Promise<{ assumedFrom?: AssumedFrom } | { diagnostic: Diagnostic }> {
  const got = await learnedOf(req, where);
  if ('diagnostic' in got) return got;
  const from = got.learned.assumedFrom;
  return from === undefined ? {} : { assumedFrom: assumedFromOfPrincipal(from) };
}

/** assumedFromOfPrincipal is the AssumedFrom a plan records of the principal a source learned. */
export function assumedFromOfPrincipal(from: Principal): AssumedFrom {
  return { kind: from.kind, ids: [...from.ids], ...(from.name === undefined ? {} : { name: from.name }) };
}
