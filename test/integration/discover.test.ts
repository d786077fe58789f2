// rescind discover against the emulator over real HTTP, on the discover seed (three accounts, four
// principals and decoys around each credential; test/fixtures/emulator/discover.yaml): exactly alice's
// working credentials are found, and `rescind plan` of the plan it writes shows exactly those; nothing is
// found for a principal who holds nothing; lists that never end, repeat a marker or change while they
// are paged, an account that refuses and a malformed principal are each a diagnostic, and nothing is
// written unless --allow-partial; 5,000 keys of 20 grants cost the list pages they need, no more.

import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit.js';
import { startEmulator } from '../../src/emulator/server.js';
import type { EmulatorState } from '../../src/emulator/state.js';
import { createSession } from '../../src/session/session.js';
import { adminCall } from '../helpers/emulator-client.js';
import { runCli } from '../helpers/io.js';
import { largeKmsSeed } from '../helpers/large-seed.js';
import { fixture } from '../helpers/paths.js';
import { endpointConfig } from '../helpers/plan.js';
import { DEMO_ENV } from '../helpers/provider.js';

const ALICE = '5a8c1f0e2b7d4c39a1e6f3b2d9c8e7a1';
const ALICE_UID = '276000000000000101';
const PROD_ISSUING_CA = 'b7e1c0a2-3d4f-4a5b-8c6d-7e8f9a0b1c02';

// Each account signs with its own responder's keys (the seed's identities).
const ENV = {
  HWP_AK: 'DISCOVERHWPRODAK01',
  HWP_SK: 'discover-hw-prod-secret',
  HWS_AK: 'DISCOVERHWSTAGEAK1',
  HWS_SK: 'discover-hw-staging-secret',
  ALI_AK: 'DISCOVERALIAK00001',
  ALI_SK: 'discover-ali-prod-secret',
};

function configOf(url: string): string {
  return `apiVersion: rescind/v1
kind: Config
principals:
  alice:
    description: Alice, leaving the company
    huaweicloud: {userId: ${ALICE}}
    alibabacloud: {uid: "${ALICE_UID}"}
  bob:
    huaweicloud: {userId: b0b1c2d3e4f5061728394a5b6c7d8e9f}
  carol:
    huaweicloud: {userId: 0000000000000000000000000000ca01}
    alibabacloud: {uid: "276000000000000999"}
accounts:
  hw-prod: {cloud: huaweicloud, region: ap-southeast-1, projectId: 7a1b2c3d4e5f40718293a4b5c6d7e8f9, domainId: 5d1f3a9c7e2b4d6f8a0c1e3b5d7f9a1c, endpoint: "${url}", rateLimits: {default: 0}, credentials: {accessKeyEnv: HWP_AK, secretKeyEnv: HWP_SK}}
  hw-staging: {cloud: huaweicloud, region: cn-north-4, projectId: 8b2c3d4e5f60718293a4b5c6d7e8f90a, domainId: 6e2a4b8d0f1c3e5a7b9d1f3a5c7e9b2d, endpoint: "${url}", rateLimits: {default: 0}, credentials: {accessKeyEnv: HWS_AK, secretKeyEnv: HWS_SK}}
  ali-prod: {cloud: alibabacloud, region: cn-hangzhou, endpoint: "${url}", rateLimits: {default: 0}, credentials: {accessKeyEnv: ALI_AK, secretKeyEnv: ALI_SK}}
`;
}

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function setup(state: string | EmulatorState = fixture('emulator/discover.yaml'), config = configOf) {
  const emulator = await startEmulator({ state });
  stops.push(() => emulator.close());
  const dir = mkdtempSync(join(tmpdir(), 'rescind-discover-'));
  stops.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'rescind.config.yaml'), config(emulator.url));
  return { emulator, dir };
}

const discover = (dir: string, args: string[], env: Record<string, string> = ENV) =>
  runCli(['discover', ...args], dir, env);

// The targets a plan file lists, as addresses.
async function plannedAddresses(dir: string, file: string, env: Record<string, string> = ENV) {
  const session = createSession({ cwd: dir, env });
  try {
    const result = await session.plan(file);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return (result.plan?.targets ?? []).map((t) => `${t.action} ${t.address}`).sort();
  } finally {
    await session.close();
  }
}

