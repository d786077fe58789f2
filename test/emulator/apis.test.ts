// Every API of the emulator over real HTTP on 127.0.0.1, on the demo seed: each success
// with the cloud's status, fields and types, each documented error with the cloud's own
// body shape, and request ids in headers and bodies.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { ack, adminCall, callHuawei, demo, esa } from '../helpers/emulator-client.js';

const P = demo.projectId;
const KEY = '0d0466b0-e727-4d9c-b35d-f84bb474a37f';
const BACKUP_KEY = 'bb6a3d22-dc93-47ac-b5bd-88df7ad35f1e';
const OTHER_KEY = '5e2f8a1c-3b4d-4e6f-8a9b-0c1d2e3f4a5b';
const GRANT = '7c9a3286af4fcca5f0a385ad13e1d21a50e27b6dbcab50f37f30f93b8939827d';
const CLUSTER = '4c1f6a2e-8b3d-11ef-9a1b-0255ac100031';
const SUB_CA = '6434f74f-2d13-4e6a-89eb-93ee313f1a43';
const ROOT_CA = '3d7b5f1c-0a9e-4c2b-8f6d-1e2a3b4c5d6e';
const SITE = 1234567890123;
const CERT = 'baba39055622c008b90285a8838ed09a';
const ACK_CLUSTER = 'c5b5e80b0b64a4bf6939d2d8fbbc5abcd';
const CONTRACTOR = '276543210987654321';

let em: RunningEmulator;
beforeEach(async () => {
  em = await startEmulator();
});
afterEach(async () => {
  await em.close();
});

const kms = (op: string, body: unknown, extra: Record<string, unknown> = {}) =>
  callHuawei(em.url, { method: 'POST', path: `/v1.0/${P}/kms/${op}`, body, projectId: P, ...extra });
const ccm = (method: string, path: string, extra: Record<string, unknown> = {}) =>
  callHuawei(em.url, {
    method,
    path: `/v1/private-certificate-authorities${path}`,
    domainId: demo.domainId,
    ...extra,
  });

async function state(): Promise<Record<string, unknown>> {
  return (await adminCall(em.url, 'GET', '/_emulator/state')).json as Record<string, unknown>;
}

