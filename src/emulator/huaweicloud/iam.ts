// Huawei Cloud IAM in the emulator: who a request comes from (ShowPermanentAccessKey of a
// permanent key, KeystoneValidateToken of a user's, agency's or federated user's token), where
// it is (KeystoneListProjects, KeystoneListAuthDomains), the account's agencies (ListAgencies:
// what an ECS server's agency is called in IAM), and temporary credentials: temporary
// AK/SK by token or by agency, agency tokens, and OpenID Connect federation by ID token.

import type {
  AnonymousRequest,
  CloudResponse,
  HuaweiCaller,
  HuaweiPrincipal,
  HuaweiRequest,
  JsonObject,
  Store,
} from '../cloud.js';
import { parseJsonObject } from '../cloud.js';
import { keysOfJwks, verifyJwt } from '../oidc.js';
import type { HuaweiService, PathRoute } from '../service.js';
import type { HuaweiToken, HuaweiTokenScope } from '../sessions.js';
import { iamError, iamFlatError } from './errors.js';
import {
  agencyCaller,
  domainByName,
  domainName,
  findAgency,
  formatHuaweiTime,
  mapFederatedUser,
  stableId,
  userRef,
} from './principals.js';

/** IAM_OPERATIONS are the IAM operations of the emulator. */
export const IAM_OPERATIONS = [
  'ShowPermanentAccessKey',
  'KeystoneValidateToken',
  'KeystoneCreateAgencyToken',
  'KeystoneListProjects',
  'KeystoneListAuthDomains',
  'ListAgencies',
  'CreateTemporaryAccessKeyByToken',
  'CreateTemporaryAccessKeyByAgency',
  'CreateTokenWithIdToken',
  'CreateUnscopedTokenWithIdToken',
] as const;
/** IamOperation is an IAM operation. */
export type IamOperation = (typeof IAM_OPERATIONS)[number];

const IAM_PATHS: readonly PathRoute<IamOperation>[] = [
  { method: 'GET', path: '/v3.0/OS-CREDENTIAL/credentials/{access_key}', op: 'ShowPermanentAccessKey' },
  { method: 'GET', path: '/v3/auth/tokens', op: 'KeystoneValidateToken' },
  { method: 'POST', path: '/v3/auth/tokens', op: 'KeystoneCreateAgencyToken' },
  { method: 'GET', path: '/v3/projects', op: 'KeystoneListProjects' },
  { method: 'GET', path: '/v3/auth/domains', op: 'KeystoneListAuthDomains' },
  { method: 'GET', path: '/v3.0/OS-AGENCY/agencies', op: 'ListAgencies' },
  // One path, two operations told apart by the body's methods (counted as the one it is).
  {
    method: 'POST',
    path: '/v3.0/OS-CREDENTIAL/securitytokens',
    op: 'CreateTemporaryAccessKeyByToken',
    auth: 'optional',
  },
  { method: 'POST', path: '/v3.0/OS-AUTH/id-token/tokens', op: 'CreateTokenWithIdToken', auth: 'none' },
  {
    method: 'POST',
    path: '/v3/OS-FEDERATION/identity_providers/{idp_id}/protocols/{protocol_id}/auth',
    op: 'CreateUnscopedTokenWithIdToken',
    auth: 'none',
  },
];

/** iamService is IAM in the emulator's registry (services.ts). */
export const iamService: HuaweiService<'iam', IamOperation> = {
  service: 'iam',
  cloud: 'huaweicloud',
  routing: { style: 'path', paths: IAM_PATHS },
  operations: IAM_OPERATIONS,
  bodyRouted: ['CreateTemporaryAccessKeyByAgency'],
  handle: handleIam,
  handleAnonymous: handleIamAnonymous,
  internalError: () => iamError(500, 'IAM.0006', 'Internal server error.'),
};

/** DEFAULT_KEY_SECONDS is the lifetime of a temporary AK/SK when duration_seconds is not given (15 minutes). */
const DEFAULT_KEY_SECONDS = 900;
/** DEFAULT_TOKEN_SECONDS is the lifetime of an IAM token (24 hours). */
const DEFAULT_TOKEN_SECONDS = 86_400;
/** MAX_PER_PAGE is the largest per_page of KeystoneListProjects. */
const MAX_PER_PAGE = 5000;

