// Huawei Cloud IAM as a credential source: temporary AK/SK through an agency (signed by base
// credentials), and OpenID Connect federation (an ID token exchanged for a federated user's token,
// then for temporary AK/SK, as the SDK cores do). Who the credentials act as comes from an IAM
// token's own details: the agency token's `user` and `assumed_by`, the federated token's `user` and
// `OS-FEDERATION`. Also the project and account lookups of an account that names neither.

import type { RotatingSigner } from '../clouds/wire.js';
import type { HttpClient } from '../http/client.js';
import { CredentialsError } from '../http/errors.js';
import { expiryOf, failedCall, record, required, text } from './answers.js';
import type { TokenSource } from './oidc-token.js';
import type { Issued, Learned, Principal, Source, SourceContext } from './types.js';

/** AgencySettings say which agency to assume: its name, in the account of domainId or domainName. */
export interface AgencySettings {
  readonly agencyName: string;
  readonly domainId?: string;
  readonly domainName?: string;
  readonly durationSeconds?: number;
}

/** FederationSettings name the identity provider and where its ID token comes from. */
export interface FederationSettings {
  readonly idpId: string;
  readonly durationSeconds?: number;
  readonly token: TokenSource;
}

const JSON_HEADERS = { 'content-type': 'application/json;charset=UTF-8' } as const;

/** agencySource obtains temporary AK/SK of an agency with the base credentials. */
export function agencySource(
  ctx: SourceContext,
  settings: AgencySettings,
  base: RotatingSigner,
  baseDescribe: string,
  domainId: () => string | undefined,
): Source {
  const describe = `the agency ${settings.agencyName} (assumed with ${baseDescribe})`;
  let client: HttpClient | undefined;
  const iam = () => {
    client ??= ctx.client({ signer: base });
    return client;
  };
  // The agency's account: the config's (credentials.domainId or domainName, else the account's
  // domainId), else the account of the base credentials (an agency of their own account).
  let baseDomain: string | undefined;
  const assumeRole = async (signal?: AbortSignal): Promise<Record<string, unknown>> => {
    if (settings.domainName !== undefined && settings.domainId === undefined) {
      return { agency_name: settings.agencyName, domain_name: settings.domainName };
    }
    baseDomain ??=
      settings.domainId ?? domainId() ?? (await lookUpDomain(iam(), ctx.endpoint('iam'), signal));
    return { agency_name: settings.agencyName, domain_id: baseDomain };
  };
  return {
    kind: 'agency',
    describe,
    fetch: async (signal) => {
      const body = await post(
        ctx,
        iam(),
        '/v3.0/OS-CREDENTIAL/securitytokens',
        'CreateTemporaryAccessKeyByAgency',
        {
          auth: {
            identity: {
              methods: ['assume_role'],
              assume_role: {
                ...(await assumeRole(signal)),
                ...(settings.durationSeconds === undefined
                  ? {}
                  : { duration_seconds: settings.durationSeconds }),
              },
            },
          },
        },
        `IAM CreateTemporaryAccessKeyByAgency of ${settings.agencyName}`,
        {},
        signal,
      );
      return temporaryKeyOf(body.body, 'IAM CreateTemporaryAccessKeyByAgency');
    },
    // An agency token's own details name the agency (`user`) and who assumed it (`assumed_by`).
    learn: async (signal) => {
      const answer = await post(
        ctx,
        iam(),
        '/v3/auth/tokens',
        'KeystoneCreateAgencyToken',
        { auth: { identity: { methods: ['assume_role'], assume_role: await assumeRole(signal) } } },
        `IAM KeystoneCreateAgencyToken of ${settings.agencyName}`,
        {},
        signal,
      );
      return tokenDetails(answer.body, 'IAM KeystoneCreateAgencyToken');
    },
  };
}

/**
 * federationSource exchanges an ID token for a federated user's IAM token
 * (`POST /v3.0/OS-AUTH/id-token/tokens`, X-Idp-Id), then that token for temporary AK/SK
 * (`POST /v3.0/OS-CREDENTIAL/securitytokens`, method token). Both calls are unsigned: their credential
 * is in the request. The credentials expire when the first of the two does.
 */
export function federationSource(ctx: SourceContext, settings: FederationSettings): Source {
  const describe = `OIDC federation through the identity provider ${settings.idpId} (with ${settings.token.describe})`;
  let client: HttpClient | undefined;
  let learned: Learned = {};
  return {
    kind: 'oidc',
    describe,
    fetch: async (signal) => {
      const idToken = await settings.token.read(signal);
      client ??= ctx.client({});
      const federated = await post(
        ctx,
        client,
        '/v3.0/OS-AUTH/id-token/tokens',
        'CreateTokenWithIdToken',
        { auth: { id_token: { id: idToken } } },
        `IAM CreateTokenWithIdToken of the identity provider ${settings.idpId}`,
        { 'x-idp-id': settings.idpId },
        signal,
      );
      const token = federated.headers['x-subject-token'];
      if (token === undefined || token === '') {
        throw new CredentialsError('IAM CreateTokenWithIdToken answered no X-Subject-Token');
      }
      ctx.secrets([token]);
      const details = tokenDetails(federated.body, 'IAM CreateTokenWithIdToken');
      const tokenExpiry = expiryOf(
        record(record(federated.body)?.token),
        'expires_at',
        'IAM CreateTokenWithIdToken',
      );
      const keys = await post(
        ctx,
        client,
        '/v3.0/OS-CREDENTIAL/securitytokens',
        'CreateTemporaryAccessKeyByToken',
        {
          auth: {
            identity: {
              methods: ['token'],
              token: {
                id: token,
                ...(settings.durationSeconds === undefined
                  ? {}
                  : { duration_seconds: settings.durationSeconds }),
              },
            },
          },
        },
        'IAM CreateTemporaryAccessKeyByToken',
        {},
        signal,
      );
      const issued = temporaryKeyOf(keys.body, 'IAM CreateTemporaryAccessKeyByToken');
      learned = details;
      return { ...issued, expiresAt: Math.min(issued.expiresAt ?? tokenExpiry, tokenExpiry) };
    },
    learn: async () => learned,
  };
}

