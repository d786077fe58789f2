// No secret of a temporary credential reaches output: plan and apply through the CLI, debug logging on,
// with every source that obtains secrets at run time (OIDC federation and role or agency assumption,
// the metadata services, GitHub's token endpoint), a refused OIDC token among them. The emulator is
// reached through a forwarding server that keeps its answers: every secret it issued (STS sessions,
// temporary AK/SK, IAM tokens, metadata session tokens), the OIDC tokens and GitHub's request token
// are then searched for, in every form, in stdout, stderr and everything the runs wrote.

import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadSeed } from '../../src/emulator/seed.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { credentialsSeed, mint, names } from '../helpers/credentials.js';
import { runCli } from '../helpers/io.js';
import { type Workspace, workspace } from '../helpers/plan.js';
import { issuedSecrets, type RecordingProxy, startRecordingProxy } from '../helpers/recording-proxy.js';
import { secretForms } from '../helpers/secret-forms.js';
import { GITHUB_SUBJECT } from '../helpers/sources.js';

let em: RunningEmulator | undefined;
let proxy: RecordingProxy | undefined;
let ws: Workspace | undefined;
afterEach(async () => {
  await proxy?.close();
  await em?.close();
  ws?.close();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => readFileSync(f, 'utf8'));
}

it('plan and apply with temporary credentials: no form of any issued secret or token anywhere', async () => {
  const seed = loadSeed(credentialsSeed);
  for (const key of seed.huaweicloud?.kms?.keys ?? []) key.creator = names.huawei.agencyId;
  let skew = 0;
  em = await startEmulator({ state: seed, now: () => new Date(Date.now() + skew) });
  proxy = await startRecordingProxy(em.url);
  const url = proxy.url;
  const plan = stringify({
    apiVersion: 'rescind/v1',
    kind: 'RevocationPlan',
    metadata: { name: 'secrets', reason: 'temporary credentials leave no trace' },
    spec: {
      revocations: [
        {
          id: 'grant',
          type: 'huaweicloud.kms.grant',
          account: 'hw',
          target: {
            keyId: names.huawei.keyId,
            grantId: '7c9a3286af4fcca5f0a385ad13e1d21a50e27b6dbcab50f37f30f93b8939827d',
          },
        },
        {
          id: 'cert',
          type: 'alibabacloud.esa.client-certificate',
          account: 'ali',
          target: { siteId: names.alibaba.siteId, certificateId: names.alibaba.certificateId },
        },
      ],
    },
  });
  const oidcToken = await mint(em.url, { sub: GITHUB_SUBJECT, aud: names.alibaba.audience });
  const config = (hw: unknown, ali: unknown) =>
    stringify({
      apiVersion: 'rescind/v1',
      kind: 'Config',
      accounts: {
        hw: {
          cloud: 'huaweicloud',
          region: 'ap-southeast-1',
          endpoint: url,
          rateLimits: { default: 0 },
          credentials: hw,
        },
        ali: {
          cloud: 'alibabacloud',
          region: 'cn-hangzhou',
          endpoint: url,
          rateLimits: { default: 0 },
          credentials: ali,
        },
      },
    });
  ws = workspace(
    config(
      { source: 'agency', agencyName: names.huawei.agency },
      {
        source: 'oidc',
        roleArn: names.alibaba.ciRole,
        oidcProviderArn: names.alibaba.provider,
        token: { file: 'token' },
      },
    ),
    {
      'plan.yaml': plan,
      token: oidcToken,
    },
  );
  const env = {
    HOME: ws.dir,
    HUAWEICLOUD_SDK_AK: names.huawei.user.accessKey,
    HUAWEICLOUD_SDK_SK: names.huawei.user.secretKey,
    ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/_emulator/github/token?api-version=2.0`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: names.githubRequestToken,
  };
  const outputs: string[] = [];
  const cli = async (args: string[]) => {
    const r = await runCli(args, ws?.dir ?? '', env);
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  expect((await cli(['plan', '--debug', '--out', 'plan.json', 'plan.yaml'])).code).toBe(0);
  // The cloud's clock runs ahead: credentials issued before the jump are refused, then refreshed.
  skew = 25_000;
  const applied = await cli(['apply', '--debug', '--yes', '--format', 'json', 'plan.json']);
  expect(applied.code).toBe(0);
  // The metadata services and GitHub's endpoint, with a refused token too.
  writeFileSync(
    join(ws.dir, 'rescind.config.yaml'),
    config(
      { source: 'metadata', url },
      {
        source: 'oidc',
        roleArn: names.alibaba.ciRole,
        oidcProviderArn: names.alibaba.provider,
        token: { githubActions: { audience: names.alibaba.audience } },
      },
    ),
  );
  expect((await cli(['plan', '--debug', 'plan.yaml'])).code).toBe(0);
  // The same claims under a signature the issuer never made: refused by STS.
  const [header, claims] = oidcToken.split('.');
  writeFileSync(join(ws.dir, 'token'), `${header}.${claims}.${'x'.repeat(342)}`);
  writeFileSync(
    join(ws.dir, 'rescind.config.yaml'),
    config(
      { source: 'metadata', url },
      {
        source: 'oidc',
        roleArn: names.alibaba.ciRole,
        oidcProviderArn: names.alibaba.provider,
        token: { file: 'token' },
      },
    ),
  );
  expect((await cli(['plan', '--debug', 'plan.yaml'])).code).toBe(1);

  const secrets = [
    ...issuedSecrets(proxy.passed),
    oidcToken,
    names.githubRequestToken,
    names.huawei.user.secretKey,
  ];
  // Sessions, temporary keys and tokens of both clouds, each found in the answers.
  expect(secrets.length).toBeGreaterThan(10);
  const everything = [...outputs, ...filesUnder(join(ws.dir, '.rescind'))].join('\n');
  expect(everything).toMatch(/debug: http > /);
  for (const secret of secrets) {
    for (const form of secretForms(secret)) {
      expect(everything.includes(form), `a form of an issued secret: ${form.slice(0, 6)}…`).toBe(false);
    }
  }
}, 120_000);