/** handleIam answers the IAM operations for the authenticated caller. */
export function handleIam(req: HuaweiRequest<IamOperation>, store: Store): CloudResponse {
  switch (req.op) {
    case 'ShowPermanentAccessKey':
      return showPermanentAccessKey(req, store);
    case 'KeystoneValidateToken':
      return validateToken(req, store);
    case 'KeystoneCreateAgencyToken':
      return createAgencyToken(req, store);
    case 'KeystoneListProjects':
      return listProjects(req, store);
    case 'KeystoneListAuthDomains':
      return listDomains(req, store);
    case 'ListAgencies':
      return listAgencies(req, store);
    case 'CreateTemporaryAccessKeyByToken':
    case 'CreateTemporaryAccessKeyByAgency':
      return createTemporaryKey(req, store, req.caller);
    default:
      // ID-token operations are routed anonymously; a caller, were there one, would not count.
      return handleIamAnonymous({ ...req, caller: undefined }, store);
  }
}

/** handleIamAnonymous answers the operations that carry their own credential: a token in the body, an ID token. */
export function handleIamAnonymous(req: AnonymousRequest<IamOperation>, store: Store): CloudResponse {
  if (req.op === 'CreateTokenWithIdToken' || req.op === 'CreateUnscopedTokenWithIdToken') {
    return federate(req, store);
  }
  return createTemporaryKey(req, store, undefined);
}

function showPermanentAccessKey(req: HuaweiRequest, store: Store): CloudResponse {
  const caller = req.caller;
  const ak = req.params.access_key ?? '';
  // A user may read its own permanent key; a temporary AK is no permanent key.
  if (ak !== caller.accessKey || caller.temporary === true) {
    const known = store.state.identities.some((i) => i.cloud === 'huaweicloud' && i.accessKey === ak);
    return known && caller.temporary !== true
      ? iamError(403, 'IAM.0002', 'You are not authorized to perform the requested action.')
      : iamError(404, 'IAM.0004', 'The credential does not exist.');
  }
  return {
    status: 200,
    body: { credential: { user_id: caller.userId, access: ak, status: 'active', description: '' } },
  };
}

// GET /v3/auth/tokens: the details of the caller's own token (X-Subject-Token), with X-Subject-Token echoed.
function validateToken(req: HuaweiRequest, store: Store): CloudResponse {
  const caller = req.caller;
  const subject = req.headers['x-subject-token'];
  if (subject === undefined || subject === '' || subject !== caller.token) {
    return iamError(404, 'IAM.0004', 'The token does not exist or has expired.');
  }
  const now = req.now.getTime();
  const issued = store.sessions.huaweiToken(subject, now);
  const entry: HuaweiToken =
    'found' in issued
      ? issued.found
      : {
          token: subject,
          methods: ['password'],
          issuedAt: now,
          expiresAt: now + DEFAULT_TOKEN_SECONDS * 1000,
          caller,
        };
  return { status: 200, headers: { 'X-Subject-Token': subject }, body: { token: tokenBody(store, entry) } };
}

/** tokenBody is a token's details as IAM answers them: methods, times, user, scope, roles, and who assumed an agency. */
function tokenBody(store: Store, entry: HuaweiToken): JsonObject {
  const caller = entry.caller;
  const principal = caller.principal;
  const user = userRef(store, caller);
  const body: JsonObject = {
    methods: entry.methods,
    expires_at: formatHuaweiTime(entry.expiresAt),
    issued_at: formatHuaweiTime(entry.issuedAt),
    user: {
      ...(principal?.kind === 'federated'
        ? {
            'OS-FEDERATION': {
              identity_provider: { id: principal.idpId },
              protocol: { id: 'oidc' },
              groups: principal.groups,
            },
          }
        : {}),
      domain: { id: user.domainId, name: user.domainName },
      id: user.id,
      name: user.name,
    },
    roles: [],
    catalog: [],
  };
  if (entry.scope !== undefined && 'project' in entry.scope) {
    body.project = { ...entry.scope.project, domain: { id: user.domainId, name: user.domainName } };
  } else if (entry.scope !== undefined) {
    body.domain = { id: entry.scope.domain.id, name: domainName(store, entry.scope.domain.id) };
  }
  if (principal?.kind === 'agency' && principal.assumedBy !== undefined) {
    const by = principal.assumedBy;
    body.assumed_by = {
      user: { domain: { name: by.domainName, id: by.domainId }, id: by.id, name: by.name },
    };
  }
  return body;
}