describe('Huawei Cloud KMS', () => {
  it('ListGrants pages with string limit, marker, next_marker and truncated', async () => {
    const first = await kms('list-grants', { key_id: BACKUP_KEY, limit: '2' });
    expect(first.status).toBe(200);
    expect(first.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    const page1 = first.json as {
      grants: { grant_id: string; key_id: string }[];
      next_marker: string;
      truncated: string;
      total: number;
    };
    expect(page1.truncated).toBe('true');
    expect(page1.next_marker).toBe('2');
    expect(page1.total).toBe(4);
    expect(page1.grants).toHaveLength(2);
    expect(page1.grants[0]).toEqual({
      key_id: BACKUP_KEY,
      grant_id: 'a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2',
      grantee_principal: '3f2e1d0c9b8a47f6e5d4c3b2a1f0e9d8',
      grantee_principal_type: 'user',
      operations: ['encrypt-datakey'],
      name: 'old-ci-backup-1',
      creation_date: '1600000200000',
    });
    const second = await kms('list-grants', { key_id: BACKUP_KEY, limit: '2', marker: page1.next_marker });
    const page2 = second.json as typeof page1;
    expect(page2.truncated).toBe('false');
    expect(page2.next_marker).toBe('');
    expect(page2.grants.map((g) => g.grant_id)).not.toContain(page1.grants[0]?.grant_id);
    // Terraform sends limit as a number.
    expect((await kms('list-grants', { key_id: BACKUP_KEY, limit: 100 })).status).toBe(200);
  });

  it('CancelGrant by the key creator removes the grant; list-grants no longer lists it', async () => {
    const revoked = await kms('revoke-grant', { key_id: KEY, grant_id: GRANT });
    expect(revoked.status).toBe(200);
    expect(revoked.json).toEqual({});
    const list = (await kms('list-grants', { key_id: KEY })).json as { grants: { grant_id: string }[] };
    expect(list.grants.map((g) => g.grant_id)).not.toContain(GRANT);
    const again = await kms('revoke-grant', { key_id: KEY, grant_id: GRANT });
    expect(again.status).toBe(400);
    expect(again.json).toEqual({ error: { error_code: 'KMS.0310', error_msg: 'Invalid grant ID.' } });
  });

  it('CancelGrant by the token of the creator works too', async () => {
    const r = await callHuawei(em.url, {
      method: 'POST',
      path: `/v1.0/${P}/kms/revoke-grant`,
      body: { key_id: KEY, grant_id: GRANT, sequence: '919c82d4-8046-4722-9094-35c3c6524cff' },
      auth: { token: demo.token },
    });
    expect(r.status).toBe(200);
  });

  it('CancelGrant refuses whoever is not the key creator, and a grant of another key', async () => {
    const notCreator = await kms('revoke-grant', {
      key_id: OTHER_KEY,
      grant_id: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
    });
    expect(notCreator.status).toBe(403);
    expect(notCreator.json).toMatchObject({ error: { error_code: 'KMS.0303' } });
    const mismatch = await kms('revoke-grant', {
      key_id: BACKUP_KEY,
      grant_id: GRANT,
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.json).toEqual({
      error: { error_code: 'KMS.0311', error_msg: 'grant_id and key_id do not match.' },
    });
    const unknownKey = await kms('revoke-grant', {
      key_id: '00000000-0000-0000-0000-000000000000',
      grant_id: GRANT,
    });
    expect(unknownKey.status).toBe(404);
    expect(unknownKey.json).toMatchObject({ error: { error_code: 'KMS.0404' } });
  });

  it('CancelGrant validates key_id, grant_id and sequence', async () => {
    const cases: [unknown, number, string][] = [
      [{ grant_id: GRANT }, 400, 'KMS.0204'],
      [{ key_id: KEY }, 400, 'KMS.0204'],
      [{ key_id: 'NOT-A-KEY', grant_id: GRANT }, 400, 'KMS.0205'],
      [{ key_id: 42, grant_id: GRANT }, 400, 'KMS.0205'],
      [{ key_id: KEY, grant_id: 'xyz' }, 400, 'KMS.0310'],
      [{ key_id: KEY, grant_id: GRANT, sequence: 'short' }, 400, 'KMS.0206'],
      [{ key_id: KEY, grant_id: GRANT, extra: 1 }, 400, 'KMS.0202'],
    ];
    for (const [body, status, code] of cases) {
      const r = await kms('revoke-grant', body);
      expect([r.status, (r.json as { error: { error_code: string } }).error.error_code]).toEqual([
        status,
        code,
      ]);
    }
  });

  it('ListGrants validates limit and marker, and answers 404 for an unknown key', async () => {
    for (const body of [
      { key_id: KEY, limit: '0' },
      { key_id: KEY, limit: '101' },
      { key_id: KEY, limit: 'ten' },
      { key_id: KEY, limit: true },
      { key_id: KEY, marker: 'zzz' },
      { key_id: KEY, marker: '99' },
    ]) {
      const r = await kms('list-grants', body);
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ error: { error_code: 'KMS.0202' } });
    }
    expect((await kms('list-grants', {})).json).toMatchObject({ error: { error_code: 'KMS.0204' } });
    expect((await kms('list-grants', { key_id: '00000000-0000-0000-0000-000000000000' })).status).toBe(404);
  });

  it('ListRetirableGrants lists the grants the caller may retire', async () => {
    const r = await kms('list-retirable-grants', { limit: '10' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      total: 1,
      truncated: 'false',
      next_marker: '',
      grants: [{ name: 'old-ci-b', key_id: KEY }],
    });
    expect((await kms('list-retirable-grants', { key_id: KEY })).status).toBe(400);
  });

  it('refuses an X-Project-Id that is not the project of the URL', async () => {
    const r = await kms('list-grants', { key_id: KEY }, { projectId: 'ffffffffffffffffffffffffffffffff' });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: { error_code: 'KMS.0201' } });
  });
});

