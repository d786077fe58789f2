// End to end, for every credential source of each cloud: `rescind plan` and `rescind apply` (the CLI,
// in-process) of a plan with all five types against the emulator, the account under test signing with
// what its source obtained (the other cloud's with environment keys). Every target is verified (CCE's
// not observable), the plan shows who each account acts as, and the built-in rule never-revoke-self
// denies a plan that names the caller itself, or the user a role or agency was assumed with.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadSeed } from '../../src/emulator/seed.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import type { EmulatorState } from '../../src/emulator/state.js';
import { credentialsSeed, names } from '../helpers/credentials.js';
import { runCli } from '../helpers/io.js';
import { sourceCases } from '../helpers/sources.js';

const hw = names.huawei;
const ali = names.alibaba;
const CLUSTER = '4c1f6a2e-8b3d-11ef-9a1b-0255ac100031';
const CA = '6434f74f-2d13-4e6a-89eb-93ee313f1a43';
const GRANT = '7c9a3286af4fcca5f0a385ad13e1d21a50e27b6dbcab50f37f30f93b8939827d';
const SELF_GRANT = '8d0b4397b05addb6f1b496be24f2e32b61f38c7ecbcb61f48f41fa4c9a4a938e';
const ACK = 'c5b5e80b0b64a4bf6939d2d8fbbc5abcd';
const LEAVER = '276543210987654321';

// The credentials seed, with one resource of each type for the caller to revoke: a KMS key the
// caller created (only a key's creator revokes its grants), a grant to the caller itself, and the
// caller's own access to an ACK cluster.
function seedFor(cloud: string, callerId: string): EmulatorState {
  const seed = structuredClone(loadSeed(credentialsSeed));
  const hwCreator = cloud === 'huaweicloud' ? callerId : hw.userId;
  seed.huaweicloud = {
    ...seed.huaweicloud,
    cce: {
      clusters: [
        {
          project_id: hw.projectId,
          cluster_id: CLUSTER,
          name: 'prod-a',
          certificates: [{ userId: '537e7a3bd0aa4c2fb2c56c5657fd908f', revoked: false }],
        },
      ],
    },
    ccm: {
      certificate_authorities: [
        {
          ca_id: CA,
          type: 'SUBORDINATE',
          status: 'ACTIVED',
          distinguished_name: { common_name: 'Issuing CA' },
        },
      ],
    },
    kms: {
      keys: [
        {
          project_id: hw.projectId,
          key_id: hw.keyId,
          creator: hwCreator,
          grants: [
            {
              grant_id: GRANT,
              grantee_principal: '5a8c1f0e2b7d4c39a1e6f3b2d9c8e7a1',
              grantee_principal_type: 'user',
              operations: ['decrypt-datakey'],
            },
            {
              grant_id: SELF_GRANT,
              grantee_principal: hwCreator,
              grantee_principal_type: 'user',
              operations: ['decrypt-datakey'],
            },
          ],
        },
      ],
    },
  };
  const aliCaller = cloud === 'alibabacloud' ? callerId : '200000000000000001';
  seed.alibabacloud = {
    ...seed.alibabacloud,
    ack: {
      clusters: [
        {
          cluster_id: ACK,
          name: 'prod-ack',
          users: [LEAVER, ...new Set([aliCaller, '200000000000000001'])].map((uid) => ({
            uid,
            permissions: [{ role_name: 'dev', role_type: 'dev', resource_type: 'cluster' }],
            cert_state: 'Unexpired',
          })),
        },
      ],
    },
  };
  return seed;
}

const revocation = (id: string, type: string, account: string, target: unknown, extra: object = {}) => ({
  id,
  type,
  account,
  target,
  ...extra,
});

// The plan of the five types, every one a target the caller may revoke.
const FIVE = [
  revocation('cce', 'huaweicloud.cce.cluster-certificate', 'hw', {
    clusterId: CLUSTER,
    userId: '537e7a3bd0aa4c2fb2c56c5657fd908f',
  }),
  revocation(
    'ccm',
    'huaweicloud.ccm.subordinate-ca',
    'hw',
    { caId: CA },
    { with: { reason: 'KEY_COMPROMISE' } },
  ),
  revocation('kms', 'huaweicloud.kms.grant', 'hw', { keyId: hw.keyId, grantId: GRANT }),
  revocation('esa', 'alibabacloud.esa.client-certificate', 'ali', {
    siteId: ali.siteId,
    certificateId: ali.certificateId,
  }),
  revocation(
    'ack',
    'alibabacloud.ack.user-permissions',
    'ali',
    { clusterId: ACK, uid: LEAVER },
    { with: { force: true } },
  ),
];

function planOf(name: string, revocations: readonly unknown[]): string {
  return stringify({
    apiVersion: 'rescind/v1',
    kind: 'RevocationPlan',
    metadata: { name, reason: 'credential sources end to end', ticket: 'SEC-18' },
    spec: { revocations },
  });
}

