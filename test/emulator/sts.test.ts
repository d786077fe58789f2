// Alibaba Cloud STS in the emulator: AssumeRole (ACS3 and signature 1.0), AssumeRoleWithOIDC
// (anonymous, the token checked), GetCallerIdentity of an assumed role, and the session's
// credentials accepted by every Alibaba service until they expire, then refused with STS's codes.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { callRpcV1, credentialsSeed, mint, names, strangerToken } from '../helpers/credentials.js';
import { type AlibabaCall, ack, adminCall, callAlibaba, esa, rawCall } from '../helpers/emulator-client.js';

const STS = '2015-04-01';
const ali = names.alibaba;

interface Credentials {
  AccessKeyId: string;
  AccessKeySecret: string;
  SecurityToken: string;
  Expiration: string;
}

let em: RunningEmulator;
let clock = new Date('2026-11-23T12:00:00Z');
beforeAll(async () => {
  em = await startEmulator({ state: credentialsSeed, now: () => clock });
});
afterAll(async () => {
  await em.close();
});

function sts(action: string, query: NonNullable<AlibabaCall['query']>, extra: Partial<AlibabaCall> = {}) {
  return callAlibaba(em.url, {
    method: 'POST',
    pathname: '/',
    action,
    version: STS,
    query,
    now: clock,
    ...extra,
  });
}

async function assumeCi(extra: Record<string, string> = {}) {
  const answer = await sts(
    'AssumeRole',
    { RoleArn: ali.ciRole, RoleSessionName: 'deploy', ...extra },
    { credentials: ali.user },
  );
  expect(answer.status, answer.text).toBe(200);
  return answer.json as {
    Credentials: Credentials;
    AssumedRoleUser: Record<string, string>;
    RequestId: string;
  };
}

const asCredentials = (c: Credentials) => ({
  accessKeyId: c.AccessKeyId,
  accessKeySecret: c.AccessKeySecret,
  securityToken: c.SecurityToken,
});