describe('Huawei Cloud CCM', () => {
  it('ShowCertificateAuthority returns the seed fields verbatim', async () => {
    const r = await ccm('GET', `/${SUB_CA}`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      ca_id: SUB_CA,
      type: 'SUBORDINATE',
      status: 'ACTIVED',
      path_length: 0,
      freeze_flag: 0,
      create_time: 1704067200000,
      serial_number: '1f3a5c7e9b2d4f6a',
      distinguished_name: { common_name: 'Issuing CA 2024', country: 'CN' },
    });
  });

  it('RevokeCertificateAuthority revokes an ACTIVED subordinate CA: 204, then status REVOKED', async () => {
    const r = await ccm('POST', `/${SUB_CA}/revoke`, { body: { reason: 'KEY_COMPROMISE' } });
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    expect(r.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(((await ccm('GET', `/${SUB_CA}`)).json as { status: string }).status).toBe('REVOKED');
    const again = await ccm('POST', `/${SUB_CA}/revoke`, { body: {} });
    expect(again.status).toBe(400);
    expect(again.json).toMatchObject({ error_code: 'PCA.00020301' });
  });

  it('RevokeCertificateAuthority accepts {} and refuses a root CA, other states, bad ids and bodies', async () => {
    expect((await ccm('POST', '/b7c8d9e0-1f2a-4b3c-9d4e-5f6a7b8c9d01/revoke', { body: {} })).json).toEqual({
      error_code: 'PCA.00020301',
      error_msg: 'Invalid CA status: only an ACTIVED CA can be revoked, and this one is DISABLED.',
    });
    const root = await ccm('POST', `/${ROOT_CA}/revoke`, { body: {} });
    expect([root.status, (root.json as { error_code: string }).error_code]).toEqual([400, 'PCA.00020202']);
    const badId = await ccm('POST', '/not-a-ca/revoke', { body: {} });
    expect([badId.status, (badId.json as { error_code: string }).error_code]).toEqual([400, 'PCA.00020201']);
    const missing = await ccm('POST', '/00000000-0000-4000-8000-000000000000/revoke', { body: {} });
    expect([missing.status, (missing.json as { error_code: string }).error_code]).toEqual([
      404,
      'PCA.00040001',
    ]);
    for (const body of [undefined, { reason: 'BORED' }, { why: 'x' }, '[1]']) {
      const r = await ccm('POST', `/${SUB_CA}/revoke`, body === undefined ? {} : { body });
      expect([r.status, (r.json as { error_code: string }).error_code]).toEqual([400, 'PCA.00020001']);
    }
    expect(((await ccm('GET', `/${SUB_CA}`)).json as { status: string }).status).toBe('ACTIVED');
    expect((await ccm('POST', `/${SUB_CA}/revoke`, { body: {} })).status).toBe(204);
  });

  it('ListCertificateAuthority filters, sorts and pages with offset and limit', async () => {
    const all = (await ccm('GET', '')).json as {
      total: number;
      certificate_authorities: { ca_id: string }[];
    };
    expect(all.total).toBe(6);
    expect(all.certificate_authorities[0]?.ca_id).toBe('d9e8f7a6-b5c4-4d3e-9f2a-1b0c9d8e7f63'); // newest
    const subs = (await ccm('GET', '', { query: { type: 'SUBORDINATE', status: 'ACTIVED' } })).json;
    expect(subs).toMatchObject({ total: 1, certificate_authorities: [{ ca_id: SUB_CA }] });
    const page = (await ccm('GET', '', { query: { limit: 2, offset: 4, sort_dir: 'ASC' } })).json as {
      total: number;
      certificate_authorities: unknown[];
    };
    expect(page.total).toBe(6);
    expect(page.certificate_authorities).toHaveLength(2);
    const byName = (
      await ccm('GET', '', { query: { name: 'Issuing', sort_key: 'common_name', sort_dir: 'ASC' } })
    ).json as { certificate_authorities: { distinguished_name: { common_name: string } }[] };
    expect(byName.certificate_authorities.map((c) => c.distinguished_name.common_name)).toEqual([
      'Issuing CA 2021',
      'Issuing CA 2023',
      'Issuing CA 2024',
      'Issuing CA 2025',
    ]);
    for (const query of [
      { limit: 1001 },
      { status: 'GONE' },
      { sort_key: 'x' },
      { owned_by_self: 'maybe' },
      { bogus: 1 },
    ]) {
      const r = await ccm('GET', '', { query });
      expect([r.status, (r.json as { error_code: string }).error_code]).toEqual([400, 'PCA.00020001']);
    }
  });

  it('an AK/SK call to the global CCM needs the X-Domain-Id of its account', async () => {
    const none = await callHuawei(em.url, {
      method: 'GET',
      path: `/v1/private-certificate-authorities/${SUB_CA}`,
    });
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ error_code: 'APIGW.0301', request_id: none.headers['x-request-id'] });
    const wrong = await ccm('GET', `/${SUB_CA}`, { domainId: 'ffffffffffffffffffffffffffffffff' });
    expect(wrong.status).toBe(401);
    const token = await callHuawei(em.url, {
      method: 'GET',
      path: `/v1/private-certificate-authorities/${SUB_CA}`,
      auth: { token: demo.token },
    });
    expect(token.status).toBe(200);
  });
});

