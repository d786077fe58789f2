// Saved plans forged as an attacker would: edited, then sealed again with a digest anyone can compute
// (digestOf ships in the package). Each forgery is refused, or blocked, before any revoke call, naming
// why; the few a fresh plan cannot tell from a change in the cloud end harmless (the target is not
// touched). Apply derives what it runs from a fresh plan of the same files, config and policies, made
// with the credentials it runs with, and trusts nothing the file says about itself.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EXIT } from '../../src/cli/exit.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import type { EmulatorState } from '../../src/emulator/state.js';
import { digestOf, fingerprintOf, type PlannedTarget, type SavedPlan } from '../../src/plan/model.js';
import { adminCall, demo, demoIdentities } from '../helpers/emulator-client.js';
import { runCli } from '../helpers/io.js';
import { repoRoot } from '../helpers/paths.js';
import { endpointConfig, type Workspace, workspace } from '../helpers/plan.js';
import { DEMO_ENV } from '../helpers/provider.js';

// The demo seed, and a grant of the demo key to the caller itself: the grant never-revoke-self protects.
const CALLER = demoIdentities.huaweicloud.userId;
const SELF_GRANT = 'ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000';
const KEY = '0d0466b0-e727-4d9c-b35d-f84bb474a37f';
const REVOKE_OPS = [
  'CancelGrant',
  'RevokeClientCertificate',
  'RevokeCertificateAuthority',
  'CleanClusterUserPermissions',
  'RevokeKubernetesClusterCert',
];

function seed(): EmulatorState {
  const state = parse(readFileSync(join(repoRoot, 'plans/examples/emulator-seed.yaml'), 'utf8'));
  const key = state.huaweicloud.kms.keys.find((k: { key_id: string }) => k.key_id === KEY);
  key.grants.push({
    grant_id: SELF_GRANT,
    grantee_principal: CALLER,
    grantee_principal_type: 'user',
    operations: ['decrypt-data'],
    name: 'rescind-itself',
    creation_date: '1700000000000',
  });
  return state;
}

// Every type: the offboarding plan (CCE, KMS, ESA, ACK), and the CCM revocation in a plan of its own.
const CCM_PLAN = readFileSync(join(repoRoot, 'plans/examples/huaweicloud.ccm.subordinate-ca.yaml'), 'utf8');
const DENY_ESA = [
  'apiVersion: rescind/v1',
  'kind: Policy',
  'metadata: {name: house}',
  'spec:',
  '  rules:',
  '    - {name: no-esa, effect: deny, match: {types: [alibabacloud.esa.client-certificate]}}',
  '',
].join('\n');

let emulator: RunningEmulator;
let ws: Workspace;
let reviewed: SavedPlan;
let denied: SavedPlan;

const apply = (file = 'forged.json', ...more: string[]) =>
  runCli(['apply', '--yes', ...more, file], ws.dir, DEMO_ENV);

async function revokeCalls(): Promise<number> {
  const stats = (await adminCall(emulator.url, 'GET', '/_emulator/stats')).json as {
    requests: Record<string, number>;
  };
  return REVOKE_OPS.reduce((n, op) => n + (stats.requests[op] ?? 0), 0);
}

// Writes a forgery of plan: changed by edit, sealed again as anyone can.
function forge(plan: SavedPlan, edit: (p: SavedPlan) => void, file = 'forged.json'): void {
  const copy = structuredClone(plan);
  edit(copy);
  const { digest: _old, ...content } = copy;
  copy.digest = digestOf(content);
  writeFileSync(join(ws.dir, file), JSON.stringify(copy, null, 2));
}

const byName = (plan: SavedPlan, pattern: RegExp): PlannedTarget => {
  const t = plan.targets.find((x) => pattern.test(x.address));
  if (t === undefined) throw new Error(`no target ${pattern}`);
  return t;
};

