// Paged cloud lists against a server that pages with hostile intent: markers that go round in a cycle,
// fresh markers with pages too large to hold, rows listed twice, offsets ignored. Every paged list (KMS
// ListGrants, ESA ListClientCertificates, ACK ListUserKubeConfigStates, CCM ListCertificateAuthority)
// stops with cloud.unexpected, or keeps a row once, before it calls the server without end or holds
// more than MAX_LIST_ITEMS rows.

import { describe, expect, it } from 'vitest';
import { ackUserPermissions as ack } from '../../src/providers/alibabacloud/ack.js';
import { esaClientCertificate as esa } from '../../src/providers/alibabacloud/esa.js';
import { listGuard, MAX_LIST_ITEMS } from '../../src/providers/common.js';
import { ccmSubordinateCa as ccm } from '../../src/providers/huaweicloud/ccm.js';
import { kmsGrant } from '../../src/providers/huaweicloud/kms.js';
import type { ProviderAccount } from '../../src/providers/types.js';
import { stubAccount } from '../helpers/provider.js';

const PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const KEY = '0d0466b0-e727-4d9c-b35d-f84bb474a37f';
const UID = '276543210987654321';
const SITE = 1234567890123;

const grantId = (n: number) => n.toString(16).padStart(64, '0');
const grant = (n: number) => ({
  grant_id: grantId(n),
  grantee_principal: 'p',
  grantee_principal_type: 'user',
});
const clusterId = (n: number) => `c${n.toString(16).padStart(32, '0')}`;

describe('KMS ListGrants', () => {
  it('stops a cycle of markers at the first repeat, naming the pages', async () => {
    const next = ['A', 'B', 'A', 'B'];
    const { account, calls } = stubAccount('https://kms.example.test', (_o, n) => ({
      grants: [grant(n)],
      truncated: 'true',
      next_marker: next[(n - 1) % next.length],
    }));
    const result = await kmsGrant.read({
      account,
      target: { projectId: PROJECT, keyId: KEY, grantId: grantId(9) },
    });
    expect(result.observation).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        code: 'cloud.unexpected',
        message: `KMS ListGrants of key ${KEY} goes in a cycle: page 3 gave the next_marker that page 1 gave`,
        address: `stub/kms/${KEY}`,
      },
    ]);
    expect(calls.map((c) => (c.body as { marker?: string }).marker)).toEqual([undefined, 'A', 'B']);
  });

  it('stops a marker given back as the next one after the second call', async () => {
    const { account, calls } = stubAccount('https://kms.example.test', () => ({
      grants: [],
      truncated: true,
      next_marker: 'same',
    }));
    const result = await kmsGrant.read({
      account,
      target: { projectId: PROJECT, keyId: KEY, grantId: grantId(1) },
    });
    expect(result.diagnostics[0]?.message).toMatch(/page 2 gave the next_marker that page 1 gave/);
    expect(calls).toHaveLength(2);
  });

  it('refuses a list of fresh markers past MAX_LIST_ITEMS rows before it keeps the page that passes it', async () => {
    const perPage = 10_000;
    const { account, calls } = stubAccount('https://kms.example.test', (_o, n) => ({
      grants: Array.from({ length: perPage }, (_, i) => grant(n * perPage + i)),
      truncated: 'true',
      next_marker: `m${n}`,
    }));
    const result = await kmsGrant.expand({ account, select: { projectId: PROJECT, keyIds: [KEY] } });
    expect(result.targets).toEqual([]);
    expect(result.diagnostics).toMatchObject([
      { code: 'cloud.unexpected', message: `KMS ListGrants of key ${KEY} lists more than 200000 grants` },
    ]);
    expect(MAX_LIST_ITEMS).toBe(200_000);
    expect(calls).toHaveLength(MAX_LIST_ITEMS / perPage + 1);
  });

  it('keeps a grant listed on two pages once, in its first place', async () => {
    const pages = [
      { grants: [grant(1), grant(2)], truncated: 'true', next_marker: 'm1' },
      { grants: [{ ...grant(2), name: 'again' }, grant(3)], truncated: 'false' },
    ];
    const { account } = stubAccount('https://kms.example.test', (_o, n) => pages[n - 1]);
    const result = await kmsGrant.expand({ account, select: { projectId: PROJECT, keyIds: [KEY] } });
    expect(result.diagnostics).toEqual([]);
    expect(result.targets.map((t) => t.target.grantId)).toEqual([grantId(1), grantId(2), grantId(3)]);
    expect(result.targets[1]?.observation.record).toMatchObject({ name: 'again' });
  });
});

