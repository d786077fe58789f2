// Authentication end to end, over real HTTP: requests signed by rescind's signers are
// accepted; a wrong signature, a stale date, a reused nonce, an unknown key, a tampered
// path, query or body, and a missing signature get the cloud's own error, counted in stats.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { adminCall, callAlibaba, callHuawei, demo, esa, rawCall } from '../helpers/emulator-client.js';

const P = demo.projectId;
const KEY = '0d0466b0-e727-4d9c-b35d-f84bb474a37f';
const SITE = 1234567890123;
const CERT = 'baba39055622c008b90285a8838ed09a';

let em: RunningEmulator;
beforeEach(async () => {
  em = await startEmulator();
});
afterEach(async () => {
  await em.close();
});

const listGrants = (extra: Record<string, unknown> = {}) =>
  callHuawei(em.url, {
    method: 'POST',
    path: `/v1.0/${P}/kms/list-grants`,
    body: { key_id: KEY },
    projectId: P,
    ...extra,
  });

describe('Huawei Cloud SDK-HMAC-SHA256 and X-Auth-Token', () => {
  it('accepts a signed request and a valid token', async () => {
    expect((await listGrants()).status).toBe(200);
    expect((await listGrants({ auth: { token: demo.token } })).status).toBe(200);
  });

  it('refuses a wrong secret, an unknown AK, a stale date, a bad token and no credentials', async () => {
    const wrong = await listGrants({
      auth: { accessKey: demo.huawei.accessKey, secretKey: 'not-the-secret' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({
      error_code: 'APIGW.0301',
      request_id: wrong.headers['x-request-id'],
    });
    expect((wrong.json as { error_msg: string }).error_msg).toContain('verify aksk signature fail');
    expect(wrong.text).not.toContain('not-the-secret');

    const unknown = await listGrants({ auth: { accessKey: 'NOSUCHAK', secretKey: 'x' } });
    expect([unknown.status, (unknown.json as { error_msg: string }).error_msg]).toEqual([
      401,
      'Incorrect IAM authentication information: ak NOSUCHAK not exist',
    ]);

    const stale = await listGrants({ now: new Date(Date.now() - 20 * 60 * 1000) });
    expect(stale.status).toBe(401);
    expect((stale.json as { error_msg: string }).error_msg).toContain('signature expired');

    const badToken = await listGrants({ auth: { token: 'forged' } });
    expect(badToken.status).toBe(401);

    const none = await listGrants({ auth: 'none' });
    expect(none.json).toMatchObject({ error_code: 'APIGW.0301' });
  });

  it('refuses a request whose body, query or path changed after signing', async () => {
    // Sign one body and send another: the X-Sdk-Date and Authorization of a valid request, replayed.
    const ok = await listGrants();
    expect(ok.status).toBe(200);
    const signed = await import('../../src/clouds/huaweicloud/sign.js');
    const url = `${em.url}/v1.0/${P}/kms/list-grants`;
    const body = JSON.stringify({ key_id: KEY });
    const headers = { 'content-type': 'application/json', 'x-project-id': P };
    const auth = signed.signHuaweiRequest({ method: 'POST', url, headers, body }, demo.huawei, new Date());
    const tamperedBody = await rawCall(
      em.url,
      'POST',
      `/v1.0/${P}/kms/list-grants`,
      { ...headers, ...auth },
      body.replace('}', ',"limit":"1"}'),
    );
    expect(tamperedBody.status).toBe(401);
    const tamperedQuery = await rawCall(
      em.url,
      'POST',
      `/v1.0/${P}/kms/list-grants?x=1`,
      { ...headers, ...auth },
      body,
    );
    expect(tamperedQuery.status).toBe(401);
    const tamperedPath = await rawCall(
      em.url,
      'POST',
      `/v1.0/${P}/kms/list-retirable-grants`,
      { ...headers, ...auth },
      body,
    );
    expect(tamperedPath.status).toBe(401);
    const intact = await rawCall(em.url, 'POST', `/v1.0/${P}/kms/list-grants`, { ...headers, ...auth }, body);
    expect(intact.status).toBe(200);
  });
});

describe('Alibaba Cloud ACS3-HMAC-SHA256', () => {
  const get = (extra: Record<string, unknown> = {}) =>
    esa(em.url, 'GetClientCertificate', { SiteId: SITE, Id: CERT }, extra);
  const codeOf = (r: { status: number; json: unknown }) => [r.status, (r.json as { Code: string }).Code];

  it('accepts RPC and ROA requests', async () => {
    expect((await get()).status).toBe(200);
    const roa = await callAlibaba(em.url, {
      method: 'GET',
      pathname: '/permissions/users/276543210987654321',
      action: 'DescribeUserPermission',
      version: '2015-12-15',
    });
    expect(roa.status).toBe(200);
  });

  it('refuses a reused nonce, a wrong secret, an unknown key and a stale date', async () => {
    expect((await get({ nonce: 'fixed-nonce-1' })).status).toBe(200);
    const replay = await get({ nonce: 'fixed-nonce-1' });
    expect(codeOf(replay)).toEqual([400, 'SignatureNonceUsed']);
    expect(replay.json).toMatchObject({
      RequestId: replay.headers['x-acs-request-id'],
      HostId: new URL(em.url).host,
    });
    expect(
      codeOf(await get({ credentials: { accessKeyId: demo.alibaba.accessKeyId, accessKeySecret: 'nope' } })),
    ).toEqual([400, 'SignatureDoesNotMatch']);
    expect(codeOf(await get({ credentials: { accessKeyId: 'NOSUCHKEY', accessKeySecret: 'x' } }))).toEqual([
      404,
      'InvalidAccessKeyId.NotFound',
    ]);
    expect(codeOf(await get({ now: new Date(Date.now() - 16 * 60 * 1000) }))).toEqual([
      400,
      'InvalidTimeStamp.Expired',
    ]);
  });

  it('refuses a tampered query, path or body hash, and a request without signature', async () => {
    const tamperQuery = await get({
      tamper: (r: { url: string }) => (r.url = r.url.replace(CERT, '0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f')),
    });
    expect(codeOf(tamperQuery)).toEqual([400, 'SignatureDoesNotMatch']);
    const tamperPath = await callAlibaba(em.url, {
      method: 'GET',
      pathname: '/permissions/users/276543210987654321',
      action: 'DescribeUserPermission',
      version: '2015-12-15',
      tamper: (r) => (r.url = r.url.replace('276543210987654321', '276543210987654322')),
    });
    expect(codeOf(tamperPath)).toEqual([400, 'SignatureDoesNotMatch']);
    const tamperBody = await get({
      method: 'POST',
      body: 'Extra=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      tamper: (r: { body: unknown }) => (r.body = 'Extra=2'),
    });
    expect(codeOf(tamperBody)).toEqual([400, 'SignatureDoesNotMatch']);
    const unsigned = await rawCall(em.url, 'GET', `/?SiteId=${SITE}&Id=${CERT}`, {
      'x-acs-action': 'GetClientCertificate',
      'x-acs-version': '2024-09-10',
    });
    expect(codeOf(unsigned)).toEqual([400, 'IncompleteSignature']);
  });

  it('counts refused requests per operation in stats', async () => {
    await get({ credentials: { accessKeyId: 'NOSUCHKEY', accessKeySecret: 'x' } });
    await get();
    const stats = (await adminCall(em.url, 'GET', '/_emulator/stats')).json as {
      requests: Record<string, number>;
    };
    expect(stats.requests.GetClientCertificate).toBe(2);
  });
});
