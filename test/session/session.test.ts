// The session, the composition root: the config it reads, opening accounts (credentials
// from the environment, conventional or named; endpoints, with http:// refused off loopback
// when the account opens), and `emulator: builtin`, started on demand, whose state lives
// in .rescind/ so that separate runs see each other's work; close() stops what it started.

import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { RescindConfig } from '../../src/config/config.js';
import { kmsGrant } from '../../src/providers/huaweicloud/kms.js';
import {
  type AccountNeeds,
  createSession,
  type OpenedAccounts,
  type Session,
} from '../../src/session/session.js';
import { cloudServices } from '../../src/vocabulary.js';

const KEY = '0d0466b0-e727-4d9c-b35d-f84bb474a37f';
const GRANT = '7c9a3286af4fcca5f0a385ad13e1d21a50e27b6dbcab50f37f30f93b8939827d';

const dirs: string[] = [];
const sessions: Session[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
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

function session(
  c: RescindConfig | string | undefined,
  env: Record<string, string> = {},
  cwd = tempDir(),
): Session {
  const s = createSession({ config: c, env, cwd });
  sessions.push(s);
  return s;
}

// Opens every account of c for every service of its cloud, unless needs says otherwise.
function open(
  c: RescindConfig,
  env: Record<string, string> = {},
  cwd = tempDir(),
  needs?: AccountNeeds,
): Promise<OpenedAccounts> {
  const all = Object.fromEntries(
    Object.entries(c.accounts).map(([name, a]) => [name, cloudServices[a.cloud]]),
  );
  return session(c, env, cwd).openAccounts(needs ?? all);
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

  it('refuses a config with an http:// endpoint off loopback, or credentials in a URL, before opening', async () => {
    const s = session(
      config({
        plain: { cloud: 'huaweicloud', region: 'ap-southeast-1', endpoint: 'http://kms.example.com' },
        secret: {
          cloud: 'alibabacloud',
          region: 'cn-hangzhou',
          endpoints: { esa: 'https://ID:S3CRET@x.example/' },
        },
      }),
      { HUAWEICLOUD_SDK_AK: 'AK', HUAWEICLOUD_SDK_SK: 'SK' },
    );
    const o = await s.openAccounts({ plain: ['kms'], secret: ['esa'] });
    expect(o.accounts.size).toBe(0);
    expect(o.diagnostics.map((d) => [d.code, d.path, d.message])).toEqual([
      [
        'account.endpoint',
        ['accounts', 'plain', 'endpoint'],
        'the endpoint is refused: plain http:// is only allowed to a loopback host (127.0.0.0/8, ::1, localhost); credentials and revocations to another machine need https://',
      ],
      [
        'account.endpoint',
        ['accounts', 'secret', 'endpoints', 'esa'],
        'the endpoint is refused: a URL must not hold credentials',
      ],
    ]);
    expect(JSON.stringify(o.diagnostics)).not.toContain('S3CRET');
  });

  it('uses the regional endpoints, or the overrides, and refuses an unusable one when opening', async () => {
    // projectId and domainId given: nothing is looked up from IAM, so nothing is called.
    const scope = {
      projectId: '0b5e7c9d2f4a4c1e8d3f6a7b9c1d2e3f',
      domainId: '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
    };
    const o = await open(
      config({
        hw: {
          cloud: 'huaweicloud',
          region: 'eu-west-101',
          ...scope,
          endpoints: { kms: 'https://kms.example.com/' },
        },
        singapore: { cloud: 'huaweicloud', region: 'ap-southeast-1' },
        ali: { cloud: 'alibabacloud', region: 'ap-southeast-1' },
      }),
      {
        HUAWEICLOUD_SDK_AK: 'AK',
        HUAWEICLOUD_SDK_SK: 'SK',
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'ID',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'S',
      },
      tempDir(),
      { hw: ['cce', 'ccm', 'kms'], singapore: ['iam'], ali: ['esa', 'ack'] },
    );
    const hw = o.accounts.get('hw');
    expect(hw?.endpoint('kms')).toBe('https://kms.example.com');
    expect(hw?.endpoint('cce')).toBe('https://cce.eu-west-101.myhuaweicloud.eu');
    expect(hw?.endpoint('ccm')).toBe('https://ccm.eu-west-101.myhuaweicloud.com');
    expect(o.accounts.get('ali')?.endpoint('esa')).toBe('https://esa.ap-southeast-1.aliyuncs.com');
    expect(o.accounts.get('ali')?.endpoint('ack')).toBe('https://cs.ap-southeast-1.aliyuncs.com');
    expect(o.diagnostics).toEqual([]);
    // A region without CCM matters only to an account opened for CCM: a diagnostic then, at once.
    expect(o.accounts.get('singapore')?.endpoint('iam')).toBe('https://iam.ap-southeast-1.myhuaweicloud.com');
    expect(() => o.accounts.get('singapore')?.endpoint('ccm')).toThrow(/not opened for ccm/);
    const ccm = await open(
      config({ singapore: { cloud: 'huaweicloud', region: 'ap-southeast-1' } }),
      { HUAWEICLOUD_SDK_AK: 'AK', HUAWEICLOUD_SDK_SK: 'SK' },
      tempDir(),
      { singapore: ['kms', 'ccm'] },
    );
    expect(ccm.accounts.size).toBe(0);
    expect(ccm.diagnostics).toMatchObject([
      {
        code: 'account.endpoint',
        message: expect.stringMatching(
          /^account singapore, service ccm: CCM has no endpoint in ap-southeast-1;/,
        ),
      },
    ]);
  });

  it('runs emulator: builtin accounts in-process, with state that carries over to the next run', async () => {
    const cwd = tempDir();
    const c = config({ demo: { cloud: 'huaweicloud', region: 'ap-southeast-1', emulator: 'builtin' } });
    const run = session(c, {}, cwd);
    const first = await run.openAccounts({ demo: ['kms'] });
    const demo = must(first.accounts.get('demo'));
    expect(first.diagnostics).toEqual([]);
    expect(demo.endpoint('kms')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const target = { keyId: KEY, grantId: GRANT };
    expect((await kmsGrant.read({ account: demo, target })).observation?.state).toBe('active');
    expect((await kmsGrant.revoke({ account: demo, target, with: {} })).outcome).toBe('revoked');
    await run.close();
    // close() stopped the emulator: nothing answers at its address any more.
    await expect(request(`${demo.endpoint('kms')}/_emulator/stats`)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    expect(existsSync(join(cwd, '.rescind', 'emulator-state.json'))).toBe(true);

    const second = await open(c, {}, cwd);
    const again = must(second.accounts.get('demo'));
    expect((await kmsGrant.read({ account: again, target })).observation?.state).toBe('absent');
  });

  it("never writes through a link planted where the builtin emulator's instance id is kept, nor reads a device there", async () => {
    const cwd = tempDir();
    const outside = join(tempDir(), 'precious.txt');
    writeFileSync(outside, 'keep me\n');
    mkdirSync(join(cwd, '.rescind'));
    symlinkSync(outside, join(cwd, '.rescind', 'emulator-instance'));
    const c = config({ demo: { cloud: 'huaweicloud', region: 'ap-southeast-1', emulator: 'builtin' } });
    const planted = session(c, {}, cwd);
    expect((await planted.openAccounts({ demo: ['kms'] })).diagnostics).toEqual([]);
    await planted.close();
    expect(readFileSync(outside, 'utf8')).toBe('keep me\n');
    expect(lstatSync(join(cwd, '.rescind', 'emulator-instance')).isSymbolicLink()).toBe(false);

    // A kept state with its id a link to an endless device: the read stops at once, a new id is made.
    const other = tempDir();
    const first = session(c, {}, other);
    await first.openAccounts({ demo: ['kms'] });
    await first.close();
    const instance = join(other, '.rescind', 'emulator-instance');
    rmSync(instance);
    symlinkSync('/dev/zero', instance);
    const again = await open(c, {}, other);
    expect(again.diagnostics).toEqual([]);
    expect(readFileSync(instance, 'utf8')).toMatch(/^[0-9a-f]{16}\n$/);
  });
});

describe('the config of a session', () => {
  it('reads rescind.config.yaml in cwd, or the file given, once', () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'rescind.config.yaml'),
      'apiVersion: rescind/v1\nkind: Config\naccounts:\n  a: { cloud: huaweicloud, region: cn-north-4 }\n',
    );
    const s = session(undefined, {}, cwd);
    expect(s.config()).toMatchObject({
      file: 'rescind.config.yaml',
      diagnostics: [],
      config: { kind: 'Config' },
    });
    expect(s.config()).toBe(s.config());
  });

  it('says where a config is missing, and where a config is wrong', () => {
    const cwd = tempDir();
    expect(session(undefined, {}, cwd).config().diagnostics).toMatchObject([
      {
        code: 'config.not-found',
        message:
          'no rescind.config.yaml in . nor in a folder above it up to /, and RESCIND_CONFIG is not set; pass --config FILE',
      },
    ]);
    expect(session('other.yaml', {}, cwd).config().diagnostics).toMatchObject([
      { code: 'config.not-found', message: 'config file other.yaml does not exist' },
    ]);
    writeFileSync(join(cwd, 'bad.yaml'), 'apiVersion: rescind/v1\nkind: Config\naccounts: 3\n');
    expect(session('bad.yaml', {}, cwd).config()).toMatchObject({
      file: 'bad.yaml',
      diagnostics: [{ code: 'schema.type', range: { file: 'bad.yaml', start: { line: 3, column: 11 } } }],
    });
    expect(session('bad.yaml', {}, cwd).config().config).toBeUndefined();
  });

  it('opens no account without a valid config', async () => {
    const o = await session('missing.yaml').openAccounts({ a: ['kms'] });
    expect(o.accounts.size).toBe(0);
    expect(o.diagnostics).toMatchObject([{ code: 'config.not-found' }]);
  });
});
