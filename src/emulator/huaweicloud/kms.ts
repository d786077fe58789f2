// Huawei Cloud KMS in the emulator: CancelGrant (revoke-grant; only the key's creator,
// with a grant of that key), ListKeys, ListGrants and ListRetirableGrants (paged by limit
// and marker; next_marker and truncated are strings). KMS's nested error shape.

import {
  type CloudResponse,
  type HuaweiRequest,
  type JsonObject,
  parseJsonObject,
  type Store,
  unknownKey,
} from '../cloud.js';
import type { HuaweiService, PathRoute } from '../service.js';
import type { KmsGrant, KmsKey } from '../state.js';
import { kmsError } from './errors.js';

/** KMS_OPERATIONS are the KMS operations of the emulator. */
export const KMS_OPERATIONS = ['CancelGrant', 'ListKeys', 'ListGrants', 'ListRetirableGrants'] as const;
/** KmsOperation is a KMS operation. */
export type KmsOperation = (typeof KMS_OPERATIONS)[number];

const KMS_PATHS: readonly PathRoute<KmsOperation>[] = [
  { method: 'POST', path: '/v1.0/{project_id}/kms/revoke-grant', op: 'CancelGrant' },
  { method: 'POST', path: '/v1.0/{project_id}/kms/list-keys', op: 'ListKeys' },
  { method: 'POST', path: '/v1.0/{project_id}/kms/list-grants', op: 'ListGrants' },
  { method: 'POST', path: '/v1.0/{project_id}/kms/list-retirable-grants', op: 'ListRetirableGrants' },
];

/** kmsService is KMS in the emulator's registry (services.ts). */
export const kmsService: HuaweiService<'kms', KmsOperation> = {
  service: 'kms',
  cloud: 'huaweicloud',
  routing: { style: 'path', paths: KMS_PATHS },
  operations: KMS_OPERATIONS,
  paged: ['ListKeys', 'ListGrants', 'ListRetirableGrants'],
  handle: handleKms,
  internalError: () => kmsError(500, 'KMS.0501', 'Internal service error.'),
};

