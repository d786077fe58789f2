// alibabacloud.esa.client-certificate against the emulator over real HTTP: read, select
// with paging and filters, revoke, verify, already revoked, missing, Alibaba's error shape,
// the HTTP layer's retries seen from the provider, and the paging guards against a stub.

import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatorState } from '../../src/emulator/state.js';
import { CloudError } from '../../src/http/errors.js';
import { esaClientCertificate as esa } from '../../src/providers/alibabacloud/esa.js';
import { verifyTarget } from '../../src/providers/common.js';
import { demo } from '../helpers/emulator-client.js';
import { type Bench, startBench, stubAccount } from '../helpers/provider.js';

const SITE = 1234567890123;
const BOB_PHONE = 'baba39055622c008b90285a8838ed09a';
const BOB_TABLET = '1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a'; // revoked in the demo seed
const MISSING = 'ffffffffffffffffffffffffffffffff';
const REQUEST_ID = /\(request id [0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\)/;

let bench: Bench | undefined;
afterEach(async () => {
  await bench?.close();
  bench = undefined;
});

// A site of many certificates (paging), with names full of regex metacharacters, and one certificate
// in a status ESA does not document.
function siteSeed(count: number): EmulatorState {
  const id = (n: number) => n.toString(16).padStart(32, '0');
  return {
    apiVersion: 'rescind/v1',
    kind: 'EmulatorState',
    identities: [
      {
        cloud: 'alibabacloud',
        accessKeyId: demo.alibaba.accessKeyId,
        accessKeySecret: demo.alibaba.accessKeySecret,
        uid: '200000000000000001',
        accountId: '1000000000000001',
      },
    ],
    alibabacloud: {
      esa: {
        sites: [
          {
            SiteId: SITE,
            SiteName: 'example.com',
            client_certificates: [
              ...Array.from({ length: count }, (_, i) => ({
                Id: id(i + 1),
                Name: `device-${i}`,
                CommonName: i % 5 === 0 ? `fleet-${i}.devices.example.com` : `other-${i}`,
                CACertificateId: i % 2 === 0 ? 'ca-even' : 'ca-odd',
                Status: i % 10 === 0 ? 'revoked' : 'active',
              })),
              { Id: 'meta-1', Name: 'a.b+c(1)', CommonName: 'x', Status: 'active' },
              { Id: 'meta-2', Name: 'aXb+c(1)', CommonName: 'x', Status: 'active' },
              { Id: 'meta-3', Name: 'a.b+c(1)-old', CommonName: 'x', Status: 'active' },
              { Id: 'odd-status', Name: 'odd', CommonName: 'odd', Status: 'expired' },
            ],
          },
        ],
      },
    },
  };
}

describe('alibabacloud.esa.client-certificate', () => {
  it('reads active, revoked and missing certificates', async () => {
    bench = await startBench();
    const active = await esa.read({ account: bench.ali, target: { siteId: SITE, certificateId: BOB_PHONE } });
    expect(active).toMatchObject({
      diagnostics: [],
      observation: {
        state: 'active',
        record: {
          Id: BOB_PHONE,
          Name: 'bob-phone',
          CommonName: 'phone-01.devices.example.com',
          Status: 'active',
          CACertificateId: 'ESA-managed',
          NotAfter: '2035-06-22 07:48:51',
        },
      },
    });
    const revoked = await esa.read({
      account: bench.ali,
      target: { siteId: SITE, certificateId: BOB_TABLET },
    });
    expect(revoked.observation).toMatchObject({ state: 'revoked', record: { Name: 'bob-tablet' } });
    const missing = await esa.read({ account: bench.ali, target: { siteId: SITE, certificateId: MISSING } });
    expect(missing).toEqual({ observation: { state: 'absent' }, diagnostics: [] });
    const noSite = await esa.read({ account: bench.ali, target: { siteId: 42, certificateId: BOB_PHONE } });
    expect(noSite).toEqual({ observation: { state: 'absent' }, diagnostics: [] });
    expect((await bench.stats()).requests.GetClientCertificate).toBe(4);
  });

  it('addresses a certificate by account, site and id', () => {
    expect(esa.address('ali', { siteId: SITE, certificateId: BOB_PHONE })).toBe(
      `ali/esa/${SITE}/client-certificate/${BOB_PHONE}`,
    );
  });

  it('selects by common name, name and CA, revoked matches included', async () => {
    bench = await startBench();
    const bob = await esa.expand({ account: bench.ali, select: { siteId: SITE, commonName: 'bob-*' } });
    expect(bob.diagnostics).toEqual([]);
    expect(bob.targets.map((t) => [t.observation.record?.Name, t.observation.state])).toEqual([
      ['bob-laptop', 'active'],
      ['bob-tablet', 'revoked'],
      ['bob-desktop', 'active'],
    ]);
    expect(bob.targets[1]?.target).toEqual({ siteId: SITE, certificateId: BOB_TABLET });
    const alice = await esa.expand({ account: bench.ali, select: { siteId: SITE, name: 'alice-*laptop' } });
    expect(alice.targets.map((t) => t.observation.record?.Name)).toEqual([
      'alice-laptop',
      'alice-old-laptop',
    ]);
    const managed = await esa.expand({
      account: bench.ali,
      select: { siteId: SITE, caCertificateId: 'ESA-managed', commonName: '*.devices.example.com' },
    });
    expect(managed.targets.map((t) => t.target.certificateId)).toEqual([BOB_PHONE]);
    // The pattern covers the whole value: `bob` alone is no prefix match.
    const exact = await esa.expand({ account: bench.ali, select: { siteId: SITE, commonName: 'bob' } });
    expect(exact.targets).toEqual([]);
    const all = await esa.expand({ account: bench.ali, select: { siteId: SITE } });
    expect(all.targets).toHaveLength(8);
  });

  it('follows every page of ListClientCertificates and matches metacharacters literally', async () => {
    bench = await startBench({ state: siteSeed(250) });
    const fleet = await esa.expand({
      account: bench.ali,
      select: { siteId: SITE, commonName: 'fleet-*.devices.example.com', caCertificateId: 'ca-even' },
    });
    expect(fleet.diagnostics).toEqual([]);
    // i % 5 === 0 and i even: i % 10 === 0, which the seed also made revoked.
    expect(fleet.targets).toHaveLength(25);
    expect(fleet.targets.every((t) => t.observation.state === 'revoked')).toBe(true);
    expect(new Set(fleet.targets.map((t) => t.target.certificateId)).size).toBe(25);
    expect((await bench.stats()).requests.ListClientCertificates).toBe(3); // 100 + 100 + 54
    const meta = await esa.expand({ account: bench.ali, select: { siteId: SITE, name: 'a.b+c(*)' } });
    expect(meta.targets.map((t) => t.target.certificateId)).toEqual(['meta-1']);
    const star = await esa.expand({ account: bench.ali, select: { siteId: SITE, name: 'a.b+c(1)*' } });
    expect(star.targets.map((t) => t.target.certificateId)).toEqual(['meta-1', 'meta-3']);
  });

  it('fails closed when the selected site does not exist', async () => {
    bench = await startBench();
    const result = await esa.expand({ account: bench.ali, select: { siteId: 42, commonName: 'bob-*' } });
    expect(result.targets).toEqual([]);
    expect(result.diagnostics).toMatchObject([
      { code: 'cloud.not-found', severity: 'error', address: 'ali/esa/42/select' },
    ]);
  });

  it('revokes, verifies, and then reports the same revoke as already revoked', async () => {
    bench = await startBench();
    const target = { siteId: SITE, certificateId: BOB_PHONE };
    const revoked = await esa.revoke({ account: bench.ali, target, with: {} });
    expect(revoked).toMatchObject({ outcome: 'revoked', diagnostics: [] });
    expect(revoked.requestId).toMatch(/^[0-9A-F-]{36}$/);
    const verified = await verifyTarget(esa, { account: bench.ali, target });
    expect(verified).toMatchObject({ verdict: 'verified', observation: { state: 'revoked' } });
    // ESA refuses with Certificate.StatusError; the re-read shows it revoked.
    expect(await esa.revoke({ account: bench.ali, target, with: {} })).toEqual({
      outcome: 'already-revoked',
      diagnostics: [],
    });
    const missing = await esa.revoke({
      account: bench.ali,
      target: { siteId: SITE, certificateId: MISSING },
      with: {},
    });
    expect(missing).toEqual({ outcome: 'already-revoked', diagnostics: [] });
    expect(
      await verifyTarget(esa, { account: bench.ali, target: { siteId: SITE, certificateId: MISSING } }),
    ).toMatchObject({ verdict: 'verified', observation: { state: 'absent' } });
  });

  it('does not verify a certificate that is still active', async () => {
    bench = await startBench();
    const result = await verifyTarget(esa, {
      account: bench.ali,
      target: { siteId: SITE, certificateId: BOB_PHONE },
    });
    expect(result).toMatchObject({ verdict: 'not-verified', observation: { state: 'active' } });
  });

  it('reads an undocumented status as active and reports the refused revoke once, without retry', async () => {
    bench = await startBench({ state: siteSeed(0) });
    const target = { siteId: SITE, certificateId: 'odd-status' };
    const read = await esa.read({ account: bench.ali, target });
    expect(read.observation).toMatchObject({ state: 'active', record: { Status: 'expired' } });
    const result = await esa.revoke({ account: bench.ali, target, with: {} });
    expect(result.outcome).toBe('failed');
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({
      severity: 'error',
      code: 'cloud.error',
      address: `ali/esa/${SITE}/client-certificate/odd-status`,
    });
    // Alibaba's {RequestId, HostId, Code, Message}: the code, the message and the request id.
    const message = result.diagnostics[0]?.message ?? '';
    expect(message).toMatch(
      /RevokeClientCertificate: HTTP 400 Certificate\.StatusError: The status of the certificate is invalid\./,
    );
    expect(message).toMatch(REQUEST_ID);
    expect((await bench.stats()).requests.RevokeClientCertificate).toBe(1);
    expect(bench.waits).toEqual([]);
    expect(await verifyTarget(esa, { account: bench.ali, target })).toMatchObject({
      verdict: 'not-verified',
    });
  });

  it('never reads a wrong endpoint (404 InvalidAction.NotFound) as an absent certificate', async () => {
    bench = await startBench();
    const account = { ...bench.ali, endpoint: () => `${bench?.url}/typo` };
    const target = { siteId: SITE, certificateId: BOB_PHONE };
    const result = await verifyTarget(esa, { account, target });
    expect(result).toMatchObject({ verdict: 'not-verified', diagnostics: [{ code: 'cloud.error' }] });
    expect(result.diagnostics[0]?.message).toMatch(/HTTP 404 InvalidAction\.NotFound/);
    expect(result.observation).toBeUndefined();
  });

  it('gets through 5xx answers and dropped connections by retrying', async () => {
    bench = await startBench({ seed: 7 });
    await bench.faults({ errorRate: 0.25, dropRate: 0.15 });
    for (let i = 0; i < 8; i++) {
      const result = await esa.read({
        account: bench.ali,
        target: { siteId: SITE, certificateId: BOB_PHONE },
      });
      expect(result).toMatchObject({ observation: { state: 'active' }, diagnostics: [] });
    }
    const listed = await esa.expand({ account: bench.ali, select: { siteId: SITE, name: 'bob-*' } });
    expect(listed.targets).toHaveLength(4);
    const stats = await bench.stats();
    expect(stats.faults).toBeGreaterThan(0);
    expect(bench.waits.length).toBe(stats.faults);
  });

  it('revokes through dropped connections, also when an answer is lost after the revoke', async () => {
    bench = await startBench({ seed: 3 });
    const all = await esa.expand({ account: bench.ali, select: { siteId: SITE } });
    const active = all.targets.filter((t) => t.observation.state === 'active').map((t) => t.target);
    expect(active).toHaveLength(6);
    await bench.faults({ dropRate: 0.4 });
    const outcomes = [];
    for (const target of active) {
      const result = await esa.revoke({ account: bench.ali, target, with: {} });
      expect(result.diagnostics).toEqual([]);
      outcomes.push(result.outcome);
    }
    // A drop after the revoke was performed makes the retry meet Certificate.StatusError: the re-read
    // then finds the certificate revoked.
    expect(outcomes).toContain('already-revoked');
    expect(outcomes.every((o) => o === 'revoked' || o === 'already-revoked')).toBe(true);
    expect((await bench.stats()).faults).toBeGreaterThan(0);
    await bench.faults({ dropRate: 0 });
    for (const target of active) {
      expect(await verifyTarget(esa, { account: bench.ali, target })).toMatchObject({ verdict: 'verified' });
    }
  });

  it('waits out throttling and succeeds', async () => {
    // The client's waits move the emulator's clock: its token bucket refills as if time had passed.
    bench = await startBench({ throttleRps: 1 }, { waitsMoveClock: true });
    for (let i = 0; i < 3; i++) {
      const result = await esa.read({
        account: bench.ali,
        target: { siteId: SITE, certificateId: BOB_PHONE },
      });
      expect(result.diagnostics).toEqual([]);
    }
    expect((await bench.stats()).throttled).toBeGreaterThan(0);
    expect(bench.waits.length).toBeGreaterThan(0);
  });
});

const item = (n: number) => ({ Id: `cert-${n}`, Name: `n-${n}`, Status: 'active' });

function notFound(code: string | undefined): CloudError {
  return new CloudError({
    cloud: 'alibabacloud',
    service: 'esa',
    operation: 'GetClientCertificate',
    status: 404,
    cloudCode: code,
    cloudMessage: 'not found',
    requestId: 'STUB',
    retryable: false,
    throttled: false,
    retryAfterMs: undefined,
  });
}

describe('alibabacloud.esa.client-certificate against a misbehaving server', () => {
  it('sends the RPC call as ESA documents it', async () => {
    const { account, calls } = stubAccount('https://esa.example.test', () => ({ Result: item(1) }));
    await esa.read({ account, target: { siteId: SITE, certificateId: 'cert-1' } });
    expect(calls[0]).toMatchObject({
      method: 'GET',
      url: 'https://esa.example.test/',
      query: { SiteId: SITE, Id: 'cert-1' },
      service: 'esa',
      operation: 'GetClientCertificate',
      apiVersion: '2024-09-10',
    });
  });

  it('stops a list whose pages never end, and one whose page stays the first', async () => {
    const endless = stubAccount('https://esa.example.test', (o) => ({
      PageNumber: o.query?.PageNumber,
      PageSize: 100,
      TotalCount: 1_000_000,
      Result: [],
    }));
    const a = await esa.expand({ account: endless.account, select: { siteId: SITE } });
    expect(a.targets).toEqual([]);
    expect(a.diagnostics).toMatchObject([{ code: 'cloud.unexpected' }]);
    expect(endless.calls).toHaveLength(1);
    const stuck = stubAccount('https://esa.example.test', () => ({
      PageNumber: 1,
      PageSize: 100,
      TotalCount: 150,
      Result: Array.from({ length: 100 }, (_, i) => item(i)),
    }));
    const b = await esa.expand({ account: stuck.account, select: { siteId: SITE } });
    expect(b.targets).toEqual([]);
    expect(b.diagnostics[0]?.message).toMatch(/answered page 1 when asked for page 2/);
  });

  it('uses the page size the server answered when it caps the one asked', async () => {
    const { account, calls } = stubAccount('https://esa.example.test', (o) => {
      const page = Number(o.query?.PageNumber);
      const start = (page - 1) * 5; // asked for 100 a page, the server gives 5
      const items = Array.from({ length: Math.max(0, Math.min(5, 12 - start)) }, (_, i) => item(start + i));
      return { PageNumber: page, PageSize: 5, TotalCount: 12, Result: items };
    });
    const result = await esa.expand({ account, select: { siteId: SITE } });
    expect(result.diagnostics).toEqual([]);
    expect(result.targets).toHaveLength(12);
    expect(calls).toHaveLength(3);
  });

  it('lists again when the list changes while it is paged, and fails closed if it keeps changing', async () => {
    let total = 150;
    const moving = stubAccount('https://esa.example.test', (o) => {
      const page = Number(o.query?.PageNumber);
      const answer = {
        PageNumber: page,
        PageSize: 100,
        TotalCount: total,
        Result: Array.from({ length: page === 1 ? 100 : total - 100 }, (_, i) => item((page - 1) * 100 + i)),
      };
      total = page === 1 ? total + 1 : total; // one certificate is created after every first page
      return answer;
    });
    const result = await esa.expand({ account: moving.account, select: { siteId: SITE } });
    expect(result.targets).toEqual([]);
    expect(result.diagnostics[0]?.message).toMatch(/the list changed while it was paged, 3 times/);
    expect(moving.calls).toHaveLength(6);
    let once = true;
    const settling = stubAccount('https://esa.example.test', (o) => {
      const page = Number(o.query?.PageNumber);
      const count = once && page === 2 ? 151 : 150;
      if (page === 2) once = false;
      return {
        PageNumber: page,
        PageSize: 100,
        TotalCount: count,
        Result: Array.from({ length: page === 1 ? 100 : count - 100 }, (_, i) => item((page - 1) * 100 + i)),
      };
    });
    const settled = await esa.expand({ account: settling.account, select: { siteId: SITE } });
    expect(settled.diagnostics).toEqual([]);
    expect(settled.targets).toHaveLength(150);
    expect(settling.calls).toHaveLength(4);
  });

  it('reads absent only when ESA says a resource is not found', async () => {
    const target = { siteId: SITE, certificateId: 'cert-1' };
    const gone = stubAccount('https://esa.example.test', () => notFound('Certificate.NotFound'));
    expect(await esa.read({ account: gone.account, target })).toEqual({
      observation: { state: 'absent' },
      diagnostics: [],
    });
    // An unknown AccessKey ID is a 404 too, and a proxy's 404 page has no code: neither proves absence.
    for (const code of ['InvalidAccessKeyId.NotFound', 'InvalidAction.NotFound', undefined]) {
      const stub = stubAccount('https://esa.example.test', () => notFound(code));
      const result = await esa.read({ account: stub.account, target });
      expect(result.observation).toBeUndefined();
      expect(result.diagnostics).toMatchObject([{ code: 'cloud.error' }]);
      expect((await verifyTarget(esa, { account: stub.account, target })).verdict).toBe('not-verified');
    }
  });

  it('reports an answer without a certificate as unexpected', async () => {
    const { account } = stubAccount('https://esa.example.test', () => ({
      RequestId: 'STUB',
      Result: { Id: 'cert-1' },
    }));
    const result = await esa.read({ account, target: { siteId: SITE, certificateId: 'cert-1' } });
    expect(result.diagnostics).toMatchObject([{ code: 'cloud.unexpected' }]);
  });
});
