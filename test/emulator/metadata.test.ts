// The two ECS metadata services and the OIDC issuer the emulator serves on its own port: the
// instance role's and the agency's temporary credentials (accepted by the services, refused when
// the session token the seed requires is missing), the issuer's documents, the admin endpoint
// that mints tokens, and the fake GitHub Actions token endpoint.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../../src/emulator/seed.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import type { EmulatorState } from '../../src/emulator/state.js';
import { credentialsSeed, names } from '../helpers/credentials.js';
import { adminCall, callAlibaba, callHuawei, rawCall } from '../helpers/emulator-client.js';

let em: RunningEmulator;
beforeAll(async () => {
  em = await startEmulator({ state: credentialsSeed });
});
afterAll(async () => {
  await em.close();
});

const started: RunningEmulator[] = [];
afterAll(async () => {
  for (const e of started.splice(0)) await e.close();
});
async function withSeed(change: (seed: EmulatorState) => void): Promise<RunningEmulator> {
  const seed = structuredClone(loadSeed(credentialsSeed));
  change(seed);
  const e = await startEmulator({ state: seed });
  started.push(e);
  return e;
}

describe('the Alibaba Cloud ECS metadata service', () => {
  it('hands out a session token, the instance role name and its credentials (security hardening mode)', async () => {
    const token = await rawCall(em.url, 'PUT', '/latest/api/token', {
      'x-aliyun-ecs-metadata-token-ttl-seconds': '21600',
    });
    expect(token.status).toBe(200);
    const headers = { 'x-aliyun-ecs-metadata-token': token.text };
    const role = await rawCall(em.url, 'GET', '/latest/meta-data/ram/security-credentials/', headers);
    expect(role.status).toBe(200);
    expect(role.text).toBe(names.alibaba.ecsRole);
    const credentials = await rawCall(
      em.url,
      'GET',
      `/latest/meta-data/ram/security-credentials/${role.text}`,
      headers,
    );
    expect(credentials.status).toBe(200);
    const body = credentials.json as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual([
      'AccessKeyId',
      'AccessKeySecret',
      'Code',
      'Expiration',
      'LastUpdated',
      'SecurityToken',
    ]);
    expect(body.Code).toBe('Success');
    expect(body.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // The role's session, which STS describes as the instance's.
    const who = await callAlibaba(em.url, {
      method: 'POST',
      pathname: '/',
      action: 'GetCallerIdentity',
      version: '2015-04-01',
      credentials: {
        accessKeyId: body.AccessKeyId ?? '',
        accessKeySecret: body.AccessKeySecret ?? '',
        securityToken: body.SecurityToken ?? '',
      },
    });
    expect(who.status, who.text).toBe(200);
    expect(who.json).toMatchObject({
      IdentityType: 'AssumedRoleUser',
      RoleId: names.alibaba.ecsRoleId,
      Arn: 'acs:ram::1000000000000001:assumed-role/rescind-ecs/i-rescindtest0001',
    });
    // The same credentials until half their life has passed.
    const again = await rawCall(
      em.url,
      'GET',
      `/latest/meta-data/ram/security-credentials/${role.text}`,
      headers,
    );
    expect((again.json as Record<string, string>).AccessKeyId).toBe(body.AccessKeyId);
  });

  it('answers without a token in normal mode, and refuses a token it never issued', async () => {
    const open = await rawCall(em.url, 'GET', '/latest/meta-data/ram/security-credentials/');
    expect(open.status).toBe(200);
    const forged = await rawCall(em.url, 'GET', '/latest/meta-data/ram/security-credentials/', {
      'x-aliyun-ecs-metadata-token': 'forged',
    });
    expect(forged.status).toBe(401);
  });

  it('refuses a read without its token when the instance requires one (HttpTokens: required)', async () => {
    const hardened = await withSeed((s) => {
      const instance = s.alibabacloud?.ecs?.instance;
      if (instance !== undefined) instance.MetadataOptions = { HttpTokens: 'required' };
    });
    const refused = await rawCall(
      hardened.url,
      'GET',
      `/latest/meta-data/ram/security-credentials/${names.alibaba.ecsRole}`,
    );
    expect(refused.status).toBe(401);
    expect(refused.text).not.toContain('AccessKey');
  });

  it.each([
    ['no TTL', {}],
    ['a TTL of 0', { 'x-aliyun-ecs-metadata-token-ttl-seconds': '0' }],
    ['a TTL over 6 hours', { 'x-aliyun-ecs-metadata-token-ttl-seconds': '21601' }],
  ])('refuses a token with %s (400)', async (_, headers) => {
    expect((await rawCall(em.url, 'PUT', '/latest/api/token', headers)).status).toBe(400);
  });

  it('answers 404 for a role the instance does not have', async () => {
    const answer = await rawCall(em.url, 'GET', '/latest/meta-data/ram/security-credentials/rescind-ci');
    expect(answer.status).toBe(404);
  });
});

describe('the Huawei Cloud ECS metadata service', () => {
  it("hands out the agency's temporary AK/SK (securitykey) that services accept, and the server's meta_data.json", async () => {
    const token = await rawCall(em.url, 'PUT', '/meta-data/latest/api/token', {
      'x-metadata-token-ttl-seconds': '21600',
    });
    expect(token.status).toBe(200);
    const headers = { 'x-metadata-token': token.text };
    const key = await rawCall(em.url, 'GET', '/openstack/latest/securitykey', headers);
    expect(key.status).toBe(200);
    const credential = (key.json as { credential: Record<string, string> }).credential;
    expect(Object.keys(credential).sort()).toEqual(['access', 'expires_at', 'secret', 'securitytoken']);
    expect(credential.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const grants = await callHuawei(em.url, {
      method: 'POST',
      path: `/v1.0/${names.huawei.projectId}/kms/list-grants`,
      body: { key_id: names.huawei.keyId },
      auth: {
        accessKey: credential.access ?? '',
        secretKey: credential.secret ?? '',
        securityToken: credential.securitytoken ?? '',
      },
    });
    expect(grants.status, grants.text).toBe(200);
    const meta = await rawCall(em.url, 'GET', '/openstack/latest/meta_data.json', headers);
    expect(meta.json).toMatchObject({
      uuid: '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
      project_id: names.huawei.projectId,
      meta: { agency_name: 'rescind-ecs' },
    });
  });

  it('refuses a read without X-Metadata-Token when the server requires one, and says when no agency is set', async () => {
    const strict = await withSeed((s) => {
      const server = s.huaweicloud?.ecs?.server;
      if (server !== undefined) server.metadataTokenRequired = true;
    });
    expect((await rawCall(strict.url, 'GET', '/openstack/latest/securitykey')).status).toBe(401);
    const bare = await withSeed((s) => {
      const server = s.huaweicloud?.ecs?.server;
      if (server !== undefined) server.metadata = {};
    });
    const none = await rawCall(bare.url, 'GET', '/openstack/latest/securitykey');
    expect(none.status).toBe(401);
    // The sentence the SDK cores look for to stop renewing their session token.
    expect(none.text).toContain('Please configure Cloud Service Agency first');
  });

  it('counts the metadata reads in the stats', async () => {
    const stats = (await adminCall(em.url, 'GET', '/_emulator/stats')).json as {
      requests: Record<string, number>;
    };
    expect(stats.requests.HuaweiMetadataSecurityKey).toBeGreaterThan(0);
    expect(stats.requests.AlibabaMetadataRamRoleCredentials).toBeGreaterThan(0);
    expect(stats.requests.AlibabaMetadataToken).toBeGreaterThan(0);
  });

  it('gets the configured faults: a plain 500 for a failing metadata service', async () => {
    const failing = await startEmulator({ state: credentialsSeed, errorRate: 1 });
    started.push(failing);
    const answer = await rawCall(failing.url, 'GET', '/openstack/latest/securitykey');
    expect([answer.status, answer.text]).toEqual([500, 'Internal Server Error\n']);
    const stats = (await adminCall(failing.url, 'GET', '/_emulator/stats')).json as { faults: number };
    expect(stats.faults).toBe(1);
  });

  it('answers metadata only to a loopback Host, like the admin endpoints', async () => {
    const answer = await rawCall(em.url, 'GET', '/openstack/latest/securitykey', {
      host: 'metadata.attacker.example',
    });
    expect(answer.status).toBe(403);
    expect(answer.text).not.toContain('securitytoken');
  });
});

describe('the OIDC issuer', () => {
  it('publishes its discovery document and keys', async () => {
    const discovery = await rawCall(em.url, 'GET', '/.well-known/openid-configuration');
    expect(discovery.json).toMatchObject({
      issuer: names.issuer,
      jwks_uri: `${em.url}/.well-known/jwks`,
      id_token_signing_alg_values_supported: ['RS256'],
    });
    const jwks = (await rawCall(em.url, 'GET', '/.well-known/jwks')).json as {
      keys: Record<string, string>[];
    };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('mints RS256 tokens on POST /_emulator/oidc/token, and refuses a bad request', async () => {
    const minted = await adminCall(em.url, 'POST', '/_emulator/oidc/token', {
      sub: 'alice',
      aud: ['a', 'b'],
      ttlSeconds: 60,
      claims: { ref: 'refs/heads/main' },
    });
    expect(minted.status).toBe(200);
    const { token } = minted.json as { token: string };
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toMatchObject({
      iss: names.issuer,
      sub: 'alice',
      aud: ['a', 'b'],
      ref: 'refs/heads/main',
    });
    expect(payload.exp - payload.iat).toBe(60);
    for (const body of [
      {},
      { sub: 'a' },
      { sub: 'a', aud: 'b', ttlSeconds: 1e9 },
      { sub: 'a', aud: 'b', extra: 1 },
    ]) {
      expect((await adminCall(em.url, 'POST', '/_emulator/oidc/token', body)).status).toBe(400);
    }
  });

  it("answers as GitHub Actions' ACTIONS_ID_TOKEN_REQUEST_URL with the request token as bearer", async () => {
    const url = '/_emulator/github/token?api-version=2.0&audience=sts.aliyuncs.com';
    const ok = await rawCall(em.url, 'GET', url, { authorization: `bearer ${names.githubRequestToken}` });
    expect(ok.status).toBe(200);
    const { value } = ok.json as { value: string };
    const claims = JSON.parse(Buffer.from(value.split('.')[1] ?? '', 'base64url').toString());
    expect(claims).toMatchObject({
      iss: names.issuer,
      sub: 'repo:rescind-dev/rescind:ref:refs/heads/main',
      aud: 'sts.aliyuncs.com',
      repository: 'rescind-dev/rescind',
      repository_owner: 'rescind-dev',
    });
    expect((await rawCall(em.url, 'GET', url, { authorization: 'bearer wrong' })).status).toBe(401);
    expect((await rawCall(em.url, 'GET', url)).status).toBe(401);
  });

  it('keeps its token endpoints to loopback clients', async () => {
    const answer = await rawCall(
      em.url,
      'POST',
      '/_emulator/oidc/token',
      {
        host: 'rebound.attacker.example',
        'content-type': 'application/json',
      },
      JSON.stringify({ sub: 'a', aud: 'b' }),
    );
    expect(answer.status).toBe(403);
  });

  it("mints with the emulator's own URL as issuer when the seed names none", async () => {
    const own = await withSeed((s) => {
      delete s.oidc;
    });
    const discovery = await rawCall(own.url, 'GET', '/.well-known/openid-configuration');
    expect(discovery.json).toMatchObject({ issuer: own.url });
  });
});
