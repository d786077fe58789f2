// Rules of an emulator state beyond its schema: every credential, resource and
// grant id appears once (and a name where the cloud keeps names unique), a grant names
// its own key, a CA's issuer exists in its account without a loop, a permission names
// its own cluster, and what the credential sources refer to exists (an instance role, a
// trust policy). Pure: data in, findings out.

import { error, type Finding } from '../diagnostics/finding.js';
import type { EmulatorState } from './state.js';

/**
 * checkEmulatorState returns the findings of the seed rules beyond the schema: every
 * credential, resource and grant id appears once, a CCE cluster's name once in its project and
 * an ESA site's name once, a grant names its own key, a CA's issuer_id is another CA of the
 * state, of the same account, with no loop up the chain, and an ACK permission's resource_id
 * names its own cluster. It needs schema-valid data.
 */
export function checkEmulatorState(state: EmulatorState): Finding[] {
  const findings: Finding[] = [];
  const unique: Unique = (seen, key, path, what) => {
    const first = seen.get(key);
    if (first !== undefined) {
      findings.push(
        error(
          'emulator.duplicate-id',
          path,
          `${what} is listed twice (first at item ${first}, counting from 0)`,
        ),
      );
    } else {
      seen.set(key, Number(path[path.length - 2] ?? 0));
    }
  };

  const huaweiKeys = new Map<string, number>();
  const tokens = new Map<string, number>();
  const alibabaKeys = new Map<string, number>();
  state.identities.forEach((identity, i) => {
    const at: (string | number)[] = ['identities', i];
    if (identity.cloud === 'huaweicloud') {
      if (identity.accessKey !== undefined) {
        unique(
          huaweiKeys,
          identity.accessKey,
          [...at, 'accessKey'],
          `access key ${JSON.stringify(identity.accessKey)}`,
        );
      }
      if (identity.token !== undefined) unique(tokens, identity.token, [...at, 'token'], 'this IAM token');
    } else {
      unique(
        alibabaKeys,
        identity.accessKeyId,
        [...at, 'accessKeyId'],
        `AccessKey ID ${JSON.stringify(identity.accessKeyId)}`,
      );
    }
  });

  const cce = new Map<string, number>();
  const cceNames = new Map<string, number>();
  (state.huaweicloud?.cce?.clusters ?? []).forEach((c, i) => {
    const at = ['huaweicloud', 'cce', 'clusters', i];
    unique(cce, `${c.project_id}/${c.cluster_id}`, [...at, 'cluster_id'], `cluster ${c.cluster_id}`);
    unique(
      cceNames,
      `${c.project_id}/${c.name}`,
      [...at, 'name'],
      `the cluster name ${JSON.stringify(c.name)} of project ${c.project_id}`,
    );
    const holders = new Map<string, number>();
    (c.certificates ?? []).forEach((h, j) => {
      const field = h.userId !== undefined ? 'userId' : 'agencyId';
      const id = h.userId ?? h.agencyId ?? '';
      unique(
        holders,
        `${field}:${id}`,
        [...at, 'certificates', j, field],
        `certificate holder ${field} ${id}`,
      );
    });
  });

  const cas = new Map<string, number>();
  (state.huaweicloud?.ccm?.certificate_authorities ?? []).forEach((ca, i) => {
    unique(cas, ca.ca_id, ['huaweicloud', 'ccm', 'certificate_authorities', i, 'ca_id'], `CA ${ca.ca_id}`);
  });
  checkIssuers(state, findings);

  const keys = new Map<string, number>();
  const grants = new Map<string, number>();
  (state.huaweicloud?.kms?.keys ?? []).forEach((k, i) => {
    const at = ['huaweicloud', 'kms', 'keys', i];
    unique(keys, k.key_id, [...at, 'key_id'], `key ${k.key_id}`);
    (k.grants ?? []).forEach((g, j) => {
      unique(grants, g.grant_id.toLowerCase(), [...at, 'grants', j, 'grant_id'], `grant ${g.grant_id}`);
      if (g.key_id !== undefined && g.key_id !== k.key_id) {
        findings.push(
          error(
            'emulator.mismatch',
            [...at, 'grants', j, 'key_id'],
            `grant ${g.grant_id} names key ${g.key_id} but is listed under key ${k.key_id}`,
          ),
        );
      }
    });
  });

  const sites = new Map<string, number>();
  const siteNames = new Map<string, number>();
  (state.alibabacloud?.esa?.sites ?? []).forEach((s, i) => {
    const at = ['alibabacloud', 'esa', 'sites', i];
    unique(sites, String(s.SiteId), [...at, 'SiteId'], `site ${s.SiteId}`);
    unique(siteNames, s.SiteName.toLowerCase(), [...at, 'SiteName'], `the site name ${s.SiteName}`);
    const certs = new Map<string, number>();
    (s.client_certificates ?? []).forEach((c, j) => {
      unique(certs, c.Id, [...at, 'client_certificates', j, 'Id'], `client certificate ${c.Id}`);
    });
  });

  const ack = new Map<string, number>();
  (state.alibabacloud?.ack?.clusters ?? []).forEach((c, i) => {
    const at = ['alibabacloud', 'ack', 'clusters', i];
    unique(ack, c.cluster_id, [...at, 'cluster_id'], `cluster ${c.cluster_id}`);
    const users = new Map<string, number>();
    (c.users ?? []).forEach((u, j) => {
      unique(users, u.uid, [...at, 'users', j, 'uid'], `user ${u.uid}`);
      (u.permissions ?? []).forEach((p, k) => {
        const id = p.resource_id;
        if (id === undefined || id === c.cluster_id || id === 'all-clusters') return;
        if (id.startsWith(`${c.cluster_id}/`) && id.length > c.cluster_id.length + 1) return;
        findings.push(
          error(
            'emulator.mismatch',
            [...at, 'users', j, 'permissions', k, 'resource_id'],
            `the permission's resource_id ${id} is not cluster ${c.cluster_id}, a namespace of it (${c.cluster_id}/NAMESPACE) or all-clusters`,
          ),
        );
      });
    });
  });
  checkCredentialSources(state, unique, findings);
  return findings;
}

