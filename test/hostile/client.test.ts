// The HTTP client and the account opening against a hostile server or a careless config: an answer
// too large to hold, a server that echoes a secret back in any encoding and in several lines, a peer
// that answers bytes that are not HTTP (each provider then reports a diagnostic, never a crash), JSON
// of the wrong shape, a credential with a line break, an endpoint or region that would send a request
// elsewhere.

import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { alibabaDialect } from '../../src/clouds/alibabacloud/dialect.js';
import { huaweiDialect } from '../../src/clouds/huaweicloud/dialect.js';
import { huaweiTokenSigner } from '../../src/clouds/huaweicloud/sign.js';
import { defaultEndpoint } from '../../src/clouds/services.js';
import type { RescindConfig } from '../../src/config/config.js';
import { createHttpClient, type HttpClient } from '../../src/http/client.js';
import { CloudError, NetworkError, ResponseTooLargeError } from '../../src/http/errors.js';
import { secretForms } from '../../src/http/redact.js';
import { ackUserPermissions } from '../../src/providers/alibabacloud/ack.js';
import { esaClientCertificate } from '../../src/providers/alibabacloud/esa.js';
import { cceClusterCertificate } from '../../src/providers/huaweicloud/cce.js';
import { ccmSubordinateCa } from '../../src/providers/huaweicloud/ccm.js';
import { kmsGrant } from '../../src/providers/huaweicloud/kms.js';
import { whoami } from '../../src/providers/registry.js';
import type { ProviderAccount } from '../../src/providers/types.js';
import { createSession, type Session } from '../../src/session/session.js';
import type { Cloud } from '../../src/vocabulary.js';
import {
  json,
  type RawServer,
  startRawServer,
  startServer,
  type TestServer,
} from '../helpers/http-server.js';
import { runCli } from '../helpers/io.js';

const raws: RawServer[] = [];
afterEach(async () => {
  for (const r of raws.splice(0)) await r.close();
});

const servers: TestServer[] = [];
const clients: HttpClient[] = [];
const sessions: Session[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const s of servers.splice(0)) await s.close();
  for (const s of sessions.splice(0)) await s.close();
});

const TOKEN = 'tok+en/with space=and*stars!';

function client(options: Partial<Parameters<typeof createHttpClient>[0]> = {}): HttpClient {
  const c = createHttpClient({
    dialect: huaweiDialect,
    account: 'test',
    signer: huaweiTokenSigner(TOKEN),
    retry: { maxAttempts: 1 },
    ...options,
  });
  clients.push(c);
  return c;
}

describe('answers', () => {
  it('an answer larger than the cap fails with a typed error, without holding it', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let i = 0; i < 64; i++) res.write(chunk);
      res.end('{}');
    });
    servers.push(server);
    const error = await client({ maxResponseBytes: 1024 * 1024 })
      .call({ method: 'GET', url: `${server.origin}/big`, service: 'kms', operation: 'ListGrants' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({
      code: 'RESCIND_RESPONSE_TOO_LARGE',
      message: 'huaweicloud kms ListGrants: the answer is larger than 1048576 bytes',
    });
  });

  it('a secret echoed back in any encoding, over several lines, never reaches the message', async () => {
    const echoed = [...secretForms(TOKEN), TOKEN.toUpperCase() === TOKEN ? '' : escape(TOKEN)].join('\n  ');
    const server = await startServer((_req, res) =>
      json(res, 400, { error_code: 'KMS.0000', error_msg: `bad token\r\n${echoed}\n\tend` }),
    );
    servers.push(server);
    const error = await client()
      .call({ method: 'GET', url: `${server.origin}/x`, service: 'kms', operation: 'ListGrants' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudError);
    const message = (error as CloudError).message;
    for (const form of secretForms(TOKEN)) expect(message).not.toContain(form);
    expect(message).not.toMatch(/[\r\n\t]/);
    expect((error as CloudError).cloudMessage).not.toMatch(/[\r\n\t]/);
  });
});

