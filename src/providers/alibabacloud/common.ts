// What the two Alibaba Cloud providers share: telling a missing resource (absent) from
// a request the cloud did not understand, and small readers of the untyped JSON the
// cloud answers.

import { alibabaDialect } from '../../clouds/alibabacloud/dialect.js';
import type { CallOptions, CallResult } from '../../http/client.js';
import { CloudError } from '../../http/errors.js';
import type { ServiceName } from '../../vocabulary.js';
import { isRecord, withSignal } from '../common.js';
import { type PageAnswer, rowsOf } from '../lists.js';
import type { ProviderAccount } from '../types.js';

/**
 * isMissing tells whether a call failed because the resource it names does not exist, as Alibaba
 * Cloud's dialect reads the answer (a `...NotFound` code about the resource, not about the request).
 */
export function isMissing(err: unknown): err is CloudError {
  return err instanceof CloudError && alibabaDialect.isMissing(err.status, err.cloudCode);
}

/** isCount tells whether a JSON value is a whole number ≥ 0 (a total or a page number). */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * rpcPage reads an RPC list answer (ESA): the rows in `field`, `TotalCount`, and the `PageNumber` and
 * `PageSize` it answered; noList is what an answer without them is said to have done.
 */
export function rpcPage(field: string, noList: string): (body: unknown) => PageAnswer | string {
  return (body) => {
    const rows = rowsOf(body, field);
    if (rows === undefined || !isRecord(body) || !isCount(body.TotalCount)) return noList;
    return { rows, total: body.TotalCount, echo: body.PageNumber, size: body.PageSize };
  };
}

/**
 * roaPage reads a ROA list answer (ACK): the rows in `field`, and beside them an object `pageField`
 * with `total_count`, `page_number` and `page_size`.
 */
export function roaPage(
  field: string,
  pageField: string,
  noList: string,
): (body: unknown) => PageAnswer | string {
  return (body) => {
    const rows = rowsOf(body, field);
    const page = isRecord(body) ? body[pageField] : undefined;
    if (rows === undefined || !isRecord(page) || !isCount(page.total_count)) return noList;
    return { rows, total: page.total_count, echo: page.page_number, size: page.page_size };
  };
}

/** AcsApi is one Alibaba product's API: its service and API version. */
export interface AcsApi {
  readonly service: ServiceName;
  readonly version: string;
}

/** AcsCall is one call: an RPC action's query (GET /), or a ROA operation's method, path and query. */
export type AcsCall = Pick<CallOptions, 'query'> & {
  readonly method?: CallOptions['method'];
  readonly path?: string;
};

/** acs makes one call of an Alibaba API's operation, at the account's endpoint of the service. */
export function acs(
  account: ProviderAccount,
  api: AcsApi,
  operation: string,
  call: AcsCall,
  signal: AbortSignal | undefined,
): Promise<CallResult> {
  return account.http.call({
    method: call.method ?? 'GET',
    url: `${account.endpoint(api.service)}${call.path ?? '/'}`,
    ...(call.query === undefined ? {} : { query: call.query }),
    service: api.service,
    operation,
    apiVersion: api.version,
    ...withSignal(signal),
  });
}
