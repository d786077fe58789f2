// Proxies against real servers on 127.0.0.1: a CONNECT proxy (test/helpers/proxy.ts) in front of an
// HTTPS server whose certificate names kms.rescind.test (a name that only the proxy can reach), NO_PROXY
// and loopback going direct, a plain-HTTP forward proxy that loopback endpoints never use, proxy
// credentials that reach the proxy and never a line or a message, and a proxy's refusals. Also the
// rules themselves (NO_PROXY, proxy URLs) without a network, and transports shared by clients.

import { afterEach, describe, expect, it } from 'vitest';
import { alibabaDialect } from '../../src/clouds/alibabacloud/dialect.js';
import { alibabaSigner } from '../../src/clouds/alibabacloud/sign.js';
import { parseProxyUrl } from '../../src/clouds/endpoint-url.js';
import { huaweiDialect } from '../../src/clouds/huaweicloud/dialect.js';
import { huaweiSigner } from '../../src/clouds/huaweicloud/sign.js';
import { NonceCache, verifyAlibabaRequest, verifyHuaweiRequest } from '../../src/emulator/auth/index.js';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../../src/http/client.js';
import { NetworkError, TlsError } from '../../src/http/errors.js';
import { secretForms } from '../../src/http/redact.js';
import { createTransport, type HttpTransport, noProxyMatches, proxyFor } from '../../src/http/transport.js';
import { json, startServer, type TestServer } from '../helpers/http-server.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { pem, serverTls } from '../helpers/tls.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function https(cert = pem('server')): Promise<TestServer> {
  const server = await startServer((req, res) => json(res, 200, { host: req.headers.host }), {
    tls: serverTls(cert),
  });
  closers.push(() => server.close());
  return server;
}

async function proxy(options: Parameters<typeof startProxy>[0] = {}): Promise<TestProxy> {
  const p = await startProxy(options);
  closers.push(() => p.close());
  return p;
}

function client(options: Partial<HttpClientOptions> = {}): HttpClient {
  const c = createHttpClient({
    dialect: huaweiDialect,
    account: 'test',
    ca: [pem('ca')],
    retry: { maxAttempts: 1 },
    sleep: async () => {},
    ...options,
  });
  closers.push(() => c.close());
  return c;
}

const portOf = (server: { origin: string }) => new URL(server.origin).port;
const get = (c: HttpClient, url: string) =>
  c.call({ method: 'GET', url, service: 'kms', operation: 'ListGrants' });