describe('AssumeRole', () => {
  it("answers STS's shape: the role session's credentials and the assumed role user", async () => {
    const body = await assumeCi();
    expect(Object.keys(body).sort()).toEqual(['AssumedRoleUser', 'Credentials', 'RequestId']);
    expect(body.AssumedRoleUser).toEqual({
      Arn: 'acs:ram::1000000000000001:role/rescind-ci/deploy',
      AssumedRoleId: '300000000000000001:deploy',
    });
    const c = body.Credentials;
    expect(c.AccessKeyId).toMatch(/^STS\.[A-Za-z0-9]+$/);
    expect(c.SecurityToken).toMatch(/^CAIS/);
    // One hour by default, written as STS writes it.
    expect(c.Expiration).toBe('2026-11-23T13:00:00Z');
  });

  it('makes credentials that GetCallerIdentity answers as the assumed role, with no UserId', async () => {
    const c = (await assumeCi()).Credentials;
    const who = await sts('GetCallerIdentity', {}, { credentials: asCredentials(c) });
    expect(who.status, who.text).toBe(200);
    const { RequestId, ...rest } = who.json as Record<string, string>;
    expect(RequestId).toBeTruthy();
    expect(rest).toEqual({
      IdentityType: 'AssumedRoleUser',
      AccountId: ali.account,
      PrincipalId: '300000000000000001:deploy',
      RoleId: '300000000000000001',
      Arn: 'acs:ram::1000000000000001:assumed-role/rescind-ci/deploy',
    });
  });

  it('makes credentials that ESA accepts, until they expire: then InvalidSecurityToken.Expired', async () => {
    const c = (await assumeCi({ DurationSeconds: '900' })).Credentials;
    const read = () =>
      esa(
        em.url,
        'GetClientCertificate',
        { SiteId: ali.siteId, Id: ali.certificateId },
        {
          credentials: asCredentials(c),
          now: clock,
        },
      );
    expect((await read()).status).toBe(200);
    const start = clock;
    clock = new Date(start.getTime() + 901_000);
    try {
      const refused = await read();
      expect(refused.status).toBe(400);
      expect(refused.json).toMatchObject({
        Code: 'InvalidSecurityToken.Expired',
        Message: 'Specified SecurityToken is expired.',
      });
    } finally {
      clock = start;
    }
  });

  it('makes credentials that ACK (ROA) accepts', async () => {
    const c = (await assumeCi()).Credentials;
    const answer = await ack(
      em.url,
      'GET',
      `/permissions/users/${ali.ciRoleId}`,
      'DescribeUserPermission',
      {},
      {
        credentials: asCredentials(c),
        now: clock,
      },
    );
    expect(answer.status, answer.text).toBe(200);
  });

  it("refuses an STS key with another session's token, or with none", async () => {
    const a = (await assumeCi()).Credentials;
    const b = (await assumeCi()).Credentials;
    const mismatched = await sts(
      'GetCallerIdentity',
      {},
      {
        credentials: { ...asCredentials(a), securityToken: b.SecurityToken },
      },
    );
    expect(mismatched.status).toBe(400);
    expect(mismatched.json).toMatchObject({ Code: 'InvalidSecurityToken.MismatchWithAccessKey' });
    const none = await sts(
      'GetCallerIdentity',
      {},
      {
        credentials: { accessKeyId: a.AccessKeyId, accessKeySecret: a.AccessKeySecret },
      },
    );
    expect(none.status).toBe(400);
    expect(none.json).toMatchObject({ Code: 'InvalidSecurityToken.Malformed' });
  });

  it('refuses an STS key it never issued as an unknown key', async () => {
    const answer = await sts(
      'GetCallerIdentity',
      {},
      {
        credentials: {
          accessKeyId: 'STS.NotIssuedByTheEmulator',
          accessKeySecret: 'x',
          securityToken: 'CAISx',
        },
      },
    );
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ Code: 'InvalidAccessKeyId.NotFound' });
  });

  it('lets a role session assume a role the account trusts (role chaining)', async () => {
    const c = (await assumeCi()).Credentials;
    const answer = await sts(
      'AssumeRole',
      { RoleArn: ali.ciRole, RoleSessionName: 'chained' },
      { credentials: asCredentials(c) },
    );
    expect(answer.status, answer.text).toBe(200);
  });

  it.each([
    [{ RoleArn: 'acs:ram::1000000000000001:role/nobody', RoleSessionName: 's1' }, 404, 'EntityNotExist.Role'],
    [{ RoleArn: ali.partnerRole, RoleSessionName: 's1' }, 403, 'NoPermission'],
    [{ RoleArn: ali.partnerRole, RoleSessionName: 's1', ExternalId: 'wrong-id' }, 403, 'NoPermission'],
    [{ RoleArn: ali.ciRole, RoleSessionName: 's1', DurationSeconds: '899' }, 400, 'InvalidParameter'],
    [{ RoleArn: ali.ciRole, RoleSessionName: 's1', DurationSeconds: '7201' }, 400, 'InvalidParameter'],
    [{ RoleArn: ali.ciRole, RoleSessionName: 'x' }, 400, 'InvalidParameter'],
    [{ RoleArn: ali.ciRole }, 400, 'InvalidParameter'],
    [{ RoleArn: ali.ciRole, RoleSessionName: 's1', Policy: 'not json' }, 400, 'InvalidParameter'],
    [{ RoleArn: ali.ciRole, RoleSessionName: 's1', Unknown: '1' }, 400, 'InvalidParameter'],
  ])('refuses %j with %i %s', async (query, status, code) => {
    const answer = await sts('AssumeRole', query, { credentials: ali.user });
    expect(answer.status, answer.text).toBe(status);
    expect(answer.json).toMatchObject({ Code: code });
  });

  it('assumes a role whose trust policy asks an ExternalId when it is given', async () => {
    const answer = await sts(
      'AssumeRole',
      { RoleArn: ali.partnerRole, RoleSessionName: 'partner', ExternalId: 'rescind-partner-id' },
      { credentials: ali.user },
    );
    expect(answer.status, answer.text).toBe(200);
  });

  it('refuses the account itself: only RAM users and roles may call AssumeRole', async () => {
    const answer = await sts(
      'AssumeRole',
      { RoleArn: ali.ciRole, RoleSessionName: 'root' },
      { credentials: ali.root },
    );
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ Code: 'NoPermission' });
  });

  it('accepts the signature-1.0 request @alicloud/credentials sends (common parameters in the query, the rest in a form)', async () => {
    const answer = await callRpcV1(
      em.url,
      'AssumeRole',
      STS,
      { RoleArn: ali.ciRole, RoleSessionName: 'v1', DurationSeconds: '3600' },
      { credentials: ali.user, now: clock },
    );
    expect(answer.status, answer.text).toBe(200);
    const c = (answer.json as { Credentials: Credentials }).Credentials;
    const who = await callRpcV1(
      em.url,
      'GetCallerIdentity',
      STS,
      {},
      {
        credentials: asCredentials(c),
        method: 'GET',
        now: clock,
      },
    );
    expect(who.status, who.text).toBe(200);
    expect(who.json).toMatchObject({ IdentityType: 'AssumedRoleUser', Arn: expect.stringMatching(/\/v1$/) });
  });

  it("refuses a tampered signature-1.0 request with the server's string to sign, as the SDK reads it", async () => {
    const answer = await callRpcV1(
      em.url,
      'AssumeRole',
      STS,
      { RoleArn: ali.ciRole, RoleSessionName: 'v1' },
      { credentials: ali.user, now: clock, tamper: (q) => Object.assign(q, { Format: 'XML' }) },
    );
    expect(answer.status).toBe(400);
    const body = answer.json as { Code: string; Message: string };
    expect(body.Code).toBe('SignatureDoesNotMatch');
    expect(body.Message).toMatch(
      /^Specified signature is not matched with our calculation\. server string to sign is:POST&%2F&/,
    );
  });

  it('refuses a signature-1.0 request without its signature parameters, or signed long ago', async () => {
    const unsigned = await rawCall(em.url, 'GET', `/?Action=GetCallerIdentity&Version=${STS}&Signature=x`);
    expect(unsigned.status).toBe(400);
    expect(unsigned.json).toMatchObject({ Code: 'IncompleteSignature' });
    const stale = await callRpcV1(
      em.url,
      'GetCallerIdentity',
      STS,
      {},
      {
        credentials: ali.user,
        now: new Date(clock.getTime() - 16 * 60_000),
      },
    );
    expect(stale.status).toBe(400);
    expect(stale.json).toMatchObject({ Code: 'InvalidTimeStamp.Expired' });
  });
});

