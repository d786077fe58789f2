// The adaptive limiter under load, over real HTTP: 32 workers share one client with no configured rate
// and hammer one operation of an emulator that throttles per operation (a token bucket whose capacity is
// its rate). Every request must succeed, and at most 10 % of requests may be throttled. How long it takes
// against what the emulator's rate allows is measured by `npm run bench -- apply`, not asserted here
// (contributing.md keeps timed assertions out of tests).
//
// The suite runs a smaller load (100/s, 500 requests: ~5 s of real time per cloud). The full size the
// product is held to (50/s, 1,000 requests, ~20 s per cloud) runs with
//   RESCIND_ADAPTIVE_FULL=1 npx vitest run test/http/adaptive-load.test.ts
// and prints what it measured (docs/providers.md#rate-limits gives measured numbers).

import { afterEach, describe, expect, it } from 'vitest';
import { alibabaSigner } from '../../src/clouds/alibabacloud/sign.js';
import { dialects } from '../../src/clouds/dialects.js';
import { huaweiSigner } from '../../src/clouds/huaweicloud/sign.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { type CallOptions, createHttpClient, type HttpClient } from '../../src/http/client.js';
import type { Cloud } from '../../src/vocabulary.js';
import { adminCall, demo } from '../helpers/emulator-client.js';

const FULL = process.env.RESCIND_ADAPTIVE_FULL === '1';
const RATE = FULL ? 50 : 100;
const REQUESTS = FULL ? 1000 : 500;
const WORKERS = 32;

// Objects of the demo seed.
const KMS_KEY = '0d0466b0-e727-4d9c-b35d-f84bb474a37f';
const ESA_SITE = 1234567890123;
const ESA_CERT = 'baba39055622c008b90285a8838ed09a';

let emulator: RunningEmulator | undefined;
let client: HttpClient | undefined;
afterEach(async () => {
  await client?.close();
  await emulator?.close();
  client = undefined;
  emulator = undefined;
});

function readCall(cloud: Cloud, base: string): CallOptions {
  return cloud === 'huaweicloud'
    ? {
        method: 'POST',
        url: `${base}/v1.0/${demo.projectId}/kms/list-grants`,
        headers: { 'x-project-id': demo.projectId },
        body: { key_id: KMS_KEY, limit: '100' },
        service: 'kms',
        operation: 'ListGrants',
      }
    : {
        method: 'GET',
        url: `${base}/`,
        query: { SiteId: ESA_SITE, Id: ESA_CERT },
        service: 'esa',
        operation: 'GetClientCertificate',
        apiVersion: '2024-09-10',
      };
}

async function hammer(cloud: Cloud): Promise<void> {
  emulator = await startEmulator({ throttleRps: RATE });
  const http = createHttpClient({
    dialect: dialects[cloud],
    account: 'load',
    signer:
      cloud === 'huaweicloud'
        ? huaweiSigner(demo.huawei)
        : alibabaSigner({
            accessKeyId: demo.alibaba.accessKeyId,
            accessKeySecret: demo.alibaba.accessKeySecret,
          }),
  });
  client = http;
  const call = readCall(cloud, emulator.url);
  let next = 0;
  let ok = 0;
  let attempts = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (next < REQUESTS) {
        next += 1;
        const result = await http.call(call);
        attempts += result.attempts;
        if (result.status === 200) ok += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const stats = (await adminCall(emulator.url, 'GET', '/_emulator/stats')).json as {
    requests: Record<string, number>;
    throttled: number;
  };
  const [rate] = http.rates();
  const line = `${cloud} ${call.operation}: ${REQUESTS} requests, ${WORKERS} workers, emulator at ${RATE}/s: ${seconds.toFixed(2)} s (bound ${(1.25 * (REQUESTS / RATE) + 1).toFixed(2)} s), ${stats.throttled} throttled (${((100 * stats.throttled) / REQUESTS).toFixed(1)} %), ${attempts} attempts, final rate ${rate?.rate?.toFixed(1)}/s`;
  if (FULL) console.log(line);
  expect(ok).toBe(REQUESTS);
  expect(stats.requests[call.operation]).toBe(attempts);
  expect(stats.throttled).toBeLessThanOrEqual(0.1 * REQUESTS);
  expect(rate).toMatchObject({ account: 'load', operation: call.operation, throttled: stats.throttled });
}

describe(`adaptive limiting, ${WORKERS} workers on one client, ${REQUESTS} requests at ${RATE}/s`, () => {
  const timeout = (1.25 * (REQUESTS / RATE) + 10) * 1000;
  it('Huawei (429 APIGW.0308, no Retry-After)', () => hammer('huaweicloud'), timeout);
  it('Alibaba (429 Throttling.User, x-acs-retry-after)', () => hammer('alibabacloud'), timeout);
});
