// An account's network settings through the session, against real servers on 127.0.0.1: a caFile
// (relative to the config file) trusted besides Node's CAs, HTTPS_PROXY / NO_PROXY from the session's
// environment and network.proxy over them, timeouts and retries from the config, the problems of each
// as located diagnostics; a TLS failure that ends `rescind plan` as cloud.tls rather than an internal
// error; and two thousand built-in accounts that plan over one bounded pool.

import { execFile } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NetworkError, TimeoutError, TlsError } from '../../src/http/errors.js';
import { createSession, type Session } from '../../src/session/session.js';
import { json, startServer, type TestServer } from '../helpers/http-server.js';
import { runCli } from '../helpers/io.js';
import { repoRoot } from '../helpers/paths.js';
import { startProxy } from '../helpers/proxy.js';
import { pem, serverTls, TLS_DIR } from '../helpers/tls.js';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const PROJECT = '0b5e7c9d2f4a4c1e8d3f6a7b9c1d2e3f';
const ENV = { HUAWEICLOUD_SDK_AK: 'AK0000000000000000001', HUAWEICLOUD_SDK_SK: 'secret-sk-value-0001' };

// A folder with rescind.config.yaml holding these account lines, and certs/ca.pem (the test CA).
function workspace(accountLines: readonly string[], top: readonly string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'rescind-network-'));
  closers.push(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'certs'));
  copyFileSync(join(TLS_DIR, 'ca.pem'), join(dir, 'certs', 'ca.pem'));
  writeFileSync(
    join(dir, 'rescind.config.yaml'),
    ['apiVersion: rescind/v1', 'kind: Config', ...top, 'accounts:', ...accountLines, ''].join('\n'),
  );
  return dir;
}

function session(dir: string, env: Record<string, string> = ENV): Session {
  const s = createSession({ cwd: dir, env, http: { sleep: async () => {} } });
  closers.push(() => s.close());
  return s;
}

async function server(
  handler: Parameters<typeof startServer>[0] = (_req, res) => json(res, 200, {}),
  cert?: string,
): Promise<TestServer> {
  const s = await startServer(handler, cert === undefined ? {} : { tls: serverTls(cert) });
  closers.push(() => s.close());
  return s;
}

// Opens hw for KMS and makes one call to it; returns the call's result or error.
async function callKms(s: Session): Promise<unknown> {
  const opened = await s.openAccounts({ hw: ['kms'] });
  if (opened.diagnostics.length > 0) return opened.diagnostics;
  const account = opened.accounts.get('hw');
  if (account === undefined) throw new Error('hw did not open');
  return account.http
    .call({ method: 'GET', url: `${account.endpoint('kms')}/v1/x`, service: 'kms', operation: 'ListGrants' })
    .catch((e: unknown) => e);
}

// A plan of one KMS grant of account hw.
const KMS_PLAN = [
  'apiVersion: rescind/v1',
  'kind: RevocationPlan',
  'metadata: {name: tls, reason: test}',
  'spec:',
  '  revocations:',
  `    - {id: g, type: huaweicloud.kms.grant, account: hw, target: {keyId: 0d0466b0-e727-4d9c-b35d-f84bb474a37f, grantId: ${'a'.repeat(64)}}}`,
  '',
].join('\n');

const hw = (endpoint: string, network = '') =>
  `  hw: {cloud: huaweicloud, region: ap-southeast-1, projectId: ${PROJECT}, endpoint: "${endpoint}"${network}}`;

