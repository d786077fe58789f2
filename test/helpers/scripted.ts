// A scripted revocation type for the engine's unit tests: credentials held in memory, reads, revokes and
// verifications that answer as a script says (a failure for the next N calls, a revoke that does not
// take, a record that changes), and every call counted. No network, no emulator: the planner and the
// executor are tested alone, their decisions and their scheduling.

import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import type { Types } from '../../src/engine/types.js';
import type { PlannedTarget } from '../../src/plan/model.js';
import { fingerprintOf } from '../../src/plan/model.js';
import type {
  AnyRevocationType,
  Fields,
  Observation,
  ProviderAccount,
  ReadResponse,
  RevokeResponse,
  VerifyResponse,
} from '../../src/providers/types.js';

/** Credential is one credential of the script: its state and record. */
export interface Credential {
  state: 'active' | 'revoked' | 'absent';
  record: { id: string; holder: string; [field: string]: unknown };
}

/** Script is how the scripted cloud answers; every counter counts down as calls come. */
export interface Script {
  /** credentials by id. */
  credentials: Map<string, Credential>;
  /** readFailures: the next N reads (of any target) fail with this diagnostic code. */
  readFailures?: { count: number; code: Diagnostic['code']; message?: string };
  /** revokeFailures: the next N revoke calls fail so. */
  revokeFailures?: { count: number; code: Diagnostic['code']; message?: string };
  /** sticky: revokes of these ids answer success but do not take. */
  sticky?: Set<string>;
  /** shared: targets share one list read (one listKey, a group). */
  shared?: boolean;
  /** observable false: a type no API reads (reads say unknown). */
  observable?: boolean;
}

/** Calls counts each kind of call made. */
export interface Calls {
  read: number;
  revoke: number;
  verify: number;
  order: string[];
}

/** scriptedType is a revocation type whose cloud is script; calls counts what it was asked. */
export function scriptedType(script: Script): { type: AnyRevocationType; calls: Calls; types: Types } {
  const calls: Calls = { read: 0, revoke: 0, verify: 0, order: [] };
  const fail = (which: 'readFailures' | 'revokeFailures'): Diagnostic | undefined => {
    const f = script[which];
    if (f === undefined || f.count <= 0) return undefined;
    f.count--;
    return { severity: 'error', code: f.code, message: f.message ?? `${f.code} (scripted): HTTP 503` };
  };
  const observe = (id: string): Observation => {
    if (script.observable === false) return { state: 'unknown' };
    const c = script.credentials.get(id);
    if (c === undefined || c.state === 'absent') return { state: 'absent' };
    return { state: c.state, record: structuredClone(c.record) };
  };
  const read = async (target: Fields): Promise<ReadResponse<unknown>> => {
    calls.read++;
    calls.order.push(`read ${String(target.id)}`);
    const failure = fail('readFailures');
    if (failure !== undefined) return { diagnostics: [failure] };
    return { observation: observe(String(target.id)), diagnostics: [] };
  };
  const type: AnyRevocationType = {
    type: 'huaweicloud.kms.grant',
    cloud: 'huaweicloud',
    observable: script.observable !== false,
    absent: 'revoked',
    principals: (_target, record) => {
      const holder = (record as Credential['record'] | undefined)?.holder;
      return holder === undefined ? [] : [holder];
    },
    afterRevoke: () => undefined,
    address: (account, target) => `${account}/scripted/${String(target.id)}`,
    read: (req) => read(req.target),
    ...(script.shared === true ? { listKey: () => 'one-list' } : {}),
    revoke: async (req): Promise<RevokeResponse> => {
      calls.revoke++;
      const id = String(req.target.id);
      calls.order.push(`revoke ${id}`);
      const failure = fail('revokeFailures');
      if (failure !== undefined) return { outcome: 'failed', diagnostics: [failure] };
      const c = script.credentials.get(id);
      if (c !== undefined && script.sticky?.has(id) !== true) c.state = 'revoked';
      return { outcome: 'revoked', requestId: `req-${id}-${calls.revoke}`, diagnostics: [] };
    },
    verify: async (req): Promise<VerifyResponse<unknown>> => {
      calls.verify++;
      const r = await read(req.target);
      calls.read--;
      if (r.observation === undefined) return { verdict: 'not-verified', diagnostics: r.diagnostics };
      const done = r.observation.state === 'revoked' || r.observation.state === 'absent';
      return { verdict: done ? 'verified' : 'not-verified', observation: r.observation, diagnostics: [] };
    },
  };
  const types: Types = {
    providerOf: () => type,
    whoami: {
      huaweicloud: async () => ({ caller: { ids: ['me'], roots: ['root'] }, diagnostics: [] }),
      alibabacloud: async () => ({ caller: { ids: ['me'], roots: ['root'] }, diagnostics: [] }),
    },
  };
  return { type, calls, types };
}

/** scriptedAccount is an opened account that never calls anything itself: the scripted type answers. */
export const scriptedAccount: ProviderAccount = {
  name: 'acct',
  cloud: 'huaweicloud',
  region: 'ap-southeast-1',
  endpoint: () => 'https://scripted.invalid',
  endpoints: {},
  http: {} as ProviderAccount['http'],
};

/** plannedTarget is a target of the scripted type as a plan holds it, with the state it was planned in. */
export function plannedTarget(
  id: string,
  credential: Credential | undefined,
  action?: PlannedTarget['action'],
): PlannedTarget {
  const before: PlannedTarget['before'] =
    credential === undefined || credential.state === 'absent'
      ? { state: 'absent' }
      : { state: credential.state, record: structuredClone(credential.record) };
  return {
    address: `acct/scripted/${id}`,
    type: 'huaweicloud.kms.grant',
    account: 'acct',
    ids: ['r'],
    target: { id },
    with: {},
    action: action ?? (before.state === 'active' ? 'revoke' : 'already-revoked'),
    before,
    fingerprint: fingerprintOf(before),
  };
}
