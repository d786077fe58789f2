// The HTTP client against real loopback servers: every error shape of both clouds, retries after
// throttling, 5xx and dropped connections, no retry of other 4xx, Retry-After / x-acs-retry-after,
// re-signing of each attempt (checked by the emulator's verifiers), pacing, timeouts, abort, the
// http:// rule and keep-alive. Clock, sleep and jitter are injected: nothing depends on wall time.

import { afterEach, describe, expect, it } from 'vitest';
import { alibabaSigner } from '../../src/clouds/alibabacloud/sign.js';
import { dialects } from '../../src/clouds/dialects.js';
import { huaweiSigner, huaweiTokenSigner } from '../../src/clouds/huaweicloud/sign.js';
import {
  NonceCache,
  type SignedRequest,
  verifyAlibabaRequest,
  verifyHuaweiRequest,
} from '../../src/emulator/auth/index.js';
import {
  type CallOptions,
  createHttpClient,
  type HttpClient,
  type HttpClientOptions,
} from '../../src/http/client.js';
import {
  AbortedError,
  CloudError,
  InsecureUrlError,
  NetworkError,
  ThrottledError,
  TimeoutError,
} from '../../src/http/errors.js';
import type { Cloud } from '../../src/vocabulary.js';
import { json, type Received, startServer, type TestServer } from '../helpers/http-server.js';

const hwCreds = { accessKey: 'HWTESTAK000000000001', secretKey: 'hw-test-secret-key-0001' };
const aliCreds = { accessKeyId: 'ALITESTAK00000000001', accessKeySecret: 'ali-test-secret-0001' };

const servers: TestServer[] = [];
const clients: HttpClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

/** Sleeps records each wait asked for and returns at once. */
function recordingSleep(): { sleeps: number[]; sleep: (ms: number) => Promise<void> } {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms) => void sleeps.push(ms) };
}

/**
 * fakeTime is a clock that only the recorded sleeps move, for tests where the adaptive limiter's
 * retry-after hold must see the time the retry waited pass.
 */
function fakeTime(start = Date.parse('2026-11-23T10:00:00Z')): {
  sleeps: number[];
  now: () => number;
  sleep: (ms: number) => Promise<void>;
} {
  let clock = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
  };
}

/** client is a client of cloud, in that cloud's dialect. */
function client({ cloud, ...options }: Partial<HttpClientOptions> & { cloud: Cloud }): HttpClient {
  const c = createHttpClient({ account: 'test', random: () => 0.5, dialect: dialects[cloud], ...options });
  clients.push(c);
  return c;
}

function hwCall(server: TestServer, extra: Partial<CallOptions> = {}): CallOptions {
  return {
    method: 'GET',
    url: `${server.origin}/v1/projects`,
    service: 'kms',
    operation: 'ListGrants',
    ...extra,
  };
}

function aliCall(server: TestServer, extra: Partial<CallOptions> = {}): CallOptions {
  return {
    method: 'GET',
    url: `${server.origin}/`,
    query: { SiteId: 1234567890123, Id: 'baba39055622c008b90285a8838ed09a' },
    service: 'esa',
    operation: 'GetClientCertificate',
    apiVersion: '2024-09-10',
    ...extra,
  };
}

