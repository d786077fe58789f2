// The list operations `rescind discover` reads, over real HTTP on the discover seed: KMS
// ListKeys, CCE ListClusters, CCM ListCertificateAuthority (per account), ESA ListSites and ACK
// DescribeClustersV1, with their paging, filters and the clouds' 400s, and the hostile paging
// that POST /_emulator/faults sets per operation (a repeated marker, a list that never ends, a
// list that changes between pages); and the generated large seed of discover's scale test.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import {
  type AlibabaCall,
  type Answer,
  adminCall,
  callAlibaba,
  callHuawei,
  demo,
} from '../helpers/emulator-client.js';
import { largeKmsSeed } from '../helpers/large-seed.js';
import { fixture } from '../helpers/paths.js';

const SEED = fixture('emulator/discover.yaml');
const PROD = {
  auth: { accessKey: 'DISCOVERHWPRODAK01', secretKey: 'discover-hw-prod-secret' },
  project: '7a1b2c3d4e5f40718293a4b5c6d7e8f9',
  domain: '5d1f3a9c7e2b4d6f8a0c1e3b5d7f9a1c',
};
const STAGING = {
  auth: { accessKey: 'DISCOVERHWSTAGEAK1', secretKey: 'discover-hw-staging-secret' },
  project: '8b2c3d4e5f60718293a4b5c6d7e8f90a',
  domain: '6e2a4b8d0f1c3e5a7b9d1f3a5c7e9b2d',
};
const ALI = { accessKeyId: 'DISCOVERALIAK00001', accessKeySecret: 'discover-ali-prod-secret' };
const KEY = (n: number) => `3c1e5a7b-9d2f-4b6a-8c0e-1f3a5b7c9d0${n}`;
const CA = (n: string) => `b7e1c0a2-3d4f-4a5b-8c6d-7e8f9a0b1c${n}`;

let em: RunningEmulator;
beforeAll(async () => {
  em = await startEmulator({ state: SEED });
});
afterAll(async () => {
  await em.close();
});
beforeEach(async () => {
  await adminCall(em.url, 'POST', '/_emulator/faults', {
    paging: Object.fromEntries(PAGED.map((op) => [op, null])),
  });
  await adminCall(em.url, 'POST', '/_emulator/reset');
});

const PAGED = [
  'ListKeys',
  'ListGrants',
  'ListRetirableGrants',
  'ListCertificateAuthority',
  'ListClientCertificates',
  'ListSites',
  'ListUserKubeConfigStates',
  'ListClusterKubeconfigStates',
  'DescribeClustersV1',
];

type Account = typeof PROD;
const kms = (account: Account, op: string, body: unknown) =>
  callHuawei(em.url, {
    method: 'POST',
    path: `/v1.0/${account.project}/kms/${op}`,
    body,
    auth: account.auth,
    projectId: account.project,
  });
const listKeys = (body: Record<string, unknown> = {}, account: Account = PROD) =>
  kms(account, 'list-keys', body);
const cce = (account: Account, query: Record<string, string> = {}) =>
  callHuawei(em.url, {
    method: 'GET',
    path: `/api/v3/projects/${account.project}/clusters`,
    query,
    auth: account.auth,
    projectId: account.project,
  });
const ccm = (account: Account, path: string, query: Record<string, string> = {}) =>
  callHuawei(em.url, {
    method: 'GET',
    path: `/v1/private-certificate-authorities${path}`,
    query,
    auth: account.auth,
    domainId: account.domain,
  });
const esa = (action: string, query: Record<string, string | number> = {}, extra: Partial<AlibabaCall> = {}) =>
  callAlibaba(em.url, {
    method: 'GET',
    pathname: '/',
    action,
    version: '2024-09-10',
    query,
    credentials: ALI,
    ...extra,
  });
const ack = (pathname: string, action: string, query: Record<string, string | number> = {}) =>
  callAlibaba(em.url, { method: 'GET', pathname, action, version: '2015-12-15', query, credentials: ALI });
const describeClusters = (query: Record<string, string | number> = {}) =>
  ack('/api/v1/clusters', 'DescribeClustersV1', query);

