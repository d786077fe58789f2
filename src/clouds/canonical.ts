// The parts of request signing that Huawei SDK-HMAC-SHA256 and Alibaba ACS3-HMAC-SHA256
// share: RFC 3986 encoding and decoding, SHA-256 and HMAC-SHA256 in hex, and the six-line
// canonical request. Each cloud's sign.ts builds its own URI, query, headers and string to sign.

import { createHash, createHmac, randomFillSync } from 'node:crypto';

/** EMPTY_BODY_SHA256 is the lower-hex SHA-256 of zero bytes: the payload hash of a request without body. */
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** CanonicalHeaders is the header block of a canonical request and the matching SignedHeaders value. */
export interface CanonicalHeaders {
  /** block has one `name:value\n` line per signed header, so it ends with a newline. */
  readonly block: string;
  readonly signedHeaders: string;
}

/** CanonicalRequestParts are the six lines of a canonical request, each already canonical. */
export interface CanonicalRequestParts {
  readonly method: string;
  readonly canonicalUri: string;
  readonly canonicalQuery: string;
  readonly headers: CanonicalHeaders;
  readonly payloadHash: string;
}

/**
 * percentEncode is both SDKs' encoding (Huawei AKSKSigner.urlEncode, Alibaba OpenApiUtil's encode):
 * RFC 3986, only `A-Z a-z 0-9 - . _ ~` kept, every other UTF-8 byte as `%XX` with upper-case hex
 * (space is `%20`, never `+`).
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** sha256Hex is the lower-hex SHA-256 of a string's UTF-8 bytes or of raw bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** hmacSha256Hex is the lower-hex HMAC-SHA256 of a string to sign under a secret: the signature. */
export function hmacSha256Hex(secret: string, stringToSign: string): string {
  return createHmac('sha256', secret).update(stringToSign).digest('hex');
}

/** QueryValue is one query value; numbers and booleans are sent and signed as their String() form. */
export type QueryValue = string | number | boolean;

/**
 * canonicalQuery sorts names by code unit, expands an array into one pair per value (values sorted), and
 * joins `enc(name)=enc(value)` with `&`; an empty query gives ''. It is both a valid wire query and
 * Huawei's canonical query; sent as is, it is also what Alibaba canonicalises to.
 */
export function canonicalQuery(query: Readonly<Record<string, QueryValue | readonly QueryValue[]>>): string {
  const pairs: string[] = [];
  for (const name of Object.keys(query).sort()) {
    const value = query[name];
    const values = (Array.isArray(value) ? value : [value]).map(String).sort();
    for (const v of values) pairs.push(`${percentEncode(name)}=${percentEncode(v)}`);
  }
  return pairs.join('&');
}

// Nonces are cut from a block of random bytes filled 256 nonces at a time: one call into the CSPRNG
// instead of one per request. Each block's bytes are handed out once, in order, and never reused.
const NONCE_BYTES = 16;
const nonceBlock = Buffer.alloc(NONCE_BYTES * 256);
let nonceAt = nonceBlock.length;

/** newNonce is a fresh signature nonce: 32 random lower-hex digits, as Alibaba's openapi-client sends. */
export function newNonce(): string {
  if (nonceAt === nonceBlock.length) {
    randomFillSync(nonceBlock);
    nonceAt = 0;
  }
  const nonce = nonceBlock.toString('hex', nonceAt, nonceAt + NONCE_BYTES);
  nonceAt += NONCE_BYTES;
  return nonce;
}

/** buildCanonicalRequest joins the six parts with newlines, the method upper-cased. */
export function buildCanonicalRequest(parts: CanonicalRequestParts): string {
  return [
    parts.method.toUpperCase(),
    parts.canonicalUri,
    parts.canonicalQuery,
    parts.headers.block,
    parts.headers.signedHeaders,
    parts.payloadHash,
  ].join('\n');
}

/**
 * decodeQuery decodes a raw query string (no `?`) into name -> values, keeping repeated names in order,
 * as the gateways do before canonicalising. `+` stays a plus sign (RFC 3986, as both SDKs encode);
 * a malformed %-sequence is kept as it is.
 */
export function decodeQuery(raw: string): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null);
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodeComponent(pair.slice(eq + 1));
    const values = out[name];
    if (values === undefined) out[name] = [value];
    else values.push(value);
  }
  return out;
}

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** SigningTrace is everything a signer computed, for tests and for debugging a refused signature. */
export interface SigningTrace {
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly signature: string;
  /** headers are the headers to add to the request, names lower-case. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * parseAuthorizationFields reads `ALGORITHM k=v, k=v, ...`: spaces around commas allowed, any field order.
 * It returns exactly the named fields, or undefined when the algorithm differs or a field is missing,
 * empty, repeated or not one of names.
 */
export function parseAuthorizationFields<const N extends string>(
  value: string,
  algorithm: string,
  names: readonly N[],
): Record<N, string> | undefined {
  const prefix = `${algorithm} `;
  if (!value.startsWith(prefix)) return undefined;
  const fields = new Map<string, string>();
  for (const part of value.slice(prefix.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    const key = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (v === '' || fields.has(key) || !(names as readonly string[]).includes(key)) return undefined;
    fields.set(key, v);
  }
  if (fields.size !== names.length) return undefined;
  return Object.fromEntries(fields) as Record<N, string>;
}
