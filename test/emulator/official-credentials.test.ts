// The clouds' own credential providers obtain credentials from the emulator and make signed calls
// it accepts. @alicloud/credentials: its RAM role ARN, OIDC role ARN and ECS RAM role providers.
// The library hard-codes https for STS and the host 100.100.100.200 for the metadata service, so
// the tests hand its own transport (doRequest, the hook it keeps for tests) a request rewritten
// to http://127.0.0.1:PORT; everything else (parameters, signature, parsing, refresh) is the
// library's. Huawei: the SDK core's OIDC federation (idpId and idTokenFile), its project and
// domain lookups, and, since the Node core has no metadata provider, the requests of the Go and
// Python cores' MetadataAccessor followed by a signed call of the Node core.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../../src/emulator/seed.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import type { EmulatorState } from '../../src/emulator/state.js';
import { credentialsSeed, mint, names } from '../helpers/credentials.js';
import { adminCall, rawCall } from '../helpers/emulator-client.js';

const require = createRequire(import.meta.url);

// Typed views of the CommonJS modules: only what this test calls.
interface AliRequest {
  protocol: string;
  host: string;
}
interface CredentialModel {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  type: string;
  providerName: string;
}
interface AliCredential {
  getCredential(): Promise<CredentialModel>;
  credential: { provider: { doRequest: (req: AliRequest) => Promise<unknown>; close?(): void } };
}
const aliCredentials = require('@alicloud/credentials') as {
  default: new (config: unknown) => AliCredential;
  Config: new (c: Record<string, unknown>) => unknown;
};
const aliHttp = require('@alicloud/credentials/dist/src/providers/http') as {
  doRequest(req: AliRequest): Promise<unknown>;
};
type Model = new (map: Record<string, unknown>) => unknown;
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
  Config: Model;
  Params: Model;
  OpenApiRequest: Model;
};
const teaUtil = require('@alicloud/tea-util') as { RuntimeOptions: Model };
const openapi = require('@alicloud/openapi-core') as { $OpenApiUtil: { Config: Model } };
const esaSdk = require('@alicloud/esa20240910') as {
  default: new (
    config: unknown,
  ) => { getClientCertificate(req: unknown): Promise<{ statusCode: number; body: unknown }> };
  GetClientCertificateRequest: Model;
};

interface HuaweiResponse {
  httpStatusCode?: number;
  [field: string]: unknown;
}
interface HcClientLike {
  withCredential(credential: unknown): HcClientLike;
  withEndpoints(endpoints: string[]): HcClientLike;
  withRegion(region: unknown): HcClientLike;
  sendRequest(options: Record<string, unknown>): Promise<HuaweiResponse>;
}
const { HcClient } = require('@huaweicloud/huaweicloud-sdk-core/HcClient') as {
  HcClient: new (http: unknown) => HcClientLike;
};
const { DefaultHttpClient } = require('@huaweicloud/huaweicloud-sdk-core/http/DefaultHttpClient') as {
  DefaultHttpClient: new (options: Record<string, unknown>, endpoints: string[]) => unknown;
};
const { Region } = require('@huaweicloud/huaweicloud-sdk-core/region/region') as {
  Region: new (id: string, endpoint: string) => unknown;
};
interface HwCredentials {
  withAk(ak: string): HwCredentials;
  withSk(sk: string): HwCredentials;
  withSecurityToken(token: string): HwCredentials;
  withIdpId(id: string): HwCredentials;
  withIdTokenFile(file: string): HwCredentials;
  withIamEndpoint(endpoint: string): HwCredentials;
  withProjectId(id: string): HwCredentials;
  withDomainId(id: string): HwCredentials;
  projectId?: string;
  domainId?: string;
  getAk(): string;
  getSecurityToken(): string;
}
const { BasicCredentials } = require('@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials') as {
  BasicCredentials: new () => HwCredentials;
};
const { GlobalCredentials } = require('@huaweicloud/huaweicloud-sdk-core/auth/GlobalCredentials') as {
  GlobalCredentials: new () => HwCredentials;
};

const ali = names.alibaba;
const hw = names.huawei;

let em: RunningEmulator;
let dir: string;
const others: RunningEmulator[] = [];
beforeAll(async () => {
  em = await startEmulator({ state: credentialsSeed });
  dir = mkdtempSync(join(tmpdir(), 'rescind-official-credentials-'));
});
afterAll(async () => {
  await em.close();
  for (const e of others.splice(0)) await e.close();
  rmSync(dir, { recursive: true, force: true });
});