async function faults(paging: Record<string, unknown>): Promise<Answer> {
  return adminCall(em.url, 'POST', '/_emulator/faults', { paging });
}

interface KeysPage {
  keys: string[];
  key_details: Record<string, unknown>[];
  next_marker: string;
  truncated: string;
  total: number;
}

describe('KMS ListKeys', () => {
  it('lists the AES_256 keys by default, every key with key_spec ALL, as IDs and KeyDetails', async () => {
    const plain = await listKeys();
    expect(plain.status).toBe(200);
    const page = plain.json as KeysPage;
    expect(page.keys).toEqual([KEY(1), KEY(3), KEY(4), KEY(5), KEY(6)]);
    expect(page).toMatchObject({ next_marker: '', truncated: 'false', total: 5 });
    // The seed's fields verbatim, the state and spec every key has; not the emulator's own fields.
    expect(page.key_details[0]).toEqual({
      key_id: KEY(1),
      key_state: '2',
      key_spec: 'AES_256',
      key_alias: 'app/payments',
      creation_date: '1690000000000',
    });
    expect(page.key_details[1]).toMatchObject({ key_id: KEY(3), key_state: '3' });
    const all = (await listKeys({ key_spec: 'ALL' })).json as KeysPage;
    expect(all.keys).toEqual([1, 2, 3, 4, 5, 6].map(KEY));
    expect(all.key_details[1]).toMatchObject({ key_spec: 'RSA_2048', key_usage: 'SIGN_VERIFY' });
    expect(((await listKeys({ key_spec: 'RSA_2048' })).json as KeysPage).keys).toEqual([KEY(2)]);
    expect(((await listKeys({ key_spec: 'ALL', key_state: '3' })).json as KeysPage).keys).toEqual([KEY(3)]);
    // Each account lists its own project's keys.
    const staging = (await listKeys({ key_spec: 'ALL' }, STAGING)).json as KeysPage;
    expect(staging.keys).toEqual([
      '7d2f4a6c-8e0b-4d1f-a3c5-e7f9b1d3f501',
      '7d2f4a6c-8e0b-4d1f-a3c5-e7f9b1d3f502',
    ]);
  });

  it('pages by limit and marker, strings both, to the last page', async () => {
    const seen: string[] = [];
    let marker: string | undefined;
    const pages: KeysPage[] = [];
    do {
      const answer = await listKeys({ key_spec: 'ALL', limit: '4', ...(marker ? { marker } : {}) });
      expect(answer.status).toBe(200);
      const page = answer.json as KeysPage;
      pages.push(page);
      seen.push(...page.keys);
      marker = page.truncated === 'true' ? page.next_marker : undefined;
    } while (marker !== undefined);
    expect(pages.map((p) => [p.keys.length, p.next_marker, p.truncated, p.total])).toEqual([
      [4, '4', 'true', 6],
      [2, '', 'false', 6],
    ]);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6].map(KEY));
  });

  it('refuses bad parameters with 400 in KMS shape', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ limit: '2001' }, 'KMS.0202'],
      [{ limit: '0' }, 'KMS.0202'],
      [{ marker: '2' }, 'KMS.0202'], // marker goes with limit
      [{ limit: '2', marker: '99' }, 'KMS.0202'],
      [{ key_state: '6' }, 'KMS.0202'],
      [{ key_spec: 'AES_128' }, 'KMS.0202'],
      [{ keyspec: 'ALL' }, 'KMS.0202'],
      [{ sequence: 'short' }, 'KMS.0206'],
    ];
    for (const [body, code] of cases) {
      const answer = await listKeys(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json).toMatchObject({ error: { error_code: code } });
    }
    const other = await callHuawei(em.url, {
      method: 'POST',
      path: `/v1.0/${PROD.project}/kms/list-keys`,
      body: {},
      auth: PROD.auth,
      projectId: STAGING.project,
    });
    expect(other.json).toMatchObject({ error: { error_code: 'KMS.0201' } });
  });
});

