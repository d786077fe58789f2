// alibabacloud.esa.client-certificate: a client certificate of an Alibaba Cloud ESA site.
// Read is GetClientCertificate (Result.Status); expand lists the site's certificates to the
// end (PageNumber/PageSize) and filters them; revoke is RevokeClientCertificate (RPC GET).

import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { ObservedState } from '../../plan/model.js';
import { isRecord, revokeWith, shared } from '../common.js';
import { callFailed, problem } from '../diagnose.js';
import { type ListDeclaration, type Listed, listAll } from '../lists.js';
import type { Observation, ProviderAccount, ProviderRequest, RevocationType } from '../types.js';
import { type AcsApi, acs, isMissing, rpcPage } from './common.js';

type Esa = RevocationType<
  EsaClientCertificateTarget,
  Record<string, never>,
  EsaClientCertificateSelect,
  EsaCertificateRecord
>;

/** EsaClientCertificateTarget is one certificate (schemas/types/alibabacloud.esa.client-certificate.schema.json). */
export interface EsaClientCertificateTarget {
  siteId: number;
  certificateId: string;
}

/**
 * EsaClientCertificateSelect is every certificate of the site (of every site of the account when absent)
 * that matches all the given filters. In commonName and name, `*` matches any run of characters (none
 * included) and the pattern covers the whole value; every other character, regex metacharacters included,
 * matches itself (case-sensitive).
 */
