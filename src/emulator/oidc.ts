// The emulator's OIDC issuer and the one JWT check that STS and IAM federation share: an RS256
// key pair made on first use, tokens minted with it, its JWKS and discovery document, and the
// verification of a token's form, signature, issuer, audience and lifetime, with bounded input.

import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
  sign,
  verify,
} from 'node:crypto';
import type { Jwks } from './state.js';

/** MAX_OIDC_TOKEN_CHARS is the longest token the emulator reads: 20,000 characters, STS's OIDCToken limit. */
export const MAX_OIDC_TOKEN_CHARS = 20_000;

/** MintRequest is what POST /_emulator/oidc/token and the GitHub endpoint ask the issuer for. */
export interface MintRequest {
  sub: string;
  aud: string | string[];
  /** ttlSeconds is the token's lifetime from now; negative mints a token that has already expired. */
  ttlSeconds: number;
  /** iss overrides the issuer, to make a token of another issuer (signed with the emulator's key). */
  iss?: string;
  /** claims are more claims; the standard ones above win. */
  claims?: Record<string, unknown>;
}

/** JwtClaims are the claims of a verified token. */
export interface JwtClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat?: number;
  [claim: string]: unknown;
}

/** JwtFailure says why a token is refused: each maps to one error of each cloud. */
export type JwtFailure = 'malformed' | 'signature' | 'issuer' | 'audience' | 'expired';

/** JwtExpectation is what a token must carry: its issuer, one of the audiences, and keys to check it with. */
export interface JwtExpectation {
  issuer: string;
  audiences: readonly string[];
  keys: readonly KeyObject[];
  now: Date;
}

/**
 * OidcIssuer is the emulator's issuer. Its key pair is made on first use (2048-bit RSA) and kept for
 * the emulator's life, across resets, so a token minted before a reset still verifies.
 */
export class OidcIssuer {
  readonly #issuer: () => string;
  #key: { privateKey: KeyObject; publicKey: KeyObject; kid: string } | undefined;

  /** issuer is called each time: the emulator's URL is known only once it listens. */
  constructor(issuer: () => string) {
    this.#issuer = issuer;
  }

  /** issuer is the iss of the tokens this issuer mints. */
  get issuer(): string {
    return this.#issuer();
  }

  /** publicKey is the key its tokens verify with. */
  get publicKey(): KeyObject {
    return this.#keys().publicKey;
  }

  /** mint signs a token of req at now, RS256, with the kid of the JWKS. */
  mint(req: MintRequest, now: Date): { token: string; expiresAt: Date } {
    const { privateKey, kid } = this.#keys();
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + Math.trunc(req.ttlSeconds);
    const payload = {
      ...req.claims,
      jti: randomUUID(),
      iss: req.iss ?? this.issuer,
      sub: req.sub,
      aud: req.aud,
      iat,
      nbf: Math.min(iat, exp),
      exp,
    };
    return { token: signJwt(payload, privateKey, kid), expiresAt: new Date(exp * 1000) };
  }

  /** jwks is the public half of the key, as GET /.well-known/jwks answers it. */
  jwks(): Jwks {
    const { publicKey, kid } = this.#keys();
    return { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] };
  }

  /** discovery is the OpenID Provider Configuration of GET /.well-known/openid-configuration. */
  discovery(baseUrl: string): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwks_uri: `${baseUrl}/.well-known/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public', 'pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf'],
      scopes_supported: ['openid'],
    };
  }

  #keys(): { privateKey: KeyObject; publicKey: KeyObject; kid: string } {
    if (this.#key === undefined) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const n = String(publicKey.export({ format: 'jwk' }).n ?? '');
      const kid = createHash('sha256').update(n).digest('base64url').slice(0, 16);
      this.#key = { privateKey, publicKey, kid };
    }
    return this.#key;
  }
}

/** signJwt signs payload as a compact RS256 JWT with kid in its header. */
export function signJwt(payload: Record<string, unknown>, privateKey: KeyObject, kid: string): string {
  const header = { alg: 'RS256', typ: 'JWT', kid };
  const data = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  return `${data}.${sign('sha256', Buffer.from(data), privateKey).toString('base64url')}`;
}

/**
 * keysOfJwks turns a JWKS (a seed's, or IAM's signing_key) into verification keys; a key that is not
 * an RSA public key is skipped, so a bad one cannot break the others.
 */
export function keysOfJwks(jwks: unknown): KeyObject[] {
  if (jwks === null || typeof jwks !== 'object' || !Array.isArray((jwks as Jwks).keys)) return [];
  const keys: KeyObject[] = [];
  for (const jwk of (jwks as Jwks).keys.slice(0, 20)) {
    if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') continue;
    try {
      keys.push(createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' }));
    } catch {
      // not a usable key: skipped
    }
  }
  return keys;
}

/**
 * verifyJwt checks a compact JWT: at most MAX_OIDC_TOKEN_CHARS, three base64url parts, an RS256
 * header, a JSON object payload with string iss and sub, an aud (string or list) and a numeric exp;
 * a signature of one of the keys; then the issuer, one of the audiences, and exp (and nbf) against
 * now, in that order. It answers the claims, or the first failure and a detail that holds no secret.
 */
export function verifyJwt(
  token: string,
  expect: JwtExpectation,
): { claims: JwtClaims } | { failure: JwtFailure; detail: string } {
  const malformed = (detail: string) => ({ failure: 'malformed' as const, detail });
  if (token.length > MAX_OIDC_TOKEN_CHARS) return malformed(`longer than ${MAX_OIDC_TOKEN_CHARS} characters`);
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) {
    return malformed('not a JSON Web Token (three base64url parts)');
  }
  const [h, p, s] = parts as [string, string, string];
  const header = parseSegment(h);
  const payload = parseSegment(p);
  if (header === undefined || payload === undefined) return malformed('a part is not a JSON object');
  if (header.alg !== 'RS256') return malformed(`alg ${JSON.stringify(header.alg)} is not RS256`);
  const aud = typeof payload.aud === 'string' ? [payload.aud] : payload.aud;
  if (
    typeof payload.iss !== 'string' ||
    typeof payload.sub !== 'string' ||
    !Array.isArray(aud) ||
    !aud.every((a) => typeof a === 'string') ||
    typeof payload.exp !== 'number'
  ) {
    return malformed('the claims iss, sub, aud and exp are missing or of the wrong type');
  }
  const signature = Buffer.from(s, 'base64url');
  const data = Buffer.from(`${h}.${p}`);
  if (!expect.keys.some((key) => verifyWith(data, key, signature))) {
    return { failure: 'signature', detail: "the signature is not of the issuer's keys" };
  }
  const claims = { ...payload, aud } as JwtClaims;
  if (claims.iss !== expect.issuer) return { failure: 'issuer', detail: `the issuer is ${claims.iss}` };
  if (!aud.some((a) => expect.audiences.includes(a))) {
    return { failure: 'audience', detail: `the audience is ${aud.join(',')}` };
  }
  const now = expect.now.getTime() / 1000;
  if (claims.exp <= now) return { failure: 'expired', detail: 'the token has expired' };
  if (typeof payload.nbf === 'number' && payload.nbf > now) {
    return { failure: 'expired', detail: 'the token is not valid yet' };
  }
  return { claims };
}

function verifyWith(data: Buffer, key: KeyObject, signature: Buffer): boolean {
  try {
    return verify('sha256', data, key, signature);
  } catch {
    return false;
  }
}

function parseSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function b64(text: string): string {
  return Buffer.from(text).toString('base64url');
}
