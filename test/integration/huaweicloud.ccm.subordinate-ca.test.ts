// huaweicloud.ccm.subordinate-ca against the emulator: CCM's flat error shape and its
// "no longer ACTIVED" verification.

import { afterEach, describe, expect, it } from 'vitest';
import { verifyTarget } from '../../src/providers/common.js';
import { ccmSubordinateCa } from '../../src/providers/huaweicloud/ccm.js';
import type { ProviderAccount } from '../../src/providers/types.js';
import { type Bench, startBench } from '../helpers/provider.js';

const SUB_CA = '6434f74f-2d13-4e6a-89eb-93ee313f1a43';
const ROOT_CA = '3d7b5f1c-0a9e-4c2b-8f6d-1e2a3b4c5d6e';
const REVOKED_CA = 'a1b2c3d4-0a9e-4c2b-8f6d-1e2a3b4c5d70';
const DISABLED_CA = 'b7c8d9e0-1f2a-4b3c-9d4e-5f6a7b8c9d01';
const MISSING_CA = '00000000-0000-4000-8000-000000000000';

let bench: Bench | undefined;
afterEach(async () => {
  await bench?.close();
  bench = undefined;
});

describe('huaweicloud.ccm.subordinate-ca', () => {
  it('reads an active CA with its record, a revoked one, and a missing one', async () => {
    bench = await startBench();
    const active = await ccmSubordinateCa.read({ account: bench.hw, target: { caId: SUB_CA } });
    expect(active).toMatchObject({
      observation: { state: 'active', record: { ca_id: SUB_CA, type: 'SUBORDINATE', status: 'ACTIVED' } },
      diagnostics: [],
    });
    const revoked = await ccmSubordinateCa.read({ account: bench.hw, target: { caId: REVOKED_CA } });
    expect(revoked.observation?.state).toBe('revoked');
    const missing = await ccmSubordinateCa.read({ account: bench.hw, target: { caId: MISSING_CA } });
    expect(missing).toEqual({ observation: { state: 'absent' }, diagnostics: [] });
  });

  it('reads a root CA as a target it cannot revoke, before any revoke call', async () => {
    bench = await startBench();
    const root = await ccmSubordinateCa.read({ account: bench.hw, target: { caId: ROOT_CA } });
    expect(root.observation).toBeUndefined();
    expect(root.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['plan.not-revocable', `hw/ccm/ca/${ROOT_CA} is a root CA: CCM revokes subordinate CAs only`],
    ]);
    expect((await bench.stats()).requests.RevokeCertificateAuthority).toBeUndefined();
  });

  it('revokes with a reason (204), verifies by status, and is idempotent', async () => {
    bench = await startBench();
    const target = { caId: SUB_CA };
    const revoked = await ccmSubordinateCa.revoke({
      account: bench.hw,
      target,
      with: { reason: 'KEY_COMPROMISE' },
    });
    expect(revoked).toMatchObject({ outcome: 'revoked', diagnostics: [] });
    const verified = await verifyTarget(ccmSubordinateCa, { account: bench.hw, target });
    expect(verified.verdict).toBe('verified');
    expect(verified.observation?.record?.status).not.toBe('ACTIVED');
    expect(await ccmSubordinateCa.revoke({ account: bench.hw, target, with: {} })).toEqual({
      outcome: 'already-revoked',
      diagnostics: [],
    });
  });

  it('reports a CA that is not active as already revoked, and a missing one too', async () => {
    bench = await startBench();
    for (const caId of [DISABLED_CA, MISSING_CA]) {
      const result = await ccmSubordinateCa.revoke({ account: bench.hw, target: { caId }, with: {} });
      expect(result.outcome).toBe('already-revoked');
    }
  });

  it("fails on a root CA with CCM's flat error, once, without retry", async () => {
    bench = await startBench();
    const result = await ccmSubordinateCa.revoke({ account: bench.hw, target: { caId: ROOT_CA }, with: {} });
    expect(result.outcome).toBe('failed');
    expect(result.diagnostics[0]).toMatchObject({ code: 'cloud.error', address: `hw/ccm/ca/${ROOT_CA}` });
    expect(result.diagnostics[0]?.message).toMatch(
      /RevokeCertificateAuthority: HTTP 400 PCA\.00020202: .*request id/,
    );
    expect((await bench.stats()).requests.RevokeCertificateAuthority).toBe(1);
    expect(bench.waits).toEqual([]);
  });

  it('needs the account domainId, and says so', async () => {
    bench = await startBench();
    const account: ProviderAccount = {
      ...bench.hw,
      endpoint: bench.hw.endpoint,
      domainId: undefined as never,
    };
    const { domainId: _, ...withoutDomain } = account;
    const result = await ccmSubordinateCa.read({
      account: withoutDomain as ProviderAccount,
      target: { caId: SUB_CA },
    });
    expect(result.diagnostics).toMatchObject([{ code: 'account.incomplete' }]);
    expect(result.diagnostics[0]?.message).toContain('domainId');
  });
});
