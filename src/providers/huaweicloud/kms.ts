// huaweicloud.kms.grant: a grant on a Huawei Cloud KMS key. Read and verify list
// the key's grants to the end (marker paging); a grant absent from the list is
// revoked. Revoke is CancelGrant with a fresh request sequence on every call.

import { randomUUID } from 'node:crypto';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { isRecord, listGuard, revokeAndCheck, verifyByRead, withSignal } from '../common.js';
import { callFailed, problem } from '../diagnose.js';
import type {
  ExpandRequest,
  ExpandResponse,
  Observation,
  ProviderAccount,
  ProviderRequest,
  ReadRequest,
  ReadResponse,
  RevocationType,
  RevokeRequest,
  RevokeResponse,
  VerifyRequest,
  VerifyResponse,
} from '../types.js';
import { isNotFound, projectScope } from './common.js';

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
const PAGE_SIZE = '100';

// A key's grants in list order, and by lower-case grant id: a thousand targets on a key look up, not scan.
type Listed =
  | { grants: KmsGrantRecord[]; byId: ReadonlyMap<string, KmsGrantRecord> }
  | { missing: true }
  | { diagnostic: Diagnostic };

// The grants of one key, listed once per plan when reads are shared.
function listGrants(
  req: ProviderRequest,
  projectId: string,
  keyId: string,
  address: string,
): Promise<Listed> {
  const fetch = () => fetchGrants(req.account, projectId, keyId, address, req.signal);
  return req.reads === undefined
    ? fetch()
    : req.reads.load(`kms ${req.account.name} ${projectId} ${keyId.toLowerCase()}`, fetch);
}

// Every page of the key's grants. A grant listed twice (by id, without case) is kept once, in its first
// place, as last listed (what ESA does): marker paging resumes after the last grant given, so a repeat is
// the same grant again, and a selector must not make two targets of one grant.
async function fetchGrants(
  account: ProviderAccount,
  projectId: string,
  keyId: string,
  address: string,
  signal: AbortSignal | undefined,
): Promise<Listed> {
  const unexpected = (why: string): Listed => ({
    diagnostic: problem('cloud.unexpected', `KMS ListGrants of key ${keyId} ${why}`, address),
  });
  const guard = listGuard();
  const byId = new Map<string, KmsGrantRecord>();
  let marker: string | undefined;
  try {
    for (;;) {
      const pages = guard.page();
      if (pages !== undefined) return unexpected(pages);
      const result = await account.http.call({
        method: 'POST',
        url: `${account.endpoint('kms')}/v1.0/${projectId}/kms/list-grants`,
        headers: { 'x-project-id': projectId },
        body: { key_id: keyId, limit: PAGE_SIZE, ...(marker === undefined ? {} : { marker }) },
        service: 'kms',
        operation: 'ListGrants',
        ...withSignal(signal),
      });
      const body = result.body;
      const rid = `(request id ${result.requestId ?? 'none'})`;
      if (!isRecord(body) || !Array.isArray(body.grants)) return unexpected(`returned no grants list ${rid}`);
      const rows = guard.rows(body.grants.length, 'grants');
      if (rows !== undefined) return unexpected(rows);
      for (const grant of body.grants as unknown[]) {
        if (!isRecord(grant) || typeof grant.grant_id !== 'string' || grant.grant_id === '')
          return unexpected(`returned a grant without a grant_id ${rid}`);
        byId.set(grant.grant_id.toLowerCase(), grant as unknown as KmsGrantRecord);
      }
      // truncated is the string "true"/"false" in both SDKs; a boolean is accepted too.
      const more = body.truncated === 'true' || body.truncated === true;
      if (!more) return { grants: [...byId.values()], byId };
      if (typeof body.next_marker !== 'string' || body.next_marker === '')
        return unexpected('is truncated without a next_marker');
      const cycle = guard.token('next_marker', body.next_marker);
      if (cycle !== undefined) return unexpected(cycle);
      marker = body.next_marker;
    }
  } catch (e) {
    if (isNotFound(e)) return { missing: true };
    return { diagnostic: callFailed(e, address) };
  }
}

// Grant ids are compared without case (KMS lists them lower-case): the address is lower-case too.
function address(account: string, t: KmsGrantTarget): string {
  return `${account}/kms/${t.keyId.toLowerCase()}/grant/${t.grantId.toLowerCase()}`;
}

async function read(req: ReadRequest<KmsGrantTarget>): Promise<ReadResponse<KmsGrantRecord>> {
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
}

async function expand(
  req: ExpandRequest<KmsGrantSelect>,
): Promise<ExpandResponse<KmsGrantTarget, KmsGrantRecord>> {
  const sel = req.select;
  const where = `${req.account.name}/kms/select`;
  const project = projectScope(req.account, sel.projectId, where);
  if ('diagnostic' in project) return { targets: [], diagnostics: [project.diagnostic] };
  const targets: ExpandResponse<KmsGrantTarget, KmsGrantRecord>['targets'] = [];
  for (const keyId of sel.keyIds) {
    const listed = await listGrants(req, project.projectId, keyId, `${req.account.name}/kms/${keyId}`);
    if ('diagnostic' in listed) return { targets: [], diagnostics: [listed.diagnostic] };
    if ('missing' in listed) {
      const message = `KMS key ${keyId} does not exist in project ${project.projectId}`;
      return { targets: [], diagnostics: [problem('cloud.not-found', message, where)] };
    }
    for (const grant of listed.grants) {
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
}

async function revoke(req: RevokeRequest<KmsGrantTarget, Record<string, never>>): Promise<RevokeResponse> {
  const where = address(req.account.name, req.target);
  const project = projectScope(req.account, req.target.projectId, where);
  if ('diagnostic' in project) return { outcome: 'failed', diagnostics: [project.diagnostic] };
  const call = () =>
    req.account.http.call({
      method: 'POST',
      url: `${req.account.endpoint('kms')}/v1.0/${project.projectId}/kms/revoke-grant`,
      headers: { ...project.headers, 'content-type': 'application/json;charset=UTF-8' },
      // sequence: a 36-byte request sequence number, new for every call.
      body: { key_id: req.target.keyId, grant_id: req.target.grantId, sequence: randomUUID() },
      service: 'kms',
      operation: 'CancelGrant',
      ...withSignal(req.signal),
    });
  return revokeAndCheck(where, call, () => read(req));
}

/** verify: the grant is absent from ListGrants (what Terraform checks). */
function verify(req: VerifyRequest<KmsGrantTarget, KmsGrantRecord>): Promise<VerifyResponse<KmsGrantRecord>> {
  return verifyByRead(() => read(req));
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
  sharedBy: (target: KmsGrantTarget) => `${target.projectId ?? ''}/${target.keyId.toLowerCase()}`,
  address,
  expand,
  read,
  revoke,
  verify,
} as const satisfies RevocationType<KmsGrantTarget, Record<string, never>, KmsGrantSelect, KmsGrantRecord>;
