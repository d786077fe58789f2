// The emulator under attack, by class: tampered requests, writes that would brick its own state,
// persist files (planted links, two emulators, missing folders, dead locks), connections that hold a
// body or send it slowly, and web pages reaching the admin endpoints.

import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { signHuaweiRequest } from '../../src/clouds/huaweicloud/sign.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { adminCall, callHuawei, demo, rawCall } from '../helpers/emulator-client.js';

const KEY = '0d0466b0-e727-4d9c-b35d-f84bb474a37f';
const GRANT_A = '7c9a3286af4fcca5f0a385ad13e1d21a50e27b6dbcab50f37f30f93b8939827d';
const GRANT_B = '2b4d6f8a0c1e3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c';
const CLUSTER = '4c1f6a2e-8b3d-11ef-9a1b-0255ac100031';

const running: RunningEmulator[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const e of running.splice(0)) await e.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function emulator(options: Parameters<typeof startEmulator>[0] = {}): Promise<RunningEmulator> {
  const e = await startEmulator(options);
  running.push(e);
  return e;
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'rescind-emulator-hostile-'));
  dirs.push(d);
  return d;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function grants(url: string): Promise<string[]> {
  const state = (await adminCall(url, 'GET', '/_emulator/state')).json as {
    huaweicloud: { kms: { keys: { key_id: string; grants?: { grant_id: string }[] }[] } };
  };
  return (state.huaweicloud.kms.keys.find((k) => k.key_id === KEY)?.grants ?? []).map((g) => g.grant_id);
}

// A KMS revoke signed for body A, sent with body B and the given extra headers.
async function tampered(url: string, extra: (bodyA: string) => Record<string, string>, signExtra = false) {
  const path = `/v1.0/${demo.projectId}/kms/revoke-grant`;
  const bodyA = JSON.stringify({ key_id: KEY, grant_id: GRANT_A });
  const bodyB = JSON.stringify({ key_id: KEY, grant_id: GRANT_B });
  const base = { 'content-type': 'application/json', 'x-project-id': demo.projectId };
  const signedHeaders = signExtra ? { ...base, ...extra(bodyA) } : base;
  const auth = signHuaweiRequest(
    { method: 'POST', url: `${url}${path}`, headers: signedHeaders, body: bodyA },
    demo.huawei,
    new Date(),
  );
  const res = await request(`${url}${path}`, {
    method: 'POST',
    headers: { ...signedHeaders, ...extra(bodyA), ...auth },
    body: bodyB,
  });
  return { status: res.statusCode, text: await res.body.text() };
}

describe('a tampered request is refused', () => {
  it('an unsigned X-Sdk-Content-Sha256 cannot vouch for another body', async () => {
    const e = await emulator();
    const answer = await tampered(e.url, (a) => ({ 'x-sdk-content-sha256': sha256(a) }));
    expect(answer.status).toBe(401);
    expect(answer.text).toContain('APIGW.0301');
    expect(await grants(e.url)).toContain(GRANT_B);
  });

  it('a signed X-Sdk-Content-Sha256 must be the hash of the body sent', async () => {
    const e = await emulator();
    const answer = await tampered(e.url, (a) => ({ 'x-sdk-content-sha256': sha256(a) }), true);
    expect(answer.status).toBe(401);
    expect(answer.text).toContain('x-sdk-content-sha256 is not the SHA-256 of the body');
    expect(await grants(e.url)).toEqual(expect.arrayContaining([GRANT_A, GRANT_B]));
  });

  it('without any payload header, a changed body breaks the signature', async () => {
    const e = await emulator();
    const answer = await tampered(e.url, () => ({}));
    expect(answer.status).toBe(401);
    expect(await grants(e.url)).toContain(GRANT_B);
  });
});

