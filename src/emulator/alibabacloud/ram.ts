// The RAM side of Alibaba Cloud STS in the emulator: finding a role and an OIDC provider of the
// seed, reading a role's trust policy (the subset STS uses to let a user, a role, an OIDC
// provider or ECS assume it), and issuing a role's session with its expiry.

import type { AlibabaCaller, Store } from '../cloud.js';
import type { AlibabaSession } from '../sessions.js';
import type { AlibabaOidcProvider, AlibabaRamRole } from '../state.js';

/** TrustRequest is who asks to assume a role: RAM (a user or role of an account), a federated token, or ECS. */
export type TrustRequest =
  | { kind: 'ram'; accountId: string; roleArn?: string; externalId?: string }
  | {
      kind: 'federated';
      providerArn: string;
      providerAccount: string;
      iss: string;
      sub: string;
      aud: readonly string[];
    }
  | { kind: 'service'; service: string };

/** accountOfArn is the account of an `acs:ram::ACCOUNT:...` ARN, or undefined. */
export function accountOfArn(arn: string): string | undefined {
  return /^acs:ram::([0-9]{1,32}):/.exec(arn)?.[1];
}

/** findRole is the role of an ARN (its account and name, case-insensitive as RAM's), or undefined. */
export function findRole(store: Store, arn: string): AlibabaRamRole | undefined {
  const wanted = arn.toLowerCase();
  return (store.state.alibabacloud?.ram?.roles ?? []).find((r) => r.Arn.toLowerCase() === wanted);
}

/** findRoleByName is the role of a name (case-insensitive), or undefined. */
export function findRoleByName(store: Store, name: string): AlibabaRamRole | undefined {
  const wanted = name.toLowerCase();
  return (store.state.alibabacloud?.ram?.roles ?? []).find((r) => r.RoleName.toLowerCase() === wanted);
}

/** findOidcProvider is the OIDC provider of an ARN, or undefined. */
export function findOidcProvider(store: Store, arn: string): AlibabaOidcProvider | undefined {
  return (store.state.alibabacloud?.ram?.oidc_providers ?? []).find((p) => p.Arn === arn);
}

/**
 * trusts tells whether role's trust policy lets req assume it. Without a policy: its own account's
 * users and roles, its own account's OIDC providers, and ECS. With one: an Allow statement of
 * sts:AssumeRole whose Principal names the requester (RAM: `acs:ram::ACCOUNT:root` or a role ARN;
 * Federated: the provider ARN; Service: the service) and whose conditions all hold (StringEquals
 * and StringLike on sts:ExternalId, oidc:aud, oidc:sub, oidc:iss). Anything else fails closed.
 */
export function trusts(role: AlibabaRamRole, req: TrustRequest): boolean {
  const account = accountOfArn(role.Arn);
  if (role.AssumeRolePolicyDocument === undefined) {
    if (req.kind === 'ram') return req.accountId === account;
    if (req.kind === 'federated') return req.providerAccount === account;
    return req.service === 'ecs.aliyuncs.com';
  }
  let policy: unknown;
  try {
    policy = JSON.parse(role.AssumeRolePolicyDocument);
  } catch {
    return false;
  }
  const statements = (policy as { Statement?: unknown }).Statement;
  if (!Array.isArray(statements)) return false;
  return statements.slice(0, 100).some((s) => statementAllows(s, req));
}

function statementAllows(statement: unknown, req: TrustRequest): boolean {
  if (statement === null || typeof statement !== 'object') return false;
  const s = statement as Record<string, unknown>;
  if (s.Effect !== 'Allow' || !list(s.Action).includes('sts:AssumeRole')) return false;
  const principal = (s.Principal ?? {}) as Record<string, unknown>;
  const named =
    req.kind === 'ram'
      ? list(principal.RAM).some(
          (p) =>
            p.toLowerCase() === `acs:ram::${req.accountId}:root` ||
            (req.roleArn !== undefined && p.toLowerCase() === req.roleArn.toLowerCase()),
        )
      : req.kind === 'federated'
        ? list(principal.Federated).includes(req.providerArn)
        : list(principal.Service).includes(req.service);
  return named && conditionsHold(s.Condition, req);
}

function conditionsHold(condition: unknown, req: TrustRequest): boolean {
  if (condition === undefined) return true;
  if (condition === null || typeof condition !== 'object') return false;
  for (const [operator, tests] of Object.entries(condition as Record<string, unknown>)) {
    if (operator !== 'StringEquals' && operator !== 'StringLike') return false;
    if (tests === null || typeof tests !== 'object') return false;
    for (const [key, expected] of Object.entries(tests as Record<string, unknown>)) {
      const actual = conditionValues(key, req);
      if (actual === undefined) return false;
      const patterns = list(expected);
      const match = (value: string) =>
        patterns.some((p) => (operator === 'StringEquals' ? p === value : globMatches(p, value)));
      if (!actual.some(match)) return false;
    }
  }
  return true;
}

// The request's values of a condition key; undefined for a key the emulator does not know.
function conditionValues(key: string, req: TrustRequest): readonly string[] | undefined {
  switch (key) {
    case 'sts:ExternalId':
      return req.kind === 'ram' && req.externalId !== undefined ? [req.externalId] : [];
    case 'oidc:aud':
      return req.kind === 'federated' ? req.aud : [];
    case 'oidc:sub':
      return req.kind === 'federated' ? [req.sub] : [];
    case 'oidc:iss':
      return req.kind === 'federated' ? [req.iss] : [];
    default:
      return undefined;
  }
}

// A policy's StringLike: `*` is any run of characters, `?` one character.
function globMatches(pattern: string, value: string): boolean {
  let source = '';
  for (const c of pattern.slice(0, 1024)) {
    source += c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's').test(value);
}

function list(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** issueRoleSession issues an STS credential of role for sessionName, living lifetimeSeconds from now. */
export function issueRoleSession(
  store: Store,
  role: AlibabaRamRole,
  sessionName: string,
  lifetimeSeconds: number,
  now: Date,
): AlibabaSession {
  const roleName = role.Arn.slice(role.Arn.indexOf(':role/') + ':role/'.length);
  const caller: Omit<AlibabaCaller, 'accessKeyId' | 'accessKeySecret'> = {
    cloud: 'alibabacloud',
    uid: role.RoleId,
    accountId: accountOfArn(role.Arn) ?? '',
    assumedRole: { roleName, roleId: role.RoleId, roleArn: role.Arn, sessionName },
  };
  return store.sessions.issueAlibaba(caller, now.getTime() + lifetimeSeconds * 1000);
}

/** formatAlibabaTime is an instant as STS and the metadata service write it: `YYYY-MM-DDTHH:mm:ssZ`. */
export function formatAlibabaTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