const ALICE_FINDS = [
  // KMS: her grants on every key of hw-prod (a disabled key's and another creator's key's too) and the
  // grant to her hw-prod user on a key of hw-staging; never alicia's, bob's with her as retiring
  // principal, nor hw-staging's own alice's.
  'revoke hw-prod/kms/3c1e5a7b-9d2f-4b6a-8c0e-1f3a5b7c9d01/grant/873a8f8812548f71f1c29258fe47e5c7278c1312fa5bf536225381a2db0ea13b',
  'revoke hw-prod/kms/3c1e5a7b-9d2f-4b6a-8c0e-1f3a5b7c9d02/grant/80a92a4ba19c62509eb928040fcabe4e2eced7572cf80f920530b25de0a51f4c',
  'revoke hw-prod/kms/3c1e5a7b-9d2f-4b6a-8c0e-1f3a5b7c9d03/grant/46142361923e7b15f9ee328804b8e58f89070cc161958838a85695c21fc7a96c',
  'revoke hw-prod/kms/3c1e5a7b-9d2f-4b6a-8c0e-1f3a5b7c9d04/grant/ba9b6dcd633d7a22a346210c34ea52e2cd813e3fc48a427b58d93f8525333027',
  'revoke hw-staging/kms/7d2f4a6c-8e0b-4d1f-a3c5-e7f9b1d3f501/grant/c5864f304108ac1a97bb37183e0b54047f9740f3e4189e12609c0ebd63c4e64b',
  // CCE: every cluster of both Huawei accounts, not observable.
  `not-observable hw-prod/cce/4c1f6a2e-8b3d-11ef-9a1b-0255ac1000a1/user/${ALICE}`,
  `not-observable hw-prod/cce/4c1f6a2e-8b3d-11ef-9a1b-0255ac1000a2/user/${ALICE}`,
  `not-observable hw-staging/cce/4c1f6a2e-8b3d-11ef-9a1b-0255ac1000b1/user/${ALICE}`,
  // ACK: prod-ack, staging-ack and dev-ack; not legacy-ack (removed) nor edge-ack (never issued).
  `revoke ali-prod/ack/c2a8a5b8bacb9db57b7cbdf09902d0d18/user/${ALICE_UID}`,
  `revoke ali-prod/ack/c959b3c5ddf2ef315f5d01f0a9ad7e894/user/${ALICE_UID}`,
  `revoke ali-prod/ack/ce5ed06129424106549092a9151f24740/user/${ALICE_UID}`,
].sort();

const ALICE_CERTIFICATES = [
  // ESA: alice-* by common name or name on every site; not malice-laptop, alicia-desktop, nor the revoked alice-old-laptop.
  'revoke ali-prod/esa/7000000000001/client-certificate/9ee1e58370673ac9c2ae04be6ad42798',
  'revoke ali-prod/esa/7000000000001/client-certificate/c66fe5e278455fb03ae57f25634a9c64',
  'revoke ali-prod/esa/7000000000001/client-certificate/9bf4987c43b1995c7809a61a239ec6ee',
  'revoke ali-prod/esa/7000000000002/client-certificate/b4b8c61c43ca930964b27087ccf2de02',
  'revoke ali-prod/esa/7000000000002/client-certificate/deb922f08e86c10063de9b8ee9c8b4dd',
];

const UNDER_PROD_ISSUING = [
  // CCM: the active CAs under Prod Issuing CA, at any depth (under a disabled one too); not the
  // revoked, expired or pending ones, nor "Prod Issuing CA (partner)" under another issuer.
  'revoke hw-prod/ccm/ca/b7e1c0a2-3d4f-4a5b-8c6d-7e8f9a0b1c03',
  'revoke hw-prod/ccm/ca/b7e1c0a2-3d4f-4a5b-8c6d-7e8f9a0b1c04',
  'revoke hw-prod/ccm/ca/b7e1c0a2-3d4f-4a5b-8c6d-7e8f9a0b1c07',
];

