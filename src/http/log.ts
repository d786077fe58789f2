// The debug-log interceptor: one line per attempt as sent (method, URL, call, attempt, proxy, headers,
// body size) and one per outcome (status, call, attempt, time, request id, or the failure), every line
// through redact(). It sits innermost, after sign, so it shows each attempt exactly as it went out, with
// its signature redacted. A proxy is named by its origin: its credentials never reach a line.

import type { Dispatcher } from 'undici';
import { headerValue } from '../clouds/wire.js';
import { errorCode } from './errors.js';
import { attemptOf, type Clock, metaOf } from './meta.js';
import { redact, redactHeaders } from './redact.js';
import { normalizeHeaders } from './sign.js';

/** HttpLogger receives finished debug lines, already redacted. */
export type HttpLogger = (line: string) => void;

/** LogOptions configure the log interceptor. */
export interface LogOptions {
  readonly logger: HttpLogger;
  /** secrets are removed from every line, in addition to the known secret-bearing headers. */
  readonly secrets?: readonly string[];
  /** headers: also log request headers (redacted); default true. */
  readonly headers?: boolean;
  /** requestIdHeader is the cloud's request-id header (the dialect's); x-request-id when not given. */
  readonly requestIdHeader?: string;
  readonly now?: Clock;
  /** via names the proxy a request to an origin goes through (the transport's), for the lines. */
  readonly via?: (origin: string) => string | undefined;
}

/**
 * log is the debug-log interceptor. Lines look like
 * `http > POST https://kms.cn-north-4.myhuaweicloud.com/v1.0/p/kms/revoke-grant (kms CancelGrant) attempt 1/4 via http://proxy.corp:3128 body=98B headers={...}`
 * and `http < 429 POST https://... (kms CancelGrant) attempt 1/4 12ms request-id=...` or
 * `http ! POST https://... (kms CancelGrant) attempt 1/4 3ms UND_ERR_SOCKET: other side closed`.
 * A logger that throws is ignored. Bodies are never logged, only their size.
 */
export function log(options: LogOptions): Dispatcher.DispatcherComposeInterceptor {
  const secrets = options.secrets ?? [];
  const now = options.now ?? Date.now;
  const write = (line: string): void => {
    try {
      options.logger(redact(line, secrets));
    } catch {
      // Logging must never change what happens to a request.
    }
  };
  return (dispatch) => (opts, handler) => {
    const meta = metaOf(opts);
    const record = attemptOf(opts);
    const origin = String(opts.origin ?? '').replace(/\/$/, '');
    const target = `${opts.method} ${origin}${opts.path}`;
    const attempt =
      record?.attempt === undefined ? '' : ` attempt ${record.attempt}/${record.maxAttempts ?? '?'}`;
    const call = `${meta === undefined ? '' : ` (${meta.service} ${meta.operation})`}${attempt}`;
    const proxy = options.via?.(origin);
    const size = bodySize(opts.body);
    const headers =
      options.headers === false
        ? ''
        : ` headers=${JSON.stringify(redactHeaders(normalizeHeaders(opts.headers), secrets))}`;
    write(
      `http > ${target}${call}${proxy === undefined ? '' : ` via ${proxy}`}${size === undefined ? '' : ` body=${size}B`}${headers}`,
    );
    const started = now();
    const idHeader = options.requestIdHeader ?? 'x-request-id';
    return dispatch(opts, {
      onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
      onRequestUpgrade: (controller, statusCode, headers, socket) =>
        handler.onRequestUpgrade?.(controller, statusCode, headers, socket),
      onResponseStart: (controller, statusCode, headers, statusMessage) => {
        if (statusCode >= 200) {
          const id = headerValue(headers, idHeader);
          write(
            `http < ${statusCode} ${target}${call} ${now() - started}ms${id === undefined ? '' : ` request-id=${id}`}`,
          );
        }
        handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
      },
      onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
      onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
      onResponseError: (controller, err) => {
        const code = errorCode(err);
        write(
          `http ! ${target}${call} ${now() - started}ms ${code === undefined ? err.name : code}: ${err.message}`,
        );
        handler.onResponseError?.(controller, err);
      },
    });
  };
}

function bodySize(body: Dispatcher.DispatchOptions['body']): number | undefined {
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  return undefined;
}