let em: RunningEmulator | undefined;
const dirs: string[] = [];
afterAll(async () => {
  await em?.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
beforeAll(() => undefined);

describe('plan and apply of the five types, with each source of each cloud', () => {
  for (const c of sourceCases) {
    it(c.name, async () => {
      const callerId = c.caller.ids[0] as string;
      await em?.close();
      em = await startEmulator({ state: seedFor(c.cloud, callerId) });
      const dir = mkdtempSync(join(tmpdir(), 'rescind-e2e-sources-'));
      dirs.push(dir);
      const prepared = await c.prepare(em, dir);
      const mine = c.cloud === 'huaweicloud' ? 'hw' : 'ali';
      // No projectId, no domainId: the Huawei account finds them in IAM.
      const accounts: Record<string, unknown> = {
        hw: { cloud: 'huaweicloud', region: 'ap-southeast-1', endpoint: em.url, rateLimits: { default: 0 } },
        ali: { cloud: 'alibabacloud', region: 'cn-hangzhou', endpoint: em.url, rateLimits: { default: 0 } },
      };
      if (prepared.credentials !== undefined) {
        accounts[mine] = { ...(accounts[mine] as object), credentials: prepared.credentials };
      }
      writeFileSync(
        join(dir, 'rescind.config.yaml'),
        stringify({ apiVersion: 'rescind/v1', kind: 'Config', accounts }),
      );
      // The other cloud's account signs with environment keys.
      const env: Record<string, string> = {
        HOME: dir,
        ...(c.cloud === 'huaweicloud'
          ? {
              ALIBABA_CLOUD_ACCESS_KEY_ID: ali.user.accessKeyId,
              ALIBABA_CLOUD_ACCESS_KEY_SECRET: ali.user.accessKeySecret,
            }
          : { HUAWEICLOUD_SDK_AK: hw.user.accessKey, HUAWEICLOUD_SDK_SK: hw.user.secretKey }),
        ...prepared.env,
      };

      // The caller itself, and who it was assumed with, are denied.
      const selves =
        c.cloud === 'huaweicloud'
          ? [revocation('self', 'huaweicloud.kms.grant', 'hw', { keyId: hw.keyId, grantId: SELF_GRANT })]
          : [
              revocation(
                'self',
                'alibabacloud.ack.user-permissions',
                'ali',
                { clusterId: ACK, uid: callerId },
                { with: { force: true } },
              ),
            ];
      const from = c.caller.assumedFrom;
      if (c.cloud === 'alibabacloud' && from?.kind === 'user') {
        selves.push(
          revocation(
            'assumer',
            'alibabacloud.ack.user-permissions',
            'ali',
            { clusterId: ACK, uid: from.ids[0] },
            { with: { force: true } },
          ),
        );
      }
      writeFileSync(join(dir, 'self.yaml'), planOf('self', [...FIVE, ...selves]));
      const blocked = await runCli(['plan', 'self.yaml'], dir, env);
      expect(blocked.stderr).not.toMatch(/error/);
      expect(blocked.code).toBe(3);
      expect(blocked.stdout).toMatch(/deny builtin\/never-revoke-self \[built in\]/);
      for (const s of selves) {
        const t = s.target as { uid?: string };
        const address =
          c.cloud === 'huaweicloud'
            ? `hw/kms/${hw.keyId}/grant/${SELF_GRANT}`
            : `ali/ack/${ACK}/user/${t.uid}`;
        expect(blocked.stdout).toContain(`! blocked: ${address} `);
      }
      expect(blocked.stdout).toMatch(
        new RegExp(
          `^Plan: 4 to revoke, 0 already revoked, 1 not observable, ${selves.length} blocked\\.$`,
          'm',
        ),
      );

      writeFileSync(join(dir, 'five.yaml'), planOf('five', FIVE));
      const planned = await runCli(['plan', '--out', 'five.json', 'five.yaml'], dir, env);
      expect(planned.code).toBe(0);
      // The caller, as the plan shows it; the Huawei account's project and domain, looked up.
      const line = planned.stdout.split('\n').find((l) => l.startsWith(`  ${mine}: `)) ?? '';
      expect(line).toContain(`as ${(c.caller.kind ?? '').replace('-', ' ')} `);
      expect(line).toContain(c.caller.name ?? callerId);
      if (from !== undefined) expect(line).toContain(`assumed by ${from.kind.replace('-', ' ')}`);
      expect(planned.stdout).toContain(
        `hw: huaweicloud ap-southeast-1, project ${hw.projectId} (looked up from IAM), domain ${hw.domainId} (looked up from IAM)`,
      );
      expect(planned.stdout).toMatch(
        /^Plan: 4 to revoke, 0 already revoked, 1 not observable, 0 blocked\.$/m,
      );

      const applied = await runCli(['apply', '--yes', 'five.json'], dir, env);
      expect(applied.stderr).not.toMatch(/ error /);
      expect(applied.code).toBe(0);
      expect(applied.stdout).toMatch(
        /^Apply complete: 4 verified, 0 already revoked, 1 applied \(not observable\), 0 failed\.$/m,
      );
    });
  }
});