describe('rescind discover finds exactly what a principal holds, and plan of its output shows exactly that', () => {
  it('alice in three accounts: every credential she holds, none of the decoys', async () => {
    const { dir } = await setup();
    const out = await discover(dir, ['--principal', 'alice', '--ticket', 'SEC-9', '--out', 'alice.yaml']);
    expect(out.code).toBe(EXIT.ok);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^Found 11 credentials in 3 accounts\.$/m);
    expect(out.stderr).toMatch(/Wrote alice\.yaml\. Review it, then: rescind plan alice\.yaml/);
    const text = readFileSync(join(dir, 'alice.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=https://rescind.dev/schemas/v1/plan.schema.json',
    );
    expect(text).toMatch(/ # grant alice-payments on key app\/payments: encrypt-datakey, decrypt-datakey$/m);
    expect(text).toMatch(/ # cluster prod-ack: roles admin; kubeconfig Unexpired$/m);
    expect(text).toMatch(/^ {2}ticket: "SEC-9"$/m);
    expect(await plannedAddresses(dir, 'alice.yaml')).toEqual(ALICE_FINDS);
  });

  it('certificates by name and CAs under an issuer, with a principal by ID, in one plan', async () => {
    const { dir } = await setup();
    const out = await discover(dir, [
      '--principal',
      `alibabacloud:${ALICE_UID}`,
      '--certificate-name',
      'alice-*',
      '--issuer',
      PROD_ISSUING_CA,
      '--out',
      'found.yaml',
    ]);
    expect(out.code).toBe(EXIT.ok);
    const ack = ALICE_FINDS.filter((a) => a.includes('/ack/'));
    expect(await plannedAddresses(dir, 'found.yaml')).toEqual(
      [...ack, ...ALICE_CERTIFICATES, ...UNDER_PROD_ISSUING].sort(),
    );
  });

  it('--account and --type narrow it; JSON is the same plan without comments', async () => {
    const { dir } = await setup();
    const out = await discover(dir, [
      '--principal',
      'alice',
      '--account',
      'hw-prod',
      '--type',
      'huaweicloud.kms.grant',
      '--format',
      'json',
    ]);
    expect(out.code).toBe(EXIT.ok);
    const plan = JSON.parse(out.stdout) as { spec: { revocations: { id: string; targets: unknown[] }[] } };
    expect(plan.spec.revocations.map((r) => [r.id, r.targets.length])).toEqual([['hw-prod-kms-grant', 4]]);
  });

  it('a principal who holds nothing: exit 2, nothing written', async () => {
    const { dir } = await setup();
    const out = await discover(dir, [
      '--principal',
      'carol',
      '--type',
      'huaweicloud.kms.grant',
      '--type',
      'alibabacloud.ack.user-permissions',
      '--out',
      'carol.yaml',
    ]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/found nothing; no plan was written/);
    expect(existsSync(join(dir, 'carol.yaml'))).toBe(false);
  });
});

describe('nothing is written unless what was found is complete', () => {
  it.each([
    [
      'a list that never ends',
      { ListKeys: { fault: 'endless' } },
      /KMS ListKeys of project \S+: the list changed while it was paged, 3 times/,
    ],
    [
      'a list that repeats its marker',
      { ListGrants: { fault: 'repeat', afterPages: 0 } },
      /KMS ListGrants of key \S+ goes in a cycle/,
    ],
  ])(
    '%s: a located error, exit 1, no file; --allow-partial writes the rest and names what was not read',
    async (_, paging, message) => {
      const { emulator, dir } = await setup();
      await adminCall(emulator.url, 'POST', '/_emulator/faults', { paging });
      const args = ['--principal', 'alice', '--certificate-name', 'alice-*', '--out', 'alice.yaml'];
      const refused = await discover(dir, args);
      expect(refused.code).toBe(EXIT.error);
      expect(refused.stderr).toMatch(/error discover\.unread: /);
      expect(refused.stderr).toMatch(message);
      expect(refused.stderr).toMatch(/nothing was written; --allow-partial writes what was found/);
      expect(existsSync(join(dir, 'alice.yaml'))).toBe(false);
      const partial = await discover(dir, [...args, '--allow-partial']);
      expect(partial.code).toBe(EXIT.ok);
      expect(partial.stderr).toMatch(/warning discover\.unread: /);
      expect(readFileSync(join(dir, 'alice.yaml'), 'utf8')).toMatch(/^# NOT READ: /m);
    },
  );

  it('a list that changes while it is paged (a key gone between pages) is read again, then refused', async () => {
    const large = largeKmsSeed({ keys: 4001, grantsPerKey: 1 });
    const { emulator, dir } = await setup(large.state, (url) =>
      endpointConfig(url).replace(
        'accounts:',
        `principals:\n  p: {huaweicloud: {userId: ${large.principal}}}\naccounts:`,
      ),
    );
    await adminCall(emulator.url, 'POST', '/_emulator/faults', {
      paging: { ListKeys: { fault: 'shrink', afterPages: 1 } },
    });
    const out = await discover(
      dir,
      ['--principal', 'p', '--type', 'huaweicloud.kms.grant', '--out', 'p.yaml'],
      DEMO_ENV,
    );
    expect(out.code).toBe(EXIT.error);
    expect(out.stderr).toMatch(/KMS ListKeys of project \S+: the list changed while it was paged, 3 times/);
    expect(existsSync(join(dir, 'p.yaml'))).toBe(false);
    const stats = (await adminCall(emulator.url, 'GET', '/_emulator/stats')).json as {
      requests: Record<string, number>;
    };
    // Three passes of at most three pages, and no grant read: the keys were never known whole.
    expect(stats.requests.ListKeys).toBeLessThanOrEqual(9);
    expect(stats.requests.ListGrants).toBeUndefined();
  }, 60_000);

  it('an account that refuses its credentials: the others are found, the plan says which was not read', async () => {
    const { dir } = await setup();
    const env = { ...ENV, HWS_SK: 'not-the-secret' };
    const refused = await discover(dir, ['--principal', 'alice', '--out', 'alice.yaml'], env);
    expect(refused.code).toBe(EXIT.error);
    expect(refused.stderr).toMatch(/hw-staging: huaweicloud\.kms\.grant could not be read: /);
    expect(existsSync(join(dir, 'alice.yaml'))).toBe(false);
    const partial = await discover(
      dir,
      ['--principal', 'alice', '--out', 'alice.yaml', '--allow-partial'],
      env,
    );
    expect(partial.code).toBe(EXIT.ok);
    const text = readFileSync(join(dir, 'alice.yaml'), 'utf8');
    expect(text).toMatch(/^# NOT READ: hw-staging huaweicloud\.kms\.grant: /m);
    expect(text).not.toMatch(/account: "hw-staging"/);
  });

  it.each([
    [
      ['--principal', 'huaweicloud:ALICE'],
      /--principal huaweicloud:ALICE: a Huawei Cloud IAM user ID is 32 lower-case hexadecimal characters/,
    ],
    [['--principal', 'alibabacloud:alice'], /an Alibaba Cloud RAM user or role ID \(uid\) is 1 to 32 digits/],
    [['--principal', 'alcie'], /principal "alcie" is not in the config; did you mean "alice"\?/],
    [
      ['--principal', 'alice', '--account', 'hw-prd'],
      /account "hw-prd" is not in rescind.config.yaml; did you mean "hw-prod"\?/,
    ],
    [[], /nothing to look for: give --principal, --certificate-name or --issuer/],
  ])('%j is refused before any call', async (args, message) => {
    const { emulator, dir } = await setup();
    const out = await discover(dir, [...args, '--out', 'x.yaml']);
    expect(out.code).toBe(EXIT.error);
    expect(out.stderr).toMatch(/error discover\.query: /);
    expect(out.stderr).toMatch(message);
    expect(existsSync(join(dir, 'x.yaml'))).toBe(false);
    const stats = (await adminCall(emulator.url, 'GET', '/_emulator/stats')).json as {
      requests: Record<string, number>;
    };
    expect(stats.requests).toEqual({});
  });

  it('never writes over a file without --force', async () => {
    const { dir } = await setup();
    writeFileSync(join(dir, 'alice.yaml'), 'mine\n');
    const out = await discover(dir, ['--principal', 'alice', '--out', 'alice.yaml']);
    expect(out.code).toBe(EXIT.error);
    expect(out.stderr).toMatch(/^alice\.yaml: error discover\.exists: alice\.yaml exists; give --force/m);
    expect(readFileSync(join(dir, 'alice.yaml'), 'utf8')).toBe('mine\n');
    const forced = await discover(dir, ['--principal', 'alice', '--out', 'alice.yaml', '--force']);
    expect(forced.code).toBe(EXIT.ok);
    expect(readFileSync(join(dir, 'alice.yaml'), 'utf8')).toMatch(/^kind: RevocationPlan$/m);
  });

  it('--force replaces a link at --out, and never writes through it', async () => {
    const { dir } = await setup();
    const outside = join(mkdtempSync(join(tmpdir(), 'rescind-outside-')), 'precious.txt');
    stops.push(() => rmSync(dirname(outside), { recursive: true, force: true }));
    writeFileSync(outside, 'keep me\n');
    symlinkSync(outside, join(dir, 'alice.yaml'));
    const forced = await discover(dir, ['--principal', 'alice', '--out', 'alice.yaml', '--force']);
    expect(forced.code).toBe(EXIT.ok);
    expect(readFileSync(outside, 'utf8')).toBe('keep me\n');
    expect(lstatSync(join(dir, 'alice.yaml')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(dir, 'alice.yaml'), 'utf8')).toMatch(/^kind: RevocationPlan$/m);
  });
});

describe('scale', () => {
  it('5,000 keys of 20 grants: the grants of one principal, in 3 ListKeys and 5,000 ListGrants pages', async () => {
    const large = largeKmsSeed();
    const { emulator, dir } = await setup(large.state, (url) =>
      endpointConfig(url).replace(
        'accounts:',
        `principals:\n  scattered: {huaweicloud: {userId: ${large.principal}}}\naccounts:`,
      ),
    );
    const out = await discover(
      dir,
      [
        '--principal',
        'scattered',
        '--account',
        'hw-prod',
        '--type',
        'huaweicloud.kms.grant',
        '--concurrency',
        '32',
        '--format',
        'json',
      ],
      DEMO_ENV,
    );
    expect(out.code).toBe(EXIT.ok);
    const plan = JSON.parse(out.stdout) as {
      spec: { revocations: { targets: { keyId: string; grantId: string }[] }[] };
    };
    expect(plan.spec.revocations[0]?.targets).toEqual(large.expected);
    const stats = (await adminCall(emulator.url, 'GET', '/_emulator/stats')).json as {
      requests: Record<string, number>;
    };
    expect(stats.requests).toEqual(large.pages);
  }, 120_000);
});