describe('AssumeRoleWithOIDC', () => {
  const oidc = (token: string, extra: Record<string, string> = {}) =>
    callRpcV1(
      em.url,
      'AssumeRoleWithOIDC',
      STS,
      {
        OIDCProviderArn: ali.provider,
        RoleArn: ali.ciRole,
        OIDCToken: token,
        RoleSessionName: 'github',
        ...extra,
      },
      { now: clock },
    );
  const ciToken = (over: Partial<Parameters<typeof mint>[1]> = {}) =>
    mint(em.url, { sub: 'repo:rescind-dev/rescind:ref:refs/heads/main', aud: ali.audience, ...over });

  it('exchanges a token of the provider for the role, unsigned, with the token described', async () => {
    const answer = await oidc(await ciToken());
    expect(answer.status, answer.text).toBe(200);
    const body = answer.json as Record<string, Record<string, string>>;
    expect(body.AssumedRoleUser).toEqual({
      Arn: 'acs:ram::1000000000000001:role/rescind-ci/github',
      AssumedRoleId: '300000000000000001:github',
    });
    expect(body.Credentials?.AccessKeyId).toMatch(/^STS\./);
    expect(body.OIDCTokenInfo).toMatchObject({
      Subject: 'repo:rescind-dev/rescind:ref:refs/heads/main',
      Issuer: names.issuer,
      ClientIds: ali.audience,
    });
  });

  it('accepts the anonymous ACS3 form of the call (x-acs-action, no Authorization)', async () => {
    const query = new URLSearchParams({
      OIDCProviderArn: ali.provider,
      RoleArn: ali.ciRole,
      OIDCToken: await ciToken(),
      RoleSessionName: 'acs3',
    });
    const answer = await rawCall(em.url, 'POST', `/?${query}`, {
      'x-acs-action': 'AssumeRoleWithOIDC',
      'x-acs-version': STS,
    });
    expect(answer.status, answer.text).toBe(200);
  });

  it.each([
    ['a token that is not a JWT', async () => 'not-a-jwt-at-all', 'AuthenticationFail.OIDCToken.Invalid'],
    [
      'a token signed by another key',
      async () =>
        strangerToken({
          iss: names.issuer,
          sub: 'repo:rescind-dev/rescind:ref:refs/heads/main',
          aud: ali.audience,
          exp: Math.floor(clock.getTime() / 1000) + 600,
        }),
      'AuthenticationFail.OIDCToken.Invalid',
    ],
    ['an expired token', () => ciToken({ ttlSeconds: -60 }), 'AuthenticationFail.OIDCToken.Expired'],
    [
      'a token for another audience',
      () => ciToken({ aud: 'someone-else' }),
      'AuthenticationFail.OIDCToken.AudienceNotMatch',
    ],
    [
      'a token of another issuer',
      () => ciToken({ iss: 'https://evil.example' }),
      'AuthenticationFail.OIDCToken.IssuerNotMatch',
    ],
  ])('refuses %s with 400 %s', async (_, token, code) => {
    const answer = await oidc(await token());
    expect(answer.status, answer.text).toBe(400);
    expect(answer.json).toMatchObject({ Code: code });
  });

  it('refuses a huge token before reading it as a JWT', async () => {
    const answer = await oidc(`${'a'.repeat(20_001)}`);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ Code: 'InvalidParameter' });
  });

  it("refuses a subject the role's trust policy does not allow, and an unknown provider", async () => {
    const outsider = await oidc(await ciToken({ sub: 'repo:someone/else:ref:refs/heads/main' }));
    expect(outsider.status).toBe(403);
    expect(outsider.json).toMatchObject({
      Code: 'AuthenticationFail.NoPermission',
      Message: 'There is no permission',
    });
    const unknown = await oidc(await ciToken(), {
      OIDCProviderArn: 'acs:ram::1000000000000001:oidc-provider/nobody',
    });
    expect(unknown.status).toBe(403);
    expect(unknown.json).toMatchObject({
      Code: 'AuthenticationFail.NoPermission',
      Message: 'No such OIDC Provider registered.',
    });
  });

  it('counts the new operations in the stats by name', async () => {
    const stats = (await adminCall(em.url, 'GET', '/_emulator/stats')).json as {
      requests: Record<string, number>;
    };
    expect(stats.requests.AssumeRole).toBeGreaterThan(0);
    expect(stats.requests.AssumeRoleWithOIDC).toBeGreaterThan(0);
    expect(stats.requests.GetCallerIdentity).toBeGreaterThan(0);
  });
});

describe('the lifetime of issued credentials', () => {
  it('is credentialTtlSeconds, whatever DurationSeconds asks', async () => {
    const short = await startEmulator({ state: credentialsSeed, now: () => clock, credentialTtlSeconds: 20 });
    try {
      const answer = await callAlibaba(short.url, {
        method: 'POST',
        pathname: '/',
        action: 'AssumeRole',
        version: STS,
        query: { RoleArn: ali.ciRole, RoleSessionName: 'short', DurationSeconds: 3600 },
        credentials: ali.user,
        now: clock,
      });
      expect(answer.status, answer.text).toBe(200);
      expect((answer.json as { Credentials: Credentials }).Credentials.Expiration).toBe(
        '2026-11-23T12:00:20Z',
      );
    } finally {
      await short.close();
    }
  });
});
