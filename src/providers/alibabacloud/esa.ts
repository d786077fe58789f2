// alibabacloud.esa.client-certificate: a client certificate of an Alibaba Cloud ESA site.
// Read is GetClientCertificate (Result.Status); expand lists the site's certificates to the
// end (PageNumber/PageSize) and filters them; revoke is RevokeClientCertificate (RPC GET).

import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { ObservedState } from '../../plan/model.js';
import { isRecord, listGuard, revokeAndCheck, verifyByRead, withSignal } from '../common.js';
import { callFailed, problem } from '../diagnose.js';
import type {
  ExpandRequest,
  ExpandResponse,
  Observation,
  ProviderAccount,
  ProviderRequest,
  ReadManyRequest,
  ReadManyResponse,
  ReadRequest,
  ReadResponse,
  RevocationType,
  RevokeRequest,
  RevokeResponse,
  VerifyRequest,
  VerifyResponse,
} from '../types.js';
import { isCount, isMissing } from './common.js';

/** EsaClientCertificateTarget is one certificate (schemas/types/alibabacloud.esa.client-certificate.schema.json). */
export interface EsaClientCertificateTarget {
  siteId: number;
  certificateId: string;
}

/**
 * EsaClientCertificateSelect is every certificate of the site that matches all the given filters. In
 * commonName and name, `*` matches any run of characters (none included) and the pattern covers the whole
 * value; every other character, regex metacharacters included, matches itself (case-sensitive).
 */
export interface EsaClientCertificateSelect {
  siteId: number;
  commonName?: string;
  name?: string;
  caCertificateId?: string;
}

/** EsaCertificateRecord is a GetClientCertificate `Result` or a ListClientCertificates item, as ESA returns it. */
export interface EsaCertificateRecord {
  Id: string;
  Status: string;
  Name?: string;
  CommonName?: string;
  Type?: string;
  CACertificateId?: string;
  Issuer?: string;
  NotBefore?: string;
  NotAfter?: string;
  SAN?: string;
  SerialNumber?: string;
  FingerprintSha256?: string;
  SignatureAlgorithm?: string;
  PubkeyAlgorithm?: string;
  CreateTime?: string;
  UpdateTime?: string;
  [field: string]: unknown;
}

/** ESA_VERSION is the API version of ESA's RPC actions. */
const ESA_VERSION = '2024-09-10';
// ListClientCertificates documents PageSize with the example 20 and no maximum (docs/clouds.md#reads-and-paging);
// 100 is what the emulator accepts. Should ESA refuse it, expand fails closed with ESA's error.
const PAGE_SIZE = 100;
// A site whose list changes while it is paged is listed again, at most this many times in all.
const LIST_TRIES = 3;

/**
 * stateOf maps ESA's Status. ESA documents `active` and `revoked` (Terraform moves a certificate between
 * the two). Any other value (none is documented; `expired` or `pending` may exist) is reported as active,
 * with the record showing the real Status: a status rescind does not know must never read as revoked, or
 * the plan would skip a certificate that may still work. Planned as active, such a certificate is revoked
 * (ESA refuses a certificate that is not active with Certificate.StatusError, and the re-read still shows
 * it not revoked: a failure), and only a later `revoked` verifies it.
 */
function stateOf(status: string): ObservedState {
  return status === 'revoked' ? 'revoked' : 'active';
}

function observe(record: EsaCertificateRecord): Observation<EsaCertificateRecord> {
  return { state: stateOf(record.Status), record };
}

function isCertificate(value: unknown): value is EsaCertificateRecord {
  return (
    isRecord(value) && typeof value.Id === 'string' && value.Id !== '' && typeof value.Status === 'string'
  );
}

/**
 * globMatcher: the whole value matches the pattern; `*` is any run of characters, everything else
 * itself. Matched piece by piece with indexOf, leftmost first (which is right when `*` is the only
 * wildcard): a regular expression of many `.*` backtracks polynomially in the value's length, with the
 * number of stars as the exponent, and a plan's author chooses the stars.
 */
export function globMatcher(pattern: string): { test(value: string): boolean } {
  const [first = '', ...rest] = pattern.split('*');
  const last = rest.pop();
  return {
    test(value) {
      if (last === undefined) return value === first;
      if (value.length < first.length + last.length) return false;
      if (!value.startsWith(first) || !value.endsWith(last)) return false;
      let at = first.length;
      const end = value.length - last.length;
      for (const piece of rest) {
        const found = value.indexOf(piece, at);
        if (found === -1 || found + piece.length > end) return false;
        at = found + piece.length;
      }
      return true;
    },
  };
}

function matcher(sel: EsaClientCertificateSelect): (c: EsaCertificateRecord) => boolean {
  const commonName = sel.commonName === undefined ? undefined : globMatcher(sel.commonName);
  const name = sel.name === undefined ? undefined : globMatcher(sel.name);
  return (c) =>
    (commonName === undefined || (typeof c.CommonName === 'string' && commonName.test(c.CommonName))) &&
    (name === undefined || (typeof c.Name === 'string' && name.test(c.Name))) &&
    (sel.caCertificateId === undefined || c.CACertificateId === sel.caCertificateId);
}

