// The HTTP client and the account opening against a hostile server or a careless config: an answer
// too large to hold, a server that echoes a secret back in any encoding and in several lines, a
// credential with a line break, an endpoint or region that would send a request elsewhere.

import { afterEach, describe, expect, it } from 'vitest';
import { huaweiDialect } from '../../src/clouds/huaweicloud/dialect.js';
import { huaweiTokenSigner } from '../../src/clouds/huaweicloud/sign.js';
import { defaultEndpoint } from '../../src/clouds/services.js';
import type { RescindConfig } from '../../src/config/config.js';
import { createHttpClient, type HttpClient } from '../../src/http/client.js';
import { CloudError, ResponseTooLargeError } from '../../src/http/errors.js';
import { secretForms } from '../../src/http/redact.js';
import { createSession, type Session } from '../../src/session/session.js';
import { json, startServer, type TestServer } from '../helpers/http-server.js';
import { runCli } from '../helpers/io.js';

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
