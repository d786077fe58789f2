// Instance roles from the clouds' metadata services, as the SDKs read them: a session token first
// (IMDSv2-style, PUT with a TTL; without one the read goes on without it, as the SDKs fall back), then
// the role's temporary credentials. Alibaba ECS: the RAM role of the instance
// (`/latest/meta-data/ram/security-credentials/ROLE`); Huawei ECS: the server's agency
// (`/openstack/latest/securitykey`). The base URL is configurable (a test's emulator, a proxy in a VPC).
// A service that hangs, answers an error or garbage is a CredentialsError within the call's deadline.

import { METADATA_HOSTS } from '../clouds/endpoint-url.js';
import type { CallResult, HttpClient } from '../http/client.js';
import { CloudError, CredentialsError } from '../http/errors.js';
import { stsKeyOf } from './alibaba-sts.js';
import { failedCall, record, text } from './answers.js';
import { temporaryKeyOf } from './huawei-iam.js';
import type { Learned, Source, SourceContext } from './types.js';

/** ALIBABA_METADATA_URL and HUAWEI_METADATA_URL are the services' addresses inside an instance. */
export const ALIBABA_METADATA_URL = `http://${METADATA_HOSTS[0]}`;
export const HUAWEI_METADATA_URL = `http://${METADATA_HOSTS[1]}`;

/** METADATA_TIMEOUT_MS bounds one metadata read, its retries included. */
export const METADATA_TIMEOUT_MS = 5_000;

/** METADATA_TOKEN_TTL is the session token's lifetime asked for, in seconds (the SDKs' 6 hours). */
const METADATA_TOKEN_TTL = '21600';

/** MetadataSettings: the service's base URL, and (Alibaba) the RAM role when not the instance's only one. */
export interface MetadataSettings {
  readonly url?: string;
  readonly roleName?: string;
  /** timeoutMs bounds each read; the default chain probes with a shorter one. */
  readonly timeoutMs?: number;
}

/** alibabaMetadataSource reads the instance's RAM role credentials from the ECS metadata service. */
export function alibabaMetadataSource(ctx: SourceContext, settings: MetadataSettings): Source {
  const base = trimSlash(settings.url ?? ALIBABA_METADATA_URL);
  const reader = metadataReader(ctx, base, settings.timeoutMs, {
    path: '/latest/api/token',
    ttlHeader: 'x-aliyun-ecs-metadata-token-ttl-seconds',
    tokenHeader: 'x-aliyun-ecs-metadata-token',
  });
  return {
    kind: 'metadata',
    describe: `the ECS metadata service at ${base}`,
    fetch: async (signal) => {
      const session = await reader.token(signal);
      let role = settings.roleName;
      if (role === undefined) {
        const listed = await reader.get(
          '/latest/meta-data/ram/security-credentials/',
          session,
          'the RAM role',
          signal,
        );
        role = (listed.text ?? '').trim().split('\n')[0]?.trim();
        if (role === undefined || role === '' || !/^[A-Za-z0-9._-]{1,64}$/.test(role)) {
          throw new CredentialsError(`the ECS metadata service at ${base} names no RAM role of the instance`);
        }
      }
      const answer = await reader.get(
        `/latest/meta-data/ram/security-credentials/${encodeURIComponent(role)}`,
        session,
        `the credentials of the RAM role ${role}`,
        signal,
      );
      const body = record(parseJson(answer, `the ECS metadata service at ${base}`));
      if (text(body, 'Code') !== 'Success') {
        throw new CredentialsError(
          `the ECS metadata service at ${base} answered Code ${JSON.stringify(text(body, 'Code') ?? null)} for the RAM role ${role}, not Success`,
        );
      }
      const what = `the ECS metadata service at ${base}`;
      return stsKeyOf(body, what, what);
    },
  };
}

