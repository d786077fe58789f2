// The temporary credentials the emulator issues and remembers while it runs: STS sessions
// (Alibaba), temporary AK/SK with their security tokens and IAM tokens (Huawei), and the
// metadata services' session tokens. Each map is bounded; the oldest entry goes first.

import { randomBytes } from 'node:crypto';
import type { AlibabaCaller, HuaweiCaller } from './principal.js';

/** MAX_SESSIONS bounds each kind of remembered credential: the oldest is forgotten past it. */
export const MAX_SESSIONS = 10_000;

/** AlibabaSession is an STS credential: an AccessKey pair, its security token, expiry and caller. */
export interface AlibabaSession {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  /** expiresAt is in epoch milliseconds. */
  expiresAt: number;
  caller: AlibabaCaller;
}

/** HuaweiTemporaryKey is a temporary AK/SK, its security token, expiry and caller. */
export interface HuaweiTemporaryKey {
  access: string;
  secret: string;
  securityToken: string;
  expiresAt: number;
  caller: HuaweiCaller;
}

/** HuaweiTokenScope is the project or domain a token was scoped to. */
export type HuaweiTokenScope = { project: { id: string; name: string } } | { domain: { id: string } };

/** HuaweiToken is an IAM token the emulator issued (a federated user's or an agency's). */
export interface HuaweiToken {
  token: string;
  methods: string[];
  issuedAt: number;
  expiresAt: number;
  caller: HuaweiCaller;
  scope?: HuaweiTokenScope;
}

/** Lookup is a remembered credential, or why it cannot be used. */
export type Lookup<T> = { found: T } | { expired: T } | { unknown: true };

/** Sessions remembers what the emulator issued; reset() forgets everything. */
export class Sessions {
  readonly #alibaba = new Map<string, AlibabaSession>();
  readonly #huaweiKeys = new Map<string, HuaweiTemporaryKey>();
  readonly #huaweiTokens = new Map<string, HuaweiToken>();
  readonly #metadataTokens = new Map<string, number>();
  readonly #reused = new Map<string, { issuedAt: number; expiresAt: number; value: unknown }>();

  /** issueAlibaba makes an STS credential for caller, valid until expiresAt (epoch ms). */
  issueAlibaba(
    caller: Omit<AlibabaCaller, 'accessKeyId' | 'accessKeySecret'>,
    expiresAt: number,
  ): AlibabaSession {
    const accessKeyId = `STS.${randomText(24, ALNUM)}`;
    const accessKeySecret = randomText(40, ALNUM);
    const session: AlibabaSession = {
      accessKeyId,
      accessKeySecret,
      securityToken: `CAIS${randomBytes(180).toString('base64')}`,
      expiresAt,
      caller: { ...caller, accessKeyId, accessKeySecret },
    };
    remember(this.#alibaba, accessKeyId, session);
    return session;
  }

  /** alibaba looks up an STS AccessKeyId: found, expired at now, or unknown. */
  alibaba(accessKeyId: string, now: number): Lookup<AlibabaSession> {
    return lookup(this.#alibaba.get(accessKeyId), now);
  }

  /** alibabaSecret is the secret of an STS AccessKeyId the emulator issued (expired ones too). */
  alibabaSecret(accessKeyId: string): string | undefined {
    return this.#alibaba.get(accessKeyId)?.accessKeySecret;
  }

  /** issueHuaweiKey makes a temporary AK/SK for caller, valid until expiresAt (epoch ms). */
  issueHuaweiKey(caller: HuaweiCaller, expiresAt: number): HuaweiTemporaryKey {
    const access = randomText(20, UPPER_ALNUM);
    const key: HuaweiTemporaryKey = {
      access,
      secret: randomText(40, ALNUM),
      securityToken: `gAAAAAB${randomBytes(300).toString('base64url')}`,
      expiresAt,
      caller: { ...caller, accessKey: access, temporary: true },
    };
    remember(this.#huaweiKeys, access, key);
    return key;
  }

  /** huaweiKey looks up a temporary AK: found, expired at now, or unknown. */
  huaweiKey(access: string, now: number): Lookup<HuaweiTemporaryKey> {
    return lookup(this.#huaweiKeys.get(access), now);
  }

  /** huaweiSecret is the SK of a temporary AK the emulator issued (expired ones too). */
  huaweiSecret(access: string): string | undefined {
    return this.#huaweiKeys.get(access)?.secret;
  }

  /** issueHuaweiToken makes an IAM token for caller. */
  issueHuaweiToken(entry: Omit<HuaweiToken, 'token'>): HuaweiToken {
    const token: HuaweiToken = { ...entry, token: `MIIT${randomBytes(240).toString('base64url')}` };
    remember(this.#huaweiTokens, token.token, token);
    return token;
  }

  /** huaweiToken looks up an IAM token the emulator issued: found, expired at now, or unknown. */
  huaweiToken(token: string, now: number): Lookup<HuaweiToken> {
    return lookup(this.#huaweiTokens.get(token), now);
  }

  /** issueMetadataToken makes a metadata session token (either cloud's), valid until expiresAt. */
  issueMetadataToken(expiresAt: number): string {
    const token = randomBytes(32).toString('base64url');
    remember(this.#metadataTokens, token, expiresAt);
    return token;
  }

  /** metadataToken says whether token is a metadata session token still valid at now. */
  metadataToken(token: string, now: number): boolean {
    const expiresAt = this.#metadataTokens.get(token);
    return expiresAt !== undefined && now < expiresAt;
  }

  /**
   * reuse answers the credential remembered under key while more than half of its lifetime is left,
   * else makes a new one: a metadata service hands out the same credential until it nears expiry.
   */
  reuse<T extends { expiresAt: number }>(key: string, now: number, make: () => T): T {
    const hit = this.#reused.get(key);
    if (hit !== undefined && now < hit.expiresAt - (hit.expiresAt - hit.issuedAt) / 2) return hit.value as T;
    const value = make();
    remember(this.#reused, key, { issuedAt: now, expiresAt: value.expiresAt, value });
    return value;
  }

  /** reset forgets every credential and token. */
  reset(): void {
    this.#alibaba.clear();
    this.#huaweiKeys.clear();
    this.#huaweiTokens.clear();
    this.#metadataTokens.clear();
    this.#reused.clear();
  }
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

// length characters of alphabet, each from one random byte (the bias of the modulo does not matter here).
function randomText(length: number, alphabet: string): string {
  let text = '';
  for (const byte of randomBytes(length)) text += alphabet[byte % alphabet.length];
  return text;
}

function remember<T>(map: Map<string, T>, key: string, value: T): void {
  if (map.size >= MAX_SESSIONS) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}

function lookup<T extends { expiresAt: number }>(entry: T | undefined, now: number): Lookup<T> {
  if (entry === undefined) return { unknown: true };
  return now < entry.expiresAt ? { found: entry } : { expired: entry };
}
