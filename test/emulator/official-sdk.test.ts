// The clouds' official Node SDKs, pointed at the emulator, are accepted and answered: the
// Huawei Cloud SDK core (AK/SK signing) with the generated CCE client and the request shapes
// of the generated KMS and CCM clients (not published on npm), and the generated Alibaba
// Cloud ESA (RPC) and ACK (ROA) clients on @alicloud/openapi-core. Each list operation that
// discover reads is called and its answer read through the SDK's own models.

import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { adminCall, demo } from '../helpers/emulator-client.js';

const require = createRequire(import.meta.url);

// Typed views of the CommonJS SDK modules: only what this test calls.
interface HuaweiResponse {
  httpStatusCode?: number;
  [field: string]: unknown;
}
interface HcClientLike {
  withCredential(credential: unknown): HcClientLike;
  withEndpoints(endpoints: string[]): HcClientLike;
  sendRequest(options: Record<string, unknown>): Promise<HuaweiResponse>;
}
const { HcClient } = require('@huaweicloud/huaweicloud-sdk-core/HcClient') as {
  HcClient: new (http: unknown) => HcClientLike;
};
const { DefaultHttpClient } = require('@huaweicloud/huaweicloud-sdk-core/http/DefaultHttpClient') as {
  DefaultHttpClient: new (options: Record<string, unknown>, endpoints: string[]) => unknown;
};
const { BasicCredentials } = require('@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials') as {
  BasicCredentials: new () => {
    withAk(ak: string): { withSk(sk: string): { withProjectId(p: string): unknown } };
  };
};
const { GlobalCredentials } = require('@huaweicloud/huaweicloud-sdk-core/auth/GlobalCredentials') as {
  GlobalCredentials: new () => {
    withAk(ak: string): { withSk(sk: string): { withDomainId(d: string): unknown } };
  };
};
const { CceClient } = require('@huaweicloud/huaweicloud-sdk-cce/v3/CceClient') as {
  CceClient: new (
    client: HcClientLike,
  ) => {
    showCluster(request: Record<string, unknown>): Promise<HuaweiResponse>;
    listClusters(request: unknown): Promise<HuaweiResponse>;
  };
};
const { ListClustersRequest } = require('@huaweicloud/huaweicloud-sdk-cce/v3/model/ListClustersRequest') as {
  ListClustersRequest: new () => { withStatus(status: string): unknown };
};

interface AlibabaConfig {
  accessKeyId: string;
  accessKeySecret: string;
  endpoint: string;
  protocol: string;
  regionId: string;
}
const openapi = require('@alicloud/openapi-core') as {
  $OpenApiUtil: { Config: new (c: AlibabaConfig) => unknown };
};
type Model = new (map: Record<string, unknown>) => unknown;
const esaSdk = require('@alicloud/esa20240910') as {
  default: new (
    config: unknown,
  ) => {
    getClientCertificate(req: unknown): Promise<{ statusCode: number; body: Record<string, unknown> }>;
    revokeClientCertificate(req: unknown): Promise<{ statusCode: number; body: Record<string, unknown> }>;
    listClientCertificates(req: unknown): Promise<{ statusCode: number; body: Record<string, unknown> }>;
    listSites(req: unknown): Promise<{ statusCode: number; body: Record<string, unknown> }>;
  };
  GetClientCertificateRequest: Model;
  RevokeClientCertificateRequest: Model;
  ListClientCertificatesRequest: Model;
  ListSitesRequest: Model;
};
const csSdk = require('@alicloud/cs20151215') as {
  default: new (
    config: unknown,
  ) => {
    cleanClusterUserPermissions(cluster: string, uid: string, req: unknown): Promise<{ statusCode: number }>;
    describeUserPermission(uid: string): Promise<{ statusCode: number; body: unknown[] }>;
    listUserKubeConfigStates(
      uid: string,
      req: unknown,
    ): Promise<{ statusCode: number; body: { states: unknown[] } }>;
    listClusterKubeconfigStates(
      cluster: string,
      req: unknown,
    ): Promise<{ statusCode: number; body: { states: unknown[] } }>;
    describeClustersV1(req: unknown): Promise<{ statusCode: number; body: Record<string, unknown> }>;
  };
  CleanClusterUserPermissionsRequest: Model;
  DescribeClustersV1Request: Model;
  ListUserKubeConfigStatesRequest: Model;
  ListClusterKubeconfigStatesRequest: Model;
};

