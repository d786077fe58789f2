// TLS against real HTTPS servers on 127.0.0.1 with the certificates of test/fixtures/tls/: a certificate
// that is self-signed, signed by an unknown CA, for another host or expired is a TlsError that names the
// host and the cause and says how to trust a CA, is never retried, and becomes `cloud.tls`; a CA given to
// the client is trusted besides Node's own, and never switches the checks off.

import { afterEach, describe, expect, it } from 'vitest';
import { huaweiDialect } from '../../src/clouds/huaweicloud/dialect.js';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../../src/http/client.js';
import { NetworkError, TlsError } from '../../src/http/errors.js';
import { callFailed } from '../../src/providers/diagnose.js';
import { json, startServer, type TestServer } from '../helpers/http-server.js';
import { pem, serverTls } from '../helpers/tls.js';

const servers: TestServer[] = [];
const clients: HttpClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function https(cert: string): Promise<TestServer> {
  const server = await startServer((_req, res) => json(res, 200, { ok: true }), { tls: serverTls(cert) });
  servers.push(server);
  return server;
}

function client(options: Partial<HttpClientOptions> = {}): HttpClient {
  const c = createHttpClient({
    dialect: huaweiDialect,
    account: 'test',
    sleep: async () => {},
    ...options,
  });
  clients.push(c);
  return c;
}

const call = (c: HttpClient, origin: string) =>
  c.call({ method: 'GET', url: `${origin}/v1/x`, service: 'kms', operation: 'ListGrants' });

const HINT =
  'rescind never turns certificate checks off; to trust a private CA or a TLS-inspecting proxy, give its certificate in network.caFile of the config or in NODE_EXTRA_CA_CERTS (docs/cli.md#trusting-a-ca)';

describe('certificates', () => {
  it.each([
    [
      'a self-signed certificate',
      'self-signed',
      undefined,
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'its certificate is self-signed',
    ],
    [
      'a certificate of an unknown CA',
      'server',
      undefined,
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'its certificate is signed by a CA that this machine does not trust',
    ],
    [
      'a chain that ends in an unknown root',
      'server+ca',
      undefined,
      'SELF_SIGNED_CERT_IN_CHAIN',
      'its certificate chain ends in a self-signed CA that this machine does not trust',
    ],
    ['an expired certificate', 'expired', pem('ca'), 'CERT_HAS_EXPIRED', 'its certificate has expired'],
    [
      'a certificate for another host',
      'wrong-host',
      pem('ca'),
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'its certificate is for another host name (it names DNS:other.rescind.test)',
    ],
  ] as const)(
    '%s is a TlsError naming the host and the cause, sent once',
    async (_, name, ca, code, reason) => {
      const cert = name === 'server+ca' ? pem('server') + pem('ca') : pem(name);
      const server = await https(cert);
      const error = await call(client(ca === undefined ? {} : { ca: [ca] }), server.origin).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TlsError);
      const host = new URL(server.origin).host;
      expect(error).toMatchObject({
        code: 'RESCIND_TLS',
        tlsCode: code,
        host,
        reason,
        retryable: false,
        attempts: 1,
      });
      expect((error as TlsError).message).toBe(
        `huaweicloud kms ListGrants: TLS to ${host} failed: ${reason} (${code}); ${HINT}`,
      );
      // Never retried: a certificate does not heal, and the request never reached the server.
      expect(server.received).toHaveLength(0);
      expect(callFailed(error, 'test/kms/x')).toEqual({
        severity: 'error',
        code: 'cloud.tls',
        message: (error as TlsError).message,
        address: 'test/kms/x',
      });
    },
  );

  it('trusts a CA given to the client, besides the CAs of Node', async () => {
    const server = await https(pem('server'));
    const result = await call(client({ ca: [pem('ca')] }), server.origin);
    expect(result).toMatchObject({ status: 200, body: { ok: true } });
    expect(server.received).toHaveLength(1);
  });

  it('still checks the host name and the dates of a certificate its CA signed', async () => {
    const wrong = await https(pem('wrong-host'));
    const expired = await https(pem('expired'));
    const trusting = client({ ca: [pem('ca')] });
    await expect(call(trusting, wrong.origin)).rejects.toMatchObject({
      tlsCode: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
    await expect(call(trusting, expired.origin)).rejects.toMatchObject({ tlsCode: 'CERT_HAS_EXPIRED' });
  });

  it('says a plain HTTP server on an https:// URL does not speak TLS, without the CA hint', async () => {
    const plain = await startServer((_req, res) => json(res, 200, {}));
    servers.push(plain);
    const origin = plain.origin.replace('http://', 'https://');
    const error = await call(client({ retry: { maxAttempts: 3 } }), origin).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsError);
    expect((error as TlsError).message).toBe(
      `huaweicloud kms ListGrants: TLS to ${new URL(origin).host} failed: it does not speak TLS on this port (ERR_SSL_WRONG_VERSION_NUMBER); check that the endpoint is an https:// URL of a TLS server`,
    );
    expect((error as TlsError).attempts).toBe(1);
  });

  it('is not a network error: a reset during the handshake still is, and is retried', async () => {
    const { startRawServer } = await import('../helpers/http-server.js');
    const raw = await startRawServer((socket) => socket.resetAndDestroy());
    const origin = raw.origin.replace('http://', 'https://');
    const error = await call(client({ retry: { maxAttempts: 2 } }), origin).catch((e: unknown) => e);
    await raw.close();
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ networkCode: 'ECONNRESET', attempts: 2 });
  });
});
