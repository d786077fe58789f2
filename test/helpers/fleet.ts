// A fleet of credentials for apply tests: an emulator seeded with `keys` KMS keys of `grants` grants each
// and `sites` ESA sites of `certificates` certificates each (all active, all revocable by the demo
// caller), a workspace whose config points both demo accounts at it, and the plan of every one of
// them as explicit targets.

import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import type { EmulatorState } from '../../src/emulator/state.js';
import { adminCall, demo, demoIdentities } from './emulator-client.js';
import { endpointConfig, type Workspace, workspace } from './plan.js';

/** FleetSize says how many credentials of each kind. */
export interface FleetSize {
  keys?: number;
  grants?: number;
  sites?: number;
  certificates?: number;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
/** keyId is the id of key k of a fleet. */
export const keyId = (k: number) => `0d0466b0-e727-4d9c-b35d-${hex(0xa0000 + k, 12)}`;
/** grantId is the id of grant i of key k. */
export const grantId = (k: number, i: number) => hex(k * 100_000 + i + 1, 64);
/** siteId is the id of site s. */
export const siteId = (s: number) => 1234567890100 + s;
/** certificateId is the id of certificate i of site s. */
export const certificateId = (s: number, i: number) => hex(s * 100_000 + i + 1, 32);

/** fleetSeed is the emulator state of a fleet. */
export function fleetSeed(
  size: FleetSize,
  change: (grant: Record<string, unknown>) => void = () => {},
): EmulatorState {
  return {
    apiVersion: 'rescind/v1',
    kind: 'EmulatorState',
    identities: [demoIdentities.huaweicloud, demoIdentities.alibabacloud],
    huaweicloud: {
      kms: {
        keys: Array.from({ length: size.keys ?? 0 }, (_, k) => ({
          project_id: demo.projectId,
          key_id: keyId(k),
          creator: demoIdentities.huaweicloud.userId,
          grants: Array.from({ length: size.grants ?? 0 }, (_, i) => {
            const grant: Record<string, unknown> = {
              grant_id: grantId(k, i),
              grantee_principal: 'aaaa0000aaaa0000aaaa0000aaaa0000',
              grantee_principal_type: 'user',
              operations: ['decrypt-data'],
            };
            change(grant);
            return grant as never;
          }),
        })),
      },
    },
    alibabacloud: {
      esa: {
        sites: Array.from({ length: size.sites ?? 0 }, (_, s) => ({
          SiteId: siteId(s),
          SiteName: `site-${s}.example.com`,
          client_certificates: Array.from({ length: size.certificates ?? 0 }, (_, i) => ({
            Id: certificateId(s, i),
            CommonName: `user-${s}-${i}`,
            Status: 'active' as const,
          })),
        })),
      },
    },
  };
}

/** fleetPlan is the plan of every credential of a fleet, as explicit targets. */
export function fleetPlan(size: FleetSize, name = 'fleet'): string {
  const lines: string[] = [];
  for (let k = 0; k < (size.keys ?? 0); k++) {
    for (let i = 0; i < (size.grants ?? 0); i++) {
      lines.push(
        `    - {id: g-${k}-${i}, type: huaweicloud.kms.grant, account: hw-prod, target: {keyId: ${keyId(k)}, grantId: "${grantId(k, i)}"}}`,
      );
    }
  }
  for (let s = 0; s < (size.sites ?? 0); s++) {
    for (let i = 0; i < (size.certificates ?? 0); i++) {
      lines.push(
        `    - {id: c-${s}-${i}, type: alibabacloud.esa.client-certificate, account: ali-prod, target: {siteId: ${siteId(s)}, certificateId: "${certificateId(s, i)}"}}`,
      );
    }
  }
  return `apiVersion: rescind/v1\nkind: RevocationPlan\nmetadata: {name: ${name}, reason: a test fleet, ticket: SEC-1}\nspec:\n  revocations:\n${lines.join('\n')}\n`;
}

/** Fleet is a running emulator of a fleet and a workspace that plans against it. */
export interface Fleet {
  emulator: RunningEmulator;
  ws: Workspace;
  /** stats are the emulator's request counts by operation, in-flight maxima and throttled count. */
  stats(): Promise<{
    requests: Record<string, number>;
    maxInFlight: Record<string, number>;
    throttled: number;
  }>;
  /** state is the emulator's current state. */
  state(): Promise<EmulatorState>;
  close(): Promise<void>;
}

/** startFleet starts a fleet's emulator and workspace (plan.yaml holds the fleet's plan). */
export async function startFleet(
  size: FleetSize,
  emulator: Omit<EmulatorOptions, 'state'> = {},
): Promise<Fleet> {
  const running = await startEmulator({ ...emulator, state: fleetSeed(size) });
  const ws = workspace(endpointConfig(running.url), { 'plan.yaml': fleetPlan(size) });
  return {
    emulator: running,
    ws,
    stats: async () => (await adminCall(running.url, 'GET', '/_emulator/stats')).json as never,
    state: async () => (await adminCall(running.url, 'GET', '/_emulator/state')).json as EmulatorState,
    close: async () => {
      ws.close();
      await running.close();
    },
  };
}

/** activeIn lists, by address, the fleet's credentials still active in an emulator state. */
export function activeIn(state: EmulatorState): Set<string> {
  const active = new Set<string>();
  for (const key of state.huaweicloud?.kms?.keys ?? []) {
    for (const g of key.grants ?? []) active.add(`hw-prod/kms/${key.key_id}/grant/${g.grant_id}`);
  }
  for (const site of state.alibabacloud?.esa?.sites ?? []) {
    for (const c of site.client_certificates ?? []) {
      if (c.Status === 'active') active.add(`ali-prod/esa/${site.SiteId}/client-certificate/${c.Id}`);
    }
  }
  return active;
}
