// huaweicloud.ccm.subordinate-ca: a subordinate CA of Huawei Cloud CCM Private CA,
// a global service (X-Domain-Id, no project). Revoke answers 204; a revoked CA is
// one whose status is no longer ACTIVED: no API documents a REVOKED value.

import type { ObservedState } from '../../plan/model.js';
import { isRecord, revokeAndCheck, verifyByRead, withSignal } from '../common.js';
import { callFailed, problem } from '../diagnose.js';
import type {
  ReadRequest,
  ReadResponse,
  RevocationType,
  RevokeRequest,
  RevokeResponse,
  VerifyRequest,
  VerifyResponse,
} from '../types.js';
import { domainScope, isNotFound } from './common.js';

/** CcmCaTarget is one CA (schemas/types/huaweicloud.ccm.subordinate-ca.schema.json). */
export interface CcmCaTarget {
  caId: string;
}

/** CcmRevokeReason is an RFC 5280 reason as CCM names it. */
export type CcmRevokeReason =
  | 'UNSPECIFIED'
  | 'KEY_COMPROMISE'
  | 'CERTIFICATE_AUTHORITY_COMPROMISE'
  | 'AFFILIATION_CHANGED'
  | 'SUPERSEDED'
  | 'CESSATION_OF_OPERATION'
  | 'CERTIFICATE_HOLD'
  | 'PRIVILEGE_WITHDRAWN'
  | 'ATTRIBUTE_AUTHORITY_COMPROMISE';

/** CcmCaWith is the revoke options: the reason, UNSPECIFIED when absent. */
export interface CcmCaWith {
  reason?: CcmRevokeReason;
}

/** CcmCaRecord is ShowCertificateAuthority's answer, as the cloud returns it. */
export interface CcmCaRecord {
  ca_id: string;
  type?: string;
  status?: string;
  [field: string]: unknown;
}

function address(account: string, t: CcmCaTarget): string {
  return `${account}/ccm/ca/${t.caId}`;
}

/**
 * stateOf maps a CA status: ACTIVED is active; any other status (DISABLED, DELETED (scheduled for
 * deletion), EXPIRED, PENDING, the emulator's REVOKED, a value the docs do not list) means the CA does
 * not sign now, and CCM revokes only ACTIVED CAs, so it is reported as revoked: the record keeps the
 * status for the plan to show, and reversible() has the plan warn about those CCM can bring back. A CA
 * that CCM does not know is absent.
 */
function stateOf(ca: CcmCaRecord): ObservedState {
  return ca.status === 'ACTIVED' ? 'active' : 'revoked';
}

// The statuses from which CCM can bring a CA back to ACTIVED without a new CA (enable, restore during the
// deletion's waiting period, activate), and what to do instead. Revocation alone is for good; CCM revokes
// only ACTIVED CAs, so rescind cannot revoke these now. Kept short: a pull-request cell shows 200 characters.
const REVERSIBLE: ReadonlyMap<string, string> = new Map([
  [
    'DISABLED',
    'this CA is DISABLED, not revoked: CCM can enable it again. To end it, delete it, or enable it and plan again to revoke it',
  ],
  [
    'DELETED',
    'this CA is scheduled for deletion (DELETED), not revoked: CCM can restore it until the deletion is done',
  ],
  ['PENDING', 'this CA is PENDING, not revoked: it can still be activated. To end it, delete it'],
]);

/** reversible: a CA that does not sign now, but that CCM can make sign again. */
function reversible(ca: CcmCaRecord): string | undefined {
  return ca.status === undefined ? undefined : REVERSIBLE.get(ca.status);
}

async function read(req: ReadRequest<CcmCaTarget>): Promise<ReadResponse<CcmCaRecord>> {
  const where = address(req.account.name, req.target);
  const scope = domainScope(req.account, where);
  if ('diagnostic' in scope) return { diagnostics: [scope.diagnostic] };
  try {
    const result = await req.account.http.call({
      method: 'GET',
      url: `${req.account.endpoint('ccm')}/v1/private-certificate-authorities/${encodeURIComponent(req.target.caId)}`,
      headers: scope.headers,
      service: 'ccm',
      operation: 'ShowCertificateAuthority',
      ...withSignal(req.signal),
    });
    const body = result.body;
    if (!isRecord(body) || typeof body.status !== 'string') {
      const id = result.requestId ?? 'none';
      return {
        diagnostics: [
          problem('cloud.unexpected', `CCM ShowCertificateAuthority has no status (request id ${id})`, where),
        ],
      };
    }
    const record = body as CcmCaRecord;
    // Only a subordinate CA can be revoked (docs/types/huaweicloud.ccm.subordinate-ca.md): a root CA is
    // a wrong target, said at plan time rather than refused by CCM at apply time.
    if (record.type === 'ROOT') {
      const message = `${where} is a root CA: CCM revokes subordinate CAs only`;
      return { diagnostics: [problem('plan.not-revocable', message, where)] };
    }
    return { observation: { state: stateOf(record), record }, diagnostics: [] };
  } catch (e) {
    if (isNotFound(e)) return { observation: { state: 'absent' }, diagnostics: [] };
    return { diagnostics: [callFailed(e, where)] };
  }
}

async function revoke(req: RevokeRequest<CcmCaTarget, CcmCaWith>): Promise<RevokeResponse> {
  const where = address(req.account.name, req.target);
  const scope = domainScope(req.account, where);
  if ('diagnostic' in scope) return { outcome: 'failed', diagnostics: [scope.diagnostic] };
  const call = () =>
    req.account.http.call({
      method: 'POST',
      url: `${req.account.endpoint('ccm')}/v1/private-certificate-authorities/${encodeURIComponent(req.target.caId)}/revoke`,
      headers: scope.headers,
      // Without a reason the body must be exactly {} (the API refuses an empty body).
      body: req.with.reason === undefined ? {} : { reason: req.with.reason },
      service: 'ccm',
      operation: 'RevokeCertificateAuthority',
      ...withSignal(req.signal),
    });
  // A CA that is no longer ACTIVED (revoked, disabled, expired) is refused by CCM and reads as revoked.
  return revokeAndCheck(where, call, () => read(req));
}

/** verify: the CA is no longer ACTIVED, whatever status it shows instead (no REVOKED value is documented). */
function verify(req: VerifyRequest<CcmCaTarget, CcmCaRecord>): Promise<VerifyResponse<CcmCaRecord>> {
  return verifyByRead(() => read(req));
}

/** ccmSubordinateCa is the huaweicloud.ccm.subordinate-ca revocation type. */
export const ccmSubordinateCa = {
  type: 'huaweicloud.ccm.subordinate-ca',
  cloud: 'huaweicloud',
  observable: true,
  // A revoked CA is still shown, with another status: absent is a wrong id.
  absent: 'missing',
  principals: () => [],
  reversible,
  // Any status but ACTIVED proves the revocation; which one the cloud shows is not relied on.
  afterRevoke: (record: CcmCaRecord) => ({ ...record, status: 'not ACTIVED' }),
  address,
  read,
  revoke,
  verify,
} as const satisfies RevocationType<CcmCaTarget, CcmCaWith, never, CcmCaRecord>;
