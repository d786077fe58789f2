#!/usr/bin/env node
// The floor of a client's work per request: a bare loop of signed undici requests, the revoke call of
// each target of targets.json signed with rescind's signing functions and sent with undici.request,
// CONCURRENCY loops pulling from one queue; no retry, no read, no journal. bench/cpu.bench.js compares
// rescind's CPU time per request with this one's:
//
//   node bench/floor.js CONCURRENCY     (in a folder holding targets.json)
//
// The endpoint and the credentials come from the environment (bench/fleet.js openBench). Prints one
// line of JSON: the requests sent and those not answered 2xx.

import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { buildCanonicalQuery, signAlibabaRequest } from '../dist/clouds/alibabacloud/sign.js';
import { signHuaweiRequest } from '../dist/clouds/huaweicloud/sign.js';

const concurrency = Number(process.argv[2] ?? 32);
const targets = JSON.parse(readFileSync('targets.json', 'utf8'));
const env = process.env;
const origin = env.BENCH_ENDPOINT;
const host = new URL(origin).host;
const project = env.BENCH_PROJECT_ID;
const hwKeys = { accessKey: env.HUAWEICLOUD_SDK_AK, secretKey: env.HUAWEICLOUD_SDK_SK };
const aliKeys = {
  accessKeyId: env.ALIBABA_CLOUD_ACCESS_KEY_ID,
  accessKeySecret: env.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
};
const json = 'application/json;charset=UTF-8';

// A Huawei Cloud call: a JSON body, the scope header, SDK-HMAC-SHA256.
const huawei = (path, scope, body) => {
  const headers = { 'content-type': json, ...scope };
  const data = JSON.stringify(body);
  const signed = signHuaweiRequest(
    { method: 'POST', url: origin + path, headers, body: data },
    hwKeys,
    new Date(),
  );
  return { method: 'POST', path, headers: { ...headers, ...signed }, body: data };
};
// An Alibaba Cloud call: RPC (path /) or ROA, ACS3-HMAC-SHA256 with a fresh nonce.
const alibaba = (method, pathname, action, version, query) => {
  const signed = signAlibabaRequest({ method, host, pathname, action, version, query }, aliKeys, new Date());
  return { method, path: `${pathname}?${buildCanonicalQuery(query)}`, headers: signed };
};
const calls = {
  kms: (t) =>
    huawei(
      `/v1.0/${project}/kms/revoke-grant`,
      { 'x-project-id': project },
      { key_id: t.keyId, grant_id: t.grantId },
    ),
  cce: (t) =>
    huawei(
      `/api/v3/projects/${project}/clusters/${t.clusterId}/clustercertrevoke`,
      { 'x-project-id': project },
      { userId: t.userId },
    ),
  ccm: (t) =>
    huawei(
      `/v1/private-certificate-authorities/${t.caId}/revoke`,
      { 'x-domain-id': env.BENCH_DOMAIN_ID },
      { reason: 'KEY_COMPROMISE' },
    ),
  esa: (t) =>
    alibaba('GET', '/', 'RevokeClientCertificate', '2024-09-10', { SiteId: t.siteId, Id: t.certificateId }),
  ack: (t) =>
    alibaba(
      'DELETE',
      `/cluster/${t.clusterId}/user/${t.uid}/permissions`,
      'CleanClusterUserPermissions',
      '2015-12-15',
      {},
    ),
};

let next = 0;
let failed = 0;
async function loop() {
  while (next < targets.length) {
    const t = targets[next++];
    const { path, ...options } = calls[t.type](t);
    const res = await request(origin + path, options);
    await res.body.dump();
    if (res.statusCode < 200 || res.statusCode > 299) failed++;
  }
}
await Promise.all(Array.from({ length: concurrency }, loop));
process.stdout.write(`${JSON.stringify({ requests: targets.length, failed })}\n`);