// Answers that are not well-formed HTTP, each written by a raw TCP server after the request arrived.
const MALFORMED: readonly (readonly [string, string, string | RegExp])[] = [
  ['a peer that does not speak HTTP', 'SSH-2.0-OpenSSH_9.6\r\n', 'UND_ERR_HTTP_PARSER'],
  ['a bad status line', 'HTTP/1.1 abc OK\r\ncontent-length: 0\r\n\r\n', 'UND_ERR_HTTP_PARSER'],
  [
    'a header name with a space',
    'HTTP/1.1 200 OK\r\nx y: 1\r\ncontent-length: 2\r\n\r\n{}',
    'UND_ERR_HTTP_PARSER',
  ],
  [
    'a bad chunk size',
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}',
    'UND_ERR_HTTP_PARSER',
  ],
  [
    'Content-Length twice',
    'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}',
    'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  ],
  [
    "headers past undici's limit",
    `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(70_000)}\r\ncontent-length: 2\r\n\r\n{}`,
    'UND_ERR_HEADERS_OVERFLOW',
  ],
  [
    'a body shorter than its Content-Length',
    'HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n{}',
    'UND_ERR_SOCKET',
  ],
  [
    'a chunked body cut short',
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{"a":',
    'UND_ERR_SOCKET',
  ],
  [
    'an error answer cut short',
    'HTTP/1.1 500 Oops\r\ncontent-length: 50\r\n\r\n{"error_code"',
    'UND_ERR_SOCKET',
  ],
  // undici fails it as a bad upgrade, or in one of its internal checks (assert), depending on timing.
  [
    'an upgrade nobody asked for',
    'HTTP/1.1 101 Switching Protocols\r\nupgrade: x\r\n\r\n',
    /^(UND_ERR_SOCKET|ERR_ASSERTION)$/,
  ],
];

async function raw(answer: (socket: Socket, index: number) => void): Promise<RawServer> {
  const server = await startRawServer(answer);
  raws.push(server);
  return server;
}

describe('answers that are not HTTP', () => {
  it.each(MALFORMED)(
    '%s is a NetworkError of the call, retried like a dropped connection',
    async (_, bytes, code) => {
      const server = await raw((socket) => socket.end(bytes));
      for (const method of ['GET', 'POST'] as const) {
        const before = server.requests();
        const error = await client({ retry: { maxAttempts: 3 }, sleep: async () => {} })
          .call({
            method,
            url: `${server.origin}/x`,
            service: 'kms',
            operation: 'ListGrants',
            ...(method === 'POST' ? { body: {} } : {}),
          })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(NetworkError);
        expect(error).toMatchObject({ networkCode: code, retryable: true, attempts: 3 });
        expect((error as NetworkError).message).toMatch(
          /^huaweicloud kms ListGrants: network error [A-Z_]+: .+ \(3 attempts\)$/,
        );
        expect(server.requests() - before).toBe(3);
      }
    },
  );

  it('says in words what a parse error is', async () => {
    const server = await raw((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n'));
    const error = await client()
      .call({ method: 'GET', url: `${server.origin}/x`, service: 'kms', operation: 'ListGrants' })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'huaweicloud kms ListGrants: network error UND_ERR_HTTP_PARSER: the answer is not HTTP/1.1 (Expected HTTP/, RTSP/ or ICE/)',
    );
  });

  it('a successful answer cut short is retried, and the next whole answer is the result', async () => {
    const server = await raw((socket, index) =>
      socket.end(
        index === 0
          ? 'HTTP/1.1 200 OK\r\ncontent-length: 40\r\n\r\n{"grants":['
          : 'HTTP/1.1 200 OK\r\ncontent-length: 13\r\nconnection: close\r\n\r\n{"grants":[]}',
      ),
    );
    const result = await client({ retry: { maxAttempts: 3 }, sleep: async () => {} }).call({
      method: 'GET',
      url: `${server.origin}/x`,
      service: 'kms',
      operation: 'ListGrants',
    });
    expect(result).toMatchObject({ status: 200, body: { grants: [] }, attempts: 2 });
  });
});

const PROJECT = '0b5e7c9d2f4a4c1e8d3f6a7b9c1d2e3f';
const KEY = '0d0466b0-e727-4d9c-b35d-f84bb474a37f';
const GRANT = '7c9a3286af4fcca5f0a385ad13e1d21a50e27b6dbcab50f37f30f93b8939827d';

// An opened account of cloud whose every service answers at origin, without retries.
function accountAt(cloud: Cloud, origin: string): ProviderAccount {
  const http = client({ dialect: cloud === 'huaweicloud' ? huaweiDialect : alibabaDialect });
  return {
    name: 'acct',
    cloud,
    region: cloud === 'huaweicloud' ? 'ap-southeast-1' : 'cn-hangzhou',
    ...(cloud === 'huaweicloud' ? { projectId: PROJECT, domainId: '9f8e7d6c5b4a39281706f5e4d3c2b1a0' } : {}),
    accessKeyId: 'AK',
    endpoint: () => origin,
    endpoints: {},
    http,
  };
}

// Every provider call that reads an answer, as (name, cloud, run); run returns the response's diagnostics.
type Run = (account: ProviderAccount) => Promise<{ diagnostics: readonly { code: string }[] }>;
const READS: readonly (readonly [string, Cloud, Run])[] = [
  ['IAM whoami', 'huaweicloud', (account) => whoami.huaweicloud({ account })],
  ['STS whoami', 'alibabacloud', (account) => whoami.alibabacloud({ account })],
  [
    'CCE read',
    'huaweicloud',
    (account) =>
      cceClusterCertificate.read({
        account,
        target: {
          clusterId: '4c1f6a2e-8b3d-11ef-9a1b-0255ac100031',
          userId: '537e7a3bd0aa4c2fb2c56c5657fd908f',
        },
      }),
  ],
  [
    'CCM read',
    'huaweicloud',
    (account) => ccmSubordinateCa.read({ account, target: { caId: '6434f74f-2d13-4e6a-89eb-93ee313f1a43' } }),
  ],
  [
    'KMS read',
    'huaweicloud',
    (account) => kmsGrant.read({ account, target: { keyId: KEY, grantId: GRANT } }),
  ],
  [
    'KMS expand',
    'huaweicloud',
    (account) =>
      kmsGrant.expand({
        account,
        select: { keyIds: [KEY], granteePrincipal: 'aaaa0000aaaa0000aaaa0000aaaa0000' },
      }),
  ],
  [
    'ESA read',
    'alibabacloud',
    (account) =>
      esaClientCertificate.read({
        account,
        target: { siteId: 1234567890123, certificateId: 'baba39055622c008b90285a8838ed09a' },
      }),
  ],
  [
    'ESA expand',
    'alibabacloud',
    (account) => esaClientCertificate.expand({ account, select: { siteId: 1234567890123 } }),
  ],
  [
    'ACK read',
    'alibabacloud',
    (account) =>
      ackUserPermissions.read({
        account,
        target: { clusterId: 'c5b5e80b0b64a4bf6939d2d8fbbc5abcd', uid: '276543210987654321' },
      }),
  ],
  [
    'ACK expand',
    'alibabacloud',
    (account) => ackUserPermissions.expand({ account, select: { uid: '276543210987654321' } }),
  ],
];

describe('answers of the wrong shape', () => {
  it.each(READS)(
    '%s: JSON null, a string, a number or true is cloud.unexpected, never a crash',
    async (_, cloud, run) => {
      for (const body of ['null', '"text"', '42', 'true']) {
        const server = await startServer((_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(body);
        });
        servers.push(server);
        const result = await run(accountAt(cloud, server.origin));
        expect(
          result.diagnostics.map((d) => d.code),
          `body ${body}`,
        ).toEqual(['cloud.unexpected']);
      }
    },
  );
});

describe('a peer that does not speak HTTP, through every provider', () => {
  it.each(READS)('%s reports cloud.unreachable, never a crash', async (_, cloud, run) => {
    const server = await raw((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n'));
    const result = await run(accountAt(cloud, server.origin));
    expect(result.diagnostics.map((d) => d.code)).toEqual(['cloud.unreachable']);
    expect(result.diagnostics[0]).toMatchObject({ message: expect.stringContaining('UND_ERR_HTTP_PARSER') });
  });

  it('a revoke is a failed target with its diagnostic, so the run goes on to the others', async () => {
    const server = await raw((socket) => socket.end('HTTP/1.1 abc OK\r\n\r\n'));
    const account = accountAt('huaweicloud', server.origin);
    const outcomes = await Promise.all([
      ccmSubordinateCa.revoke({
        account,
        target: { caId: '6434f74f-2d13-4e6a-89eb-93ee313f1a43' },
        with: {},
      }),
      kmsGrant.revoke({ account, target: { keyId: KEY, grantId: GRANT }, with: {} }),
    ]);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ outcome: 'failed', uncertain: true });
      expect(outcome.diagnostics.map((d) => d.code)).toEqual(['cloud.unreachable']);
    }
  });
});

describe('opening accounts', () => {
  function session(config: RescindConfig, env: Record<string, string>): Session {
    const s = createSession({ cwd: process.cwd(), env, config });
    sessions.push(s);
    return s;
  }

  it.each([
    ['a line break', 'secret\nX-Injected: 1'],
    ['a carriage return', 'secret\rmore'],
    ['a NUL byte', 'sec\0ret'],
    ['a letter outside ASCII', 'sécret'],
  ])('a credential with %s is a diagnostic naming the variable, never the value', async (_, value) => {
    const config: RescindConfig = {
      apiVersion: 'rescind/v1',
      kind: 'Config',
      accounts: {
        hw: { cloud: 'huaweicloud', region: 'cn-north-4', projectId: '0b5e7c9d2f4a4c1e8d3f6a7b9c1d2e3f' },
      },
    };
    const opened = await session(config, {
      HUAWEICLOUD_SDK_AK: 'AK',
      HUAWEICLOUD_SDK_SK: value,
    }).openAccounts({
      hw: ['kms'],
    });
    expect(opened.accounts.size).toBe(0);
    expect(opened.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'account.credentials',
        message:
          'account hw: the environment variable HUAWEICLOUD_SDK_SK holds a line break, a space or another character that is not printable ASCII',
        path: ['accounts', 'hw'],
      },
    ]);
  });

  it('a region that is not a region ID never becomes a host, from a file or from the library', async () => {
    const config = {
      apiVersion: 'rescind/v1',
      kind: 'Config',
      accounts: { hw: { cloud: 'huaweicloud', region: 'evil.example.com/x' } },
    } as const;
    const opened = await session(config as unknown as RescindConfig, {
      HUAWEICLOUD_SDK_AK: 'AK',
      HUAWEICLOUD_SDK_SK: 'SK',
    }).openAccounts({ hw: ['kms'] });
    expect(opened.accounts.size).toBe(0);
    expect(opened.diagnostics).toMatchObject([
      { code: 'schema.pattern', path: ['accounts', 'hw', 'region'] },
    ]);
    expect(defaultEndpoint('kms', 'evil.example.com/x')).toEqual({
      error: 'the region is not a region ID such as ap-southeast-1',
    });
  });

  it('validate refuses what a run would refuse, and never repeats the URL', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'rescind-config-'));
    writeFileSync(
      join(dir, 'rescind.config.yaml'),
      [
        'apiVersion: rescind/v1',
        'kind: Config',
        'accounts:',
        '  a: {cloud: huaweicloud, region: cn-north-4, endpoint: "https://AK:TOPSECRET@kms.example.com/"}',
        '  b: {cloud: huaweicloud, region: cn-north-4, endpoints: {kms: "http://kms.example.com"}}',
        '',
      ].join('\n'),
    );
    const result = await runCli(['validate', 'rescind.config.yaml'], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('TOPSECRET');
    expect(result.stdout.split('\n').filter((l) => l.includes('account.endpoint'))).toEqual([
      'rescind.config.yaml:4:57: error account.endpoint: the endpoint is refused: a URL must not hold credentials',
      'rescind.config.yaml:5:64: error account.endpoint: the endpoint is refused: plain http:// is only allowed to a loopback host (127.0.0.0/8, ::1, localhost); credentials and revocations to another machine need https://',
    ]);
  });
});
