// Huawei Cloud IAM in the emulator: temporary AK/SK by token and by agency, agency tokens,
// ID-token federation (both APIs), token details of a user, an agency and a federated user,
// projects and domains; the temporary credentials accepted by every Huawei service until they
// expire, then refused with IAM's code.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { credentialsSeed, mint, names, strangerToken } from '../helpers/credentials.js';
import { type Answer, adminCall, callHuawei, type HuaweiCall } from '../helpers/emulator-client.js';

const hw = names.huawei;

let em: RunningEmulator;
let clock = new Date('2026-11-23T12:00:00Z');
beforeAll(async () => {
  em = await startEmulator({ state: credentialsSeed, now: () => clock });
});
afterAll(async () => {
  await em.close();
});

interface Credential {
  access: string;
  secret: string;
  securitytoken: string;
  expires_at: string;
}

const call = (c: HuaweiCall) => callHuawei(em.url, { now: clock, ...c });
type Auth = NonNullable<HuaweiCall['auth']>;
const securityTokens = (body: unknown, auth: Auth) =>
  call({ method: 'POST', path: '/v3.0/OS-CREDENTIAL/securitytokens', body, auth });
const asCredentials = (c: Credential) => ({
  accessKey: c.access,
  secretKey: c.secret,
  securityToken: c.securitytoken,
});
const listGrants = (auth: Auth) =>
  call({
    method: 'POST',
    path: `/v1.0/${hw.projectId}/kms/list-grants`,
    body: { key_id: hw.keyId },
    projectId: hw.projectId,
    auth,
  });

function credentialOf(answer: Answer): Credential {
  expect(answer.status, answer.text).toBe(201);
  return (answer.json as { credential: Credential }).credential;
}

const byToken = (id?: string, duration?: number) => ({
  auth: {
    identity: {
      methods: ['token'],
      ...(id !== undefined || duration !== undefined
        ? {
            token: {
              ...(id !== undefined ? { id } : {}),
              ...(duration !== undefined ? { duration_seconds: duration } : {}),
            },
          }
        : {}),
    },
  },
});
const byAgency = (extra: Record<string, unknown> = {}) => ({
  auth: {
    identity: {
      methods: ['assume_role'],
      assume_role: { agency_name: hw.agency, domain_id: hw.domainId, ...extra },
    },
  },
});

describe('temporary AK/SK (POST /v3.0/OS-CREDENTIAL/securitytokens)', () => {
  it('answers 201 {credential: {access, secret, securitytoken, expires_at}} for a token in X-Auth-Token', async () => {
    const c = credentialOf(await securityTokens(byToken(), { token: hw.token }));
    expect(Object.keys(c).sort()).toEqual(['access', 'expires_at', 'secret', 'securitytoken']);
    // 15 minutes by default, as IAM writes times.
    expect(c.expires_at).toBe('2026-11-23T12:15:00.000000Z');
  });

  it('takes the token from the body, unauthenticated, as the Go and Python SDK cores send it', async () => {
    const c = credentialOf(await securityTokens(byToken(hw.token, 3600), 'none'));
    expect(c.expires_at).toBe('2026-11-23T13:00:00.000000Z');
  });

  it('makes a key every service accepts with its security token, and refuses without it', async () => {
    const c = credentialOf(await securityTokens(byToken(), { token: hw.token }));
    expect((await listGrants(asCredentials(c))).status).toBe(200);
    const without = await listGrants({ accessKey: c.access, secretKey: c.secret });
    expect(without.status).toBe(401);
    expect(without.json).toMatchObject({ error_code: 'APIGW.0301' });
  });

  it('refuses an expired key with IAM.1108, before reading the body', async () => {
    const c = credentialOf(await securityTokens(byToken(), { token: hw.token }));
    const start = clock;
    clock = new Date(start.getTime() + 900_000);
    try {
      const refused = await listGrants(asCredentials(c));
      expect(refused.status).toBe(400);
      expect(refused.json).toMatchObject({
        error_code: 'IAM.1108',
        error_msg: 'The securitytoken has expired.',
      });
    } finally {
      clock = start;
    }
  });

  it('gives a temporary key to no ShowPermanentAccessKey: it is not permanent', async () => {
    const c = credentialOf(await securityTokens(byToken(), { token: hw.token }));
    const answer = await call({
      method: 'GET',
      path: `/v3.0/OS-CREDENTIAL/credentials/${c.access}`,
      auth: asCredentials(c),
    });
    expect(answer.status).toBe(404);
  });

  it.each([
    ['an unknown token in the body', byToken('no-such-token'), 'none', 401, 'IAM.0067'],
    ['no token at all', byToken(), 'none', 401, 'IAM.0001'],
    ['a body that is not JSON', 'not json', { token: hw.token }, 400, 'IAM.0011'],
    [
      'another method',
      { auth: { identity: { methods: ['password'] } } },
      { token: hw.token },
      400,
      'IAM.0007',
    ],
    ['a duration under 15 minutes', byToken(undefined, 899), { token: hw.token }, 400, 'IAM.0007'],
    ['assume_role without a caller', byAgency(), 'none', 401, 'IAM.0001'],
    ['an unknown agency', byAgency({ agency_name: 'nobody' }), undefined, 404, 'IAM.0004'],
    ['an agency another account may not assume', byAgency(), hw.other, 403, 'IAM.0002'],
  ] as const)('refuses %s', async (_, body, auth, status, code) => {
    const answer = await securityTokens(body, auth === undefined ? hw.user : auth);
    expect(answer.status, answer.text).toBe(status);
    expect(answer.json).toMatchObject({ error_code: code });
  });

  it('assumes an agency for an AK/SK caller, by domain_id or domain_name, counted as ByAgency', async () => {
    const c = credentialOf(await securityTokens(byAgency({ duration_seconds: 1800 }), hw.user));
    expect(c.expires_at).toBe('2026-11-23T12:30:00.000000Z');
    credentialOf(
      await securityTokens(
        {
          auth: {
            identity: {
              methods: ['assume_role'],
              assume_role: { agency_name: hw.agency, domain_name: hw.domainName },
            },
          },
        },
        hw.user,
      ),
    );
    // Services accept the agency's key.
    expect((await listGrants(asCredentials(c))).status).toBe(200);
    const stats = (await adminCall(em.url, 'GET', '/_emulator/stats')).json as {
      requests: Record<string, number>;
    };
    expect(stats.requests.CreateTemporaryAccessKeyByAgency).toBeGreaterThanOrEqual(2);
    expect(stats.requests.CreateTemporaryAccessKeyByToken).toBeGreaterThan(0);
  });
});

