// huaweicloud.kms.grant: a grant on a Huawei Cloud KMS key. Read and verify list
// the key's grants to the end (marker paging); a grant absent from the list is
// revoked. Revoke is CancelGrant with a fresh request sequence on every call.

import { randomUUID } from 'node:crypto';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { CallResult } from '../../http/client.js';
import { isRecord, revokeWith, shared } from '../common.js';
import { problem } from '../diagnose.js';
import { type ListDeclaration, type Listed, listAll, markerPage } from '../lists.js';
import type { Discovered, Observation, ProviderAccount, ProviderRequest, RevocationType } from '../types.js';
import { isNotFound, projectScope, send } from './common.js';

type Kms = RevocationType<KmsGrantTarget, Record<string, never>, KmsGrantSelect, KmsGrantRecord>;

/** KmsGrantTarget is one grant (schemas/types/huaweicloud.kms.grant.schema.json). */
export interface KmsGrantTarget {
  projectId?: string;
  keyId: string;
  grantId: string;
}

/** KmsGrantSelect is every grant on keyIds (every key of the project when absent) that matches all the given filters. */
export interface KmsGrantSelect {
  projectId?: string;
  keyIds?: string[];
  granteePrincipal?: string;
  granteePrincipalType?: 'user' | 'domain';
  name?: string;
}

/** KmsGrantRecord is a ListGrants item, as the cloud returns it. */
export interface KmsGrantRecord {
  key_id?: string;
  grant_id: string;
  grantee_principal?: string;
  grantee_principal_type?: string;
  operations?: string[];
  name?: string;
  issuing_principal?: string;
  retiring_principal?: string;
  creation_date?: string;
  [field: string]: unknown;
}

// KMS documents a limit "within the maximum number of grants"; 100 is what Terraform sends.
const PAGE_SIZE = 100;

/**
 * grantsList declares ListGrants of one key (marker paging). Grant ids are compared without case: a
 * grant listed twice is kept once (marker paging resumes after the last grant given, so a repeat is the
 * same grant again).
 */
export function grantsList(
  req: ProviderRequest,
  projectId: string,
  keyId: string,
): ListDeclaration<KmsGrantRecord> {
  return kmsList<KmsGrantRecord>(req, projectId, {
    operation: 'ListGrants',
    body: { key_id: keyId, limit: String(PAGE_SIZE) },
    size: PAGE_SIZE,
    what: `KMS ListGrants of key ${keyId}`,
    rows: ['grants', 'grant_id'],
    invalid: 'returned a grant without a grant_id',
  });
}

/** KmsKeyDetails is a ListKeys `key_details` item, as the cloud returns it. */
export interface KmsKeyDetails {
  key_id: string;
  key_alias?: string;
  key_state?: string;
  key_spec?: string;
  [field: string]: unknown;
}

// ListKeys takes a limit of 1 to 2000 (docs/emulator.md).
const KEYS_PAGE_SIZE = 2000;

/** keysList declares ListKeys of a project: every key of every spec (key_spec ALL), marker paging. */
export function keysList(req: ProviderRequest, projectId: string): ListDeclaration<KmsKeyDetails> {
  return kmsList<KmsKeyDetails>(req, projectId, {
    operation: 'ListKeys',
    body: { limit: String(KEYS_PAGE_SIZE), key_spec: 'ALL' },
    size: KEYS_PAGE_SIZE,
    what: `KMS ListKeys of project ${projectId}`,
    rows: ['key_details', 'key_id'],
    invalid: 'listed a key without a key_id',
  });
}

// A KMS list: POST /v1.0/{project}/kms/{list-...} with the body and the marker, its rows in a field and
// each identified (without case) by one of its own fields, paged by marker; a key that does not
// exist (KMS.xxxx not found) is the list's owner missing.
function kmsList<Row extends Record<string, unknown>>(
  req: ProviderRequest,
  projectId: string,
  list: {
    operation: 'ListGrants' | 'ListKeys';
    body: Record<string, unknown>;
    size: number;
    what: string;
    rows: [field: string, id: string];
    invalid: string;
  },
): ListDeclaration<Row> {
  const [field, idField] = list.rows;
  const action = list.operation === 'ListKeys' ? 'list-keys' : 'list-grants';
  return {
    ask: (at) => {
      const body = at.marker === undefined ? list.body : Object.assign({}, list.body, { marker: at.marker });
      return kms(req.account, projectId, list.operation, action, body, req.signal);
    },
    what: list.what,
    paging: { by: 'marker', size: list.size, noun: field === 'grants' ? 'grants' : 'keys' },
    envelope: markerPage(field, `returned no ${field} list`),
    isRow: (row): row is Row => isRecord(row) && typeof row[idField] === 'string' && row[idField] !== '',
    id: (row) => String(row[idField]).toLowerCase(),
    invalid: list.invalid,
    missing: isNotFound,
  };
}

