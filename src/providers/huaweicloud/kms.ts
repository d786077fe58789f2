// huaweicloud.kms.grant: a grant on a Huawei Cloud KMS key. Read and verify list
// the key's grants to the end (marker paging); a grant absent from the list is
// revoked. Revoke is CancelGrant with a fresh request sequence on every call.

import { randomUUID } from 'node:crypto';
import type { CallResult } from '../../http/client.js';
import { isRecord, revokeWith, shared } from '../common.js';
import { problem } from '../diagnose.js';
import { type ListDeclaration, type Listed, listAll, markerPage } from '../lists.js';
import type { Observation, ProviderAccount, ProviderRequest, RevocationType } from '../types.js';
import { isNotFound, projectScope, send } from './common.js';

type Kms = RevocationType<KmsGrantTarget, Record<string, never>, KmsGrantSelect, KmsGrantRecord>;

/** KmsGrantTarget is one grant (schemas/types/huaweicloud.kms.grant.schema.json). */
export interface KmsGrantTarget {
  projectId?: string;
  keyId: string;
  grantId: string;
}

/** KmsGrantSelect is every grant on keyIds that matches all the given filters. */
export interface KmsGrantSelect {
  projectId?: string;
  keyIds: string[];
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
  return {
    ask: (at) => {
      const marker = at.marker === undefined ? {} : { marker: at.marker };
      const body = { key_id: keyId, limit: String(PAGE_SIZE), ...marker };
      return kms(req.account, projectId, 'ListGrants', 'list-grants', body, req.signal);
    },
    what: `KMS ListGrants of key ${keyId}`,
    paging: { by: 'marker', size: PAGE_SIZE, noun: 'grants' },
    envelope: markerPage('grants', 'returned no grants list'),
    isRow: (row): row is KmsGrantRecord =>
      isRecord(row) && typeof row.grant_id === 'string' && row.grant_id !== '',
    id: (grant) => grant.grant_id.toLowerCase(),
    invalid: 'returned a grant without a grant_id',
    missing: isNotFound,
  };
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

const expand: Required<Kms>['expand'] = async (req) => {
  const sel = req.select;
  const where = `${req.account.name}/kms/select`;
  const project = projectScope(req.account, sel.projectId, where);
  if ('diagnostic' in project) return { targets: [], diagnostics: [project.diagnostic] };
  const targets: { target: KmsGrantTarget; observation: Observation<KmsGrantRecord> }[] = [];
  for (const keyId of sel.keyIds) {
    const listed = await listGrants(req, project.projectId, keyId, `${req.account.name}/kms/${keyId}`);
    if ('diagnostic' in listed) return { targets: [], diagnostics: [listed.diagnostic] };
    if ('missing' in listed) {
      const message = `KMS key ${keyId} does not exist in project ${project.projectId}`;
      return { targets: [], diagnostics: [problem('cloud.not-found', message, where)] };
    }
    for (const grant of listed.rows) {
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
  read,
  revoke,
} as const satisfies Kms;