/** huaweiMetadataSource reads the server's agency credentials from the ECS metadata service. */
export function huaweiMetadataSource(ctx: SourceContext, settings: MetadataSettings): Source {
  const base = trimSlash(settings.url ?? HUAWEI_METADATA_URL);
  const reader = metadataReader(ctx, base, settings.timeoutMs, {
    path: '/meta-data/latest/api/token',
    ttlHeader: 'x-metadata-token-ttl-seconds',
    tokenHeader: 'x-metadata-token',
  });
  const what = `the ECS metadata service at ${base}`;
  return {
    kind: 'metadata',
    describe: what,
    fetch: async (signal) => {
      const session = await reader.token(signal);
      const answer = await reader.get(
        '/openstack/latest/securitykey',
        session,
        "the server's agency credentials",
        signal,
      );
      return temporaryKeyOf(parseJson(answer, what), what);
    },
    // The server's own description names its agency (meta.agency_name) and the server itself.
    learn: async (signal): Promise<Learned> => {
      const session = await reader.token(signal);
      const answer = await reader.get(
        '/openstack/latest/meta_data.json',
        session,
        "the server's metadata",
        signal,
      );
      const body = record(parseJson(answer, what));
      const agency = text(record(body?.meta), 'agency_name');
      const server = text(body, 'uuid');
      return {
        ...(agency === undefined ? {} : { principal: { kind: 'agency', ids: [], name: agency } }),
        ...(server === undefined
          ? {}
          : { assumedFrom: { kind: 'instance', ids: [server], name: text(body, 'name') ?? server } }),
      };
    },
  };
}

interface TokenApi {
  readonly path: string;
  readonly ttlHeader: string;
  readonly tokenHeader: string;
}

interface MetadataReader {
  /** token is a session token, or undefined when the service gives none (reads go on without it). */
  token(signal?: AbortSignal): Promise<string | undefined>;
  get(path: string, session: string | undefined, what: string, signal?: AbortSignal): Promise<CallResult>;
}

function metadataReader(
  ctx: SourceContext,
  base: string,
  timeoutMs: number | undefined,
  api: TokenApi,
): MetadataReader {
  let client: HttpClient | undefined;
  const http = () => {
    client ??= ctx.client({ metadata: true });
    return client;
  };
  const timeout = timeoutMs ?? METADATA_TIMEOUT_MS;
  const service = `the metadata service at ${base}`;
  return {
    token: async (signal) => {
      try {
        const result = await http().call({
          method: 'PUT',
          url: `${base}${api.path}`,
          headers: { [api.ttlHeader]: METADATA_TOKEN_TTL },
          service: 'metadata',
          operation: 'MetadataToken',
          timeoutMs: timeout,
          ...(signal === undefined ? {} : { signal }),
        });
        const token = (result.text ?? '').trim();
        if (token === '' || !/^[\x21-\x7e]+$/.test(token) || token.length > 4096) return undefined;
        ctx.secrets([token]);
        return token;
      } catch (e) {
        // A refusal of the token (an older service): read without one, as the SDKs do. A service that
        // does not answer at all is not asked again.
        if (e instanceof CloudError) return undefined;
        throw failedCall(`asking ${service} for a session token`, e);
      }
    },
    get: async (path, session, what, signal) => {
      try {
        return await http().call({
          method: 'GET',
          url: `${base}${path}`,
          ...(session === undefined ? {} : { headers: { [api.tokenHeader]: session } }),
          service: 'metadata',
          operation: 'MetadataRead',
          timeoutMs: timeout,
          ...(signal === undefined ? {} : { signal }),
        });
      } catch (e) {
        throw failedCall(`reading ${what} from ${service}`, e);
      }
    },
  };
}

function parseJson(answer: CallResult, what: string): unknown {
  if (answer.body === undefined) throw new CredentialsError(`${what} answered something that is not JSON`);
  return answer.body;
}

function trimSlash(url: string): string {
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end--;
  return url.slice(0, end);
}
