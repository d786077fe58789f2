// The error answers of Alibaba Cloud, the same for RPC (ESA) and ROA (ACK), written by
// the dialect the client reads them with (src/clouds/alibabacloud/dialect.ts).

import { alibabaErrorBody } from '../../clouds/alibabacloud/dialect.js';
import type { ErrorCode } from '../../clouds/error-codes.js';
import type { CloudResponse } from '../cloud.js';

/** alibabaError is an Alibaba Cloud error answer. */
export function alibabaError(
  status: number,
  code: ErrorCode,
  message: string,
  requestId: string,
  hostId: string,
): CloudResponse {
  return { status, body: alibabaErrorBody(code, message, requestId, hostId) };
}

/** alibabaInternalError is the 5xx answer of fault injection, the same for every Alibaba service. */
export function alibabaInternalError(requestId: string, hostId: string): CloudResponse {
  return alibabaError(
    500,
    'InternalError',
    'The request processing has failed due to some unknown error, exception or failure.',
    requestId,
    hostId,
  );
}

/** ErrorFor builds an error of one request: its request id and host are already known. */
export type ErrorFor = (status: number, code: ErrorCode, message: string) => CloudResponse;

/** errorFor binds alibabaError to one request. */
export function errorFor(req: { requestId: string; host: string }): ErrorFor {
  return (status, code, message) => alibabaError(status, code, message, req.requestId, req.host);
}
