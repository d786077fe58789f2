// Rules of an emulator state beyond its schema: every credential, resource and
// grant id appears once, and a grant names its own key. Pure: data in, findings out.

import { error, type Finding } from '../diagnostics/finding.js';
import type { EmulatorState } from './state.js';

/**
 * checkEmulatorState returns the findings of the seed rules beyond the schema: every
 * credential, resource and grant id appears once, and a grant names its own key.
 * It needs schema-valid data.
 */
export function checkEmulatorState(state: EmulatorState): Finding[] {
  const findings: Finding[] = [];
  const unique = (seen: Map<string, number>, key: string, path: (string | number)[], what: string) => {
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
  (state.huaweicloud?.cce?.clusters ?? []).forEach((c, i) => {
    const at = ['huaweicloud', 'cce', 'clusters', i];
    unique(cce, `${c.project_id}/${c.cluster_id}`, [...at, 'cluster_id'], `cluster ${c.cluster_id}`);
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
  (state.alibabacloud?.esa?.sites ?? []).forEach((s, i) => {
    const at = ['alibabacloud', 'esa', 'sites', i];
    unique(sites, String(s.SiteId), [...at, 'SiteId'], `site ${s.SiteId}`);
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
    });
  });
  return findings;
}
