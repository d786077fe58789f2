// The planner against the emulator over real HTTP: selectors of KMS, ESA and ACK expanded across
// pages, reads shared (one paged list for a thousand targets on one key, counted by the emulator's
// stats), a read that fails after every retry aborting the plan with nothing partial, a target
// reached twice planned once, and the command's exit codes.

import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/server.js';
import type { EmulatorState } from '../../src/emulator/state.js';
import { adminCall, demo, demoIdentities } from '../helpers/emulator-client.js';
import { runCli } from '../helpers/io.js';
import { builtinConfig, endpointConfig, type Workspace, workspace } from '../helpers/plan.js';
import { DEMO_ENV } from '../helpers/provider.js';

const PROJECT = demo.projectId;
const KEY = '0d0466b0-e727-4d9c-b35d-f84bb474a37f';
const SITE = 1234567890123;
const UID = '276543210987654321';
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

// A seed with the demo identities, one key of `grants` grants, one site of `certificates`
// certificates, and `clusters` ACK clusters where the user holds a kubeconfig.
function seed(counts: {
  grants?: number;
  certificates?: number;
  clusters?: number;
  cas?: number;
  cceClusters?: number;
}): EmulatorState {
  return {
    apiVersion: 'rescind/v1',
    kind: 'EmulatorState',
    identities: [demoIdentities.huaweicloud, demoIdentities.alibabacloud],
    huaweicloud: {
      ccm: {
        certificate_authorities: Array.from({ length: counts.cas ?? 0 }, (_, i) => ({
          ca_id: `${hex(i, 8)}-0000-4000-8000-000000000000`,
          type: 'SUBORDINATE' as const,
          status: 'ACTIVED',
        })),
      },
      cce: {
        clusters: Array.from({ length: counts.cceClusters ?? 0 }, (_, i) => ({
          project_id: PROJECT,
          cluster_id: `${hex(i, 8)}-8b3d-11ef-9a1b-0255ac100031`,
          name: `cce-${i}`,
          certificates: [],
        })),
      },
      kms: {
        keys: [
          {
            project_id: PROJECT,
            key_id: KEY,
            creator: '0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f',
            grants: Array.from({ length: counts.grants ?? 0 }, (_, i) => ({
              grant_id: hex(i, 64),
              grantee_principal:
                i % 2 === 0 ? 'aaaa0000aaaa0000aaaa0000aaaa0000' : 'bbbb0000bbbb0000bbbb0000bbbb0000',
              grantee_principal_type: 'user' as const,
              operations: ['decrypt-data'],
            })),
          },
        ],
      },
    },
    alibabacloud: {
      esa: {
        sites: [
          {
            SiteId: SITE,
            SiteName: 'example.com',
            client_certificates: Array.from({ length: counts.certificates ?? 0 }, (_, i) => ({
              Id: hex(i, 32),
              CommonName: i % 2 === 0 ? `alice-${i}` : `bob-${i}`,
              Status: 'active',
            })),
          },
        ],
      },
      ack: {
        clusters: Array.from({ length: counts.clusters ?? 0 }, (_, i) => ({
          cluster_id: `c${hex(i, 32)}`,
          name: `cluster-${i}`,
          users: [{ uid: UID, permissions: [], cert_state: 'Unexpired' as const }],
        })),
      },
    },
  };
}

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function setup(state: EmulatorState, plan: string): Promise<{ url: string; ws: Workspace }> {
  const emulator = await startEmulator({ state });
  stops.push(() => emulator.close());
  const ws = workspace(endpointConfig(emulator.url), { 'plan.yaml': plan });
  stops.push(() => ws.close());
  return { url: emulator.url, ws };
}

function planOf(revocations: string): string {
  return `apiVersion: rescind/v1\nkind: RevocationPlan\nmetadata: {name: test, reason: test}\nspec:\n  revocations:\n${revocations}`;
}

async function stats(url: string): Promise<Record<string, number>> {
  return ((await adminCall(url, 'GET', '/_emulator/stats')).json as { requests: Record<string, number> })
    .requests;
}

describe('reads are shared', () => {
  it('1,000 grant targets on one key cost one paged list: ceil(1000 / 100) calls', async () => {
    const targets = Array.from(
      { length: 1000 },
      (_, i) =>
        `    - {id: g${i}, type: huaweicloud.kms.grant, account: hw-prod, target: {keyId: ${KEY}, grantId: "${hex(i, 64)}"}}\n`,
    ).join('');
    const { url, ws } = await setup(seed({ grants: 1000 }), planOf(targets));
    const result = await ws.plan('plan.yaml');
    expect(result.diagnostics).toEqual([]);
    expect(result.plan?.summary.revoke).toBe(1000);
    expect(await stats(url)).toEqual({ ListGrants: 10, ShowPermanentAccessKey: 1 });
  });

  it('a selector and the targets on its key share the list; many ESA targets share the site listing', async () => {
    const kms = `    - {id: k-all, type: huaweicloud.kms.grant, account: hw-prod, select: {keyIds: [${KEY}]}}\n    - {id: k-one, type: huaweicloud.kms.grant, account: hw-prod, target: {keyId: ${KEY}, grantId: "${hex(3, 64)}"}}\n`;
    const esa = Array.from(
      { length: 250 },
      (_, i) =>
        `    - {id: c${i}, type: alibabacloud.esa.client-certificate, account: ali-prod, target: {siteId: ${SITE}, certificateId: "${hex(i, 32)}"}}\n`,
    ).join('');
    const { url, ws } = await setup(seed({ grants: 150, certificates: 250 }), planOf(kms + esa));
    const result = await ws.plan('plan.yaml');
    expect(result.diagnostics).toEqual([]);
    expect(result.plan?.targets.find((t) => t.ids.length === 2)?.ids).toEqual(['k-all', 'k-one']);
    expect(result.plan?.targets).toHaveLength(150 + 250);
    expect(await stats(url)).toEqual({
      ListGrants: 2,
      ListClientCertificates: 3,
      ShowPermanentAccessKey: 1,
      GetCallerIdentity: 1,
    });
  });
});