// The body's auth.identity, or undefined.
function identityOf(body: JsonObject | undefined): JsonObject | undefined {
  const auth = body?.auth;
  const identity = isObject(auth) ? auth.identity : undefined;
  return isObject(identity) ? identity : undefined;
}

function invalidBody(): CloudResponse {
  return iamFlatError(400, 'IAM.0011', 'Request body is invalid.');
}

// The one method of auth.identity.methods, or an IAM.0007 answer.
function methodOf(identity: JsonObject): string | CloudResponse {
  const methods = identity.methods;
  if (!Array.isArray(methods) || methods.length !== 1 || typeof methods[0] !== 'string') {
    return invalidParameter('methods');
  }
  return methods[0];
}

// duration_seconds of an object: 900 to 86400, default fallback; or an IAM.0007 answer.
function durationOf(holder: JsonObject | undefined, fallback: number): number | CloudResponse {
  const value = holder?.duration_seconds;
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 900 || value > 86_400) {
    return invalidParameter('duration_seconds');
  }
  return value;
}

// POST /v3.0/OS-CREDENTIAL/securitytokens: temporary AK/SK of a token's caller, or of an agency.
function createTemporaryKey(
  req: AnonymousRequest | HuaweiRequest,
  store: Store,
  caller: HuaweiCaller | undefined,
): CloudResponse {
  const parsed = parseJsonObject(req.body);
  if ('error' in parsed) return iamFlatError(400, 'IAM.0011', 'Request body is invalid.');
  const identity = identityOf(parsed.value);
  if (identity === undefined) return invalidBody();
  const method = methodOf(identity);
  if (typeof method !== 'string') return method;
  const now = req.now.getTime();
  if (method === 'token') {
    const token = isObject(identity.token) ? identity.token : undefined;
    const duration = durationOf(token, DEFAULT_KEY_SECONDS);
    if (typeof duration !== 'number') return duration;
    // X-Auth-Token (the caller's) takes the priority over token.id.
    let owner = caller?.token !== undefined ? caller : undefined;
    if (owner === undefined) {
      const id = token?.id;
      if (typeof id !== 'string' || id === '') {
        return iamFlatError(401, 'IAM.0001', 'The request you have made requires authentication.');
      }
      const found = tokenOwner(store, id, now);
      if ('status' in found) return found;
      owner = found;
    }
    const key = store.sessions.issueHuaweiKey(
      withoutToken(owner),
      now + store.credentialLifetime(duration) * 1000,
    );
    return { ...credentialAnswer(key), countAs: 'CreateTemporaryAccessKeyByToken' };
  }
  if (method !== 'assume_role') return invalidParameter('methods');
  if (caller === undefined)
    return iamFlatError(401, 'IAM.0001', 'The request you have made requires authentication.');
  const assume = isObject(identity.assume_role) ? identity.assume_role : undefined;
  const agency = agencyOf(store, assume);
  if ('status' in agency) return agency;
  if (!trusted(store, agency.agency, caller)) {
    return iamFlatError(403, 'IAM.0002', 'You are not authorized to perform the requested action.');
  }
  const duration = durationOf(assume, DEFAULT_KEY_SECONDS);
  if (typeof duration !== 'number') return duration;
  const session = sessionUser(assume);
  const assumed = agencyCaller(store, agency.agency, userRef(store, caller), session);
  const key = store.sessions.issueHuaweiKey(assumed, now + store.credentialLifetime(duration) * 1000);
  return { ...credentialAnswer(key), countAs: 'CreateTemporaryAccessKeyByAgency' };
}