// The plan of one more target, as rescind plan would write it: what a forger copies from.
async function plannedTarget(revocation: string): Promise<PlannedTarget> {
  const text = `apiVersion: rescind/v1\nkind: RevocationPlan\nmetadata: {name: spy, reason: spy}\nspec:\n  revocations:\n${revocation}\n`;
  writeFileSync(join(ws.dir, 'spy.yaml'), text);
  const r = await runCli(['plan', '--format', 'json', 'spy.yaml'], ws.dir, DEMO_ENV);
  const plan = JSON.parse(r.stdout) as SavedPlan;
  const t = plan.targets[0];
  if (t === undefined) throw new Error(`spy plan: ${r.stderr}`);
  return t;
}

beforeAll(async () => {
  emulator = await startEmulator({ state: seed() });
  ws = workspace(endpointConfig(emulator.url), {
    'offboard.yaml': join(repoRoot, 'plans/examples/offboard-alice.yaml'),
    'deny.yaml': DENY_ESA,
    'ca.yaml': CCM_PLAN,
  });
  const planned = await runCli(['plan', '--out', 'reviewed.json', 'offboard.yaml'], ws.dir, DEMO_ENV);
  expect(planned.code).toBe(0);
  reviewed = JSON.parse(readFileSync(join(ws.dir, 'reviewed.json'), 'utf8'));
  const blocked = await runCli(
    ['plan', '--policy', 'deny.yaml', '--out', 'denied.json', 'offboard.yaml'],
    ws.dir,
    DEMO_ENV,
  );
  expect(blocked.code).toBe(EXIT.blocked);
  denied = JSON.parse(readFileSync(join(ws.dir, 'denied.json'), 'utf8'));
});
afterAll(async () => {
  ws.close();
  await emulator.close();
});
beforeEach(async () => {
  await adminCall(emulator.url, 'POST', '/_emulator/reset');
});