function asSigned(r: Received): SignedRequest {
  return { method: r.method, path: r.path, query: r.query, headers: r.headers, body: r.body };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('error shapes', () => {
  const cases = [
    {
      name: 'Huawei APIGW flat with request_id',
      cloud: 'huaweicloud',
      status: 401,
      body: {
        error_msg: 'Incorrect IAM authentication information: verify aksk signature fail',
        error_code: 'APIGW.0301',
        request_id: 'body-rid-1',
      },
      headers: { 'x-request-id': 'hdr-rid-1' },
      expected: {
        cloudCode: 'APIGW.0301',
        requestId: 'hdr-rid-1',
        cloudMessage: 'Incorrect IAM authentication information: verify aksk signature fail',
      },
    },
    {
      name: 'Huawei CCM flat',
      cloud: 'huaweicloud',
      status: 400,
      body: { error_code: 'PCA.00020001', error_msg: 'Incorrect parameter.' },
      headers: { 'x-request-id': 'hdr-rid-2' },
      expected: { cloudCode: 'PCA.00020001', requestId: 'hdr-rid-2', cloudMessage: 'Incorrect parameter.' },
    },
    {
      name: 'Huawei KMS nested',
      cloud: 'huaweicloud',
      status: 400,
      body: { error: { error_code: 'KMS.1002', error_msg: 'Invalid grant ID.' } },
      headers: {},
      expected: { cloudCode: 'KMS.1002', requestId: undefined, cloudMessage: 'Invalid grant ID.' },
    },
    {
      name: 'Huawei CCE camelCase',
      cloud: 'huaweicloud',
      status: 400,
      body: { errorMessage: 'The format of message is error', errorCode: 'CCE.01400001' },
      headers: { 'x-request-id': 'hdr-rid-4' },
      expected: {
        cloudCode: 'CCE.01400001',
        requestId: 'hdr-rid-4',
        cloudMessage: 'The format of message is error',
      },
    },
    {
      name: 'Alibaba RPC',
      cloud: 'alibabacloud',
      status: 404,
      body: {
        RequestId: 'ali-rid-5',
        HostId: 'esa.cn-hangzhou.aliyuncs.com',
        Code: 'Certificate.NotFound',
        Message: 'The certificate does not exist.',
      },
      headers: { 'x-acs-request-id': 'ali-rid-5' },
      expected: {
        cloudCode: 'Certificate.NotFound',
        requestId: 'ali-rid-5',
        cloudMessage: 'The certificate does not exist.',
      },
    },
    {
      name: 'Alibaba ROA lower-case',
      cloud: 'alibabacloud',
      status: 404,
      body: { code: 'ErrorClusterNotFound', message: 'cluster not found', requestId: 'ali-rid-6' },
      headers: {},
      expected: {
        cloudCode: 'ErrorClusterNotFound',
        requestId: 'ali-rid-6',
        cloudMessage: 'cluster not found',
      },
    },
  ] as const;

  for (const c of cases) {
    it(`parses ${c.name}`, async () => {
      const server = await serve((_req, res) => json(res, c.status, c.body, c.headers));
      const http = client({ cloud: c.cloud });
      const err = await rejection(http.call(c.cloud === 'huaweicloud' ? hwCall(server) : aliCall(server)));
      expect(err).toBeInstanceOf(CloudError);
      expect(err).toMatchObject({
        name: 'CloudError',
        code: 'RESCIND_CLOUD_ERROR',
        cloud: c.cloud,
        status: c.status,
        retryable: false,
        throttled: false,
        attempts: 1,
        ...c.expected,
      });
      expect(server.received).toHaveLength(1);
    });
  }

  it('reads an HTML page from a proxy', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(403, { 'content-type': 'text/html' });
      res.end('<html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1></body></html>');
    });
    const err = await rejection(client({ cloud: 'huaweicloud' }).call(hwCall(server)));
    expect(err).toBeInstanceOf(CloudError);
    expect(err).toMatchObject({
      status: 403,
      cloudCode: undefined,
      cloudMessage: '403 Forbidden',
      retryable: false,
    });
    expect((err as Error).message).toBe('huaweicloud kms ListGrants: HTTP 403: 403 Forbidden');
  });

  it('retries a 502 HTML page and reports it once the attempts are spent', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><title>502 Bad Gateway</title></html>');
    });
    const { sleep, sleeps } = recordingSleep();
    const err = await rejection(
      client({ cloud: 'alibabacloud', sleep, retry: { maxAttempts: 3 } }).call(aliCall(server)),
    );
    expect(err).toMatchObject({ status: 502, cloudMessage: '502 Bad Gateway', retryable: true, attempts: 3 });
    expect(server.received).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });
});

