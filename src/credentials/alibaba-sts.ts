// Alibaba Cloud STS as a credential source: AssumeRole signed by base credentials (a RAM user, or a
// role session: role chaining) and AssumeRoleWithOIDC (anonymous: the OIDC token is the credential),
// both answering `Credentials {AccessKeyId, AccessKeySecret, SecurityToken, Expiration}` and the
// `AssumedRoleUser` they act as. GetCallerIdentity of the base credentials says who assumed the role.

import type { RotatingSigner } from '../clouds/wire.js';
import type { HttpClient } from '../http/client.js';
import { CredentialsError } from '../http/errors.js';
import { expiryOf, failedCall, record, required, text } from './answers.js';
import type { TokenSource } from './oidc-token.js';
import type { Issued, Learned, Principal, Source, SourceContext } from './types.js';

/** STS_VERSION is the API version of STS's actions. */
export const STS_VERSION = '2015-04-01';

/** AssumeRoleSettings are AssumeRole's parameters as the config gives them. */
export interface AssumeRoleSettings {
  readonly roleArn: string;
  readonly roleSessionName?: string;
  readonly durationSeconds?: number;
  readonly externalId?: string;
  readonly policy?: string;
}

/** OidcRoleSettings are AssumeRoleWithOIDC's parameters, and where the token comes from. */
export interface OidcRoleSettings {
  readonly roleArn: string;
  readonly oidcProviderArn: string;
  readonly roleSessionName?: string;
  readonly durationSeconds?: number;
  readonly policy?: string;
  readonly token: TokenSource;
}

/** sessionName is the default RoleSessionName: `rescind-ACCOUNT`, cut to STS's 64 characters. */
export function sessionName(ctx: Pick<SourceContext, 'account'>): string {
  return `rescind-${ctx.account}`.replace(/[^A-Za-z0-9.@_-]/g, '-').slice(0, 64);
}

/** assumeRoleSource assumes settings.roleArn with the base credentials; base describes them. */
export function assumeRoleSource(
  ctx: SourceContext,
  settings: AssumeRoleSettings,
  base: RotatingSigner,
  baseDescribe: string,
): Source {
  const describe = `AssumeRole of ${settings.roleArn} (with ${baseDescribe})`;
  let client: HttpClient | undefined;
  const sts = () => {
    client ??= ctx.client({ signer: base });
    return client;
  };
  let assumed: Principal | undefined;
  return {
    kind: 'assume-role',
    describe,
    fetch: async (signal) => {
      const params: Record<string, string> = {
        RoleArn: settings.roleArn,
        RoleSessionName: settings.roleSessionName ?? sessionName(ctx),
      };
      if (settings.durationSeconds !== undefined) params.DurationSeconds = String(settings.durationSeconds);
      if (settings.externalId !== undefined) params.ExternalId = settings.externalId;
      if (settings.policy !== undefined) params.Policy = settings.policy;
      const body = await callSts(
        ctx,
        sts(),
        'AssumeRole',
        params,
        `STS AssumeRole of ${settings.roleArn}`,
        signal,
      );
      const issued = issuedOf(body, 'STS AssumeRole');
      assumed = assumedRoleOf(body);
      return issued;
    },
    learn: async (signal) => {
      const from = await callerOf(ctx, sts(), signal);
      return { ...(assumed === undefined ? {} : { principal: assumed }), assumedFrom: from };
    },
  };
}

/** oidcRoleSource assumes settings.roleArn with an OIDC token of settings.oidcProviderArn. */
export function oidcRoleSource(ctx: SourceContext, settings: OidcRoleSettings): Source {
  const describe = `AssumeRoleWithOIDC of ${settings.roleArn} (with ${settings.token.describe})`;
  let client: HttpClient | undefined;
  let learned: Learned = {};
  return {
    kind: 'oidc',
    describe,
    fetch: async (signal) => {
      const token = await settings.token.read(signal);
      client ??= ctx.client({});
      const params: Record<string, string> = {
        OIDCProviderArn: settings.oidcProviderArn,
        RoleArn: settings.roleArn,
        OIDCToken: token,
        RoleSessionName: settings.roleSessionName ?? sessionName(ctx),
      };
      if (settings.durationSeconds !== undefined) params.DurationSeconds = String(settings.durationSeconds);
      if (settings.policy !== undefined) params.Policy = settings.policy;
      const body = await callSts(
        ctx,
        client,
        'AssumeRoleWithOIDC',
        params,
        `STS AssumeRoleWithOIDC of ${settings.roleArn}`,
        signal,
        true,
      );
      const issued = issuedOf(body, 'STS AssumeRoleWithOIDC');
      const info = record(body.OIDCTokenInfo);
      const subject = text(info, 'Subject');
      const principal = assumedRoleOf(body);
      learned = {
        ...(principal === undefined ? {} : { principal }),
        ...(subject === undefined
          ? {}
          : {
              assumedFrom: {
                kind: 'oidc-subject',
                ids: [],
                name: subject,
                ...(text(info, 'Issuer') === undefined ? {} : { account: text(info, 'Issuer') as string }),
              },
            }),
      };
      return issued;
    },
    learn: async () => learned,
  };
}

