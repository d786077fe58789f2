// Who a Huawei Cloud caller is, as IAM's tokens show it: account names, a seed user, an
// agency (assumed by a user, or by ECS), a federated user and its stable ID; and the time
// format of IAM's answers.

import { createHash } from 'node:crypto';
import type { HuaweiCaller, HuaweiUserRef, Store } from '../cloud.js';
import type { HuaweiAgency, HuaweiIdentityProvider, HuaweiMappingRule } from '../state.js';

/** domainName is the name of an account: the seed's huaweicloud.iam.domains, else its ID. */
export function domainName(store: Store, id: string): string {
  return (store.state.huaweicloud?.iam?.domains ?? []).find((d) => d.id === id)?.name ?? id;
}

/** domainByName is the ID of the account of a name (or an account whose ID is the name), or undefined. */
export function domainByName(store: Store, name: string): string | undefined {
  return (store.state.huaweicloud?.iam?.domains ?? []).find((d) => d.name === name)?.id;
}

/** userRef is the user a caller is, as tokens show it (the agency's or federated user's for those). */
export function userRef(store: Store, caller: HuaweiCaller): HuaweiUserRef {
  const principal = caller.principal;
  if (principal?.kind === 'federated') return principal.user;
  const domainId = caller.domainId ?? '';
  if (principal?.kind === 'agency') {
    return {
      id: principal.agencyId,
      name: `${principal.domainName}/${principal.agencyName}`,
      domainId: principal.domainId,
      domainName: principal.domainName,
    };
  }
  return {
    id: caller.userId,
    name: caller.userName ?? caller.userId,
    domainId,
    domainName: domainName(store, domainId),
  };
}

/** agencyCaller is the caller of an agency's session, assumed by a user (or by ECS when assumedBy is absent). */
export function agencyCaller(
  store: Store,
  agency: HuaweiAgency,
  assumedBy: HuaweiUserRef | undefined,
  sessionName?: string,
): HuaweiCaller {
  return {
    cloud: 'huaweicloud',
    userId: agency.id,
    domainId: agency.domain_id,
    principal: {
      kind: 'agency',
      agencyId: agency.id,
      agencyName: agency.name,
      domainId: agency.domain_id,
      domainName: domainName(store, agency.domain_id),
      ...(assumedBy !== undefined ? { assumedBy } : {}),
      ...(sessionName !== undefined ? { sessionName } : {}),
    },
  };
}

/** findAgency is the agency of a name in an account, or undefined. */
export function findAgency(store: Store, domainId: string, name: string): HuaweiAgency | undefined {
  return (store.state.huaweicloud?.iam?.agencies ?? []).find(
    (a) => a.domain_id === domainId && a.name === name,
  );
}

/**
 * mapFederatedUser applies an identity provider's mapping to a token's claims: the first rule whose
 * remote entries all hold (a claim present; equal to one of any_one_of, or to none of not_any_of)
 * names the user and its groups, {0} being the value of the first entry without a condition.
 * Without a mapping the user is FederationUser. Undefined when no rule holds.
 */
export function mapFederatedUser(
  idp: HuaweiIdentityProvider,
  claims: Readonly<Record<string, unknown>>,
): { name: string; groups: string[] } | undefined {
  const rules: readonly HuaweiMappingRule[] = idp.mapping?.rules ?? [
    { local: [{ user: { name: 'FederationUser' } }], remote: [] },
  ];
  for (const rule of rules) {
    const values: string[] = [];
    const holds = rule.remote.every((r) => {
      const claim = claims[r.type];
      const value = typeof claim === 'string' ? claim : Array.isArray(claim) ? claim.join(',') : undefined;
      if (value === undefined) return false;
      if (r.any_one_of !== undefined) return r.any_one_of.includes(value);
      if (r.not_any_of !== undefined) return !r.not_any_of.includes(value);
      // Only a remote entry without a condition gives a value to the local block's {0}, {1}...
      values.push(value);
      return true;
    });
    if (!holds) continue;
    const fill = (text: string) => text.replace(/\{(\d+)\}/g, (_, i: string) => values[Number(i)] ?? '');
    const user = rule.local.find((l) => l.user !== undefined)?.user?.name;
    if (user === undefined) continue;
    return {
      name: fill(user).slice(0, 64),
      groups: rule.local.flatMap((l) => (l.group !== undefined ? [fill(l.group.name)] : [])),
    };
  }
  return undefined;
}

/** stableId is a 32-hex ID derived from its parts: a federated user's or a group's, the same every run. */
export function stableId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** formatHuaweiTime is an instant as IAM writes it: `YYYY-MM-DDTHH:mm:ss.ssssssZ`. */
export function formatHuaweiTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000Z`;
}
