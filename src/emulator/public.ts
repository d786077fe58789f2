// What the emulator serves besides the cloud APIs, on the same port: the two metadata
// services (Alibaba ECS under /latest/, Huawei ECS under /openstack/ and /meta-data/), the
// OIDC issuer's discovery document and keys (/.well-known/), and the admin endpoints that
// mint its tokens (POST /_emulator/oidc/token, GET /_emulator/github/token).

import { timingSafeEqual } from 'node:crypto';
import { findRoleByName, formatAlibabaTime, issueRoleSession } from './alibabacloud/ram.js';
import type { Store } from './cloud.js';
import { agencyCaller, formatHuaweiTime } from './huaweicloud/principals.js';

/** PublicOperation is a metadata read that GET /_emulator/stats counts. */
export type PublicOperation =
  | 'AlibabaMetadataToken'
  | 'AlibabaMetadataRamRole'
  | 'AlibabaMetadataRamRoleCredentials'
  | 'HuaweiMetadataToken'
  | 'HuaweiMetadataSecurityKey'
  | 'HuaweiMetadataMetaData';

/** PublicAnswer is an answer of a metadata service or the issuer: text or JSON. */
export interface PublicAnswer {
  status: number;
  text?: string;
  json?: unknown;
}

/** publicOperation is what a metadata read counts as in the stats (and faults), or undefined. */
export function publicOperation(path: string): PublicOperation | undefined {
  if (path === '/latest/api/token') return 'AlibabaMetadataToken';
  if (path === '/latest/meta-data/ram/security-credentials/') return 'AlibabaMetadataRamRole';
  if (path.startsWith('/latest/meta-data/ram/security-credentials/'))
    return 'AlibabaMetadataRamRoleCredentials';
  if (path === '/meta-data/latest/api/token') return 'HuaweiMetadataToken';
  if (path === '/openstack/latest/securitykey') return 'HuaweiMetadataSecurityKey';
  if (path === '/openstack/latest/meta_data.json') return 'HuaweiMetadataMetaData';
  return undefined;
}

/** isPublicPath tells the paths served here rather than routed to a cloud API. */
export function isPublicPath(path: string): boolean {
  return (
    path.startsWith('/latest/') ||
    path.startsWith('/openstack/') ||
    path.startsWith('/meta-data/') ||
    path.startsWith('/.well-known/')
  );
}

/** METADATA_TOKEN_MAX_TTL is the longest metadata session token both clouds issue: 21600 s (6 hours). */
const METADATA_TOKEN_MAX_TTL = 21_600;
/** METADATA_CREDENTIAL_SECONDS is how long instance credentials live, unless the store says otherwise. */
const METADATA_CREDENTIAL_SECONDS = 3600;

/** servePublic answers a request to a metadata service or the issuer's documents, at now. */
export function servePublic(
  method: string,
  path: string,
  headers: Readonly<Record<string, string>>,
  store: Store,
  now: Date,
  baseUrl: string,
): PublicAnswer {
  if (path === '/.well-known/openid-configuration' && method === 'GET') {
    return { status: 200, json: store.oidc.discovery(baseUrl) };
  }
  if (path === '/.well-known/jwks' && method === 'GET') return { status: 200, json: store.oidc.jwks() };
  if (path.startsWith('/latest/')) return alibabaMetadata(method, path, headers, store, now);
  if (path.startsWith('/openstack/') || path.startsWith('/meta-data/')) {
    return huaweiMetadata(method, path, headers, store, now);
  }
  return notFound();
}

function notFound(): PublicAnswer {
  return { status: 404, text: 'Not Found\n' };
}

// A metadata session token: PUT with the TTL header (1 to 21600 seconds).
function issueToken(ttlHeader: string | undefined, store: Store, now: Date): PublicAnswer {
  const ttl = ttlHeader === undefined || !/^[0-9]{1,6}$/.test(ttlHeader) ? Number.NaN : Number(ttlHeader);
  if (!(ttl >= 1 && ttl <= METADATA_TOKEN_MAX_TTL)) {
    return { status: 400, text: `the token TTL must be from 1 to ${METADATA_TOKEN_MAX_TTL} seconds\n` };
  }
  return { status: 200, text: store.sessions.issueMetadataToken(now.getTime() + ttl * 1000) };
}

// Whether a read may go on: a token, when sent, must be valid; when required, it must be sent.
function tokenRefusal(
  token: string | undefined,
  required: boolean,
  store: Store,
  now: Date,
): PublicAnswer | undefined {
  if (token === undefined ? !required : store.sessions.metadataToken(token, now.getTime())) return undefined;
  return { status: 401, text: 'Unauthorized\n' };
}

