// alibabacloud.ack.user-permissions against the emulator over real HTTP: reads joining both
// lists, select with paging, revoke with and without force, ACK's refusals, verify,
// already revoked, missing, and the HTTP layer's retries; request shapes against a stub.

import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatorState } from '../../src/emulator/state.js';
import { Slots } from '../../src/engine/slots.js';
import { ackUserPermissions as ack } from '../../src/providers/alibabacloud/ack.js';
import { verifyTarget } from '../../src/providers/common.js';
import { demo } from '../helpers/emulator-client.js';
import { type Bench, startBench, stubAccount } from '../helpers/provider.js';

const PROD = 'c5b5e80b0b64a4bf6939d2d8fbbc5abcd'; // the contractor used it this week
const STAGING = 'c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a'; // idle for a month; a namespace role only
const LEGACY = 'cf0e1d2c3b4a59687a6b5c4d3e2f1a0b9'; // already Removed
const NO_CLUSTER = `c${'0'.repeat(32)}`;
const CONTRACTOR = '276543210987654321';
const CALLER = '200000000000000001';
const ROOT = '1000000000000001';
const BREAK_GLASS = '200000000000000099'; // Unissued kubeconfig, admin permissions
const REQUEST_ID = /\(request id [0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\)/;

let bench: Bench | undefined;
afterEach(async () => {
  await bench?.close();
  bench = undefined;
});

// One user on many clusters (paging): every third Removed, every third active, every third never
// issued a kubeconfig and without permissions (nothing to revoke there).
function clustersSeed(count: number): EmulatorState {
  return {
    apiVersion: 'rescind/v1',
    kind: 'EmulatorState',
    referenceTime: '2026-11-23T12:00:00Z',
    identities: [
      {
        cloud: 'alibabacloud',
        accessKeyId: demo.alibaba.accessKeyId,
        accessKeySecret: demo.alibaba.accessKeySecret,
        uid: CALLER,
        accountId: ROOT,
      },
    ],
    alibabacloud: {
      ack: {
        clusters: Array.from({ length: count }, (_, i) => ({
          cluster_id: `c${i.toString(16).padStart(32, '0')}`,
          name: `cluster-${i}`,
          users: [
            i % 3 === 0
              ? { uid: CONTRACTOR, permissions: [], cert_state: 'Removed' as const }
              : i % 3 === 1
                ? {
                    uid: CONTRACTOR,
                    permissions: [{ role_name: 'dev', role_type: 'dev', resource_type: 'cluster' }],
                    cert_state: 'Unexpired' as const,
                  }
                : { uid: CONTRACTOR, permissions: [], cert_state: 'Unissued' as const },
          ],
        })),
      },
    },
  };
}

describe('alibabacloud.ack.user-permissions', () => {
  it('reads a user on a cluster from the kubeconfig states and the permission rows', async () => {
    bench = await startBench();
    const prod = await ack.read({ account: bench.ali, target: { clusterId: PROD, uid: CONTRACTOR } });
    expect(prod).toMatchObject({
      diagnostics: [],
      observation: {
        state: 'active',
        record: {
          cluster_id: PROD,
          states: [{ cluster_id: PROD, cluster_name: 'prod-ack', cert_state: 'Unexpired' }],
          permissions: [{ resource_id: PROD, role_name: 'dev', role_type: 'dev' }],
        },
      },
    });
    // A namespace role (resource_id `{cluster}/default`) is a permission on the cluster.
    const staging = await ack.read({ account: bench.ali, target: { clusterId: STAGING, uid: CONTRACTOR } });
    expect(staging.observation).toMatchObject({
      state: 'active',
      record: { permissions: [{ resource_id: `${STAGING}/default` }] },
    });
    const legacy = await ack.read({ account: bench.ali, target: { clusterId: LEGACY, uid: CONTRACTOR } });
    expect(legacy.observation).toMatchObject({
      state: 'revoked',
      record: { states: [{ cert_state: 'Removed' }], permissions: [] },
    });
    // Permissions without an issued kubeconfig are access all the same.
    const breakGlass = await ack.read({ account: bench.ali, target: { clusterId: PROD, uid: BREAK_GLASS } });
    expect(breakGlass.observation).toMatchObject({
      state: 'active',
      record: { states: [{ cert_state: 'Unissued' }] },
    });
    const missing = await ack.read({
      account: bench.ali,
      target: { clusterId: NO_CLUSTER, uid: CONTRACTOR },
    });
    expect(missing).toEqual({ observation: { state: 'absent' }, diagnostics: [] });
    const stranger = await ack.read({ account: bench.ali, target: { clusterId: STAGING, uid: BREAK_GLASS } });
    expect(stranger).toEqual({ observation: { state: 'absent' }, diagnostics: [] });
    const stats = await bench.stats();
    expect(stats.requests.ListUserKubeConfigStates).toBe(6);
    expect(stats.requests.DescribeUserPermission).toBe(6);
  });

  it("lists a user's permissions beside the states when the caller has a slot free, else after them", async () => {
    bench = await startBench();
    const { ali } = bench;
    const target = { clusterId: PROD, uid: CONTRACTOR };
    const roomy = new Slots(2);
    let besides = 0;
    const alongside = <R>(call: () => Promise<R>) => {
      const started = roomy.alongside(call);
      if (started !== undefined) besides++;
      return started;
    };
    const together = await roomy.run(() => ack.read({ account: ali, target, alongside }));
    expect(besides).toBe(1);
    const full = new Slots(1);
    const apart = await full.run(() =>
      ack.read({ account: ali, target, alongside: (call) => full.alongside(call) }),
    );
    // The same observation either way, from the same two calls.
    expect(together).toEqual(apart);
    expect(together.observation?.state).toBe('active');
    const stats = await bench.stats();
    expect(stats.requests.ListUserKubeConfigStates).toBe(2);
    expect(stats.requests.DescribeUserPermission).toBe(2);
  });

  it('reads a kubeconfig never issued, without permissions, as absent', async () => {
    bench = await startBench({ state: clustersSeed(3) });
    const target = { clusterId: `c${(2).toString(16).padStart(32, '0')}`, uid: CONTRACTOR };
    const result = await ack.read({ account: bench.ali, target });
    expect(result.observation).toMatchObject({
      state: 'absent',
      record: { states: [{ cert_state: 'Unissued' }] },
    });
    expect((await verifyTarget(ack, { account: bench.ali, target })).verdict).toBe('verified');
  });

  it('addresses a user on a cluster', () => {
    expect(ack.address('ali', { clusterId: PROD, uid: CONTRACTOR })).toBe(
      `ali/ack/${PROD}/user/${CONTRACTOR}`,
    );
  });

  it('selects every cluster where the user holds permissions or a kubeconfig', async () => {
    bench = await startBench();
    const all = await ack.expand({ account: bench.ali, select: { uid: CONTRACTOR } });
    expect(all.diagnostics).toEqual([]);
    expect(all.targets.map((t) => [t.target.clusterId, t.observation.state])).toEqual([
      [PROD, 'active'],
      [STAGING, 'active'],
      [LEGACY, 'revoked'],
    ]);
    expect(all.targets[0]?.target).toEqual({ clusterId: PROD, uid: CONTRACTOR });
    const some = await ack.expand({
      account: bench.ali,
      select: { uid: CONTRACTOR, clusterIds: [LEGACY, STAGING, NO_CLUSTER] },
    });
    expect(some.targets.map((t) => t.target.clusterId)).toEqual([STAGING, LEGACY]);
    const nobody = await ack.expand({ account: bench.ali, select: { uid: '299999999999999999' } });
    expect(nobody).toEqual({ targets: [], diagnostics: [] });
  });

  it('follows every page of ListUserKubeConfigStates', async () => {
    bench = await startBench({ state: clustersSeed(150) });
    const result = await ack.expand({ account: bench.ali, select: { uid: CONTRACTOR } });
    expect(result.diagnostics).toEqual([]);
    expect(result.targets).toHaveLength(100); // 50 Removed + 50 active; the 50 Unissued hold nothing
    expect(result.targets.filter((t) => t.observation.state === 'revoked')).toHaveLength(50);
    expect(new Set(result.targets.map((t) => t.target.clusterId)).size).toBe(100);
    expect(result.targets.at(-1)?.target.clusterId).toBe(`c${(148).toString(16).padStart(32, '0')}`);
    const stats = await bench.stats();
    expect(stats.requests.ListUserKubeConfigStates).toBe(2); // 100 + 50
    expect(stats.requests.DescribeUserPermission).toBe(1);
  });

  it('revokes an idle user without force, verifies, and reports a user gone as already revoked', async () => {
    bench = await startBench();
    const target = { clusterId: STAGING, uid: CONTRACTOR };
    const revoked = await ack.revoke({ account: bench.ali, target, with: {} });
    expect(revoked).toMatchObject({ outcome: 'revoked', diagnostics: [] });
    expect(revoked.requestId).toMatch(/^[0-9A-F-]{36}$/);
    const verified = await verifyTarget(ack, { account: bench.ali, target });
    expect(verified).toMatchObject({
      verdict: 'verified',
      observation: { state: 'revoked', record: { states: [{ cert_state: 'Removed' }], permissions: [] } },
    });
    // The other clusters are untouched.
    expect(
      (await ack.read({ account: bench.ali, target: { clusterId: PROD, uid: CONTRACTOR } })).observation
        ?.state,
    ).toBe('active');
    // ACK knows no such user on the cluster, or no such cluster: the re-read shows nothing to revoke.
    for (const gone of [
      { clusterId: STAGING, uid: BREAK_GLASS },
      { clusterId: NO_CLUSTER, uid: CONTRACTOR },
    ]) {
      expect(await ack.revoke({ account: bench.ali, target: gone, with: { force: true } })).toEqual({
        outcome: 'already-revoked',
        diagnostics: [],
      });
      expect(await verifyTarget(ack, { account: bench.ali, target: gone })).toMatchObject({
        verdict: 'verified',
        observation: { state: 'absent' },
      });
    }
  });

  it('reports the refusal of a recently active user once without retry, then cleans with force', async () => {
    bench = await startBench();
    const target = { clusterId: PROD, uid: CONTRACTOR };
    const refused = await ack.revoke({ account: bench.ali, target, with: {} });
    expect(refused.outcome).toBe('failed');
    expect(refused.diagnostics).toHaveLength(1);
    expect(refused.diagnostics[0]).toMatchObject({
      severity: 'error',
      code: 'cloud.error',
      address: `ali/ack/${PROD}/user/${CONTRACTOR}`,
    });
    const message = refused.diagnostics[0]?.message ?? '';
    expect(message).toMatch(/CleanClusterUserPermissions: HTTP 400 ErrorUserRecentlyActive: /);
    expect(message).toMatch(REQUEST_ID);
    expect((await bench.stats()).requests.CleanClusterUserPermissions).toBe(1);
    expect(bench.waits).toEqual([]);
    expect(await verifyTarget(ack, { account: bench.ali, target })).toMatchObject({
      verdict: 'not-verified',
      observation: { state: 'active' },
    });
    const forced = await ack.revoke({ account: bench.ali, target, with: { force: true } });
    expect(forced).toMatchObject({ outcome: 'revoked', diagnostics: [] });
    expect(await verifyTarget(ack, { account: bench.ali, target })).toMatchObject({ verdict: 'verified' });
  });

  it('reports the refusals of the caller and of the account root with their codes', async () => {
    bench = await startBench();
    const caller = await ack.revoke({
      account: bench.ali,
      target: { clusterId: PROD, uid: CALLER },
      with: { force: true },
    });
    expect(caller.outcome).toBe('failed');
    expect(caller.diagnostics).toHaveLength(1);
    expect(caller.diagnostics[0]?.message).toMatch(/HTTP 403 Forbidden\.CleanCaller: /);
    expect(caller.diagnostics[0]?.message).toMatch(REQUEST_ID);
    const root = await ack.revoke({
      account: bench.ali,
      target: { clusterId: PROD, uid: ROOT },
      with: { force: true },
    });
    expect(root.outcome).toBe('failed');
    expect(root.diagnostics[0]?.message).toMatch(/HTTP 403 Forbidden\.CleanRootAccount: /);
    expect((await bench.stats()).requests.CleanClusterUserPermissions).toBe(2);
    expect(bench.waits).toEqual([]);
    const still = await ack.read({ account: bench.ali, target: { clusterId: PROD, uid: CALLER } });
    expect(still.observation?.state).toBe('active');
  });

  it('never reads a wrong endpoint (404 InvalidAction.NotFound) as a user without access', async () => {
    bench = await startBench();
    const account = { ...bench.ali, endpoint: () => `${bench?.url}/typo` };
    const target = { clusterId: PROD, uid: CONTRACTOR };
    const result = await verifyTarget(ack, { account, target });
    expect(result).toMatchObject({ verdict: 'not-verified', diagnostics: [{ code: 'cloud.error' }] });
    expect(result.diagnostics[0]?.message).toMatch(/HTTP 404 InvalidAction\.NotFound/);
    expect(result.observation).toBeUndefined();
  });

  it('gets through 5xx answers and dropped connections by retrying', async () => {
    bench = await startBench({ seed: 7 });
    await bench.faults({ errorRate: 0.25, dropRate: 0.15 });
    for (let i = 0; i < 6; i++) {
      const result = await ack.read({ account: bench.ali, target: { clusterId: PROD, uid: CONTRACTOR } });
      expect(result).toMatchObject({ observation: { state: 'active' }, diagnostics: [] });
    }
    const expanded = await ack.expand({ account: bench.ali, select: { uid: CONTRACTOR } });
    expect(expanded.targets).toHaveLength(3);
    const revoked = await ack.revoke({
      account: bench.ali,
      target: { clusterId: PROD, uid: CONTRACTOR },
      with: { force: true },
    });
    expect(revoked.diagnostics).toEqual([]);
    expect(['revoked', 'already-revoked']).toContain(revoked.outcome);
    const stats = await bench.stats();
    expect(stats.faults).toBeGreaterThan(0);
    expect(bench.waits.length).toBe(stats.faults);
    await bench.faults({ errorRate: 0, dropRate: 0 });
    expect(
      await verifyTarget(ack, { account: bench.ali, target: { clusterId: PROD, uid: CONTRACTOR } }),
    ).toMatchObject({ verdict: 'verified' });
  });

  it('cleans through dropped connections, also when an answer is lost after the clean', async () => {
    bench = await startBench({ state: clustersSeed(30), seed: 5 });
    const selected = await ack.expand({ account: bench.ali, select: { uid: CONTRACTOR } });
    const active = selected.targets.filter((t) => t.observation.state === 'active').map((t) => t.target);
    expect(active).toHaveLength(10);
    await bench.faults({ dropRate: 0.4 });
    for (const target of active) {
      const result = await ack.revoke({ account: bench.ali, target, with: { force: true } });
      expect(result.diagnostics).toEqual([]);
      expect(['revoked', 'already-revoked']).toContain(result.outcome);
    }
    const stats = await bench.stats();
    expect(stats.faults).toBeGreaterThan(0);
    expect(stats.requests.CleanClusterUserPermissions).toBeGreaterThan(10);
    await bench.faults({ dropRate: 0 });
    for (const target of active) {
      expect(await verifyTarget(ack, { account: bench.ali, target })).toMatchObject({ verdict: 'verified' });
    }
  });

  it('waits out throttling and succeeds', async () => {
    // The client's waits move the emulator's clock: its token bucket refills as if time had passed.
    bench = await startBench({ throttleRps: 1 }, { waitsMoveClock: true });
    for (let i = 0; i < 3; i++) {
      const result = await ack.read({ account: bench.ali, target: { clusterId: PROD, uid: CONTRACTOR } });
      expect(result.diagnostics).toEqual([]);
    }
    expect((await bench.stats()).throttled).toBeGreaterThan(0);
    expect(bench.waits.length).toBeGreaterThan(0);
  });
});

const noStates = { states: [], page: { page_number: 1, page_size: 100, total_count: 0 } };

describe('alibabacloud.ack.user-permissions against a stub', () => {
  it('sends the ROA calls as ACK documents them, Force always explicit', async () => {
    const { account, calls } = stubAccount('https://cs.example.test', () => ({}));
    await ack.revoke({ account, target: { clusterId: PROD, uid: CONTRACTOR }, with: {} });
    await ack.revoke({ account, target: { clusterId: PROD, uid: CONTRACTOR }, with: { force: true } });
    expect(calls.map((c) => [c.method, c.url, c.query, c.operation, c.apiVersion])).toEqual([
      [
        'DELETE',
        `https://cs.example.test/cluster/${PROD}/user/${CONTRACTOR}/permissions`,
        { Force: false },
        'CleanClusterUserPermissions',
        '2015-12-15',
      ],
      [
        'DELETE',
        `https://cs.example.test/cluster/${PROD}/user/${CONTRACTOR}/permissions`,
        { Force: true },
        'CleanClusterUserPermissions',
        '2015-12-15',
      ],
    ]);
    const reads = stubAccount('https://cs.example.test', (o) =>
      o.operation === 'DescribeUserPermission' ? [] : noStates,
    );
    await ack.read({ account: reads.account, target: { clusterId: PROD, uid: 'a b/c' } });
    expect(reads.calls.map((c) => [c.method, c.url, c.query])).toEqual([
      [
        'GET',
        'https://cs.example.test/users/a%20b%2Fc/kubeconfig/states',
        { page_number: 1, page_size: 100 },
      ],
      ['GET', 'https://cs.example.test/permissions/users/a%20b%2Fc', undefined],
    ]);
  });

  it('keeps all-clusters rows off every cluster', async () => {
    const { account } = stubAccount('https://cs.example.test', (o) =>
      o.operation === 'DescribeUserPermission'
        ? [{ resource_id: 'all-clusters', resource_type: 'console', role_name: 'admin' }]
        : noStates,
    );
    const result = await ack.expand({ account, select: { uid: CONTRACTOR } });
    expect(result).toEqual({ targets: [], diagnostics: [] });
  });

  it('fails closed on an answer it does not understand', async () => {
    const notArray = stubAccount('https://cs.example.test', (o) =>
      o.operation === 'DescribeUserPermission' ? { items: [] } : noStates,
    );
    const a = await ack.expand({ account: notArray.account, select: { uid: CONTRACTOR } });
    expect(a.targets).toEqual([]);
    expect(a.diagnostics).toMatchObject([
      { code: 'cloud.unexpected', address: 'stub/ack/user/276543210987654321' },
    ]);
    const endless = stubAccount('https://cs.example.test', (o) =>
      o.operation === 'DescribeUserPermission'
        ? []
        : { states: [], page: { page_number: o.query?.page_number, page_size: 100, total_count: 500 } },
    );
    const b = await ack.read({ account: endless.account, target: { clusterId: PROD, uid: CONTRACTOR } });
    expect(b.observation).toBeUndefined();
    expect(b.diagnostics[0]?.message).toMatch(/empty page 1 of 500 states/);
  });
});