describe('reads are grouped by the list that serves them', () => {
  const ca = (i: number) => `${hex(i, 8)}-0000-4000-8000-000000000000`;
  const cluster = (i: number) => `${hex(i, 8)}-8b3d-11ef-9a1b-0255ac100031`;
  const caTarget = (i: number) =>
    `    - {id: ca${i}, type: huaweicloud.ccm.subordinate-ca, account: hw-prod, target: {caId: ${ca(i)}}}\n`;

  it("an account's CCM CAs share one ListCertificateAuthority page; a CCE cluster's holders one ShowCluster", async () => {
    const cas = Array.from({ length: 300 }, (_, i) => caTarget(i)).join('');
    const holders = Array.from(
      { length: 40 },
      (_, i) =>
        `    - {id: h${i}, type: huaweicloud.cce.cluster-certificate, account: hw-prod, target: {clusterId: ${cluster(i % 4)}, userId: "a${hex(i, 31)}"}}\n`,
    ).join('');
    const { url, ws } = await setup(seed({ cas: 1200, cceClusters: 4 }), planOf(cas + holders));
    const result = await ws.plan('plan.yaml');
    expect(result.diagnostics).toEqual([]);
    expect(result.plan?.summary).toMatchObject({ revoke: 300, notObservable: 40 });
    // 1,200 CAs at 1,000 a page: two pages serve 300 targets.
    expect(await stats(url)).toEqual({
      ListCertificateAuthority: 2,
      ShowCluster: 4,
      ShowPermanentAccessKey: 1,
    });
  });

  it('a lone CA is shown alone, not found in a list of the whole account', async () => {
    const { url, ws } = await setup(seed({ cas: 1200 }), planOf(caTarget(1199)));
    const result = await ws.plan('plan.yaml');
    expect(result.plan?.summary.revoke).toBe(1);
    expect(await stats(url)).toEqual({ ShowCertificateAuthority: 1, ShowPermanentAccessKey: 1 });
  });
});

describe('selectors', () => {
  it('KMS, ESA and ACK selectors read every page, filter, and report a selector that matches nothing', async () => {
    const revocations = [
      `    - {id: kms-a, type: huaweicloud.kms.grant, account: hw-prod, select: {keyIds: [${KEY}], granteePrincipal: aaaa0000aaaa0000aaaa0000aaaa0000}}`,
      `    - {id: esa-alice, type: alibabacloud.esa.client-certificate, account: ali-prod, select: {siteId: ${SITE}, commonName: "alice-*"}}`,
      `    - {id: ack-user, type: alibabacloud.ack.user-permissions, account: ali-prod, select: {uid: "${UID}"}}`,
      `    - {id: nobody, type: alibabacloud.esa.client-certificate, account: ali-prod, select: {siteId: ${SITE}, commonName: "nobody-*"}}`,
      '',
    ].join('\n');
    const { url, ws } = await setup(
      seed({ grants: 250, certificates: 230, clusters: 130 }),
      planOf(revocations),
    );
    const result = await ws.plan('plan.yaml');
    expect(result.diagnostics).toEqual([]);
    expect(result.plan?.selectors.map((s) => [s.id, s.matched])).toEqual([
      ['kms-a', 125],
      ['esa-alice', 115],
      ['ack-user', 130],
      ['nobody', 0],
    ]);
    const calls = await stats(url);
    expect(calls.ListGrants).toBe(3);
    expect(calls.ListClientCertificates).toBe(3);
    expect(calls.ListUserKubeConfigStates).toBe(2);
  });
});

