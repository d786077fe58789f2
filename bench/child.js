#!/usr/bin/env node
// The child processes of the benchmarks (bench/fleet.js starts them in a bench folder): each does one
// thing and prints one line of JSON, with its peak RSS (process.resourceUsage().maxRSS, KB).
//
//   child.js plan DIR                 session.plan of plan.yaml, saved as plan.json (`rescind plan --out`)
//   child.js apply DIR CONCURRENCY    session.prepareApply(plan.json) + session.apply (`rescind apply --yes`)
//   child.js ceiling DIR N CONCURRENCY  N signed reads through rescind's HTTP layer alone, CONCURRENCY at once
//   child.js sdk DIR seq|all          revoke every target of targets.json with the clouds' official SDKs:
//                                     one after the other (seq), or all at once with Promise.all (all)
//
// Times run from the first call (clients made, modules loaded) to the last answer, except apply's,
// which includes preparing the saved plan (reading it, opening the accounts, reading who they are).

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [what, dir = '.', ...rest] = process.argv.slice(2);
const elapsed = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const report = (fields) =>
  process.stdout.write(`${JSON.stringify({ ...fields, maxRssKb: process.resourceUsage().maxRSS })}\n`);

switch (what) {
  case 'plan':
    await plan();
    break;
  case 'apply':
    await apply(Number(rest[0] ?? 32));
    break;
  case 'ceiling':
    await ceiling(Number(rest[0]), Number(rest[1] ?? 32));
    break;
  case 'sdk':
    await sdk(rest[0] === 'all');
    break;
  default:
    throw new Error(`bench child: unknown ${what}`);
}

async function plan() {
  const { createSession } = await import('../dist/session/session.js');
  const { renderPlanJson } = await import('../dist/render/plan/json.js');
  const start = process.hrtime.bigint();
  const session = createSession({ cwd: dir, env: process.env });
  const result = await session.plan('plan.yaml');
  const planned = elapsed(start);
  if (result.plan !== undefined) writeFileSync(join(dir, 'plan.json'), renderPlanJson(result.plan));
  const ms = elapsed(start);
  await session.close();
  report({
    ms,
    planMs: planned,
    targets: result.plan?.targets.length,
    summary: result.plan?.summary,
    diagnostics: result.diagnostics.slice(0, 5).map((d) => `${d.code}: ${d.message}`),
  });
}

async function apply(concurrency) {
  const { createSession } = await import('../dist/session/session.js');
  const start = process.hrtime.bigint();
  const session = createSession({ cwd: dir, env: process.env });
  const prepared = await session.prepareApply('plan.json');
  if (prepared.plan === undefined) throw new Error(prepared.diagnostics.map((d) => d.message).join('; '));
  const prepareMs = elapsed(start);
  let startedMs;
  let firstMs;
  const applied = await session.apply(prepared, {
    concurrency,
    onStart: () => {
      startedMs ??= elapsed(start);
    },
    onEvent: () => {
      firstMs ??= elapsed(start);
    },
  });
  const ms = elapsed(start);
  await session.close();
  const outcomes = {};
  for (const t of applied.results?.targets ?? []) outcomes[t.outcome] = (outcomes[t.outcome] ?? 0) + 1;
  // Why targets did not end done: the first diagnostic of each, counted by message.
  const errors = {};
  for (const t of applied.results?.targets ?? [])
    if (t.diagnostics.length > 0) {
      const key = t.diagnostics[0].message.slice(0, 160);
      errors[key] = (errors[key] ?? 0) + 1;
    }
  report({
    ms,
    prepareMs,
    startedMs,
    firstMs,
    outcomes,
    errors,
    diagnostics: applied.diagnostics.slice(0, 5).map((d) => d.message),
  });
}