const openapiClient = require('@alicloud/openapi-client') as {
  default: new (
    config: unknown,
  ) => {
    callApi(
      params: unknown,
      request: unknown,
      runtime: unknown,
    ): Promise<{ statusCode: number; body: Record<string, unknown> }>;
  };
  Config: new (c: AlibabaConfig) => unknown;
  Params: Model;
  OpenApiRequest: Model;
};
const teaUtil = require('@alicloud/tea-util') as { RuntimeOptions: Model };

let em: RunningEmulator;
beforeAll(async () => {
  em = await startEmulator();
});
afterAll(async () => {
  await em.close();
});

// HcClient wired as ClientBuilder.build() wires it (ClientBuilder itself needs an undeclared dependency).
function huawei(credentials: unknown): HcClientLike {
  const http = new DefaultHttpClient({ headers: { 'User-Agent': 'huaweicloud-usdk-nodejs/3.0' } }, [em.url]);
  return new HcClient(http).withCredential(credentials).withEndpoints([em.url]);
}
const projectCredentials = () =>
  new BasicCredentials()
    .withAk(demo.huawei.accessKey)
    .withSk(demo.huawei.secretKey)
    .withProjectId(demo.projectId);
const globalCredentials = () =>
  new GlobalCredentials()
    .withAk(demo.huawei.accessKey)
    .withSk(demo.huawei.secretKey)
    .withDomainId(demo.domainId);

async function requests(): Promise<Record<string, number>> {
  return ((await adminCall(em.url, 'GET', '/_emulator/stats')).json as { requests: Record<string, number> })
    .requests;
}

