// The input plan as written (apiVersion rescind/v1, kind RevocationPlan), typed
// after schemas/plan.schema.json. Data of this type has passed that schema.

/** Cloud is a cloud rescind revokes in. */
export type Cloud = 'huaweicloud' | 'alibabacloud';

/** revocationTypes lists every revocation type, in the order of the product specification. */
export const revocationTypes = [
  'huaweicloud.cce.cluster-certificate',
  'huaweicloud.ccm.subordinate-ca',
  'alibabacloud.esa.client-certificate',
  'huaweicloud.kms.grant',
  'alibabacloud.ack.user-permissions',
] as const;

/** RevocationType is the type field of a revocation. */
export type RevocationType = (typeof revocationTypes)[number];

/** cloudOf is the cloud a revocation type revokes in: the part before the first dot. */
export function cloudOf(type: RevocationType): Cloud {
  return type.startsWith('huaweicloud.') ? 'huaweicloud' : 'alibabacloud';
}

/** PlanMetadata names the plan and says why it exists. */
export interface PlanMetadata {
  name: string;
  reason: string;
  ticket?: string;
  owner?: string;
  labels?: Record<string, string>;
}

/** Revocation is one entry of spec.revocations: exactly one of target or select. */
export interface Revocation {
  id: string;
  type: RevocationType;
  account: string;
  description?: string;
  target?: Record<string, unknown>;
  select?: Record<string, unknown>;
  with?: Record<string, unknown>;
}

/** RevocationPlan is a whole plan file. */
export interface RevocationPlan {
  apiVersion: 'rescind/v1';
  kind: 'RevocationPlan';
  metadata: PlanMetadata;
  spec: {
    concurrency?: number;
    revocations: Revocation[];
  };
}
