// Huawei Cloud CCM (private CA) in the emulator: RevokeCertificateAuthority (only an
// ACTIVED subordinate CA; 204, and its status becomes REVOKED, the emulator's choice),
// ShowCertificateAuthority and ListCertificateAuthority (paged by offset and limit, no
// issuer filter: the API has none). A CA with a domain_id is its account's only. CCM's
// flat error shape.

import {
  type CloudResponse,
  type HuaweiRequest,
  parseJsonObject,
  parseWhole,
  repeatedParam,
  type Store,
  unknownKey,
  unknownParam,
} from '../cloud.js';
import type { HuaweiService, PathRoute } from '../service.js';
import type { CcmCertificateAuthority } from '../state.js';
import { apigwError, ccmError } from './errors.js';

/** CCM_OPERATIONS are the CCM operations of the emulator. */
export const CCM_OPERATIONS = [
  'RevokeCertificateAuthority',
  'ShowCertificateAuthority',
  'ListCertificateAuthority',
] as const;
/** CcmOperation is a CCM operation. */
export type CcmOperation = (typeof CCM_OPERATIONS)[number];

const CCM_PATHS: readonly PathRoute<CcmOperation>[] = [
  {
    method: 'POST',
    path: '/v1/private-certificate-authorities/{ca_id}/revoke',
    op: 'RevokeCertificateAuthority',
  },
  { method: 'GET', path: '/v1/private-certificate-authorities/{ca_id}', op: 'ShowCertificateAuthority' },
  { method: 'GET', path: '/v1/private-certificate-authorities', op: 'ListCertificateAuthority' },
];

/** ccmService is CCM in the emulator's registry (services.ts). */
export const ccmService: HuaweiService<'ccm', CcmOperation> = {
  service: 'ccm',
  cloud: 'huaweicloud',
  routing: { style: 'path', paths: CCM_PATHS },
  operations: CCM_OPERATIONS,
  paged: ['ListCertificateAuthority'],
  handle: handleCcm,
  internalError: () => ccmError(500, 'PCA.00050001', 'Internal service error.'),
};

/** REVOKED_STATUS is the status the emulator gives a revoked CA (the cloud documents none). */
export const REVOKED_STATUS = 'REVOKED';

/** CCM_REASONS are the revocation reasons of RevokeCertificateAuthority (RFC 5280 names). */
export const CCM_REASONS = [
  'UNSPECIFIED',
  'KEY_COMPROMISE',
  'CERTIFICATE_AUTHORITY_COMPROMISE',
  'AFFILIATION_CHANGED',
  'SUPERSEDED',
  'CESSATION_OF_OPERATION',
  'CERTIFICATE_HOLD',
  'PRIVILEGE_WITHDRAWN',
  'ATTRIBUTE_AUTHORITY_COMPROMISE',
] as const;

const CA_ID = /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/;
const STATUSES = ['PENDING', 'ACTIVED', 'DISABLED', 'DELETED', 'EXPIRED', REVOKED_STATUS];
const SORT_KEYS = ['create_time', 'common_name', 'type', 'ca_type', 'not_after'];
const LIST_PARAMS = ['limit', 'offset', 'name', 'status', 'type', 'sort_key', 'sort_dir', 'owned_by_self'];

/** handleCcm answers the CCM operations. */
export function handleCcm(req: HuaweiRequest<CcmOperation>, store: Store): CloudResponse {
  const scope = checkDomain(req);
  if (scope !== undefined) return scope;
  // A CA that names its account (domain_id) is invisible to the callers of other accounts.
  const cas = (store.state.huaweicloud?.ccm?.certificate_authorities ?? []).filter(
    (ca) => ca.domain_id === undefined || ca.domain_id === req.caller.domainId,
  );
  if (req.op === 'ListCertificateAuthority') return list(req, store, cas);
  if (req.op === 'ShowCertificateAuthority') {
    const extra = unknownParam(req.query, []);
    if (extra !== undefined) return invalid(`unknown query parameter ${extra}`);
  }
  const caId = req.params.ca_id ?? '';
  if (!CA_ID.test(caId)) return ccmError(400, 'PCA.00020201', 'Invalid CA ID.');
  const ca = cas.find((c) => c.ca_id === caId);
  if (req.op === 'ShowCertificateAuthority') {
    return ca === undefined ? notFound(caId) : { status: 200, body: ca };
  }
  return revoke(req, store, ca, caId);
}

// CCM is a global service: an AK/SK call names the account in X-Domain-Id (a token carries it).
function checkDomain(req: HuaweiRequest): CloudResponse | undefined {
  if (req.headers.authorization === undefined) return undefined;
  const domain = req.headers['x-domain-id'];
  if (domain === undefined) {
    return apigwError(
      401,
      'APIGW.0301',
      'Incorrect IAM authentication information: X-Domain-Id is required by a global service',
      req.requestId,
    );
  }
  if (req.caller.domainId !== undefined && domain !== req.caller.domainId) {
    return apigwError(
      401,
      'APIGW.0301',
      'Incorrect IAM authentication information: the access key does not belong to X-Domain-Id',
      req.requestId,
    );
  }
  return undefined;
}