type Got = { certificate: EsaCertificateRecord } | { missing: true } | { diagnostic: Diagnostic };

async function getCertificate(
  account: ProviderAccount,
  target: EsaClientCertificateTarget,
  where: string,
  signal: AbortSignal | undefined,
): Promise<Got> {
  try {
    const result = await account.http.call({
      method: 'GET',
      url: `${account.endpoint('esa')}/`,
      query: { SiteId: target.siteId, Id: target.certificateId },
      service: 'esa',
      operation: 'GetClientCertificate',
      apiVersion: ESA_VERSION,
      ...withSignal(signal),
    });
    const body = result.body;
    if (!isRecord(body) || !isCertificate(body.Result)) {
      return {
        diagnostic: problem(
          'cloud.unexpected',
          `ESA GetClientCertificate of ${target.certificateId} returned no certificate with an Id and a Status (request id ${result.requestId ?? 'none'})`,
          where,
        ),
      };
    }
    return { certificate: body.Result };
  } catch (e) {
    // Certificate.NotFound, or a site that does not exist: either way there is no such certificate.
    if (isMissing(e)) return { missing: true };
    return { diagnostic: callFailed(e, where) };
  }
}

type Listed = { certificates: EsaCertificateRecord[] } | { missing: true } | { diagnostic: Diagnostic };

// One pass over every page, or 'changed' when the list moved under it (TotalCount differs between pages,
// or fewer distinct certificates than TotalCount): offset paging then may have skipped one.
async function listOnce(
  account: ProviderAccount,
  siteId: number,
  where: string,
  signal: AbortSignal | undefined,
): Promise<Listed | 'changed'> {
  const unexpected = (why: string): Listed => ({
    diagnostic: problem('cloud.unexpected', `ESA ListClientCertificates of site ${siteId} ${why}`, where),
  });
  const guard = listGuard();
  const byId = new Map<string, EsaCertificateRecord>();
  let total: number | undefined;
  for (let pageNumber = 1; ; pageNumber++) {
    const pages = guard.page();
    if (pages !== undefined) return unexpected(pages);
    const result = await account.http.call({
      method: 'GET',
      url: `${account.endpoint('esa')}/`,
      query: { SiteId: siteId, PageNumber: pageNumber, PageSize: PAGE_SIZE },
      service: 'esa',
      operation: 'ListClientCertificates',
      apiVersion: ESA_VERSION,
      ...withSignal(signal),
    });
    const body = result.body;
    const rid = `(request id ${result.requestId ?? 'none'})`;
    if (!isRecord(body) || !Array.isArray(body.Result) || !isCount(body.TotalCount))
      return unexpected(`returned no Result list and TotalCount ${rid}`);
    // A server that ignores PageNumber would give page 1 again and again: its certificates past page 1
    // would be missed silently.
    if (body.PageNumber !== undefined && Number(body.PageNumber) !== pageNumber)
      return unexpected(`answered page ${String(body.PageNumber)} when asked for page ${pageNumber} ${rid}`);
    // The server may cap PageSize below what was asked: the end is computed with the size it used.
    const pageSize = isCount(body.PageSize) && body.PageSize > 0 ? body.PageSize : PAGE_SIZE;
    if (total !== undefined && body.TotalCount !== total) return 'changed';
    total = body.TotalCount;
    const bounds = guard.total(total, 'certificates') ?? guard.rows(body.Result.length, 'certificates');
    if (bounds !== undefined) return unexpected(`${bounds} ${rid}`);
    for (const item of body.Result) {
      if (!isCertificate(item)) return unexpected(`listed an item without an Id and a Status ${rid}`);
      byId.set(item.Id, item);
    }
    if (pageNumber * pageSize >= total)
      return byId.size === total ? { certificates: [...byId.values()] } : 'changed';
    if (body.Result.length === 0)
      return unexpected(`answered an empty page ${pageNumber} of ${total} certificates ${rid}`);
  }
}

// The certificates of one site, listed once per plan when reads are shared.
function listCertificates(req: ProviderRequest, siteId: number): Promise<Listed> {
  const where = `${req.account.name}/esa/${siteId}`;
  const fetch = () => fetchCertificates(req.account, siteId, where, req.signal);
  return req.reads === undefined ? fetch() : req.reads.load(`esa ${req.account.name} ${siteId}`, fetch);
}