describe('caFile', () => {
  it('trusts the CA of the file, relative to the config file; without it the certificate is refused', async () => {
    const https = await server(undefined, pem('server'));
    const trusting = workspace([hw(https.origin, ', network: {caFile: certs/ca.pem}')]);
    expect(await callKms(session(trusting))).toMatchObject({ status: 200 });
    const plain = workspace([hw(https.origin)]);
    expect(await callKms(session(plain))).toBeInstanceOf(TlsError);
  });

  it('keeps the CAs of NODE_EXTRA_CA_CERTS when a caFile adds others', async () => {
    const https = await server(undefined, pem('server'));
    // The caFile trusts only an unrelated certificate; the test CA comes from NODE_EXTRA_CA_CERTS.
    const dir = workspace([hw(https.origin, ', network: {caFile: certs/other.pem}')]);
    writeFileSync(join(dir, 'certs', 'other.pem'), pem('self-signed'));
    const env = { ...ENV, NODE_EXTRA_CA_CERTS: join(dir, 'certs', 'ca.pem') };
    expect(await callKms(session(dir, env))).toMatchObject({ status: 200 });
    expect(await callKms(session(dir))).toBeInstanceOf(TlsError);
  });

  it('NODE_EXTRA_CA_CERTS trusts a CA for the whole process, as docs/cli.md says', async () => {
    const https = await server(undefined, pem('server'));
    const dir = workspace([hw(https.origin)]);
    writeFileSync(join(dir, 'plan.yaml'), KMS_PLAN);
    // Spawned without waiting synchronously: the test server answers from this process.
    const rescind = (env: Record<string, string>) =>
      new Promise<string>((done) => {
        execFile(
          process.execPath,
          [join(repoRoot, 'bin', 'rescind.js'), 'plan', 'plan.yaml'],
          { cwd: dir, env: { PATH: process.env.PATH ?? '', ...ENV, ...env } },
          (_error, stdout, stderr) => done(`${stdout}${stderr}`),
        );
      });
    const trusted = await rescind({ NODE_EXTRA_CA_CERTS: join(dir, 'certs', 'ca.pem') });
    // Past TLS, the test server's empty answers are not what IAM and KMS say.
    expect(trusted).toContain('error cloud.unexpected');
    expect(trusted).not.toContain('cloud.tls');
    expect(await rescind({})).toContain('error cloud.tls');
  });

  it('applies the top-level network to every account, under their own', async () => {
    const https = await server(undefined, pem('server'));
    const dir = workspace([hw(https.origin)], ['network: {caFile: certs/ca.pem}']);
    expect(await callKms(session(dir))).toMatchObject({ status: 200 });
  });

  it('a caFile that is missing is a config error; one that cannot be read or holds no certificate is account.ca-file at the account', async () => {
    const missing = workspace([hw('https://127.0.0.1:1', ', network: {caFile: certs/none.pem}')]);
    expect(await callKms(session(missing))).toEqual([
      expect.objectContaining({
        code: 'account.ca-file',
        message: 'caFile "certs/none.pem" does not exist (relative to the folder of the config file)',
        path: ['accounts', 'hw', 'network', 'caFile'],
      }),
    ]);
    const folder = workspace([hw('https://127.0.0.1:1', ', network: {caFile: certs}')]);
    expect(await callKms(session(folder))).toEqual([
      expect.objectContaining({
        code: 'account.ca-file',
        message: 'account hw: caFile: certs is a folder, not a regular file',
        path: ['accounts', 'hw'],
        range: expect.objectContaining({ start: expect.objectContaining({ line: 4 }) }),
      }),
    ]);
    const empty = workspace([hw('https://127.0.0.1:1', ', network: {caFile: certs/empty.pem}')]);
    writeFileSync(join(empty, 'certs', 'empty.pem'), 'not a certificate\n');
    expect(await callKms(session(empty))).toMatchObject([
      {
        code: 'account.ca-file',
        message: 'account hw: caFile certs/empty.pem holds no PEM certificate (-----BEGIN CERTIFICATE-----)',
      },
    ]);
  });

  it('rescind plan ends with cloud.tls naming the host, exit 1, not an internal error', async () => {
    const https = await server(undefined, pem('self-signed'));
    const dir = workspace([hw(https.origin)]);
    writeFileSync(join(dir, 'plan.yaml'), KMS_PLAN);
    const result = await runCli(['plan', 'plan.yaml'], dir, ENV);
    expect(result.code).toBe(1);
    const host = new URL(https.origin).host;
    expect(result.stdout + result.stderr).toContain(
      `error cloud.tls: huaweicloud kms ListGrants: TLS to ${host} failed: its certificate is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT)`,
    );
    expect(result.stdout + result.stderr).not.toMatch(/internal error|bug/i);
  });
});