// The HTTP layer alone: n signed ESA reads, `concurrency` at a time; no executor, no journal.
async function ceiling(n, concurrency) {
  const { createSession } = await import('../dist/session/session.js');
  const session = createSession({ cwd: dir, env: process.env });
  const opened = await session.openAccounts({ 'ali-prod': ['esa'] }, { connections: concurrency });
  const account = opened.accounts.get('ali-prod');
  const { siteId, certificateId } = JSON.parse(readFileSync(join(dir, 'targets.json'), 'utf8')).find(
    (t) => t.type === 'esa',
  );
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++;
        await account.http.call({
          method: 'GET',
          url: `${account.endpoint('esa')}/`,
          query: { SiteId: siteId, Id: certificateId },
          service: 'esa',
          operation: 'GetClientCertificate',
          apiVersion: '2024-09-10',
        });
      }
    }),
  );
  const ms = elapsed(start);
  await session.close();
  report({ ms });
}

// What users do today: the clouds' official SDKs, one revoke call per target, no read, no verify.
async function sdk(all) {
  const revoke = officialSdks();
  const targets = JSON.parse(readFileSync(join(dir, 'targets.json'), 'utf8'));
  const errors = {};
  let failed = 0;
  const one = async (t) => {
    try {
      await revoke[t.type](t);
    } catch (e) {
      failed++;
      const code = String(
        e?.errorCode ?? e?.code ?? e?.httpStatusCode ?? e?.statusCode ?? e?.name ?? 'error',
      );
      errors[code] = (errors[code] ?? 0) + 1;
    }
  };
  const start = process.hrtime.bigint();
  if (all) await Promise.all(targets.map(one));
  else for (const t of targets) await one(t);
  report({ ms: elapsed(start), calls: targets.length, failed, errors });
}

// The revoke call of each type through the official SDKs, as test/emulator/official-sdk.test.ts drives
// them: the Huawei Cloud SDK core's HcClient (KMS, CCE and CCM have no generated revoke method on npm:
// their generated clients' request shapes), Alibaba Cloud's generated ESA and ACK clients.
function officialSdks() {
  const require = createRequire(import.meta.url);
  const { HcClient } = require('@huaweicloud/huaweicloud-sdk-core/HcClient');
  const { DefaultHttpClient } = require('@huaweicloud/huaweicloud-sdk-core/http/DefaultHttpClient');
  const { BasicCredentials } = require('@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials');
  const { GlobalCredentials } = require('@huaweicloud/huaweicloud-sdk-core/auth/GlobalCredentials');
  const openapi = require('@alicloud/openapi-core');
  const esaSdk = require('@alicloud/esa20240910');
  const csSdk = require('@alicloud/cs20151215');
  const env = process.env;
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
  const json = 'application/json;charset=UTF-8';
  return {
    kms: (t) =>
      hw.sendRequest({
        method: 'POST',
        url: '/v1.0/{project_id}/kms/revoke-grant',
        contentType: json,
        queryParams: {},
        pathParams: {},
        headers: { 'Content-Type': json },
        data: { key_id: t.keyId, grant_id: t.grantId },
      }),
    cce: (t) =>
      hw.sendRequest({
        method: 'POST',
        url: '/api/v3/projects/{project_id}/clusters/{cluster_id}/clustercertrevoke',
        contentType: 'application/json',
        queryParams: {},
        pathParams: { cluster_id: t.clusterId },
        headers: { 'Content-Type': 'application/json' },
        data: { userId: t.userId },
      }),
    ccm: (t) =>
      hwGlobal.sendRequest({
        method: 'POST',
        url: '/v1/private-certificate-authorities/{ca_id}/revoke',
        contentType: 'application/json',
        queryParams: {},
        pathParams: { ca_id: t.caId },
        headers: { 'Content-Type': 'application/json' },
        data: { reason: 'KEY_COMPROMISE' },
      }),
    esa: (t) =>
      esa.revokeClientCertificate(
        new esaSdk.RevokeClientCertificateRequest({ siteId: t.siteId, id: t.certificateId }),
      ),
    ack: (t) =>
      cs.cleanClusterUserPermissions(t.clusterId, t.uid, new csSdk.CleanClusterUserPermissionsRequest({})),
  };
}
