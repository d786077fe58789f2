// huaweicloud.ccm.subordinate-ca: a subordinate CA of Huawei Cloud CCM Private CA,
// a global service (X-Domain-Id, no project). Revoke answers 204; a revoked CA is
// one whose status is no longer ACTIVED: no API documents a REVOKED value.

import type { CallResult } from '../../http/client.js';
import type { ObservedState } from '../../plan/model.js';
import { isRecord, revokeWith, shared } from '../common.js';
import { callFailed, problem } from '../diagnose.js';
import { type ListDeclaration, listAll, rowsOf } from '../lists.js';
import type { Discovered, ProviderAccount, ProviderRequest, RevocationType } from '../types.js';
import { domainScope, type HuaweiCall, isNotFound, send } from './common.js';

type Ccm = RevocationType<CcmCaTarget, CcmCaWith, never, CcmCaRecord>;

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

// ListCertificateAuthority takes a limit of 0 to 1000 (docs/clouds.md#reads-and-paging).
const PAGE_SIZE = 1000;

function isCa(value: unknown): value is CcmCaRecord {
  return (
    isRecord(value) &&
    typeof value.ca_id === 'string' &&
    value.ca_id !== '' &&
    typeof value.status === 'string'
  );
}

/** casList declares ListCertificateAuthority of the account (offset and limit, total), every type and status. */
export function casList(req: ProviderRequest, headers: Record<string, string>): ListDeclaration<CcmCaRecord> {
  return {
    ask: (at) =>
      ccm(
        req.account,
        headers,
        'ListCertificateAuthority',
        { method: 'GET', path: '', query: { limit: at.size, offset: at.offset } },
        req.signal,
      ),
    what: 'CCM ListCertificateAuthority',
    paging: { by: 'offset', size: PAGE_SIZE, noun: 'CAs' },
    envelope: (body) => {
      const rows = rowsOf(body, 'certificate_authorities');
      if (
        rows === undefined ||
        !isRecord(body) ||
        !Number.isSafeInteger(body.total) ||
        Number(body.total) < 0
      )
        return 'returned no certificate_authorities list and total';
      return { rows, total: Number(body.total) };
    },
    isRow: isCa,
    id: (ca) => ca.ca_id,
    invalid: 'listed a CA without a ca_id and a status',
  };
}

/**
 * read is ShowCertificateAuthority for a CA read alone, and one listing of the account's CAs (shared by
 * every CA of the plan, or of a verification batch) when several are read together.
 */
const read: Ccm['read'] = async (req) => {
  const where = address(req.account.name, req.target);
  const scope = domainScope(req.account, where);
  if ('diagnostic' in scope) return { diagnostics: [scope.diagnostic] };
  let record: CcmCaRecord | undefined;
  if ((req.together ?? 1) > 1) {
    const listed = await shared(req, 'ccm cas', () =>
      listAll(casList(req, scope.headers), `${req.account.name}/ccm`),
    );
    if ('diagnostic' in listed) return { diagnostics: [listed.diagnostic] };
    record = 'missing' in listed ? undefined : listed.byId.get(req.target.caId);
    if (record === undefined) return { observation: { state: 'absent' }, diagnostics: [] };
  } else {
    try {
      const path = `/${encodeURIComponent(req.target.caId)}`;
      const result = await ccm(
        req.account,
        scope.headers,
        'ShowCertificateAuthority',
        { method: 'GET', path },
        req.signal,
      );
      if (!isRecord(result.body) || typeof result.body.status !== 'string') {
        const message = `CCM ShowCertificateAuthority has no status (request id ${result.requestId ?? 'none'})`;
        return { diagnostics: [problem('cloud.unexpected', message, where)] };
      }
      record = result.body as CcmCaRecord;
    } catch (e) {
      if (isNotFound(e)) return { observation: { state: 'absent' }, diagnostics: [] };
      return { diagnostics: [callFailed(e, where)] };
    }
  }
  // Only a subordinate CA can be revoked (docs/types/huaweicloud.ccm.subordinate-ca.md): a root CA is
  // a wrong target, said at plan time rather than refused by CCM at apply time.
  if (record.type === 'ROOT') {
    const message = `${where} is a root CA: CCM revokes subordinate CAs only`;
    return { diagnostics: [problem('plan.not-revocable', message, where)] };
  }
  return { observation: { state: stateOf(record), record }, diagnostics: [] };
};

