// Opening accounts: credentials from the environment (conventional or named
// variables), endpoints, http:// refused off loopback, and `emulator: builtin`
// whose state lives in .rescind/ so that separate runs see each other's work.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RescindConfig } from '../../src/config/config.js';
import { type OpenedAccounts, openAccounts } from '../../src/providers/account.js';
import { kmsGrant } from '../../src/providers/huaweicloud/kms.js';

const KEY = '0d0466b0-e727-4d9c-b35d-f84bb474a37f';
const GRANT = '7c9a3286af4fcca5f0a385ad13e1d21a50e27b6dbcab50f37f30f93b8939827d';

const dirs: string[] = [];
const opened: OpenedAccounts[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rescind-accounts-'));
  dirs.push(dir);
  return dir;
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a value');
  return value;
}

function config(accounts: RescindConfig['accounts']): RescindConfig {
  return { apiVersion: 'rescind/v1', kind: 'Config', accounts };
}

async function open(
  c: RescindConfig,
  env: Record<string, string> = {},
  cwd = tempDir(),
): Promise<OpenedAccounts> {
  const o = await openAccounts(c, Object.keys(c.accounts), { env, cwd });
  opened.push(o);
  return o;
}

describe('openAccounts', () => {
  it('names the missing variables, conventional or configured, and never a value', async () => {
    const o = await open(
      config({
        hw: { cloud: 'huaweicloud', region: 'cn-north-4', projectId: '0b5e7c9d2f4a4c1e8d3f6a7b9c1d2e3f' },
        ali: {
          cloud: 'alibabacloud',
          region: 'cn-hangzhou',
          credentials: { accessKeyEnv: 'MY_ID', secretKeyEnv: 'MY_SECRET' },
        },
      }),
      { HUAWEICLOUD_SDK_AK: 'AKONLY', MY_ID: 'id-only' },
    );
    expect(o.accounts.size).toBe(0);
    expect(o.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['account.credentials', 'account hw: no credentials: set the environment variable HUAWEICLOUD_SDK_SK'],
      ['account.credentials', 'account ali: no credentials: set the environment variable MY_SECRET'],
    ]);
    expect(JSON.stringify(o.diagnostics)).not.toContain('AKONLY');
  });

  it('uses the regional endpoints, or the overrides, and refuses http:// off loopback', async () => {
    const o = await open(
      config({
        hw: { cloud: 'huaweicloud', region: 'eu-west-101', endpoints: { kms: 'https://kms.example.com/' } },
        plain: { cloud: 'huaweicloud', region: 'ap-southeast-1', endpoint: 'http://kms.example.com' },
        singapore: { cloud: 'huaweicloud', region: 'ap-southeast-1' },
        ali: { cloud: 'alibabacloud', region: 'ap-southeast-1' },
      }),
      {
        HUAWEICLOUD_SDK_AK: 'AK',
        HUAWEICLOUD_SDK_SK: 'SK',
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'ID',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'S',
      },
    );
    const hw = o.accounts.get('hw');
    expect(hw?.endpoint('kms')).toBe('https://kms.example.com');
    expect(hw?.endpoint('cce')).toBe('https://cce.eu-west-101.myhuaweicloud.eu');
    expect(hw?.endpoint('ccm')).toBe('https://ccm.eu-west-101.myhuaweicloud.com');
    expect(o.accounts.get('ali')?.endpoint('esa')).toBe('https://esa.ap-southeast-1.aliyuncs.com');
    expect(o.accounts.get('ali')?.endpoint('ack')).toBe('https://cs.ap-southeast-1.aliyuncs.com');
    expect(() => o.accounts.get('plain')?.endpoint('kms')).toThrow(
      /plain http:\/\/ is only allowed to a loopback host/,
    );
    // A region without CCM matters only to CCM, and the provider reports it as a diagnostic.
    expect(() => o.accounts.get('singapore')?.endpoint('ccm')).toThrow(
      /CCM has no endpoint in ap-southeast-1/,
    );
    expect(o.accounts.get('singapore')?.endpoint('kms')).toBe('https://kms.ap-southeast-1.myhuaweicloud.com');
    const read = await kmsGrant.read({
      account: must(o.accounts.get('singapore')),
      target: { keyId: KEY, grantId: GRANT },
    });
    expect(read.diagnostics).toMatchObject([{ code: 'account.incomplete' }]);
  });

  it('runs emulator: builtin accounts in-process, with state that carries over to the next run', async () => {
    const cwd = tempDir();
    const c = config({ demo: { cloud: 'huaweicloud', region: 'ap-southeast-1', emulator: 'builtin' } });
    const first = await open(c, {}, cwd);
    const demo = must(first.accounts.get('demo'));
    expect(first.diagnostics).toEqual([]);
    expect(demo.endpoint('kms')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const target = { keyId: KEY, grantId: GRANT };
    expect((await kmsGrant.read({ account: demo, target })).observation?.state).toBe('active');
    expect((await kmsGrant.revoke({ account: demo, target, with: {} })).outcome).toBe('revoked');
    await first.close();
    expect(existsSync(join(cwd, '.rescind', 'emulator-state.json'))).toBe(true);

    const second = await open(c, {}, cwd);
    const again = must(second.accounts.get('demo'));
    expect((await kmsGrant.read({ account: again, target })).observation?.state).toBe('absent');
  });
});
