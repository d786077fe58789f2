#!/usr/bin/env node
// What an engineer writes today to revoke a list of credentials: the clouds' official SDKs behind a
// worker pool, N workers pulling from one queue, one revoke call per target, no read, no verification.
// The benchmarks time it as a whole process (bench/sdk.bench.js, bench/throttle.bench.js):
//
//   node bench/sdk-pool.js CONCURRENCY [retry]     (in a folder holding targets.json)
//
// `retry` retries a throttling answer (Huawei's 429 APIGW.0308, Alibaba's Throttling.User) with
// full-jitter exponential backoff; CONCURRENCY 1 is the sequential loop, one call at a time. The
// endpoint and the credentials come from the environment (bench/fleet.js openBench). Prints one line
// of JSON: the targets, the calls made, the targets that failed, and the failures by error code.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const concurrency = Number(process.argv[2] ?? 32);
const retry = process.argv[3] === 'retry';
const targets = JSON.parse(readFileSync('targets.json', 'utf8'));
const revoke = officialSdks(process.env);

let calls = 0;
let failed = 0;
const errors = {};
const codeOf = (e) => String(e?.errorCode ?? e?.code ?? e?.httpStatusCode ?? e?.statusCode ?? e?.name);

// The retry, as a careful script has it: full-jitter exponential backoff on the throttling codes.
const THROTTLING = new Set(['APIGW.0308', 'Throttling.User']);
async function withRetry(call) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (!retry || !THROTTLING.has(codeOf(e)) || attempt === 9) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(10_000, 100 * 2 ** attempt)));
    }
  }
}

let next = 0;
async function worker() {
  while (next < targets.length) {
    const t = targets[next++];
    try {
      await withRetry(() => {
        calls++;
        return revoke[t.type](t);
      });
    } catch (e) {
      failed++;
      errors[codeOf(e)] = (errors[codeOf(e)] ?? 0) + 1;
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
process.stdout.write(`${JSON.stringify({ targets: targets.length, calls, failed, errors })}\n`);

// The revoke call of each type through the official SDKs, as test/emulator/official-sdk.test.ts drives
// them: the Huawei Cloud SDK core's HcClient (KMS, CCE and CCM have no generated revoke method on npm:
// their generated clients' request shapes), Alibaba Cloud's generated ESA and ACK clients.
function officialSdks(env) {
  const require = createRequire(import.meta.url);
  const { HcClient } = require('@huaweicloud/huaweicloud-sdk-core/HcClient');
  const { DefaultHttpClient } = require('@huaweicloud/huaweicloud-sdk-core/http/DefaultHttpClient');
  const { BasicCredentials } = require('@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials');
  const { GlobalCredentials } = require('@huaweicloud/huaweicloud-sdk-core/auth/GlobalCredentials');
  const openapi = require('@alicloud/openapi-core');
  const esaSdk = require('@alicloud/esa20240910');
  const csSdk = require('@alicloud/cs20151215');
  const endpoint = env.BENCH_ENDPOINT;
  // The SDK logs every failed call at ERROR level on the console; a script would see them, a benchmark not.
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  // HcClient wired as ClientBuilder.build() wires it (ClientBuilder needs an undeclared dependency).
  const huawei = (credentials) =>
    new HcClient(
      new DefaultHttpClient({ headers: { 'User-Agent': 'huaweicloud-usdk-nodejs/3.0' }, logger: quiet }, [
        endpoint,
      ]),
    )
      .withCredential(credentials)
      .withEndpoints([endpoint]);
  const hw = huawei(
    new BasicCredentials()
      .withAk(env.HUAWEICLOUD_SDK_AK)
      .withSk(env.HUAWEICLOUD_SDK_SK)
      .withProjectId(env.BENCH_PROJECT_ID),
  );
  const hwGlobal = huawei(
    new GlobalCredentials()
      .withAk(env.HUAWEICLOUD_SDK_AK)
      .withSk(env.HUAWEICLOUD_SDK_SK)
      .withDomainId(env.BENCH_DOMAIN_ID),
  );
  const config = () =>
    new openapi.$OpenApiUtil.Config({
      accessKeyId: env.ALIBABA_CLOUD_ACCESS_KEY_ID,
      accessKeySecret: env.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
      endpoint: new URL(endpoint).host,
      protocol: 'HTTP',
      regionId: 'cn-hangzhou',
    });
  const esa = new esaSdk.default(config());
  const cs = new csSdk.default(config());
  // A POST in the request shape of Huawei Cloud's generated clients.
  const post = (client, url, pathParams, data, contentType = 'application/json') =>
    client.sendRequest({
      method: 'POST',
      url,
      contentType,
      queryParams: {},
      pathParams,
      headers: { 'Content-Type': contentType },
      data,
    });
  return {
    kms: (t) =>
      post(
        hw,
        '/v1.0/{project_id}/kms/revoke-grant',
        {},
        { key_id: t.keyId, grant_id: t.grantId },
        'application/json;charset=UTF-8',
      ),
    cce: (t) =>
      post(
        hw,
        '/api/v3/projects/{project_id}/clusters/{cluster_id}/clustercertrevoke',
        { cluster_id: t.clusterId },
        { userId: t.userId },
      ),
    ccm: (t) =>
      post(
        hwGlobal,
        '/v1/private-certificate-authorities/{ca_id}/revoke',
        { ca_id: t.caId },
        { reason: 'KEY_COMPROMISE' },
      ),
    esa: (t) =>
      esa.revokeClientCertificate(
        new esaSdk.RevokeClientCertificateRequest({ siteId: t.siteId, id: t.certificateId }),
      ),
    ack: (t) =>
      cs.cleanClusterUserPermissions(t.clusterId, t.uid, new csSdk.CleanClusterUserPermissionsRequest({})),
  };
}