describe('CCE ListClusters', () => {
  it('answers every cluster of the project as ShowCluster does, unpaged, filtered by status, type and version', async () => {
    const answer = await cce(PROD);
    expect(answer.status).toBe(200);
    const list = answer.json as { kind: string; apiVersion: string; items: Record<string, unknown>[] };
    expect(list.kind).toBe('Cluster');
    expect(list.apiVersion).toBe('v3');
    expect(list.items.map((c) => (c.metadata as { name: string }).name)).toEqual(['prod-a', 'staging-a']);
    const shown = await callHuawei(em.url, {
      method: 'GET',
      path: `/api/v3/projects/${PROD.project}/clusters/4c1f6a2e-8b3d-11ef-9a1b-0255ac1000a1`,
      auth: PROD.auth,
      projectId: PROD.project,
    });
    expect(list.items[0]).toEqual(shown.json);
    const names = async (query: Record<string, string>) =>
      ((await cce(PROD, query)).json as { items: { metadata: { name: string } }[] }).items.map(
        (c) => c.metadata.name,
      );
    expect(await names({ status: 'Hibernation' })).toEqual(['staging-a']);
    expect(await names({ type: 'VirtualMachine' })).toEqual(['prod-a']);
    expect(await names({ version: 'v1.28' })).toEqual(['staging-a']);
    expect(await names({ status: 'Deleting' })).toEqual([]);
    expect(await names({ detail: 'true' })).toEqual(['prod-a', 'staging-a']);
    expect(((await cce(STAGING)).json as { items: unknown[] }).items).toHaveLength(1);
    for (const query of [{ status: 'Running' }, { type: 'x86' }, { limit: '10' }]) {
      const bad = await cce(PROD, query);
      expect(bad.status).toBe(400);
      expect(bad.json).toMatchObject({ errorCode: 'CCE.01400001' });
    }
  });
});

describe('CCM ListCertificateAuthority', () => {
  it("answers the caller's account's CAs only, paged by offset and limit (default 10)", async () => {
    const first = (await ccm(PROD, '')).json as {
      total: number;
      certificate_authorities: { ca_id: string }[];
    };
    expect(first.total).toBe(12);
    expect(first.certificate_authorities).toHaveLength(10);
    const rest = (await ccm(PROD, '', { offset: '10' })).json as typeof first;
    expect(rest.certificate_authorities).toHaveLength(2);
    const ids = [...first.certificate_authorities, ...rest.certificate_authorities].map((c) => c.ca_id);
    expect(new Set(ids).size).toBe(12);
    expect(ids.every((id) => id.startsWith('b7e1c0a2-'))).toBe(true);
    const staging = (await ccm(STAGING, '', { limit: '1000' })).json as typeof first;
    expect(staging.certificate_authorities.map((c) => c.ca_id)).toEqual([
      'd4c3b2a1-0f9e-4d8c-9b7a-6f5e4d3c2b02',
      'd4c3b2a1-0f9e-4d8c-9b7a-6f5e4d3c2b01',
    ]);
    // Another account's CA is not found, as if it did not exist.
    const hidden = await ccm(STAGING, `/${CA('02')}`);
    expect(hidden.status).toBe(404);
    expect(hidden.json).toMatchObject({ error_code: 'PCA.00040001' });
    expect((await ccm(PROD, `/${CA('02')}`)).json).toMatchObject({
      issuer_id: CA('01'),
      domain_id: PROD.domain,
    });
  });

  it('filters by type and status; has no issuer filter (the API has none), so issuer_id is refused', async () => {
    const active = (await ccm(PROD, '', { type: 'SUBORDINATE', status: 'ACTIVED', limit: '100' })).json as {
      total: number;
      certificate_authorities: { ca_id: string; issuer_id: string }[];
    };
    expect(active.total).toBe(6);
    const refused = await ccm(PROD, '', { issuer_id: CA('02') });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ error_code: 'PCA.00020001' });
  });
});

