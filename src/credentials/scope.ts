// Where a Huawei Cloud account's calls go when the config does not say: its project (by the region's
// name, KeystoneListProjects, as the SDKs look it up) and its account (KeystoneListAuthDomains), asked
// of IAM with the account's own credentials. What a source gave (a profile's project_id) comes first;
// what the config says always wins and is never looked up.

import type { HttpClient } from '../http/client.js';
import type { ServiceName } from '../vocabulary.js';
import { lookUpDomain, lookUpProject } from './huawei-iam.js';

/** ScopeField is what may be looked up. */
export type ScopeField = 'projectId' | 'domainId';

/** Scope is a Huawei account's project and domain, and which of them were looked up from IAM. */
export interface Scope {
  readonly projectId?: string;
  readonly domainId?: string;
  readonly lookedUp: readonly ScopeField[];
}

/**
 * scopeNeeds says what an account opened for services must have: a project for CCE and KMS, a domain
 * for CCM (a global service). The identity read finds the domain of its own accord (whoami).
 */
export function scopeNeeds(services: readonly ServiceName[]): readonly ScopeField[] {
  const needs: ScopeField[] = [];
  if (services.includes('cce') || services.includes('kms')) needs.push('projectId');
  if (services.includes('ccm')) needs.push('domainId');
  return needs;
}

/**
 * lookUpScope fills what the account lacks of needs from IAM at iam: the project named after region, the
 * account the credentials belong to (also the root the built-in rules protect). It rejects with a
 * CredentialsError saying which lookup failed and why.
 */
export async function lookUpScope(
  http: HttpClient,
  iam: string,
  region: string,
  given: { readonly projectId?: string | undefined; readonly domainId?: string | undefined },
  needs: readonly ScopeField[],
  signal?: AbortSignal,
): Promise<Scope> {
  const lookedUp: ScopeField[] = [];
  let { projectId, domainId } = given;
  if (projectId === undefined && needs.includes('projectId')) {
    projectId = await lookUpProject(http, iam, region, signal);
    lookedUp.push('projectId');
  }
  if (domainId === undefined && needs.includes('domainId')) {
    domainId = await lookUpDomain(http, iam, signal);
    lookedUp.push('domainId');
  }
  return {
    ...(projectId === undefined ? {} : { projectId }),
    ...(domainId === undefined ? {} : { domainId }),
    lookedUp,
  };
}