describe("the emulator's own state stays loadable", () => {
  it('a revoke with a malformed id gets the cloud 400 and is not recorded', async () => {
    const dir = tempDir();
    const persist = join(dir, 'state.json');
    const e = await emulator({ persist });
    for (const userId of ['bad id!', 'x'.repeat(65), '../../etc']) {
      const answer = await callHuawei(e.url, {
        method: 'POST',
        path: `/api/v3/projects/${demo.projectId}/clusters/${CLUSTER}/clustercertrevoke`,
        body: { userId },
        projectId: demo.projectId,
      });
      expect(answer.status).toBe(400);
      expect(answer.text).toContain('CCE.01400001');
    }
    await running.pop()?.close();
    const again = await emulator({ persist });
    expect(again.url).toMatch(/^http:/);
  });

  it('a seed near the size cap, persisted (longer as JSON than as YAML), loads again', async () => {
    const dir = tempDir();
    // One flow list on one line: `{userId: x}` is shorter in YAML than `{"userId":"x"}` in JSON.
    const holders = Array.from({ length: 600_000 }, (_, i) => `{userId: u${i.toString(36)}}`).join(',');
    const seed = [
      'apiVersion: rescind/v1',
      'kind: EmulatorState',
      'identities:',
      `  - {cloud: huaweicloud, accessKey: ${demo.huawei.accessKey}, secretKey: ${demo.huawei.secretKey}, userId: 0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f}`,
      'huaweicloud:',
      '  cce:',
      '    clusters:',
      `      - {project_id: ${demo.projectId}, cluster_id: ${CLUSTER}, name: big, certificates: [${holders}]}`,
      '',
    ].join('\n');
    expect(seed.length).toBeLessThan(10 * 1024 * 1024);
    writeFileSync(join(dir, 'seed.yaml'), seed);
    const persist = join(dir, 'state.json');
    await emulator({ state: join(dir, 'seed.yaml'), persist });
    await running.pop()?.close();
    expect(statSync(persist).size).toBeGreaterThan(10 * 1024 * 1024);
    const again = await emulator({ state: join(dir, 'seed.yaml'), persist });
    expect(again.port).toBeGreaterThan(0);
  }, 60_000);
});