// The keys of a project, listed once per plan when reads are shared.
function listKeys(req: ProviderRequest, projectId: string): Promise<Listed<KmsKeyDetails>> {
  return shared(req, `kms keys ${projectId}`, () =>
    listAll(keysList(req, projectId), `${req.account.name}/kms`),
  );
}

// The grants of one key, listed once per plan when reads are shared.
function listGrants(
  req: ProviderRequest,
  projectId: string,
  keyId: string,
  address: string,
): Promise<Listed<KmsGrantRecord>> {
  return shared(req, `kms ${projectId} ${keyId.toLowerCase()}`, () =>
    listAll(grantsList(req, projectId, keyId), address),
  );
}

// Grant ids are compared without case (KMS lists them lower-case): the address is lower-case too.
function address(account: string, t: KmsGrantTarget): string {
  return `${account}/kms/${t.keyId.toLowerCase()}/grant/${t.grantId.toLowerCase()}`;
}

const read: Kms['read'] = async (req) => {
  const where = address(req.account.name, req.target);
  const project = projectScope(req.account, req.target.projectId, where);
  if ('diagnostic' in project) return { diagnostics: [project.diagnostic] };
  const listed = await listGrants(
    req,
    project.projectId,
    req.target.keyId,
    `${req.account.name}/kms/${req.target.keyId}`,
  );
  if ('diagnostic' in listed) return { diagnostics: [listed.diagnostic] };
  // A grant that is gone was revoked (KMS forgets revoked grants); a key that is gone is more likely a
  // wrong id than a finished revocation, so it is said, as a selector on it says it.
  if ('missing' in listed) {
    const message = `KMS key ${req.target.keyId} does not exist in project ${project.projectId}`;
    return { diagnostics: [problem('cloud.not-found', message, where)] };
  }
  const wanted = req.target.grantId.toLowerCase();
  const record = listed.byId.get(wanted);
  const observation: Observation<KmsGrantRecord> = record ? { state: 'active', record } : { state: 'absent' };
  return { observation, diagnostics: [] };
};

// The grants of every key named (every key of the project when none is), read at once within the
// caller's concurrency, in key order; the first failure fails them all.
async function grantsOfKeys(
  req: ProviderRequest,
  projectId: string,
  keyIds: readonly string[] | undefined,
  where: string,
): Promise<
  { keys: { keyId: string; alias?: string; grants: KmsGrantRecord[] }[] } | { diagnostic: Diagnostic }
> {
  let keys: { keyId: string; alias?: string }[];
  if (keyIds !== undefined) keys = keyIds.map((keyId) => ({ keyId }));
  else {
    const listed = await listKeys(req, projectId);
    if ('diagnostic' in listed) return listed;
    keys =
      'missing' in listed
        ? []
        : listed.rows.map((k) => ({
            keyId: k.key_id,
            ...(k.key_alias === undefined ? {} : { alias: k.key_alias }),
          }));
  }
  const lists = await Promise.all(
    keys.map((k) => listGrants(req, projectId, k.keyId, `${req.account.name}/kms/${k.keyId}`)),
  );
  const out: { keyId: string; alias?: string; grants: KmsGrantRecord[] }[] = [];
  for (const [i, listed] of lists.entries()) {
    const key = keys[i] as { keyId: string; alias?: string };
    if ('diagnostic' in listed) return listed;
    // A key named that is gone is a wrong id; one listed by ListKeys and gone since had no grants left.
    if ('missing' in listed) {
      if (keyIds === undefined) continue;
      const message = `KMS key ${key.keyId} does not exist in project ${projectId}`;
      return { diagnostic: problem('cloud.not-found', message, where) };
    }
    out.push({ ...key, grants: listed.rows });
  }
  return { keys: out };
}