describe('ESA ListSites', () => {
  it('lists the sites with their seed fields, paged by PageNumber and PageSize (default 500)', async () => {
    const answer = await esa('ListSites');
    expect(answer.status).toBe(200);
    const body = answer.json as {
      PageNumber: number;
      PageSize: number;
      TotalCount: number;
      Sites: Record<string, unknown>[];
    };
    expect(body).toMatchObject({ PageNumber: 1, PageSize: 500, TotalCount: 4 });
    expect(body.Sites.map((s) => s.SiteName)).toEqual([
      'example.com',
      'example.org',
      'example.net',
      'example.dev',
    ]);
    expect(body.Sites[0]).toEqual({
      SiteId: 7000000000001,
      SiteName: 'example.com',
      Status: 'active',
      AccessType: 'NS',
      Coverage: 'global',
      CreateTime: '2025-01-10T02:00:00Z',
    });
    const second = (await esa('ListSites', { PageNumber: 2, PageSize: 3 })).json as typeof body;
    expect(second).toMatchObject({ PageNumber: 2, PageSize: 3, TotalCount: 4 });
    expect(second.Sites.map((s) => s.SiteId)).toEqual([7000000000004]);
  });

  it('filters by SiteName (exact, prefix, suffix, fuzzy), Status, AccessType and Coverage', async () => {
    const names = async (query: Record<string, string>) =>
      ((await esa('ListSites', query)).json as { Sites: { SiteName: string }[] }).Sites.map(
        (s) => s.SiteName,
      );
    expect(await names({ SiteName: 'example' })).toEqual([]);
    expect(await names({ SiteName: 'example', SiteSearchType: 'prefix' })).toHaveLength(4);
    expect(await names({ SiteName: '.org', SiteSearchType: 'suffix' })).toEqual(['example.org']);
    expect(await names({ SiteName: 'e.n', SiteSearchType: 'fuzzy' })).toEqual(['example.net']);
    expect(await names({ Status: 'pending' })).toEqual(['example.net']);
    expect(await names({ AccessType: 'CNAME', Coverage: 'global' })).toEqual(['example.dev']);
  });

  it('refuses a bad page, an unknown parameter and the filters it does not serve', async () => {
    for (const query of [
      { PageSize: 501 },
      { PageSize: 0 },
      { PageNumber: 0 },
      { SiteSearchType: 'regex' },
      { Nope: 1 },
      { OnlyEnterprise: 'true' },
    ]) {
      const answer = await esa('ListSites', query);
      expect(answer.status, JSON.stringify(query)).toBe(400);
      expect(answer.json).toMatchObject({ Code: 'InvalidParameter' });
    }
  });
});

describe('ACK DescribeClustersV1', () => {
  it('lists the clusters with their seed fields but users, paged by page_number and page_size (default 10)', async () => {
    const answer = await describeClusters();
    expect(answer.status).toBe(200);
    const body = answer.json as { clusters: Record<string, unknown>[]; page_info: Record<string, number> };
    expect(body.page_info).toEqual({ page_number: 1, page_size: 10, total_count: 5 });
    expect(body.clusters.map((c) => c.name)).toEqual([
      'prod-ack',
      'staging-ack',
      'legacy-ack',
      'dev-ack',
      'edge-ack',
    ]);
    expect(body.clusters[0]).toEqual({
      cluster_id: 'c2a8a5b8bacb9db57b7cbdf09902d0d18',
      name: 'prod-ack',
      cluster_type: 'ManagedKubernetes',
      cluster_spec: 'ack.pro.small',
      region_id: 'cn-hangzhou',
      state: 'running',
    });
    expect(body.clusters[1]).toMatchObject({ state: 'running' });
    expect(body.clusters[4]).toMatchObject({ state: 'failed' });
    const page = (await describeClusters({ page_number: 2, page_size: 2 })).json as typeof body;
    expect(page.page_info).toEqual({ page_number: 2, page_size: 2, total_count: 5 });
    expect(page.clusters.map((c) => c.name)).toEqual(['legacy-ack', 'dev-ack']);
    const managed = (await describeClusters({ cluster_type: 'ManagedKubernetes', region_id: 'cn-hangzhou' }))
      .json as typeof body;
    expect(managed.clusters.map((c) => c.name)).toEqual(['prod-ack', 'staging-ack', 'edge-ack']);
    expect(((await describeClusters({ profile: 'Serverless' })).json as typeof body).clusters).toHaveLength(
      1,
    );
  });

  it('refuses a bad page and an unknown parameter', async () => {
    for (const query of [
      { page_size: 101 },
      { page_number: 0 },
      { PageSize: 10 },
      { ClusterType: 'Kubernetes' },
    ]) {
      const answer = await describeClusters(query);
      expect(answer.status, JSON.stringify(query)).toBe(400);
      expect(answer.json).toMatchObject({ Code: 'InvalidParameter' });
    }
  });

  it('counts each new operation under its name in the stats', async () => {
    await listKeys();
    await cce(PROD);
    await esa('ListSites');
    await describeClusters();
    const stats = (await adminCall(em.url, 'GET', '/_emulator/stats')).json as {
      requests: Record<string, number>;
    };
    expect(stats.requests).toEqual({ ListKeys: 1, ListClusters: 1, ListSites: 1, DescribeClustersV1: 1 });
  });
});

