// Alibaba Cloud authentication for the emulator: an ACS3-HMAC-SHA256 signature with its body hash, date
// window and single-use nonce, refused with the POP gateway's own error codes. Canonicalisation is the
// signer's (src/clouds/alibabacloud/sign.ts); nothing is recomputed here.

import {
  buildCanonicalHeaders,
  buildCanonicalQuery,
  buildCanonicalRequest,
  buildCanonicalUri,
  buildStringToSign,
  computeSignature,
  isSignedHeaderName,
  parseAcsDate,
  parseAuthorization,
  sha256Hex,
} from '../../clouds/alibabacloud/sign.js';
import { decodeQuery } from '../../clouds/canonical.js';
import { type AuthOutcome, equalConstantTime, header, type SignedRequest } from './request.js';

/** ALIBABA_MAX_SKEW_MS is the accepted distance between x-acs-date and server time: 15 minutes (docs/clouds.md#alibaba-cloud-signing). */
export const ALIBABA_MAX_SKEW_MS = 15 * 60 * 1000;

/**
 * NonceCache remembers x-acs-signature-nonce values for ttlMs so that a replayed request is refused.
 * Memory is bounded: a nonce older than ttlMs is forgotten. A ttlMs of twice the date window (30 min
 * for the default 15) covers every request whose x-acs-date is still accepted.
 */
export class NonceCache {
  readonly #ttlMs: number;
  // nonce -> when first seen (ms); insertion order is time order, so the oldest come first.
  readonly #seenAt = new Map<string, number>();

  constructor(ttlMs: number) {
    if (!(ttlMs > 0)) throw new RangeError(`NonceCache ttlMs must be positive, got ${ttlMs}`);
    this.#ttlMs = ttlMs;
  }