async function fetchCertificates(
  account: ProviderAccount,
  siteId: number,
  where: string,
  signal: AbortSignal | undefined,
): Promise<Listed> {
  try {
    for (let attempt = 0; attempt < LIST_TRIES; attempt++) {
      const listed = await listOnce(account, siteId, where, signal);
      if (listed !== 'changed') return listed;
    }
    return {
      diagnostic: problem(
        'cloud.unexpected',
        `ESA ListClientCertificates of site ${siteId}: the list changed while it was paged, ${LIST_TRIES} times`,
        where,
      ),
    };
  } catch (e) {
    if (isMissing(e)) return { missing: true };
    return { diagnostic: callFailed(e, where) };
  }
}

function address(account: string, t: EsaClientCertificateTarget): string {
  return `${account}/esa/${t.siteId}/client-certificate/${t.certificateId}`;
}

async function read(
  req: ReadRequest<EsaClientCertificateTarget>,
): Promise<ReadResponse<EsaCertificateRecord>> {
  const got = await getCertificate(
    req.account,
    req.target,
    address(req.account.name, req.target),
    req.signal,
  );
  if ('diagnostic' in got) return { diagnostics: [got.diagnostic] };
  if ('missing' in got) return { observation: { state: 'absent' }, diagnostics: [] };
  return { observation: observe(got.certificate), diagnostics: [] };
}

/**
 * readMany reads the targets of one site: a lone certificate with GetClientCertificate, several with one
 * listing of the site (its pages shared with any selector of the same site).
 */
async function readMany(
  req: ReadManyRequest<EsaClientCertificateTarget>,
): Promise<ReadManyResponse<EsaCertificateRecord>> {
  const [first, ...rest] = req.targets;
  if (first === undefined) return { observations: [], diagnostics: [] };
  if (rest.length === 0) {
    const one = await read({ ...req, target: first });
    return one.observation === undefined
      ? { observations: [], diagnostics: one.diagnostics }
      : { observations: [one.observation], diagnostics: [] };
  }
  const listed = await listCertificates(req, first.siteId);
  if ('diagnostic' in listed) return { observations: [], diagnostics: [listed.diagnostic] };
  const byId = new Map('missing' in listed ? [] : listed.certificates.map((c) => [c.Id, c] as const));
  return {
    observations: req.targets.map((t) => {
      const certificate = byId.get(t.certificateId);
      return certificate === undefined ? { state: 'absent' } : observe(certificate);
    }),
    diagnostics: [],
  };
}

async function expand(
  req: ExpandRequest<EsaClientCertificateSelect>,
): Promise<ExpandResponse<EsaClientCertificateTarget, EsaCertificateRecord>> {
  const sel = req.select;
  const where = `${req.account.name}/esa/${sel.siteId}/select`;
  const listed = await listCertificates(req, sel.siteId);
  if ('diagnostic' in listed) return { targets: [], diagnostics: [listed.diagnostic] };
  if ('missing' in listed) {
    const message = `ESA site ${sel.siteId} does not exist in account ${req.account.name}`;
    return { targets: [], diagnostics: [problem('cloud.not-found', message, where)] };
  }
  // Every match, revoked ones included: the planner decides what each one needs.
  const matches = matcher(sel);
  const targets = listed.certificates.filter(matches).map((certificate) => ({
    target: { siteId: sel.siteId, certificateId: certificate.Id },
    observation: observe(certificate),
  }));
  return { targets, diagnostics: [] };
}

async function revoke(
  req: RevokeRequest<EsaClientCertificateTarget, Record<string, never>>,
): Promise<RevokeResponse> {
  const where = address(req.account.name, req.target);
  const call = () =>
    req.account.http.call({
      method: 'GET',
      url: `${req.account.endpoint('esa')}/`,
      query: { SiteId: req.target.siteId, Id: req.target.certificateId },
      service: 'esa',
      operation: 'RevokeClientCertificate',
      apiVersion: ESA_VERSION,
      ...withSignal(req.signal),
    });
  // ESA refuses a certificate that is not active (Certificate.StatusError): it may be revoked already,
  // by someone else or by an attempt whose answer was lost, or deleted since.
  return revokeAndCheck(where, call, () => read(req));
}

function verify(
  req: VerifyRequest<EsaClientCertificateTarget, EsaCertificateRecord>,
): Promise<VerifyResponse<EsaCertificateRecord>> {
  return verifyByRead(() => read(req));
}

/** esaClientCertificate is the alibabacloud.esa.client-certificate revocation type. */
export const esaClientCertificate = {
  type: 'alibabacloud.esa.client-certificate',
  cloud: 'alibabacloud',
  observable: true,
  // A revoked certificate stays listed with Status revoked: absent is a wrong id.
  absent: 'missing',
  principals: () => [],
  afterRevoke: (record: EsaCertificateRecord) => ({ ...record, Status: 'revoked' }),
  groupOf: (target: EsaClientCertificateTarget) => String(target.siteId),
  readMany,
  address,
  expand,
  read,
  revoke,
  verify,
} as const satisfies RevocationType<
  EsaClientCertificateTarget,
  Record<string, never>,
  EsaClientCertificateSelect,
  EsaCertificateRecord
>;