describe('ACK ListUserKubeConfigStates', () => {
  const state = (n: number) => ({ cluster_id: clusterId(n), cert_state: 'Unexpired' });
  const page = (number: number, states: unknown[], total: number) => ({
    states,
    page: { page_number: number, page_size: 2, total_count: total },
  });

  it('counts a cluster listed on two pages once, so that it cannot hide a cluster skipped', async () => {
    // Three clusters at two a page; the first pass gives cluster 2 twice and never cluster 3.
    let pass = 0;
    const { account, calls } = stubAccount('https://cs.example.test', (o) => {
      if (o.operation === 'DescribeUserPermission') return [];
      const number = Number(o.query?.page_number);
      if (number === 1) pass++;
      if (number === 1) return page(1, [state(1), state(2)], 3);
      return page(2, pass === 1 ? [state(2)] : [state(3)], 3);
    });
    const result = await ack.expand({ account, select: { uid: UID } });
    expect(result.diagnostics).toEqual([]);
    expect(result.targets.map((t) => t.target.clusterId)).toEqual([clusterId(1), clusterId(2), clusterId(3)]);
    expect(result.targets.map((t) => t.observation.record?.states.length)).toEqual([1, 1, 1]);
    expect(calls.filter((c) => c.operation === 'ListUserKubeConfigStates')).toHaveLength(4);
  });

  it('fails closed when every pass lists a cluster twice', async () => {
    const { account, calls } = stubAccount('https://cs.example.test', (o) => {
      if (o.operation === 'DescribeUserPermission') return [];
      const number = Number(o.query?.page_number);
      return number === 1 ? page(1, [state(1), state(2)], 3) : page(2, [state(2)], 3);
    });
    const result = await ack.read({ account, target: { clusterId: clusterId(2), uid: UID } });
    expect(result.observation).toBeUndefined();
    expect(result.diagnostics[0]?.message).toMatch(/the list changed while it was paged, 3 times/);
    expect(calls).toHaveLength(6);
  });

  it('refuses a total_count past MAX_LIST_ITEMS at the first page', async () => {
    const { account, calls } = stubAccount('https://cs.example.test', () =>
      page(1, [state(1), state(2)], MAX_LIST_ITEMS + 1),
    );
    const result = await ack.read({ account, target: { clusterId: clusterId(1), uid: UID } });
    expect(result.diagnostics).toMatchObject([
      {
        code: 'cloud.unexpected',
        message: `ACK ListUserKubeConfigStates of user ${UID} says it has 200001 states, more than 200000 (request id STUB)`,
      },
    ]);
    expect(calls).toHaveLength(1);
  });
});

describe('ESA ListClientCertificates', () => {
  it('refuses a page larger than MAX_LIST_ITEMS rows without reading one of them', async () => {
    const one = { Id: 'cert', Status: 'active' };
    const { account, calls } = stubAccount('https://esa.example.test', () => ({
      PageNumber: 1,
      PageSize: 100,
      TotalCount: 100,
      Result: new Array(MAX_LIST_ITEMS + 1).fill(one),
    }));
    const result = await esa.expand({ account, select: { siteId: SITE } });
    expect(result.targets).toEqual([]);
    expect(result.diagnostics[0]?.message).toBe(
      `ESA ListClientCertificates of site ${SITE} lists more than 200000 certificates (request id STUB)`,
    );
    expect(calls).toHaveLength(1);
  });
});

describe('CCM ListCertificateAuthority (offset paging)', () => {
  const caId = (n: number) => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
  const cas = Array.from({ length: 250 }, (_, n) => ({
    ca_id: caId(n),
    type: 'SUBORDINATE',
    status: 'ACTIVED',
  }));
  const read = (account: ProviderAccount, n: number) =>
    ccm.read({ account: { ...account, domainId: 'd' }, target: { caId: caId(n) }, together: 2 });

  it('pages by the rows it was given when the server gives fewer than the limit asked', async () => {
    const { account, calls } = stubAccount('https://ccm.example.test', (o) => {
      const offset = Number(o.query?.offset);
      return { total: cas.length, certificate_authorities: cas.slice(offset, offset + 100) };
    });
    const result = await read(account, 249);
    expect(result.observation?.state).toBe('active');
    expect(calls.map((c) => [c.query?.offset, c.query?.limit])).toEqual([
      [0, 1000],
      [100, 1000],
      [200, 1000],
    ]);
  });

  it('lists again, then refuses, a server that answers the first page whatever the offset', async () => {
    const { account, calls } = stubAccount('https://ccm.example.test', () => ({
      total: cas.length,
      certificate_authorities: cas.slice(0, 100),
    }));
    const result = await read(account, 249);
    expect(result.observation).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        code: 'cloud.unexpected',
        message: 'CCM ListCertificateAuthority: the list changed while it was paged, 3 times',
        address: 'stub/ccm',
      },
    ]);
    expect(calls).toHaveLength(9);
  });
});

describe('listGuard, with limits smaller than the defaults', () => {
  it('stops past its pages and rows, and at a page token given twice', () => {
    const pages = listGuard({ pages: 2, items: 10 });
    expect([pages.page(), pages.page(), pages.page()]).toEqual([
      undefined,
      undefined,
      'has more than 2 pages',
    ]);
    const rows = listGuard({ pages: 2, items: 10 });
    expect([rows.rows(6, 'grants'), rows.rows(4, 'grants'), rows.rows(1, 'grants')]).toEqual([
      undefined,
      undefined,
      'lists more than 10 grants',
    ]);
    expect(rows.total(11, 'states')).toBe('says it has 11 states, more than 10');
    const tokens = listGuard({ pages: 10, items: 10 });
    const long = 'x'.repeat(1_000_000);
    const given = ['a', long, 'b', long].map((token) => {
      tokens.page();
      return tokens.token('marker', token);
    });
    expect(given).toEqual([
      undefined,
      undefined,
      undefined,
      'goes in a cycle: page 4 gave the marker that page 2 gave',
    ]);
  });
});