  /** seen records nonce at now and says whether it was already recorded less than ttlMs before. */
  seen(nonce: string, now: Date): boolean {
    const at = now.getTime();
    this.#forget(at);
    const first = this.#seenAt.get(nonce);
    if (first !== undefined && at - first < this.#ttlMs) return true;
    this.#seenAt.delete(nonce);
    this.#seenAt.set(nonce, at);
    return false;
  }

  /** size is how many nonces are remembered. */
  get size(): number {
    return this.#seenAt.size;
  }

  #forget(at: number): void {
    for (const [nonce, first] of this.#seenAt) {
      if (at - first < this.#ttlMs) break;
      this.#seenAt.delete(nonce);
    }
  }
}

/** AlibabaVerifyOptions: the emulator's key store, clock and nonce memory. */
export interface AlibabaVerifyOptions {
  /** secretFor is the AccessKeySecret of an AccessKeyId (STS ones included), undefined when unknown. */
  secretFor(accessKeyId: string): string | undefined;
  now: Date;
  /** maxSkewMs is the largest accepted |now - x-acs-date|; default ALIBABA_MAX_SKEW_MS. */
  maxSkewMs?: number;
  nonces: NonceCache;
}

// The gateway's answers. Codes, statuses and messages are Alibaba's well-known POP ones; none is in
// docs/clouds.md. Our choices, undocumented by Alibaba for V3: IncompleteSignature for a
// missing Authorization header or a missing/unsigned common header, and SignatureDoesNotMatch for an
// x-acs-content-sha256 that does not match the body.
const answers = {
  IncompleteSignature: [400, 'The request signature does not conform to Aliyun standards.'],
  'InvalidTimeStamp.Format': [400, 'Specified time stamp or date value is not well formatted.'],
  'InvalidTimeStamp.Expired': [400, 'Specified time stamp or date value is expired.'],
  'InvalidAccessKeyId.NotFound': [404, 'Specified access key is not found.'],
  SignatureDoesNotMatch: [400, 'Specified signature is not matched with our calculation.'],
  SignatureNonceUsed: [400, 'Specified signature nonce was used already.'],
} as const;

function refuse(code: keyof typeof answers, detail?: string): AuthOutcome {
  const [status, message] = answers[code];
  return { ok: false, status, code, message: detail === undefined ? message : `${message} ${detail}` };
}

// Headers every V3 request carries and signs; host and x-acs-action/version are checked by the
// "signed when present" rule, as the emulator routes on them anyway.
const requiredHeaders = ['x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'] as const;

/**
 * checkAlibabaHeaders is what the gateway can check before the body arrives: an Authorization header
 * that parses, the common headers present, every host, content-type and x-acs-* header present signed,
 * x-acs-date well formed and within maxSkewMs of now, and a known AccessKeyId. The emulator refuses a
 * request that fails it without reading its body.
 */
export function checkAlibabaHeaders(
  headers: Readonly<Record<string, string>>,
  opts: Omit<AlibabaVerifyOptions, 'nonces'>,
): AuthOutcome {
  const req = { headers };
  const authorization = header(req, 'authorization');
  if (authorization === undefined) {
    return refuse('IncompleteSignature', 'The Authorization header is missing.');
  }
  const auth = parseAuthorization(authorization);
  if (auth === undefined) return refuse('IncompleteSignature', 'The Authorization header is malformed.');

  const signedNames = new Set(auth.signedHeaders.split(';'));
  for (const name of requiredHeaders) {
    if (header(req, name) === undefined) {
      return refuse('IncompleteSignature', `The ${name} header is missing.`);
    }
  }
  for (const name of Object.keys(headers)) {
    if (isSignedHeaderName(name) && !signedNames.has(name)) {
      return refuse('IncompleteSignature', `The ${name} header is not in SignedHeaders.`);
    }
  }
  for (const name of signedNames) {
    if (header(req, name) === undefined) {
      return refuse('IncompleteSignature', `The signed header ${name} is missing.`);
    }
  }

  const acsDate = header(req, 'x-acs-date') ?? '';
  const signedAt = parseAcsDate(acsDate);
  if (signedAt === undefined) return refuse('InvalidTimeStamp.Format', `x-acs-date: ${acsDate}`);
  if (opts.secretFor(auth.accessKeyId) === undefined) {
    return refuse('InvalidAccessKeyId.NotFound', `AccessKeyId: ${auth.accessKeyId}`);
  }
  if (Math.abs(opts.now.getTime() - signedAt.getTime()) > (opts.maxSkewMs ?? ALIBABA_MAX_SKEW_MS)) {
    return refuse('InvalidTimeStamp.Expired', `x-acs-date: ${acsDate}`);
  }
  return { ok: true, accessKey: auth.accessKeyId };
}

/**
 * verifyAlibabaRequest authenticates a request as the gateway does: checkAlibabaHeaders, then
 * x-acs-content-sha256 is the body's SHA-256, the signature equals (constant-time) the one computed from
 * the method, raw path, decoded query and signed headers, and only then the nonce is recorded and must
 * be new. An x-acs-security-token is signed like any x-acs-* header but not checked.
 */
export function verifyAlibabaRequest(req: SignedRequest, opts: AlibabaVerifyOptions): AuthOutcome {
  const checked = checkAlibabaHeaders(req.headers, opts);
  if (!checked.ok) return checked;
  const auth = parseAuthorization(header(req, 'authorization') ?? '');
  const secret = auth === undefined ? undefined : opts.secretFor(auth.accessKeyId);
  if (auth === undefined || secret === undefined) return refuse('SignatureDoesNotMatch');
  const signedNames = new Set(auth.signedHeaders.split(';'));

  const payloadHash = header(req, 'x-acs-content-sha256') ?? '';
  if (!equalConstantTime(sha256Hex(req.body), payloadHash)) {
    return refuse('SignatureDoesNotMatch', 'x-acs-content-sha256 is not the SHA-256 of the request body.');
  }
  const stringToSign = buildStringToSign(
    buildCanonicalRequest({
      method: req.method,
      canonicalUri: buildCanonicalUri(req.path),
      canonicalQuery: buildCanonicalQuery(decodeQuery(req.query)),
      headers: buildCanonicalHeaders(req.headers, (name) => signedNames.has(name)),
      payloadHash,
    }),
  );
  if (!equalConstantTime(computeSignature(secret, stringToSign), auth.signature)) {
    return refuse('SignatureDoesNotMatch', `server string to sign is:${stringToSign}`);
  }
  const nonce = header(req, 'x-acs-signature-nonce') ?? '';
  if (opts.nonces.seen(nonce, opts.now)) return refuse('SignatureNonceUsed');
  return { ok: true, accessKey: auth.accessKeyId };
}