describe('hostile paging (POST /_emulator/faults {"paging": …})', () => {
  it('repeat: from the second page on, the same marker comes back with the same page', async () => {
    expect((await faults({ ListKeys: { fault: 'repeat' } })).json).toMatchObject({
      paging: { ListKeys: { fault: 'repeat', afterPages: 1 } },
    });
    const first = (await listKeys({ key_spec: 'ALL', limit: '2' })).json as KeysPage;
    expect([first.keys, first.next_marker]).toEqual([[KEY(1), KEY(2)], '2']);
    for (let i = 0; i < 3; i++) {
      const again = (await listKeys({ key_spec: 'ALL', limit: '2', marker: '2' })).json as KeysPage;
      expect([again.keys, again.next_marker, again.truncated]).toEqual([[KEY(3), KEY(4)], '2', 'true']);
    }
    // An offset list serves the page where the fault began, whatever offset is asked.
    await faults({ ListCertificateAuthority: { fault: 'repeat', afterPages: 0 } });
    const a = (await ccm(PROD, '', { limit: '5' })).json as { certificate_authorities: { ca_id: string }[] };
    const b = (await ccm(PROD, '', { limit: '5', offset: '5' })).json as typeof a;
    expect(b.certificate_authorities).toEqual(a.certificate_authorities);
  });

  it('endless: every page is full and truncated, with a new marker and a growing total, forever', async () => {
    await faults({ ListGrants: { fault: 'endless' } });
    let marker: string | undefined;
    const markers: string[] = [];
    for (let i = 0; i < 6; i++) {
      const answer = await kms(PROD, 'list-grants', {
        key_id: KEY(1),
        limit: '3',
        ...(marker ? { marker } : {}),
      });
      expect(answer.status).toBe(200);
      const page = answer.json as {
        grants: unknown[];
        next_marker: string;
        truncated: string;
        total: number;
      };
      expect(page.grants).toHaveLength(3);
      expect(page.truncated).toBe('true');
      markers.push(page.next_marker);
      marker = page.next_marker;
    }
    expect(markers).toEqual(['3', '6', '9', '12', '15', '18']);
    // The same for a page-number list: TotalCount always one more than read so far.
    await faults({ ListSites: { fault: 'endless', afterPages: 0 } });
    const sites = (await esa('ListSites', { PageNumber: 7, PageSize: 2 })).json as {
      TotalCount: number;
      Sites: unknown[];
    };
    expect(sites.Sites).toHaveLength(2);
    expect(sites.TotalCount).toBe(15);
  });

  it('shrink: one item leaves the front of the list at each page, so the next page skips one', async () => {
    await faults({ DescribeClustersV1: { fault: 'shrink' } });
    const names = async (page: number) => {
      const body = (await describeClusters({ page_number: page, page_size: 2 })).json as {
        clusters: { name: string }[];
        page_info: { total_count: number };
      };
      return [body.clusters.map((c) => c.name), body.page_info.total_count];
    };
    expect(await names(1)).toEqual([['prod-ack', 'staging-ack'], 5]);
    expect(await names(2)).toEqual([['dev-ack', 'edge-ack'], 4]);
    expect(await names(3)).toEqual([[], 3]);
    // The state is untouched: only the pages change.
    const state = (await adminCall(em.url, 'GET', '/_emulator/state')).json as {
      alibabacloud: { ack: { clusters: unknown[] } };
    };
    expect(state.alibabacloud.ack.clusters).toHaveLength(5);
  });

  it('reset restarts the page counts, null removes a fault, and bad settings are refused', async () => {
    await faults({ ListKeys: { fault: 'endless', afterPages: 1 } });
    expect(((await listKeys({ limit: '100' })).json as KeysPage).truncated).toBe('false');
    expect(((await listKeys({ limit: '100' })).json as KeysPage).truncated).toBe('true');
    await adminCall(em.url, 'POST', '/_emulator/reset');
    expect(((await listKeys({ limit: '100' })).json as KeysPage).truncated).toBe('false');
    expect((await faults({ ListKeys: null })).json).toMatchObject({ paging: {} });
    expect(((await listKeys({ limit: '100' })).json as KeysPage).truncated).toBe('false');
    expect((await adminCall(em.url, 'GET', '/_emulator/faults')).json).toMatchObject({
      paging: {},
      errorRate: 0,
    });
    for (const paging of [
      [],
      { ListClusters: { fault: 'endless' } },
      { CancelGrant: { fault: 'endless' } },
      { ListKeys: { fault: 'forever' } },
      { ListKeys: { fault: 'endless', afterPages: -1 } },
      { ListKeys: { fault: 'endless', afterPages: 1.5 } },
      { ListKeys: { fault: 'endless', every: 2 } },
      { ListKeys: 'endless' },
    ]) {
      const answer = await faults(paging as Record<string, unknown>);
      expect(answer.status, JSON.stringify(paging)).toBe(400);
      expect(typeof (answer.json as { error: string }).error).toBe('string');
    }
    // A refused update changes nothing, not even the numeric settings sent with it.
    const mixed = await adminCall(em.url, 'POST', '/_emulator/faults', {
      errorRate: 0.5,
      paging: { Nope: null },
    });
    expect(mixed.status).toBe(400);
    expect((await adminCall(em.url, 'GET', '/_emulator/faults')).json).toMatchObject({ errorRate: 0 });
  });

  it('can be set when the emulator starts', async () => {
    const other = await startEmulator({
      state: SEED,
      paging: { ListSites: { fault: 'endless', afterPages: 0 } },
    });
    try {
      const answer = await callAlibaba(other.url, {
        method: 'GET',
        pathname: '/',
        action: 'ListSites',
        version: '2024-09-10',
        query: { PageSize: 4 },
        credentials: ALI,
      });
      expect(answer.json).toMatchObject({ TotalCount: 5 });
    } finally {
      await other.close();
    }
    await expect(
      startEmulator({ state: SEED, paging: { ListClusters: { fault: 'endless', afterPages: 0 } } }),
    ).rejects.toThrow(RangeError);
  });
});

