// Alibaba Cloud STS (RPC, 2015-04-01) in the emulator: GetCallerIdentity (a RAM user, the
// account, or an assumed role), AssumeRole (a user or role's signed request) and
// AssumeRoleWithOIDC (anonymous: the OIDC token is the credential, checked against the
// provider's issuer, audiences and keys). Issued credentials expire (store.credentialLifetime).

import type { AlibabaCaller, AlibabaRequest, AnonymousRequest, CloudResponse, Store } from '../cloud.js';
import { keysOfJwks, MAX_OIDC_TOKEN_CHARS, verifyJwt } from '../oidc.js';
import type { AlibabaService } from '../service.js';
import type { AlibabaRamRole } from '../state.js';
import { alibabaInternalError, type ErrorFor, errorFor } from './errors.js';
import {
  accountOfArn,
  findOidcProvider,
  findRole,
  formatAlibabaTime,
  issueRoleSession,
  type TrustRequest,
  trusts,
} from './ram.js';

/** STS_VERSION is the API version of STS's RPC actions. */
export const STS_VERSION = '2015-04-01';
/** STS_OPERATIONS are the STS actions of the emulator. */
export const STS_OPERATIONS = ['GetCallerIdentity', 'AssumeRole', 'AssumeRoleWithOIDC'] as const;
/** StsOperation is an STS action. */
export type StsOperation = (typeof STS_OPERATIONS)[number];

/** stsService is STS in the emulator's registry (services.ts). */
export const stsService: AlibabaService<'sts', StsOperation> = {
  service: 'sts',
  cloud: 'alibabacloud',
  routing: { style: 'rpc', version: STS_VERSION, actions: STS_OPERATIONS, anonymous: ['AssumeRoleWithOIDC'] },
  operations: STS_OPERATIONS,
  handle: handleSts,
  handleAnonymous: assumeRoleWithOidc,
  internalError: alibabaInternalError,
};

/** DEFAULT_DURATION_SECONDS is the lifetime STS gives a session when DurationSeconds is not given. */
const DEFAULT_DURATION_SECONDS = 3600;

/** handleSts answers GetCallerIdentity and AssumeRole for the authenticated caller. */
export function handleSts(req: AlibabaRequest<StsOperation>, store: Store): CloudResponse {
  if (req.op === 'GetCallerIdentity') return callerIdentity(req.requestId, req.caller);
  const fail = errorFor(req);
  const params = stsParams(req, fail);
  if ('status' in params) return params;
  return assumeRole(req, store, params, fail);
}

function callerIdentity(requestId: string, caller: AlibabaCaller): CloudResponse {
  const { uid, accountId, assumedRole } = caller;
  if (assumedRole !== undefined) {
    const session = assumedRole.sessionName;
    return {
      status: 200,
      body: {
        RequestId: requestId,
        IdentityType: 'AssumedRoleUser',
        AccountId: accountId,
        PrincipalId: `${assumedRole.roleId}:${session}`,
        RoleId: assumedRole.roleId,
        Arn: `acs:ram::${accountId}:assumed-role/${assumedRole.roleName}/${session}`,
      },
    };
  }
  const root = uid === accountId;
  return {
    status: 200,
    body: {
      RequestId: requestId,
      IdentityType: root ? 'Account' : 'RAMUser',
      AccountId: accountId,
      PrincipalId: uid,
      UserId: uid,
      Arn: root ? `acs:ram::${accountId}:root` : `acs:ram::${accountId}:user/${uid}`,
    },
  };
}

type Params = Map<string, string>;

// The action's parameters, from the query and a form body, each at most once.
function stsParams(req: AlibabaRequest | AnonymousRequest, fail: ErrorFor): Params | CloudResponse {
  const all: [string, string][] = [...req.query];
  if (req.body.length > 0) {
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return fail(400, 'InvalidParameter', 'The request body must be a form of parameters.');
    }
    all.push(...new URLSearchParams(req.body.toString('utf8')));
  }
  const params: Params = new Map();
  for (const [name, value] of all) {
    if (params.has(name)) return fail(400, 'InvalidParameter', `The parameter ${name} is given twice.`);
    params.set(name, value);
  }
  return params;
}

const SESSION_NAME = /^[A-Za-z0-9.@_-]{2,64}$/;