// Alibaba ECS: PUT /latest/api/token, GET /latest/meta-data/ram/security-credentials/[ROLE].
function alibabaMetadata(
  method: string,
  path: string,
  headers: Readonly<Record<string, string>>,
  store: Store,
  now: Date,
): PublicAnswer {
  if (path === '/latest/api/token') {
    if (method !== 'PUT') return { status: 405, text: 'Method Not Allowed\n' };
    return issueToken(headers['x-aliyun-ecs-metadata-token-ttl-seconds'], store, now);
  }
  const prefix = '/latest/meta-data/ram/security-credentials/';
  if (!path.startsWith(prefix) || method !== 'GET') return notFound();
  const name = path.slice(prefix.length);
  const instance = store.state.alibabacloud?.ecs?.instance;
  const required = instance?.MetadataOptions?.HttpTokens === 'required';
  const refused = tokenRefusal(headers['x-aliyun-ecs-metadata-token'], required, store, now);
  if (refused !== undefined) return refused;
  const roleName = instance?.RamRoleName;
  if (roleName === undefined) return notFound();
  if (name === '') return { status: 200, text: roleName };
  const role = findRoleByName(store, decodeSegment(name));
  if (role === undefined || role.RoleName.toLowerCase() !== roleName.toLowerCase()) return notFound();
  const t = now.getTime();
  const session = store.sessions.reuse(`alibaba:${role.RoleId}`, t, () =>
    issueRoleSession(
      store,
      role,
      instance?.InstanceId ?? 'i-emulator',
      store.credentialLifetime(METADATA_CREDENTIAL_SECONDS),
      now,
    ),
  );
  return {
    status: 200,
    json: {
      AccessKeyId: session.accessKeyId,
      AccessKeySecret: session.accessKeySecret,
      Expiration: formatAlibabaTime(session.expiresAt),
      SecurityToken: session.securityToken,
      LastUpdated: formatAlibabaTime(t),
      Code: 'Success',
    },
  };
}

// Huawei ECS: PUT /meta-data/latest/api/token, GET /openstack/latest/securitykey and meta_data.json.
function huaweiMetadata(
  method: string,
  path: string,
  headers: Readonly<Record<string, string>>,
  store: Store,
  now: Date,
): PublicAnswer {
  if (path === '/meta-data/latest/api/token') {
    if (method !== 'PUT') return { status: 405, text: 'Method Not Allowed\n' };
    return issueToken(headers['x-metadata-token-ttl-seconds'], store, now);
  }
  const op = publicOperation(path);
  if (op === undefined || method !== 'GET') return notFound();
  const server = store.state.huaweicloud?.ecs?.server;
  const refused = tokenRefusal(
    headers['x-metadata-token'],
    server?.metadataTokenRequired === true,
    store,
    now,
  );
  if (refused !== undefined) return refused;
  if (server === undefined) return notFound();
  if (op === 'HuaweiMetadataMetaData') {
    return {
      status: 200,
      json: {
        uuid: server.id ?? '',
        name: server.name ?? '',
        hostname: server.name ?? '',
        availability_zone: server.availability_zone ?? '',
        project_id: server.project_id ?? '',
        launch_index: 0,
        meta: server.metadata ?? {},
      },
    };
  }
  const agencyName = server.metadata?.agency_name;
  const agency = (store.state.huaweicloud?.iam?.agencies ?? []).find((a) => a.name === agencyName);
  // The sentence the SDKs look for to tell "no agency" from a token to renew (core MetadataAccessor).
  if (agency === undefined) return { status: 401, text: 'Please configure Cloud Service Agency first\n' };
  const t = now.getTime();
  const key = store.sessions.reuse(`huawei:${agency.id}`, t, () =>
    store.sessions.issueHuaweiKey(
      agencyCaller(store, agency, undefined, server.id),
      t + store.credentialLifetime(METADATA_CREDENTIAL_SECONDS) * 1000,
    ),
  );
  return {
    status: 200,
    json: {
      credential: {
        access: key.access,
        secret: key.secret,
        securitytoken: key.securityToken,
        expires_at: formatHuaweiTime(key.expiresAt),
      },
    },
  };
}