async function requests(base = em.url): Promise<Record<string, number>> {
  return ((await adminCall(base, 'GET', '/_emulator/stats')).json as { requests: Record<string, number> })
    .requests;
}

// The library's transport, sent to the emulator: https becomes http, the metadata host the emulator's.
function redirect(credential: AliCredential, base: string): AliCredential {
  const host = new URL(base).host;
  credential.credential.provider.doRequest = (req) => {
    req.protocol = 'http';
    req.host = host;
    return aliHttp.doRequest(req);
  };
  return credential;
}

// GetCallerIdentity through @alicloud/openapi-client with a credential of @alicloud/credentials.
async function callerIdentity(
  credential: AliCredential,
  signatureAlgorithm?: 'v2',
): Promise<Record<string, unknown>> {
  const client = new openapiClient.default(
    new openapiClient.Config({
      credential,
      endpoint: new URL(em.url).host,
      protocol: 'HTTP',
      regionId: 'cn-hangzhou',
      ...(signatureAlgorithm !== undefined ? { signatureAlgorithm } : {}),
    }),
  );
  const params = new openapiClient.Params({
    action: 'GetCallerIdentity',
    version: '2015-04-01',
    protocol: 'HTTP',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  const res = await client.callApi(
    params,
    new openapiClient.OpenApiRequest({}),
    new teaUtil.RuntimeOptions({}),
  );
  expect(res.statusCode).toBe(200);
  return res.body;
}

describe('@alicloud/credentials against the emulator', () => {
  it("ram_role_arn: assumes the role with the user's AccessKey (signature 1.0), and its session is accepted", async () => {
    const credential = redirect(
      new aliCredentials.default(
        new aliCredentials.Config({
          type: 'ram_role_arn',
          accessKeyId: ali.user.accessKeyId,
          accessKeySecret: ali.user.accessKeySecret,
          roleArn: ali.ciRole,
          roleSessionName: 'sdk-ram-role-arn',
          stsEndpoint: new URL(em.url).host,
        }),
      ),
      em.url,
    );
    const model = await credential.getCredential();
    expect(model).toMatchObject({ type: 'ram_role_arn', providerName: 'ram_role_arn/static_ak' });
    expect(model.accessKeyId).toMatch(/^STS\./);
    expect(model.securityToken).toMatch(/^CAIS/);
    // ACS3 (x-acs-security-token) and signature 1.0 (SecurityToken in the query) both accepted.
    for (const algorithm of [undefined, 'v2'] as const) {
      expect(await callerIdentity(credential, algorithm)).toMatchObject({
        IdentityType: 'AssumedRoleUser',
        AccountId: ali.account,
        PrincipalId: `${ali.ciRoleId}:sdk-ram-role-arn`,
        RoleId: ali.ciRoleId,
        Arn: 'acs:ram::1000000000000001:assumed-role/rescind-ci/sdk-ram-role-arn',
      });
    }
    // A generated product client (ESA, on @alicloud/openapi-core) signs with it too.
    const esa = new esaSdk.default(
      new openapi.$OpenApiUtil.Config({
        credential,
        endpoint: new URL(em.url).host,
        protocol: 'HTTP',
        regionId: 'cn-hangzhou',
      }),
    );
    const got = await esa.getClientCertificate(
      new esaSdk.GetClientCertificateRequest({ siteId: ali.siteId, id: ali.certificateId }),
    );
    expect(got.statusCode).toBe(200);
    expect(await requests()).toMatchObject({ AssumeRole: 1 });
  });

  it('ram_role_arn: a wrong secret is refused, and the library recognises our server string to sign', async () => {
    const credential = redirect(
      new aliCredentials.default(
        new aliCredentials.Config({
          type: 'ram_role_arn',
          accessKeyId: ali.user.accessKeyId,
          accessKeySecret: 'not-the-secret',
          roleArn: ali.ciRole,
          roleSessionName: 'sdk-wrong-secret',
          stsEndpoint: new URL(em.url).host,
        }),
      ),
      em.url,
    );
    await expect(credential.getCredential()).rejects.toThrow('the access key secret is invalid');
  });

  it('oidc_role_arn: exchanges a token of the fake GitHub endpoint (anonymous AssumeRoleWithOIDC)', async () => {
    const fetched = await rawCall(
      em.url,
      'GET',
      '/_emulator/github/token?api-version=2.0&audience=sts.aliyuncs.com',
      {
        authorization: `bearer ${names.githubRequestToken}`,
      },
    );
    const file = join(dir, 'alibaba-oidc-token');
    writeFileSync(file, (fetched.json as { value: string }).value);
    const credential = redirect(
      new aliCredentials.default(
        new aliCredentials.Config({
          type: 'oidc_role_arn',
          roleArn: ali.ciRole,
          oidcProviderArn: ali.provider,
          oidcTokenFilePath: file,
          roleSessionName: 'sdk-oidc',
          stsEndpoint: new URL(em.url).host,
        }),
      ),
      em.url,
    );
    const model = await credential.getCredential();
    expect(model).toMatchObject({ type: 'oidc_role_arn', providerName: 'oidc_role_arn' });
    expect(await callerIdentity(credential)).toMatchObject({
      IdentityType: 'AssumedRoleUser',
      Arn: 'acs:ram::1000000000000001:assumed-role/rescind-ci/sdk-oidc',
    });
    expect(await requests()).toMatchObject({ AssumeRoleWithOIDC: 1 });
  });

  it('oidc_role_arn: a token of another audience is refused with the code the library reports', async () => {
    const file = join(dir, 'alibaba-oidc-wrong-audience');
    writeFileSync(
      file,
      await mint(em.url, { sub: 'repo:rescind-dev/rescind:ref:refs/heads/main', aud: 'nobody' }),
    );
    const credential = redirect(
      new aliCredentials.default(
        new aliCredentials.Config({
          type: 'oidc_role_arn',
          roleArn: ali.ciRole,
          oidcProviderArn: ali.provider,
          oidcTokenFilePath: file,
          roleSessionName: 'sdk-oidc',
          stsEndpoint: new URL(em.url).host,
        }),
      ),
      em.url,
    );
    await expect(credential.getCredential()).rejects.toThrow('AuthenticationFail.OIDCToken.AudienceNotMatch');
  });

  it('ecs_ram_role: reads the role name and its credentials, IMDSv2 token first; STS names the instance role', async () => {
    const credential = redirect(
      new aliCredentials.default(new aliCredentials.Config({ type: 'ecs_ram_role' })),
      em.url,
    );
    const model = await credential.getCredential();
    expect(model).toMatchObject({ type: 'ecs_ram_role', providerName: 'ecs_ram_role' });
    expect(await callerIdentity(credential)).toMatchObject({
      IdentityType: 'AssumedRoleUser',
      RoleId: ali.ecsRoleId,
      Arn: 'acs:ram::1000000000000001:assumed-role/rescind-ecs/i-rescindtest0001',
    });
    // The library reads again when it prefetches; each read asks a session token first (IMDSv2).
    const counted = await requests();
    expect(counted.AlibabaMetadataRamRole).toBeGreaterThan(0);
    expect(counted.AlibabaMetadataRamRoleCredentials).toBeGreaterThan(0);
    expect(counted.AlibabaMetadataToken).toBe(
      (counted.AlibabaMetadataRamRole ?? 0) + (counted.AlibabaMetadataRamRoleCredentials ?? 0),
    );
  });

  it('ecs_ram_role with IMDSv1 disabled works against an instance in security hardening mode', async () => {
    const seed = structuredClone(loadSeed(credentialsSeed)) as EmulatorState;
    const instance = seed.alibabacloud?.ecs?.instance;
    if (instance !== undefined) instance.MetadataOptions = { HttpTokens: 'required' };
    const hardened = await startEmulator({ state: seed });
    others.push(hardened);
    const credential = redirect(
      new aliCredentials.default(
        new aliCredentials.Config({ type: 'ecs_ram_role', roleName: ali.ecsRole, disableIMDSv1: true }),
      ),
      hardened.url,
    );
    expect((await credential.getCredential()).accessKeyId).toMatch(/^STS\./);
  });
});

describe('the Huawei Cloud SDK core against the emulator', () => {
  function client(credentials: unknown, region?: string): HcClientLike {
    const http = new DefaultHttpClient({ headers: { 'User-Agent': 'huaweicloud-usdk-nodejs/3.0' } }, [
      em.url,
    ]);
    const c = new HcClient(http).withCredential(credentials).withEndpoints([em.url]);
    return region === undefined ? c : c.withRegion(new Region(region, em.url));
  }
  const listGrants = {
    method: 'POST',
    url: '/v1.0/{project_id}/kms/list-grants',
    contentType: 'application/json;charset=UTF-8',
    queryParams: {},
    pathParams: {},
    headers: { 'Content-Type': 'application/json;charset=UTF-8' },
    data: { key_id: hw.keyId },
  };
  async function idTokenFile(name: string): Promise<string> {
    const file = join(dir, name);
    writeFileSync(
      file,
      await mint(em.url, {
        sub: 'repo:rescind-dev/rescind:ref:refs/heads/main',
        aud: hw.audience,
        claims: { repository_owner: 'rescind-dev', repository: 'rescind-dev/rescind' },
      }),
    );
    return file;
  }

  it('federates with idpId and idTokenFile (OS-FEDERATION, then securitytokens) and signs with the temporary AK/SK', async () => {
    const before = await requests();
    const credentials = new BasicCredentials()
      .withIdpId(hw.idp)
      .withIdTokenFile(await idTokenFile('huawei-id-token'))
      .withIamEndpoint(em.url)
      .withProjectId(hw.projectId);
    const res = await client(credentials).sendRequest({ ...listGrants });
    expect(res.httpStatusCode).toBe(200);
    expect(credentials.getSecurityToken()).toMatch(/^gAAAAAB/);
    const after = await requests();
    expect((after.CreateUnscopedTokenWithIdToken ?? 0) - (before.CreateUnscopedTokenWithIdToken ?? 0)).toBe(
      1,
    );
    expect((after.CreateTemporaryAccessKeyByToken ?? 0) - (before.CreateTemporaryAccessKeyByToken ?? 0)).toBe(
      1,
    );
  });

  it('finds the project ID of a region from IAM (KeystoneListProjects) when none is given', async () => {
    const credentials = new BasicCredentials()
      .withIdpId(hw.idp)
      .withIdTokenFile(await idTokenFile('huawei-id-token-project'))
      .withIamEndpoint(em.url);
    const res = await client(credentials, hw.region).sendRequest({ ...listGrants });
    expect(res.httpStatusCode).toBe(200);
    expect(credentials.projectId).toBe(hw.projectId);
    expect((await requests()).KeystoneListProjects).toBeGreaterThan(0);
  });

  it('finds the domain ID from IAM (KeystoneListAuthDomains) for global credentials, and CCM accepts it', async () => {
    const credentials = new GlobalCredentials()
      .withAk(hw.user.accessKey)
      .withSk(hw.user.secretKey)
      .withIamEndpoint(em.url);
    const res = await client(credentials, hw.region).sendRequest({
      method: 'GET',
      url: '/v1/private-certificate-authorities',
      contentType: 'application/json',
      queryParams: {},
      pathParams: {},
      headers: {},
    });
    expect(res.httpStatusCode).toBe(200);
    expect(credentials.domainId).toBe(hw.domainId);
  });

  it('signs with the temporary AK/SK of the metadata service, fetched as the Go and Python cores fetch it', async () => {
    // core/auth/internal/metadata_accessor.go and huaweicloudsdkcore/auth/internal.py (MetadataAccessor).
    const token = await rawCall(em.url, 'PUT', '/meta-data/latest/api/token', {
      'X-Metadata-Token-Ttl-Seconds': '21600',
    });
    expect(token.status).toBe(200);
    const key = await rawCall(em.url, 'GET', '/openstack/latest/securitykey', {
      'X-Metadata-Token': token.text,
    });
    const credential = (key.json as { credential: Record<string, string> }).credential;
    // The Go core parses expires_at with the layout 2006-01-02T15:04:05Z, which accepts a fraction; Python with %fZ.
    expect(credential.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const credentials = new BasicCredentials()
      .withAk(credential.access ?? '')
      .withSk(credential.secret ?? '')
      .withSecurityToken(credential.securitytoken ?? '')
      .withProjectId(hw.projectId);
    const res = await client(credentials).sendRequest({ ...listGrants });
    expect(res.httpStatusCode).toBe(200);
  });
});