// A CA's issuer_id names another CA of the state, of the same account when both name one, and
// following issuers from any CA never comes back to it (discover walks the chain).
function checkIssuers(state: EmulatorState, findings: Finding[]): void {
  const list = state.huaweicloud?.ccm?.certificate_authorities ?? [];
  const byId = new Map(list.map((ca) => [ca.ca_id, ca]));
  list.forEach((ca, i) => {
    const issuer = ca.issuer_id;
    // A root is its own issuer, if it names one.
    if (issuer === undefined || (ca.type === 'ROOT' && issuer === ca.ca_id)) return;
    const at = ['huaweicloud', 'ccm', 'certificate_authorities', i, 'issuer_id'];
    const parent = byId.get(issuer);
    if (parent === undefined) {
      findings.push(
        error('emulator.mismatch', at, `the issuer ${issuer} of CA ${ca.ca_id} is not a CA of the state`),
      );
      return;
    }
    if (ca.domain_id !== undefined && parent.domain_id !== undefined && ca.domain_id !== parent.domain_id) {
      findings.push(
        error(
          'emulator.mismatch',
          at,
          `the issuer ${issuer} of CA ${ca.ca_id} belongs to account ${parent.domain_id}, not ${ca.domain_id}`,
        ),
      );
      return;
    }
    // Walk up at most list.length steps: coming back to ca is a loop.
    let next: string | undefined = issuer;
    for (let steps = 0; next !== undefined && steps <= list.length; steps++) {
      if (next === ca.ca_id) {
        findings.push(error('emulator.mismatch', at, `the issuers of CA ${ca.ca_id} lead back to it`));
        return;
      }
      next = byId.get(next)?.issuer_id;
    }
  });
}

type Unique = (seen: Map<string, number>, key: string, path: (string | number)[], what: string) => void;

