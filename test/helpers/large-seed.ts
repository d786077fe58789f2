// The large seed of discover's scale test, made in memory (never checked in): one Huawei Cloud
// account (the demo caller and project, so endpointConfig of plan.ts points at it) whose project
// holds 5,000 KMS keys of 20 grants each, a principal holding one grant on every few keys, and
// what discover must find there and how many list pages that takes.

import type { EmulatorState, KmsKey } from '../../src/emulator/state.js';
import { demo, demoIdentities } from './emulator-client.js';

/** LargeKmsOptions size the seed; every field has the scale test's default. */
export interface LargeKmsOptions {
  /** keys in the project; default 5,000. */
  keys?: number;
  /** grantsPerKey on every key; default 20 (at most 100, a list-grants page). */
  grantsPerKey?: number;
  /** every: the principal holds a grant on keys 0, every, 2 × every, …; default 50. */
  every?: number;
}

/** LargeKmsSeed is the seed and what discover must find in it. */
export interface LargeKmsSeed {
  state: EmulatorState;
  /** principal is the Huawei Cloud user ID whose grants discover looks for. */
  principal: string;
  /** expected are the principal's grants, in the order of the keys. */
  expected: { keyId: string; grantId: string }[];
  /**
   * pages is the fewest list calls that read every grant: ListKeys pages at limit 2000 (with
   * key_spec ALL) and one ListGrants page per key at limit 100.
   */
  pages: { ListKeys: number; ListGrants: number };
}

/** LARGE_PRINCIPAL is the user whose grants the large seed scatters; its look-alike holds the others. */
export const LARGE_PRINCIPAL = '5a8c1f0e2b7d4c39a1e6f3b2d9c8e7a1';
const LOOK_ALIKE = '5a8c1f0e2b7d4c39a1e6f3b2d9c8e7a2';

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
/** largeKeyId is the ID of key k of the large seed. */
export const largeKeyId = (k: number) => `5e1ec7ed-0000-4000-8000-${hex(k, 12)}`;
/** largeGrantId is the ID of grant g of key k of the large seed. */
export const largeGrantId = (k: number, g: number) => `${hex(k, 8)}${hex(g, 8)}${'c0ffee00'.repeat(6)}`;

/**
 * largeKmsSeed makes the seed: key k has grantsPerKey grants to other principals (the look-alike
 * LARGE_PRINCIPAL with its last digit changed, and others), but on every every-th key its grant 0
 * is the principal's. Keys alternate AES_256 and (one in ten) RSA_2048, so a ListKeys without
 * key_spec ALL misses some.
 */
export function largeKmsSeed(options: LargeKmsOptions = {}): LargeKmsSeed {
  const keys = options.keys ?? 5000;
  const grantsPerKey = options.grantsPerKey ?? 20;
  const every = options.every ?? 50;
  if (grantsPerKey > 100) throw new RangeError('a key has at most 100 grants (one list-grants page)');
  const expected: LargeKmsSeed['expected'] = [];
  const list: KmsKey[] = [];
  for (let k = 0; k < keys; k++) {
    const keyId = largeKeyId(k);
    const held = k % every === 0;
    const grants = [];
    for (let g = 0; g < grantsPerKey; g++) {
      const grantId = largeGrantId(k, g);
      const mine = held && g === 0;
      if (mine) expected.push({ keyId, grantId });
      grants.push({
        grant_id: grantId,
        grantee_principal: mine ? LARGE_PRINCIPAL : g % 2 === 0 ? LOOK_ALIKE : hex(0xa000 + g, 32),
        grantee_principal_type: 'user' as const,
        operations: ['encrypt-datakey', 'decrypt-datakey'],
        name: `grant-${k}-${g}`,
        creation_date: String(1_700_000_000_000 + k * 1000 + g),
      });
    }
    list.push({
      project_id: demo.projectId,
      key_id: keyId,
      key_alias: `scale/key-${k}`,
      ...(k % 10 === 9 ? { key_spec: 'RSA_2048' } : {}),
      creator: demoIdentities.huaweicloud.userId,
      grants,
    });
  }
  return {
    state: {
      apiVersion: 'rescind/v1',
      kind: 'EmulatorState',
      identities: [demoIdentities.huaweicloud, demoIdentities.alibabacloud],
      huaweicloud: { kms: { keys: list } },
    },
    principal: LARGE_PRINCIPAL,
    expected,
    pages: { ListKeys: Math.max(1, Math.ceil(keys / 2000)), ListGrants: keys },
  };
}