const expand: Required<Kms>['expand'] = async (req) => {
  const sel = req.select;
  const where = `${req.account.name}/kms/select`;
  const project = projectScope(req.account, sel.projectId, where);
  if ('diagnostic' in project) return { targets: [], diagnostics: [project.diagnostic] };
  const read = await grantsOfKeys(req, project.projectId, sel.keyIds, where);
  if ('diagnostic' in read) return { targets: [], diagnostics: [read.diagnostic] };
  const targets: { target: KmsGrantTarget; observation: Observation<KmsGrantRecord> }[] = [];
  for (const { keyId, grants } of read.keys) {
    for (const grant of grants) {
      if (sel.granteePrincipal !== undefined && grant.grantee_principal !== sel.granteePrincipal) continue;
      if (sel.granteePrincipalType !== undefined && grant.grantee_principal_type !== sel.granteePrincipalType)
        continue;
      if (sel.name !== undefined && grant.name !== sel.name) continue;
      const target: KmsGrantTarget = {
        ...(sel.projectId === undefined ? {} : { projectId: sel.projectId }),
        keyId,
        grantId: grant.grant_id,
      };
      targets.push({ target, observation: { state: 'active', record: grant } });
    }
  }
  return { targets, diagnostics: [] };
};

/** discover: the grants to the user, on every key of the account's project (ListKeys, then ListGrants of each). */
const discover: Required<Kms>['discover'] = async (req) => {
  const userId = req.query.userId;
  if (userId === undefined) return { found: [], diagnostics: [] };
  const where = `${req.account.name}/kms`;
  const project = projectScope(req.account, undefined, where);
  if ('diagnostic' in project) return { found: [], diagnostics: [project.diagnostic] };
  const read = await grantsOfKeys(req, project.projectId, undefined, where);
  if ('diagnostic' in read) return { found: [], diagnostics: [read.diagnostic] };
  const found: Discovered<KmsGrantTarget, KmsGrantRecord>[] = [];
  for (const { keyId, alias, grants } of read.keys) {
    for (const grant of grants) {
      if (grant.grantee_principal !== userId) continue;
      const name = grant.name === undefined || grant.name === '' ? 'a grant' : `grant ${grant.name}`;
      const ops = (grant.operations ?? []).join(', ') || 'no operations listed';
      const note = `${name} on key ${alias ?? keyId}: ${ops}`;
      found.push({
        target: { keyId, grantId: grant.grant_id },
        observation: { state: 'active', record: grant },
        note,
      });
    }
  }
  return { found, diagnostics: [] };
};

/** revoke is CancelGrant, with a fresh request sequence on every call. */
const revoke = revokeWith<KmsGrantTarget, Record<string, never>>(
  address,
  (req, where) => {
    const project = projectScope(req.account, req.target.projectId, where);
    if ('diagnostic' in project) return project.diagnostic;
    // sequence: a 36-byte request sequence number, new for every call.
    const body = { key_id: req.target.keyId, grant_id: req.target.grantId, sequence: randomUUID() };
    return () => kms(req.account, project.projectId, 'CancelGrant', 'revoke-grant', body, req.signal);
  },
  read,
);

// One call of KMS: POST /v1.0/{project}/kms/{action}, with a JSON body.
function kms(
  account: ProviderAccount,
  projectId: string,
  operation: string,
  action: string,
  body: Record<string, unknown>,
  signal: AbortSignal | undefined,
): Promise<CallResult> {
  const headers = { 'x-project-id': projectId, 'content-type': 'application/json;charset=UTF-8' };
  return send(
    account,
    'kms',
    operation,
    { method: 'POST', path: `/v1.0/${projectId}/kms/${action}`, headers, body },
    signal,
  );
}

/** kmsGrant is the huaweicloud.kms.grant revocation type. */
export const kmsGrant = {
  type: 'huaweicloud.kms.grant',
  cloud: 'huaweicloud',
  observable: true,
  // A revoked grant is gone from ListGrants: absent is revoked (or never was).
  absent: 'revoked',
  principals: (_target: KmsGrantTarget, record: KmsGrantRecord | undefined) =>
    record?.grantee_principal === undefined ? [] : [record.grantee_principal],
  afterRevoke: () => undefined,
  listKey: (target: KmsGrantTarget) => `${target.projectId ?? ''}/${target.keyId.toLowerCase()}`,
  address,
  expand,
  discover,
  read,
  revoke,
} as const satisfies Kms;