// The roles, providers, agencies and instances of the credential sources: unique, and what they name exists.
function checkCredentialSources(state: EmulatorState, unique: Unique, findings: Finding[]): void {
  const mismatch = (path: (string | number)[], message: string) =>
    findings.push(error('emulator.mismatch', path, message));
  const ram = state.alibabacloud?.ram;
  const roleNames = new Map<string, number>();
  const roleIds = new Map<string, number>();
  (ram?.roles ?? []).forEach((r, i) => {
    const at = ['alibabacloud', 'ram', 'roles', i];
    unique(roleNames, r.RoleName.toLowerCase(), [...at, 'RoleName'], `role ${r.RoleName}`);
    unique(roleIds, r.RoleId, [...at, 'RoleId'], `role ID ${r.RoleId}`);
    const arnName = r.Arn.slice(r.Arn.indexOf(':role/') + 6);
    if (arnName.toLowerCase() !== r.RoleName.toLowerCase()) {
      mismatch([...at, 'Arn'], `the Arn of role ${r.RoleName} names role ${arnName}`);
    }
    if (r.AssumeRolePolicyDocument !== undefined && !isPolicyDocument(r.AssumeRolePolicyDocument)) {
      mismatch(
        [...at, 'AssumeRolePolicyDocument'],
        `the trust policy of role ${r.RoleName} is not a JSON policy with a Statement list`,
      );
    }
  });
  const providers = new Map<string, number>();
  (ram?.oidc_providers ?? []).forEach((p, i) => {
    const at = ['alibabacloud', 'ram', 'oidc_providers', i];
    unique(providers, p.Arn, [...at, 'Arn'], `OIDC provider ${p.Arn}`);
  });
  const instance = state.alibabacloud?.ecs?.instance;
  if (instance?.RamRoleName !== undefined && !roleNames.has(instance.RamRoleName.toLowerCase())) {
    mismatch(
      ['alibabacloud', 'ecs', 'instance', 'RamRoleName'],
      `the instance RAM role ${instance.RamRoleName} is not a role of alibabacloud.ram.roles`,
    );
  }

  const iam = state.huaweicloud?.iam;
  const domains = new Map<string, number>();
  (iam?.domains ?? []).forEach((d, i) => {
    unique(domains, d.id, ['huaweicloud', 'iam', 'domains', i, 'id'], `account ${d.id}`);
  });
  const projects = new Map<string, number>();
  (iam?.projects ?? []).forEach((p, i) => {
    unique(projects, p.id, ['huaweicloud', 'iam', 'projects', i, 'id'], `project ${p.id}`);
  });
  const agencyIds = new Map<string, number>();
  const agencyNames = new Map<string, number>();
  (iam?.agencies ?? []).forEach((a, i) => {
    const at = ['huaweicloud', 'iam', 'agencies', i];
    unique(agencyIds, a.id, [...at, 'id'], `agency ${a.id}`);
    unique(
      agencyNames,
      `${a.domain_id}/${a.name}`,
      [...at, 'name'],
      `agency ${a.name} of account ${a.domain_id}`,
    );
  });
  const idps = new Map<string, number>();
  (iam?.identity_providers ?? []).forEach((p, i) => {
    const at = ['huaweicloud', 'iam', 'identity_providers', i];
    unique(idps, p.id, [...at, 'id'], `identity provider ${p.id}`);
    if (p.openid_connect_config.signing_key !== undefined && !isJwks(p.openid_connect_config.signing_key)) {
      mismatch(
        [...at, 'openid_connect_config', 'signing_key'],
        `the signing_key of identity provider ${p.id} is not a JSON key set with a keys list`,
      );
    }
  });
  const agency = state.huaweicloud?.ecs?.server?.metadata?.agency_name;
  if (agency !== undefined && !(iam?.agencies ?? []).some((a) => a.name === agency)) {
    mismatch(
      ['huaweicloud', 'ecs', 'server', 'metadata', 'agency_name'],
      `the server's agency ${agency} is not an agency of huaweicloud.iam.agencies`,
    );
  }
}

// A JSON object with a Statement array, as RAM keeps a trust policy.
function isPolicyDocument(text: string): boolean {
  const value = parseObject(text);
  return value !== undefined && Array.isArray(value.Statement);
}

// A JSON object with a keys array, as IAM keeps an OpenID Connect signing key.
function isJwks(text: string): boolean {
  const value = parseObject(text);
  return value !== undefined && Array.isArray(value.keys);
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
