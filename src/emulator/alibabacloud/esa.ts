// Alibaba Cloud ESA (RPC, 2024-09-10) in the emulator: RevokeClientCertificate (only an
// active certificate; Certificate.StatusError otherwise, Certificate.NotFound),
// GetClientCertificate and ListClientCertificates (paged by PageNumber and PageSize).

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
] as const;
/** EsaOperation is an ESA action. */
export type EsaOperation = (typeof ESA_OPERATIONS)[number];

/** esaService is ESA in the emulator's registry (services.ts). */
export const esaService: AlibabaService<'esa', EsaOperation> = {
  service: 'esa',
  cloud: 'alibabacloud',
  routing: { style: 'rpc', version: ESA_VERSION, actions: ESA_OPERATIONS },
  operations: ESA_OPERATIONS,
  handle: handleEsa,
  internalError: alibabaInternalError,
};
/** MAX_PAGE_SIZE is the largest PageSize of ListClientCertificates (the emulator's choice). */
const MAX_PAGE_SIZE = 100;

/** handleEsa answers the ESA actions; parameters come from the query, or a form body of a POST. */
export function handleEsa(req: AlibabaRequest<EsaOperation>, store: Store): CloudResponse {
  const fail = errorFor(req);
  const params = rpcParams(req);
  if (params === undefined)
    return fail(400, 'InvalidParameter', 'The request body must be a form of parameters.');
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
  const start = (pageNumber - 1) * pageSize;
  const result = all
    .slice(start, start + pageSize)
    .map(({ Certificate: _pem, ...item }: EsaClientCertificate) => item);
  return {
    status: 200,
    body: {
      RequestId: req.requestId,
      SiteId: site.SiteId,
      SiteName: site.SiteName,
      PageNumber: pageNumber,
      PageSize: pageSize,
      TotalCount: all.length,
      Result: result,
    },
  };
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
