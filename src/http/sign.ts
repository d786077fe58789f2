// The signing interceptor: every attempt is signed anew (fresh date and nonce) over exactly what undici
// sends — method, host, path, the query as on the wire, headers and body bytes — by a per-account signer.
// Also the signers over src/providers/*/sign.ts: Huawei AK/SK, Huawei IAM token, Alibaba ACS3.

import type { Dispatcher } from 'undici';
import {
  type AlibabaCredentials,
  newSignatureNonce,
  signAlibabaRequest,
} from '../providers/alibabacloud/sign.js';
import { decodeQuery } from '../providers/canonical.js';
import { type HuaweiCredentials, signHuaweiRequest } from '../providers/huaweicloud/sign.js';
import { type Clock, detachedController, metaOf, type RequestMeta, toError } from './meta.js';

export { decodeQuery };

/**
 * SignableRequest is one attempt as it will be sent. pathname is the raw path without query, rawQuery
 * the query string as sent (no `?`), query the same decoded (repeated names keep every value), headers
 * have lower-case names and body is the exact string or bytes undici writes.
 */
export interface SignableRequest {
  readonly method: string;
  readonly origin: URL;
  readonly pathname: string;
  readonly rawQuery: string;
  readonly query: Readonly<Record<string, readonly string[]>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array | undefined;
  readonly meta: RequestMeta | undefined;
}

/** SigningContext is what changes on every attempt: the time and, for Alibaba, the nonce. */
export interface SigningContext {
  readonly now: Date;
  readonly nonce: string;
}

/** SignFunction returns the headers to add to one attempt (lower-case names); it may throw on a caller bug. */
export type SignFunction = (req: SignableRequest, ctx: SigningContext) => Readonly<Record<string, string>>;

/** RequestSigner is a SignFunction with the secret values it holds, which every error and log line redacts. */
export interface RequestSigner {
  readonly sign: SignFunction;
  readonly secrets: readonly string[];
}

/** SignOptions configure the sign interceptor; now and nonce are injectable for tests. */
export interface SignOptions {
  readonly signer: RequestSigner | SignFunction;
  readonly now?: Clock;
  readonly nonce?: () => string;
}

/**
 * sign is the signing interceptor. It must sit inside retry (compose it before retry) so that each
 * attempt, retries included, gets a new date and nonce. The body must be a string or bytes at dispatch
 * time: a stream cannot be hashed and sent as the same bytes, so it fails the request with a TypeError.
 * Headers the signer returns replace given headers of the same (case-insensitive) name.
 */
export function sign(options: SignOptions): Dispatcher.DispatcherComposeInterceptor {
  const signFn = typeof options.signer === 'function' ? options.signer : options.signer.sign;
  const now = options.now ?? Date.now;
  const nonce = options.nonce ?? newSignatureNonce;
  return (dispatch) => (opts, handler) => {
    let signed: Dispatcher.DispatchOptions;
    try {
      const req = signableRequest(opts);
      const added = signFn(req, { now: new Date(now()), nonce: nonce() });
      const headers: Record<string, string> = { ...req.headers };
      for (const [name, value] of Object.entries(added)) headers[name.toLowerCase()] = value;
      signed = { ...opts, headers };
    } catch (err) {
      handler.onResponseError?.(detachedController(), toError(err));
      return true;
    }
    return dispatch(signed, handler);
  };
}

/** signableRequest reads a dispatch's method, origin, path, query, headers and body for signing. */
export function signableRequest(opts: Dispatcher.DispatchOptions): SignableRequest {
  if (opts.origin === undefined) throw new TypeError('a signed request needs an origin');
  if (opts.query !== undefined && opts.query !== null) {
    throw new TypeError('a signed request carries its query in path, not in the query option');
  }
  const body = opts.body ?? undefined;
  if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw new TypeError(
      'a signed request body must be a string or bytes, so that the bytes sent are the bytes signed',
    );
  }
  const q = opts.path.indexOf('?');
  const rawQuery = q < 0 ? '' : opts.path.slice(q + 1);
  return {
    method: opts.method,
    origin: new URL(opts.origin),
    pathname: q < 0 ? opts.path : opts.path.slice(0, q),
    rawQuery,
    query: decodeQuery(rawQuery),
    headers: normalizeHeaders(opts.headers),
    body,
    meta: metaOf(opts),
  };
}

