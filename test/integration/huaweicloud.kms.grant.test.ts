// huaweicloud.kms.grant against the emulator over real HTTP: read, select with
// paging, revoke, verify, already revoked, missing, the KMS error shape, and the
// HTTP layer's retries (throttling, 5xx, dropped connections) seen from a provider.

import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatorState } from '../../src/emulator/state.js';
import { verifyTarget } from '../../src/providers/common.js';
import { kmsGrant } from '../../src/providers/huaweicloud/kms.js';
import { demo, demoIdentities } from '../helpers/emulator-client.js';
import { type Bench, startBench } from '../helpers/provider.js';

const KEY = '0d0466b0-e727-4d9c-b35d-f84bb474a37f';
const ALICE = '5a8c1f0e2b7d4c39a1e6f3b2d9c8e7a1';
const ALICE_GRANT = '7c9a3286af4fcca5f0a385ad13e1d21a50e27b6dbcab50f37f30f93b8939827d';
const MISSING_GRANT = 'f'.repeat(64);

let bench: Bench | undefined;
afterEach(async () => {
  await bench?.close();
  bench = undefined;
});

// A seed with one key of many grants (paging) and one key created by someone else (403).
function pagingSeed(grants: number): EmulatorState {
  const hex = (n: number) => n.toString(16).padStart(64, '0');
  return {
    apiVersion: 'rescind/v1',
    kind: 'EmulatorState',
    identities: [demoIdentities.huaweicloud],
    huaweicloud: {
      kms: {
        keys: [
          {
            project_id: demo.projectId,
            key_id: KEY,
            creator: '0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f',
            grants: Array.from({ length: grants }, (_, i) => ({
              grant_id: hex(i + 1),
              grantee_principal: i % 2 === 0 ? ALICE : '3f2e1d0c9b8a47f6e5d4c3b2a1f0e9d8',
              grantee_principal_type: 'user',
              operations: ['decrypt-datakey'],
              name: `grant-${i}`,
              creation_date: '1700000000000',
            })),
          },
          {
            project_id: demo.projectId,
            key_id: 'bb6a3d22-dc93-47ac-b5bd-88df7ad35f1e',
            creator: '99999999999999999999999999999999',
            grants: [{ grant_id: hex(9999), grantee_principal: ALICE, grantee_principal_type: 'user' }],
          },
        ],
      },
    },
  };
}

