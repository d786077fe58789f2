// Alibaba Cloud ESA (RPC, 2024-09-10) in the emulator: RevokeClientCertificate (only an
// active certificate; Certificate.StatusError otherwise, Certificate.NotFound),
// GetClientCertificate, ListClientCertificates and ListSites (paged by PageNumber and PageSize).

import {
  type AlibabaRequest,
  type CloudResponse,
  parseWhole,
  repeatedParam,
  type Store,
  unknownParam,
} from '../cloud.js';
import type { AlibabaService } from '../service.js';
import type { EsaClientCertificate, EsaSite } from '../state.js';
import { alibabaInternalError, type ErrorFor, errorFor } from './errors.js';

/** ESA_VERSION is the API version of ESA's RPC actions. */
export const ESA_VERSION = '2024-09-10';
/** ESA_OPERATIONS are the ESA actions of the emulator. */
export const ESA_OPERATIONS = [
  'RevokeClientCertificate',
  'GetClientCertificate',
  'ListClientCertificates',
  'ListSites',
] as const;
/** EsaOperation is an ESA action. */
export type EsaOperation = (typeof ESA_OPERATIONS)[number];

/** esaService is ESA in the emulator's registry (services.ts). */
export const esaService: AlibabaService<'esa', EsaOperation> = {
  service: 'esa',
  cloud: 'alibabacloud',
  routing: { style: 'rpc', version: ESA_VERSION, actions: ESA_OPERATIONS },
  operations: ESA_OPERATIONS,
  paged: ['ListClientCertificates', 'ListSites'],
  handle: handleEsa,
  internalError: alibabaInternalError,
};
/** MAX_PAGE_SIZE is the largest PageSize of ListClientCertificates (the emulator's choice). */
const MAX_PAGE_SIZE = 100;
/** MAX_SITES_PAGE_SIZE is the largest PageSize of ListSites, and its default (the SDK's; the maximum is the emulator's choice). */
const MAX_SITES_PAGE_SIZE = 500;
const SITES_PARAMS = [
  'PageNumber',
  'PageSize',
  'SiteName',
  'SiteSearchType',
  'Status',
  'AccessType',
  'Coverage',
  'ResourceGroupId',
  'OrderBy',
];
/** SITES_NOT_SERVED are ListSites filters the emulator does not apply: refused rather than ignored. */
const SITES_NOT_SERVED = ['OnlyEnterprise', 'PlanSubscribeType', 'TagFilter'];

/** handleEsa answers the ESA actions; parameters come from the query, or a form body of a POST. */
export function handleEsa(req: AlibabaRequest<EsaOperation>, store: Store): CloudResponse {
  const fail = errorFor(req);
  const params = rpcParams(req);
  if (params === undefined)
    return fail(400, 'InvalidParameter', 'The request body must be a form of parameters.');
  if (req.op === 'ListSites') return listSites(req, store, params, fail);
  const list = req.op === 'ListClientCertificates';
  const allowed = list ? ['SiteId', 'PageNumber', 'PageSize'] : ['SiteId', 'Id'];
  const extra = unknownParam(params, allowed);
  if (extra !== undefined) return fail(400, 'InvalidParameter', `The parameter ${extra} is not recognized.`);
  const repeated = repeatedParam(params);
  if (repeated !== undefined)
    return fail(400, 'InvalidParameter', `The parameter ${repeated} is given twice.`);
  const siteText = params.get('SiteId');
  if (siteText === null || siteText === '') {
    return fail(400, 'MissingSiteId', 'Required parameter SiteId missing. Specify SiteId and try again.');
  }
  const siteId = parseWhole(siteText, 1, Number.MAX_SAFE_INTEGER);
  if (siteId === undefined)
    return fail(400, 'InvalidParameter', 'The specified parameter SiteId is not valid.');
  if (list) return listCertificates(req, store, params, siteId, fail);
  const id = params.get('Id');
  if (id === null || id === '') return fail(400, 'Id.MissingParameter', 'The parameter Id is required.');
  const site = findSite(store, siteId);
  if (site === undefined) return siteNotFound(fail);
  const cert = (site.client_certificates ?? []).find((c) => c.Id === id);
  if (cert === undefined)
    return fail(404, 'Certificate.NotFound', 'The specified certificate does not exist.');
  if (req.op === 'GetClientCertificate') {
    const { Certificate, ...result } = cert;
    return {
      status: 200,
      body: {
        RequestId: req.requestId,
        SiteId: site.SiteId,
        SiteName: site.SiteName,
        Status: cert.Status,
        ...(Certificate !== undefined ? { Certificate } : {}),
        Result: result,
      },
    };
  }
  if (cert.Status !== 'active') {
    return fail(400, 'Certificate.StatusError', 'The status of the certificate is invalid.');
  }
  cert.Status = 'revoked';
  store.changed();
  return {
    status: 200,
    body: { SiteId: site.SiteId, SiteName: site.SiteName, Id: cert.Id, RequestId: req.requestId },
  };
}