function revoke(
  req: HuaweiRequest,
  store: Store,
  ca: CcmCertificateAuthority | undefined,
  caId: string,
): CloudResponse {
  const parsed = parseJsonObject(req.body);
  if ('error' in parsed) return invalid(parsed.error);
  const body = parsed.value;
  if (body === undefined) return invalid('the request body is required; send {} to give no reason');
  const extra = unknownKey(body, ['reason']);
  if (extra !== undefined) return invalid(`unknown field ${extra}`);
  const reason = body.reason;
  if (reason !== undefined && !(CCM_REASONS as readonly unknown[]).includes(reason)) {
    return invalid(`reason must be one of ${CCM_REASONS.join(', ')}`);
  }
  if (ca === undefined) return notFound(caId);
  if (ca.type !== 'SUBORDINATE') {
    return ccmError(400, 'PCA.00020202', 'Invalid CA type: only a subordinate CA can be revoked.');
  }
  if (ca.freeze_flag !== undefined && ca.freeze_flag !== 0) {
    return ccmError(403, 'PCA.00030202', 'CA or certificate frozen.');
  }
  if (ca.status !== 'ACTIVED') {
    return ccmError(
      400,
      'PCA.00020301',
      `Invalid CA status: only an ACTIVED CA can be revoked, and this one is ${ca.status}.`,
    );
  }
  ca.status = REVOKED_STATUS;
  store.changed();
  return { status: 204 };
}

function list(req: HuaweiRequest, store: Store, cas: readonly CcmCertificateAuthority[]): CloudResponse {
  const q = req.query;
  const extra = unknownParam(q, LIST_PARAMS);
  if (extra !== undefined) return invalid(`unknown query parameter ${extra}`);
  const repeated = repeatedParam(q);
  if (repeated !== undefined) return invalid(`query parameter ${repeated} is given twice`);
  const limit = q.has('limit') ? parseWhole(q.get('limit') ?? '', 0, 1000) : 10;
  if (limit === undefined) return invalid('limit must be a whole number from 0 to 1000');
  const offset = q.has('offset') ? parseWhole(q.get('offset') ?? '', 0, Number.MAX_SAFE_INTEGER) : 0;
  if (offset === undefined) return invalid('offset must be a whole number from 0');
  const name = q.get('name');
  if (name !== null && (name.length < 1 || name.length > 64))
    return invalid('name must be 1 to 64 characters');
  const status = q.get('status');
  if (status !== null && !STATUSES.includes(status))
    return invalid(`status must be one of ${STATUSES.join(', ')}`);
  const type = q.get('type');
  if (type !== null && type !== 'ROOT' && type !== 'SUBORDINATE')
    return invalid('type must be ROOT or SUBORDINATE');
  const sortKey = q.get('sort_key') ?? 'create_time';
  if (!SORT_KEYS.includes(sortKey)) return invalid(`sort_key must be one of ${SORT_KEYS.join(', ')}`);
  const sortDir = q.get('sort_dir') ?? 'DESC';
  if (sortDir !== 'DESC' && sortDir !== 'ASC') return invalid('sort_dir must be DESC or ASC');
  const owned = q.get('owned_by_self');
  if (owned !== null && owned !== 'true' && owned !== 'false')
    return invalid('owned_by_self must be true or false');

  const matching = cas.filter(
    (ca) =>
      (status === null || ca.status === status) &&
      (type === null || ca.type === type) &&
      (name === null || (ca.distinguished_name?.common_name ?? '').includes(name)),
  );
  const sign = sortDir === 'ASC' ? 1 : -1;
  const sorted = [...matching].sort((a, b) => sign * compare(sortValue(a, sortKey), sortValue(b, sortKey)));
  const page = store.pager.page('ListCertificateAuthority', sorted, offset, limit);
  return { status: 200, body: { total: page.total, certificate_authorities: page.items } };
}

function sortValue(ca: CcmCertificateAuthority, key: string): string | number {
  if (key === 'common_name') return ca.distinguished_name?.common_name ?? '';
  if (key === 'type' || key === 'ca_type') return ca.type;
  const v = ca[key];
  return typeof v === 'number' ? v : 0;
}

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function invalid(detail: string): CloudResponse {
  return ccmError(400, 'PCA.00020001', `Incorrect parameter: ${detail}.`);
}

function notFound(caId: string): CloudResponse {
  return ccmError(404, 'PCA.00040001', `The CA ${caId} does not exist.`);
}