describe('huaweicloud.kms.grant', () => {
  it('reads an active grant with every field of the cloud record, a missing one as absent, a missing key as an error', async () => {
    bench = await startBench();
    const active = await kmsGrant.read({ account: bench.hw, target: { keyId: KEY, grantId: ALICE_GRANT } });
    expect(active.diagnostics).toEqual([]);
    expect(active.observation).toMatchObject({
      state: 'active',
      record: {
        grant_id: ALICE_GRANT,
        grantee_principal: ALICE,
        name: 'ci-decrypt',
        creation_date: '1497341531000',
      },
    });
    const missing = await kmsGrant.read({
      account: bench.hw,
      target: { keyId: KEY, grantId: MISSING_GRANT },
    });
    expect(missing.observation).toEqual({ state: 'absent' });
    const noKey = await kmsGrant.read({
      account: bench.hw,
      target: { keyId: '00000000-0000-4000-8000-000000000000', grantId: ALICE_GRANT },
    });
    // A grant that is gone was revoked; a key that is gone is a wrong id, not a finished revocation.
    expect(noKey.observation).toBeUndefined();
    expect(noKey.diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        'cloud.not-found',
        `KMS key 00000000-0000-4000-8000-000000000000 does not exist in project ${bench.hw.projectId}`,
      ],
    ]);
  });

  it('expands a selector through every page of ListGrants', async () => {
    bench = await startBench({ state: pagingSeed(250) });
    const result = await kmsGrant.expand({
      account: bench.hw,
      select: { keyIds: [KEY], granteePrincipal: ALICE },
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.targets).toHaveLength(125);
    expect(result.targets.every((t) => t.observation.record?.grantee_principal === ALICE)).toBe(true);
    expect(new Set(result.targets.map((t) => t.target.grantId)).size).toBe(125);
    expect((await bench.stats()).requests.ListGrants).toBe(3); // 100 + 100 + 50
  });

  it('fails closed when a selected key does not exist', async () => {
    bench = await startBench();
    const result = await kmsGrant.expand({
      account: bench.hw,
      select: { keyIds: [KEY, '00000000-0000-4000-8000-000000000000'] },
    });
    expect(result.targets).toEqual([]);
    expect(result.diagnostics).toMatchObject([{ code: 'cloud.not-found', severity: 'error' }]);
  });

  it('revokes, verifies, and then reports the same revoke as already revoked', async () => {
    bench = await startBench();
    const target = { keyId: KEY, grantId: ALICE_GRANT };
    const revoked = await kmsGrant.revoke({ account: bench.hw, target, with: {} });
    expect(revoked).toMatchObject({ outcome: 'revoked', diagnostics: [] });
    expect(revoked.requestId).toMatch(/^[0-9a-f]{32}$/);
    expect(await verifyTarget(kmsGrant, { account: bench.hw, target })).toMatchObject({
      verdict: 'verified',
    });
    const again = await kmsGrant.revoke({ account: bench.hw, target, with: {} });
    expect(again).toEqual({ outcome: 'already-revoked', diagnostics: [] });
    const never = await kmsGrant.revoke({
      account: bench.hw,
      target: { keyId: KEY, grantId: MISSING_GRANT },
      with: {},
    });
    expect(never.outcome).toBe('already-revoked');
  });

  it('never reads a wrong endpoint (a gateway 404) as an absent grant', async () => {
    bench = await startBench();
    const url = bench.url;
    const account = { ...bench.hw, endpoint: () => `${url}/typo` };
    const target = { keyId: KEY, grantId: ALICE_GRANT };
    const read = await kmsGrant.read({ account, target });
    expect(read.observation).toBeUndefined();
    expect(read.diagnostics[0]?.message).toContain('APIGW.0101');
    expect((await verifyTarget(kmsGrant, { account, target })).verdict).toBe('not-verified');
  });

  it('does not verify a grant that is still listed', async () => {
    bench = await startBench();
    const result = await verifyTarget(kmsGrant, {
      account: bench.hw,
      target: { keyId: KEY, grantId: ALICE_GRANT },
    });
    expect(result).toMatchObject({ verdict: 'not-verified', observation: { state: 'active' } });
  });

  it("reports KMS's nested error shape once, without retrying a 403", async () => {
    bench = await startBench({ state: pagingSeed(1) });
    const target = {
      keyId: 'bb6a3d22-dc93-47ac-b5bd-88df7ad35f1e',
      grantId: (9999).toString(16).padStart(64, '0'),
    };
    const result = await kmsGrant.revoke({ account: bench.hw, target, with: {} });
    expect(result.outcome).toBe('failed');
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({
      code: 'cloud.error',
      address: `hw/kms/${target.keyId}/grant/${target.grantId}`,
    });
    expect(result.diagnostics[0]?.message).toMatch(
      /CancelGrant: HTTP 403 KMS\.0303: .*\(request id [0-9a-f]{32}\)/,
    );
    expect((await bench.stats()).requests.CancelGrant).toBe(1);
    expect(bench.waits).toEqual([]);
  });

  it('gets through 5xx answers and dropped connections by retrying', async () => {
    bench = await startBench({ seed: 7 });
    await bench.faults({ errorRate: 0.25, dropRate: 0.15 });
    for (let i = 0; i < 8; i++) {
      const result = await kmsGrant.read({ account: bench.hw, target: { keyId: KEY, grantId: ALICE_GRANT } });
      expect(result).toMatchObject({ observation: { state: 'active' }, diagnostics: [] });
    }
    const stats = await bench.stats();
    expect(stats.faults).toBeGreaterThan(0);
    expect(bench.waits.length).toBe(stats.faults);
  });

  it('waits out throttling and succeeds', async () => {
    // The client's waits move the emulator's clock: its token bucket refills as if time had passed.
    bench = await startBench({ throttleRps: 1 }, { waitsMoveClock: true });
    for (let i = 0; i < 3; i++) {
      const result = await kmsGrant.read({ account: bench.hw, target: { keyId: KEY, grantId: ALICE_GRANT } });
      expect(result.diagnostics).toEqual([]);
    }
    expect((await bench.stats()).throttled).toBeGreaterThan(0);
    expect(bench.waits.length).toBeGreaterThan(0);
  });
});