describe('retries', () => {
  it('retries Huawei throttling (429 APIGW.0308) then succeeds', async () => {
    const server = await serve((_req, res, i) => {
      if (i === 0) {
        json(res, 429, {
          error_msg:
            'The throttling threshold has been reached: policy user over ratelimit,limit:200,time:5 minute',
          error_code: 'APIGW.0308',
          request_id: 'd4e8174b8df00840aef0c6907ec0e384',
        });
      } else {
        json(res, 200, { grants: [] }, { 'x-request-id': 'ok-1' });
      }
    });
    const { sleep, sleeps, now } = fakeTime();
    const result = await client({ cloud: 'huaweicloud', sleep, now }).call(hwCall(server));
    expect(result).toMatchObject({ status: 200, body: { grants: [] }, requestId: 'ok-1', attempts: 2 });
    expect(server.received).toHaveLength(2);
    // No Retry-After: full jitter over the throttling base (1000 ms), random() = 0.5. The throttle also
    // turned the adaptive limiter on at 0.7 x the 2/s measured so far: its first token comes 1/1.4 s
    // after the throttle, of which the retry has waited 500 ms.
    expect(sleeps).toEqual([500, expect.closeTo(1000 / 1.4 - 500, 3)]);
  });

  it('retries Alibaba Throttling.User and waits x-acs-retry-after milliseconds', async () => {
    const server = await serve((_req, res, i) => {
      if (i === 0) {
        json(
          res,
          400,
          {
            RequestId: 'r1',
            HostId: 'esa.aliyuncs.com',
            Code: 'Throttling.User',
            Message: 'Request was denied due to user flow control.',
          },
          { 'x-acs-retry-after': '1500' },
        );
      } else {
        json(res, 200, { RequestId: 'r2', Result: { Status: 'active' } });
      }
    });
    // The retry waits what the server asked; the adaptive limiter's hold has passed by then.
    const { sleep, sleeps, now } = fakeTime(Date.now());
    const http = client({ cloud: 'alibabacloud', sleep, now, signer: alibabaSigner(aliCreds) });
    const result = await http.call(aliCall(server));
    expect(result).toMatchObject({ status: 200, requestId: 'r2', attempts: 2 });
    expect(sleeps).toEqual([1500]);
  });

  it('reports throttling as a ThrottledError once the attempts are spent', async () => {
    const server = await serve((_req, res) =>
      json(res, 429, { RequestId: 'r', Code: 'Rejected.Throttling', Message: 'QPS Limit Exceeded' }),
    );
    const { sleep } = recordingSleep();
    const err = await rejection(
      client({ cloud: 'alibabacloud', sleep, retry: { maxAttempts: 2 } }).call(aliCall(server)),
    );
    expect(err).toBeInstanceOf(ThrottledError);
    expect(err).toBeInstanceOf(CloudError);
    expect(err).toMatchObject({
      code: 'RESCIND_THROTTLED',
      throttled: true,
      retryable: true,
      attempts: 2,
      cloudCode: 'Rejected.Throttling',
    });
    expect(server.received).toHaveLength(2);
  });

  it('retries a 5xx then succeeds', async () => {
    const server = await serve((_req, res, i) => {
      if (i === 0)
        json(res, 500, { error: { error_code: 'KMS.0501', error_msg: 'Internal service error.' } });
      else json(res, 200, {});
    });
    const { sleep, sleeps } = recordingSleep();
    const result = await client({ cloud: 'huaweicloud', sleep }).call(
      hwCall(server, { method: 'POST', body: { key_id: 'k' } }),
    );
    expect(result).toMatchObject({ status: 200, attempts: 2 });
    expect(server.received.map((r) => r.body.toString())).toEqual(['{"key_id":"k"}', '{"key_id":"k"}']);
    // Full jitter over the ordinary base (200 ms), random() = 0.5.
    expect(sleeps).toEqual([100]);
  });

  it('retries a dropped connection then succeeds', async () => {
    const server = await serve((_req, res, i) => {
      if (i === 0) res.socket?.destroy();
      else json(res, 200, { ok: true });
    });
    const lines: string[] = [];
    const { sleep, sleeps } = recordingSleep();
    const result = await client({ cloud: 'huaweicloud', sleep, logger: (l) => lines.push(l) }).call(
      hwCall(server, { method: 'POST', body: { key_id: 'k', grant_id: 'g' } }),
    );
    expect(result).toMatchObject({ status: 200, body: { ok: true }, attempts: 2 });
    expect(server.received).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
    expect(lines.some((l) => /http retry kms ListGrants: attempt 1\/4 network UND_ERR_SOCKET/.test(l))).toBe(
      true,
    );
  });

  it('reports a connection that stays dropped as a NetworkError', async () => {
    const server = await serve((_req, res) => void res.socket?.destroy());
    const { sleep } = recordingSleep();
    const err = await rejection(
      client({ cloud: 'huaweicloud', sleep, retry: { maxAttempts: 2 } }).call(hwCall(server)),
    );
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toMatchObject({
      code: 'RESCIND_NETWORK_ERROR',
      networkCode: 'UND_ERR_SOCKET',
      retryable: true,
      attempts: 2,
    });
    expect(server.received).toHaveLength(2);
  });

  it('reports a non-retryable 4xx once, without retrying', async () => {
    const server = await serve((_req, res) =>
      json(res, 400, {
        RequestId: 'r',
        HostId: 'h',
        Code: 'Certificate.StatusError',
        Message: 'The status of the certificate is invalid.',
      }),
    );
    const { sleep, sleeps } = recordingSleep();
    const err = await rejection(
      client({ cloud: 'alibabacloud', sleep, signer: alibabaSigner(aliCreds) }).call(
        aliCall(server, { operation: 'RevokeClientCertificate' }),
      ),
    );
    expect(err).toBeInstanceOf(CloudError);
    expect(err).not.toBeInstanceOf(ThrottledError);
    expect(err).toMatchObject({
      status: 400,
      cloudCode: 'Certificate.StatusError',
      retryable: false,
      attempts: 1,
    });
    expect((err as Error).message).toBe(
      'alibabacloud esa RevokeClientCertificate: HTTP 400 Certificate.StatusError: The status of the certificate is invalid. (request id r)',
    );
    expect(server.received).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('honours Retry-After in seconds', async () => {
    const server = await serve((_req, res, i) => {
      if (i === 0) json(res, 503, { error_code: 'APIGW.0201', error_msg: 'busy' }, { 'retry-after': '2' });
      else json(res, 200, {});
    });
    const { sleep, sleeps } = recordingSleep();
    await client({ cloud: 'huaweicloud', sleep }).call(hwCall(server));
    expect(sleeps).toEqual([2000]);
  });

  it('honours Retry-After as an HTTP date, against the injected clock', async () => {
    const server = await serve((_req, res, i) => {
      if (i === 0)
        json(
          res,
          429,
          { error_code: 'APIGW.0308', error_msg: 'throttled' },
          { 'retry-after': 'Mon, 23 Nov 2026 10:00:03 GMT' },
        );
      else json(res, 200, {});
    });
    const { sleep, sleeps, now } = fakeTime(Date.parse('2026-11-23T10:00:00Z'));
    await client({ cloud: 'huaweicloud', sleep, now }).call(hwCall(server));
    expect(sleeps).toEqual([3000]);
  });

  it('re-signs every Huawei attempt with a new date (verified as APIG would)', async () => {
    let clock = Date.now();
    const outcomes: unknown[] = [];
    const server = await serve((req, res, i) => {
      outcomes.push(
        verifyHuaweiRequest(asSigned(req), {
          secretFor: (ak) => (ak === hwCreds.accessKey ? hwCreds.secretKey : undefined),
          now: new Date(clock),
        }),
      );
      if (i < 2) json(res, 500, { error_code: 'PCA.00050001', error_msg: 'Internal service error.' });
      else json(res, 204, {});
    });
    const { sleep } = recordingSleep();
    const http = client({
      cloud: 'huaweicloud',
      signer: huaweiSigner(hwCreds),
      sleep,
      now: () => {
        clock += 1000;
        return clock;
      },
    });
    const result = await http.call({
      method: 'POST',
      url: `${server.origin}/v1/private-certificate-authorities/3b8e2b0a-1b2c-4d5e-8f90-a1b2c3d4e5f6/revoke`,
      headers: { 'x-domain-id': '9f8e7d6c5b4a39281706f5e4d3c2b1a0' },
      body: { reason: 'KEY_COMPROMISE' },
      service: 'ccm',
      operation: 'RevokeCertificateAuthority',
    });
    expect(result).toMatchObject({ status: 204, attempts: 3 });
    expect(outcomes).toEqual([
      { ok: true, accessKey: hwCreds.accessKey },
      { ok: true, accessKey: hwCreds.accessKey },
      { ok: true, accessKey: hwCreds.accessKey },
    ]);
    const dates = server.received.map((r) => r.headers['x-sdk-date']);
    const signatures = server.received.map((r) => r.headers.authorization);
    expect(new Set(dates).size).toBe(3);
    expect(new Set(signatures).size).toBe(3);
  });

  it('re-signs every Alibaba attempt with a new nonce (a replayed nonce would be refused)', async () => {
    const nonces = new NonceCache(30 * 60 * 1000);
    const outcomes: unknown[] = [];
    const server = await serve((req, res, i) => {
      outcomes.push(
        verifyAlibabaRequest(asSigned(req), {
          secretFor: (id) => (id === aliCreds.accessKeyId ? aliCreds.accessKeySecret : undefined),
          now: new Date(),
          nonces,
        }),
      );
      if (i === 0) json(res, 400, { RequestId: 'r', Code: 'Throttling.Api', Message: 'throttled' });
      else if (i === 1) res.socket?.destroy();
      else json(res, 200, { RequestId: 'r3' });
    });
    const { sleep } = recordingSleep();
    const http = client({ cloud: 'alibabacloud', signer: alibabaSigner(aliCreds), sleep });
    const result = await http.call({
      method: 'DELETE',
      url: `${server.origin}/cluster/c82e6987e2961451182edacd74faf9a64/user/276839571222/permissions`,
      query: { Force: true },
      service: 'cs',
      operation: 'CleanClusterUserPermissions',
      apiVersion: '2015-12-15',
    });
    expect(result).toMatchObject({ status: 200, attempts: 3 });
    expect(outcomes.filter((o) => (o as { ok: boolean }).ok)).toHaveLength(3);
    const nonceValues = server.received.map((r) => r.headers['x-acs-signature-nonce']);
    expect(new Set(nonceValues).size).toBe(3);
    expect(server.received[0]?.query).toBe('Force=true');
    expect(server.received[0]?.headers['x-acs-action']).toBe('CleanClusterUserPermissions');
  });

  it('draws a nonce only for a signature that has one: each Alibaba attempt, never a Huawei one', async () => {
    const server = await serve((_req, res) => json(res, 200, { RequestId: 'r' }));
    let drawn = 0;
    const nonce = () => `${++drawn}`.padStart(32, '0');
    await client({ cloud: 'huaweicloud', signer: huaweiSigner(hwCreds), nonce }).call(hwCall(server));
    expect(drawn).toBe(0);
    await client({ cloud: 'alibabacloud', signer: alibabaSigner(aliCreds), nonce }).call(aliCall(server));
    expect(drawn).toBe(1);
    expect(server.received[1]?.headers['x-acs-signature-nonce']).toBe('1'.padStart(32, '0'));
  });

  it('authenticates with an IAM token and keeps it out of debug lines', async () => {
    const token = 'MIIEhwYJKoZIhvcNAQcCoIIEeDCCBHQCAQExDTALBglghkgBZQMEAgEw';
    const outcomes: unknown[] = [];
    const server = await serve((req, res) => {
      outcomes.push(
        verifyHuaweiRequest(asSigned(req), {
          secretFor: () => undefined,
          tokenValid: (t) => t === token,
          now: new Date(),
        }),
      );
      json(res, 200, { grants: [] });
    });
    const lines: string[] = [];
    const http = client({
      cloud: 'huaweicloud',
      signer: huaweiTokenSigner(token),
      logger: (l) => lines.push(l),
    });
    await http.call(hwCall(server));
    expect(outcomes).toEqual([{ ok: true, accessKey: token }]);
    expect(server.received[0]?.headers.authorization).toBeUndefined();
    expect(lines.join('\n')).not.toContain(token);
    expect(lines.join('\n')).toContain('"x-auth-token":"[REDACTED]"');
  });

  it('stops waiting and fails with AbortedError when the caller aborts between attempts', async () => {
    const server = await serve((_req, res) =>
      json(res, 503, { Code: 'ServiceUnavailable', Message: 'down' }),
    );
    const controller = new AbortController();
    const http = client({
      cloud: 'alibabacloud',
      // A wait that never ends unless aborted.
      sleep: () => {
        queueMicrotask(() => controller.abort(new Error('operator pressed ctrl-c')));
        return new Promise(() => {});
      },
    });
    const err = await rejection(http.call(aliCall(server, { signal: controller.signal })));
    expect(err).toBeInstanceOf(AbortedError);
    expect(err).toMatchObject({ code: 'RESCIND_ABORTED', retryable: false });
    expect(server.received).toHaveLength(1);
  });
});

describe('rate limit', () => {
  it('spaces requests of one service by the injected clock', async () => {
    let clock = 1_000_000;
    const sleeps: number[] = [];
    const server = await serve((_req, res) => json(res, 200, {}));
    const http = client({
      cloud: 'huaweicloud',
      rateLimit: { rps: 2 },
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
    });
    for (let i = 0; i < 3; i++) await http.call(hwCall(server));
    expect(sleeps).toEqual([500, 500]);
    expect(server.received).toHaveLength(3);
  });

  it('queues concurrent requests in arrival order, and keeps services apart', async () => {
    const clock = 1_000_000;
    const sleeps: number[] = [];
    const server = await serve((_req, res) => json(res, 200, {}));
    const http = client({
      cloud: 'huaweicloud',
      rateLimit: { rps: 4, perService: { ccm: 1 } },
      now: () => clock,
      sleep: async (ms) => void sleeps.push(ms),
    });
    await Promise.all([
      http.call(hwCall(server)),
      http.call(hwCall(server)),
      http.call(hwCall(server)),
      http.call(hwCall(server, { service: 'ccm' })),
      http.call(hwCall(server, { service: 'ccm' })),
    ]);
    expect(sleeps.sort((a, b) => a - b)).toEqual([250, 500, 1000]);
  });
});

describe('pacing', () => {
  it("a call that waits for its rate gives its caller's slot back meanwhile, and takes it before it is sent", async () => {
    let clock = 1_000_000;
    const told: string[] = [];
    const server = await serve((_req, res) => {
      told.push('sent');
      json(res, 200, {});
    });
    const http = client({
      cloud: 'huaweicloud',
      rateLimit: { rps: 2 },
      now: () => clock,
      sleep: async (ms) => {
        told.push(`waits ${ms}`);
        clock += ms;
      },
    });
    const pacer = {
      release: () => void told.push('release'),
      reacquire: async () => void told.push('reacquire'),
    };
    await http.call(hwCall(server, { pacer }));
    await http.call(hwCall(server, { pacer }));
    // The first goes at once and keeps its slot; the second gives it back for its wait.
    expect(told).toEqual(['sent', 'release', 'waits 500', 'reacquire', 'sent']);
  });

  it('a call whose rate was cut while it waited for its slot waits for the new rate before it is sent', async () => {
    const told: string[] = [];
    const server = await serve((_req, res, i) => {
      told.push(`sent ${i}`);
      if (i < 2) json(res, 429, { RequestId: 'r', Code: 'Throttling.User', Message: 'flow control' });
      else json(res, 200, { RequestId: `r${i}` });
    });
    const time = fakeTime();
    const http = client({
      cloud: 'alibabacloud',
      retry: { maxAttempts: 1 },
      now: time.now,
      sleep: async (ms) => {
        told.push('waits');
        await time.sleep(ms);
      },
    });
    await expect(http.call(aliCall(server))).rejects.toBeInstanceOf(ThrottledError);
    // B gets its ticket at the rate of the first cut, then waits for a slot ...
    let slotFree: () => void = () => {};
    const slot = new Promise<void>((resolve) => {
      slotFree = resolve;
    });
    let reacquired = 0;
    const pacer = {
      release: () => void told.push('B releases'),
      reacquire: async () => {
        told.push('B reacquires');
        if (reacquired++ === 0) await slot;
      },
    };
    const b = http.call(aliCall(server, { pacer }));
    await new Promise((resolve) => setImmediate(resolve));
    // ... while C, sent meanwhile, is throttled: the rate is cut again.
    await expect(http.call(aliCall(server))).rejects.toBeInstanceOf(ThrottledError);
    slotFree();
    await b;
    expect(told).toEqual([
      'sent 0',
      'B releases',
      'waits',
      'B reacquires',
      'waits',
      'sent 1',
      // B's ticket is stale: it waits for the new rate (its slot given back again) instead of going at once.
      'B releases',
      'waits',
      'B reacquires',
      'sent 2',
    ]);
  });
});

describe('adaptive rate limit', () => {
  const throttleFirst =
    (extra: Record<string, string> = {}) =>
    (_req: unknown, res: Parameters<typeof json>[0], i: number): void => {
      if (i === 0)
        json(res, 429, { RequestId: 'r', Code: 'Throttling.User', Message: 'flow control' }, extra);
      else json(res, 200, { RequestId: `r${i}` });
    };

  it('slows the next calls of the throttled operation only, and reports it', async () => {
    const server = await serve(throttleFirst());
    const { sleep, sleeps, now } = fakeTime();
    const http = client({ cloud: 'alibabacloud', sleep, now, retry: { maxAttempts: 1 } });
    await expect(http.call(aliCall(server))).rejects.toBeInstanceOf(ThrottledError);
    expect(http.rates()).toEqual([
      { account: 'test', service: 'esa', operation: 'GetClientCertificate', rate: 1.4, throttled: 1 },
    ]);
    // Another call of the same operation, e.g. from another worker, waits for the limiter's token ...
    await http.call(aliCall(server));
    expect(sleeps).toEqual([expect.closeTo(1000 / 1.4, 3)]);
    // ... a call of another operation does not.
    await http.call(aliCall(server, { operation: 'ListClientCertificates' }));
    expect(sleeps).toHaveLength(1);
    expect(http.rates()).toEqual([
      {
        account: 'test',
        service: 'esa',
        operation: 'GetClientCertificate',
        rate: expect.any(Number),
        throttled: 1,
      },
      { account: 'test', service: 'esa', operation: 'ListClientCertificates', rate: undefined, throttled: 0 },
    ]);
  });

  it("holds every call of the operation until the server's retry-after has passed", async () => {
    const server = await serve(throttleFirst({ 'x-acs-retry-after': '2000' }));
    const { sleep, sleeps, now } = fakeTime();
    const http = client({ cloud: 'alibabacloud', sleep, now, retry: { maxAttempts: 1 } });
    await expect(http.call(aliCall(server))).rejects.toBeInstanceOf(ThrottledError);
    await http.call(aliCall(server));
    expect(sleeps).toEqual([2000]);
    expect(server.received).toHaveLength(2);
  });

  it('applies the configured rate on top: an attempt waits for both', async () => {
    const server = await serve(throttleFirst());
    const { sleep, sleeps, now } = fakeTime();
    const http = client({ cloud: 'alibabacloud', sleep, now, rateLimit: { rps: 0.5 } });
    await http.call(aliCall(server));
    // The retry's backoff (random() = 0.5 of 1000 ms), the adaptive limiter's first token at 1.4/s, then
    // the configured bucket's next slot, 2 s after the first attempt.
    expect(sleeps).toEqual([500, expect.closeTo(1000 / 1.4 - 500, 3), expect.closeTo(2000 - 1000 / 1.4, 3)]);
  });

  it('is off with adaptive: false', async () => {
    const server = await serve(throttleFirst());
    const { sleep, sleeps, now } = fakeTime();
    const http = client({ cloud: 'alibabacloud', sleep, now, adaptive: false });
    await http.call(aliCall(server));
    await http.call(aliCall(server));
    expect(sleeps).toEqual([500]);
    expect(http.rates()).toEqual([]);
  });

  it('ends an adaptive wait when the caller aborts, sending nothing', async () => {
    const server = await serve(throttleFirst());
    const controller = new AbortController();
    let waits = 0;
    const http = client({
      cloud: 'alibabacloud',
      retry: { maxAttempts: 1 },
      now: () => 0,
      sleep: () => {
        waits += 1;
        queueMicrotask(() => controller.abort(new Error('stop')));
        return new Promise(() => {});
      },
    });
    await expect(http.call(aliCall(server))).rejects.toBeInstanceOf(ThrottledError);
    const err = await rejection(http.call(aliCall(server, { signal: controller.signal })));
    expect(err).toBeInstanceOf(AbortedError);
    expect(waits).toBe(1);
    expect(server.received).toHaveLength(1);
  });
});

describe('rate limit and abort', () => {
  it('ends a rate-limit wait when the caller aborts, sending nothing', async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    const controller = new AbortController();
    let waits = 0;
    const http = client({
      cloud: 'huaweicloud',
      rateLimit: { rps: 1 },
      now: () => 0,
      sleep: () => {
        waits += 1;
        queueMicrotask(() => controller.abort(new Error('stop')));
        return new Promise(() => {});
      },
    });
    await http.call(hwCall(server));
    const err = await rejection(http.call(hwCall(server, { signal: controller.signal })));
    expect(err).toBeInstanceOf(AbortedError);
    expect(waits).toBe(1);
    expect(server.received).toHaveLength(1);
  });
});

describe('timeouts', () => {
  it('turns the per-call deadline into a TimeoutError', async () => {
    const server = await serve(() => {
      // Never answers.
    });
    const err = await rejection(client({ cloud: 'huaweicloud' }).call(hwCall(server, { timeoutMs: 150 })));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ code: 'RESCIND_TIMEOUT', phase: 'call', timeoutMs: 150 });
  });

  it('ends a call in flight when the caller aborts, long before its deadline, and again at once after', async () => {
    const server = await serve(() => {
      // Never answers.
    });
    const http = client({ cloud: 'huaweicloud' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('operator pressed ctrl-c')), 50);
    const started = Date.now();
    const err = await rejection(http.call(hwCall(server, { signal: controller.signal, timeoutMs: 30_000 })));
    expect(err).toBeInstanceOf(AbortedError);
    expect(Date.now() - started).toBeLessThan(5_000);
    // A signal already aborted sends nothing.
    const again = await rejection(http.call(hwCall(server, { signal: controller.signal })));
    expect(again).toBeInstanceOf(AbortedError);
    expect(server.received).toHaveLength(1);
  });

  it('retries a headers timeout and reports it as a TimeoutError', async () => {
    const server = await serve(() => {});
    const { sleep } = recordingSleep();
    const http = client({ cloud: 'huaweicloud', headersTimeoutMs: 100, sleep, retry: { maxAttempts: 2 } });
    const err = await rejection(http.call(hwCall(server)));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ phase: 'headers', timeoutMs: 100, attempts: 2 });
    expect(server.received).toHaveLength(2);
  });
});