interface Answer {
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

async function post(
  ctx: SourceContext,
  client: HttpClient,
  path: string,
  operation: string,
  body: Readonly<Record<string, unknown>>,
  what: string,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal | undefined,
): Promise<Answer> {
  try {
    const result = await client.call({
      method: 'POST',
      url: `${ctx.endpoint('iam')}${path}`,
      headers: { ...JSON_HEADERS, ...headers },
      body,
      service: 'iam',
      operation,
      ...(signal === undefined ? {} : { signal }),
    });
    return { body: result.body, headers: result.headers };
  } catch (e) {
    throw failedCall(what, e);
  }
}

/** temporaryKeyOf reads `{credential: {access, secret, securitytoken, expires_at}}`. */
export function temporaryKeyOf(body: unknown, what: string): Issued {
  const credential = record(record(body)?.credential);
  const fields = required(credential, ['access', 'secret', 'securitytoken'], what);
  return {
    credentials: {
      cloud: 'huaweicloud',
      kind: 'aksk',
      accessKey: fields.access,
      secretKey: fields.secret,
      securityToken: fields.securitytoken,
    },
    expiresAt: expiryOf(credential, 'expires_at', what),
  };
}

/**
 * tokenDetails reads who an IAM token is from its own details (`{token: {user, assumed_by?}}`): a user,
 * an agency (`assumed_by` present; its `user.name` is `DOMAIN/AGENCY`) or a federated user
 * (`user.OS-FEDERATION`), and the user who assumed an agency.
 */
export function tokenDetails(body: unknown, what: string): Learned {
  const token = record(record(body)?.token);
  const user = record(token?.user);
  const id = text(user, 'id');
  if (id === undefined) throw new CredentialsError(`${what} answered a token without user.id`);
  const name = text(user, 'name');
  const account = text(record(user?.domain), 'id');
  const assumedBy = record(record(token?.assumed_by)?.user);
  const federated = record(user?.['OS-FEDERATION']);
  const kind = federated !== undefined ? 'federated-user' : assumedBy !== undefined ? 'agency' : 'user';
  const principal: Principal = {
    kind,
    ids: [id],
    ...(name === undefined ? {} : { name }),
    ...(account === undefined ? {} : { account }),
  };
  const byId = text(assumedBy, 'id');
  if (byId === undefined) return { principal };
  const byName = text(assumedBy, 'name');
  const byAccount = text(record(assumedBy?.domain), 'id');
  return {
    principal,
    assumedFrom: {
      kind: 'user',
      ids: [byId],
      ...(byName === undefined ? {} : { name: byName }),
      ...(byAccount === undefined ? {} : { account: byAccount }),
    },
  };
}

/** lookUpProject asks IAM for the ID of the project named after region (KeystoneListProjects). */
export async function lookUpProject(
  http: HttpClient,
  iam: string,
  region: string,
  signal?: AbortSignal,
): Promise<string> {
  let body: unknown;
  try {
    const result = await http.call({
      method: 'GET',
      url: `${iam}/v3/projects`,
      query: { name: region },
      service: 'iam',
      operation: 'KeystoneListProjects',
      ...(signal === undefined ? {} : { signal }),
    });
    body = result.body;
  } catch (e) {
    throw failedCall(`IAM KeystoneListProjects of ${region}`, e);
  }
  const projects = record(body)?.projects;
  const found = Array.isArray(projects)
    ? projects.map(record).filter((p) => text(p, 'name') === region && text(p, 'id') !== undefined)
    : undefined;
  if (found === undefined) throw new CredentialsError('IAM KeystoneListProjects answered no projects list');
  if (found.length !== 1) {
    throw new CredentialsError(
      found.length === 0
        ? `IAM KeystoneListProjects found no project named ${region}: set projectId in the config`
        : `IAM KeystoneListProjects found ${found.length} projects named ${region}: set projectId in the config`,
    );
  }
  return text(found[0], 'id') as string;
}

/** lookUpDomain asks IAM for the account (domain) the credentials belong to (KeystoneListAuthDomains). */
export async function lookUpDomain(http: HttpClient, iam: string, signal?: AbortSignal): Promise<string> {
  let body: unknown;
  try {
    const result = await http.call({
      method: 'GET',
      url: `${iam}/v3/auth/domains`,
      service: 'iam',
      operation: 'KeystoneListAuthDomains',
      ...(signal === undefined ? {} : { signal }),
    });
    body = result.body;
  } catch (e) {
    throw failedCall('IAM KeystoneListAuthDomains', e);
  }
  const domains = record(body)?.domains;
  const ids = Array.isArray(domains)
    ? domains.map((d) => text(record(d), 'id')).filter((id): id is string => id !== undefined)
    : undefined;
  if (ids === undefined) throw new CredentialsError('IAM KeystoneListAuthDomains answered no domains list');
  if (ids.length !== 1) {
    throw new CredentialsError(
      `IAM KeystoneListAuthDomains answered ${ids.length} accounts: set domainId in the config`,
    );
  }
  return ids[0] as string;
}