describe('agency tokens and token details', () => {
  it("details a user's own token: user, account, times", async () => {
    const answer = await call({
      method: 'GET',
      path: '/v3/auth/tokens',
      headers: { 'x-subject-token': hw.token },
      auth: { token: hw.token },
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({
      token: {
        methods: ['password'],
        user: { id: hw.userId, name: 'rescind-demo', domain: { id: hw.domainId, name: hw.domainName } },
      },
    });
    expect(answer.json).not.toHaveProperty('token.assumed_by');
  });

  it('issues an agency token (POST /v3/auth/tokens, assume_role) whose details name who assumed it', async () => {
    const created = await call({
      method: 'POST',
      path: '/v3/auth/tokens',
      body: {
        auth: {
          identity: {
            methods: ['assume_role'],
            assume_role: { xrole_name: hw.agency, domain_name: hw.domainName },
          },
          scope: { project: { name: hw.region } },
        },
      },
      auth: { token: hw.token },
    });
    expect(created.status, created.text).toBe(201);
    const token = created.headers['x-subject-token'] ?? '';
    expect(token).not.toBe('');
    const details = await call({
      method: 'GET',
      path: '/v3/auth/tokens',
      headers: { 'x-subject-token': token },
      auth: { token },
    });
    expect(details.status, details.text).toBe(200);
    expect(details.json).toMatchObject({
      token: {
        methods: ['assume_role'],
        user: { id: hw.agencyId, name: `${hw.domainName}/${hw.agency}`, domain: { id: hw.domainId } },
        project: { id: hw.projectId, name: hw.region },
        assumed_by: { user: { id: hw.userId, name: 'rescind-demo', domain: { id: hw.domainId } } },
      },
    });
    // The agency token is a credential of every service too.
    expect((await listGrants({ token })).status).toBe(200);
  });
});

describe('OpenID Connect federation', () => {
  const idToken = (over: Record<string, unknown> = {}) =>
    mint(em.url, {
      sub: 'repo:rescind-dev/rescind:ref:refs/heads/main',
      aud: hw.audience,
      claims: { repository_owner: 'rescind-dev', repository: 'rescind-dev/rescind' },
      ...over,
    });
  const withIdToken = (token: string, idp: string = hw.idp) =>
    call({
      method: 'POST',
      path: '/v3.0/OS-AUTH/id-token/tokens',
      headers: { 'x-idp-id': idp },
      body: { auth: { id_token: { id: token } } },
      auth: 'none',
    });

  it("answers a federated user's token in X-Subject-Token (POST /v3.0/OS-AUTH/id-token/tokens)", async () => {
    const answer = await withIdToken(await idToken());
    expect(answer.status, answer.text).toBe(201);
    expect(answer.headers['x-subject-token']).toBeTruthy();
    expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(answer.json).toMatchObject({
      token: {
        methods: ['mapped'],
        expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
        user: {
          'OS-FEDERATION': {
            identity_provider: { id: hw.idp },
            protocol: { id: 'oidc' },
            groups: [{ name: 'rescind-ci', id: expect.stringMatching(/^[0-9a-f]{32}$/) }],
          },
          domain: { id: hw.domainId, name: hw.domainName },
          name: 'github-rescind-dev',
          id: expect.stringMatching(/^[0-9a-f]{32}$/),
        },
      },
    });
  });

  it('accepts the ID token as a Bearer on /v3/OS-FEDERATION/.../protocols/oidc/auth, as the Node SDK core sends it', async () => {
    const answer = await call({
      method: 'POST',
      path: `/v3/OS-FEDERATION/identity_providers/${hw.idp}/protocols/oidc/auth`,
      headers: { authorization: `Bearer ${await idToken()}` },
      body: {},
      auth: 'none',
    });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.headers['x-subject-token']).toBeTruthy();
  });

  it("turns the federated token into temporary AK/SK that services accept, and details it as the federated user's", async () => {
    const token = (await withIdToken(await idToken())).headers['x-subject-token'] ?? '';
    const c = credentialOf(await securityTokens(byToken(undefined, 21_600), { token }));
    expect((await listGrants(asCredentials(c))).status).toBe(200);
    const details = await call({
      method: 'GET',
      path: '/v3/auth/tokens',
      headers: { 'x-subject-token': token },
      auth: { token },
    });
    expect(details.json).toMatchObject({ token: { user: { name: 'github-rescind-dev' } } });
  });

  it.each([
    ['a token that is not a JWT', async () => 'definitely.not.ajwt'],
    [
      'a token signed by another key',
      async () =>
        strangerToken({
          iss: names.issuer,
          sub: 'x',
          aud: hw.audience,
          repository_owner: 'rescind-dev',
          exp: Math.floor(clock.getTime() / 1000) + 600,
        }),
    ],
    ['an expired token', () => idToken({ ttlSeconds: -1 })],
    ['a token for another audience', () => idToken({ aud: 'sts.aliyuncs.com' })],
    ['a token of another issuer', () => idToken({ iss: 'https://evil.example' })],
    ['a token no mapping rule maps', () => idToken({ claims: { repository_owner: 'someone-else' } })],
    ['a huge token', async () => `${'a'.repeat(30_000)}.b.c`],
  ])('refuses %s with 401 IAM.0001', async (_, token) => {
    const answer = await withIdToken(await token());
    expect(answer.status, answer.text).toBe(401);
    expect(answer.json).toMatchObject({ error_code: 'IAM.0001' });
  });

  it('refuses an unknown identity provider (404) and a request without X-Idp-Id (400)', async () => {
    const token = await idToken();
    const unknown = await withIdToken(token, 'nobody');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ error_code: 'IAM.0004' });
    const missing = await call({
      method: 'POST',
      path: '/v3.0/OS-AUTH/id-token/tokens',
      body: { auth: { id_token: { id: token } } },
      auth: 'none',
    });
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ error_code: 'IAM.0007' });
  });

  it('refuses an expired federated token in X-Auth-Token at the gateway', async () => {
    const token = (await withIdToken(await idToken())).headers['x-subject-token'] ?? '';
    const start = clock;
    clock = new Date(start.getTime() + 86_400_000);
    try {
      const refused = await listGrants({ token });
      expect(refused.status).toBe(401);
      expect(refused.json).toMatchObject({ error_code: 'APIGW.0301' });
    } finally {
      clock = start;
    }
  });
});