describe('Huawei Cloud CCE', () => {
  const cce = (path: string, body?: unknown, method = 'POST') =>
    callHuawei(em.url, {
      method,
      path: `/api/v3/projects/${P}/clusters/${path}`,
      projectId: P,
      ...(body !== undefined ? { body } : {}),
    });

  it('ShowCluster returns the cluster', async () => {
    const r = await cce(CLUSTER, undefined, 'GET');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      kind: 'Cluster',
      apiVersion: 'v3',
      metadata: { uid: CLUSTER, name: 'prod-a' },
      spec: { type: 'VirtualMachine', flavor: 'cce.s2.small', version: 'v1.29', platformVersion: 'cce.1.0' },
      status: { phase: 'Available' },
    });
    const missing = await cce('00000000-0000-0000-0000-000000000000', undefined, 'GET');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ errorCode: 'CCE.01404001' });
  });

  it('RevokeKubernetesClusterCert marks the holder revoked: 200, no body', async () => {
    const r = await cce(`${CLUSTER}/clustercertrevoke`, { userId: '537e7a3bd0aa4c2fb2c56c5657fd908f' });
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    const agency = await cce(`${CLUSTER}/clustercertrevoke`, {
      agencyId: '8e1f2a3b4c5d6e7f8091a2b3c4d5e6f7',
    });
    expect(agency.status).toBe(200);
    const s = (await state()) as { huaweicloud: { cce: { clusters: { certificates: unknown[] }[] } } };
    expect(s.huaweicloud.cce.clusters[0]?.certificates).toEqual([
      { userId: '537e7a3bd0aa4c2fb2c56c5657fd908f', revoked: true },
      { userId: '7b1d2c3e4f5a6b7c8d9e0f1a2b3c4d5e', revoked: true },
      { agencyId: '8e1f2a3b4c5d6e7f8091a2b3c4d5e6f7', revoked: true },
    ]);
    // Repeating it answers the same.
    expect(
      (await cce(`${CLUSTER}/clustercertrevoke`, { userId: '537e7a3bd0aa4c2fb2c56c5657fd908f' })).status,
    ).toBe(200);
  });

  it('RevokeKubernetesClusterCert needs exactly one of userId and agencyId, in CCE error shape', async () => {
    for (const body of [
      {},
      { userId: 'a', agencyId: 'b' },
      { userId: 7 },
      { userId: 'a', x: 1 },
      'not json',
      '[]',
    ]) {
      const r = await cce(`${CLUSTER}/clustercertrevoke`, body);
      expect(r.status).toBe(400);
      expect((r.json as { errorCode: string }).errorCode).toBe('CCE.01400001');
      expect(typeof (r.json as { errorMessage: string }).errorMessage).toBe('string');
    }
    const missing = await cce('00000000-0000-0000-0000-000000000000/clustercertrevoke', { userId: 'a' });
    expect(missing.status).toBe(404);
  });
});

