// The emulator's gateway: who calls. It indexes the seed's identities, checks a request's
// credentials from its headers (and query) before the body is read, then its signature, and
// answers the caller: a seed identity, or a temporary credential the emulator issued (STS
// sessions, temporary AK/SK with their security token, IAM tokens), refused once expired
// with the cloud's own error. Seed keys are looked up first, so the common path costs no more.

import { decodeQuery } from '../clouds/canonical.js';
import type { ErrorCode } from '../clouds/error-codes.js';
import { checkV1Query, isV1Request, mergeRpcParams, verifyV1Request } from './auth/alibabacloud-v1.js';
import {
  checkAlibabaHeaders,
  checkHuaweiHeaders,
  type NonceCache,
  type SignedRequest,
  verifyAlibabaRequest,
  verifyHuaweiRequest,
} from './auth/index.js';
import type { AlibabaCaller, Cloud, HuaweiCaller } from './cloud.js';
import type { Sessions } from './sessions.js';
import type { AlibabaIdentity, EmulatorState, HuaweiIdentity } from './state.js';

/** Refusal is the gateway's answer to a request it will not serve: the cloud's status, code and message. */
export interface Refusal {
  status: number;
  code: ErrorCode;
  message: string;
}

/** GateCaller is who a request comes from, of either cloud. */
export type GateCaller = HuaweiCaller | AlibabaCaller;

/** isRefusal tells a refusal from a caller in the answer of Gate.authenticate. */
export function isRefusal(value: GateCaller | Refusal): value is Refusal {
  return 'status' in value && 'code' in value;
}

interface Identities {
  huaweiByKey: Map<string, HuaweiIdentity>;
  huaweiByToken: Map<string, HuaweiIdentity>;
  alibabaByKey: Map<string, AlibabaIdentity>;
}

/** Gate authenticates requests against a state's identities and the sessions the emulator issued. */
export class Gate {
  readonly #sessions: Sessions;
  readonly #nonces: NonceCache;
  #ids: Identities = { huaweiByKey: new Map(), huaweiByToken: new Map(), alibabaByKey: new Map() };

  constructor(sessions: Sessions, nonces: NonceCache) {
    this.#sessions = sessions;
    this.#nonces = nonces;
  }

  /** index reads the identities of state; call it whenever the state is replaced. */
  index(state: EmulatorState): void {
    const ids: Identities = { huaweiByKey: new Map(), huaweiByToken: new Map(), alibabaByKey: new Map() };
    for (const identity of state.identities) {
      if (identity.cloud === 'alibabacloud') ids.alibabaByKey.set(identity.accessKeyId, identity);
      else {
        if (identity.accessKey !== undefined) ids.huaweiByKey.set(identity.accessKey, identity);
        if (identity.token !== undefined) ids.huaweiByToken.set(identity.token, identity);
      }
    }
    this.#ids = ids;
  }

  /** huaweiByToken is the seed identity of an IAM token, if any. */
  huaweiByToken(token: string): HuaweiIdentity | undefined {
    return this.#ids.huaweiByToken.get(token);
  }

