// The input plan as written (apiVersion rescind/v1, kind RevocationPlan), typed
// after schemas/plan.schema.json. Data of this type has passed that schema.

import type { TypeName } from '../vocabulary.js';

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
  type: TypeName;
  account: string;
  description?: string;
  target?: Record<string, unknown>;
  /** targets are several concrete resources of one type and account (what discover writes). */
  targets?: Record<string, unknown>[];
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