describe('Huawei Cloud SDK (@huaweicloud/huaweicloud-sdk-core, -cce)', () => {
  it('CceClient.showCluster (generated client, GET with a {} body) is accepted', async () => {
    const cce = new CceClient(huawei(projectCredentials()));
    const cluster = await cce.showCluster({ cluster_id: '4c1f6a2e-8b3d-11ef-9a1b-0255ac100031' });
    expect(cluster.httpStatusCode).toBe(200);
    expect(cluster.metadata).toMatchObject({ name: 'prod-a' });
  });

  it('RevokeKubernetesClusterCert, in the generated client request shape, is accepted', async () => {
    const res = await huawei(projectCredentials()).sendRequest({
      method: 'POST',
      url: '/api/v3/projects/{project_id}/clusters/{cluster_id}/clustercertrevoke',
      contentType: 'application/json',
      queryParams: {},
      pathParams: { cluster_id: '4c1f6a2e-8b3d-11ef-9a1b-0255ac100031' },
      headers: { 'Content-Type': 'application/json' },
      data: { userId: '537e7a3bd0aa4c2fb2c56c5657fd908f' },
    });
    expect(res.httpStatusCode).toBe(200);
  });

  it('KMS ListGrants and CancelGrant (KmsClient request shapes) are accepted', async () => {
    const kms = huawei(projectCredentials());
    const grants = await kms.sendRequest({
      method: 'POST',
      url: '/v1.0/{project_id}/kms/list-grants',
      contentType: 'application/json;charset=UTF-8',
      queryParams: {},
      pathParams: {},
      headers: { 'Content-Type': 'application/json;charset=UTF-8' },
      data: { key_id: '0d0466b0-e727-4d9c-b35d-f84bb474a37f', limit: '2' },
    });
    expect(grants.httpStatusCode).toBe(200);
    expect(grants).toMatchObject({ truncated: 'true', next_marker: '2', total: 5 });
    const revoked = await kms.sendRequest({
      method: 'POST',
      url: '/v1.0/{project_id}/kms/revoke-grant',
      contentType: 'application/json;charset=UTF-8',
      queryParams: {},
      pathParams: {},
      headers: { 'Content-Type': 'application/json;charset=UTF-8' },
      data: {
        key_id: '0d0466b0-e727-4d9c-b35d-f84bb474a37f',
        grant_id: '7c9a3286af4fcca5f0a385ad13e1d21a50e27b6dbcab50f37f30f93b8939827d',
      },
    });
    expect(revoked.httpStatusCode).toBe(200);
  });

  it('CCM ShowCertificateAuthority and RevokeCertificateAuthority (global credentials) are accepted', async () => {
    const ccm = huawei(globalCredentials());
    const ca = await ccm.sendRequest({
      method: 'GET',
      url: '/v1/private-certificate-authorities/{ca_id}',
      contentType: 'application/json',
      queryParams: {},
      pathParams: { ca_id: '6434f74f-2d13-4e6a-89eb-93ee313f1a43' },
      headers: {},
    });
    expect(ca.httpStatusCode).toBe(200);
    expect(ca.status).toBe('ACTIVED');
    const revoked = await ccm.sendRequest({
      method: 'POST',
      url: '/v1/private-certificate-authorities/{ca_id}/revoke',
      contentType: 'application/json',
      queryParams: {},
      pathParams: { ca_id: '6434f74f-2d13-4e6a-89eb-93ee313f1a43' },
      headers: { 'Content-Type': 'application/json' },
      data: { reason: 'KEY_COMPROMISE' },
    });
    expect(revoked.httpStatusCode).toBe(204);
    expect(await requests()).toMatchObject({ ShowCertificateAuthority: 1, RevokeCertificateAuthority: 1 });
  });

  it('CceClient.listClusters (generated client, ListClustersRequest) reads the items', async () => {
    const cce = new CceClient(huawei(projectCredentials()));
    const all = await cce.listClusters(new ListClustersRequest());
    expect(all.httpStatusCode).toBe(200);
    expect(all.kind).toBe('Cluster');
    const items = all.items as { metadata: { uid: string; name: string }; spec: { type: string } }[];
    expect(items.map((c) => c.metadata.name)).toEqual(['prod-a', 'staging-a']);
    expect(items[0]?.metadata.uid).toBe('4c1f6a2e-8b3d-11ef-9a1b-0255ac100031');
    const available = await cce.listClusters(new ListClustersRequest().withStatus('Available'));
    expect((available.items as unknown[]).length).toBe(2);
    expect(await requests()).toMatchObject({ ListClusters: 2 });
  });

  it('KMS ListKeys (KmsClient.listKeys request shape, body ListKeysRequestBody) pages to the end', async () => {
    const kms = huawei(projectCredentials());
    const ids: string[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await kms.sendRequest({
        method: 'POST',
        url: '/v1.0/{project_id}/kms/list-keys',
        contentType: 'application/json;charset=UTF-8',
        queryParams: {},
        pathParams: {},
        headers: { 'Content-Type': 'application/json;charset=UTF-8' },
        data: { limit: '2', key_spec: 'ALL', ...(marker !== undefined ? { marker } : {}) },
      });
      expect(res.httpStatusCode).toBe(200);
      ids.push(...(res.keys as string[]));
      expect((res.key_details as { key_id: string }[]).map((k) => k.key_id)).toEqual(res.keys);
      expect(res.total).toBe(3);
      if (res.truncated === 'false') break;
      marker = res.next_marker as string;
    }
    expect(ids).toEqual([
      '0d0466b0-e727-4d9c-b35d-f84bb474a37f',
      'bb6a3d22-dc93-47ac-b5bd-88df7ad35f1e',
      '5e2f8a1c-3b4d-4e6f-8a9b-0c1d2e3f4a5b',
    ]);
    expect(await requests()).toMatchObject({ ListKeys: 2 });
  });

  it('CCM ListCertificateAuthority (CcmClient request shape: limit and offset in the query) pages by offset', async () => {
    const ccm = huawei(globalCredentials());
    const list = (offset: number) =>
      ccm.sendRequest({
        method: 'GET',
        url: '/v1/private-certificate-authorities',
        contentType: 'application/json',
        queryParams: { limit: 4, offset, type: 'SUBORDINATE' },
        pathParams: {},
        headers: {},
      });
    const first = await list(0);
    const second = await list(4);
    expect(first.httpStatusCode).toBe(200);
    expect([first.total, second.total]).toEqual([5, 5]);
    const cas = [
      ...(first.certificate_authorities as { ca_id: string; type: string }[]),
      ...(second.certificate_authorities as { ca_id: string; type: string }[]),
    ];
    expect(cas).toHaveLength(5);
    expect(cas.every((ca) => ca.type === 'SUBORDINATE')).toBe(true);
  });

  it('a wrong secret is refused with the SDK reading APIGW.0301', async () => {
    const bad = new BasicCredentials()
      .withAk(demo.huawei.accessKey)
      .withSk('wrong')
      .withProjectId(demo.projectId);
    const error = await new CceClient(huawei(bad))
      .showCluster({ cluster_id: '4c1f6a2e-8b3d-11ef-9a1b-0255ac100031' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ httpStatusCode: 401, errorCode: 'APIGW.0301' });
  });
});

