// Bad input never crashes or hangs the emulator: malformed JSON, wrong types, missing and
// unknown parameters, oversized bodies, unknown paths and methods, broken HTTP each get the
// cloud's own 4xx, and the emulator keeps answering. Also: state persisted across restarts.

import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmulatorStateError } from '../../src/emulator/seed.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { callHuawei, demo, esa, rawCall } from '../helpers/emulator-client.js';
import { fixture } from '../helpers/paths.js';

const P = demo.projectId;
const KEY = '0d0466b0-e727-4d9c-b35d-f84bb474a37f';
const GRANT = '7c9a3286af4fcca5f0a385ad13e1d21a50e27b6dbcab50f37f30f93b8939827d';

describe('bad input', () => {
  let em: RunningEmulator;
  beforeEach(async () => {
    em = await startEmulator();
  });
  afterEach(async () => {
    // The emulator still answers a good request after every bad one.
    const ok = await esa(em.url, 'GetClientCertificate', {
      SiteId: 1234567890123,
      Id: 'baba39055622c008b90285a8838ed09a',
    });
    expect(ok.status).toBe(200);
    await em.close();
  });

  const kms = (body: unknown) =>
    callHuawei(em.url, { method: 'POST', path: `/v1.0/${P}/kms/revoke-grant`, body, projectId: P });

  it('malformed JSON and bodies that are not objects get KMS.0202', async () => {
    for (const body of ['{"key_id":', 'null', '[]', '"text"', '\u0000\u0001']) {
      const r = await kms(body);
      expect([r.status, r.json]).toEqual([
        400,
        { error: { error_code: 'KMS.0202', error_msg: expect.any(String) } },
      ]);
    }
    const empty = await callHuawei(em.url, {
      method: 'POST',
      path: `/v1.0/${P}/kms/revoke-grant`,
      projectId: P,
    });
    expect([empty.status, (empty.json as { error: { error_code: string } }).error.error_code]).toEqual([
      400,
      'KMS.0204',
    ]);
  });

  it('wrong types get the service error', async () => {
    expect((await kms({ key_id: [KEY], grant_id: GRANT })).json).toMatchObject({
      error: { error_code: 'KMS.0205' },
    });
    expect((await kms({ key_id: KEY, grant_id: 7 })).json).toMatchObject({
      error: { error_code: 'KMS.0310' },
    });
    expect((await kms({ key_id: KEY, grant_id: GRANT, sequence: 36 })).json).toMatchObject({
      error: { error_code: 'KMS.0206' },
    });
  });

  it('an oversized body gets 413 in the cloud shape, after the body is read', async () => {
    const big = 'x'.repeat(1024 * 1024 + 1);
    const hw = await rawCall(
      em.url,
      'POST',
      `/v1.0/${P}/kms/revoke-grant`,
      { 'content-type': 'application/json' },
      big,
    );
    expect(hw.status).toBe(413);
    expect(hw.json).toEqual({
      error_msg: 'Request entity too large.',
      error_code: 'APIGW.0201',
      request_id: hw.headers['x-request-id'],
    });
    const ali = await esa(
      em.url,
      'GetClientCertificate',
      { SiteId: 1 },
      {
        method: 'POST',
        body: big,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
    );
    expect([ali.status, (ali.json as { Code: string }).Code]).toEqual([413, 'RequestEntityTooLarge']);
  });

  it('unknown paths and methods get APIGW.0101 or InvalidAction.NotFound', async () => {
    const path = await rawCall(em.url, 'GET', '/v2/nothing/here');
    expect(path.status).toBe(404);
    expect(path.json).toEqual({
      error_msg: 'The API does not exist or has not been published in the environment',
      error_code: 'APIGW.0101',
      request_id: path.headers['x-request-id'],
    });
    const method = await rawCall(em.url, 'DELETE', `/v1.0/${P}/kms/list-grants`);
    expect([method.status, (method.json as { error_msg: string }).error_msg]).toEqual([
      404,
      'The API does not exist',
    ]);
    const bad = await rawCall(em.url, 'GET', '/api/v3/projects/%E0%A4%A/clusters/x');
    expect(bad.status).toBe(404);
    const action = await esa(em.url, 'DeleteClientCertificate', { SiteId: 1, Id: 'x' });
    expect([action.status, (action.json as { Code: string }).Code]).toEqual([404, 'InvalidAction.NotFound']);
    const roa = await rawCall(em.url, 'PUT', '/clusters/c1/kubeconfig/states', {
      'x-acs-version': '2015-12-15',
    });
    expect([roa.status, (roa.json as { Code: string }).Code]).toEqual([404, 'InvalidAction.NotFound']);
  });

  it('unknown and repeated parameters get the cloud 4xx', async () => {
    const rep = await esa(em.url, 'ListClientCertificates', { SiteId: [1234567890123, 1234567890123] });
    expect([rep.status, (rep.json as { Code: string }).Code]).toEqual([400, 'InvalidParameter']);
    const show = await callHuawei(em.url, {
      method: 'GET',
      path: `/api/v3/projects/${P}/clusters/4c1f6a2e-8b3d-11ef-9a1b-0255ac100031`,
      query: { nope: 1 },
    });
    expect([show.status, (show.json as { errorCode: string }).errorCode]).toEqual([400, 'CCE.01400001']);
  });

  it('broken HTTP gets 400 and a closed connection', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(em.port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => {
        text += d.toString();
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer.startsWith('HTTP/1.1 400')).toBe(true);
  });
});

describe('persist', () => {
  it('keeps the state across restarts, saving atomically on every change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rescind-emulator-'));
    const file = join(dir, 'state.json');
    let em = await startEmulator({ persist: file });
    expect(existsSync(file)).toBe(true);
    const revoke = await callHuawei(em.url, {
      method: 'POST',
      path: `/v1.0/${P}/kms/revoke-grant`,
      body: { key_id: KEY, grant_id: GRANT },
      projectId: P,
    });
    expect(revoke.status).toBe(200);
    expect(readFileSync(file, 'utf8')).not.toContain(GRANT);
    await em.close();

    em = await startEmulator({ persist: file });
    const again = await callHuawei(em.url, {
      method: 'POST',
      path: `/v1.0/${P}/kms/revoke-grant`,
      body: { key_id: KEY, grant_id: GRANT },
      projectId: P,
    });
    expect(again.status).toBe(400); // already revoked: the grant is gone
    await rawCall(em.url, 'POST', '/_emulator/reset');
    expect(readFileSync(file, 'utf8')).toContain(GRANT);
    await em.close();
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('refuses a persisted file that is not a valid state, with located diagnostics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rescind-emulator-'));
    const file = join(dir, 'state.json');
    writeFileSync(file, '{"apiVersion": "rescind/v1", "kind": "EmulatorState", "identities": 3}\n');
    const error = await startEmulator({ persist: file }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmulatorStateError);
    expect((error as EmulatorStateError).diagnostics[0]).toMatchObject({
      code: 'schema.type',
      range: { file, start: { line: 1, column: 69 } },
    });
  });

  it('serves a test seed given as a file', async () => {
    const em = await startEmulator({ state: fixture('emulator/state.yaml') });
    const frozen = await callHuawei(em.url, {
      method: 'POST',
      path: '/v1/private-certificate-authorities/11111111-2222-4333-8444-555555555555/revoke',
      body: {},
      domainId: '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
      auth: { accessKey: 'TESTAK1', secretKey: 'test-secret-1' },
    });
    expect([frozen.status, frozen.json]).toEqual([
      403,
      { error_code: 'PCA.00030202', error_msg: 'CA or certificate frozen.' },
    ]);
    const notCreator = await callHuawei(em.url, {
      method: 'POST',
      path: `/v1.0/${P}/kms/revoke-grant`,
      body: { key_id: KEY, grant_id: GRANT },
      auth: { accessKey: 'TESTAK2', secretKey: 'test-secret-2' },
    });
    expect(notCreator.status).toBe(403);
    await em.close();
  });
});