/**
 * discover: every active subordinate CA under the issuer, at any depth (a CA's issuer_id names its
 * issuer; ListCertificateAuthority takes no issuer filter, so the account's CAs are listed once).
 */
const discover: Required<Ccm>['discover'] = async (req) => {
  const issuer = req.query.issuer;
  if (issuer === undefined) return { found: [], diagnostics: [] };
  const where = `${req.account.name}/ccm`;
  const scope = domainScope(req.account, where);
  if ('diagnostic' in scope) return { found: [], diagnostics: [scope.diagnostic] };
  const listed = await shared(req, 'ccm cas', () => listAll(casList(req, scope.headers), where));
  if ('diagnostic' in listed) return { found: [], diagnostics: [listed.diagnostic] };
  const cas = 'missing' in listed ? [] : listed.rows;
  const issued = new Map<string, CcmCaRecord[]>();
  for (const ca of cas) {
    const by = typeof ca.issuer_id === 'string' ? ca.issuer_id : undefined;
    if (by === undefined || by === ca.ca_id) continue;
    issued.set(by, [...(issued.get(by) ?? []), ca]);
  }
  // Breadth first from the issuer; a CA seen once is not walked again (a loop of issuers ends).
  const seen = new Set<string>([issuer]);
  const found: Discovered<CcmCaTarget, CcmCaRecord>[] = [];
  for (let queue = [issuer]; queue.length > 0; ) {
    const next: string[] = [];
    for (const parent of queue) {
      for (const ca of issued.get(parent) ?? []) {
        if (seen.has(ca.ca_id)) continue;
        seen.add(ca.ca_id);
        next.push(ca.ca_id);
        if (ca.type === 'ROOT' || stateOf(ca) !== 'active') continue;
        const subject = subjectOf(ca) ?? ca.ca_id;
        const by = listed === undefined || 'missing' in listed ? undefined : listed.byId.get(parent);
        const note = `subordinate CA ${subject}, issued by ${(by === undefined ? undefined : subjectOf(by)) ?? parent}`;
        found.push({ target: { caId: ca.ca_id }, observation: { state: 'active', record: ca }, note });
      }
    }
    queue = next;
  }
  return { found, diagnostics: [] };
};

// A CA's subject as CCM names it: its distinguished name's common name.
function subjectOf(ca: CcmCaRecord): string | undefined {
  const dn = ca.distinguished_name;
  return isRecord(dn) && typeof dn.common_name === 'string' ? dn.common_name : undefined;
}

/** revoke is RevokeCertificateAuthority; CCM refuses a CA that is no longer ACTIVED, which reads as revoked. */
const revoke = revokeWith<CcmCaTarget, CcmCaWith>(
  address,
  (req, where) => {
    const scope = domainScope(req.account, where);
    if ('diagnostic' in scope) return scope.diagnostic;
    // Without a reason the body must be exactly {} (the API refuses an empty body).
    const body = req.with.reason === undefined ? {} : { reason: req.with.reason };
    const path = `/${encodeURIComponent(req.target.caId)}/revoke`;
    return () =>
      ccm(
        req.account,
        scope.headers,
        'RevokeCertificateAuthority',
        { method: 'POST', path, body },
        req.signal,
      );
  },
  read,
);

// One call of CCM's private CAs, under /v1/private-certificate-authorities, in the account's domain.
function ccm(
  account: ProviderAccount,
  headers: Record<string, string>,
  operation: string,
  call: HuaweiCall,
  signal: AbortSignal | undefined,
): Promise<CallResult> {
  const path = `/v1/private-certificate-authorities${call.path}`;
  return send(account, 'ccm', operation, Object.assign({}, call, { path, headers }), signal);
}

/** ccmSubordinateCa is the huaweicloud.ccm.subordinate-ca revocation type. */
export const ccmSubordinateCa = {
  type: 'huaweicloud.ccm.subordinate-ca',
  cloud: 'huaweicloud',
  observable: true,
  // A revoked CA is still shown, with another status: absent is a wrong id.
  absent: 'missing',
  reversible,
  // Any status but ACTIVED proves the revocation; which one the cloud shows is not relied on.
  afterRevoke: (record: CcmCaRecord) => Object.assign({}, record, { status: 'not ACTIVED' }),
  // Every CA of an account is one list.
  listKey: () => 'cas',
  address,
  discover,
  read,
  revoke,
} as const satisfies Ccm;