describe('persist files', () => {
  it('a planted link at the persist path is refused, and its target is never written', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'victim'), 'do not touch\n');
    symlinkSync(join(dir, 'victim'), join(dir, 'state.json'));
    const error = await startEmulator({ persist: join(dir, 'state.json') }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'RESCIND_EMULATOR_STATE',
      diagnostics: [{ code: 'emulator.persist', message: expect.stringContaining('is a symbolic link') }],
    });
    expect(readFileSync(join(dir, 'victim'), 'utf8')).toBe('do not touch\n');
  });

  it('saves through new files with random names, never through a file planted beside it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'victim'), 'do not touch\n');
    const persist = join(dir, 'state.json');
    // What the old predictable temporary names were.
    for (let n = 1; n < 5; n++) symlinkSync(join(dir, 'victim'), `${persist}.${process.pid}.${n}.tmp`);
    const e = await emulator({ persist });
    await adminCall(e.url, 'POST', '/_emulator/reset');
    expect(readFileSync(join(dir, 'victim'), 'utf8')).toBe('do not touch\n');
    expect(JSON.parse(readFileSync(persist, 'utf8'))).toMatchObject({ kind: 'EmulatorState' });
    expect((statSync(persist).mode & 0o777).toString(8)).toBe('600');
  });

  it('a second emulator on the same file is refused, naming the first; after close it is free', async () => {
    const dir = tempDir();
    const persist = join(dir, 'state.json');
    await emulator({ persist });
    const error = await startEmulator({ persist }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      diagnostics: [
        {
          code: 'emulator.persist',
          message: expect.stringContaining(`another emulator is using it (pid ${process.pid}`),
        },
      ],
    });
    await running.pop()?.close();
    expect(existsSync(`${persist}.lock`)).toBe(false);
    await emulator({ persist });
  });

  it('the lock of an emulator that is no longer running is taken over', async () => {
    const dir = tempDir();
    const persist = join(dir, 'state.json');
    const dead = {
      pid: 2 ** 22 + 12_345,
      host: (await import('node:os')).hostname(),
      started: '2026-01-01T00:00:00Z',
      what: 'emulator keeping its state in state.json',
    };
    writeFileSync(`${persist}.lock`, JSON.stringify(dead));
    await emulator({ persist });
    expect(JSON.parse(readFileSync(`${persist}.lock`, 'utf8')).pid).toBe(process.pid);
  });

  it('a lock file that names no holder is a clear error, and is left for a human to remove', async () => {
    const dir = tempDir();
    const persist = join(dir, 'state.json');
    writeFileSync(`${persist}.lock`, 'not a holder\n');
    const error = await startEmulator({ persist }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      diagnostics: [{ code: 'emulator.persist', message: expect.stringContaining(`lock ${persist}.lock: `) }],
    });
    expect(readFileSync(`${persist}.lock`, 'utf8')).toBe('not a holder\n');
  });

  it('a missing folder is a clear error, not a bug', async () => {
    const dir = tempDir();
    const error = await startEmulator({ persist: join(dir, 'no', 'such', 'state.json') }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      diagnostics: [{ code: 'emulator.persist', message: expect.stringContaining('the folder') }],
    });
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('connections', () => {
  // Sends raw HTTP and resolves with what came back before the server closed (or the timeout).
  function raw(port: number, text: string, waitMs = 3000): Promise<string> {
    return new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let got = '';
      const timer = setTimeout(() => {
        socket.destroy();
        resolve(got);
      }, waitMs);
      socket.on('data', (d) => {
        got += d.toString();
      });
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(got);
      });
      socket.on('error', () => undefined);
      socket.write(text);
    });
  }

  it('an unknown caller is refused from its headers, before its body, and the connection closed', async () => {
    const e = await emulator();
    const answer = await raw(
      e.port,
      `POST /v1.0/${demo.projectId}/kms/revoke-grant HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 1048576\r\nauthorization: SDK-HMAC-SHA256 Access=NOBODY, SignedHeaders=host;x-sdk-date, Signature=00\r\nx-sdk-date: 20261130T000000Z\r\n\r\n{`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
    expect(answer.toLowerCase()).toContain('connection: close');
  });

  it('a declared body over the cap is refused before it is read', async () => {
    const e = await emulator();
    const answer = await raw(
      e.port,
      `POST /v1.0/${demo.projectId}/kms/revoke-grant HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 5000000\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
  });

  it('a body sent too slowly by a known caller is cut off at the request timeout', async () => {
    const e = await emulator({ requestTimeoutMs: 300 });
    const path = `/v1.0/${demo.projectId}/kms/list-grants`;
    const body = JSON.stringify({ key_id: KEY, limit: '100', pad: 'x'.repeat(40) });
    const headers = { 'content-type': 'application/json', 'x-project-id': demo.projectId };
    const auth = signHuaweiRequest(
      { method: 'POST', url: `${e.url}${path}`, headers, body },
      demo.huawei,
      new Date(),
    );
    const lines = Object.entries({ ...headers, ...auth, 'content-length': String(body.length) })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    // Headers, and one byte of the body: then nothing. The 408 is the server's: the client would give
    // up after 10 s with no answer at all.
    const answer = await raw(e.port, `POST ${path} HTTP/1.1\r\n${lines}\r\n{`, 10_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
  });
});

describe('the admin endpoints refuse web pages', () => {
  it.each([
    ['a Host that is not loopback (DNS rebinding)', { host: 'rebind.example.com' }],
    ['another origin', { origin: 'https://evil.example.com' }],
    ['a cross-site fetch', { 'sec-fetch-site': 'cross-site' }],
  ])('%s', async (_, headers) => {
    const e = await emulator();
    for (const [method, path] of [
      ['GET', '/_emulator/state'],
      ['POST', '/_emulator/faults'],
      ['POST', '/_emulator/reset'],
    ] as const) {
      const answer = await rawCall(
        e.url,
        method,
        path,
        headers,
        method === 'POST' ? '{"errorRate": 1}' : undefined,
      );
      expect(answer.status).toBe(403);
      expect(answer.text).not.toContain(demo.huawei.secretKey);
    }
    expect((await adminCall(e.url, 'GET', '/_emulator/faults')).json).toMatchObject({ errorRate: 0 });
  });

  it('a loopback client is served, whatever loopback name it uses', async () => {
    const e = await emulator();
    for (const host of [`127.0.0.1:${e.port}`, `localhost:${e.port}`, `[::1]:${e.port}`]) {
      const answer = await rawCall(e.url, 'GET', '/_emulator/stats', { host, origin: `http://${host}` });
      expect(answer.status).toBe(200);
    }
  });
});