describe('transport', () => {
  it('refuses plain http:// to a host that is not loopback, before sending', async () => {
    const http = client({ cloud: 'huaweicloud' });
    const err = await rejection(
      http.call({
        method: 'GET',
        url: 'http://kms.cn-north-4.myhuaweicloud.com/v1.0/p/kms/list-grants',
        service: 'kms',
        operation: 'ListGrants',
      }),
    );
    expect(err).toBeInstanceOf(InsecureUrlError);
    expect(err).toMatchObject({ code: 'RESCIND_INSECURE_URL' });
    expect((err as Error).message).toMatch(/plain http:\/\/ is only allowed to a loopback host/);
    // The composed dispatcher refuses too, for callers that use undici directly.
    await expect(
      http.dispatcher.request({ origin: 'http://10.0.0.1', path: '/', method: 'GET' }),
    ).rejects.toBeInstanceOf(InsecureUrlError);
  });

  it('accepts http:// on localhost', async () => {
    const server = await serve((_req, res) => json(res, 200, { ok: 1 }));
    const port = new URL(server.origin).port;
    const result = await client({ cloud: 'huaweicloud' }).call(
      hwCall(server, { url: `http://localhost:${port}/v1/x` }),
    );
    expect(result.body).toEqual({ ok: 1 });
  });

  it('keeps the connection alive across calls', async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    // One socket per origin makes reuse certain: a larger pool may open a second socket when the next
    // call is dispatched before the previous socket reports itself free.
    const http = client({ cloud: 'huaweicloud', connections: 1 });
    for (let i = 0; i < 4; i++) await http.call(hwCall(server));
    // Error answers are read whole, so the socket is reused after them too.
    const errors = await serve((_req, res) => json(res, 404, { error_code: 'X', error_msg: 'no' }));
    for (let i = 0; i < 3; i++) await rejection(http.call(hwCall(errors)));
    expect(server.received.map((r) => r.socket)).toEqual([1, 1, 1, 1]);
    expect(server.sockets()).toBe(1);
    expect(errors.sockets()).toBe(1);
  });

  it('sends the canonical query, JSON bodies and default headers', async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    await client({ cloud: 'huaweicloud', userAgent: 'rescind-test' }).call(
      hwCall(server, { method: 'POST', query: { b: 'x y', a: [2, 1], skip: undefined }, body: { k: 'v' } }),
    );
    const r = server.received[0];
    expect(r?.query).toBe('a=1&a=2&b=x%20y');
    expect(r?.headers['content-type']).toBe('application/json');
    expect(r?.headers.accept).toBe('application/json');
    expect(r?.headers['user-agent']).toBe('rescind-test');
    expect(r?.body.toString()).toBe('{"k":"v"}');
  });
});