// The caller of a token given in a body: a seed token or one the emulator issued, unexpired.
function tokenOwner(store: Store, token: string, now: number): HuaweiCaller | CloudResponse {
  const identity = store.state.identities.find((i) => i.cloud === 'huaweicloud' && i.token === token);
  if (identity !== undefined && identity.cloud === 'huaweicloud') return { ...identity };
  const issued = store.sessions.huaweiToken(token, now);
  if ('expired' in issued) return iamFlatError(401, 'IAM.0066', 'The token has expired.');
  if ('unknown' in issued) return iamFlatError(401, 'IAM.0067', 'Invalid token.');
  return issued.found.caller;
}

function withoutToken(caller: HuaweiCaller): HuaweiCaller {
  const { token: _token, accessKey: _accessKey, secretKey: _secretKey, ...rest } = caller;
  return rest;
}

function credentialAnswer(key: { access: string; secret: string; securityToken: string; expiresAt: number }) {
  return {
    status: 201,
    body: {
      credential: {
        access: key.access,
        secret: key.secret,
        expires_at: formatHuaweiTime(key.expiresAt),
        securitytoken: key.securityToken,
      },
    },
  };
}

// The agency of an assume_role object: agency_name (or xrole_name) in domain_id (or domain_name).
function agencyOf(
  store: Store,
  assume: JsonObject | undefined,
): { agency: NonNullable<ReturnType<typeof findAgency>> } | CloudResponse {
  if (assume === undefined) return iamFlatError(400, 'IAM.0011', 'Request body is invalid.');
  const name = typeof assume.agency_name === 'string' ? assume.agency_name : assume.xrole_name;
  if (typeof name !== 'string' || name === '') return invalidParameter('agency_name');
  let domainId: string | undefined;
  if (typeof assume.domain_id === 'string') domainId = assume.domain_id;
  else if (typeof assume.domain_name === 'string')
    domainId = domainByName(store, assume.domain_name) ?? assume.domain_name;
  if (domainId === undefined || domainId === '') return invalidParameter('domain_id');
  const agency = findAgency(store, domainId, name);
  if (agency === undefined) return iamFlatError(404, 'IAM.0004', `Could not find agency: ${name}.`);
  return { agency };
}

// An agency trusts the users of its trust_domain_id (or trust_domain_name).
function trusted(
  store: Store,
  agency: NonNullable<ReturnType<typeof findAgency>>,
  caller: HuaweiCaller,
): boolean {
  const domainId = caller.domainId;
  if (domainId === undefined) return false;
  if (agency.trust_domain_id !== undefined) return agency.trust_domain_id === domainId;
  return agency.trust_domain_name !== undefined && agency.trust_domain_name === domainName(store, domainId);
}

function sessionUser(assume: JsonObject | undefined): string | undefined {
  const user = assume?.session_user;
  const name = isObject(user) ? user.name : undefined;
  return typeof name === 'string' && /^[A-Za-z0-9_.@-]{2,64}$/.test(name) ? name : undefined;
}

// POST /v3/auth/tokens with methods assume_role: an agency token for the caller.
function createAgencyToken(req: HuaweiRequest, store: Store): CloudResponse {
  const parsed = parseJsonObject(req.body);
  if ('error' in parsed) return iamFlatError(400, 'IAM.0011', 'Request body is invalid.');
  const identity = identityOf(parsed.value);
  if (identity === undefined) return invalidBody();
  const method = methodOf(identity);
  if (typeof method !== 'string') return method;
  if (method !== 'assume_role') return invalidParameter('methods');
  const assume = isObject(identity.assume_role) ? identity.assume_role : undefined;
  const agency = agencyOf(store, assume);
  if ('status' in agency) return agency;
  if (!trusted(store, agency.agency, req.caller)) {
    return iamFlatError(403, 'IAM.0002', 'You are not authorized to perform the requested action.');
  }
  const duration = durationOf(assume, DEFAULT_TOKEN_SECONDS);
  if (typeof duration !== 'number') return duration;
  const auth = parsed.value?.auth;
  const scope = scopeOf(store, isObject(auth) ? auth.scope : undefined, agency.agency.domain_id);
  if (scope !== undefined && 'status' in scope) return scope;
  const now = req.now.getTime();
  const caller = agencyCaller(store, agency.agency, userRef(store, req.caller), sessionUser(assume));
  return tokenAnswer(store, {
    methods: ['assume_role'],
    issuedAt: now,
    expiresAt: now + store.credentialLifetime(duration) * 1000,
    caller,
    ...(scope !== undefined ? { scope } : {}),
  });
}