describe('Alibaba Cloud ESA', () => {
  it('GetClientCertificate returns the certificate with RequestId in header and body', async () => {
    const r = await esa(em.url, 'GetClientCertificate', { SiteId: SITE, Id: CERT });
    expect(r.status).toBe(200);
    const body = r.json as Record<string, unknown>;
    expect(body.RequestId).toBe(r.headers['x-acs-request-id']);
    expect(body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(body).toMatchObject({ SiteId: SITE, SiteName: 'example.com', Status: 'active' });
    expect(body.Result).toMatchObject({
      Id: CERT,
      Name: 'bob-phone',
      CommonName: 'phone-01.devices.example.com',
      Status: 'active',
      NotBefore: '2025-06-24 07:48:51',
    });
  });

  it('RevokeClientCertificate revokes an active certificate; then Certificate.StatusError', async () => {
    const r = await esa(em.url, 'RevokeClientCertificate', { SiteId: SITE, Id: CERT });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      SiteId: SITE,
      SiteName: 'example.com',
      Id: CERT,
      RequestId: r.headers['x-acs-request-id'],
    });
    expect(
      (
        (await esa(em.url, 'GetClientCertificate', { SiteId: SITE, Id: CERT })).json as {
          Result: { Status: string };
        }
      ).Result.Status,
    ).toBe('revoked');
    const again = await esa(em.url, 'RevokeClientCertificate', { SiteId: SITE, Id: CERT });
    expect(again.status).toBe(400);
    expect(again.json).toEqual({
      RequestId: again.headers['x-acs-request-id'],
      HostId: new URL(em.url).host,
      Code: 'Certificate.StatusError',
      Message: 'The status of the certificate is invalid.',
    });
  });

  it('answers the documented errors: MissingSiteId, Id.MissingParameter, Certificate.NotFound', async () => {
    const code = async (query: Record<string, string | number>) => {
      const r = await esa(em.url, 'RevokeClientCertificate', query);
      return [r.status, (r.json as { Code: string }).Code];
    };
    expect(await code({ Id: CERT })).toEqual([400, 'MissingSiteId']);
    expect(await code({ SiteId: SITE })).toEqual([400, 'Id.MissingParameter']);
    expect(await code({ SiteId: SITE, Id: 'nope' })).toEqual([404, 'Certificate.NotFound']);
    expect(await code({ SiteId: 999, Id: CERT })).toEqual([404, 'Site.NotFound']);
    expect(await code({ SiteId: 'abc', Id: CERT })).toEqual([400, 'InvalidParameter']);
    expect(await code({ SiteId: SITE, Id: CERT, Extra: 1 })).toEqual([400, 'InvalidParameter']);
  });

  it('ListClientCertificates pages by PageNumber and PageSize', async () => {
    const r = await esa(em.url, 'ListClientCertificates', { SiteId: SITE, PageNumber: 2, PageSize: 3 });
    expect(r.status).toBe(200);
    const body = r.json as { Result: { Id: string }[] } & Record<string, unknown>;
    expect(body).toMatchObject({
      SiteId: SITE,
      SiteName: 'example.com',
      PageNumber: 2,
      PageSize: 3,
      TotalCount: 8,
    });
    expect(body.Result.map((c) => c.Id)).toEqual([
      '2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b',
      '3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c',
      '4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d',
    ]);
    const defaults = (await esa(em.url, 'ListClientCertificates', { SiteId: SITE })).json;
    expect(defaults).toMatchObject({ PageNumber: 1, PageSize: 20, TotalCount: 8 });
    const bad = await esa(em.url, 'ListClientCertificates', { SiteId: SITE, PageSize: 0 });
    expect((bad.json as { Code: string }).Code).toBe('InvalidParameter');
  });

  it('takes the parameters of a POST from a form body too', async () => {
    const r = await esa(
      em.url,
      'GetClientCertificate',
      { SiteId: SITE },
      {
        method: 'POST',
        body: `Id=${CERT}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
    );
    expect(r.status).toBe(200);
  });
});

describe('Alibaba Cloud ACK', () => {
  const clean = (cluster: string, uid: string, query: Record<string, string> = {}) =>
    ack(
      em.url,
      'DELETE',
      `/cluster/${cluster}/user/${uid}/permissions`,
      'CleanClusterUserPermissions',
      query,
    );
  const codeOf = (r: { status: number; json: unknown }) => [r.status, (r.json as { Code: string }).Code];

  it('refuses a user active in the last 7 days without Force, cleans it with Force', async () => {
    expect(codeOf(await clean(ACK_CLUSTER, CONTRACTOR))).toEqual([400, 'ErrorUserRecentlyActive']);
    expect(codeOf(await clean(ACK_CLUSTER, CONTRACTOR, { Force: 'false' }))).toEqual([
      400,
      'ErrorUserRecentlyActive',
    ]);
    const forced = await clean(ACK_CLUSTER, CONTRACTOR, { Force: 'true' });
    expect(forced.status).toBe(200);
    expect(forced.json).toEqual({});
    expect(forced.headers['x-acs-request-id']).toMatch(/^[0-9A-F-]{36}$/);
    const states = await ack(
      em.url,
      'GET',
      `/users/${CONTRACTOR}/kubeconfig/states`,
      'ListUserKubeConfigStates',
    );
    expect((states.json as { states: { cluster_id: string; cert_state: string }[] }).states).toContainEqual({
      cluster_id: ACK_CLUSTER,
      cluster_name: 'prod-ack',
      cluster_state: 'running',
      cert_state: 'Removed',
      cert_expire_time: '2027-11-01T10:00:00Z',
    });
    const perms = (await ack(em.url, 'GET', `/permissions/users/${CONTRACTOR}`, 'DescribeUserPermission'))
      .json as {
      resource_id: string;
    }[];
    expect(perms.map((p) => p.resource_id)).toEqual(['c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a/default']);
  });

  it('cleans a user idle for more than 7 days without Force', async () => {
    expect((await clean('c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a', CONTRACTOR)).status).toBe(200);
  });

  it('always refuses the caller itself and the root account, even with Force', async () => {
    expect(codeOf(await clean(ACK_CLUSTER, '200000000000000001', { Force: 'true' }))).toEqual([
      403,
      'Forbidden.CleanCaller',
    ]);
    expect(codeOf(await clean(ACK_CLUSTER, '1000000000000001', { Force: 'true' }))).toEqual([
      403,
      'Forbidden.CleanRootAccount',
    ]);
  });

  it('answers 404 for an unknown cluster or user, 400 for a bad Force', async () => {
    expect(codeOf(await clean('cnope', CONTRACTOR, { Force: 'true' }))).toEqual([
      404,
      'ErrorClusterNotFound',
    ]);
    expect(codeOf(await clean(ACK_CLUSTER, '123', { Force: 'true' }))).toEqual([404, 'ErrorUserNotFound']);
    expect(codeOf(await clean(ACK_CLUSTER, CONTRACTOR, { Force: 'yes' }))).toEqual([400, 'InvalidParameter']);
    expect(codeOf(await clean(ACK_CLUSTER, CONTRACTOR, { Other: 'x' }))).toEqual([400, 'InvalidParameter']);
  });

  it('DescribeUserPermission answers a JSON array', async () => {
    const r = await ack(em.url, 'GET', `/permissions/users/${CONTRACTOR}`, 'DescribeUserPermission');
    expect(r.status).toBe(200);
    expect(r.json).toEqual([
      {
        resource_id: ACK_CLUSTER,
        is_owner: 0,
        is_ram_role: 0,
        role_name: 'dev',
        role_type: 'dev',
        resource_type: 'cluster',
      },
      {
        resource_id: 'c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a/default',
        is_owner: 0,
        is_ram_role: 0,
        role_name: 'dev',
        role_type: 'dev',
        resource_type: 'namespace',
      },
    ]);
    expect((await ack(em.url, 'GET', '/permissions/users/42', 'DescribeUserPermission')).json).toEqual([]);
  });

  it('ListUserKubeConfigStates pages with page_number and page_size', async () => {
    const r = await ack(em.url, 'GET', `/users/${CONTRACTOR}/kubeconfig/states`, 'ListUserKubeConfigStates', {
      page_number: 2,
      page_size: 2,
    });
    expect(r.json).toEqual({
      states: [
        {
          cluster_id: 'cf0e1d2c3b4a59687a6b5c4d3e2f1a0b9',
          cluster_name: 'legacy-ack',
          cluster_state: 'running',
          cert_state: 'Removed',
        },
      ],
      page: { page_number: 2, page_size: 2, total_count: 3 },
    });
    const bad = await ack(
      em.url,
      'GET',
      `/users/${CONTRACTOR}/kubeconfig/states`,
      'ListUserKubeConfigStates',
      {
        page_size: 101,
      },
    );
    expect(codeOf(bad)).toEqual([400, 'InvalidParameter']);
  });

  it('ListClusterKubeconfigStates lists the users of a cluster', async () => {
    const r = await ack(
      em.url,
      'GET',
      `/clusters/${ACK_CLUSTER}/kubeconfig/states`,
      'ListClusterKubeconfigStates',
      {
        pageNumber: 1,
        pageSize: 50,
      },
    );
    expect(r.status).toBe(200);
    const body = r.json as { states: Record<string, unknown>[]; page: unknown };
    expect(body.page).toEqual({ page_number: 1, page_size: 50, total_count: 4 });
    expect(body.states[0]).toEqual({
      account_id: CONTRACTOR,
      account_name: CONTRACTOR,
      account_type: 'RamUser',
      account_state: 'Active',
      cert_state: 'Unexpired',
      cert_expire_time: '2027-11-01T10:00:00Z',
      revokable: true,
    });
    expect(body.states[1]).toMatchObject({ account_id: '200000000000000001', revokable: false });
    expect(body.states[2]).toMatchObject({ account_type: 'RootAccount', revokable: false });
    const missing = await ack(
      em.url,
      'GET',
      '/clusters/cnope/kubeconfig/states',
      'ListClusterKubeconfigStates',
    );
    expect(codeOf(missing)).toEqual([404, 'ErrorClusterNotFound']);
  });

  it('refuses a wrong x-acs-version with InvalidVersion', async () => {
    const r = await callAlibabaVersion('2019-01-01');
    expect(codeOf(r)).toEqual([400, 'InvalidVersion']);
  });
});

function callAlibabaVersion(version: string) {
  return ack(em.url, 'GET', `/permissions/users/${CONTRACTOR}`, 'DescribeUserPermission', {}, { version });
}