describe('proxies', () => {
  it('uses HTTPS_PROXY of the session environment, not of the process, and NO_PROXY', async () => {
    const https = await server(undefined, pem('server'));
    const proxy = await startProxy();
    closers.push(() => proxy.close());
    const endpoint = `https://kms.rescind.test:${new URL(https.origin).port}`;
    const dir = workspace([hw(endpoint, ', network: {caFile: certs/ca.pem}')]);
    expect(await callKms(session(dir, { ...ENV, HTTPS_PROXY: proxy.origin }))).toMatchObject({ status: 200 });
    expect(proxy.requests.map((r) => r.method)).toEqual(['CONNECT']);
    const bypassed = await callKms(
      session(dir, { ...ENV, https_proxy: proxy.origin, no_proxy: 'rescind.test' }),
    );
    expect(bypassed).toBeInstanceOf(NetworkError);
    expect(proxy.requests).toHaveLength(1);
  });

  it('network.proxy none goes direct whatever the environment says; a named proxy is used', async () => {
    const https = await server(undefined, pem('server'));
    const proxy = await startProxy();
    closers.push(() => proxy.close());
    const endpoint = `https://kms.rescind.test:${new URL(https.origin).port}`;
    const none = workspace([hw(endpoint, ', network: {caFile: certs/ca.pem, proxy: none}')]);
    expect(await callKms(session(none, { ...ENV, HTTPS_PROXY: proxy.origin }))).toBeInstanceOf(NetworkError);
    expect(proxy.requests).toHaveLength(0);
    const named = workspace([hw(endpoint, `, network: {caFile: certs/ca.pem, proxy: "${proxy.origin}"}`)]);
    expect(await callKms(session(named))).toMatchObject({ status: 200 });
    expect(proxy.requests).toHaveLength(1);
  });

  it('an HTTPS_PROXY that is not a proxy URL is account.proxy, naming the variable and never its value', async () => {
    const dir = workspace([hw('https://kms.example.com')]);
    const opened = await callKms(session(dir, { ...ENV, HTTPS_PROXY: 'socks5://u:TOPSECRET@proxy:1080' }));
    expect(opened).toMatchObject([
      {
        code: 'account.proxy',
        message:
          'account hw: the environment variable HTTPS_PROXY is a socks5 proxy; rescind speaks to http:// and https:// proxies',
      },
    ]);
    expect(JSON.stringify(opened)).not.toContain('TOPSECRET');
  });

  it('validate refuses a proxy URL with credentials in the config as config.secret, without repeating it', async () => {
    const dir = workspace(
      [hw('https://kms.example.com', ', network: {proxy: "http://bob:TOPSECRET@proxy.corp:3128"}')],
      ['network: {caFile: certs/missing.pem}'],
    );
    const result = await runCli(['validate', 'rescind.config.yaml'], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('TOPSECRET');
    expect(result.stdout.split('\n').filter((l) => /config\.secret|account\.ca-file/.test(l))).toEqual([
      'rescind.config.yaml:3:19: error account.ca-file: caFile "certs/missing.pem" does not exist (relative to the folder of the config file)',
      'rescind.config.yaml:5:151: error config.secret: a proxy URL in the config must not hold credentials: give the proxy with them in HTTPS_PROXY in the environment',
    ]);
  });
});

describe('timeouts and retries', () => {
  it('retries as many times as the config says: 0 sends a call once', async () => {
    const failing = await server((_req, res) => json(res, 500, { error_code: 'KMS.0000', error_msg: 'x' }));
    await callKms(session(workspace([hw(failing.origin, ', network: {retries: 0}')])));
    expect(failing.received).toHaveLength(1);
    await callKms(session(workspace([hw(failing.origin, ', network: {retries: 2}')])));
    expect(failing.received).toHaveLength(4);
  });

  it('waits for an answer as long as timeouts.read says, and a call as long as timeouts.call', async () => {
    const silent = await server(() => {});
    const read = await callKms(
      session(workspace([hw(silent.origin, ', network: {retries: 0, timeouts: {read: 0.2}}')])),
    );
    expect(read).toBeInstanceOf(TimeoutError);
    expect(read).toMatchObject({ phase: 'headers', timeoutMs: 200 });
    const call = await callKms(
      session(workspace([hw(silent.origin, ', network: {retries: 0, timeouts: {call: 0.3, read: 60}}')])),
    );
    expect(call).toMatchObject({ phase: 'call', timeoutMs: 300 });
  });

  it('tells retries to onEvent, with the account and the call', async () => {
    const failing = await server((_req, res) => json(res, 503, {}));
    const events: unknown[] = [];
    const s = createSession({
      cwd: workspace([hw(failing.origin, ', network: {retries: 1}')]),
      env: ENV,
      http: { sleep: async () => {}, random: () => 0.5, onEvent: (e) => events.push(e) },
    });
    closers.push(() => s.close());
    await callKms(s);
    // Waits for the account's rate limit (KMS: 20/s) may come too, as time goes.
    expect(events.filter((e) => (e as { kind: string }).kind === 'retry')).toEqual([
      expect.objectContaining({
        kind: 'retry',
        account: 'hw',
        service: 'kms',
        operation: 'ListGrants',
        attempt: 1,
        maxAttempts: 2,
        reason: 'server-error',
        status: 503,
      }),
    ]);
  });
});

describe('many built-in accounts', () => {
  it('2,000 accounts plan over one pool of at most 8 sockets', async () => {
    const n = 2000;
    const dir = workspace(
      Array.from(
        { length: n },
        (_, i) =>
          `  a${i}: {cloud: huaweicloud, region: ap-southeast-1, domainId: 9f8e7d6c5b4a39281706f5e4d3c2b1a0, emulator: builtin}`,
      ),
    );
    writeFileSync(
      join(dir, 'plan.yaml'),
      [
        'apiVersion: rescind/v1',
        'kind: RevocationPlan',
        'metadata: {name: many, reason: many accounts}',
        'spec:',
        '  revocations:',
        ...Array.from(
          { length: n },
          (_, i) =>
            `    - {id: r${i}, type: huaweicloud.ccm.subordinate-ca, account: a${i}, target: {caId: 6434f74f-2d13-4e6a-89eb-93ee313f1a43}}`,
        ),
        '',
      ].join('\n'),
    );
    let sockets = 0;
    const connected = () => {
      sockets += 1;
    };
    diagnostics.subscribe('undici:client:connected', connected);
    closers.push(() => diagnostics.unsubscribe('undici:client:connected', connected));
    const result = await session(dir, {}).plan('plan.yaml');
    expect(result.diagnostics).toEqual([]);
    expect(result.plan?.targets).toHaveLength(n);
    expect(sockets).toBeGreaterThan(0);
    expect(sockets).toBeLessThanOrEqual(8);
  }, 120_000);
});
