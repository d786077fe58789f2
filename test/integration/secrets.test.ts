// No secret reaches output: every provider of the registry runs every method
// against the emulator with credentials the emulator refuses, then accepts, with
// debug logging on; every diagnostic, log line and result is searched for the
// secret values, raw, URL-encoded and JSON-escaped.

import { afterEach, describe, expect, it } from 'vitest';
import type { RescindConfig } from '../../src/config/config.js';
import { startEmulator } from '../../src/emulator/server.js';
import { verifyTarget } from '../../src/providers/common.js';
import { providerOf } from '../../src/providers/registry.js';
import type { Fields } from '../../src/providers/types.js';
import { createSession } from '../../src/session/session.js';
import { cloudServices, typeNames } from '../../src/vocabulary.js';
import { demo } from '../helpers/emulator-client.js';
import { secretForms } from '../helpers/secret-forms.js';

// One target and one selector (when the type has them) per type, from the demo seed.
const samples: Record<string, { target: Fields; with: Fields; select?: Fields }> = {
  'huaweicloud.cce.cluster-certificate': {
    target: { clusterId: '4c1f6a2e-8b3d-11ef-9a1b-0255ac100031', userId: '537e7a3bd0aa4c2fb2c56c5657fd908f' },
    with: {},
  },
  'huaweicloud.ccm.subordinate-ca': { target: { caId: '6434f74f-2d13-4e6a-89eb-93ee313f1a43' }, with: {} },
  'huaweicloud.kms.grant': {
    target: {
      keyId: '0d0466b0-e727-4d9c-b35d-f84bb474a37f',
      grantId: '7c9a3286af4fcca5f0a385ad13e1d21a50e27b6dbcab50f37f30f93b8939827d',
    },
    with: {},
    select: { keyIds: ['0d0466b0-e727-4d9c-b35d-f84bb474a37f'] },
  },
  'alibabacloud.esa.client-certificate': {
    target: { siteId: 1234567890123, certificateId: 'baba39055622c008b90285a8838ed09a' },
    with: {},
    select: { siteId: 1234567890123 },
  },
  'alibabacloud.ack.user-permissions': {
    target: { clusterId: 'c5b5e80b0b64a4bf6939d2d8fbbc5abcd', uid: '276543210987654321' },
    with: { force: true },
    select: { uid: '276543210987654321' },
  },
};

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function exercise(secrets: Record<string, string>, env: Record<string, string>): Promise<string> {
  const emulator = await startEmulator();
  closers.push(() => emulator.close());
  const config: RescindConfig = {
    apiVersion: 'rescind/v1',
    kind: 'Config',
    accounts: {
      hw: {
        cloud: 'huaweicloud',
        region: 'ap-southeast-1',
        projectId: demo.projectId,
        domainId: demo.domainId,
        endpoint: emulator.url,
      },
      ali: { cloud: 'alibabacloud', region: 'cn-hangzhou', endpoint: emulator.url },
    },
  };
  const lines: string[] = [];
  const session = createSession({
    config,
    env,
    cwd: process.cwd(),
    logger: (line) => lines.push(line),
    http: { sleep: async () => {}, retry: { maxAttempts: 2 } },
  });
  closers.push(() => session.close());
  const opened = await session.openAccounts({
    hw: cloudServices.huaweicloud,
    ali: cloudServices.alibabacloud,
  });
  const outputs: unknown[] = [opened.diagnostics];
  for (const provider of typeNames.map(providerOf)) {
    const sample = samples[provider.type];
    expect(sample, `a sample for ${provider.type}`).toBeDefined();
    if (sample === undefined) continue;
    const account = opened.accounts.get(provider.cloud === 'huaweicloud' ? 'hw' : 'ali');
    if (account === undefined) continue;
    const req = { account, target: sample.target };
    outputs.push(await provider.read(req));
    if (provider.expand && sample.select)
      outputs.push(await provider.expand({ account, select: sample.select }));
    outputs.push(await provider.revoke({ ...req, with: sample.with }));
    outputs.push(await verifyTarget(provider, req));
  }
  expect(lines.length).toBeGreaterThan(0);
  const all = `${JSON.stringify(outputs)}\n${lines.join('\n')}`;
  for (const [name, secret] of Object.entries(secrets)) {
    for (const form of secretForms(secret)) expect(all, `${name} appears in the output`).not.toContain(form);
  }
  return all;
}

describe('secrets never appear in results, diagnostics or debug lines', () => {
  it('with credentials the cloud refuses (signature errors echo the canonical request)', async () => {
    const secrets = {
      hwSecret: 'hw-wrong-secret/+=&%"\\',
      hwToken: 'hw-security-token-value',
      aliSecret: 'ali-wrong-secret/+=&%',
      aliToken: 'ali-sts-token-value',
    };
    const all = await exercise(secrets, {
      HUAWEICLOUD_SDK_AK: demo.huawei.accessKey,
      HUAWEICLOUD_SDK_SK: secrets.hwSecret,
      HUAWEICLOUD_SDK_SECURITY_TOKEN: secrets.hwToken,
      ALIBABA_CLOUD_ACCESS_KEY_ID: demo.alibaba.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: secrets.aliSecret,
      ALIBABA_CLOUD_SECURITY_TOKEN: secrets.aliToken,
    });
    // The refusals did reach the output: the test looked at real error text.
    expect(all).toContain('APIGW.0301');
    expect(all).toContain('SignatureDoesNotMatch');
  });

  it('with credentials the cloud accepts', async () => {
    const secrets = { hwSecret: demo.huawei.secretKey, aliSecret: demo.alibaba.accessKeySecret };
    const all = await exercise(secrets, {
      HUAWEICLOUD_SDK_AK: demo.huawei.accessKey,
      HUAWEICLOUD_SDK_SK: secrets.hwSecret,
      ALIBABA_CLOUD_ACCESS_KEY_ID: demo.alibaba.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: secrets.aliSecret,
    });
    expect(all).toContain('"outcome":"revoked"');
  });
});