describe('not active is not always revoked', () => {
  it('a disabled or pending CA is planned as already revoked, with a built-in warning that it can come back', async () => {
    // The built-in seed's subordinate CAs: revoked, disabled, expired and pending.
    const ca = (id: string, caId: string) =>
      `    - {id: ${id}, type: huaweicloud.ccm.subordinate-ca, account: hw-prod, target: {caId: ${caId}}}\n`;
    const ws = workspace(builtinConfig, {
      'plan.yaml': planOf(
        ca('revoked', 'a1b2c3d4-0a9e-4c2b-8f6d-1e2a3b4c5d70') +
          ca('disabled', 'b7c8d9e0-1f2a-4b3c-9d4e-5f6a7b8c9d01') +
          ca('expired', 'c4d5e6f7-0819-4a2b-8c3d-4e5f6a7b8c92') +
          ca('pending', 'd9e8f7a6-b5c4-4d3e-9f2a-1b0c9d8e7f63'),
      ),
    });
    stops.push(() => ws.close());
    const result = await ws.plan('plan.yaml');
    expect(result.diagnostics).toEqual([]);
    expect(result.plan?.targets.map((t) => [t.ids[0], t.action])).toEqual([
      ['revoked', 'already-revoked'],
      ['disabled', 'already-revoked'],
      ['expired', 'already-revoked'],
      ['pending', 'already-revoked'],
    ]);
    // Revoked and expired are for good; disabled and pending are not, and the review says so.
    expect(result.plan?.policies.map((p) => [p.source, p.rule, p.effect, p.message, p.targets])).toEqual([
      [
        'builtin',
        'reversible',
        'warn',
        'this CA is DISABLED, not revoked: CCM can enable it again. To end it, delete it, or enable it and plan again to revoke it',
        ['hw-prod/ccm/ca/b7c8d9e0-1f2a-4b3c-9d4e-5f6a7b8c9d01'],
      ],
      [
        'builtin',
        'reversible',
        'warn',
        'this CA is PENDING, not revoked: it can still be activated. To end it, delete it',
        ['hw-prod/ccm/ca/d9e8f7a6-b5c4-4d3e-9f2a-1b0c9d8e7f63'],
      ],
    ]);
    const cli = await runCli(['plan', 'plan.yaml'], ws.dir, DEMO_ENV);
    // A warning does not block: nothing to apply, exit 0.
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('warn builtin/reversible [built in]: this CA is DISABLED, not revoked');
  });
});

describe('fails closed', () => {
  it('a read that fails after every retry aborts the plan, names the read, and prints no plan', async () => {
    const revocations = `    - {id: kms-a, type: huaweicloud.kms.grant, account: hw-prod, select: {keyIds: [${KEY}]}}\n    - {id: esa-all, type: alibabacloud.esa.client-certificate, account: ali-prod, select: {siteId: ${SITE}}}\n`;
    const { url, ws } = await setup(seed({ grants: 250, certificates: 10 }), planOf(revocations));
    await adminCall(url, 'POST', '/_emulator/faults', { errorRate: 1 });
    const result = await ws.plan('plan.yaml');
    expect(result.plan).toBeUndefined();
    expect(result.diagnostics.length).toBeGreaterThan(0);
    expect(result.diagnostics.some((d) => /kms ListGrants: HTTP 500 KMS\.0501/.test(d.message))).toBe(true);
    // A failed list is located at its revocation; a failed identity read at its account in the config.
    expect(result.diagnostics.map((d) => [d.range?.file, d.message.replace(/:.*/s, '')]).sort()).toEqual([
      ['plan.yaml', 'alibabacloud esa ListClientCertificates'],
      ['plan.yaml', 'huaweicloud kms ListGrants'],
      ['rescind.config.yaml', 'alibabacloud sts GetCallerIdentity'],
      ['rescind.config.yaml', 'huaweicloud iam ShowPermanentAccessKey'],
    ]);

    const cli = await runCli(['plan', 'plan.yaml'], ws.dir, DEMO_ENV);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toBe('');
    expect(cli.stderr).toMatch(/^plan\.yaml:\d+:\d+: error cloud\.(error|unreachable): /m);
  }, 60_000);
});

describe('the plan of every state', () => {
  it('is what the renderers are tested on: test/golden/render/every-state/plan.json', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { sealed } = await import('../../src/plan/model.js');
    const { renderPlanJson } = await import('../../src/render/plan/json.js');
    const { fixture, repoRoot } = await import('../helpers/paths.js');
    const ws = workspace(builtinConfig, {
      'every-state.yaml': fixture('plans/plan/every-state.yaml'),
      'policy.yaml': fixture('plans/plan/policy.yaml'),
    });
    stops.push(() => ws.close());
    const result = await ws.plan('every-state.yaml', { policies: ['policy.yaml'] });
    if (result.plan === undefined) throw new Error(`no plan: ${JSON.stringify(result.diagnostics)}`);
    // A missing target is an error of the plan, shown in it too.
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['plan.missing', 'hw-prod/ccm/ca/00000000-0000-4000-8000-000000000000 does not exist'],
    ]);
    // The built-in emulator's state has an id of its own, new in each workspace: fixed as checked in.
    const { digest: _digest, ...content } = JSON.parse(
      JSON.stringify(result.plan).replace(/"builtin:[0-9a-f]{16}"/g, '"builtin:00000000000000aa"'),
    );
    const checkedIn = readFileSync(join(repoRoot, 'test/golden/render/every-state/plan.json'), 'utf8');
    expect(renderPlanJson(sealed(content))).toBe(checkedIn);
  });
});
