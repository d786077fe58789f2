// The config's credential sources as validate reads them: each source's keys, with a did-you-mean for
// a misspelt one, a secret refused by name, a metadata URL a run would refuse, bases nested too deep,
// and, for a Huawei account, the warnings that say what a plan will look up from IAM.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configRules } from '../../src/config/config.js';
import { loadDocument } from '../../src/document/pipeline.js';

const dir = mkdtempSync(join(tmpdir(), 'rescind-config-credentials-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(account: string): string[] {
  const path = join(dir, 'rescind.config.yaml');
  writeFileSync(path, `apiVersion: rescind/v1\nkind: Config\naccounts:\n  a:\n${account}`);
  const loaded = loadDocument(path, 'rescind.config.yaml', {
    kinds: ['Config'],
    rules: { Config: configRules(() => true, { lookups: true }) },
  });
  return loaded.diagnostics.map(
    (d) => `${d.range?.start.line}:${d.range?.start.column} ${d.severity} ${d.code}: ${d.message}`,
  );
}

const ali = (credentials: string) =>
  `    cloud: alibabacloud\n    region: cn-hangzhou\n    credentials: ${credentials}\n`;
const hw = (credentials: string) =>
  `    cloud: huaweicloud\n    region: ap-southeast-1\n    projectId: 0b5e7c9d2f4a4c1e8d3f6a7b9c1d2e3f\n    domainId: 9f8e7d6c5b4a39281706f5e4d3c2b1a0\n    credentials: ${credentials}\n`;

describe('credentials in the config', () => {
  it('accepts every source of each cloud, and the old form of variable names', () => {
    for (const c of [
      ali('{accessKeyEnv: MY_ID, secretKeyEnv: MY_SECRET}'),
      ali('{source: environment}'),
      ali('{source: profile, name: ci, file: ~/.aliyun/config.json}'),
      ali('{source: metadata, roleName: rescind}'),
      ali('{source: metadata, url: "http://100.100.100.200"}'),
      ali(
        '{source: assume-role, roleArn: "acs:ram::1000000000000001:role/rescind", durationSeconds: 3600, base: {source: profile}}',
      ),
      ali(
        '{source: oidc, roleArn: "acs:ram::1:role/ci", oidcProviderArn: "acs:ram::1:oidc-provider/github", token: {githubActions: {audience: sts.aliyuncs.com}}}',
      ),
      ali('{source: oidc, token: {env: ALIBABA_CLOUD_ID_TOKEN}}'),
      hw('{authTokenEnv: HW_TOKEN}'),
      hw('{source: profile}'),
      hw('{source: metadata, url: "http://169.254.169.254"}'),
      hw('{source: agency, agencyName: rescind, domainName: corp, base: {source: metadata}}'),
      hw('{source: oidc, idpId: github, token: {file: /var/run/token}}'),
    ]) {
      expect(check(c), c).toEqual([]);
    }
  });

  it('says which key was meant, refuses a secret, and a source of the other cloud', () => {
    expect(check(ali('{source: assume-role, rolearn: "acs:ram::1:role/x"}'))).toEqual([
      '7:18 error schema.required: credentials needs "roleArn"',
      '7:40 error schema.unknown-field: unknown field "rolearn" in credentials; did you mean "roleArn"?',
    ]);
    expect(
      check(ali('{source: oidc, roleArn: "acs:ram::1:role/ci", token: {file: t}, accessKeySecret: s}')),
    ).toMatchObject([expect.stringMatching(/^7:\d+ error config\.secret: /)]);
    expect(check(hw('{source: assume-role, roleArn: "acs:ram::1:role/x"}'))).toMatchObject([
      expect.stringMatching(/^9:\d+ error schema\.enum: /),
    ]);
    expect(check(ali('{source: oidc, token: {file: a, env: B}}'))).toMatchObject([
      expect.stringMatching(/^7:\d+ error schema\.\w+: /),
    ]);
  });

  it('refuses a metadata URL a run would refuse, and bases nested too deep', () => {
    expect(check(ali('{source: metadata, url: "http://metadata.example.com"}'))).toEqual([
      '7:42 error account.endpoint: the metadata URL is refused: plain http:// is only allowed to a loopback host (127.0.0.0/8, ::1, localhost) or to 100.100.100.200, 169.254.169.254; credentials and revocations to another machine need https://',
    ]);
    const deep = `{source: assume-role, roleArn: "acs:ram::1:role/x", base: ${'{source: assume-role, roleArn: "acs:ram::1:role/x", base: '.repeat(4)}{source: environment}${'}'.repeat(5)}`;
    expect(check(ali(deep))).toMatchObject([
      expect.stringMatching(/error schema\.invalid: credentials assume through more than 4 bases/),
    ]);
  });

  it('warns of the project and domain a plan looks up for a Huawei account', () => {
    expect(check('    cloud: huaweicloud\n    region: cn-north-4\n')).toEqual([
      '4:3 warning account.lookup: domainId is not set: a plan looks it up from IAM (the account of the credentials) for CCM targets and the built-in rule never-revoke-root',
      '4:3 warning account.lookup: projectId is not set: a plan with CCE or KMS targets looks it up from IAM, the project named cn-north-4',
    ]);
  });
});