describe('secrets', () => {
  const token = 'STS-SECURITY-TOKEN-abc/def+ghi=';
  const sts = { ...aliCreds, securityToken: token };
  const secretValues = [aliCreds.accessKeySecret, token, encodeURIComponent(token)];

  function chainMessages(err: unknown): string[] {
    const out: string[] = [];
    let current: unknown = err;
    while (current instanceof Error) {
      out.push(current.message, current.stack ?? '');
      current = current.cause;
    }
    return out;
  }

  it('keeps secrets out of errors, their causes and debug lines', async () => {
    // A hostile or buggy gateway that echoes credentials back in its body and headers.
    const server = await serve((req, res) =>
      json(
        res,
        500,
        {
          RequestId: 'r',
          Code: 'InternalError',
          Message: `boom: token=${req.headers['x-acs-security-token']} secret=${aliCreds.accessKeySecret} auth=${req.headers.authorization}`,
        },
        { 'x-echo-token': req.headers['x-acs-security-token'] ?? '' },
      ),
    );
    const lines: string[] = [];
    const { sleep } = recordingSleep();
    const http = client({
      cloud: 'alibabacloud',
      signer: alibabaSigner(sts),
      sleep,
      logger: (l) => lines.push(l),
      retry: { maxAttempts: 2 },
    });
    const err = await rejection(http.call(aliCall(server)));
    expect(err).toBeInstanceOf(CloudError);
    // The server did receive the secrets (so the test would catch a leak) ...
    expect(server.received[0]?.headers['x-acs-security-token']).toBe(token);
    // ... and none of them comes back out.
    const texts = [...chainMessages(err), String((err as CloudError).cloudMessage), ...lines];
    for (const text of texts) {
      for (const secret of secretValues) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/Signature=[0-9a-f]{64}/);
    }
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(lines.some((l) => l.includes('"x-acs-security-token":"[REDACTED]"'))).toBe(true);
    expect(lines.some((l) => l.includes('Signature=[REDACTED]'))).toBe(true);
  });

  it('writes debug lines with the method, host, call, attempt, status, time, request id and retries', async () => {
    const server = await serve((_req, res, index) =>
      index === 0
        ? json(res, 503, { error_code: 'KMS.0503', error_msg: 'busy' }, { 'x-request-id': 'req-1' })
        : json(res, 200, {}, { 'x-request-id': 'req-2' }),
    );
    const lines: string[] = [];
    const { sleep } = recordingSleep();
    const http = client({
      cloud: 'huaweicloud',
      signer: huaweiSigner(hwCreds),
      sleep,
      logger: (l) => lines.push(l),
    });
    await http.call(hwCall(server));
    const url = `${server.origin}/v1/projects`;
    // Times vary: each becomes Nms.
    expect(lines.map((l) => l.replace(/ \d+ms/g, ' Nms').replace(/ headers=.*$/, ' headers=...'))).toEqual([
      `http > GET ${url} (kms ListGrants) attempt 1/4 headers=...`,
      `http < 503 GET ${url} (kms ListGrants) attempt 1/4 Nms request-id=req-1`,
      'http retry kms ListGrants: attempt 1/4 server-error 503 KMS.0503, next in Nms',
      `http > GET ${url} (kms ListGrants) attempt 2/4 headers=...`,
      `http < 200 GET ${url} (kms ListGrants) attempt 2/4 Nms request-id=req-2`,
    ]);
    for (const line of lines) expect(line).not.toContain(hwCreds.secretKey);
    expect(lines[0]).toMatch(/Signature=\[REDACTED\]/);
  });

  it('keeps secrets out of network errors', async () => {
    const server = await serve((_req, res) => void res.socket?.destroy());
    const lines: string[] = [];
    const { sleep } = recordingSleep();
    const err = await rejection(
      client({
        cloud: 'alibabacloud',
        signer: alibabaSigner(sts),
        sleep,
        logger: (l) => lines.push(l),
        retry: { maxAttempts: 2 },
      }).call(aliCall(server)),
    );
    expect(err).toBeInstanceOf(NetworkError);
    for (const text of [...chainMessages(err), ...lines]) {
      for (const secret of secretValues) expect(text).not.toContain(secret);
    }
  });
});