describe('HTTPS_PROXY through a CONNECT proxy', () => {
  it('tunnels an https:// call through the proxy, which sees only the CONNECT', async () => {
    const server = await https();
    const p = await proxy();
    const target = `kms.rescind.test:${portOf(server)}`;
    const result = await get(
      client({ proxy: { kind: 'env', httpsProxy: p.origin } }),
      `https://${target}/v1/x`,
    );
    expect(result.body).toEqual({ host: target });
    expect(p.requests).toEqual([{ method: 'CONNECT', target, authorization: undefined }]);
    expect(server.received.map((r) => r.path)).toEqual(['/v1/x']);
  });

  it('keeps Huawei and Alibaba signatures valid through the tunnel, on every attempt', async () => {
    const nonces = new NonceCache(30 * 60 * 1000);
    const outcomes: unknown[] = [];
    const server = await startServer(
      (req, res, i) => {
        const signed = {
          method: req.method,
          path: req.path,
          query: req.query,
          headers: req.headers,
          body: req.body,
        };
        outcomes.push(
          req.headers['x-acs-signature-nonce'] === undefined
            ? verifyHuaweiRequest(signed, { secretFor: () => 'hw-test-secret-key-0001', now: new Date() })
            : verifyAlibabaRequest(signed, {
                secretFor: () => 'ali-test-secret-0001',
                nonces,
                now: new Date(),
              }),
        );
        if (i % 2 === 0) json(res, 503, {});
        else json(res, 200, {});
      },
      { tls: serverTls(pem('server')) },
    );
    closers.push(() => server.close());
    const p = await proxy();
    const base = `https://kms.rescind.test:${portOf(server)}`;
    const hw = client({
      proxy: { kind: 'env', httpsProxy: p.origin },
      signer: huaweiSigner({ accessKey: 'HWTESTAK000000000001', secretKey: 'hw-test-secret-key-0001' }),
      retry: { maxAttempts: 2 },
    });
    await hw.call({
      method: 'POST',
      url: `${base}/v1.0/p/kms/list-grants`,
      body: { key_id: 'k' },
      service: 'kms',
      operation: 'ListGrants',
    });
    const ali = client({
      dialect: alibabaDialect,
      proxy: { kind: 'env', httpsProxy: p.origin },
      signer: alibabaSigner({ accessKeyId: 'ALITESTAK00000000001', accessKeySecret: 'ali-test-secret-0001' }),
      retry: { maxAttempts: 2 },
    });
    await ali.call({
      method: 'GET',
      url: `${base}/`,
      query: { SiteId: 1 },
      service: 'esa',
      operation: 'ListClientCertificates',
      apiVersion: '2024-09-10',
    });
    expect(outcomes).toEqual([
      expect.objectContaining({ ok: true }),
      expect.objectContaining({ ok: true }),
      expect.objectContaining({ ok: true }),
      expect.objectContaining({ ok: true }),
    ]);
    expect(p.requests.every((r) => r.method === 'CONNECT')).toBe(true);
  });

  it('uses HTTP_PROXY for https:// when HTTPS_PROXY is not set', async () => {
    const server = await https();
    const p = await proxy();
    await get(
      client({ proxy: { kind: 'env', httpProxy: p.origin } }),
      `https://kms.rescind.test:${portOf(server)}/`,
    );
    expect(p.requests.map((r) => r.method)).toEqual(['CONNECT']);
  });

  it('goes direct to a host NO_PROXY names: the proxy sees nothing', async () => {
    const p = await proxy();
    const c = client({ proxy: { kind: 'env', httpsProxy: p.origin, noProxy: 'localhost, .rescind.test' } });
    // kms.rescind.test does not resolve: reached directly, the call fails to find it.
    const error = await get(c, 'https://kms.rescind.test:8443/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).networkCode).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
    expect((error as NetworkError).message).not.toContain('through the proxy');
    expect(p.requests).toEqual([]);
  });

  it('never proxies loopback: a plain-HTTP forward proxy sees nothing of an http:// endpoint on 127.0.0.1', async () => {
    const p = await proxy();
    const plain = await startServer((_req, res) => json(res, 200, { direct: true }));
    closers.push(() => plain.close());
    const c = client({ proxy: { kind: 'env', httpProxy: p.origin, httpsProxy: p.origin } });
    expect((await get(c, `${plain.origin}/x`)).body).toEqual({ direct: true });
    const local = await https();
    expect((await get(c, `https://localhost:${portOf(local)}/x`)).status).toBe(200);
    // A proxy named for the account is not used for loopback either.
    const named = client({ proxy: { kind: 'url', url: p.origin } });
    expect((await get(named, `${plain.origin}/y`)).body).toEqual({ direct: true });
    expect(p.requests).toEqual([]);
  });

  it("a proxy named for the account is used whatever NO_PROXY says; 'none' goes direct", async () => {
    const server = await https();
    const p = await proxy();
    const url = `https://kms.rescind.test:${portOf(server)}/`;
    await get(client({ proxy: { kind: 'url', url: p.origin } }), url);
    expect(p.requests).toHaveLength(1);
    const error = await get(client({ proxy: { kind: 'none' } }), url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(p.requests).toHaveLength(1);
  });

  it('checks the certificate of the endpoint behind the proxy, and says the proxy in the TlsError', async () => {
    const server = await https(pem('wrong-host'));
    const p = await proxy();
    const target = `kms.rescind.test:${portOf(server)}`;
    const error = await get(
      client({ proxy: { kind: 'env', httpsProxy: p.origin } }),
      `https://${target}/`,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsError);
    expect((error as TlsError).message).toContain(
      `TLS to ${target} through the proxy ${p.origin} failed: its certificate is for another host name (it names DNS:other.rescind.test) (ERR_TLS_CERT_ALTNAME_INVALID)`,
    );
  });
});

describe('proxy credentials and refusals', () => {
  const PASSWORD = 's3cret!pw';

  it('sends credentials of the URL to the proxy only, and never writes them', async () => {
    const server = await https();
    const p = await proxy({ credentials: `alice:${PASSWORD}` });
    const lines: string[] = [];
    const c = client({
      proxy: { kind: 'env', httpsProxy: `http://alice:${encodeURIComponent(PASSWORD)}@127.0.0.1:${p.port}` },
      logger: (line) => lines.push(line),
    });
    const target = `kms.rescind.test:${portOf(server)}`;
    await get(c, `https://${target}/v1/x`);
    expect(p.requests).toEqual([
      {
        method: 'CONNECT',
        target,
        authorization: `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`,
      },
    ]);
    // The endpoint never sees the proxy's credentials.
    expect(server.received[0]?.headers['proxy-authorization']).toBeUndefined();
    expect(lines.some((l) => l.includes(`via ${p.origin}`))).toBe(true);
    for (const form of [...secretForms(PASSWORD), ...secretForms(`alice:${PASSWORD}`)]) {
      for (const line of lines) expect(line).not.toContain(form);
    }
  });

  it('a 407 is a NetworkError that says the proxy wants credentials, not retried, without the secret', async () => {
    const p = await proxy({ credentials: `alice:${PASSWORD}` });
    const wrong = 'wr0ng-pass';
    const c = client({
      proxy: { kind: 'env', httpsProxy: `http://alice:${wrong}@127.0.0.1:${p.port}` },
      retry: { maxAttempts: 3 },
    });
    const error = await get(c, 'https://kms.rescind.test:8443/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ networkCode: 'PROXY_REFUSED', retryable: false, attempts: 1 });
    expect((error as NetworkError).message).toBe(
      `huaweicloud kms ListGrants: network error PROXY_REFUSED: the proxy answered HTTP 407 to the tunnel to kms.rescind.test:8443 (it wants credentials: give them in HTTPS_PROXY as http://user:password@host:port) (through the proxy ${p.origin})`,
    );
    expect(p.requests).toHaveLength(1);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(wrong);
  });

  it("retries a proxy's 502, and reports a proxy that is down as unreachable through it", async () => {
    const p = await proxy({ refuse: 502 });
    const c = client({ proxy: { kind: 'env', httpsProxy: p.origin }, retry: { maxAttempts: 3 } });
    await expect(get(c, 'https://kms.rescind.test:8443/')).rejects.toMatchObject({
      networkCode: 'PROXY_REFUSED',
      attempts: 3,
    });
    expect(p.requests).toHaveLength(3);
    await p.close();
    const down = await get(c, 'https://kms.rescind.test:8443/').catch((e: unknown) => e);
    expect(down).toMatchObject({ networkCode: 'ECONNREFUSED' });
    expect((down as Error).message).toContain(`(through the proxy ${p.origin})`);
  });
});

describe('rules', () => {
  it.each([
    ['example.com', 'example.com', 443, true],
    ['example.com', 'kms.example.com', 443, true],
    ['.example.com', 'kms.example.com', 443, true],
    ['*.example.com', 'kms.example.com', 443, true],
    ['example.com', 'notexample.com', 443, false],
    ['EXAMPLE.com', 'Kms.Example.COM', 443, true],
    ['example.com:8443', 'example.com', 443, false],
    ['example.com:443', 'example.com', 443, true],
    ['*', 'anything.test', 443, true],
    ['a.test, b.test c.test', 'c.test', 443, true],
    ['10.0.0.0/8', '10.1.2.3', 443, true],
    ['10.0.0.0/8', '11.1.2.3', 443, false],
    ['192.168.1.5', '192.168.1.5', 443, true],
    ['fd00::/8', '[fd12::1]', 443, true],
    ['[fd12::1]:443', '[fd12::1]', 443, true],
    ['', 'example.com', 443, false],
  ] as const)('NO_PROXY %j exempts %s:%i: %s', (noProxy, host, port, exempt) => {
    expect(noProxyMatches(host, port, noProxy)).toBe(exempt);
  });

  it('reads proxy URLs as curl does, keeping credentials out of what it shows', () => {
    expect(parseProxyUrl('proxy.corp:3128')).toMatchObject({ shown: 'http://proxy.corp:3128', secrets: [] });
    expect(parseProxyUrl('https://proxy.corp')).toMatchObject({ shown: 'https://proxy.corp' });
    const withCredentials = parseProxyUrl('http://bob:p%40ss@proxy.corp:3128');
    expect(withCredentials).toMatchObject({ shown: 'http://proxy.corp:3128' });
    expect('secrets' in withCredentials ? withCredentials.secrets : []).toEqual(
      expect.arrayContaining(['p@ss', 'bob:p@ss']),
    );
    expect(parseProxyUrl('socks5://proxy.corp:1080')).toEqual({
      error: 'is a socks5 proxy; rescind speaks to http:// and https:// proxies',
    });
    expect(parseProxyUrl('http://')).toEqual({ error: 'is not a URL' });
  });

  it('chooses the proxy of a URL: loopback and none are direct', () => {
    const env = {
      kind: 'env',
      httpsProxy: 'http://s:1',
      httpProxy: 'http://h:1',
      noProxy: 'skip.test',
    } as const;
    expect(proxyFor(new URL('https://kms.example.com'), env)).toBe('http://s:1');
    expect(proxyFor(new URL('http://kms.example.com'), env)).toBe('http://h:1');
    expect(proxyFor(new URL('https://a.skip.test'), env)).toBeUndefined();
    expect(proxyFor(new URL('https://127.0.0.2:8443'), env)).toBeUndefined();
    expect(proxyFor(new URL('https://[::1]'), { kind: 'url', url: 'http://p:1' })).toBeUndefined();
    expect(proxyFor(new URL('https://kms.example.com'), { kind: 'none' })).toBeUndefined();
  });
});

describe('a shared transport', () => {
  it('carries the clients of several accounts over one pool, and closes with the last of them', async () => {
    const server = await https();
    const transport: HttpTransport = createTransport({ ca: [pem('ca')], connections: 2 });
    const clients = Array.from({ length: 20 }, (_, i) =>
      createHttpClient({ dialect: huaweiDialect, account: `a${i}`, transport }),
    );
    await Promise.all(clients.map((c) => get(c, `${server.origin}/x`)));
    expect(server.received).toHaveLength(20);
    expect(server.sockets()).toBeLessThanOrEqual(2);
    for (const c of clients.slice(1)) await c.close();
    // Still open for the last client.
    await get(clients[0] as HttpClient, `${server.origin}/y`);
    await clients[0]?.close();
    expect(() => transport.retain()).toThrow('the transport is closed');
  });
});