/**
 * normalizeHeaders turns undici's header forms (object, flat array, entries) into one record with
 * lower-case names; repeated values are joined with `, `.
 */
export function normalizeHeaders(headers: Dispatcher.DispatchOptions['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (name: unknown, value: unknown): void => {
    if (value === undefined || value === null) return;
    const lower = String(name).toLowerCase();
    const text = Array.isArray(value) ? value.map(String).join(', ') : String(value);
    out[lower] = out[lower] === undefined ? text : `${out[lower]}, ${text}`;
  };
  if (headers === undefined || headers === null) return out;
  if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0])) {
      for (const entry of headers as unknown as readonly (readonly [unknown, unknown])[])
        add(entry[0], entry[1]);
    } else {
      for (let i = 0; i + 1 < headers.length; i += 2) add(headers[i], headers[i + 1]);
    }
    return out;
  }
  if (Symbol.iterator in headers && typeof headers[Symbol.iterator] === 'function') {
    for (const [name, value] of headers as Iterable<readonly [string, unknown]>) add(name, value);
    return out;
  }
  for (const [name, value] of Object.entries(headers)) add(name, value);
  return out;
}

/**
 * isHuaweiSignedHeader says which headers huaweiSigner signs, after signing.md §1.6: host, content-type
 * and every `x-*` one (X-Project-Id, X-Domain-Id, X-Sdk-Content-Sha256...). Accept, User-Agent and the
 * like travel unsigned, so that a proxy rewriting them cannot break the signature.
 */
export function isHuaweiSignedHeader(lowerCaseName: string): boolean {
  return lowerCaseName === 'host' || lowerCaseName === 'content-type' || lowerCaseName.startsWith('x-');
}

/**
 * huaweiSigner signs with an AK/SK (SDK-HMAC-SHA256) through signHuaweiRequest: the isHuaweiSignedHeader
 * headers, host from the origin, X-Sdk-Date from the attempt's time, X-Security-Token for temporary keys.
 */
export function huaweiSigner(credentials: HuaweiCredentials): RequestSigner {
  return {
    secrets: secretsOf([credentials.secretKey, credentials.securityToken]),
    sign: (req, ctx) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (isHuaweiSignedHeader(name)) headers[name] = value;
      }
      return signHuaweiRequest(
        {
          method: req.method,
          url: `${req.origin.origin}${req.pathname}`,
          query: req.query,
          headers,
          ...(req.body === undefined ? {} : { body: req.body }),
        },
        credentials,
        ctx.now,
      );
    },
  };
}

/** huaweiTokenSigner authenticates with an IAM token in X-Auth-Token (signing.md §1.5): nothing is signed. */
export function huaweiTokenSigner(token: string): RequestSigner {
  return { secrets: secretsOf([token]), sign: () => ({ 'x-auth-token': token }) };
}

/**
 * alibabaSigner signs with an AccessKey (ACS3-HMAC-SHA256) through signAlibabaRequest. The action is the
 * call's operation and the version its apiVersion, which must be set (a TypeError otherwise).
 */
export function alibabaSigner(credentials: AlibabaCredentials): RequestSigner {
  return {
    secrets: secretsOf([credentials.accessKeySecret, credentials.securityToken]),
    sign: (req, ctx) => {
      const meta = req.meta;
      if (meta?.apiVersion === undefined) {
        throw new TypeError('an Alibaba Cloud request needs its API version (apiVersion) to be signed');
      }
      const { host, ...headers } = req.headers;
      return signAlibabaRequest(
        {
          method: req.method,
          host: host ?? req.origin.host,
          pathname: req.pathname === '' ? '/' : req.pathname,
          action: meta.operation,
          version: meta.apiVersion,
          query: req.query,
          headers,
          ...(req.body === undefined ? {} : { body: req.body }),
        },
        credentials,
        ctx.now,
        ctx.nonce,
      );
    },
  };
}

function secretsOf(values: readonly (string | undefined)[]): string[] {
  return values.filter((v): v is string => v !== undefined && v !== '');
}