// A token's scope: a project (by ID or name) or a domain of domainId; undefined when none is asked.
function scopeOf(
  store: Store,
  scope: unknown,
  domainId: string,
): HuaweiTokenScope | CloudResponse | undefined {
  if (scope === undefined) return undefined;
  if (!isObject(scope)) return invalidParameter('scope');
  if (isObject(scope.project)) {
    const { id, name } = scope.project;
    const project = (store.state.huaweicloud?.iam?.projects ?? []).find(
      (p) => p.domain_id === domainId && (p.id === id || (id === undefined && p.name === name)),
    );
    if (project === undefined) return iamFlatError(404, 'IAM.0004', 'Could not find project.');
    return { project: { id: project.id, name: project.name } };
  }
  if (isObject(scope.domain)) {
    const { id, name } = scope.domain;
    const found =
      typeof id === 'string' ? id : typeof name === 'string' ? domainByName(store, name) : undefined;
    if (found !== domainId) return iamFlatError(404, 'IAM.0004', 'Could not find domain.');
    return { domain: { id: domainId } };
  }
  return invalidParameter('scope');
}

function tokenAnswer(store: Store, entry: Omit<HuaweiToken, 'token'>): CloudResponse {
  const issued = store.sessions.issueHuaweiToken(entry);
  return {
    status: 201,
    headers: { 'X-Subject-Token': issued.token },
    body: { token: tokenBody(store, issued) },
  };
}

// The two federation APIs: an ID token of an identity provider for a federated user's token.
function federate(req: AnonymousRequest, store: Store): CloudResponse {
  const unauthenticated = () =>
    iamFlatError(401, 'IAM.0001', 'The request you have made requires authentication.');
  let idpId: string;
  let idToken: unknown;
  let scopeAsked: unknown;
  if (req.op === 'CreateTokenWithIdToken') {
    idpId = req.headers['x-idp-id'] ?? '';
    if (idpId === '') return invalidParameter('X-Idp-Id');
    const parsed = parseJsonObject(req.body);
    const auth = 'value' in parsed && isObject(parsed.value?.auth) ? parsed.value.auth : undefined;
    const id = isObject(auth?.id_token) ? auth.id_token.id : undefined;
    if (auth === undefined || typeof id !== 'string')
      return iamFlatError(400, 'IAM.0011', 'Request body is invalid.');
    idToken = id;
    scopeAsked = auth.scope;
  } else {
    idpId = req.params.idp_id ?? '';
    if (req.params.protocol_id !== 'oidc') {
      return iamFlatError(404, 'IAM.0004', `Could not find protocol: ${req.params.protocol_id ?? ''}.`);
    }
    const authorization = req.headers.authorization ?? '';
    if (!/^Bearer /i.test(authorization)) return unauthenticated();
    idToken = authorization.slice('Bearer '.length).trim();
  }
  const idp = (store.state.huaweicloud?.iam?.identity_providers ?? []).find((p) => p.id === idpId);
  if (idp === undefined) return iamFlatError(404, 'IAM.0004', `Could not find identity provider: ${idpId}.`);
  if (idp.enabled === false || typeof idToken !== 'string') return unauthenticated();
  const config = idp.openid_connect_config;
  const keys =
    config.idp_url === store.oidc.issuer ? [store.oidc.publicKey] : keysOfJwks(parseJson(config.signing_key));
  const checked = verifyJwt(idToken, {
    issuer: config.idp_url,
    audiences: [config.client_id],
    keys,
    now: req.now,
  });
  if ('failure' in checked) return unauthenticated();
  const mapped = mapFederatedUser(idp, checked.claims);
  if (mapped === undefined) return unauthenticated();
  const scope = scopeOf(store, scopeAsked, idp.domain_id);
  if (scope !== undefined && 'status' in scope) return scope;
  const domain = { domainId: idp.domain_id, domainName: domainName(store, idp.domain_id) };
  const principal: HuaweiPrincipal = {
    kind: 'federated',
    idpId: idp.id,
    user: { id: stableId(idp.domain_id, idp.id, mapped.name), name: mapped.name, ...domain },
    groups: mapped.groups.map((name) => ({ id: stableId(idp.domain_id, 'group', name), name })),
  };
  const now = req.now.getTime();
  return tokenAnswer(store, {
    methods: ['mapped'],
    issuedAt: now,
    expiresAt: now + store.credentialLifetime(DEFAULT_TOKEN_SECONDS) * 1000,
    caller: { cloud: 'huaweicloud', userId: principal.user.id, domainId: idp.domain_id, principal },
    ...(scope !== undefined ? { scope } : {}),
  });
}