export interface EsaClientCertificateSelect {
  siteId?: number;
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

/** ESA is the API of ESA's RPC actions. */
const ESA: AcsApi = { service: 'esa', version: '2024-09-10' };
// ListClientCertificates documents PageSize with the example 20 and no maximum (docs/clouds.md#reads-and-paging);
// 100 is what the emulator accepts. Should ESA refuse it, expand fails closed with ESA's error.
const PAGE_SIZE = 100;

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
    const query = { SiteId: target.siteId, Id: target.certificateId };
    const result = await acs(account, ESA, 'GetClientCertificate', { query }, signal);
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

/** certificatesList declares ListClientCertificates of one site (PageNumber and PageSize, TotalCount). */
export function certificatesList(
  req: ProviderRequest,
  siteId: number,
): ListDeclaration<EsaCertificateRecord> {
  return {
    ask: (at) => {
      const query = { SiteId: siteId, PageNumber: at.number, PageSize: at.size };
      return acs(req.account, ESA, 'ListClientCertificates', { query }, req.signal);
    },
    what: `ESA ListClientCertificates of site ${siteId}`,
    paging: { by: 'numbered', size: PAGE_SIZE, noun: 'certificates' },
    envelope: rpcPage('Result', 'returned no Result list and TotalCount'),
    isRow: isCertificate,
    id: (certificate) => certificate.Id,
    invalid: 'listed an item without an Id and a Status',
    missing: isMissing,
  };
}

// The certificates of one site, listed once per plan (or verification batch) when reads are shared.
function listCertificates(req: ProviderRequest, siteId: number): Promise<Listed<EsaCertificateRecord>> {
  return shared(req, `esa ${siteId}`, () =>
    listAll(certificatesList(req, siteId), `${req.account.name}/esa/${siteId}`),
  );
}

function address(account: string, t: EsaClientCertificateTarget): string {
  return `${account}/esa/${t.siteId}/client-certificate/${t.certificateId}`;
}

/**
 * read is GetClientCertificate for a target read alone, and one listing of its site (shared with every
 * target and selector of the site) when several are read together.
 */
const read: Esa['read'] = async (req) => {
  if ((req.together ?? 1) > 1) {
    const listed = await listCertificates(req, req.target.siteId);
    if ('diagnostic' in listed) return { diagnostics: [listed.diagnostic] };
    const certificate = 'missing' in listed ? undefined : listed.byId.get(req.target.certificateId);
    return {
      observation: certificate === undefined ? { state: 'absent' } : observe(certificate),
      diagnostics: [],
    };
  }
  const got = await getCertificate(
    req.account,
    req.target,
    address(req.account.name, req.target),
    req.signal,
  );
  if ('diagnostic' in got) return { diagnostics: [got.diagnostic] };
  if ('missing' in got) return { observation: { state: 'absent' }, diagnostics: [] };
  return { observation: observe(got.certificate), diagnostics: [] };
};

/** EsaSite is a ListSites `Sites` item, as ESA returns it. */
export interface EsaSite {
  SiteId: number;
  SiteName?: string;
  [field: string]: unknown;
}

// ListSites takes a PageSize of 1 to 500 (docs/emulator.md).
const SITES_PAGE_SIZE = 500;

/** sitesList declares ListSites of the account (PageNumber and PageSize, TotalCount). */
export function sitesList(req: ProviderRequest): ListDeclaration<EsaSite> {
  return {
    ask: (at) =>
      acs(req.account, ESA, 'ListSites', { query: { PageNumber: at.number, PageSize: at.size } }, req.signal),
    what: 'ESA ListSites',
    paging: { by: 'numbered', size: SITES_PAGE_SIZE, noun: 'sites' },
    envelope: rpcPage('Sites', 'returned no Sites list and TotalCount'),
    isRow: (row): row is EsaSite => isRecord(row) && Number.isSafeInteger(row.SiteId),
    id: (site) => String(site.SiteId),
    invalid: 'listed a site without a SiteId',
  };
}

// The certificates of the site named (of every site of the account when none is), read at once within
// the caller's concurrency; the first failure fails them all.
async function certificatesOfSites(
  req: ProviderRequest,
  siteId: number | undefined,
  where: string,
): Promise<
  { sites: { site: EsaSite; certificates: EsaCertificateRecord[] }[] } | { diagnostic: Diagnostic }
> {
  let sites: EsaSite[];
  if (siteId !== undefined) sites = [{ SiteId: siteId }];
  else {
    const listed = await shared(req, 'esa sites', () => listAll(sitesList(req), `${req.account.name}/esa`));
    if ('diagnostic' in listed) return listed;
    sites = 'missing' in listed ? [] : listed.rows;
  }
  const lists = await Promise.all(sites.map((site) => listCertificates(req, site.SiteId)));
  const out: { site: EsaSite; certificates: EsaCertificateRecord[] }[] = [];
  for (const [i, listed] of lists.entries()) {
    const site = sites[i] as EsaSite;
    if ('diagnostic' in listed) return listed;
    if ('missing' in listed) {
      // A site named that does not exist is a wrong id; one listed and gone since has nothing left.
      if (siteId === undefined) continue;
      const message = `ESA site ${site.SiteId} does not exist in account ${req.account.name}`;
      return { diagnostic: problem('cloud.not-found', message, where) };
    }
    out.push({ site, certificates: listed.rows });
  }
  return { sites: out };
}

const expand: Required<Esa>['expand'] = async (req) => {
  const sel = req.select;
  const where = `${req.account.name}/esa/${sel.siteId ?? 'every site'}/select`;
  const read = await certificatesOfSites(req, sel.siteId, where);
  if ('diagnostic' in read) return { targets: [], diagnostics: [read.diagnostic] };
  // Every match, revoked ones included: the planner decides what each one needs.
  const matches = matcher(sel);
  const targets = read.sites.flatMap(({ site, certificates }) =>
    certificates.filter(matches).map((certificate) => ({
      target: { siteId: site.SiteId, certificateId: certificate.Id },
      observation: observe(certificate),
    })),
  );
  return { targets, diagnostics: [] };
};

/** discover: the active certificates whose CommonName or Name matches the glob, over every site of the account. */
const discover: Required<Esa>['discover'] = async (req) => {
  const glob = req.query.certificateName;
  if (glob === undefined) return { found: [], diagnostics: [] };
  const read = await certificatesOfSites(req, undefined, `${req.account.name}/esa`);
  if ('diagnostic' in read) return { found: [], diagnostics: [read.diagnostic] };
  const matches = globMatcher(glob);
  const found = read.sites.flatMap(({ site, certificates }) =>
    certificates
      .filter((c) => stateOf(c.Status) === 'active')
      .filter((c) => matches.test(c.CommonName ?? '') || matches.test(c.Name ?? ''))
      .map((c) => ({
        target: { siteId: site.SiteId, certificateId: c.Id },
        observation: observe(c),
        note: [
          `certificate ${c.CommonName ?? c.Id}`,
          ...(c.Name !== undefined && c.Name !== c.CommonName ? [`named ${c.Name}`] : []),
          `of site ${site.SiteName ?? site.SiteId}`,
          ...(c.NotAfter === undefined ? [] : [`expires ${c.NotAfter}`]),
        ].join(', '),
      })),
  );
  return { found, diagnostics: [] };
};

/**
 * revoke is RevokeClientCertificate. ESA refuses a certificate that is not active
 * (Certificate.StatusError): it may be revoked already, by someone else or by an attempt whose answer
 * was lost, or deleted since; the read after a failed call tells.
 */
const revoke = revokeWith<EsaClientCertificateTarget, Record<string, never>>(
  address,
  (req) => () =>
    acs(
      req.account,
      ESA,
      'RevokeClientCertificate',
      { query: { SiteId: req.target.siteId, Id: req.target.certificateId } },
      req.signal,
    ),

  read,
);

/** esaClientCertificate is the alibabacloud.esa.client-certificate revocation type. */
export const esaClientCertificate = {
  type: 'alibabacloud.esa.client-certificate',
  cloud: 'alibabacloud',
  observable: true,
  // A revoked certificate stays listed with Status revoked: absent is a wrong id.
  absent: 'missing',
  afterRevoke: (record: EsaCertificateRecord) => Object.assign({}, record, { Status: 'revoked' }),
  listKey: (target: EsaClientCertificateTarget) => String(target.siteId),
  address,
  expand,
  discover,
  read,
  revoke,
} as const satisfies Esa;
