// Fault injection and the admin endpoints: latency (maximum in-flight requests), throttling
// with each cloud's own answer, 5xx in the cloud's shape, dropped connections, all counted
// in /_emulator/stats; the same seed gives the same faults; faults and reset at run time.

import { afterEach, describe, expect, it } from 'vitest';
import { FaultInjector, mulberry32 } from '../../src/emulator/faults.js';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { adminCall, callHuawei, demo, esa } from '../helpers/emulator-client.js';

const P = demo.projectId;
const KEY = '0d0466b0-e727-4d9c-b35d-f84bb474a37f';
const SITE = 1234567890123;
const CERT = 'baba39055622c008b90285a8838ed09a';

let em: RunningEmulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});

async function start(options: EmulatorOptions): Promise<RunningEmulator> {
  em = await startEmulator(options);
  return em;
}

const listGrants = (url: string, now?: Date) =>
  callHuawei(url, {
    method: 'POST',
    path: `/v1.0/${P}/kms/list-grants`,
    body: { key_id: KEY },
    projectId: P,
    ...(now ? { now } : {}),
  });
const getCert = (url: string, now?: Date) =>
  esa(url, 'GetClientCertificate', { SiteId: SITE, Id: CERT }, now ? { now } : {});

async function stats(url: string) {
  return (await adminCall(url, 'GET', '/_emulator/stats')).json as {
    requests: Record<string, number>;
    maxInFlight: Record<string, number>;
    throttled: number;
    faults: number;
  };
}