describe('Alibaba Cloud SDKs (@alicloud/esa20240910, @alicloud/cs20151215)', () => {
  const config = () =>
    new openapi.$OpenApiUtil.Config({
      accessKeyId: demo.alibaba.accessKeyId,
      accessKeySecret: demo.alibaba.accessKeySecret,
      endpoint: new URL(em.url).host,
      protocol: 'HTTP',
      regionId: 'cn-hangzhou',
    });

  it('ESA GetClientCertificate, ListClientCertificates and RevokeClientCertificate are accepted', async () => {
    const esa = new esaSdk.default(config());
    const site = 1234567890123;
    const got = await esa.getClientCertificate(
      new esaSdk.GetClientCertificateRequest({ siteId: site, id: 'baba39055622c008b90285a8838ed09a' }),
    );
    expect(got.statusCode).toBe(200);
    expect(got.body).toMatchObject({
      siteId: site,
      status: 'active',
      result: { commonName: 'phone-01.devices.example.com' },
    });
    const list = await esa.listClientCertificates(
      new esaSdk.ListClientCertificatesRequest({ siteId: site, pageSize: 5 }),
    );
    expect(list.body).toMatchObject({ totalCount: 8, pageSize: 5 });
    const revoked = await esa.revokeClientCertificate(
      new esaSdk.RevokeClientCertificateRequest({ siteId: site, id: 'baba39055622c008b90285a8838ed09a' }),
    );
    expect(revoked.body).toMatchObject({ id: 'baba39055622c008b90285a8838ed09a', siteName: 'example.com' });
    const again = await esa
      .revokeClientCertificate(
        new esaSdk.RevokeClientCertificateRequest({ siteId: site, id: 'baba39055622c008b90285a8838ed09a' }),
      )
      .catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 'Certificate.StatusError', statusCode: 400 });
  });

  it('ESA ListSites (generated client) reads the sites and TotalCount', async () => {
    const esa = new esaSdk.default(config());
    const sites = await esa.listSites(new esaSdk.ListSitesRequest({ pageNumber: 1, pageSize: 10 }));
    expect(sites.statusCode).toBe(200);
    expect(sites.body).toMatchObject({ pageNumber: 1, pageSize: 10, totalCount: 1 });
    expect(sites.body.sites).toEqual([
      expect.objectContaining({ siteId: 1234567890123, siteName: 'example.com' }),
    ]);
    const none = await esa.listSites(
      new esaSdk.ListSitesRequest({ siteName: 'example.org', siteSearchType: 'exact' }),
    );
    expect(none.body).toMatchObject({ totalCount: 0, sites: [] });
    expect(await requests()).toMatchObject({ ListSites: 2 });
  });

  it('ACK DescribeClustersV1 (generated client) reads the clusters and page_info', async () => {
    const cs = new csSdk.default(config());
    const first = await cs.describeClustersV1(
      new csSdk.DescribeClustersV1Request({ pageNumber: 1, pageSize: 2 }),
    );
    expect(first.statusCode).toBe(200);
    expect(first.body.pageInfo).toMatchObject({ pageNumber: 1, pageSize: 2, totalCount: 3 });
    const second = await cs.describeClustersV1(
      new csSdk.DescribeClustersV1Request({ pageNumber: 2, pageSize: 2 }),
    );
    const names = [first, second].flatMap((r) => (r.body.clusters as { name: string }[]).map((c) => c.name));
    expect(names).toEqual(['prod-ack', 'staging-ack', 'legacy-ack']);
    expect((first.body.clusters as { clusterId: string; state: string }[])[0]).toMatchObject({
      clusterId: 'c5b5e80b0b64a4bf6939d2d8fbbc5abcd',
      state: 'running',
    });
    const named = await cs.describeClustersV1(new csSdk.DescribeClustersV1Request({ name: 'legacy-ack' }));
    expect(named.body.clusters).toHaveLength(1);
  });

  it('ACK DescribeUserPermission, the kubeconfig states and CleanClusterUserPermissions are accepted', async () => {
    const cs = new csSdk.default(config());
    const uid = '276543210987654321';
    const perms = await cs.describeUserPermission(uid);
    expect(perms.statusCode).toBe(200);
    expect(perms.body).toHaveLength(2);
    const states = await cs.listUserKubeConfigStates(
      uid,
      new csSdk.ListUserKubeConfigStatesRequest({ pageSize: 10 }),
    );
    expect(states.body.states).toHaveLength(3);
    const cluster = await cs.listClusterKubeconfigStates(
      'c5b5e80b0b64a4bf6939d2d8fbbc5abcd',
      new csSdk.ListClusterKubeconfigStatesRequest({ pageNumber: 1, pageSize: 10 }),
    );
    expect(cluster.body.states).toHaveLength(4);
    const refused = await cs
      .cleanClusterUserPermissions(
        'c5b5e80b0b64a4bf6939d2d8fbbc5abcd',
        uid,
        new csSdk.CleanClusterUserPermissionsRequest({}),
      )
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'ErrorUserRecentlyActive' });
    const cleaned = await cs.cleanClusterUserPermissions(
      'c5b5e80b0b64a4bf6939d2d8fbbc5abcd',
      uid,
      new csSdk.CleanClusterUserPermissionsRequest({ force: true }),
    );
    expect(cleaned.statusCode).toBe(200);
    expect(await requests()).toMatchObject({ CleanClusterUserPermissions: 2, DescribeUserPermission: 1 });
  });

  it('the older runtime @alicloud/openapi-client (callApi, V3 signature) is accepted', async () => {
    const client = new openapiClient.default(
      new openapiClient.Config({
        accessKeyId: demo.alibaba.accessKeyId,
        accessKeySecret: demo.alibaba.accessKeySecret,
        endpoint: new URL(em.url).host,
        protocol: 'HTTP',
        regionId: 'cn-hangzhou',
      }),
    );
    const params = new openapiClient.Params({
      action: 'GetClientCertificate',
      version: '2024-09-10',
      protocol: 'HTTP',
      pathname: '/',
      method: 'GET',
      authType: 'AK',
      style: 'RPC',
      reqBodyType: 'formData',
      bodyType: 'json',
    });
    const request = new openapiClient.OpenApiRequest({
      query: { SiteId: '1234567890123', Id: '3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c' },
    });
    const res = await client.callApi(params, request, new teaUtil.RuntimeOptions({}));
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatchObject({ SiteId: 1234567890123, Result: { CommonName: 'alice-laptop' } });
  });
});
