// The signing interceptor: every attempt is signed anew (fresh date and nonce) over exactly what undici
// sends — method, host, path, the query as on the wire, headers and body bytes — by the account's
// RequestSigner. Which algorithm signs is the signer's business (src/clouds/<cloud>/sign.ts). Credentials
// that change while a run lasts come as a RotatingSigner: each attempt signs with its current version
// (a cached value; a refresh runs in the background before expiry), or waits for fresh ones.

import type { Dispatcher } from 'undici';
import { decodeQuery, newNonce } from '../clouds/canonical.js';
import {
  isRotatingSigner,
  type RequestSigner,
  type RotatingSigner,
  type SignableRequest,
  type SignFunction,
} from '../clouds/wire.js';
import { CredentialsError } from './errors.js';
import { attemptOf, type Clock, detachedController, metaOf, signalOf, toError } from './meta.js';

/** SignOptions configure the sign interceptor; now and nonce are injectable for tests. */
export interface SignOptions {
  readonly signer: RequestSigner | RotatingSigner | SignFunction;
  readonly now?: Clock;
  readonly nonce?: () => string;
}

/**
 * sign is the signing interceptor. It must sit inside retry (compose it before retry) so that each
 * attempt, retries included, gets a new date and nonce. The body must be a string or bytes at dispatch
 * time: a stream cannot be hashed and sent as the same bytes, so it fails the request with a TypeError.
 * Headers the signer returns replace given headers of the same (case-insensitive) name. With a
 * RotatingSigner, the attempt's record (AttemptRecord.credentials) says which version signed it, so that
 * retry can tell the signer which credentials the cloud refused as expired; an attempt that finds no
 * credentials fresh enough waits for next(), and fails with a CredentialsError when there are none.
 */
export function sign(options: SignOptions): Dispatcher.DispatcherComposeInterceptor {
  const now = options.now ?? Date.now;
  const nonce = options.nonce ?? newNonce;
  const given = options.signer;
  const rotating = typeof given !== 'function' && isRotatingSigner(given) ? given : undefined;
  const fixed: SignFunction | undefined =
    typeof given === 'function' ? given : rotating === undefined ? (given as RequestSigner).sign : undefined;
  const signWith = (signFn: SignFunction, opts: Dispatcher.DispatchOptions): Dispatcher.DispatchOptions => {
    const req = signableRequest(opts);
    // The nonce is drawn only by a signature that has one (Alibaba's; Huawei's has none).
    const added = signFn(req, {
      now: new Date(now()),
      get nonce() {
        return nonce();
      },
    });
    const headers: Record<string, string> = Object.assign({}, req.headers);
    for (const [name, value] of Object.entries(added)) headers[name.toLowerCase()] = value;
    return Object.assign({}, opts, { headers });
  };
  return (dispatch) => (opts, handler) => {
    if (fixed !== undefined) {
      let signed: Dispatcher.DispatchOptions;
      try {
        signed = signWith(fixed, opts);
      } catch (err) {
        handler.onResponseError?.(detachedController(), toError(err));
        return true;
      }
      return dispatch(signed, handler);
    }
    const signer = rotating as RotatingSigner;
    const record = attemptOf(opts);
    const current = signer.current();
    if (current !== undefined) {
      let signed: Dispatcher.DispatchOptions;
      try {
        signed = signWith(current.signer.sign, opts);
      } catch (err) {
        handler.onResponseError?.(detachedController(), toError(err));
        return true;
      }
      if (record !== undefined) record.credentials = current.version;
      return dispatch(signed, handler);
    }
    signer.next(signalOf(opts)).then(
      (fresh) => {
        let signed: Dispatcher.DispatchOptions;
        try {
          signed = signWith(fresh.signer.sign, opts);
        } catch (err) {
          handler.onResponseError?.(detachedController(), toError(err));
          return;
        }
        if (record !== undefined) record.credentials = fresh.version;
        dispatch(signed, handler);
      },
      (err: unknown) => {
        const failure =
          err instanceof CredentialsError || (err instanceof Error && err.name === 'AbortError')
            ? (err as Error)
            : new CredentialsError(toError(err).message, { cause: err });
        handler.onResponseError?.(detachedController(), failure);
      },
    );
    return true;
  };
}

/** signableRequest reads a dispatch's method, origin, path, query, headers, body and call for signing. */
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
  const meta = metaOf(opts);
  return {
    method: opts.method,
    origin: new URL(opts.origin),
    pathname: q < 0 ? opts.path : opts.path.slice(0, q),
    rawQuery,
    query: decodeQuery(rawQuery),
    headers: normalizeHeaders(opts.headers),
    body,
    operation: meta?.operation,
    apiVersion: meta?.apiVersion,
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