describe('fault injection', () => {
  it('latency keeps requests in flight together: maxInFlight per operation', async () => {
    const { url } = await start({ latencyMs: 150, jitterMs: 20 });
    const answers = await Promise.all(Array.from({ length: 6 }, () => listGrants(url)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const s = await stats(url);
    expect(s.requests.ListGrants).toBe(6);
    expect(s.maxInFlight.ListGrants).toBeGreaterThanOrEqual(2);
    expect(s.throttled + s.faults).toBe(0);
  });

  it('throttling answers Huawei 429 APIGW.0308 and Alibaba Throttling.User with x-acs-retry-after', async () => {
    const frozen = new Date();
    const { url } = await start({ throttleRps: 2, now: () => frozen });
    const hw = [];
    for (let i = 0; i < 4; i++) hw.push(await listGrants(url, frozen));
    expect(hw.map((a) => a.status)).toEqual([200, 200, 429, 429]);
    const throttled = hw[2];
    expect(throttled?.json).toEqual({
      error_msg:
        'The throttling threshold has been reached: policy user over ratelimit,limit:2,time:1 second',
      error_code: 'APIGW.0308',
      request_id: throttled?.headers['x-request-id'],
    });
    // Each operation has its own bucket.
    const ali = [];
    for (let i = 0; i < 3; i++) ali.push(await getCert(url, frozen));
    expect(ali.map((a) => a.status)).toEqual([200, 200, 429]);
    expect(ali[2]?.json).toMatchObject({
      Code: 'Throttling.User',
      Message: 'Request was denied due to user flow control.',
    });
    expect(Number(ali[2]?.headers['x-acs-retry-after'])).toBeGreaterThan(0);
    const s = await stats(url);
    expect(s.throttled).toBe(3);
    expect(s.requests).toEqual({ ListGrants: 4, GetClientCertificate: 3 });
  });

  it('error-rate answers 5xx in each cloud shape without changing state', async () => {
    const { url } = await start({ errorRate: 1 });
    const hw = await listGrants(url);
    expect(hw.status).toBe(500);
    expect(hw.json).toEqual({ error: { error_code: 'KMS.0501', error_msg: 'Internal service error.' } });
    const revoke = await esa(url, 'RevokeClientCertificate', { SiteId: SITE, Id: CERT });
    expect(revoke.status).toBe(500);
    expect(revoke.json).toMatchObject({
      Code: 'InternalError',
      RequestId: revoke.headers['x-acs-request-id'],
    });
    const s = await stats(url);
    expect(s.faults).toBe(2);
    await adminCall(url, 'POST', '/_emulator/faults', { errorRate: 0 });
    const cert = (await getCert(url)).json as { Result: { Status: string } };
    expect(cert.Result.Status).toBe('active');
  });

  it('drop-rate destroys the connection without an answer', async () => {
    const { url } = await start({ dropRate: 1 });
    await expect(listGrants(url)).rejects.toThrow();
    await expect(getCert(url)).rejects.toThrow();
    const s = await stats(url);
    expect(s.faults).toBe(2);
    expect(s.requests).toEqual({ ListGrants: 1, GetClientCertificate: 1 });
  });

  it('the same seed gives the same faults, request by request', async () => {
    const statuses = async (seed: number) => {
      const { url } = await start({ errorRate: 0.5, seed });
      const out: number[] = [];
      for (let i = 0; i < 16; i++) out.push((await listGrants(url)).status);
      await em?.close();
      em = undefined;
      return out;
    };
    const a = await statuses(7);
    expect(await statuses(7)).toEqual(a);
    expect(a).toContain(500);
    expect(a).toContain(200);
    expect(await statuses(8)).not.toEqual(a);
  });

  it('FaultInjector draws four numbers per request whatever the settings', () => {
    const random = mulberry32(3);
    const expected = Array.from({ length: 8 }, () => random());
    const injector = new FaultInjector({ seed: 3, latencyMs: 10, jitterMs: 100 });
    injector.decide('A', 0);
    const second = injector.decide('A', 0);
    expect(second.delayMs).toBe(10 + Math.floor((expected[7] ?? 0) * 100));
  });
});

describe('admin endpoints', () => {
  it('POST /_emulator/faults changes settings at run time and validates them', async () => {
    const { url } = await start({});
    const set = await adminCall(url, 'POST', '/_emulator/faults', { errorRate: 0.25, latencyMs: 5 });
    expect(set.status).toBe(200);
    expect(set.json).toEqual({
      latencyMs: 5,
      jitterMs: 0,
      errorRate: 0.25,
      throttleRps: 0,
      dropRate: 0,
      seed: 1,
      paging: {},
    });
    expect((await adminCall(url, 'GET', '/_emulator/faults')).json).toMatchObject({ errorRate: 0.25 });
    for (const body of [
      { errorRate: 2 },
      { errorRate: '0.1' },
      { latency: 1 },
      { latencyMs: 1.5 },
      [1],
      'nope',
    ]) {
      const r = await adminCall(url, 'POST', '/_emulator/faults', body);
      expect(r.status).toBe(400);
      expect(typeof (r.json as { error: string }).error).toBe('string');
    }
    expect((await adminCall(url, 'GET', '/_emulator/nothing')).status).toBe(404);
    expect((await adminCall(url, 'DELETE', '/_emulator/stats')).status).toBe(405);
  });

  it('GET /_emulator/state is the seed format; POST /_emulator/reset restores the seed and zeroes stats', async () => {
    const { url } = await start({});
    await esa(url, 'RevokeClientCertificate', { SiteId: SITE, Id: CERT });
    const state = (await adminCall(url, 'GET', '/_emulator/state')).json as {
      kind: string;
      alibabacloud: { esa: { sites: { client_certificates: { Id: string; Status: string }[] }[] } };
    };
    expect(state.kind).toBe('EmulatorState');
    expect(state.alibabacloud.esa.sites[0]?.client_certificates[0]).toMatchObject({
      Id: CERT,
      Status: 'revoked',
    });
    const reset = await adminCall(url, 'POST', '/_emulator/reset');
    expect(reset.status).toBe(204);
    expect(await stats(url)).toEqual({ requests: {}, maxInFlight: {}, throttled: 0, faults: 0 });
    expect(((await getCert(url)).json as { Result: { Status: string } }).Result.Status).toBe('active');
  });
});