const KEY_ID = /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/;
const GRANT_ID = /^[A-Fa-f0-9]{64}$/;
/** MAX_LIMIT is the largest page of list-grants: the most grants a key can have. */
const MAX_LIMIT = 100;
/** MAX_KEYS_LIMIT is the largest page of list-keys, and its default (the API reference: 1 to 2000, default 2000). */
const MAX_KEYS_LIMIT = 2000;
/** KEY_SPECS are the key_spec values of list-keys; ALL lists every key, the default AES_256 only those. */
const KEY_SPECS = ['AES_256', 'SM4', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_P256', 'EC_P384', 'SM2', 'ALL'];

/** handleKms answers the KMS operations. */
export function handleKms(req: HuaweiRequest<KmsOperation>, store: Store): CloudResponse {
  const projectId = req.params.project_id ?? '';
  const scope = req.headers['x-project-id'];
  if (scope !== undefined && scope !== projectId) {
    return kmsError(400, 'KMS.0201', 'Invalid request URL: X-Project-Id is not the project of the URL.');
  }
  const parsed = parseJsonObject(req.body);
  if ('error' in parsed) return badJson(parsed.error);
  const body = parsed.value;
  const keys = (store.state.huaweicloud?.kms?.keys ?? []).filter((k) => k.project_id === projectId);
  if (req.op === 'ListRetirableGrants') return listRetirable(req, store, body ?? {}, keys);
  if (body === undefined) return missing('the request body');
  const sequence = checkSequence(body);
  if (sequence !== undefined) return sequence;
  if (req.op === 'ListKeys') return listKeys(store, body, keys);
  if (req.op === 'ListGrants') return listGrants(store, body, keys);
  return cancelGrant(req, store, body, keys);
}

function cancelGrant(req: HuaweiRequest, store: Store, body: JsonObject, keys: KmsKey[]): CloudResponse {
  const extra = unknownKey(body, ['key_id', 'grant_id', 'sequence']);
  if (extra !== undefined) return badJson(`unknown field ${extra}`);
  if (body.key_id === undefined) return missing('key_id');
  if (body.grant_id === undefined) return missing('grant_id');
  if (typeof body.key_id !== 'string' || !KEY_ID.test(body.key_id)) return invalidKey();
  if (typeof body.grant_id !== 'string' || !GRANT_ID.test(body.grant_id)) return invalidGrant();
  const key = keys.find((k) => k.key_id === body.key_id);
  if (key === undefined) return keyNotFound(body.key_id);
  if (key.creator !== req.caller.userId) {
    return kmsError(403, 'KMS.0303', 'Forbidden: only the creator of the key can revoke its grants.');
  }
  const grantId = body.grant_id.toLowerCase();
  const grants = key.grants ?? [];
  const index = grants.findIndex((g) => g.grant_id.toLowerCase() === grantId);
  if (index < 0) {
    const elsewhere = keys.some((k) => (k.grants ?? []).some((g) => g.grant_id.toLowerCase() === grantId));
    return elsewhere ? kmsError(400, 'KMS.0311', 'grant_id and key_id do not match.') : invalidGrant();
  }
  grants.splice(index, 1);
  store.changed();
  return { status: 200, body: {} };
}

// list-keys: the project's keys (of key_spec AES_256 unless the request names another, or ALL), paged,
// as key IDs and KeyDetails; the seed's fields of a key but project_id, creator and grants.
function listKeys(store: Store, body: JsonObject, keys: KmsKey[]): CloudResponse {
  const extra = unknownKey(body, [
    'limit',
    'marker',
    'key_state',
    'key_spec',
    'enterprise_project_id',
    'sequence',
  ]);
  if (extra !== undefined) return badJson(`unknown field ${extra}`);
  if (body.marker !== undefined && body.limit === undefined) return badJson('marker must be sent with limit');
  const state = body.key_state;
  if (state !== undefined && !(typeof state === 'string' && /^[1-5]$/.test(state))) {
    return badJson('key_state must be one of "1" to "5"');
  }
  const spec = body.key_spec ?? 'AES_256';
  if (typeof spec !== 'string' || !KEY_SPECS.includes(spec)) {
    return badJson(`key_spec must be one of ${KEY_SPECS.join(', ')}`);
  }
  const project = body.enterprise_project_id;
  if (
    project !== undefined &&
    !(typeof project === 'string' && project.length >= 1 && project.length <= 36)
  ) {
    return badJson('enterprise_project_id must be "all" or an enterprise project ID of up to 36 characters');
  }
  const matching = keys
    .map(keyDetails)
    .filter(
      (k) =>
        (spec === 'ALL' || k.key_spec === spec) &&
        (state === undefined || k.key_state === state) &&
        (project === undefined || project === 'all' || (k.sys_enterprise_project_id ?? '0') === project),
    );
  const paging = readPaging(store, 'ListKeys', body, matching.length, MAX_KEYS_LIMIT);
  if ('status' in paging) return paging;
  const { items, total, next } = store.pager.page('ListKeys', matching, paging.start, paging.limit);
  return {
    status: 200,
    body: {
      keys: items.map((k) => k.key_id),
      key_details: items,
      ...markers(next),
      total,
    },
  };
}

// A key as list-keys details it: its seed fields but the emulator's (project, creator, grants), with
// the state and spec every key has (enabled, AES_256) when the seed gives none.
function keyDetails(key: KmsKey): KmsKeyDetails {
  const { project_id: _p, creator: _c, grants: _g, key_id, ...rest } = key;
  return { key_id, key_state: '2', key_spec: 'AES_256', ...rest };
}

/** KmsKeyDetails is a KeyDetails item of list-keys. */
interface KmsKeyDetails extends Record<string, unknown> {
  key_id: string;
  key_state: string;
  key_spec: string;
  sys_enterprise_project_id?: string;
}

function listGrants(store: Store, body: JsonObject, keys: KmsKey[]): CloudResponse {
  const extra = unknownKey(body, ['key_id', 'limit', 'marker', 'sequence']);
  if (extra !== undefined) return badJson(`unknown field ${extra}`);
  if (body.key_id === undefined) return missing('key_id');
  if (typeof body.key_id !== 'string' || !KEY_ID.test(body.key_id)) return invalidKey();
  const key = keys.find((k) => k.key_id === body.key_id);
  if (key === undefined) return keyNotFound(body.key_id);
  return grantsPage(
    store,
    'ListGrants',
    body,
    (key.grants ?? []).map((g) => withKey(g, key)),
  );
}

function listRetirable(req: HuaweiRequest, store: Store, body: JsonObject, keys: KmsKey[]): CloudResponse {
  const extra = unknownKey(body, ['limit', 'marker', 'sequence']);
  if (extra !== undefined) return badJson(`unknown field ${extra}`);
  const sequence = checkSequence(body);
  if (sequence !== undefined) return sequence;
  const grants = keys.flatMap((k) =>
    (k.grants ?? []).filter((g) => g.retiring_principal === req.caller.userId).map((g) => withKey(g, k)),
  );
  return grantsPage(store, 'ListRetirableGrants', body, grants);
}

// A ListGrants item: the seed's fields verbatim, with the key_id of the key that holds it.
function withKey(grant: KmsGrant, key: KmsKey): KmsGrant {
  return grant.key_id === undefined ? { key_id: key.key_id, ...grant } : grant;
}

// One page of grants: limit (a string, or a number as Terraform sends it) and marker (a previous next_marker).
function grantsPage(store: Store, op: KmsOperation, body: JsonObject, grants: KmsGrant[]): CloudResponse {
  const paging = readPaging(store, op, body, grants.length, MAX_LIMIT);
  if ('status' in paging) return paging;
  const { items, total, next } = store.pager.page(op, grants, paging.start, paging.limit);
  return { status: 200, body: { grants: items, ...markers(next), total } };
}

// limit (a string, or a number as Terraform sends it; default and maximum max) and marker (a previous
// next_marker: the index of the next item, as a string) of a list of length items.
function readPaging(
  store: Store,
  op: KmsOperation,
  body: JsonObject,
  length: number,
  max: number,
): { start: number; limit: number } | CloudResponse {
  let limit = max;
  if (body.limit !== undefined) {
    const text = typeof body.limit === 'number' ? String(body.limit) : body.limit;
    const n = typeof text === 'string' && /^[0-9]{1,5}$/.test(text) ? Number(text) : Number.NaN;
    if (!(n >= 1 && n <= max)) return badJson(`limit must be a whole number from 1 to ${max}`);
    limit = n;
  }
  let start = 0;
  if (body.marker !== undefined && body.marker !== '') {
    const m = body.marker;
    const n = typeof m === 'string' && /^[0-9]{1,9}$/.test(m) ? Number(m) : Number.NaN;
    if (!(n >= 0 && (n <= length || store.pager.endless(op)))) {
      return badJson('marker is not a next_marker of this list');
    }
    start = n;
  }
  return { start, limit };
}

// next_marker and truncated, both strings: "" and "false" on the last page.
function markers(next: number | undefined): { next_marker: string; truncated: 'true' | 'false' } {
  return next === undefined
    ? { next_marker: '', truncated: 'false' }
    : { next_marker: String(next), truncated: 'true' };
}

function checkSequence(body: JsonObject): CloudResponse | undefined {
  const s = body.sequence;
  if (s === undefined || (typeof s === 'string' && s.length === 36)) return undefined;
  return kmsError(400, 'KMS.0206', 'Invalid sequence number.');
}

function badJson(detail: string): CloudResponse {
  return kmsError(400, 'KMS.0202', `Invalid JSON format of the request message: ${detail}.`);
}

function missing(what: string): CloudResponse {
  return kmsError(400, 'KMS.0204', `Parameters missing in the request message: ${what}.`);
}

function invalidKey(): CloudResponse {
  return kmsError(400, 'KMS.0205', 'Invalid key ID.');
}

function invalidGrant(): CloudResponse {
  return kmsError(400, 'KMS.0310', 'Invalid grant ID.');
}

function keyNotFound(keyId: string): CloudResponse {
  return kmsError(404, 'KMS.0404', `The key ${keyId} does not exist.`);
}
