// The clouds' official Node SDKs, pointed at the emulator, are accepted and answered: the
// Huawei Cloud SDK core (AK/SK signing) with the generated CCE client and the request shapes
// of the generated KMS and CCM clients (not published on npm), and the generated Alibaba
// Cloud ESA (RPC) and ACK (ROA) clients on @alicloud/openapi-core.

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
  ) => { showCluster(request: Record<string, unknown>): Promise<HuaweiResponse> };
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
  };
  GetClientCertificateRequest: Model;
  RevokeClientCertificateRequest: Model;
  ListClientCertificatesRequest: Model;
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
  };
  CleanClusterUserPermissionsRequest: Model;
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