function listCertificates(
  req: AlibabaRequest,
  store: Store,
  params: URLSearchParams,
  siteId: number,
  fail: ErrorFor,
): CloudResponse {
  const pageNumber = params.has('PageNumber') ? parseWhole(params.get('PageNumber') ?? '', 1, 1_000_000) : 1;
  if (pageNumber === undefined) {
    return fail(400, 'InvalidParameter', 'The specified parameter PageNumber is not valid.');
  }
  const pageSize = params.has('PageSize') ? parseWhole(params.get('PageSize') ?? '', 1, MAX_PAGE_SIZE) : 20;
  if (pageSize === undefined) {
    return fail(
      400,
      'InvalidParameter',
      `The specified parameter PageSize is not valid (1 to ${MAX_PAGE_SIZE}).`,
    );
  }
  const site = findSite(store, siteId);
  if (site === undefined) return siteNotFound(fail);
  const all = site.client_certificates ?? [];
  const page = store.pager.page('ListClientCertificates', all, (pageNumber - 1) * pageSize, pageSize);
  const result = page.items.map(({ Certificate: _pem, ...item }: EsaClientCertificate) => item);
  return {
    status: 200,
    body: {
      RequestId: req.requestId,
      SiteId: site.SiteId,
      SiteName: site.SiteName,
      PageNumber: pageNumber,
      PageSize: pageSize,
      TotalCount: page.total,
      Result: result,
    },
  };
}

// ListSites: the account's sites (every site of the state), filtered, in the seed's order unless
// OrderBy says otherwise, paged; each with its seed fields but client_certificates.
function listSites(
  req: AlibabaRequest,
  store: Store,
  params: URLSearchParams,
  fail: ErrorFor,
): CloudResponse {
  const refused = SITES_NOT_SERVED.find((p) => params.has(p));
  if (refused !== undefined) {
    return fail(400, 'InvalidParameter', `The parameter ${refused} is not served by the emulator.`);
  }
  const extra = unknownParam(params, SITES_PARAMS);
  if (extra !== undefined) return fail(400, 'InvalidParameter', `The parameter ${extra} is not recognized.`);
  const repeated = repeatedParam(params);
  if (repeated !== undefined)
    return fail(400, 'InvalidParameter', `The parameter ${repeated} is given twice.`);
  const pageNumber = params.has('PageNumber') ? parseWhole(params.get('PageNumber') ?? '', 1, 1_000_000) : 1;
  if (pageNumber === undefined) {
    return fail(400, 'InvalidParameter', 'The specified parameter PageNumber is not valid.');
  }
  const pageSize = params.has('PageSize')
    ? parseWhole(params.get('PageSize') ?? '', 1, MAX_SITES_PAGE_SIZE)
    : MAX_SITES_PAGE_SIZE;
  if (pageSize === undefined) {
    return fail(
      400,
      'InvalidParameter',
      `The specified parameter PageSize is not valid (1 to ${MAX_SITES_PAGE_SIZE}).`,
    );
  }
  const searchType = params.get('SiteSearchType') ?? 'exact';
  if (!['exact', 'prefix', 'suffix', 'fuzzy'].includes(searchType)) {
    return fail(
      400,
      'InvalidParameter',
      'The parameter SiteSearchType must be exact, prefix, suffix or fuzzy.',
    );
  }
  const orderBy = params.get('OrderBy');
  if (orderBy !== null && orderBy !== 'gmtCreate' && orderBy !== 'visitTime') {
    return fail(400, 'InvalidParameter', 'The parameter OrderBy must be gmtCreate or visitTime.');
  }
  const name = params.get('SiteName');
  const equal = (field: string) => {
    const wanted = params.get(field);
    return (site: Record<string, unknown>) => wanted === null || site[field] === wanted;
  };
  let sites = (store.state.alibabacloud?.esa?.sites ?? [])
    .map(({ client_certificates: _certs, ...site }) => ({ Status: 'active', ...site }))
    .filter((site) => name === null || matchName(site.SiteName, name, searchType))
    .filter(equal('Status'))
    .filter(equal('AccessType'))
    .filter(equal('Coverage'))
    .filter(equal('ResourceGroupId'));
  if (orderBy !== null) {
    const field = orderBy === 'gmtCreate' ? 'CreateTime' : 'VisitTime';
    const at = (site: Record<string, unknown>) =>
      typeof site[field] === 'string' ? (site[field] as string) : '~';
    sites = [...sites].sort((a, b) => (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0));
  }
  const page = store.pager.page('ListSites', sites, (pageNumber - 1) * pageSize, pageSize);
  return {
    status: 200,
    body: {
      RequestId: req.requestId,
      PageNumber: pageNumber,
      PageSize: pageSize,
      TotalCount: page.total,
      Sites: page.items,
    },
  };
}

// SiteSearchType: exact (the default), prefix, suffix or fuzzy (a substring).
function matchName(siteName: string, wanted: string, searchType: string): boolean {
  if (searchType === 'prefix') return siteName.startsWith(wanted);
  if (searchType === 'suffix') return siteName.endsWith(wanted);
  if (searchType === 'fuzzy') return siteName.includes(wanted);
  return siteName === wanted;
}

// RPC parameters: the query, plus a form body when a POST carries one.
function rpcParams(req: AlibabaRequest): URLSearchParams | undefined {
  if (req.body.length === 0) return req.query;
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) return undefined;
  const params = new URLSearchParams(req.query);
  for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) params.append(k, v);
  return params;
}

function findSite(store: Store, siteId: number): EsaSite | undefined {
  return (store.state.alibabacloud?.esa?.sites ?? []).find((s) => s.SiteId === siteId);
}

function siteNotFound(fail: ErrorFor): CloudResponse {
  return fail(404, 'Site.NotFound', 'The specified site does not exist.');
}