  /**
   * precheck is what the gateway refuses from the headers (and the query of a signature-1.0 request)
   * alone: an unknown key, a stale date, a missing credential, an expired or mismatched security token.
   */
  precheck(
    cloud: Cloud,
    headers: Readonly<Record<string, string>>,
    rawQuery: string,
    now: Date,
  ): Refusal | undefined {
    if (cloud === 'huaweicloud') {
      const outcome = checkHuaweiHeaders(headers, this.#huaweiOptions(now));
      if (!outcome.ok) return outcome;
      if (headers.authorization === undefined) return undefined;
      return this.#huaweiSessionRefusal(outcome.accessKey, headers['x-security-token'], now);
    }
    if (isV1Request(headers, rawQuery)) {
      const query = decodeQuery(rawQuery);
      const outcome = checkV1Query(query, this.#alibabaOptions(now));
      if (!outcome.ok) return outcome;
      return this.#alibabaSessionRefusal(outcome.accessKey, query.SecurityToken?.[0], now);
    }
    const outcome = checkAlibabaHeaders(headers, this.#alibabaOptions(now));
    if (!outcome.ok) return outcome;
    return this.#alibabaSessionRefusal(outcome.accessKey, headers['x-acs-security-token'], now);
  }

  /** authenticate checks the signature of a request that passed precheck, and answers its caller. */
  authenticate(cloud: Cloud, signed: SignedRequest, now: Date): GateCaller | Refusal {
    if (cloud === 'huaweicloud') {
      const outcome = verifyHuaweiRequest(signed, this.#huaweiOptions(now));
      if (!outcome.ok) return outcome;
      const caller =
        signed.headers.authorization !== undefined
          ? this.#huaweiKeyCaller(outcome.accessKey, now)
          : this.#huaweiTokenCaller(outcome.accessKey, now);
      return (
        caller ?? { status: 401, code: 'APIGW.0301', message: 'Incorrect IAM authentication information' }
      );
    }
    let accessKeyId: string;
    if (isV1Request(signed.headers, signed.query)) {
      const query = decodeQuery(signed.query);
      const params = mergeRpcParams(query, signed.body, signed.headers['content-type']);
      const outcome = verifyV1Request(signed.method, query, params, {
        ...this.#alibabaOptions(now),
        nonces: this.#nonces,
      });
      if (!outcome.ok) return outcome;
      accessKeyId = outcome.accessKey;
    } else {
      const outcome = verifyAlibabaRequest(signed, { ...this.#alibabaOptions(now), nonces: this.#nonces });
      if (!outcome.ok) return outcome;
      accessKeyId = outcome.accessKey;
    }
    const identity = this.#ids.alibabaByKey.get(accessKeyId);
    if (identity !== undefined) return identity;
    const session = this.#sessions.alibaba(accessKeyId, now.getTime());
    if ('found' in session) return session.found.caller;
    return {
      status: 404,
      code: 'InvalidAccessKeyId.NotFound',
      message: 'Specified access key is not found.',
    };
  }

  // The secret of an AK: the seed's first (the common path), else a temporary key's.
  readonly #huaweiSecret = (ak: string): string | undefined =>
    this.#ids.huaweiByKey.get(ak)?.secretKey ?? this.#sessions.huaweiSecret(ak);

  readonly #alibabaSecret = (id: string): string | undefined =>
    this.#ids.alibabaByKey.get(id)?.accessKeySecret ??
    (id.startsWith('STS.') ? this.#sessions.alibabaSecret(id) : undefined);

  #huaweiOptions(now: Date) {
    return {
      secretFor: this.#huaweiSecret,
      tokenValid: (token: string) =>
        this.#ids.huaweiByToken.has(token) || 'found' in this.#sessions.huaweiToken(token, now.getTime()),
      now,
    };
  }

  #alibabaOptions(now: Date) {
    return { secretFor: this.#alibabaSecret, now };
  }

  // An STS AccessKeyId must come with its own, unexpired security token (InvalidSecurityToken.*).
  #alibabaSessionRefusal(accessKeyId: string, token: string | undefined, now: Date): Refusal | undefined {
    if (this.#ids.alibabaByKey.has(accessKeyId)) return undefined;
    const session = this.#sessions.alibaba(accessKeyId, now.getTime());
    if ('unknown' in session) return undefined;
    if ('expired' in session) {
      return {
        status: 400,
        code: 'InvalidSecurityToken.Expired',
        message: 'Specified SecurityToken is expired.',
      };
    }
    if (token === undefined || token === '' || !token.startsWith('CAIS')) {
      return {
        status: 400,
        code: 'InvalidSecurityToken.Malformed',
        message: 'Specified SecurityToken is malformed.',
      };
    }
    if (token !== session.found.securityToken) {
      return {
        status: 400,
        code: 'InvalidSecurityToken.MismatchWithAccessKey',
        message: 'Specified SecurityToken mismatch with the AccessKey.',
      };
    }
    return undefined;
  }

  // A temporary AK must come with its own security token (X-Security-Token) and not be expired (IAM.1108).
  #huaweiSessionRefusal(access: string, token: string | undefined, now: Date): Refusal | undefined {
    if (this.#ids.huaweiByKey.has(access)) return undefined;
    const key = this.#sessions.huaweiKey(access, now.getTime());
    if ('unknown' in key) return undefined;
    if ('expired' in key) return { status: 400, code: 'IAM.1108', message: 'The securitytoken has expired.' };
    if (token !== key.found.securityToken) {
      return {
        status: 401,
        code: 'APIGW.0301',
        message: 'Incorrect IAM authentication information: the security token does not belong to the AK',
      };
    }
    return undefined;
  }

  #huaweiKeyCaller(access: string, now: Date): HuaweiCaller | undefined {
    const identity = this.#ids.huaweiByKey.get(access);
    if (identity !== undefined) return identity;
    const key = this.#sessions.huaweiKey(access, now.getTime());
    return 'found' in key ? key.found.caller : undefined;
  }

  #huaweiTokenCaller(token: string, now: Date): HuaweiCaller | undefined {
    const identity = this.#ids.huaweiByToken.get(token);
    if (identity !== undefined) return identity;
    const issued = this.#sessions.huaweiToken(token, now.getTime());
    return 'found' in issued ? { ...issued.found.caller, token } : undefined;
  }
}