// The common checks of both assume actions: the session name, duration and policy; undefined when valid.
function checkSession(
  params: Params,
  allowed: readonly string[],
  maxPolicy: number,
  fail: ErrorFor,
): CloudResponse | undefined {
  for (const name of params.keys()) {
    if (!allowed.includes(name))
      return fail(400, 'InvalidParameter', `The parameter ${name} is not recognized.`);
  }
  for (const name of ['RoleArn', 'RoleSessionName']) {
    if ((params.get(name) ?? '') === '')
      return fail(400, 'InvalidParameter', `The parameter ${name} is required.`);
  }
  if (!SESSION_NAME.test(params.get('RoleSessionName') ?? '')) {
    return fail(
      400,
      'InvalidParameter',
      'The parameter RoleSessionName is not valid: 2 to 64 of A-Z a-z 0-9 . @ - _.',
    );
  }
  const duration = params.get('DurationSeconds');
  if (duration !== undefined && !/^[0-9]{1,6}$/.test(duration)) {
    return fail(400, 'InvalidParameter', 'The parameter DurationSeconds is not a whole number.');
  }
  const policy = params.get('Policy');
  if (policy !== undefined && (policy.length < 1 || policy.length > maxPolicy || !isJsonObject(policy))) {
    return fail(
      400,
      'InvalidParameter',
      `The parameter Policy is not a JSON policy of 1 to ${maxPolicy} characters.`,
    );
  }
  return undefined;
}

// The session's lifetime: DurationSeconds within 900 and the role's MaxSessionDuration, then the store's.
function lifetime(
  params: Params,
  role: AlibabaRamRole,
  store: Store,
  fail: ErrorFor,
): number | CloudResponse {
  const max = role.MaxSessionDuration ?? 3600;
  const asked = Number(params.get('DurationSeconds') ?? DEFAULT_DURATION_SECONDS);
  if (asked < 900 || asked > max) {
    return fail(400, 'InvalidParameter', `The parameter DurationSeconds must be from 900 to ${max}.`);
  }
  return store.credentialLifetime(asked);
}

function assumeRole(req: AlibabaRequest, store: Store, params: Params, fail: ErrorFor): CloudResponse {
  const invalid = checkSession(
    params,
    ['RoleArn', 'RoleSessionName', 'DurationSeconds', 'Policy', 'ExternalId'],
    2048,
    fail,
  );
  if (invalid !== undefined) return invalid;
  const externalId = params.get('ExternalId');
  if (externalId !== undefined && !/^[A-Za-z0-9=,.@:/-]{2,1224}$/.test(externalId)) {
    return fail(400, 'InvalidParameter', 'The parameter ExternalId is not valid.');
  }
  const caller = req.caller;
  // Only a RAM user or role may call AssumeRole, never the account itself.
  if (caller.assumedRole === undefined && caller.uid === caller.accountId) return noPermission(fail);
  const arn = params.get('RoleArn') ?? '';
  const role = findRole(store, arn);
  if (role === undefined) return fail(404, 'EntityNotExist.Role', `The role not exists: ${arn}.`);
  const trust: TrustRequest = {
    kind: 'ram',
    accountId: caller.accountId,
    ...(caller.assumedRole !== undefined ? { roleArn: caller.assumedRole.roleArn } : {}),
    ...(externalId !== undefined ? { externalId } : {}),
  };
  if (!trusts(role, trust)) return noPermission(fail);
  const seconds = lifetime(params, role, store, fail);
  if (typeof seconds !== 'number') return seconds;
  return assumed(req.requestId, store, role, params.get('RoleSessionName') ?? '', seconds, req.now);
}

