// Temporary credentials that expire in the middle of a run, over real HTTP: the emulator's clock runs
// ahead of rescind's (two minutes, within the signatures' 15-minute window), so rescind signs with
// credentials it believes fresh and the cloud refuses them as expired (Alibaba 400
// InvalidSecurityToken.Expired, Huawei 400 IAM.1108). The call is retried once with refreshed
// credentials and succeeds; the refusal is never the call's answer.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RescindConfig } from '../../src/config/config.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import type { HttpEvent } from '../../src/http/client.js';
import { esaClientCertificate } from '../../src/providers/alibabacloud/esa.js';
import { kmsGrant } from '../../src/providers/huaweicloud/kms.js';
import { createSession } from '../../src/session/session.js';
import { credentialsSeed, mint, names } from '../helpers/credentials.js';
import { adminCall } from '../helpers/emulator-client.js';

const GRANT = '7c9a3286af4fcca5f0a385ad13e1d21a50e27b6dbcab50f37f30f93b8939827d';
let em: RunningEmulator | undefined;
let dir: string | undefined;
afterEach(async () => {
  await em?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

async function requests(): Promise<Record<string, number>> {
  return (
    (await adminCall(em?.url ?? '', 'GET', '/_emulator/stats')).json as { requests: Record<string, number> }
  ).requests;
}

describe('credentials the cloud refuses as expired are refreshed and the call retried', () => {
  for (const cloud of ['alibabacloud', 'huaweicloud'] as const) {
    it(cloud, async () => {
      const clock = { now: Date.parse('2026-11-30T00:00:00Z'), skew: 0 };
      em = await startEmulator({
        state: credentialsSeed,
        credentialTtlSeconds: 60,
        now: () => new Date(clock.now + clock.skew),
      });
      dir = mkdtempSync(join(tmpdir(), 'rescind-expiry-'));
      const account =
        cloud === 'alibabacloud'
          ? {
              cloud,
              region: 'cn-hangzhou',
              credentials: {
                source: 'assume-role' as const,
                roleArn: names.alibaba.ciRole,
                base: { source: 'environment' as const },
              },
            }
          : {
              cloud,
              region: 'ap-southeast-1',
              projectId: names.huawei.projectId,
              credentials: {
                source: 'agency' as const,
                agencyName: 'rescind-ops',
                base: { source: 'environment' as const },
              },
            };
      const config: RescindConfig = {
        apiVersion: 'rescind/v1',
        kind: 'Config',
        accounts: { a: { ...account, endpoint: em.url, rateLimits: { default: 0 } } },
      };
      const events: HttpEvent[] = [];
      const session = createSession({
        cwd: dir,
        env: {
          HOME: dir,
          ALIBABA_CLOUD_ACCESS_KEY_ID: names.alibaba.user.accessKeyId,
          ALIBABA_CLOUD_ACCESS_KEY_SECRET: names.alibaba.user.accessKeySecret,
          HUAWEICLOUD_SDK_AK: names.huawei.user.accessKey,
          HUAWEICLOUD_SDK_SK: names.huawei.user.secretKey,
        },
        config,
        http: { now: () => clock.now, onEvent: (e) => events.push(e) },
      });
      try {
        const opened = await session.openAccounts({ a: cloud === 'alibabacloud' ? ['esa'] : ['kms'] });
        expect(opened.diagnostics).toEqual([]);
        const a = opened.accounts.get('a');
        if (a === undefined) throw new Error('not opened');
        const read = () =>
          cloud === 'alibabacloud'
            ? esaClientCertificate.read({
                account: a,
                target: { siteId: names.alibaba.siteId, certificateId: names.alibaba.certificateId },
              })
            : kmsGrant.read({ account: a, target: { keyId: names.huawei.keyId, grantId: GRANT } });
        expect((await read()).observation?.state).toBe('active');
        // The cloud's clock passes the credentials' expiry; rescind's does not.
        clock.skew = 120_000;
        const again = await read();
        expect(again.diagnostics).toEqual([]);
        expect(again.observation?.state).toBe('active');
        const refused = events.filter((e) => e.kind === 'retry' && e.reason === 'credentials-expired');
        expect(refused).toHaveLength(1);
        expect(refused[0]).toMatchObject({
          cloudCode: cloud === 'alibabacloud' ? 'InvalidSecurityToken.Expired' : 'IAM.1108',
        });
        const issued =
          cloud === 'alibabacloud'
            ? (await requests()).AssumeRole
            : (await requests()).CreateTemporaryAccessKeyByAgency;
        expect(issued).toBe(2);
      } finally {
        await session.close();
      }
    });
  }
});

describe('a refresh that fails mid-run', () => {
  it('is a diagnostic of the target whose call needed it, naming the source, not a crash', async () => {
    const clock = { now: Date.parse('2026-11-30T00:00:00Z') };
    em = await startEmulator({
      state: credentialsSeed,
      credentialTtlSeconds: 60,
      now: () => new Date(clock.now),
    });
    dir = mkdtempSync(join(tmpdir(), 'rescind-expiry-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(
      tokenFile,
      await mint(em.url, {
        sub: 'repo:rescind-dev/rescind:ref:refs/heads/main',
        aud: names.alibaba.audience,
      }),
    );
    const config: RescindConfig = {
      apiVersion: 'rescind/v1',
      kind: 'Config',
      accounts: {
        a: {
          cloud: 'alibabacloud',
          region: 'cn-hangzhou',
          endpoint: em.url,
          rateLimits: { default: 0 },
          credentials: {
            source: 'oidc',
            roleArn: names.alibaba.ciRole,
            oidcProviderArn: names.alibaba.provider,
            token: { file: tokenFile },
          },
        },
      },
    };
    const session = createSession({ cwd: dir, env: { HOME: dir }, config, http: { now: () => clock.now } });
    try {
      const opened = await session.openAccounts({ a: ['esa'] });
      expect(opened.diagnostics).toEqual([]);
      const a = opened.accounts.get('a');
      if (a === undefined) throw new Error('not opened');
      const target = { siteId: names.alibaba.siteId, certificateId: names.alibaba.certificateId };
      expect((await esaClientCertificate.read({ account: a, target })).observation?.state).toBe('active');
      // The CI job's token is gone when the credentials need refreshing.
      rmSync(tokenFile);
      clock.now += 120_000;
      const read = await esaClientCertificate.read({ account: a, target });
      expect(read.observation).toBeUndefined();
      expect(read.diagnostics).toMatchObject([
        {
          code: 'account.credentials',
          message: expect.stringMatching(/the OIDC token file \S+token does not exist$/),
        },
      ]);
    } finally {
      await session.close();
    }
  });
});
