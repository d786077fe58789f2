// huaweicloud.cce.cluster-certificate against the emulator: a confirm-by-status-code
// revoke that no read can observe.

import { afterEach, describe, expect, it } from 'vitest';
import { verifyTarget } from '../../src/providers/common.js';
import { cceClusterCertificate } from '../../src/providers/huaweicloud/cce.js';
import { type Bench, startBench } from '../helpers/provider.js';

const CLUSTER = '4c1f6a2e-8b3d-11ef-9a1b-0255ac100031';
const ALICE = '537e7a3bd0aa4c2fb2c56c5657fd908f';

let bench: Bench | undefined;
afterEach(async () => {
  await bench?.close();
  bench = undefined;
});

describe('huaweicloud.cce.cluster-certificate', () => {
  it('is not observable: a read finds the cluster, the state stays unknown', async () => {
    bench = await startBench();
    const target = { clusterId: CLUSTER, userId: ALICE };
    const result = await cceClusterCertificate.read({ account: bench.hw, target });
    expect(result.diagnostics).toEqual([]);
    expect(result.observation?.state).toBe('unknown');
    expect(cceClusterCertificate.observable).toBe(false);
    const gone = await cceClusterCertificate.read({
      account: bench.hw,
      target: { clusterId: '00000000-0000-4000-8000-000000000000', userId: ALICE },
    });
    expect(gone.observation).toEqual({ state: 'absent' });
  });

  it("revokes the holder's certificate: the cloud's state changes, verification says not observable", async () => {
    bench = await startBench();
    const target = { clusterId: CLUSTER, userId: ALICE };
    const result = await cceClusterCertificate.revoke({ account: bench.hw, target, with: {} });
    expect(result).toMatchObject({ outcome: 'revoked', diagnostics: [] });
    expect(await verifyTarget(cceClusterCertificate, { account: bench.hw, target })).toEqual({
      verdict: 'not-observable',
      diagnostics: [],
    });
    const state = (await bench.state()) as {
      huaweicloud: {
        cce: { clusters: { cluster_id: string; certificates: { userId?: string; revoked: boolean }[] }[] };
      };
    };
    const cluster = state.huaweicloud.cce.clusters.find((c) => c.cluster_id === CLUSTER);
    expect(cluster?.certificates.find((c) => c.userId === ALICE)?.revoked).toBe(true);
    expect(cceClusterCertificate.address('hw', target)).toBe(`hw/cce/${CLUSTER}/user/${ALICE}`);
  });

  it("reports CCE's own error shape after every retry of a 5xx", async () => {
    bench = await startBench();
    await bench.faults({ errorRate: 1 });
    const result = await cceClusterCertificate.revoke({
      account: bench.hw,
      target: { clusterId: CLUSTER, agencyId: '8e1f2a3b4c5d6e7f8091a2b3c4d5e6f7' },
      with: {},
    });
    expect(result.outcome).toBe('failed');
    expect(result.diagnostics[0]?.message).toMatch(
      /RevokeKubernetesClusterCert: HTTP 500 CCE\.01500001: .*6 attempts/,
    );
    // Five retries of the revoke, then five of the read that checks whether the cluster is gone.
    expect(bench.waits).toHaveLength(10);
  });
});