// One STS action: a form body (a token of 20,000 characters does not belong in a URL), signed by the
// client's signer, or anonymous with x-acs-action and x-acs-version alone (AssumeRoleWithOIDC).
async function callSts(
  ctx: SourceContext,
  client: HttpClient,
  action: string,
  params: Readonly<Record<string, string>>,
  what: string,
  signal: AbortSignal | undefined,
  anonymous = false,
): Promise<Readonly<Record<string, unknown>>> {
  let answer: unknown;
  try {
    const result = await client.call({
      method: 'POST',
      url: `${ctx.endpoint('sts')}/`,
      // Signed, the signer writes x-acs-action and x-acs-version; anonymous, they name the action.
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(anonymous ? { 'x-acs-action': action, 'x-acs-version': STS_VERSION } : {}),
      },
      body: new URLSearchParams(params).toString(),
      service: 'sts',
      operation: action,
      apiVersion: STS_VERSION,
      ...(signal === undefined ? {} : { signal }),
    });
    answer = result.body;
  } catch (e) {
    throw failedCall(what, e);
  }
  const body = record(answer);
  if (body === undefined) throw new CredentialsError(`${what} answered something that is not a JSON object`);
  return body;
}

function issuedOf(body: Readonly<Record<string, unknown>>, what: string): Issued {
  return stsKeyOf(record(body.Credentials), `${what}'s Credentials`, what);
}

/**
 * stsKeyOf reads an STS key `{AccessKeyId, AccessKeySecret, SecurityToken, Expiration}`: STS answers
 * hold one in `Credentials`, the ECS metadata service answers with one. `fieldsOf` names the object in
 * an error about its fields, `what` the answer in an error about its expiry.
 */
export function stsKeyOf(
  key: Readonly<Record<string, unknown>> | undefined,
  fieldsOf: string,
  what: string,
): Issued {
  const fields = required(key, ['AccessKeyId', 'AccessKeySecret', 'SecurityToken'], fieldsOf);
  return {
    credentials: {
      cloud: 'alibabacloud',
      kind: 'access-key',
      accessKeyId: fields.AccessKeyId,
      accessKeySecret: fields.AccessKeySecret,
      securityToken: fields.SecurityToken,
    },
    expiresAt: expiryOf(key, 'Expiration', what),
  };
}

// The role session an assume answers: `AssumedRoleUser {Arn, AssumedRoleId}` (`ROLEID:SESSION`).
function assumedRoleOf(body: Readonly<Record<string, unknown>>): Principal | undefined {
  const user = record(body.AssumedRoleUser);
  const arn = text(user, 'Arn');
  const principalId = text(user, 'AssumedRoleId');
  if (arn === undefined || principalId === undefined) return undefined;
  const roleId = principalId.split(':')[0] ?? principalId;
  const account = /^acs:ram::(\d+):/.exec(arn)?.[1];
  return {
    kind: 'role',
    ids: [roleId, principalId],
    name: arn,
    ...(account === undefined ? {} : { account }),
  };
}

/** callerOf asks STS GetCallerIdentity who signs client's calls: a user, the account, or a role session. */
export async function callerOf(
  ctx: SourceContext,
  client: HttpClient,
  signal: AbortSignal | undefined,
): Promise<Principal> {
  const body = await (async () => {
    try {
      const result = await client.call({
        method: 'POST',
        url: `${ctx.endpoint('sts')}/`,
        service: 'sts',
        operation: 'GetCallerIdentity',
        apiVersion: STS_VERSION,
        ...(signal === undefined ? {} : { signal }),
      });
      return record(result.body);
    } catch (e) {
      throw failedCall('STS GetCallerIdentity', e);
    }
  })();
  const type = text(body, 'IdentityType');
  const account = text(body, 'AccountId');
  const arn = text(body, 'Arn');
  const roleId = text(body, 'RoleId');
  const principalId = text(body, 'PrincipalId');
  const userId = text(body, 'UserId');
  const ids = [userId ?? roleId, principalId].filter(
    (v, i, all): v is string => v !== undefined && all.indexOf(v) === i,
  );
  if (ids.length === 0) {
    throw new CredentialsError('STS GetCallerIdentity answered no UserId, RoleId or PrincipalId');
  }
  return {
    kind: type === 'AssumedRoleUser' ? 'role' : type === 'Account' ? 'account' : 'user',
    ids,
    ...(arn === undefined ? {} : { name: arn }),
    ...(account === undefined ? {} : { account }),
  };
}
