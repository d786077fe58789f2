// A long apply with temporary credentials that expire every 20 seconds: 1,000 targets (KMS grants
// and ESA certificates), Huawei signing with an agency's temporary AK/SK and Alibaba with an assumed
// role's STS session, the emulator answering after 650 ms so that the run lasts over a minute. The
// emulator's clock also jumps ahead now and then (3 s every 5 s), so that some credentials expire at
// the cloud before rescind expects: the cloud refuses them (IAM.1108, InvalidSecurityToken.Expired)
// and each refused call is retried with refreshed credentials. Every target ends verified.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadSeed } from '../../src/emulator/seed.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import type { HttpEvent } from '../../src/http/client.js';
import { createSession } from '../../src/session/session.js';
import { credentialsSeed, names } from '../helpers/credentials.js';
import { adminCall } from '../helpers/emulator-client.js';
import { activeIn, fleetPlan, fleetSeed } from '../helpers/fleet.js';

const SIZE = { keys: 5, grants: 100, sites: 5, certificates: 100 };
let em: RunningEmulator | undefined;
let dir: string | undefined;
let ticker: NodeJS.Timeout | undefined;
afterEach(async () => {
  clearInterval(ticker);
  await em?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

it('1,000 targets, credentials expiring every 20 s: every target verified, every refused call retried', async () => {
  // The fleet's resources, the credentials seed's principals; the agency created the KMS keys.
  const seed = loadSeed(credentialsSeed);
  const fleet = fleetSeed(SIZE);
  for (const key of fleet.huaweicloud?.kms?.keys ?? []) key.creator = names.huawei.agencyId;
  seed.huaweicloud = { ...seed.huaweicloud, kms: fleet.huaweicloud?.kms ?? {} };
  seed.alibabacloud = { ...seed.alibabacloud, esa: fleet.alibabacloud?.esa ?? {} };
  let skew = 0;
  em = await startEmulator({
    state: seed,
    credentialTtlSeconds: 20,
    latencyMs: 650,
    now: () => new Date(Date.now() + skew),
  });
  dir = mkdtempSync(join(tmpdir(), 'rescind-expiring-'));
  const url = em.url;
  writeFileSync(
    join(dir, 'rescind.config.yaml'),
    stringify({
      apiVersion: 'rescind/v1',
      kind: 'Config',
      accounts: {
        'hw-prod': {
          cloud: 'huaweicloud',
          region: 'ap-southeast-1',
          projectId: names.huawei.projectId,
          domainId: names.huawei.domainId,
          endpoint: url,
          rateLimits: { default: 0 },
          credentials: { source: 'agency', agencyName: names.huawei.agency, base: { source: 'environment' } },
        },
        'ali-prod': {
          cloud: 'alibabacloud',
          region: 'cn-hangzhou',
          endpoint: url,
          rateLimits: { default: 0 },
          credentials: {
            source: 'assume-role',
            roleArn: names.alibaba.ciRole,
            base: { source: 'environment' },
          },
        },
      },
    }),
  );
  writeFileSync(join(dir, 'plan.yaml'), fleetPlan(SIZE));
  const events: HttpEvent[] = [];
  const session = createSession({
    cwd: dir,
    env: {
      HOME: dir,
      HUAWEICLOUD_SDK_AK: names.huawei.user.accessKey,
      HUAWEICLOUD_SDK_SK: names.huawei.user.secretKey,
      ALIBABA_CLOUD_ACCESS_KEY_ID: names.alibaba.user.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: names.alibaba.user.accessKeySecret,
    },
    http: { onEvent: (e) => events.push(e) },
  });
  const started = Date.now();
  ticker = setInterval(() => {
    skew += 3000;
  }, 5000);
  try {
    const prepared = await session.prepareApply('plan.yaml');
    if (prepared.plan === undefined) throw new Error(JSON.stringify(prepared.diagnostics));
    expect(prepared.plan.targets).toHaveLength(1000);
    const applied = await session.apply({ ...prepared, plan: prepared.plan }, { concurrency: 12 });
    const seconds = (Date.now() - started) / 1000;
    expect(applied.diagnostics).toEqual([]);
    const results = applied.results?.targets ?? [];
    expect(results).toHaveLength(1000);
    expect(results.filter((r) => r.outcome !== 'verified').map((r) => [r.address, r.diagnostics])).toEqual(
      [],
    );
    clearInterval(ticker);
    skew = 0;
    expect(activeIn((await adminCall(url, 'GET', '/_emulator/state')).json as never).size).toBe(0);
    const stats = (await adminCall(url, 'GET', '/_emulator/stats')).json as {
      requests: Record<string, number>;
    };
    const refreshes = {
      huawei: stats.requests.CreateTemporaryAccessKeyByAgency ?? 0,
      alibaba: stats.requests.AssumeRole ?? 0,
    };
    const refused = events.filter((e) => e.kind === 'retry' && e.reason === 'credentials-expired');
    console.log(
      `expiring credentials: 1,000 targets in ${seconds.toFixed(1)} s; credentials fetched: Huawei ${refreshes.huawei}, Alibaba ${refreshes.alibaba}; refused as expired and retried: ${refused.length} (${[...new Set(refused.map((e) => ('cloudCode' in e ? e.cloudCode : '')))].join(', ')})`,
    );
    expect(seconds).toBeGreaterThan(60);
    // Credentials of 20 s over a run of more than a minute: fetched again several times.
    expect(refreshes.huawei).toBeGreaterThan(3);
    expect(refreshes.alibaba).toBeGreaterThan(3);
  } finally {
    await session.close();
  }
}, 600_000);