// GET /v3/projects: the caller's account's projects, filtered by name, domain_id, enabled; paged by page and per_page.
function listProjects(req: HuaweiRequest, store: Store): CloudResponse {
  const q = req.query;
  const domainId = req.caller.domainId;
  let projects = (store.state.huaweicloud?.iam?.projects ?? []).filter(
    (p) => domainId === undefined || p.domain_id === domainId,
  );
  const name = q.get('name');
  if (name !== null) projects = projects.filter((p) => p.name === name);
  const domain = q.get('domain_id');
  if (domain !== null) projects = projects.filter((p) => p.domain_id === domain);
  const enabled = q.get('enabled');
  if (enabled === 'false') projects = projects.filter((p) => p.enabled === false);
  else if (enabled === 'true') projects = projects.filter((p) => p.enabled !== false);
  const page = q.get('page');
  const perPage = q.get('per_page');
  if ((page === null) !== (perPage === null)) return invalidParameter(page === null ? 'page' : 'per_page');
  if (page !== null && perPage !== null) {
    const p = Number(page);
    const n = Number(perPage);
    if (!/^[0-9]{1,9}$/.test(page) || p < 1) return invalidParameter('page');
    if (!/^[0-9]{1,4}$/.test(perPage) || n < 1 || n > MAX_PER_PAGE) return invalidParameter('per_page');
    projects = projects.slice((p - 1) * n, p * n);
  }
  const base = `https://${req.host}/v3`;
  return {
    status: 200,
    body: {
      links: { self: `${base}/projects`, previous: null, next: null },
      projects: projects.map((p) => ({
        is_domain: false,
        description: '',
        enabled: true,
        parent_id: p.domain_id,
        links: { self: `${base}/projects/${p.id}` },
        ...p,
      })),
    },
  };
}

// GET /v3/auth/domains: the caller's account.
function listDomains(req: HuaweiRequest, store: Store): CloudResponse {
  const id = req.caller.domainId;
  const base = `https://${req.host}/v3`;
  return {
    status: 200,
    body: {
      domains:
        id === undefined
          ? []
          : [
              {
                description: '',
                enabled: true,
                id,
                links: { self: `${base}/domains/${id}` },
                name: domainName(store, id),
              },
            ],
      links: { self: `${base}/auth/domains`, previous: null, next: null },
    },
  };
}

// GET /v3.0/OS-AGENCY/agencies?domain_id=&name=&trust_domain_id=: the agencies of the caller's own
// account (domain_id is required and must be it), filtered by name and trusted account.
function listAgencies(req: HuaweiRequest, store: Store): CloudResponse {
  const q = req.query;
  for (const name of q.keys()) {
    if (!['domain_id', 'name', 'trust_domain_id'].includes(name)) return invalidParameter(name);
  }
  const domainId = q.get('domain_id');
  if (domainId === null || domainId === '') return invalidParameter('domain_id');
  if (domainId !== req.caller.domainId) {
    return iamError(403, 'IAM.0002', 'You are not authorized to perform the requested action.');
  }
  const name = q.get('name');
  const trusted = q.get('trust_domain_id');
  const agencies = (store.state.huaweicloud?.iam?.agencies ?? []).filter(
    (a) =>
      a.domain_id === domainId &&
      (name === null || a.name === name) &&
      (trusted === null || a.trust_domain_id === trusted),
  );
  return {
    status: 200,
    body: {
      agencies: agencies.map((a) => ({
        create_time: '2026-01-01T00:00:00.000000',
        description: '',
        duration: 'FOREVER',
        expire_time: null,
        ...a,
      })),
    },
  };
}

function invalidParameter(name: string): CloudResponse {
  return iamFlatError(400, 'IAM.0007', `Request parameter ${name} is invalid.`);
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