describe('the large seed of discover (5,000 keys of 20 grants)', () => {
  it('loads, and reads in the pages it states: 3 ListKeys at limit 2000, 1 ListGrants per key', async () => {
    const large = largeKmsSeed();
    expect(large.expected).toHaveLength(100);
    const big = await startEmulator({ state: large.state });
    try {
      const call = (op: string, body: Record<string, unknown>) =>
        callHuawei(big.url, {
          method: 'POST',
          path: `/v1.0/${demo.projectId}/kms/${op}`,
          body,
          projectId: demo.projectId,
        });
      const ids: string[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const page = (
          await call('list-keys', { key_spec: 'ALL', limit: '2000', ...(marker ? { marker } : {}) })
        ).json as KeysPage;
        pages++;
        ids.push(...page.keys);
        marker = page.truncated === 'true' ? page.next_marker : undefined;
      } while (marker !== undefined && pages < 10);
      expect(pages).toBe(large.pages.ListKeys);
      expect(new Set(ids).size).toBe(5000);
      expect(((await call('list-keys', { limit: '1' })).json as KeysPage).total).toBe(4500);
      const first = large.expected[0];
      const grants = (await call('list-grants', { key_id: first?.keyId })).json as {
        grants: { grant_id: string; grantee_principal: string }[];
        truncated: string;
      };
      expect(grants.truncated).toBe('false');
      expect(grants.grants).toHaveLength(20);
      expect(
        grants.grants.filter((g) => g.grantee_principal === large.principal).map((g) => g.grant_id),
      ).toEqual([first?.grantId]);
    } finally {
      await big.close();
    }
  });
});