function decodeSegment(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** AdminAnswer is an answer of an admin endpoint: a status and a JSON body. */
export interface AdminAnswer {
  status: number;
  json: unknown;
}

/** DEFAULT_TOKEN_TTL is the lifetime of a minted token when none is asked (1 hour); GitHub's live 5 minutes. */
const DEFAULT_TOKEN_TTL = 3600;
const GITHUB_TOKEN_TTL = 300;
const DEFAULT_SUBJECT = 'repo:rescind-dev/rescind:ref:refs/heads/main';

/**
 * adminOidc answers POST /_emulator/oidc/token (a JSON body {sub, aud, ttlSeconds?, iss?, claims?}:
 * {token, expiresAt}) and GET /_emulator/github/token?audience=AUD (`Authorization: bearer` the seed's
 * requestToken: {value}).
 */
export function adminOidc(
  path: string,
  rawQuery: string,
  authorization: string | undefined,
  body: Uint8Array,
  store: Store,
  now: Date,
): AdminAnswer {
  if (path === '/_emulator/github/token') return githubToken(rawQuery, authorization, store, now);
  let request: unknown;
  try {
    request = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return {
      status: 400,
      json: { error: 'the body must be JSON, like {"sub": "alice", "aud": "sts.aliyuncs.com"}' },
    };
  }
  if (request === null || typeof request !== 'object' || Array.isArray(request)) {
    return { status: 400, json: { error: 'the body must be a JSON object' } };
  }
  const { sub, aud, ttlSeconds, iss, claims, ...rest } = request as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) {
    return {
      status: 400,
      json: { error: `unknown field ${JSON.stringify(unknown)}: sub, aud, ttlSeconds, iss, claims` },
    };
  }
  if (typeof sub !== 'string' || sub === '' || sub.length > 512) {
    return { status: 400, json: { error: 'sub must be a string of 1 to 512 characters' } };
  }
  const audiences = typeof aud === 'string' ? [aud] : aud;
  if (
    !Array.isArray(audiences) ||
    audiences.length === 0 ||
    audiences.length > 20 ||
    !audiences.every((a) => typeof a === 'string' && a !== '' && a.length <= 512)
  ) {
    return { status: 400, json: { error: 'aud must be a string or a list of 1 to 20 strings' } };
  }
  const ttl = ttlSeconds ?? DEFAULT_TOKEN_TTL;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < -86_400 || ttl > 86_400) {
    return { status: 400, json: { error: 'ttlSeconds must be a whole number from -86400 to 86400' } };
  }
  if (iss !== undefined && (typeof iss !== 'string' || iss === '' || iss.length > 2048)) {
    return { status: 400, json: { error: 'iss must be a string of 1 to 2048 characters' } };
  }
  if (claims !== undefined && (claims === null || typeof claims !== 'object' || Array.isArray(claims))) {
    return { status: 400, json: { error: 'claims must be a JSON object' } };
  }
  const minted = store.oidc.mint(
    {
      sub,
      aud: typeof aud === 'string' ? aud : (audiences as string[]),
      ttlSeconds: ttl,
      ...(iss !== undefined ? { iss: iss as string } : {}),
      ...(claims !== undefined ? { claims: claims as Record<string, unknown> } : {}),
    },
    now,
  );
  return { status: 200, json: { token: minted.token, expiresAt: minted.expiresAt.toISOString() } };
}

// The fake ACTIONS_ID_TOKEN_REQUEST_URL: the request token as a bearer, an optional audience.
function githubToken(
  rawQuery: string,
  authorization: string | undefined,
  store: Store,
  now: Date,
): AdminAnswer {
  const settings = store.state.oidc?.githubActions;
  if (settings === undefined) {
    return { status: 404, json: { error: 'the seed configures no oidc.githubActions endpoint' } };
  }
  const given = /^bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '';
  const expected = Buffer.from(settings.requestToken);
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return { status: 401, json: { message: 'Bad credentials' } };
  }
  const audience = new URLSearchParams(rawQuery).get('audience');
  const subject = settings.subject ?? DEFAULT_SUBJECT;
  const repository = /^repo:([^:]+):/.exec(subject)?.[1];
  const owner = repository?.split('/')[0];
  const claims: Record<string, unknown> = {
    ...(repository !== undefined ? { repository, repository_owner: owner } : {}),
    ...settings.claims,
  };
  const minted = store.oidc.mint(
    {
      sub: subject,
      aud: audience ?? `https://github.com/${owner ?? 'rescind-dev'}`,
      ttlSeconds: GITHUB_TOKEN_TTL,
      claims,
    },
    now,
  );
  return { status: 200, json: { count: minted.token.length, value: minted.token } };
}