describe('a saved plan sealed again after an edit', () => {
  it("1. the caller's own grant behind another grantee, its real fingerprint kept: refused, no call", async () => {
    const self = await plannedTarget(
      `    - {id: g, type: huaweicloud.kms.grant, account: hw-prod, target: {keyId: ${KEY}, grantId: "${SELF_GRANT}"}}`,
    );
    forge(reviewed, (p) => {
      const t = byName(p, /grant\/7c9a/);
      t.target = { ...t.target, grantId: SELF_GRANT };
      t.address = self.address;
      // The record says Alice; the fingerprint is of the real record, so that drift would not see it.
      t.before = { state: 'active', record: { ...(self.before.record as object), grantee_principal: 'x' } };
      t.fingerprint = self.fingerprint;
    });
    const r = await apply();
    expect(r.code).toBe(EXIT.error);
    expect(r.stderr).toContain(
      `forged.json: error plan.inconsistent: ${self.address}: its recorded state does not have its fingerprint`,
    );
    expect(await revokeCalls()).toBe(0);

    // The same with a fingerprint of the forged record: the fresh plan does not produce the target.
    forge(reviewed, (p) => {
      const t = byName(p, /grant\/7c9a/);
      t.target = { ...t.target, grantId: SELF_GRANT };
      t.address = self.address;
      t.before = { state: 'active', record: { ...(self.before.record as object), grantee_principal: 'x' } };
      t.fingerprint = fingerprintOf(t.before);
    });
    const again = await apply();
    expect(again.code).toBe(EXIT.error);
    expect(again.stderr).toContain(
      `error apply.not-reviewed: ${self.address}: a fresh plan of the same files does not produce this target, and it reads active: nothing was revoked`,
    );
    expect(await revokeCalls()).toBe(0);
  });

  it('2. inputs emptied: --verify-inputs has nothing to check, so the plan is refused', async () => {
    forge(reviewed, (p) => {
      p.inputs = [];
    });
    const r = await apply('forged.json', '--verify-inputs');
    expect(r.code).toBe(EXIT.error);
    expect(r.stderr).toContain(
      'error apply.inputs-changed: the saved plan names 0 plan files and 0 configs as its inputs, not one of each',
    );
    expect(await revokeCalls()).toBe(0);
  });

  it('3. a --policy input dropped with its deny: apply given the policy evaluates it again and blocks', async () => {
    forge(denied, (p) => {
      p.inputs = p.inputs.filter((i) => i.role !== 'policy');
      p.policies = p.policies.filter((x) => x.effect !== 'deny');
      for (const t of p.targets) if (t.action === 'blocked') t.action = 'revoke';
    });
    // A policy that must hold at apply is in the config, or given to apply too (the action does both).
    const r = await apply('forged.json', '--policy', 'deny.yaml');
    expect(r.code).toBe(EXIT.blocked);
    expect(r.stderr).toContain('house/no-esa');
    expect(await revokeCalls()).toBe(0);
  });

  it("4. a deny deleted from the plan's verdicts, its targets set to revoke: the policy blocks again", async () => {
    forge(denied, (p) => {
      p.policies = p.policies.filter((x) => x.effect !== 'deny');
      for (const t of p.targets) if (t.action === 'blocked') t.action = 'revoke';
    });
    const r = await apply();
    expect(r.code).toBe(EXIT.blocked);
    expect(r.stderr).toContain('house/no-esa');
    expect(await revokeCalls()).toBe(0);
  });

  it('5. a not-observable CCE target added, naming another cluster and an agency: refused', async () => {
    forge(reviewed, (p) => {
      const cce = byName(p, /cce\//);
      const target = {
        clusterId: '9d2e7f1a-8b3d-11ef-9a1b-0255ac100032',
        agencyId: '8e1f2a3b4c5d6e7f8091a2b3c4d5e6f7',
      };
      p.targets.push({
        ...structuredClone(cce),
        target,
        address: cce.address
          .replace('4c1f6a2e-8b3d-11ef-9a1b-0255ac100031', target.clusterId)
          .replace('user/537e7a3bd0aa4c2fb2c56c5657fd908f', `agency/${target.agencyId}`),
      });
    });
    const r = await apply();
    expect(r.code).toBe(EXIT.error);
    expect(r.stderr).toMatch(
      /error apply\.not-reviewed: hw-prod\/cce\/.*9d2e7f1a.*: a fresh plan of the same files does not produce this target, and no read can show it gone/,
    );
    expect(await revokeCalls()).toBe(0);
  });

  it('6. a target of each other type added (a grant, a certificate, permissions, a CA): refused', async () => {
    const added = [
      await plannedTarget(
        `    - {id: x, type: huaweicloud.kms.grant, account: hw-prod, target: {keyId: ${KEY}, grantId: "8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c"}}`,
      ),
      await plannedTarget(
        '    - {id: x, type: alibabacloud.esa.client-certificate, account: ali-prod, target: {siteId: 1234567890123, certificateId: 6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f}}',
      ),
      await plannedTarget(
        '    - {id: x, type: alibabacloud.ack.user-permissions, account: ali-prod, target: {clusterId: c5b5e80b0b64a4bf6939d2d8fbbc5abcd, uid: "200000000000000099"}}',
      ),
      await plannedTarget(
        '    - {id: x, type: huaweicloud.ccm.subordinate-ca, account: hw-prod, target: {caId: 6434f74f-2d13-4e6a-89eb-93ee313f1a43}}',
      ),
    ];
    for (const extra of added) {
      expect(extra.action, extra.address).toBe('revoke');
      forge(reviewed, (p) => {
        p.targets.push({ ...extra, ids: ['alice-kms-grants'] });
      });
      const r = await apply();
      expect(r.code, extra.address).toBe(EXIT.error);
      expect(r.stderr).toContain(
        `error apply.not-reviewed: ${extra.address}: a fresh plan of the same files does not produce this target, and it reads active`,
      );
      expect(await revokeCalls()).toBe(0);
    }
  });

  it('7. a target moved to another credential, address and fields alike: refused', async () => {
    const carol = await plannedTarget(
      '    - {id: x, type: alibabacloud.esa.client-certificate, account: ali-prod, target: {siteId: 1234567890123, certificateId: 6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f}}',
    );
    forge(reviewed, (p) => {
      const t = byName(p, /client-certificate\/3f4a/);
      t.target = carol.target;
      t.address = carol.address;
      t.before = carol.before;
      t.fingerprint = carol.fingerprint;
    });
    const r = await apply();
    expect(r.code).toBe(EXIT.error);
    expect(r.stderr).toContain(`error apply.not-reviewed: ${carol.address}: a fresh plan`);
    expect(await revokeCalls()).toBe(0);
  });

  it("8. an already revoked target's action set to revoke: refused as inconsistent", async () => {
    forge(reviewed, (p) => {
      const t = p.targets.find((x) => x.action === 'already-revoked');
      if (t === undefined) throw new Error('no already revoked target');
      t.action = 'revoke';
    });
    const r = await apply();
    expect(r.code).toBe(EXIT.error);
    expect(r.stderr).toMatch(
      /error plan\.inconsistent: .*: it is to revoke but was (revoked|absent) when the plan/,
    );
    expect(await revokeCalls()).toBe(0);
  });

  it("9. options, ids and the plan's own metadata changed: refused, naming what", async () => {
    const edits: [string, (p: SavedPlan) => void, RegExp][] = [
      [
        'with',
        (p) => {
          const t = byName(p, /ack\//);
          t.with = { force: false };
        },
        /error apply\.not-reviewed: ali-prod\/ack\/.*: its with is not what a fresh plan of the same files says/,
      ],
      [
        'ids',
        (p) => {
          byName(p, /grant\/7c9a/).ids = ['alice-esa-certificates'];
        },
        /error apply\.not-reviewed: hw-prod\/kms\/.*: its ids is not what a fresh plan/,
      ],
      [
        'reason',
        (p) => {
          p.plan.reason = 'routine cleanup';
        },
        /error apply\.not-reviewed: the saved plan's reason is not what the plan file says now/,
      ],
      [
        'ticket',
        (p) => {
          p.plan.ticket = 'SEC-9999';
        },
        /error apply\.not-reviewed: the saved plan's ticket is not what the plan file says now/,
      ],
    ];
    for (const [what, edit, message] of edits) {
      forge(reviewed, edit);
      const r = await apply();
      expect(r.code, what).toBe(EXIT.error);
      expect(r.stderr, what).toMatch(message);
    }
    expect(await revokeCalls()).toBe(0);
  });

  it('10. the cloud an account is bound to, edited in the plan: refused, naming the difference', async () => {
    forge(reviewed, (p) => {
      const hw = p.accounts['hw-prod'];
      if (hw === undefined) throw new Error('no binding');
      hw.endpoints.kms = 'https://kms.evil.example';
      hw.projectId = 'ffffffffffffffffffffffffffffffff';
    });
    const r = await apply();
    expect(r.code).toBe(EXIT.error);
    expect(r.stderr).toContain(
      'error apply.account-changed: account hw-prod: its projectId was ffffffffffffffffffffffffffffffff when the plan was made and is 0b5e7c9d2f4a4c1e8d3f6a7b9c1d2e3f now',
    );
    expect(r.stderr).toContain(
      `account hw-prod: its kms endpoint was https://kms.evil.example when the plan was made and is ${emulator.url} now`,
    );
    expect(await revokeCalls()).toBe(0);
  });

  it('11. a target moved to an account of the config the plan never read: refused', async () => {
    forge(reviewed, (p) => {
      for (const t of p.targets) if (t.account === 'ali-prod') t.account = 'hw-prod';
    });
    const r = await apply();
    expect(r.code).toBe(EXIT.error);
    expect(r.stderr).toMatch(/error plan\.(account-cloud|inconsistent)/);
    expect(await revokeCalls()).toBe(0);
  });

  it('12. a record edited with its fingerprint made again: the target is drift, never revoked', async () => {
    forge(reviewed, (p) => {
      const t = byName(p, /grant\/7c9a/);
      t.before = {
        state: 'active',
        record: { ...(t.before.record as object), operations: ['describe-key'] },
      };
      t.fingerprint = fingerprintOf(t.before);
    });
    const r = await apply('forged.json', '--format', 'json');
    expect(r.code).toBe(EXIT.error);
    const report = JSON.parse(r.stdout) as { targets: { address: string; outcome: string }[] };
    expect(report.targets.find((t) => t.address.includes('grant/7c9a'))?.outcome).toBe('drift');
    const state = (await adminCall(emulator.url, 'GET', '/_emulator/state')).json as EmulatorState;
    const grants = state.huaweicloud?.kms?.keys?.find((k) => k.key_id === KEY)?.grants ?? [];
    expect(grants.some((g) => g.grant_id.startsWith('7c9a'))).toBe(true);
  });

  it('13. a __proto__ member added to a record, digest kept: refused, since the digest covers every member', async () => {
    const text = readFileSync(join(ws.dir, 'reviewed.json'), 'utf8').replace(
      '"grantee_principal":',
      '"__proto__": {"grantee_principal": "someone else"},\n            "grantee_principal":',
    );
    expect(text).toContain('__proto__');
    writeFileSync(join(ws.dir, 'proto.json'), text);
    const r = await runCli(['show', 'proto.json'], ws.dir, DEMO_ENV);
    expect(r.code).toBe(EXIT.error);
    expect(r.stderr).toMatch(
      /^proto\.json:\d+:\d+: error plan\.digest: the saved plan was changed after it was written/m,
    );
    const applied = await apply('proto.json');
    expect(applied.code).toBe(EXIT.error);
    expect(await revokeCalls()).toBe(0);
  });

  it('14. edited and not sealed again: its checks run while the fresh plan reads, and refuse it before any revoke', async () => {
    const text = readFileSync(join(ws.dir, 'reviewed.json'), 'utf8').replace('"ticket": "', '"ticket": "X');
    expect(text).toContain('"ticket": "X');
    writeFileSync(join(ws.dir, 'edited.json'), text);
    const r = await apply('edited.json');
    expect(r.code).toBe(EXIT.error);
    expect(r.stderr).toMatch(
      /^edited\.json:\d+:\d+: error plan\.digest: the saved plan was changed after it was written/m,
    );
    // The fresh plan of its inputs had read the cloud (reads change nothing); nothing was revoked.
    const stats = (await adminCall(emulator.url, 'GET', '/_emulator/stats')).json as {
      requests: Record<string, number>;
    };
    expect(stats.requests.ListGrants ?? 0).toBeGreaterThan(0);
    expect(await revokeCalls()).toBe(0);
  });

  it('the saved plan as it was written applies, every target verified', async () => {
    const r = await apply('reviewed.json');
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(EXIT.ok);
  });
});

describe('the cloud is part of the plan', () => {
  it('another config, with the same account names on another endpoint, is refused before any call', async () => {
    const other = await startEmulator({ state: seed() });
    try {
      writeFileSync(join(ws.dir, 'other.yaml'), endpointConfig(other.url));
      const r = await apply('reviewed.json', '--config', 'other.yaml');
      expect(r.code).toBe(EXIT.error);
      expect(r.stderr).toContain(
        'reviewed.json: error apply.inputs-changed: the config other.yaml is not the config rescind.config.yaml the plan was made with',
      );
      const stats = (await adminCall(other.url, 'GET', '/_emulator/stats')).json as {
        requests: Record<string, number>;
      };
      expect(REVOKE_OPS.map((op) => stats.requests[op] ?? 0)).toEqual([0, 0, 0, 0, 0]);
    } finally {
      await other.close();
    }
  });

  it('credentials of another cloud account are refused, naming the account', async () => {
    const state = seed();
    state.identities.push({
      cloud: 'alibabacloud',
      accessKeyId: 'OTHERACCOUNTAK000001',
      accessKeySecret: 'other-account-secret',
      uid: '200000000000000777',
      accountId: '1000000000000777',
    });
    const cloud = await startEmulator({ state });
    const here = workspace(endpointConfig(cloud.url), {
      'offboard.yaml': join(repoRoot, 'plans/examples/offboard-alice.yaml'),
    });
    try {
      const planned = await runCli(['plan', '--out', 'bound.json', 'offboard.yaml'], here.dir, DEMO_ENV);
      expect(planned.code).toBe(0);
      const r = await runCli(['apply', '--yes', 'bound.json'], here.dir, {
        ...DEMO_ENV,
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'OTHERACCOUNTAK000001',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'other-account-secret',
      });
      expect(r.code).toBe(EXIT.error);
      expect(r.stderr).toContain(
        'bound.json: error apply.account-changed: account ali-prod: its credentials belong to cloud account 1000000000000777, not 1000000000000001 as when the plan was made',
      );
      const stats = (await adminCall(cloud.url, 'GET', '/_emulator/stats')).json as {
        requests: Record<string, number>;
      };
      expect(REVOKE_OPS.map((op) => stats.requests[op] ?? 0)).toEqual([0, 0, 0, 0, 0]);
    } finally {
      here.close();
      await cloud.close();
    }
  });
});

describe('resume', () => {
  it('refuses another config, and its hint carries every option the run was applied with', async () => {
    writeFileSync(join(ws.dir, 'my config.yaml'), `# the reviewed config\n${endpointConfig(emulator.url)}`);
    const planned = await runCli(
      ['plan', '--config', 'my config.yaml', '--out', 'r.json', 'offboard.yaml'],
      ws.dir,
      DEMO_ENV,
    );
    expect(planned.code).toBe(0);
    const r = await runCli(['apply', '--yes', '--config', 'my config.yaml', 'r.json'], ws.dir, DEMO_ENV);
    expect(r.code).toBe(EXIT.ok);
    const runId = /^run (\S+): journal/m.exec(r.stderr)?.[1] ?? '';
    // As if it had been killed after its first line: nothing done, no end.
    const journal = join(ws.dir, '.rescind', 'runs', runId, 'journal.jsonl');
    writeFileSync(journal, `${readFileSync(journal, 'utf8').split('\n')[0]}\n`);
    await adminCall(emulator.url, 'POST', '/_emulator/reset');

    const shown = await runCli(['show', runId], ws.dir, DEMO_ENV);
    expect(shown.stdout).toMatch(
      new RegExp(`Resume with: rescind apply --resume ${runId} --config 'my config\\.yaml'$`, 'm'),
    );
    // The config of this folder is not the one the run was applied with.
    const refused = await runCli(['apply', '--yes', '--resume', runId], ws.dir, DEMO_ENV);
    expect(refused.code).toBe(EXIT.error);
    expect(refused.stderr).toContain(
      'error apply.inputs-changed: the config rescind.config.yaml is not the config my config.yaml the plan was made with',
    );
    expect(await revokeCalls()).toBe(0);
    // The hint, followed, resumes it.
    const resumed = await runCli(
      ['apply', '--yes', '--resume', runId, '--config', 'my config.yaml'],
      ws.dir,
      DEMO_ENV,
    );
    expect(resumed.code).toBe(EXIT.ok);
    expect(await revokeCalls()).toBeGreaterThan(0);
  });

  it('quotes every file of the hint for a shell, so that no name can run anything', async () => {
    const { resumeCommand } = await import('../../src/render/run/view.js');
    const runId = '20261130T101500Z-3f9a1c';
    expect(resumeCommand({ runId, resumeWith: { config: 'my config.yaml', policies: ["it's.yaml"] } })).toBe(
      `rescind apply --resume ${runId} --config 'my config.yaml' --policy 'it'\\''s.yaml'`,
    );
    expect(resumeCommand({ runId, resumeWith: { config: '$(rm -rf ~).yaml' } })).toBe(
      `rescind apply --resume ${runId} --config '$(rm -rf ~).yaml'`,
    );
    expect(resumeCommand({ runId, resumeWith: { config: 'a\nb\u202e.yaml' } })).toBe(
      `rescind apply --resume ${runId} --config $'a\\x0ab\\u202e.yaml'`,
    );
  });
});

// The demo project's grants are found by their key, so that a test reads what it asserts.
void demo;