/** assumeRoleWithOidc answers AssumeRoleWithOIDC: the OIDC token is the credential, no signature. */
export function assumeRoleWithOidc(req: AnonymousRequest<StsOperation>, store: Store): CloudResponse {
  const fail = errorFor(req);
  const params = stsParams(req, fail);
  if ('status' in params) return params;
  const invalid = checkSession(
    params,
    ['OIDCProviderArn', 'RoleArn', 'OIDCToken', 'RoleSessionName', 'DurationSeconds', 'Policy'],
    2048,
    fail,
  );
  if (invalid !== undefined) return invalid;
  for (const name of ['OIDCProviderArn', 'OIDCToken']) {
    if ((params.get(name) ?? '') === '')
      return fail(400, 'InvalidParameter', `The parameter ${name} is required.`);
  }
  const token = params.get('OIDCToken') ?? '';
  if (token.length < 4 || token.length > MAX_OIDC_TOKEN_CHARS) {
    return fail(
      400,
      'InvalidParameter',
      `The parameter OIDCToken must be 4 to ${MAX_OIDC_TOKEN_CHARS} characters.`,
    );
  }
  const providerArn = params.get('OIDCProviderArn') ?? '';
  const provider = findOidcProvider(store, providerArn);
  if (provider === undefined)
    return fail(403, 'AuthenticationFail.NoPermission', 'No such OIDC Provider registered.');
  const own = provider.IssuerUrl === store.oidc.issuer;
  const keys = own ? [store.oidc.publicKey] : keysOfJwks(provider.jwks);
  if (keys.length === 0) {
    return fail(
      400,
      'AuthenticationFail.OIDCToken.IssuerConfigurationBroken',
      `Get public keys from OIDC Provider failed, the issuer is ${provider.IssuerUrl}.`,
    );
  }
  const audiences = provider.ClientIds.split(',').map((c) => c.trim());
  const checked = verifyJwt(token, { issuer: provider.IssuerUrl, audiences, keys, now: req.now });
  if ('failure' in checked) {
    switch (checked.failure) {
      case 'issuer':
        return fail(
          400,
          'AuthenticationFail.OIDCToken.IssuerNotMatch',
          "The issuer in the OIDC Token doesn't match the OIDC Provider registered.",
        );
      case 'audience':
        return fail(400, 'AuthenticationFail.OIDCToken.AudienceNotMatch', 'Invalid audience.');
      case 'expired':
        return fail(400, 'AuthenticationFail.OIDCToken.Expired', 'This JsonWebToken is expired.');
      default:
        return fail(
          400,
          'AuthenticationFail.OIDCToken.Invalid',
          `The OIDC token is not valid: ${checked.detail}.`,
        );
    }
  }
  const { claims } = checked;
  const arn = params.get('RoleArn') ?? '';
  const role = findRole(store, arn);
  if (role === undefined) return fail(404, 'EntityNotExist.Role', `The role not exists: ${arn}.`);
  const trust: TrustRequest = {
    kind: 'federated',
    providerArn: provider.Arn,
    providerAccount: accountOfArn(provider.Arn) ?? '',
    iss: claims.iss,
    sub: claims.sub,
    aud: claims.aud,
  };
  if (accountOfArn(role.Arn) !== trust.providerAccount || !trusts(role, trust)) {
    return fail(403, 'AuthenticationFail.NoPermission', 'There is no permission');
  }
  const seconds = lifetime(params, role, store, fail);
  if (typeof seconds !== 'number') return seconds;
  const answer = assumed(req.requestId, store, role, params.get('RoleSessionName') ?? '', seconds, req.now);
  const body = answer.body as Record<string, unknown>;
  body.OIDCTokenInfo = {
    Subject: claims.sub,
    Issuer: claims.iss,
    ClientIds: claims.aud.join(','),
    ExpirationTime: formatAlibabaTime(claims.exp * 1000),
    ...(typeof claims.iat === 'number' ? { IssuanceTime: formatAlibabaTime(claims.iat * 1000) } : {}),
  };
  return answer;
}

// The answer of both assume actions: the session's credentials and the assumed role user.
function assumed(
  requestId: string,
  store: Store,
  role: AlibabaRamRole,
  sessionName: string,
  seconds: number,
  now: Date,
): CloudResponse {
  const session = issueRoleSession(store, role, sessionName, seconds, now);
  const assumedRole = session.caller.assumedRole;
  return {
    status: 200,
    body: {
      RequestId: requestId,
      AssumedRoleUser: {
        Arn: `${role.Arn.slice(0, role.Arn.indexOf(':role/'))}:role/${assumedRole?.roleName ?? ''}/${sessionName}`,
        AssumedRoleId: `${role.RoleId}:${sessionName}`,
      },
      Credentials: {
        AccessKeyId: session.accessKeyId,
        AccessKeySecret: session.accessKeySecret,
        SecurityToken: session.securityToken,
        Expiration: formatAlibabaTime(session.expiresAt),
      },
    },
  };
}

function noPermission(fail: ErrorFor): CloudResponse {
  return fail(
    403,
    'NoPermission',
    'You are not authorized to do this action. You should be authorized by RAM.',
  );
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}