describe('projects and domains', () => {
  it("answers KeystoneListProjects?name=REGION with the caller's account's project of that name", async () => {
    const answer = await call({ method: 'GET', path: '/v3/projects', query: { name: hw.region } });
    expect(answer.status, answer.text).toBe(200);
    const body = answer.json as { projects: Record<string, unknown>[]; links: unknown };
    expect(body.projects).toHaveLength(1);
    expect(body.projects[0]).toMatchObject({
      id: hw.projectId,
      name: hw.region,
      domain_id: hw.domainId,
      enabled: true,
      is_domain: false,
    });
    const none = await call({ method: 'GET', path: '/v3/projects', query: { name: 'eu-west-0' } });
    expect((none.json as { projects: unknown[] }).projects).toEqual([]);
    // Another account sees none of them.
    const other = await call({
      method: 'GET',
      path: '/v3/projects',
      query: { name: hw.region },
      auth: hw.other,
    });
    expect((other.json as { projects: unknown[] }).projects).toEqual([]);
  });

  it("answers KeystoneListAuthDomains with the caller's account and its name", async () => {
    const answer = await call({ method: 'GET', path: '/v3/auth/domains' });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({ domains: [{ id: hw.domainId, name: hw.domainName, enabled: true }] });
  });

  it('refuses a bad page of projects with IAM.0007', async () => {
    const answer = await call({
      method: 'GET',
      path: '/v3/projects',
      query: { page: '1', per_page: '5001' },
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error_code: 'IAM.0007' });
  });
});
